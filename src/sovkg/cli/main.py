"""The ``sovkg`` command group, its shared options, and the mapping of errors to exit codes."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import signal
import sys

import click

from sovkg import __version__
from sovkg.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OUTPUT, SovkgError, redact
from sovkg.project import Project

# Each command's module, imported only when that command runs (or help lists them all): a
# stored question must not pay for importing the build, the importer or rdflib.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("sovkg.cli.build_cmd", "build"),
    "validate": ("sovkg.cli.validate_cmd", "validate"),
    "query": ("sovkg.cli.query_cmd", "query"),
    "queries": ("sovkg.cli.query_cmd", "queries"),
    "sparql": ("sovkg.cli.query_cmd", "sparql"),
    "docs": ("sovkg.cli.docs_cmd", "docs"),
    "load": ("sovkg.cli.load_cmd", "load"),
    "serve": ("sovkg.cli.serve_cmd", "serve"),
    "diff": ("sovkg.cli.diff_cmd", "diff_command"),
    "new-country": ("sovkg.cli.author_cmd", "new_country"),
    "import": ("sovkg.cli.author_cmd", "import_sheet"),
    "init": ("sovkg.cli.author_cmd", "init"),
    "find": ("sovkg.cli.explain_cmd", "find"),
    "explain": ("sovkg.cli.explain_cmd", "explain"),
    "site": ("sovkg.cli.site_cmd", "site"),
    "release": ("sovkg.cli.site_cmd", "release_command"),
}


def _say(message: str) -> None:
    """One line on stderr, secrets removed; never fails (stderr may be closed or not UTF-8)."""
    # One line: control characters a server sent (NUL, CR, LF) become spaces.
    line = "".join(c if c.isprintable() else " " for c in redact(message)).rstrip()
    with contextlib.suppress(OSError, UnicodeError, ValueError):
        click.echo(line, err=True)


class SovkgGroup(click.Group):
    """Turns every error into a one-line message on stderr and a documented exit code.

    sovkg's own errors carry their code (2 input, 3 endpoint or store, 4 output, 1 violations).
    An OSError that escaped is a write or read failure (exit 4). Anything else is a bug: a one-line
    message and exit 70, never a traceback (set SOVKG_DEBUG=1 to see it).

    Each command's module is loaded on first use.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            import importlib

            module, attribute = COMMANDS[name]
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        if _loading:
            _loaded()
        return self.commands.get(name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except SovkgError as error:
            # An error listing problems (an import's FILE:ROW:COLUMN lines) gives one line per
            # problem; each line is still cleaned of control characters.
            first, *rest = getattr(error, "lines", None) or (str(error),)
            _say(f"sovkg: error: {first}")
            for line in rest:
                _say(line)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            _say("sovkg: interrupted; an interrupted build or import leaves everything as it was")
            sys.exit(EXIT_INTERRUPTED)
        except OSError as error:
            if error.errno == errno.EPIPE:  # output closed early (| head): not an error worth a word
                sys.exit(0)
            where = f" {error.filename}" if getattr(error, "filename", None) else ""
            _say(f"sovkg: error: cannot read or write{where}: {error.strerror or error}")
            sys.exit(EXIT_OUTPUT)
        except Exception as error:  # the last resort: a bug, reported in one line
            if os.environ.get("SOVKG_DEBUG"):
                raise
            _say(f"sovkg: internal error ({type(error).__name__}: {str(error)[:200]}); this is a bug, please "
                 "report it with the command that caused it (SOVKG_DEBUG=1 shows the details)")
            sys.exit(EXIT_INTERNAL)


@click.group(cls=SovkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sovkg")
@click.option("--project", "project_dir", type=click.Path(file_okay=False), default=None,
              help="Project folder (default: $SOVKG_PROJECT, else the working directory or a parent).")
@click.pass_context
def cli(ctx: click.Context, project_dir: str | None) -> None:
    """sovkg: the open knowledge graph of sovereign AI.

    \b
    Exit codes: 0 success or conforms; 1 violations; 2 unusable input; 3 endpoint or
    store error; 4 cannot write (or the build lock is held); 70 internal error.
    \b
    Example:
      sovkg build && sovkg query us-dependencies
    """
    ctx.obj = {"project_dir": project_dir}


def project_of(ctx: click.Context) -> Project:
    return Project.locate(ctx.obj.get("project_dir") if ctx.obj else None)


# Loading a command makes many objects and frees almost none: in the command line's own process,
# cycle collection waits until the command is loaded, and what was loaded is then set aside
# (gc.freeze), so that later collections do not walk it again.
_loading = False


def _loaded() -> None:
    global _loading
    _loading = False
    gc.freeze()
    gc.enable()


def main() -> None:
    global _loading
    _loading = True
    gc.disable()
    # SIGTERM (systemd, docker stop) unwinds like Ctrl-C, so that cleanup (a child server, a staging
    # folder) runs; exit code 143 as a shell reports it.
    signal.signal(signal.SIGTERM, _terminated)
    cli(prog_name="sovkg")


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
