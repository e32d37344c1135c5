"""Benchmark: how sovkg grows with the graph, beside the naive rdflib pipeline.

For each size it writes a synthetic world (``world.py``), then runs through the real entry point
`sovkg build`, `sovkg validate` and every stored question, printing wall time, CPU time and peak
memory (resident set size of the command and the processes it starts, together) of each command;
for a question also the rows of its answer and the time it takes in process (``run_stored``,
without start-up and drawing). A question asked with a value other than its default is asked
twice: `sovkg query` keeps the answer it works out, and reads it back the second time. The naive
pipeline on the same world (rdflib parse, owlrl closure, pySHACL, an rdflib query of
dependencies-on-country) runs in a child process bounded by a timeout; the ratio compares it with
`sovkg build` plus the same question.

    python benchmarks/scale.py --sizes 10000,100000,300000,1000000 [--timeout 60] [--build-timeout 900]
                               [--no-naive] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADLINE = "dependencies-on-country"
# Parameter values that name entities of the synthetic world.
WORLD_PARAMS = {"evidence": ["entity=ModelUS0"], "ownership-chain": ["actor=DevUS0"],
                "projects-involving-company": ["company=ChipVendor0"], "models-by-language": ["language=aaa"]}
# Questions asked again with a value other than their default: these answers are not kept by the build
# (the first command keeps them: each such question is asked a second time).
OTHER_PARAMS = [("what-if-withdrawal", ["country=TW"]), ("dependencies-on-country", ["country=TW"])]

NAIVE = r"""
import sys, time
from pathlib import Path
root = Path(sys.argv[1])
t = time.perf_counter()
import rdflib, owlrl, pyshacl
g = rdflib.Graph()
g.parse(root / "ontology" / "sovkg.ttl")
for path in sorted((root / "kg").rglob("*.ttl")):
    g.parse(path)
print("parse", time.perf_counter() - t, len(g), flush=True)
t = time.perf_counter()
owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
print("reason", time.perf_counter() - t, len(g), flush=True)
t = time.perf_counter()
shapes = rdflib.Graph()
for path in sorted((root / "shapes").glob("*.ttl")):
    shapes.parse(path)
