"""The WPS Index data cube as tables people read: countries ranked on each indicator, and each
country's values across the indicators.

The observations (`qb:Observation` with `apwps:refCountry`, `apwps:refIndicator`, `apwps:refEdition`,
`apwps:value` and their attributes) are read once per store with a few SELECTs through the `Store`
interface. Only the latest edition in the graph is shown. Rankings put the best value first, as each
indicator's polarity says (`apwps:polarity`, with `apwps:normValue` for an indicator measured against a
norm); an indicator whose entry states no polarity is ranked by value, highest first, which its view
says. The composite score is ordered by the index's own published rank.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib.term import Literal, Node, URIRef

from apwps.binding import values_list
from apwps.memo import per_store
from apwps.search import pick
from apwps.stores.base import SelectResult, Store

PREFIXES = """PREFIX apwps: <https://w3id.org/apwps/ontology#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

POLARITIES = "https://w3id.org/apwps/id/polarities/"
HIGHER_IS_BETTER = POLARITIES + "higher-is-better"
LOWER_IS_BETTER = POLARITIES + "lower-is-better"
LOWER_IS_BETTER_ABOVE_NORM = POLARITIES + "lower-is-better-above-norm"

# The editions in the graph: the engine reads one index, and sends only the distinct values.
EDITIONS = PREFIXES + "SELECT DISTINCT ?edition WHERE { ?obs apwps:refEdition ?edition }"

_COLUMNS = """?obs a qb:Observation ; apwps:refCountry ?country ; apwps:refIndicator ?indicator ;
       apwps:value ?value .
  OPTIONAL { ?obs apwps:unitLabel ?unit }
  OPTIONAL { ?obs apwps:referencePeriod ?period }
  OPTIONAL { ?obs apwps:imputedValue ?imputed }
  OPTIONAL { ?obs apwps:sourceNote ?note }
  OPTIONAL { ?obs apwps:rank ?rank }
  OPTIONAL { ?obs apwps:wpsIndexRegion ?region }
  OPTIONAL { ?obs apwps:fragileState ?fragile }
  OPTIONAL { ?obs qb:dataSet ?dataset }"""
_SELECTED = """?obs ?country ?indicator ?edition ?value ?unit ?period ?imputed
       ?note ?rank ?region ?fragile ?dataset"""

# The observations of one edition (bound to ?edition): the engine starts from that edition's
# observations, so the answer and its cost follow the edition, not the graph.
EDITION_OBSERVATIONS = (
    PREFIXES + f"SELECT {_SELECTED} WHERE {{\n  ?obs apwps:refEdition ?edition .\n  {_COLUMNS}\n}}"
)
# Observations when no edition is stated anywhere.
OBSERVATIONS = PREFIXES + f"SELECT {_SELECTED} WHERE {{\n  {_COLUMNS}\n}}"

# Labels, codes and definitions of the things listed (countries, indicators, regions, data sets,
# dimensions), each looked up by its IRI.
TERMS = (
    PREFIXES
    + """SELECT DISTINCT ?x ?label ?code ?definition ?unit ?dimension ?polarity ?norm WHERE {
  VALUES ?x { %s }
  OPTIONAL { { ?x skos:prefLabel ?label } UNION { ?x rdfs:label ?label } }
  OPTIONAL { { ?x apwps:iso3166Alpha3 ?code } UNION { ?x skos:notation ?code } }
  OPTIONAL { ?x skos:definition ?definition }
  OPTIONAL { ?x apwps:unitLabel ?unit }
  OPTIONAL { ?x apwps:indexDimension ?dimension }
  OPTIONAL { ?x apwps:polarity ?polarity }
  OPTIONAL { ?x apwps:normValue ?norm }
}"""
)
TERMS_PER_QUERY = 500


@dataclass(frozen=True)
class Direction:
    """Which way is better on an indicator, as the graph states it: a polarity IRI and, for the
    polarity "lower is better above the norm", the norm. Unstated (or a norm polarity without its
    norm) reads as highest first, the order of a table without a direction."""

    polarity: str = ""
    norm: Decimal | None = None

    @property
    def kind(self) -> str:
        """One of higher, lower, above-norm; empty when the graph states no usable polarity."""
        if self.polarity == HIGHER_IS_BETTER:
            return "higher"
        if self.polarity == LOWER_IS_BETTER:
            return "lower"
        if self.polarity == LOWER_IS_BETTER_ABOVE_NORM and self.norm is not None:
            return "above-norm"
        return ""

    def shortfall(self, value: Decimal) -> Decimal:
        """How far `value` falls short of the best: smaller is better, equal means equally good.
        Above a norm only the excess counts; the norm's definition does not rank values below it."""
        kind = self.kind
        if kind == "lower":
            return value
        if kind == "above-norm" and self.norm is not None:
            return max(value - self.norm, Decimal(0))
        return -value

    def meets_norm(self, value: Decimal) -> bool | None:
        """Whether `value` is at or below the norm (None when the indicator has no norm)."""
        if self.kind != "above-norm" or self.norm is None:
            return None
        return value <= self.norm


