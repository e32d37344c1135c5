"""A synthetic world: a sovkg project folder of about N asserted triples, for the scale benchmark.

The project's ontology, shapes and stored questions are copied; ``kg/`` is generated, following
the project's data model: states with their ISO codes, companies with ownership chains one to four
deep across countries, chip vendors and their products, foreign base models, clouds and
distribution platforms, and per country sovereign models (on a base model, trained on a
supercomputer, distributed via a platform, covering languages, with a budget split into funding
shares) and sovereign compute projects (chip allocations, operator, partners, investment with
shares, status). Every fact-bearing node carries evidence with a quote, and ``sources/`` holds a
synthetic source text per country in which every quote occurs, so `sovkg validate` checks them.

    python benchmarks/world.py --triples 100000 --out /tmp/world-100k
    sovkg --project /tmp/world-100k build
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import shutil
import string
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = """@prefix :     <https://w3id.org/sovkg/id/> .
@prefix sov:  <https://w3id.org/sovkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

"""

# Countries the stored questions' default parameters name come first.
FIRST_CODES = ["US", "FR", "DE", "JP", "TW", "NL", "GB", "CN", "IN", "SG", "SE", "DK", "ES", "IT", "CA"]
STATUSES = ["Operational", "Announced", "UnderConstruction", "Planned", "Released", "Procurement"]
OPENNESS = ["Open", "IntendedOpen", "Closed"]


# Every node's label, so that a quote can name the targets of its node's links, as the support
# rules require (a quote supports a link only if it names the target).
LABELS: dict[str, str] = {}
_LINK = re.compile(r":([A-Za-z][\w-]*)")


@dataclass
class Writer:
    """Turtle blocks for one file, with the quotes they cite and a count of triples.

    Quotes are composed when the file is written, once every node's label is known: each names
    the labels of its node's link targets and renders its numbers as the support rules read them.
    """

    source: str
    blocks: list[tuple[str, str, str, list[tuple[str, str]], str, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    triples: int = 0

    def node(self, name: str, types: str, label: str, props: list[tuple[str, str]], quote: str,
             locator: str = "synthetic") -> None:
        LABELS[name] = label
        self.blocks.append((name, types, label, props, quote, locator))
        # rdf:type per listed type, label, props, and four triples of evidence
        self.triples += types.count(",") + 1 + 1 + sum(o.count(",") + 1 for _, o in props) + 4

    def _quote(self, quote: str, props: list[tuple[str, str]]) -> str:
        named = [LABELS[target] for _, o in props for target in _LINK.findall(o) if target in LABELS]
        if named:
            quote += " It involves " + ", ".join(dict.fromkeys(named)) + "."
        return quote

    def write(self, path: Path) -> None:
        for name, types, label, props, quote, locator in self.blocks:
            quote = self._quote(quote, props)
            self.quotes.append(quote)
            body = [f":{name} a {types} ;", f'    rdfs:label "{label}"@en ;']
            body += [f"    {p} {o} ;" for p, o in props]
            body.append(f'    sov:hasEvidence [ sov:source :{self.source} ; sov:locator "{locator}" ; '
                        f'sov:quote "{quote}" ] .')
            self.lines.append("\n".join(body) + "\n")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEADER + "\n".join(self.lines), encoding="utf-8")


def codes(count: int) -> list[str]:
    rest = ("".join(p) for p in itertools.product(string.ascii_uppercase, repeat=2))
    ordered = FIRST_CODES + [c for c in rest if c not in FIRST_CODES]
    return ordered[:count]


def generate(triples: int, out: Path, seed: int = 14) -> int:
    """Write the project; return the number of asserted triples written."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, out / folder)
    units = max(4, (triples - 1500) // 99)  # one unit: a sovereign model and a compute project with their facts
    countries = codes(min(300, max(6, units // 25)))
    global_w = Writer("srcWorld")
    src = Writer("srcWorld")
    written = 0

    # States, languages, and the source documents (one per country plus one for shared actors).
    for code in countries:
        global_w.node(code, "sov:State", f"State {code}", [("sov:isoCode", f'"{code}"')],
                      f"{code} is a state with the code {code}.")
        src.lines.append(f':src{code} a sov:SourceDocument ; rdfs:label "Synthetic report on {code}"@en ; '
                         f'dcterms:title "Synthetic report on {code}" ; sov:fileName "world-{code}.txt" .\n')
        src.triples += 4
    src.lines.append(':srcWorld a sov:SourceDocument ; rdfs:label "Synthetic world report"@en ; '
                     'dcterms:title "Synthetic world report" ; sov:fileName "world.txt" .\n')
    src.triples += 4
    languages = []
    for i, tag in enumerate("".join(p) for p in itertools.product("abcdefgh", repeat=3)):
        if i >= 60:
            break
        languages.append(f"Lang{tag}")
        global_w.node(f"Lang{tag}", "sov:NaturalLanguage", f"language {tag}", [("sov:languageTag", f'"{tag}"')],
                      f"Language {tag} is spoken.")

    # Shared actors: holdings in ownership chains, chip vendors and chips, base models, clouds.
    holdings: list[str] = []
    for i in range(max(20, len(countries) * 2)):
        name = f"Holding{i}"
        props = [("sov:headquarteredIn", f":{rng.choice(countries[:8])}")]
        # chains one to four deep: a holding's parent is one of the three before it
        if i % 4 and holdings:
            props.append(("sov:subsidiaryOf", f":{holdings[-1 - (i % 4 - 1) % len(holdings)]}"))
        global_w.node(name, "sov:Company", f"Holding {i}", props, f"Holding {i} owns companies.")
        holdings.append(name)
    vendors, chips = [], []
    for i in range(6):
        vendor = f"ChipVendor{i}"
        global_w.node(vendor, "sov:Company", f"Chip vendor {i}",
                      [("sov:headquarteredIn", f":{countries[i % min(5, len(countries))]}")],
                      f"Chip vendor {i} designs accelerators.")
        vendors.append(vendor)
        for j in range(3):
            chip = f"Chip{i}x{j}"
            global_w.node(chip, "sov:Accelerator", f"Accelerator {i}-{j}", [("sov:producedBy", f":{vendor}")],
                          f"Accelerator {i}-{j} is made by chip vendor {i}.")
            chips.append(chip)
    base_models, platforms = [], []
    for i in range(12):
        lab = f"ModelLab{i}"
        global_w.node(lab, "sov:Company", f"Model lab {i}",
                      [("sov:headquarteredIn", f":{countries[i % min(4, len(countries))]}"),
                       ("sov:subsidiaryOf", f":{holdings[i % len(holdings)]}")],
                      f"Model lab {i} trains base models.")
        base = f"BaseModel{i}"
        global_w.node(base, "sov:AIModel", f"Base model {i}",
                      [("sov:developedBy", f":{lab}"), ("sov:openness", f"sov:{OPENNESS[i % 3]}")],
                      f"Base model {i} is developed by model lab {i}.")
        base_models.append(base)
    for i in range(8):
        provider = f"CloudProvider{i}"
        global_w.node(provider, "sov:Company", f"Cloud provider {i}",
                      [("sov:headquarteredIn", f":{countries[i % min(3, len(countries))]}"),
                       ("sov:subsidiaryOf", f":{holdings[(i * 3) % len(holdings)]}")],
                      f"Cloud provider {i} runs a cloud.")
        cloud = f"Cloud{i}"
        global_w.node(cloud, "sov:CloudPlatform", f"Cloud {i}",
                      [("sov:operatedBy", f":{provider}"), ("sov:usesAccelerator", f":{chips[i % len(chips)]}")],
                      f"Cloud {i} is operated by cloud provider {i}.")
        hub = f"Hub{i}"
        global_w.node(hub, "sov:DistributionPlatform", f"Model hub {i}", [("sov:operatedBy", f":{provider}")],
                      f"Model hub {i} is run by cloud provider {i}.")
        platforms.append(hub)
    global_w.write(out / "kg" / "world" / "shared.ttl")
    written += global_w.triples
    (out / "sources").mkdir(parents=True, exist_ok=True)
    (out / "sources" / "world.txt").write_text("\n".join(global_w.quotes) + "\n", encoding="utf-8")

    # Per country: its public body, companies, sovereign models and compute projects.
    per_country = {code: Writer(f"src{code}") for code in countries}
    for unit in range(units):
        code = countries[unit % len(countries)]
        w = per_country[code]
        u = f"{code}{unit}"
        if unit < len(countries):
            w.node(f"{code}-Ministry", "sov:Ministry", f"Ministry of digital affairs of {code}",
                   [("sov:headquarteredIn", f":{code}"), ("sov:isPartOfGovernmentOf", f":{code}")],
                   f"The ministry of digital affairs of {code} funds AI.")
            w.node(f"{code}-Foundation", "sov:Foundation", f"Foundation of {code}",
                   [("sov:headquarteredIn", f":{code}")], f"The foundation of {code} funds research.")
        developer = f"Dev{u}"
        w.node(developer, "sov:Company", f"Developer {u}",
               [("sov:headquarteredIn", f":{code}"), ("sov:subsidiaryOf", f":{rng.choice(holdings)}")],
               f"Developer {u} builds models in {code}.")
        machine = f"Machine{u}"
        w.node(machine, "sov:Supercomputer , sov:SovereignComputeProject", f"Supercomputer {u}",
               [("sov:isSovereignEffortOf", f":{code}"), ("sov:locatedIn", f":{code}"),
                ("sov:hasChipAllocation", f":{machine}-chips"), ("sov:operatedBy", f":{developer}"),
                ("sov:hasPartner", f":{rng.choice(vendors)}"), ("sov:hasInvestment", f":{machine}-investment"),
                ("sov:hasStatus", f":{machine}-status"), ("sov:usesAccelerator", f":{rng.choice(chips)}")],
               f"Supercomputer {u} is a sovereign machine of {code}.")
        count = rng.randint(64, 20000)
        w.node(f"{machine}-chips", "sov:ChipAllocation", f"Supercomputer {u}: {count} accelerators",
               [("sov:chip", f":{rng.choice(chips)}"), ("sov:quantity", str(count))],
               f"Supercomputer {u} has {count} accelerators.")
        amount = rng.randint(1, 900) * 1_000_000
        state_share = rng.choice([0.1, 0.25, 0.5, 0.75, 1.0])
        w.node(f"{machine}-investment", "sov:Investment", f"Supercomputer {u}: {amount} USD",
               [("sov:amount", f"{amount}.0"), ("sov:currency", '"USD"'),
                ("sov:hasFundingShare", f":{machine}-share-state , :{machine}-share-private")],
               f"Supercomputer {u} costs {amount:,} USD.")
        w.node(f"{machine}-share-state", "sov:FundingShare", f"Supercomputer {u}: share of the state",
               [("sov:funder", f":{code}"), ("sov:shareFraction", str(state_share))],
               f"The state {code} pays {state_share:.0%} of supercomputer {u}.")
        w.node(f"{machine}-share-private", "sov:FundingShare", f"Supercomputer {u}: private share",
               [("sov:funder", f":{code}-Foundation"), ("sov:shareFraction", str(round(1 - state_share, 2)))],
               f"The foundation of {code} pays {1 - state_share:.0%} of supercomputer {u}.")
        status = STATUSES[unit % len(STATUSES)]
        w.node(f"{machine}-status", "sov:StatusStatement", f"Supercomputer {u}: {status}",
               [("sov:status", f"sov:{status}"), ("sov:date", '"2025-06"^^xsd:gYearMonth')],
               f"Supercomputer {u} is {status} as of June 2025.")
        model = f"Model{u}"
        langs = rng.sample(languages, 2)
        w.node(model, "sov:SovereignModel", f"Model {u}",
               [("sov:isSovereignEffortOf", f":{code}"), ("sov:basedOn", f":{rng.choice(base_models)}"),
                ("sov:trainedOn", f":{machine}" if unit % 3 else f":Cloud{unit % 8}"),
                ("sov:distributedVia", f":{rng.choice(platforms)}"), ("sov:developedBy", f":{developer}"),
                ("sov:coversLanguage", f":{langs[0]} , :{langs[1]}"),
                ("sov:openness", f"sov:{OPENNESS[unit % 3]}"), ("sov:developmentMethod", "sov:DerivedFromBaseModel"),
                ("sov:hasInvestment", f":{model}-budget")],
               f"Model {u} is a sovereign model of {code}.")
        budget = rng.randint(1, 90)
        w.node(f"{model}-budget", "sov:Budget", f"Model {u}: budget",
               [("sov:amount", f"{budget}000000.0"), ("sov:currency", '"EUR"'),
                ("sov:hasFundingShare", f":{model}-share")],
               f"Model {u} has a budget of {budget} million EUR.")
        w.node(f"{model}-share", "sov:FundingShare", f"Model {u}: ministry share",
               [("sov:funder", f":{code}-Ministry"), ("sov:shareFraction", "1.0")],
               f"The ministry of {code} pays 100% of model {u}.")
    for code, w in per_country.items():
        w.write(out / "kg" / "world" / "countries" / f"{code.lower()}.ttl")
        (out / "sources" / f"world-{code}.txt").write_text("\n".join(w.quotes) + "\n", encoding="utf-8")
        written += w.triples
    src.write(out / "kg" / "world" / "sources.ttl")
    return written + src.triples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, required=True, help="about how many asserted triples")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    written = generate(args.triples, args.out, args.seed)
    print(f"{args.out}: about {written} asserted triples")


if __name__ == "__main__":
    main()
