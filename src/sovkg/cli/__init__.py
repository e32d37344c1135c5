"""The ``sovkg`` command: one group, one module per command, a thin layer over the Python API."""
