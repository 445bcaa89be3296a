"""WPS Index pages: `/wps-index` (countries ranked by the index score), `/wps-index/indicators/<slug>`
(a bar chart per indicator, best first as the indicator's polarity says, also as `.svg`) and
`/wps-index/countries/<iso3>` (a country's values with where each sits among all countries). Charts are
SVG drawn on the server, no script."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.wrappers import Response as BaseResponse

from apwps.charts import BarChart, Item, bar_chart, fmt, strip
from apwps.crosswalk import read_crosswalk
from apwps.wps_index_view import Direction, Placed, Thing, WpsIndex, read_wps_index
from server.context import ctx
from server.pages import langs, page_lang

bp = Blueprint("wps_index", __name__)


def _index() -> WpsIndex:
    index = read_wps_index(ctx().store)
    if not index.observations:
        raise NotFound("the graph holds no WPS Index observations")
    return index


def better(direction: Direction) -> str:
    """Which way is better, in words ("" when the graph states no direction)."""
    if direction.kind == "above-norm" and direction.norm is not None:
        return f"lower is better above the norm of {fmt(direction.norm)}"
    return {"higher": "higher is better", "lower": "lower is better"}.get(direction.kind, "")


def against_norm(direction: Direction, placed: Placed) -> str:
    """Where a value measured against a norm lies ("" for an indicator without a norm)."""
    meets = direction.meets_norm(placed.observation.value)
    if meets is None or direction.norm is None:
        return ""
    return f"{'at or below' if meets else 'above'} the norm of {fmt(direction.norm)}"


def _chart(index: WpsIndex, indicator: Thing, reader: list[str], highlight: str = "") -> BarChart:
    composite = indicator.iri == index.composite
    direction = indicator.direction
    items = []
    for placed in index.ranking(indicator.iri):
        obs = placed.observation
        country = index.things[obs.country]
        label = country.label(reader)
        items.append(
            Item(
                label=f"{placed.position}. {label}" if composite else label,
                value=obs.value,
                href=f"/wps-index/countries/{country.slug}",
                group=index.label(obs.region, reader) if composite else "",
                highlight=obs.country == highlight,
                note="imputed" if obs.imputed else "",
            )
        )
    words = better(direction)
    if composite:
        caption = "Rank order of the index (1 = best)"
    elif words:
        caption = f"Best first: {words}"
    else:
        caption = "Highest value first (no direction stated)"
    norm = direction.norm if direction.kind == "above-norm" else None
    reference = (norm, f"norm {fmt(norm)}") if norm is not None else None
    return bar_chart(items, caption=caption, reference=reference)


def _order_note(index: WpsIndex, indicator: Thing) -> str:
    """What the order of the countries on an indicator's chart means."""
    direction = indicator.direction
    if indicator.iri == index.composite:
        return "Countries in the index's own rank order (1 = best)."
    if direction.kind == "higher":
        return (
            "Best first: higher is better on this indicator, so countries run from the highest "
            "value to the lowest; equal values share a position."
        )
    if direction.kind == "lower":
        return (
            "Best first: lower is better on this indicator, so countries run from the lowest "
            "value to the highest; equal values share a position."
        )
    if direction.kind == "above-norm" and direction.norm is not None:
        norm = fmt(direction.norm)
        return (
            f"Best first: lower is better above the norm of {norm}. A value above the norm is "
            "worse the further above it lies; the indicator's definition says nothing to rank "
            f"values at or below {norm}, so those countries share the first position (listed "
            "from the lowest value) and the others follow from the smallest excess to the "
            "largest. The vertical line marks the norm."
        )
    return (
        "Countries from the highest value to the lowest: the graph does not state whether "
        "higher is better on this indicator (see its definition)."
    )


