#!/usr/bin/env bash
# Install what the test suite needs, then run all of it.
#   Debian packages: virtuoso-opensource-7-bin (the tests start a private Virtuoso on loopback)
#   chromium (a real browser opens the query page of `sovkg serve` and the site) and graphviz
#   (`dot` draws the site's dependency pictures).
#   Python: sovkg with its test extra (pytest, the oxigraph server, ruff, openpyxl, and for the site
#   Jinja2, Altair with vl-convert, graphviz, Playwright driving the system's chromium, Pillow).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v virtuoso-t >/dev/null || ! command -v isql-vt >/dev/null || ! command -v chromium >/dev/null \
   || ! command -v dot >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq virtuoso-opensource-7-bin chromium graphviz >/dev/null
fi

python -m pip install --quiet -e ".[test]"
python -m pytest "$@"
