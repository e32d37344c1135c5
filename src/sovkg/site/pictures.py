"""Pictures of the site: dependency graphs laid out by Graphviz, charts declared in Vega-Lite.

Graphviz's ``dot`` (Debian package graphviz) renders the dependency pictures; the Vega-Lite charts
(declared with Altair) are rendered to static SVG by vl-convert, offline, so a page needs no
script and no other host to show them.
"""

from __future__ import annotations

import math
import shutil
import xml.etree.ElementTree as ET
from typing import Any

from sovkg.errors import InputError
from sovkg.site.model import CATEGORIES, Graph, local_name

# One colour per jurisdiction category; "home not stated" and "nothing recorded" are greys that
# differ from each other and from every category that says something (never read as domestic).
COLOURS = {
    "domestic": "#1a9850",
    "us": "#d73027",
    "foreign": "#fc8d59",
    "tbd": "#fee08b",
    "unstated": "#bdbdbd",
    "none": "#ffffff",
}
LAYER_COLOURS = ["#1f78b4", "#33a02c", "#6a3d9a", "#b15928", "#e31a1c", "#ff7f00", "#a6cee3",
                 "#b2df8a", "#cab2d6", "#fb9a99", "#666666"]
# Links inside a chart point under this placeholder; vl-convert resolves relative links against
# a web address of its own, so they are written absolute and made relative again afterwards.
_LINK_BASE = "https://sovkg.invalid/"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise InputError(f"the site needs the Python package {module!r}: pip install 'sovkg[site]'") from error


def _inline(svg: str) -> str:
    """An SVG document as an element to put inside a page (no XML prolog or doctype)."""
    return svg[svg.index("<svg"):]


# ---------------------------------------------------------------- dependency pictures

def dependency_picture(graph: Graph, project: str, page_prefix: str = "") -> str | None:
    """The dependency picture of a project: every node it reaches, actors coloured by where they
    are at home relative to the project's country, links coloured and labelled by layer."""
    if shutil.which("dot") is None:
        raise InputError("the dependency pictures need Graphviz's 'dot': apt-get install graphviz")
    graphviz = _require("graphviz")
    country = graph.first(project, "https://w3id.org/sovkg/ontology#isSovereignEffortOf")
    reached = graph.paths(project)
    if len(reached) < 2:
        return None
    layers = sorted({graph.layer_of_property.get(s.predicate) or "" for n in reached
                     for s in graph.links(n) if s.object in reached})
    layer_colour = {layer: LAYER_COLOURS[i % len(LAYER_COLOURS)] for i, layer in enumerate(layers)}
    dot = graphviz.Digraph(graph_attr={"rankdir": "LR", "fontname": "Helvetica", "bgcolor": "transparent",
                                       "fontsize": "10"},
                           node_attr={"fontname": "Helvetica", "fontsize": "10", "style": "filled"},
                           edge_attr={"fontname": "Helvetica", "fontsize": "8"})
    for node in reached:
        name = local_name(node)
        attrs = {"label": graph.label(node), "URL": f"{page_prefix}{name}.html", "target": "_top",
                 "tooltip": graph.label(node)}
        if node == project:
            attrs.update(shape="doubleoctagon", fillcolor="#ffffff", penwidth="2")
        elif graph.is_a(node, "https://w3id.org/sovkg/ontology#Actor"):
            category = graph.category(graph.home(node), country)
            home = graph.home(node)
            attrs.update(shape="ellipse", fillcolor=COLOURS[category],
                         label=f"{graph.label(node)}\n({CATEGORIES[category]}"
                               f"{': ' + graph.label(home) if home and category != 'domestic' else ''})")
        else:
            attrs.update(shape="box", fillcolor="#f5f5f5")
        dot.node(name, **attrs)
    for node in reached:
        for step in graph.links(node):
            if step.object in reached:
                layer = graph.layer_of_property.get(step.predicate) or ""
                dot.edge(local_name(step.subject), local_name(step.object),
                         label=graph.label(step.predicate) + (f"\n[{graph.label(layer)}]" if layer else ""),
                         color=layer_colour[layer], fontcolor=layer_colour[layer])
    return _inline(dot.pipe(format="svg", encoding="utf-8"))


# ---------------------------------------------------------------- charts

def _svg(chart: Any) -> str:
    vl_convert = _require("vl_convert")
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), allowed_base_urls=[])
    return _relative_links(_inline(svg))


