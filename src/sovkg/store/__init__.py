"""Stores the built graph lives in: the embedded pyoxigraph store, and remote triplestores."""
