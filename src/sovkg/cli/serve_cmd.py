"""``sovkg serve``."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import socket
import sys
import time
from pathlib import Path

from sovkg.cli.main import command, folder, project_of
from sovkg.cli.options import allow_service_option
from sovkg.errors import EndpointError, InputError
from sovkg.store.gateway import Gateway
from sovkg.store.oxigraph_server import OxigraphServer, load_files


def _is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback
                   for info in socket.getaddrinfo(host, None))
    except (socket.gaierror, ValueError):
        return False


def _port(text: str) -> int:
    """An argument type: a TCP port number (0 for any free one)."""
    port = int(text) if text.isascii() and text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return port


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default: 127.0.0.1).")
    parser.add_argument("--port", type=_port, default=7878, help="Port to listen on (default: 7878).")
    parser.add_argument("--writable", action="store_true",
                        help="Serve a writable copy of the build (in --location) instead.")
    parser.add_argument("--location", type=folder, default=None, metavar="DIR",
                        help="With --writable: the database folder to serve (filled from the build if empty).")
    parser.add_argument("--cors", action="store_true", help="Allow cross-origin requests from any web page.")
    parser.add_argument("--allow-public-writes", action="store_true",
                        help="Confirm a writable server on a non-loopback address.")
    parser.add_argument("--allow-cors", action="store_true", help="Confirm permissive CORS.")
    allow_service_option(parser)


@command(_arguments)
def serve(args: argparse.Namespace) -> None:
    """Serve the built graph as a SPARQL endpoint with a query page (read-only, loopback by default).

    Queries see the union of the ontology, asserted and inferred graphs. A query using SERVICE
    (federation) is refused unless --allow-service is given. Ctrl-C or SIGTERM stops the server.
    Example:
      sovkg serve --port 7878    # then open http://127.0.0.1:7878/
    """
    project = project_of(args)
    host, port, writable, location, cors = args.host, args.port, args.writable, args.location, args.cors
    allow_service = args.allow_service
    if writable and not _is_loopback(host) and not args.allow_public_writes:
        raise InputError(f"refusing a writable server on {host}, which is not a loopback address: "
                         "anyone who reaches it could change the graph (add --allow-public-writes to insist)")
    if cors and not args.allow_cors:
        raise InputError("refusing permissive CORS: any web page could query this server from a visitor's "
                         "browser (add --allow-cors to insist)")
    build = project.current_build()
    from sovkg.site.server import SiteFront

    # The site front answers on the public port; SPARQL requests pass through the gateway (which
    # refuses SERVICE unless allowed) to the Oxigraph server.
    front = SiteFront(project, build.folder, host, port)
    if writable:
        if location is None:
            raise InputError("--writable needs --location DIR: the build's own store is never served writable")
        folder = Path(location).resolve()
        dist = project.dist.resolve()
        if folder == dist or folder.is_relative_to(dist) or dist.is_relative_to(folder):
            raise InputError(f"refusing to serve {location} writable: it is (or holds) the project's build folder "
                             f"{project.dist}; give --location a folder of its own, which is filled with a copy")
        if not folder.exists() or not any(folder.iterdir()):
            load_files(folder, build.trig)
        server = OxigraphServer(folder, read_only=False, cors=cors)
    else:
        server = OxigraphServer(build.store, read_only=True, cors=cors)
    try:
        gateway = Gateway(front.backend_host, front.backend_port, server.port, allow_service=allow_service)
    except OSError as error:
        raise EndpointError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    try:
        server.start()
        gateway.start()
        try:
            front.start()
        except OSError as error:
            raise EndpointError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
        url = front.url
        print(f"Serving {'a writable copy' if writable else 'the build read-only'} at {url}/ "
              f"(SPARQL endpoint {url}/query; site {url}/index.html); Ctrl-C stops it.", flush=True)
        assert server.process is not None
        # Wait in short steps: a SIGTERM that the kernel hands to another thread does not interrupt a
        # blocking wait, and Python runs its handler only when the main thread wakes up.
        while (code := server.process.poll()) is None:
            time.sleep(0.2)
        raise EndpointError(f"the Oxigraph server stopped by itself (exit code {code})")
    except KeyboardInterrupt:
        pass
    finally:
        # Also on SIGTERM (sovkg's main turns it into SystemExit): never leave the child running.
        front.stop()
        gateway.stop()
        server.stop()
        _leave_now(sys.exc_info()[1])


def _leave_now(stopping: BaseException | None) -> None:
    """Exit at once, now that everything serve started is stopped: a thread still writing the site
    (Graphviz, vl-convert) must not hold the process up. An error goes on to the CLI's handler."""
    if stopping is not None and not isinstance(stopping, SystemExit):
        return
    code = stopping.code if isinstance(stopping, SystemExit) and isinstance(stopping.code, int) else 0
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
