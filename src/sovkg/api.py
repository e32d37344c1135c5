"""The Python API for scripts and notebooks: ``sovkg.open()`` and what it answers.

>>> import sovkg
>>> kg = sovkg.open()                                  # the project here, or the bundled graph
>>> kg.query("dependencies-on-country", country="FR").to_pandas()
>>> kg.explain("GPT-NL", on="US")                      # the paths, with evidence on every hop
>>> kg.find("hugging face")
>>> kg.sparql("ASK { ?s ?p ?o }").answer

It is the same machinery the command line uses: names are looked up as ``sovkg find`` does,
parameters are bound as RDF terms, answers keep their IRIs and labels.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sovkg.errors import QueryError
from sovkg.explain import MAX_HOPS, MAX_PATHS, Explanation
from sovkg.project import Project
from sovkg.queries.engines import EmbeddedEngine, Engine
from sovkg.queries.library import Library, StoredQuery
from sovkg.queries.lookup import Entity, Resolver
from sovkg.queries.run import engine_for, run_stored, run_text
from sovkg.results.table import ResultTable


@dataclass
class KnowledgeGraph:
    """A built sovkg project, ready to answer: stored questions, SPARQL, explanations, lookups."""

    project: Project
    endpoint: str | None = None
    _engine: Engine | None = field(default=None, repr=False)
    _resolver: Resolver | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = engine_for(self.project, self.endpoint)
        return self._engine

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            self._resolver = Resolver.from_engine(self.engine)
        return self._resolver

    def queries(self) -> list[StoredQuery]:
        """The stored questions, with their summaries and parameters."""
        return Library(self.project.queries).all()

    def query(self, name: str, **params: object) -> ResultTable:
        """Answer a stored question; parameters by name (``country="FR"``, ``company="nvidia"``).

        Raises:
            QueryError: an unknown question or parameter, or a name the graph does not know.
        """
        return run_stored(self.project, name, {k: str(v) for k, v in params.items()}, self.engine)

    def sparql(self, text: str) -> ResultTable:
        """Run an ad-hoc SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)."""
        return run_text(self.project, text, "query", self.engine)

    def find(self, text: str, limit: int = 20) -> list[Entity]:
        """Entities whose label, alias, local name or ISO code matches ``text``, best first."""
        return self.resolver.search(text, limit=limit)

    def entity(self, name: str) -> Entity:
        """The one entity ``name`` names; raises :class:`QueryError` if none or several do."""
        return self.resolver.entity(name)

    def explain(self, entity: str, on: str | None = None, layer: str | None = None, all_paths: bool = False,
                max_hops: int = MAX_HOPS, max_paths: int = MAX_PATHS) -> Explanation:
        """The dependency paths from ``entity`` to the actors of ``on`` (a country or an actor)."""
        from sovkg.explain import explain

        if not isinstance(self.engine, EmbeddedEngine):
            raise QueryError("explain searches the build's embedded store; open the project without an endpoint")
        start = self.resolver.entity(entity, "entity")
        target = self.resolver.entity(on, "country or actor") if on else None
        return explain(self.engine.store, start.iri, target.iri if target else None, layer=layer,
                       all_paths=all_paths, max_hops=max_hops, max_paths=max_paths)


def open(project: str | os.PathLike[str] | Project | None = None,
         endpoint: str | None = None) -> KnowledgeGraph:
    """Open a built project (a folder, or the one found from the working directory, or
    ``$SOVKG_PROJECT``) for questions; with ``endpoint``, questions go to that SPARQL endpoint.

    Raises:
        EndpointError: the project has not been built (run ``sovkg build``).
    """
    found = project if isinstance(project, Project) else Project.locate(project)
    graph = KnowledgeGraph(found, endpoint)
    graph.engine  # noqa: B018 - open the store now, so a missing build is said at once
    return graph
