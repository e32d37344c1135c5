"""``sovkg new-country``: a country's file in ``kg/countries/`` from a template, valid as made."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from sovkg.build.parse import SourceIndex, parse_files
from sovkg.errors import InputError
from sovkg.namespaces import ID_IRI
from sovkg.project import BUNDLED, ONTOLOGY_FILE, Project

PROJECT_FOLDERS = ("ontology", "kg", "shapes", "queries")
SOURCES_README = """# Source texts

Put here the plain-text file of every source your facts cite (the file named by its
sov:fileName), so that `sovkg build` can check each quote against it. Every folder named in
SOVKG_SOURCES (several separated by the path separator) is searched as well.
"""

_CODE = re.compile(r"^[A-Z]{2}$")

STATE_BLOCK = """:{code} a sov:State ;
    rdfs:label "{name}"@en ;
    sov:isoCode "{code}" ;
    sov:hasEvidence [ sov:source :src-iso3166 ; sov:provenanceKind sov:ReferenceStandard ] .
"""


def _turtle_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def new_country(project: Project, code: str, name: str) -> Path:
    """Write ``kg/countries/<code>.ttl`` for a country; refuse to overwrite an existing file.

    Raises:
        InputError: the code is not ISO 3166-1 alpha-2 shaped, the name is empty, or the file exists.
    """
    code = code.strip().upper()
    if not _CODE.match(code):
        raise InputError(f"a country code is two letters of ISO 3166-1 alpha-2 (such as DE or KR), not {code!r}")
    name = " ".join(name.split())
    if not name or any(ch in name for ch in "<>\n"):
        raise InputError("--name is the country's English name, such as \"South Korea\"")
    target = project.kg / "countries" / f"{code.lower()}.ttl"
    if target.exists():
        raise InputError(f"{target} exists already: edit it, or remove it first")
    index = SourceIndex()
    parse_files(project.kg_files(), index=index)
    existing = index.defined.get(ID_IRI + code)
    if existing is not None:
        path = existing.path.relative_to(project.root) if existing.path.is_relative_to(project.root) else existing.path
        state = f"# The state :{code} is described in {path}; this file adds its sovereign AI efforts.\n"
    else:
        state = STATE_BLOCK.format(code=code, name=_turtle_string(name))
    prefix = re.sub(r"[^A-Za-z0-9]", "", name.title()) or code
    template = resources.files("sovkg.authoring").joinpath("templates/country.ttl").read_text(encoding="utf-8")
    text = template.format(name=name, code=code, slug=code.lower(), prefix=prefix, state_block=state)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def packaged_folders() -> Path:
    """Where this sovkg's own ontology, kg, shapes and queries are: the copy inside an installed
    wheel, else the checkout the package runs from."""
    if (BUNDLED / ONTOLOGY_FILE).is_file():
        return BUNDLED
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / ONTOLOGY_FILE).is_file():
        return checkout
    raise InputError("this installation of sovkg carries no ontology to copy: reinstall it from a wheel")


def init_project(target: Path) -> Project:
    """Make a new project folder with a copy of the packaged ontology, kg, shapes and queries.

    Raises:
        InputError: the folder exists and is not empty.
    """
    import shutil

    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target} exists and is not an empty folder: choose a new folder for the project")
    origin = packaged_folders()
    target.mkdir(parents=True, exist_ok=True)
    for folder in PROJECT_FOLDERS:
        shutil.copytree(origin / folder, target / folder, ignore=shutil.ignore_patterns("imported", "__pycache__"))
    (target / "sources").mkdir(exist_ok=True)
    (target / "sources" / "README.md").write_text(SOURCES_README, encoding="utf-8")
    return Project(target.resolve(), target.resolve() / "dist")