def _relative_links(svg: str) -> str:
    """Make the chart's links relative again (see _LINK_BASE), by editing the parsed SVG tree."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg)
    for element in root.iter():
        for attribute in (f"{{{XLINK_NS}}}href", "href"):
            value = element.get(attribute)
            if value and value.startswith(_LINK_BASE):
                element.set(attribute, value[len(_LINK_BASE):])
    return ET.tostring(root, encoding="unicode")


def heat_map(cells: list[dict[str, str]], countries: list[str], layers: list[str]) -> str:
    """The sovereignty matrix: country x layer, coloured by the jurisdiction category of the cell.

    Each cell is ``{"country", "layer", "category", "text", "href"}``; the href is relative to the page.
    """
    alt = _require("altair")
    data = [{**cell, "href": _LINK_BASE + cell["href"], "label": CATEGORIES[cell["category"]]} for cell in cells]
    domain = list(CATEGORIES.values())
    colour = alt.Color("label:N", title="home of the actors depended on",
                       scale=alt.Scale(domain=domain, range=[COLOURS[k] for k in CATEGORIES]),
                       legend=alt.Legend(orient="bottom", columns=3))
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("layer:N", sort=layers, title=None, axis=alt.Axis(labelAngle=-35, orient="top")),
        y=alt.Y("country:N", sort=countries, title=None))
    rect = base.mark_rect(stroke="#555555", strokeWidth=0.5).encode(
        color=colour, href="href:N", tooltip=[alt.Tooltip("country:N"), alt.Tooltip("layer:N"),
                                              alt.Tooltip("text:N", title="actors at home in")])
    text = base.mark_text(fontSize=10, limit=88).encode(text="short:N", href="href:N")
    chart = (rect + text).properties(width=max(95 * len(layers), 300), height=30 * len(countries))
    return _svg(chart)


def market_chart(shares: list[dict[str, Any]]) -> str:
    """The accelerator market shares as bars, titled as the illustrative figures they are."""
    alt = _require("altair")
    data = [{**share, "href": _LINK_BASE + share["href"]} for share in shares]
    chart = alt.Chart(alt.Data(values=data)).mark_bar(color="#9e9ac8", stroke="#54278f", strokeDash=[4, 2]).encode(
        x=alt.X("share:Q", title="market share (illustrative figure)", axis=alt.Axis(format="%")),
        y=alt.Y("vendor:N", sort="-x", title=None),
        href="href:N",
    ).properties(width=420, height=28 * max(len(shares), 1),
                 title=alt.Title("AI accelerator market: illustrative shares",
                                 subtitle="example figures from a source's code, not market data"))
    text = chart.mark_text(align="left", dx=4, color="#222222", strokeDash=[]).encode(
        text=alt.Text("share:Q", format=".0%"))
    return _svg(chart + text)


def investment_chart(rows: list[dict[str, Any]]) -> str:
    """Investments ranked, largest first: a bar to the stated amount, a lighter bar on to the top
    of a range, and the firmness of the figure (stated, approximate, estimate, upper bound,
    partial) as the bar's pattern and a word on the bar."""
    alt = _require("altair")
    data = [{**row, "href": _LINK_BASE + row["href"]} for row in rows]
    firmness = ["stated", "approximate", "estimate", "upper bound", "lower bound", "partial"]
    order = [row["name"] for row in rows]
    # Bars on a log scale start at a floor below the smallest amount, not at zero.
    floor = 10 ** int(math.log10(min(row["amount"] for row in rows)))
    base = alt.Chart(alt.Data(values=data)).transform_calculate(floor=str(floor)).encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)))
    scale = alt.Scale(type="log", domainMin=floor)
    bars = base.mark_bar(stroke="#333333").encode(
        x=alt.X("amount:Q", title="amount (US dollars; log scale)", scale=scale, axis=alt.Axis(format="$~s")),
        x2="floor:Q",
        color=alt.Color("firmness:N", scale=alt.Scale(domain=firmness, range=[
            "#3182bd", "#9ecae1", "#fdae6b", "#c6dbef", "#c6dbef", "#dadaeb"]), title="how firm the figure is"),
        strokeDash=alt.StrokeDash("firmness:N", scale=alt.Scale(domain=firmness, range=[
            [1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [8, 2, 2, 2], [1, 3]]), legend=None),
        href="href:N",
        tooltip=[alt.Tooltip("name:N", title="project"), alt.Tooltip("text:N", title="as the source states it"),
                 alt.Tooltip("firmness:N")])
    ranges = base.transform_filter("isValid(datum.amountMax)").mark_bar(
        color="#ffffff", stroke="#3182bd", strokeDash=[3, 2]).encode(x="amount:Q", x2="amountMax:Q", href="href:N")
    labels = base.mark_text(align="left", dx=4, fontSize=10).encode(x=alt.X("top:Q", scale=scale), text="caption:N")
    chart = (bars + ranges + labels).properties(width=560, height=26 * max(len(rows), 1))
    return _svg(chart)
