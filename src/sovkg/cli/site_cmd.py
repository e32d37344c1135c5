"""``sovkg site`` and ``sovkg release``."""

from __future__ import annotations

import argparse
from pathlib import Path

from sovkg.cli.main import command, folder, project_of


def _site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=folder, default=None, metavar="DIR",
                        help="Folder to write the site into (default: dist/site). Replaced as a whole.")


@command(_site_arguments)
def site(args: argparse.Namespace) -> None:
    """Write a static site of the current build: pages per country and entity, pictures, questions.

    Everything it needs is inside the folder: open index.html from disk, or serve it with
    'sovkg serve'. Exit codes: 0 written; 2 unusable --out; 3 no build yet.
    Example:
      sovkg build && sovkg site --out site && xdg-open site/index.html
    """
    from sovkg.site.pages import write_site

    report = write_site(project_of(args), Path(args.out) if args.out else None)
    print(f"Wrote {report.pages} pages to {report.folder} ({report.bytes / 1e6:.1f} MB) "
          f"in {report.seconds:.1f} s; open {report.folder / 'index.html'}")


def _release_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("version", metavar="VERSION", help="The release's version (0.2.0).")
    parser.add_argument("--out", type=folder, default=None, metavar="DIR",
                        help="Folder that holds the releases (default: dist/releases).")


@command(_release_arguments)
def release_command(args: argparse.Namespace) -> None:
    """Write release VERSION of the current build: formats, CSVs, site, VoID/DCAT, checksums, changes.

    The folder VERSION/ holds the combined graph as Turtle, N-Triples, JSON-LD and RDF/XML, the
    named graphs as TriG, every stored question's answer as CSV, the site, void.ttl, CHANGES.md
    (the facts changed since the previous release) and SHA256SUMS. An existing version is never
    overwritten. Exit codes: 0 written; 2 a bad or existing VERSION; 3 no build yet.
    Example:
      sovkg build && sovkg release 0.2.0 && (cd dist/releases/0.2.0 && sha256sum -c SHA256SUMS)
    """
    from sovkg.release import release

    written = release(project_of(args), args.version, Path(args.out) if args.out else None)
    since = f"changes since {written.previous}" if written.previous else "the first release"
    print(f"Wrote release {written.version} to {written.folder} ({written.files} files; {since} in CHANGES.md)")
