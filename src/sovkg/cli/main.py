"""The ``sovkg`` command line: its commands, each loaded when it runs, and the mapping of errors to
exit codes.

The arguments are read with argparse, the standard library's parser: a stored question answers in
about 0.14 s, and click, which read them before, took 67 ms of ``python -X importtime`` to import
(the figures are in ``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import inspect
import math
import os
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TextIO

from sovkg import __version__
from sovkg.errors import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    InputError,
    SovkgError,
    redact,
)
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

DESCRIPTION = """\
sovkg: the open knowledge graph of sovereign AI.

Exit codes: 0 success or conforms; 1 violations; 2 unusable input; 3 endpoint or
store error; 4 cannot write (or the build lock is held); 70 internal error;
130 and 143 interrupted (Ctrl-C, SIGTERM).
Example:
  sovkg build && sovkg query us-dependencies"""

Arguments = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], "int | None"]


class Command:
    """One ``sovkg`` command: what it does (``run``, given the parsed arguments, returns its exit
    code or ``None`` for 0), how its arguments are declared, and its help (``run``'s docstring, whose
    first paragraph is its summary in ``sovkg --help``)."""

    def __init__(self, run: Run, arguments: Arguments) -> None:
        self.run, self.arguments = run, arguments
        self.help = inspect.cleandoc(run.__doc__ or "")

    @property
    def summary(self) -> str:
        return " ".join(self.help.split("\n\n")[0].split())


def command(arguments: Arguments = lambda parser: None) -> Callable[[Run], Command]:
    """Makes a function a ``sovkg`` command whose arguments ``arguments`` declares."""
    return lambda run: Command(run, arguments)


def at_least(minimum: float, kind: type[float] | type[int] = float) -> Callable[[str], float]:
    """An argument type: a number (``kind``) no smaller than ``minimum``."""

    def number(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'a whole number' if kind is int else 'a number'}") \
                from None
        if not math.isfinite(value) or value < minimum:
            raise argparse.ArgumentTypeError(f"{text} is not a finite number of at least {minimum}")
        return value

    return number


def folder(text: str) -> str:
    """An argument type: a folder's path, which may not exist yet but is not a file."""
    if os.path.isfile(text):
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
    return text


def file(text: str) -> str:
    """An argument type: a file's path, which is not a folder."""
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text} is a folder, not a file")
    return text


def project_of(args: argparse.Namespace) -> Project:
    return Project.locate(args.project_dir)


def say(message: str) -> None:
    """One line on stderr, secrets removed; never fails (stderr may be closed or not UTF-8)."""
    # One line: control characters a server sent (NUL, CR, LF) become spaces.
    line = "".join(c if c.isprintable() else " " for c in redact(message)).rstrip()
    with contextlib.suppress(OSError, UnicodeError, ValueError):
        print(line, file=sys.stderr, flush=True)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose help is written as any output is: a failure to write it (a full
    disk) is told and exits 4, where argparse would let it pass in silence."""

    def print_help(self, file: TextIO | None = None) -> None:
        (file or sys.stdout).write(self.format_help())


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples kept as written; the list of options as wide as the terminal."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


def _command_at(argv: Sequence[str]) -> int | None:
    """Where the command's name is in ``argv``: the first word that is not one of sovkg's own
    options (or the word after ``--``); ``None`` if there is none, or help or the version is asked
    for first."""
    position = 0
    while position < len(argv):
        word = argv[position]
        if word in ("-h", "--help", "--version"):  # about sovkg itself, not a command
            return None
        if word == "--":
            return position + 1 if position + 1 < len(argv) else None
        if not word.startswith("-"):
            return position
        position += 2 if word == "--project" else 1
    return None


def _load(name: str) -> Command:
    import importlib

    module, attribute = COMMANDS[name]
    loaded: Command = getattr(importlib.import_module(module), attribute)
    return loaded


def parser_for(wanted: str | None, every: bool = True) -> argparse.ArgumentParser:
    """The parser of a command line naming the command ``wanted``: that command's arguments alone,
    else every command's if ``every`` (for help), else only their names."""
    # Options are written in full (no abbreviations), as the README and the tests write them.
    parser = _Parser(prog="sovkg", description=DESCRIPTION, formatter_class=_Formatter, allow_abbrev=False)
    parser.add_argument("--version", dest="show_version", action="store_true", help="Print sovkg's version and exit.")
    parser.add_argument("--project", dest="project_dir", metavar="DIR", type=folder, default=None,
                        help="Project folder (default: $SOVKG_PROJECT, else the working directory or a parent).")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    for name in sorted(COMMANDS):
        if name != wanted and (wanted is not None or not every):
            # Named on the line, a command is the only one argparse meets; else the others are
            # known by name (sovkg --version query), but not loaded.
            if wanted is None:
                commands.add_parser(name)
            continue
        spec = _load(name)
        sub = commands.add_parser(name, help=spec.summary, description=spec.help, formatter_class=_Formatter,
                                  allow_abbrev=False)
        spec.arguments(sub)
        # also after the command's name; given before it, it stands unless given again here
        sub.add_argument("--project", dest="project_dir", metavar="DIR", type=folder, default=argparse.SUPPRESS,
                         help="Project folder, as before the command's name.")
        sub.set_defaults(run=spec.run, parser=sub)
    return parser


