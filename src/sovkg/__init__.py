"""sovkg: the open knowledge graph of sovereign AI.

The data flows through the sub-packages in this order:
``sources`` (the documents) -> ``build`` (parse, reason, validate) -> ``store`` -> ``queries``
-> ``results`` and ``reports``. The command line (``sovkg.cli``) is a thin layer over them.
"""

from sovkg.errors import (
    EndpointError,
    InputError,
    QueryError,
    SovkgError,
    ValidationFailed,
)
from sovkg.project import Project

__version__ = "0.1.0"

__all__ = [
    "EndpointError",
    "InputError",
    "Project",
    "QueryError",
    "SovkgError",
    "ValidationFailed",
    "__version__",
]
