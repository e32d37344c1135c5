"""``sovkg serve``."""

from __future__ import annotations

import ipaddress
import socket

import click

from sovkg.cli.main import project_of
from sovkg.errors import EndpointError, InputError
from sovkg.store.oxigraph_server import OxigraphServer, load_files


def _is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback
                   for info in socket.getaddrinfo(host, None))
    except (socket.gaierror, ValueError):
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=int)
@click.option("--writable", is_flag=True, help="Serve a writable copy of the build (in --location) instead.")
@click.option("--location", type=click.Path(file_okay=False), default=None,
              help="With --writable: the database folder to serve (filled from the build if empty).")
@click.option("--cors", is_flag=True, help="Allow cross-origin requests from any web page.")
@click.option("--allow-public-writes", is_flag=True, help="Confirm a writable server on a non-loopback address.")
@click.option("--allow-cors", is_flag=True, help="Confirm permissive CORS.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, writable: bool, location: str | None, cors: bool,
          allow_public_writes: bool, allow_cors: bool) -> None:
    """Serve the built graph as a SPARQL endpoint with a query page (read-only, loopback by default).

    \b
    Queries see the union of the ontology, asserted and inferred graphs.
    Example:
      sovkg serve --port 7878    # then open http://127.0.0.1:7878/
    """
    project = project_of(ctx)
    if writable and not _is_loopback(host) and not allow_public_writes:
        raise InputError(f"refusing a writable server on {host}, which is not a loopback address: "
                         "anyone who reaches it could change the graph (add --allow-public-writes to insist)")
    if cors and not allow_cors:
        raise InputError("refusing permissive CORS: any web page could query this server from a visitor's "
                         "browser (add --allow-cors to insist)")
    build = (project.dist / "current").resolve()
    if not (build / "store").is_dir():
        raise EndpointError("no built store: run 'sovkg build' first")
    from sovkg.site.server import SiteFront

    front = SiteFront(project, build, host, port)
    host, port = front.backend_host, front.backend_port  # the SPARQL server sits behind the site
    if writable:
        if location is None:
            raise InputError("--writable needs --location DIR: the build's own store is never served writable")
        target = click.format_filename(location)
        from pathlib import Path

        folder = Path(target)
        if not folder.exists() or not any(folder.iterdir()):
            load_files(folder, build / "sovkg.trig")
        server = OxigraphServer(folder, host, port, read_only=False, cors=cors)
    else:
        server = OxigraphServer(build / "store", host, port, read_only=True, cors=cors)
    server.start()
    front.start()
    click.echo(f"Serving {'a writable copy' if writable else 'the build read-only'} at {front.url}/ "
               f"(SPARQL endpoint {front.url}/query; site {front.url}/index.html); Ctrl-C stops it.")
    try:
        assert server.process is not None
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        front.stop()
        server.stop()
