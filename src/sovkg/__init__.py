"""sovkg: the open knowledge graph of sovereign AI.

For scripts and notebooks::

    import sovkg
    kg = sovkg.open()                                   # a built project
    kg.query("us-dependencies").to_pandas()
    kg.explain("GPT-NL", on="US")

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

# The notebook API is imported on first use, so that "import sovkg" (and every command line
# start) stays light: these names pull in the stores and query engines.
_LAZY = {"open": "sovkg.api", "KnowledgeGraph": "sovkg.api", "Explanation": "sovkg.explain",
         "ResultTable": "sovkg.results.table"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sovkg' has no attribute {name!r}")

__all__ = [
    "EndpointError",
    "Explanation",
    "InputError",
    "KnowledgeGraph",
    "Project",
    "QueryError",
    "ResultTable",
    "SovkgError",
    "ValidationFailed",
    "__version__",
    "open",
]
