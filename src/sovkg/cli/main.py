"""The ``sovkg`` command group, its shared options, and the mapping of errors to exit codes."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys

import click

from sovkg import __version__
from sovkg.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OUTPUT, SovkgError, redact
from sovkg.project import Project


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
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except SovkgError as error:
            _say(f"sovkg: error: {error}")
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            _say("sovkg: interrupted")
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


def _register() -> None:
    from sovkg.cli import author_cmd, build_cmd, docs_cmd, load_cmd, query_cmd, serve_cmd, validate_cmd
    from sovkg.cli.diff_cmd import diff_command

    cli.add_command(build_cmd.build)
    cli.add_command(validate_cmd.validate)
    cli.add_command(query_cmd.query)
    cli.add_command(query_cmd.queries)
    cli.add_command(query_cmd.sparql)
    cli.add_command(docs_cmd.docs)
    cli.add_command(load_cmd.load)
    cli.add_command(serve_cmd.serve)
    cli.add_command(diff_command)
    cli.add_command(author_cmd.new_country)
    cli.add_command(author_cmd.import_sheet)


_register()


def main() -> None:
    # SIGTERM (systemd, docker stop) unwinds like Ctrl-C, so that cleanup (a child server, a staging
    # folder) runs; exit code 143 as a shell reports it.
    signal.signal(signal.SIGTERM, _terminated)
    cli(prog_name="sovkg")


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
