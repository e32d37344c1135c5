"""``sovkg load``."""

from __future__ import annotations

import argparse

from sovkg.cli.main import at_least, command, project_of
from sovkg.cli.options import endpoint_options, graph_prefix_option
from sovkg.store.load import STORE_KINDS, Loader, read_build


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", required=True, metavar="URL",
                        help="The store: its base URL (Oxigraph, Virtuoso) or its SPARQL query URL (any store).")
    graph_prefix_option(parser)
    parser.add_argument("--dry-run", action="store_true",
                        help="Check the store answers and show the plan; write nothing.")
    parser.add_argument("--store", dest="kind", choices=STORE_KINDS, default="auto",
                        help="Which store it is (auto, the default: from the server's Server header).")
    parser.add_argument("--update-url", default=None, metavar="URL",
                        help="SPARQL Update endpoint, if not the usual one.")
    parser.add_argument("--store-url", default=None, metavar="URL",
                        help="Graph Store Protocol endpoint, if the store has one.")
    parser.add_argument("--chunk-size", type=at_least(1, int), default=None, metavar="N",
                        help="Triples per INSERT DATA request where there is no Graph Store endpoint (default 1000).")
    endpoint_options(parser)


@command(_arguments)
def load(args: argparse.Namespace) -> None:
    """Load the current build into a triplestore, one named graph each for the ontology, the
    asserted facts and the inferred facts, each replaced atomically.

    Credentials: SOVKG_ENDPOINT_USER and SOVKG_ENDPOINT_PASSWORD, else ~/.netrc.
    Examples:
      sovkg load --endpoint http://127.0.0.1:7878
      SOVKG_ENDPOINT_USER=loader SOVKG_ENDPOINT_PASSWORD=... sovkg load --endpoint http://127.0.0.1:8890
    """
    project = project_of(args)
    plans = read_build(project.current_build(), args.graph_prefix)
    loader = Loader(args.endpoint, args.kind, args.update_url, args.store_url, args.auth, timeout=args.deadline,
                    chunk=args.chunk_size, max_mb=args.max_mb)
    report = loader.load(plans, dry_run=args.dry_run)
    verb = "Would load" if args.dry_run else "Loaded"
    print(f"{verb} into {report.endpoint} ({report.kind}; {report.method}):")
    for name, entry in report.graphs.items():
        stored = f", {entry['stored']} on the server" if "stored" in entry else ""
        print(f"  {name:9s} <{entry['graph']}>: {entry['sent']} triples sent{stored}")
    print(f"  time: {report.seconds:.2f}s")
