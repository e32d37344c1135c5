"""Query results, and how they are written out for people and for machines."""
