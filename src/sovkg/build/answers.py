"""The build step that answers the stored questions once and keeps the answers with the build
(see :mod:`sovkg.queries.kept` for why and how they are read back)."""

from __future__ import annotations

import pyoxigraph as ox

from sovkg.errors import OutputError, SovkgError
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine
from sovkg.queries.library import Library
from sovkg.queries.lookup import Resolver
from sovkg.queries.run import run_and_keep
from sovkg.store.build import Build


def keep_answers(project: Project, store: ox.Store, build: Build) -> list[str]:
    """Answer, on ``store`` (the graphs the build publishes), every stored question that can be
    asked without a parameter, and keep each SELECT it takes in the build's ``answers/``; the names
    of the questions answered. A question that cannot be answered so (its default names nothing in
    this graph, say) is left to be evaluated when asked, with the message it gives then.

    Raises:
        OutputError: an answer could not be written.
    """
    engine = EmbeddedEngine(store, keep_into=build.answers)
    answered = []
    for query in Library(project.queries).all():
        if any(param.required for param in query.params):
            continue
        # A default that is not written as a name is left to the full lookup when the question is
        # asked (reading every name of a large graph costs seconds).
        resolver = Resolver(engine=engine, direct_only=True)
        try:
            run_and_keep(project, query.name, engine, resolver)
        except OutputError:
            raise
        except SovkgError:
            continue
        answered.append(query.name)
    return answered