def _cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/wps-index")
def overview() -> Response:
    index = _index()
    reader = langs()
    indicators = index.indicators()
    composite = (
        next(i for i in indicators if i.iri == index.composite)
        if index.composite
        else indicators[0]
    )
    groups: dict[str, list[Thing]] = {}
    for item in indicators:
        groups.setdefault(index.label(item.dimension, reader), []).append(item)
    body = render_template(
        "wps_index/overview.html",
        index=index,
        reader=reader,
        indicators=indicators,
        composite=composite,
        groups=list(groups.items()),
        countries=index.countries(),
        chart=_chart(index, composite, reader),
        better=better,
        chart_id="ranking",
        title=f"Countries ranked by {composite.label(reader)}, WPS Index {index.edition}",
        lang=page_lang(["en"]),
    )
    return _cached(Response(body, mimetype="text/html"))


def _indicator(index: WpsIndex, slug: str) -> Thing:
    found = index.indicator(slug)
    if found is None:
        known = ", ".join(i.slug for i in index.indicators())
        raise NotFound(f"no WPS Index indicator {slug!r}; indicators: {known}")
    return found


@bp.get("/wps-index/indicators/<slug>")
def indicator(slug: str) -> Response:
    index = _index()
    reader = langs()
    if slug.endswith(".svg"):
        return indicator_svg(slug[:-4])
    found = _indicator(index, slug)
    ranking = index.ranking(found.iri)
    crosswalk = read_crosswalk(ctx().store)
    parallels = [
        (column, crosswalk.cells.get((found.iri, column.iri), []))
        for column in crosswalk.columns
        if crosswalk.marked(found.iri, column.iri)
    ]
    body = render_template(
        "wps_index/indicator.html",
        index=index,
        indicator=found,
        reader=reader,
        ranking=ranking,
        dimension=index.label(found.dimension, reader),
        unit=ranking[0].observation.unit if ranking else "",
        parallels=parallels,
        chart=_chart(index, found, reader),
        chart_id="ranking",
        title=_title(index, found, reader),
        direction_text=better(found.direction),
        order_note=_order_note(index, found),
        imputed=any(p.observation.imputed for p in ranking),
        lang=page_lang(["en"]),
    )
    return _cached(Response(body, mimetype="text/html"))


def _title(index: WpsIndex, indicator: Thing, reader: list[str]) -> str:
    words = better(indicator.direction)
    title = f"{indicator.label(reader)}, WPS Index {index.edition}, by country"
    return f"{title} ({words})" if words and indicator.iri != index.composite else title


def indicator_svg(slug: str) -> Response:
    index = _index()
    reader = langs()
    found = _indicator(index, slug)
    body = render_template(
        "wps_index/bar_chart.svg",
        chart=_chart(index, found, reader),
        chart_id=f"chart-{found.slug}",
        title=_title(index, found, reader),
    )
    response = Response(body, mimetype="image/svg+xml")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _cached(response)


@bp.get("/wps-index/countries")
def pick_country() -> BaseResponse:
    code = request.args.get("code", "").strip()
    if not code.isalnum():
        raise BadRequest("parameter 'code': give a country's ISO 3166-1 alpha-3 code")
    return redirect(f"/wps-index/countries/{code.lower()}", 303)


@bp.get("/wps-index/countries/<code>")
def country(code: str) -> Response:
    index = _index()
    reader = langs()
    found = index.country(code)
    if found is None:
        raise NotFound(f"the WPS Index {index.edition} has no country with code {code!r}")
    profile = index.profile(found.iri)
    overall = next((p for i, p in profile if i.iri == index.composite), None)
    strips = {
        indicator.iri: strip(
            index.values(indicator.iri),
            placed.observation.value,
            reference=indicator.direction.norm,
        )
        for indicator, placed in profile
    }
    body = render_template(
        "wps_index/country.html",
        index=index,
        country=found,
        reader=reader,
        profile=profile,
        overall=overall,
        strips=strips,
        fmt=fmt,
        better=better,
        against_norm=against_norm,
        lang=page_lang([t for t in found.labels if t]),
    )
    return _cached(Response(body, mimetype="text/html"))
