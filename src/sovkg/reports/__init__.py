"""Reports written for people: validation reports, build summaries."""