conforms, _, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none")
print("validate", time.perf_counter() - t, conforms, flush=True)
t = time.perf_counter()
text = (root / "queries" / "dependencies-on-country.rq").read_text()
rows = list(g.query(text, initBindings={"_country": rdflib.Literal("US")}))
print("query", time.perf_counter() - t, len(rows), flush=True)
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    ok: bool
    output: str
    cpu: float = 0.0  # user + system seconds: less sensitive than wall time to a busy shared machine


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and of its descendants together (Linux /proc; 0 elsewhere)."""
    total = 0
    try:
        with open(f"/proc/{pid}/statm") as statm:
            total = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _tree_rss(int(child))
    except (OSError, ValueError):
        pass
    return total


def run(args: list[str], timeout: float, cwd: Path | None = None) -> Run:
    """Run a command; its wall time, and its peak resident memory: the larger of the kernel's
    figure for the command alone (wait4) and the sum over the command and the processes it starts
    (a build's writer), sampled every tenth of a second."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True)
        status, usage, killed, together, sampled = 0, None, False, 0, 0.0
        while usage is None:
            if time.perf_counter() - sampled > 0.1:
                together, sampled = max(together, _tree_rss(process.pid)), time.perf_counter()
            pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                usage = rusage
            elif time.perf_counter() - start > timeout and not killed:
                # os.kill, not Popen.kill: that one reaps the child first, and wait4 needs it
                os.kill(process.pid, signal.SIGKILL)
                killed = True
            else:
                time.sleep(0.01)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    # exit 0 only: a build that refused the graph (1) has measured nothing worth a figure
    return Run(seconds, max(usage.ru_maxrss / 1024, together / 2**20), not killed and process.returncode == 0,
               output, usage.ru_utime + usage.ru_stime)


def sovkg(project: Path, *args: str, timeout: float) -> Run:
    return run([sys.executable, "-m", "sovkg", "--project", str(project), *args], timeout)


# A stored question answered in process: the time of run_stored alone (the engine opened, the
# question read), without the interpreter's start-up and the drawing of the table; once as a
# command answers it (the answers the build kept read back), once evaluated on the store.
IN_PROCESS = r"""
import sys, time
from pathlib import Path
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine
from sovkg.queries.run import run_stored
root = Path(sys.argv[1])
project = Project(root, root / "dist")
build = project.current_build()
params = dict(value.split("=", 1) for value in sys.argv[3:])
for how, engine in (("kept", EmbeddedEngine(build)), ("store", EmbeddedEngine(build, kept=False))):
    start = time.perf_counter()
    table = run_stored(project, sys.argv[2], params, engine)
    print(f"in-process {how} {time.perf_counter() - start:.4f} rows {len(table.rows)}", flush=True)
"""
TOTAL = re.compile(r"\(the first [\d,]+ of ([\d,]+) rows|\(([\d,]+) rows?;")


def in_process(project: Path, name: str, params: list[str], timeout: float) -> dict[str, float]:
    """Seconds of a question answered in process, as a command does (``kept``) and evaluated on
    the store (``store``); a figure not had in time is missing."""
    result = run([sys.executable, "-c", IN_PROCESS, str(project), name, *params], timeout)
    seconds = {}
    for line in result.output.splitlines():
        if line.startswith("in-process "):
            _, how, figure, _, _ = line.split()
            seconds[how] = float(figure)
    return seconds


def stored_questions(project: Path) -> list[str]:
    return sorted(p.stem for p in (project / "queries").glob("*.rq"))


def show(name: str, result: Run, timeout: float, extra: str = "") -> None:
    figure = f"{result.seconds:8.2f} s" if result.ok else f"  > {timeout:5.0f} s" if result.seconds >= timeout \
        else f"{result.seconds:8.2f} s FAILED"
    print(f"  {name:46s} {figure}  {result.peak_mb:8.0f} MB  cpu {result.cpu:7.2f} s{extra}", flush=True)


def naive(project: Path, timeout: float) -> dict[str, float]:
    """Step times of the naive pipeline; a step that did not finish in time is missing."""
    result = run([sys.executable, "-c", NAIVE, str(project)], timeout)
    steps = {}
    for line in result.output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("parse", "reason", "validate", "query"):
            steps[parts[0]] = float(parts[1])
    steps["peak_mb"] = result.peak_mb
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed to each question and to "
                        "the naive pipeline")
    parser.add_argument("--build-timeout", type=float, default=900.0, help="seconds allowed to build and validate")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive pipeline")
    parser.add_argument("--keep", type=Path, default=None, help="keep the worlds in this folder")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start "
          "(the machine may be shared); wall time, peak resident memory (with the processes a command "
          "starts) and CPU time of each command")
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            project = base / f"world-{size}"
            # in a process of its own: the kernel counts this one's memory at the moment it starts a
            # command in that command's peak, and a million-triple world would stay in it
            subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "world.py"),
                            "--triples", str(size), "--out", str(project)], check=True)
            print(f"\nworld of about {size} asserted triples ({project})", flush=True)
            # first without kept answers, then as a user builds (the questions below read that build)
            bare = sovkg(project, "build", "--no-answers", timeout=args.build_timeout)
            show("sovkg build --no-answers", bare, args.build_timeout)
            build = sovkg(project, "build", timeout=args.build_timeout)
            show("sovkg build", build, args.build_timeout)
            if not build.ok:
                print(build.output[-2000:])
                continue
            manifest = json.loads((project / "dist" / "current" / "build.json").read_text())
            print(f"    triples {manifest['triples']}; in-process steps (s) {manifest['seconds']}")
            validate = sovkg(project, "validate", timeout=args.build_timeout)
            show("sovkg validate", validate, args.build_timeout)
            if not validate.ok and validate.seconds < args.build_timeout:
                print(validate.output[-2000:])
            headline = 0.0
            questions = stored_questions(project)
            asked = [(name, WORLD_PARAMS.get(name, []), False) for name in questions]
            asked += [(name, values, True) for name, values in OTHER_PARAMS if name in questions]
            for name, values, other in asked:
                params = [arg for value in values for arg in ("-p", value)]
                result = sovkg(project, "query", name, *params, timeout=args.timeout)
                total = TOTAL.search(result.output)
                rows = f"  {(total.group(1) or total.group(2)):>7s} rows" if total else ""
                seconds = in_process(project, name, values, args.timeout)
                within = "".join(f"  {words} {seconds[how]:6.2f} s" if how in seconds else f"  {words} > "
                                 f"{args.timeout:.0f} s" for how, words in (("kept", "in process"),
                                                                            ("store", "evaluated")))
                show(f"sovkg query {name}" + (f" -p {' '.join(values)}" if other else ""), result, args.timeout,
                     rows + within)
                if not result.ok and result.seconds < args.timeout:
                    print(result.output[-1000:])
                if values and result.ok:  # kept when first asked: asked again, it is read back
                    again = sovkg(project, "query", name, *params, timeout=args.timeout)
                    show("  asked again", again, args.timeout)
                if name == HEADLINE and not other:
                    headline = result.seconds
            if args.no_naive:
                continue
            steps = naive(project, args.timeout)
            done = [k for k in ("parse", "reason", "validate", "query") if k in steps]
            total = sum(steps[k] for k in done)
            figures = ", ".join(f"{k} {steps[k]:.1f} s" for k in done)
            ours = build.seconds + headline
            if len(done) == 4:
                print(f"  naive rdflib+owlrl+pySHACL+query           {total:8.2f} s  {steps['peak_mb']:8.0f} MB "
                      f"({figures}); {total / ours:.1f}x sovkg build + {HEADLINE}", flush=True)
            else:
                print(f"  naive rdflib+owlrl+pySHACL+query             > {args.timeout:.0f} s  ({figures or 'no step'} "
                      f"finished); more than {args.timeout / ours:.2f}x sovkg build + {HEADLINE}", flush=True)


if __name__ == "__main__":
    main()
