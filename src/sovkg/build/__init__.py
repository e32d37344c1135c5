"""Building the graph: parse the sources of the graph, reason over them, validate the result."""