@dataclass
class Thing:
    """A country, indicator, dimension, region or data set, with its labels by language."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    code: str = ""
    definitions: dict[str, str] = field(default_factory=dict)
    unit: str = ""
    dimension: str = ""
    direction: Direction = field(default_factory=Direction)

    def label(self, langs: Sequence[str] = ()) -> str:
        return pick(self.labels, langs)[0] if self.labels else self.slug

    def definition(self, langs: Sequence[str] = ()) -> str:
        return pick(self.definitions, langs)[0] if self.definitions else ""

    @property
    def slug(self) -> str:
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Observation:
    iri: str
    country: str
    indicator: str
    value: Decimal
    unit: str = ""
    period: str = ""
    imputed: bool = False
    note: str = ""
    rank: int | None = None
    region: str = ""
    fragile: bool | None = None


@dataclass(frozen=True)
class Placed:
    """An observation with its position among all countries on its indicator (1 = best, as the
    indicator's direction says; the published rank for the composite score), how many countries
    there are, and how many share the position (equally good values)."""

    observation: Observation
    position: int
    of: int
    shared: int = 1


@dataclass
class WpsIndex:
    edition: str
    dataset: Thing | None
    things: dict[str, Thing]
    observations: list[Observation]
    composite: str = ""  # the indicator whose observations carry the published rank
    _by_indicator: dict[str, list[Placed]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Observation]] = defaultdict(list)
        for obs in self.observations:
            grouped[obs.indicator].append(obs)
        for indicator, items in grouped.items():
            if indicator == self.composite:
                items.sort(key=lambda o: (o.rank if o.rank is not None else 1 << 30, o.country))
                placed = [Placed(o, o.rank or i + 1, len(items)) for i, o in enumerate(items)]
            else:
                placed = self._best_first(indicator, items)
            self._by_indicator[indicator] = placed

    def _best_first(self, indicator: str, items: list[Observation]) -> list[Placed]:
        """`items` from the best value to the worst; equally good values share a position and,
        among them, run from the lowest value (then by country name)."""
        thing = self.things.get(indicator)
        direction = thing.direction if thing else Direction()
        items.sort(
            key=lambda o: (
                direction.shortfall(o.value),
                o.value,
                self.things[o.country].label().lower(),
            )
        )
        shortfalls = [direction.shortfall(o.value) for o in items]
        counts = Counter(shortfalls)
        placed: list[Placed] = []
        for i, (o, shortfall) in enumerate(zip(items, shortfalls, strict=True)):
            tied = i > 0 and shortfalls[i - 1] == shortfall
            position = placed[-1].position if tied else i + 1
            placed.append(Placed(o, position, len(items), counts[shortfall]))
        return placed

    def direction(self, indicator: str) -> Direction:
        """Which way is better on `indicator` (an IRI), as the graph states it."""
        thing = self.things.get(indicator)
        return thing.direction if thing else Direction()

    def indicators(self) -> list[Thing]:
        """The indicators with data, the composite score first, then by dimension and label."""
        found = [self.things[i] for i in self._by_indicator]
        return sorted(
            found,
            key=lambda t: (
                t.iri != self.composite,
                self.label(t.dimension).lower(),
                t.label().lower(),
            ),
        )

    def label(self, iri: str, langs: Sequence[str] = ()) -> str:
        thing = self.things.get(iri)
        return thing.label(langs) if thing else ""

    def indicator(self, slug: str) -> Thing | None:
        return next((t for t in self.indicators() if t.slug == slug), None)

    def country(self, code: str) -> Thing | None:
        """A country by its ISO 3166-1 alpha-3 code or IRI slug, in any case."""
        wanted = code.lower()
        return next(
            (t for t in self.countries() if t.slug.lower() == wanted or t.code.lower() == wanted),
            None,
        )

    def countries(self) -> list[Thing]:
        found = {o.country for o in self.observations}
        return sorted((self.things[c] for c in found), key=lambda t: t.label().lower())

    def ranking(self, indicator: str) -> list[Placed]:
        """Every country's observation on `indicator` (an IRI), in rank order."""
        return self._by_indicator.get(indicator, [])

    def profile(self, country: str) -> list[tuple[Thing, Placed]]:
        """A country's observations (its IRI), one per indicator, in the indicators' order."""
        found: list[tuple[Thing, Placed]] = []
        for indicator in self.indicators():
            for placed in self.ranking(indicator.iri):
                if placed.observation.country == country:
                    found.append((indicator, placed))
                    break
        return found

    def values(self, indicator: str) -> list[Decimal]:
        return [p.observation.value for p in self.ranking(indicator)]


def _select(
    store: Store, text: str, bindings: Mapping[str, Node] | None = None
) -> list[dict[str, Node]]:
    result = store.query(text, bindings=bindings)
    assert isinstance(result, SelectResult)
    return result.rows


def _text(row: Mapping[str, Node], name: str) -> str:
    value = row.get(name)
    return str(value) if value is not None else ""


def _decimal(value: Node | None) -> Decimal | None:
    try:
        return Decimal(str(value)) if isinstance(value, Literal) else None
    except InvalidOperation:
        return None


def _boolean(value: Node | None) -> bool | None:
    return str(value).lower() in ("true", "1") if isinstance(value, Literal) else None


def _latest_rows(store: Store) -> list[dict[str, Node]]:
    """The observations of the latest edition (all of them when none states an edition)."""
    editions = [row["edition"] for row in _select(store, EDITIONS) if "edition" in row]
    if not editions:
        return _select(store, OBSERVATIONS)
    latest = max(editions, key=str)
    return _select(store, EDITION_OBSERVATIONS, {"edition": latest})


def _read_things(store: Store, iris: set[str], things: dict[str, Thing]) -> None:
    """Add the labels, codes, definitions, units and dimensions of `iris` to `things`."""
    wanted = sorted(iris)
    for start in range(0, len(wanted), TERMS_PER_QUERY):
        batch = values_list(URIRef(iri) for iri in wanted[start : start + TERMS_PER_QUERY])
        for row in _select(store, TERMS % batch):
            iri = _text(row, "x")
            thing = things.get(iri) or Thing(iri)
            things[iri] = thing
            for name, target in (("label", thing.labels), ("definition", thing.definitions)):
                text = row.get(name)
                if isinstance(text, Literal):
                    target.setdefault(text.language or "", str(text))
            thing.code = thing.code or _text(row, "code")
            thing.unit = thing.unit or _text(row, "unit")
            thing.dimension = thing.dimension or _text(row, "dimension")
            if not thing.direction.polarity and _text(row, "polarity"):
                thing.direction = Direction(_text(row, "polarity"), _decimal(row.get("norm")))


@per_store
def read_wps_index(store: Store) -> WpsIndex:
    """The latest edition of the WPS Index in the graph (read on first use, once per store): its
    observations and what they refer to, nothing of the earlier editions."""
    rows = _latest_rows(store)
    editions = sorted({_text(r, "edition") for r in rows})
    edition = editions[-1] if editions else ""
    observations: list[Observation] = []
    datasets: set[str] = set()
    composite = ""
    for row in rows:
        value = _decimal(row.get("value"))
        if _text(row, "edition") != edition or value is None:
            continue
        rank = _decimal(row.get("rank"))
        obs = Observation(
            iri=_text(row, "obs"),
            country=_text(row, "country"),
            indicator=_text(row, "indicator"),
            value=value,
            unit=_text(row, "unit"),
            period=_text(row, "period"),
            imputed=bool(_boolean(row.get("imputed"))),
            note=_text(row, "note"),
            rank=int(rank) if rank is not None else None,
            region=_text(row, "region"),
            fragile=_boolean(row.get("fragile")),
        )
        if obs.rank is not None:
            composite = obs.indicator
        if _text(row, "dataset"):
            datasets.add(_text(row, "dataset"))
        observations.append(obs)
    things: dict[str, Thing] = {}
    referred = {o.country for o in observations} | {o.indicator for o in observations}
    referred |= {o.region for o in observations if o.region} | datasets
    _read_things(store, referred, things)
    dimensions = {t.dimension for t in things.values() if t.dimension} - set(things)
    _read_things(store, dimensions, things)
    for obs in observations:  # anything the graph gave no label keeps its IRI's slug
        for iri in (obs.country, obs.indicator, obs.region):
            if iri and iri not in things:
                things[iri] = Thing(iri)
    dataset = things.get(sorted(datasets)[0]) if datasets else None
    return WpsIndex(edition, dataset, dict(things), observations, composite)