def run(argv: Sequence[str]) -> int:
    """Runs the command ``argv`` names and gives its exit code.

    sovkg's own errors carry their code (2 input, 3 endpoint or store, 4 output, 1 violations).
    An OSError that escaped is a write or read failure (exit 4). Anything else is a bug: a one-line
    message and exit 70, never a traceback (set SOVKG_DEBUG=1 to see it). Arguments it cannot
    take end in argparse's usage line and exit 2 (SystemExit, as for help).
    """
    try:
        for word in argv:
            _check_text(word)
        argv = list(argv)
        at = _command_at(argv)
        wanted = argv[at] if at is not None else None
        if at is not None and argv[at - 1 : at] == ["--"]:
            del argv[at - 1]  # argparse would take "--" for the command
        # sovkg --version needs no command's help
        parser = parser_for(wanted if wanted in COMMANDS else None, every=at is None and "--version" not in argv)
        _loaded()
        if wanted is not None and wanted not in COMMANDS:
            parser.error(f"there is no command {wanted!r}{_close_to(wanted, COMMANDS)}; sovkg --help lists them")
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # told by the command's own parser, with its usage line
            getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(unknown)}")
        if args.show_version:
            print(f"sovkg, version {__version__}")
            return EXIT_OK
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_INPUT
        return args.run(args) or EXIT_OK
    except SovkgError as error:
        # An error listing problems (an import's FILE:ROW:COLUMN lines) gives one line per
        # problem; each line is still cleaned of control characters.
        first, *rest = getattr(error, "lines", None) or (str(error),)
        say(f"sovkg: error: {first}")
        for line in rest:
            say(line)
        return error.exit_code
    except KeyboardInterrupt:
        say("sovkg: interrupted; an interrupted build or import leaves everything as it was")
        return EXIT_INTERRUPTED
    except OSError as error:
        if error.errno == errno.EPIPE:  # output closed early (| head): not an error worth a word
            _quiet_stdout()
            return EXIT_OK
        where = f" {error.filename}" if getattr(error, "filename", None) else ""
        say(f"sovkg: error: cannot read or write{where}: {error.strerror or error}")
        return EXIT_OUTPUT
    except Exception as error:  # the last resort: a bug, reported in one line
        if os.environ.get("SOVKG_DEBUG"):
            raise
        say(f"sovkg: internal error ({type(error).__name__}: {str(error)[:200]}); this is a bug, please "
            "report it with the command that caused it (SOVKG_DEBUG=1 shows the details)")
        return EXIT_INTERNAL


def _check_text(word: str) -> None:
    """Refuses an argument that is not text: bytes that are not UTF-8 reach Python as lone
    surrogates, which no file, query or store can take."""
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        shown = word.encode("utf-8", "replace").decode()[:60]
        raise InputError(f"the argument {shown!r} is not valid UTF-8 text") from None


def _close_to(word: str, choices: Iterable[str]) -> str:
    """``(did you mean ...?)`` for a misspelled name, or nothing."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=3)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _quiet_stdout() -> None:
    """Points standard output at /dev/null, so that flushing it at exit does not fail again on a
    reader that has gone."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


# Loading a command makes many objects and frees almost none: in the command line's own process,
# cycle collection waits until the command is loaded, and what was loaded is then set aside
# (gc.freeze), so that later collections do not walk it again.
def _loaded() -> None:
    gc.freeze()
    gc.enable()


def main() -> None:
    gc.disable()
    # SIGTERM (systemd, docker stop) unwinds like Ctrl-C, so that cleanup (a child server, a staging
    # folder) runs; exit code 143 as a shell reports it.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        code = run(sys.argv[1:])
    except SystemExit as stop:  # help, the version, a usage error, SIGTERM
        code = stop.code if isinstance(stop.code, int) else EXIT_OK if stop.code is None else EXIT_INPUT
    if sys.stdout is not None:  # None when the command was started with its output closed
        try:  # what is still buffered, while a failure can still be told
            sys.stdout.flush()
        except OSError as error:
            _quiet_stdout()
            if error.errno != errno.EPIPE:
                say(f"sovkg: error: cannot write the output: {error.strerror or error}")
                code = EXIT_OUTPUT
        except ValueError:  # closed by the command itself
            pass
    sys.exit(code)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
