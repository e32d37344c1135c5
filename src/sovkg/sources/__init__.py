"""The source documents: the ground truth that every fact's quote is checked against."""
