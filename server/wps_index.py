"""WPS Index pages: `/wps-index` (countries ranked by the index score), `/wps-index/indicators/<slug>`
(a ranked bar chart per indicator, also as `.svg`) and `/wps-index/countries/<iso3>` (a country's
values with where each sits among all countries). Charts are SVG drawn on the server, no script."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.wrappers import Response as BaseResponse

from apwps.charts import BarChart, Item, bar_chart, fmt, strip
from apwps.crosswalk import read_crosswalk
from apwps.wps_index_view import Placed, Thing, WpsIndex, read_wps_index
from server.context import ctx
from server.pages import langs, page_lang

bp = Blueprint("wps_index", __name__)


def _index() -> WpsIndex:
    index = read_wps_index(ctx().store)
    if not index.observations:
        raise NotFound("the graph holds no WPS Index observations")
    return index


def _chart(
    index: WpsIndex, ranking: list[Placed], reader: list[str], composite: bool, highlight: str = ""
) -> BarChart:
    items = []
    for placed in ranking:
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
    return bar_chart(items)


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
        chart=_chart(index, index.ranking(composite.iri), reader, True),
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
    composite = found.iri == index.composite
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
        chart=_chart(index, ranking, reader, composite),
        chart_id="ranking",
        title=f"{found.label(reader)}, WPS Index {index.edition}, by country",
        order_note=(
            "Countries in the index's own rank order (1 = best)."
            if composite
            else "Countries from the highest value to the lowest; whether higher is better "
            "depends on the indicator (see its definition)."
        ),
        imputed=any(p.observation.imputed for p in ranking),
        lang=page_lang(["en"]),
    )
    return _cached(Response(body, mimetype="text/html"))


def indicator_svg(slug: str) -> Response:
    index = _index()
    reader = langs()
    found = _indicator(index, slug)
    ranking = index.ranking(found.iri)
    body = render_template(
        "wps_index/bar_chart.svg",
        chart=_chart(index, ranking, reader, found.iri == index.composite),
        chart_id=f"chart-{found.slug}",
        title=f"{found.label(reader)}, WPS Index {index.edition}, by country",
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
        indicator.iri: strip(index.values(indicator.iri), placed.observation.value)
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
        lang=page_lang([t for t in found.labels if t]),
    )
    return _cached(Response(body, mimetype="text/html"))
