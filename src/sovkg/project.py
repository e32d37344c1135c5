"""Where a project's folders are: found from --project, SOVKG_PROJECT, or the working directory.

A project is a folder holding ``ontology/sovkg.ttl``; its ``kg/``, ``shapes/`` and ``queries/``
sit beside it and build outputs go to its ``dist/``. A wheel also carries a copy of these folders
as package data, used when no project folder is found; its outputs then go to the user's cache.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sovkg.errors import InputError

if TYPE_CHECKING:
    from sovkg.store.build import Build, Dist

ONTOLOGY_FILE = Path("ontology") / "sovkg.ttl"
BUNDLED = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Project:
    """The folders of one sovkg project."""

    root: Path
    dist: Path

    @property
    def ontology(self) -> Path:
        return self.root / ONTOLOGY_FILE

    @property
    def kg(self) -> Path:
        return self.root / "kg"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def checks(self) -> Path:
        return self.root / "queries" / "checks"

    @property
    def sources(self) -> list[Path]:
        """Every folder of source texts that quotes are checked against, all of them searched:
        the folders in $SOVKG_SOURCES (separated by os.pathsep), <project>/sources, and
        ../shared/sources beside the project. Only folders that exist are listed."""
        named = [Path(p) for p in os.environ.get("SOVKG_SOURCES", "").split(os.pathsep) if p]
        candidates = [*named, self.root / "sources", self.root.parent / "shared" / "sources"]
        found: list[Path] = []
        for candidate in candidates:
            if candidate.is_dir() and candidate.resolve() not in [f.resolve() for f in found]:
                found.append(candidate)
        return found

    @property
    def is_packaged(self) -> bool:
        """Whether this is the read-only copy carried by the installed package."""
        return self.root.resolve() == BUNDLED.resolve()

    def require_writable(self, command: str) -> None:
        """Refuse to author into the packaged copy: say how to make a project folder instead."""
        if self.is_packaged:
            raise InputError(f"`sovkg {command}` changes a project, and there is no project folder here (nor "
                             "in a parent, nor given by --project or SOVKG_PROJECT): make one with "
                             "`sovkg init DIR`, then run the command inside DIR")

    @property
    def outputs(self) -> Dist:
        """The ``dist/`` folder: its builds, the current one, the build lock."""
        from sovkg.store.build import Dist

        return Dist(self.dist)

    def current_build(self) -> Build:
        """The current build, resolved once and held for reading (see :class:`sovkg.store.build.Dist`).

        Raises:
            EndpointError: nothing has been built yet.
        """
        return self.outputs.current()

    @property
    def store(self) -> Path:
        """The embedded store folder of the current build (its real folder, resolved now)."""
        return self.current_build().store

    def kg_files(self) -> list[Path]:
        """Every Turtle file under kg/; an unreadable sub-folder is an error, not skipped."""
        from sovkg.build.parse import turtle_files

        return turtle_files(self.kg)

    def shape_files(self) -> list[Path]:
        return sorted(self.shapes.rglob("*.ttl"))

    @classmethod
    def locate(cls, explicit: str | os.PathLike[str] | None = None) -> Project:
        """Find the project: an explicit folder, $SOVKG_PROJECT, the working directory or a
        parent of it, else the copy bundled with the package."""
        given = explicit or os.environ.get("SOVKG_PROJECT")
        if given:
            root = Path(given).resolve()
            if not root.is_dir():
                raise InputError(f"the project folder {root} does not exist")
            if not (root / ONTOLOGY_FILE).is_file():
                raise InputError(f"{root} is not a sovkg project: it has no {ONTOLOGY_FILE}")
            return cls(root, root / "dist")
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if (folder / ONTOLOGY_FILE).is_file():
                return cls(folder, folder / "dist")
        if (BUNDLED / ONTOLOGY_FILE).is_file():
            cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
            return cls(BUNDLED, cache / "sovkg" / "dist")
        raise InputError(
            "no sovkg project found: run inside a clone of sovkg, or pass --project DIR "
            "(or set SOVKG_PROJECT)"
        )
