"""Reachability in a relation held as a dictionary: the one walk behind the build's closures
(class and property hierarchies, ownership chains)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

Node = TypeVar("Node")


def reachable(edges: Mapping[Node, Iterable[Node]], start: Node) -> set[Node]:
    """Every node reached from ``start`` by one or more edges (``start`` itself only on a cycle)."""
    seen: set[Node] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen
