"""A real headless browser for the site's tests: Debian's chromium driven by Playwright.

Playwright's own browser download is never used: the tests launch the system's chromium. Every
request the browser makes is checked: one that would leave the allowed origin is aborted and
recorded, so a test can assert that nothing left the machine.
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str:
    found = shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: the test command installs it", pytrace=False)
        pytest.skip("chromium is not installed (Debian package chromium)")
    return found


@dataclass
class Visit:
    """What the browser saw while a test used it."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@contextmanager
def browser_page(allowed_prefix: str, width: int = 1200, height: int = 900) -> Iterator[tuple[Any, Visit]]:
    """A page whose requests may only go to URLs starting with ``allowed_prefix``."""
    sync_api = pytest.importorskip("playwright.sync_api")
    visit = Visit()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                                   "--disable-component-update", "--no-first-run"])
        try:
            context = browser.new_context(viewport={"width": width, "height": height})

            def guard(route: Any) -> None:
                url = route.request.url
                if url.startswith(allowed_prefix) or url.startswith("data:"):
                    route.continue_()
                else:
                    visit.outside.append(url)
                    route.abort()

            context.route("**/*", guard)
            page = context.new_page()
            page.on("console", lambda message: visit.errors.append(f"{page.url}: {message.text}")
                    if message.type == "error" else None)
            page.on("pageerror", lambda error: visit.errors.append(f"{page.url}: {error}"))
            yield page, visit
        finally:
            browser.close()


# Every link of a page, HTML or SVG (Graphviz and Vega write <a xlink:href> inside inline SVG).
LINKS_JS = """() => Array.from(document.querySelectorAll('a')).map(a => {
  const raw = (a.href && a.href.baseVal !== undefined) ? a.href.baseVal
            : (a.getAttribute('href') || a.getAttribute('xlink:href'));
  return raw ? new URL(raw, document.baseURI).href : null;
}).filter(Boolean)"""


def _exists(page: Any, target: str) -> bool:
    """Whether a linked file (not a page) is there: on disk, or answered by the server."""
    if target.startswith("file://"):
        return os.path.exists(urllib.parse.unquote(target[len("file://"):]))
    return page.request.get(target).status < 400


@dataclass
class Crawl:
    """The pages a crawl opened, and the links that did not resolve (page -> targets)."""

    pages: list[str]
    broken: dict[str, list[str]]


def crawl(page: Any, start: str, prefix: str) -> Crawl:
    """Open ``start`` and every page it links to under ``prefix``, transitively; a link is broken
    when its page or file is missing or its anchor names no element of its page."""
    broken: dict[str, list[str]] = {}
    anchors: dict[str, set[str]] = {}
    wanted: dict[str, set[str]] = {}
    queue, seen = [start], {start}
    while queue:
        url = queue.pop()
        try:
            answer = page.goto(url)
        except Exception as error:  # Playwright raises its own Error for a page that cannot load
            broken.setdefault(url, []).append(str(error).splitlines()[0])
            continue
        if answer is not None and answer.status >= 400:
            broken.setdefault(url, []).append(f"HTTP {answer.status}")
            continue
        anchors[url] = set(page.evaluate("() => Array.from(document.querySelectorAll('[id]')).map(e => e.id)"))
        for link in page.evaluate(LINKS_JS):
            if not link.startswith(prefix):
                continue
            target, _, fragment = link.partition("#")
            if fragment:
                wanted.setdefault(target, set()).add(fragment)
            if target not in seen:
                seen.add(target)
                if target.endswith(".html") or target.endswith("/"):
                    queue.append(target)
                else:
                    if not _exists(page, target):
                        broken.setdefault(url, []).append(target)
    for target, fragments in wanted.items():
        missing = fragments - anchors.get(target, set())
        if target in anchors and missing:
            broken.setdefault(target, []).extend(f"#{f}" for f in sorted(missing))
    return Crawl(sorted(anchors), broken)
