"""The endpoint client's settings that users name (authentication schemes, environment variables).

A module of their own, so that the command line can declare its endpoint options without importing
the client and its HTTP library: a stored question on the embedded store never needs them.
"""

from __future__ import annotations

AUTH_SCHEMES = ("basic", "digest")
DEADLINE_ENV = "SOVKG_ENDPOINT_DEADLINE"
MAX_MB_ENV = "SOVKG_ENDPOINT_MAX_MB"
