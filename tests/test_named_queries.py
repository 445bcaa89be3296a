"""The named queries (queries/*.rq) on the built graph: every one runs with its defaults and answers
what it promises (a check per query, on the real content), gives the same rows when its parameters
travel as a VALUES block (as they do to an external engine), and orders its rows deterministically.
The catalogue has at least 22 queries, each with a title and a description."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from apwps.binding import with_values
from apwps.catalogue import Catalogue, NamedQuery
from apwps.stores.base import SelectResult
from apwps.stores.memory import MemoryStore
from tests.conftest import ROOT

CATALOGUE = Catalogue(ROOT / "queries")
NAMES = CATALOGUE.names()

ID = "https://w3id.org/apwps/id/"
BRIEF = f"{ID}publications/policy-brief-1-2024"
WPS_RESOLUTIONS = ["1325", "1820", "1888", "1889", "1960", "2106", "2122", "2242", "2467", "2493"]
STAGES = {
    f"{ID}prevention-stages/{s}"
    for s in ("structural-prevention", "direct-prevention", "late-stage-prevention")
}

Row = dict[str, str]


def run(store: MemoryStore, name: str, **values: str) -> list[Row]:
    """The query's rows with its defaults (overridden by `values`), every term as a string."""
    query = CATALOGUE.get(name)
    result = store.query(query.text, bindings=query.bindings(values))
    assert isinstance(result, SelectResult), f"{name} is not a SELECT query"
    return [{key: str(term) for key, term in row.items()} for row in result.rows]


def column(rows: list[Row], name: str) -> list[str]:
    return [row.get(name, "") for row in rows]


def indicator_order(notation: str) -> tuple[int, int]:
    factor, _, number = notation.partition(".")
    return int(factor), int(number or 0)


# --- one check per query, on the real content ----------------------------------------------------


def check_frameworks_by_crime_and_stage(store: MemoryStore) -> None:
    rows = run(store, "frameworks-by-crime-and-stage")
    assert {row["stage"] for row in rows} <= STAGES
    triples = {(row["crime"], row["stage"], row["framework"]) for row in rows}
    assert (
        f"{ID}crimes/genocide",
        f"{ID}prevention-stages/structural-prevention",
        f"{ID}frameworks/un-framework-of-analysis",
    ) in triples
    assert column(rows, "crimeLabel") == sorted(column(rows, "crimeLabel"))


def check_frameworks_addressing_crime(store: MemoryStore) -> None:
    rows = run(store, "frameworks-addressing-crime")
    assert {row["crime"] for row in rows} == {f"{ID}crimes/genocide"}
    frameworks = set(column(rows, "framework"))
    assert {
        f"{ID}frameworks/genocide-convention",
        f"{ID}frameworks/un-framework-of-analysis",
    } <= frameworks
    war_crimes = run(store, "frameworks-addressing-crime", crime=f"{ID}crimes/war-crimes")
    assert f"{ID}frameworks/rome-statute" in column(war_crimes, "framework")


def check_risk_indicators_by_gender_relevance(store: MemoryStore) -> None:
    rows = run(store, "risk-indicators-by-gender-relevance")
    assert f"{ID}gender-relevance/none" not in column(rows, "relevance")
    by_indicator = {row["indicator"]: row for row in rows}
    assert (
        by_indicator[f"{ID}risk-indicators/rf07-09"]["relevance"]
        == f"{ID}gender-relevance/explicit"
    )
    explicit = run(
        store, "risk-indicators-by-gender-relevance", relevance=f"{ID}gender-relevance/explicit"
    )
    assert explicit and set(column(explicit, "relevance")) == {f"{ID}gender-relevance/explicit"}


def check_risk_factor_indicators(store: MemoryStore) -> None:
    rows = run(store, "risk-factor-indicators")
    assert set(column(rows, "riskFactor")) == {f"{ID}risk-factors/rf07"}
    notations = [n for n in column(rows, "notation") if n]
    assert notations[:3] == ["7.1", "7.2", "7.3"]
    assert notations == sorted(notations, key=indicator_order)
    assert "7.9" in notations and "7.10" in notations


def check_risk_factors_overview(store: MemoryStore) -> None:
    rows = run(store, "risk-factors-overview")
    assert column(rows, "notation") == [str(n) for n in range(1, 15)]
    scopes = column(rows, "scopeLabel")
    assert scopes.count("Common") == 8 and scopes.count("Specific") == 6
    assert all(int(row["indicators"]) >= int(row["genderRelevant"]) for row in rows)


def check_wps_index_risk_indicator_parallels(store: MemoryStore) -> None:
    rows = run(store, "wps-index-risk-indicator-parallels")
    pairs = {(row["wpsIndicator"], row["riskIndicator"]) for row in rows}
    assert (
        f"{ID}wps-index-indicators/intimate-partner-violence",
        f"{ID}risk-indicators/rf07-09",
    ) in pairs
    assert (f"{ID}wps-index-indicators/maternal-mortality", f"{ID}risk-indicators/rf07-10") in pairs


def check_brief_parallels(store: MemoryStore) -> None:
    rows = run(store, "brief-parallels")
    sides: dict[str, set[str]] = {}
    for row in rows:
        sides.setdefault(row["parallel"], set()).add(row["side"])
    assert len(sides) == 8
    hate_speech = f"{ID}parallels/increasing-hate-speech"
    assert sides[hate_speech] == {"atrocity prevention"}, (
        "the hate-speech parallel has no WPS Index indicator"
    )
    healthcare = [
        row for row in rows if row["parallel"] == f"{ID}parallels/decreasing-access-to-healthcare"
    ]
    assert (f"{ID}wps-index-indicators/maternal-mortality", "WPS Index") in {
        (row["indicator"], row["side"]) for row in healthcare
    }


def check_situations_with_wps_index(store: MemoryStore) -> None:
    rows = run(store, "situations-with-wps-index")
    by_country = {row["country"]: row for row in rows}
    assert len({row["situation"] for row in rows}) == 6
    assert by_country[f"{ID}countries/sdn"]["score"] and by_country[f"{ID}countries/sdn"]["rank"]
    assert "score" not in by_country[f"{ID}countries/yug"], "the former Yugoslavia is not ranked"
    assert {f"{ID}countries/pse", f"{ID}countries/isr", f"{ID}countries/ukr"} <= set(by_country)


def check_country_wps_index_profile(store: MemoryStore) -> None:
    rows = run(store, "country-wps-index-profile")
    assert len(rows) == 14  # the Index score and its 13 indicators
    first = rows[0]
    assert first["indicator"] == f"{ID}wps-index-indicators/index-score"
    assert (first["countryLabel"], first["rank"], first["value"]) == ("Norway", "3", "0.924")
    denmark = run(store, "country-wps-index-profile", country=f"{ID}countries/dnk")
    assert (denmark[0]["rank"], denmark[0]["value"]) == ("1", "0.939")


def check_wps_index_ranking(store: MemoryStore) -> None:
    rows = run(store, "wps-index-ranking")
    assert len(rows) == 181
    assert (rows[0]["countryLabel"], rows[0]["rank"], rows[0]["score"]) == ("Denmark", "1", "0.939")
    assert (rows[-1]["countryLabel"], rows[-1]["rank"]) == ("Afghanistan", "181")
    assert [int(r) for r in column(rows, "rank")] == sorted(int(r) for r in column(rows, "rank"))


def check_wps_resolutions(store: MemoryStore) -> None:
    rows = run(store, "wps-resolutions")
    assert column(rows, "number") == WPS_RESOLUTIONS
    assert rows[0]["adopted"] == "2000-10-31"
    assert rows[0]["symbol"] == "S/RES/1325 (2000)"


def check_network_members(store: MemoryStore) -> None:
    rows = run(store, "network-members")
    secretariats = {row["network"]: row.get("secretariat") for row in rows}
    assert (
        secretariats[f"{ID}organisations/wps-focal-points-network"] == f"{ID}organisations/un-women"
    )
    assert (
        secretariats[f"{ID}organisations/global-network-r2p-focal-points"]
        == f"{ID}organisations/gcr2p"
    )
    assert secretariats[f"{ID}organisations/appap"] == f"{ID}organisations/apr2p"
    r2p_members = {
        row["member"]
        for row in rows
        if row["network"] == f"{ID}organisations/global-network-r2p-focal-points"
    }
    assert f"{ID}countries/dnk" in r2p_members
    assert set(column(rows, "memberKind")) - {""} <= {"country", "network", "organisation", "other"}


def check_recommendations(store: MemoryStore) -> None:
    rows = run(store, "recommendations")
    numbers = list(dict.fromkeys(column(rows, "number")))
    assert numbers == [f"R{n}" for n in range(1, 9)]
    assert {row["publication"] for row in rows} == {BRIEF}
    first = [row for row in rows if row["number"] == "R1"]
    assert f"{ID}actor-types/policymakers" in column(first, "actor")
    assert "Structural prevention" in first[0]["stages"]


def check_recommendations_for_actor(store: MemoryStore) -> None:
    rows = run(store, "recommendations-for-actor")
    assert rows and {row["actor"] for row in rows} == {f"{ID}actor-types/civil-society"}
    network = run(
        store, "recommendations-for-actor", actor=f"{ID}organisations/wps-focal-points-network"
    )
    assert column(network, "recommendation") == [f"{ID}recommendations/policy-brief-1-2024-r4"]


def check_resources_citing_framework(store: MemoryStore) -> None:
    rows = run(store, "resources-citing-framework")
    by_resource = {row["resource"]: row for row in rows}
    assert by_resource[BRIEF]["direct"] == "true"
    assert column(rows, "direct") == sorted(column(rows, "direct"), reverse=True)


def check_brief_notes(store: MemoryStore) -> None:
    rows = run(store, "brief-notes")
    assert [int(n) for n in column(rows, "note")] == list(range(1, 15))
    works = {int(row["note"]): row["work"] for row in rows}
    assert works[1] == f"{ID}frameworks/un-framework-of-analysis"
    assert works[10] == works[12], "note 12 repeats note 10"


def check_guide_entries_by_subject(store: MemoryStore) -> None:
    rows = run(store, "guide-entries-by-subject")
    assert f"{ID}guide/unscr-1820" in column(rows, "entry")
    assert {row["subject"] for row in rows} == {f"{ID}violence-types/crsv"}
    # a gender factor's entries include those on its sub-items
    broad = run(
        store,
        "guide-entries-by-subject",
        subject=f"{ID}gender-factors/justification-and-preparation",
    )
    assert broad


def check_newest_guide_entries(store: MemoryStore) -> None:
    rows = run(store, "newest-guide-entries")
    assert 0 < len(rows) <= 25
    listed = column(rows, "listed")
    assert listed == sorted(listed, reverse=True)


def check_entries_by_verification_status(store: MemoryStore) -> None:
    rows = run(store, "entries-by-verification-status")
    order = {"Verified": 1, "Recalled": 2, "Uncertain": 3}
    statuses = [order[label] for label in column(rows, "statusLabel")]
    assert statuses == sorted(statuses)
    countries = [
        row for row in rows if row["kind"].endswith("#Country") and row["statusLabel"] == "Verified"
    ]
    assert int(countries[0]["entries"]) >= 181
    uncertain = run(
        store, "entries-by-verification-status", status=f"{ID}verification-status/uncertain"
    )
    assert uncertain and set(column(uncertain, "statusLabel")) == {"Uncertain"}


def check_facts_to_verify(store: MemoryStore) -> None:
    rows = run(store, "facts-to-verify")
    statuses = column(rows, "status")
    assert set(statuses) <= {
        f"{ID}verification-status/uncertain",
        f"{ID}verification-status/recalled",
    }
    assert statuses == sorted(statuses, key=lambda s: s.endswith("recalled"))
    assert f"{ID}risk-indicators/rf14-hostile-portrayal" in column(rows, "entry")
    assert "statement" in column(rows, "statement"), "statements inside entries are listed too"


def check_entries_missing_data(store: MemoryStore) -> None:
    assert run(store, "entries-missing-data") == []


def check_dangling_links(store: MemoryStore) -> None:
    assert run(store, "dangling-links") == []


def check_concept_scheme(store: MemoryStore) -> None:
    rows = run(store, "concept-scheme")
    assert column(rows, "notation") == ["1", "2", "2a", "2b", "2c", "3", "4", "5", "6", "7"]
    by_concept = {row["concept"]: row for row in rows}
    victims = by_concept[f"{ID}gender-factors/choice-of-victims"]
    assert (victims["level"], victims["broader"]) == (
        "2",
        f"{ID}gender-factors/justification-and-preparation",
    )
    risk = run(store, "concept-scheme", scheme=f"{ID}risk-factors")
    first = [row["notation"] for row in risk if row["top"] == f"{ID}risk-factors/rf01"]
    assert first[:3] == ["1", "1.1", "1.2"] and first.index("1.10") > first.index("1.9")


def check_search_labels(store: MemoryStore) -> None:
    rows = run(store, "search-labels")
    assert rows and all("early warning" in label.lower() for label in column(rows, "label"))
    assert rows[0]["label"].lower().startswith("early warning")
    genocide = run(store, "search-labels", text="GENOCIDE")
    assert f"{ID}crimes/genocide" in column(genocide, "entity")


def check_entities_per_class(store: MemoryStore) -> None:
    rows = run(store, "entities-per-class")
    counts = {row["class"]: int(row["entities"]) for row in rows}
    assert counts["https://w3id.org/apwps/ontology#Country"] >= 181
    assert counts["https://w3id.org/apwps/ontology#SecurityCouncilResolution"] >= 10
    assert [int(n) for n in column(rows, "entities")] == sorted(counts.values(), reverse=True)


def check_gender_factors(store: MemoryStore) -> None:
    rows = run(store, "gender-factors")
    assert list(dict.fromkeys(column(rows, "notation"))) == [str(n) for n in range(1, 8)]
    items = [row["itemNotation"] for row in rows if row["notation"] == "2"]
    assert items == ["2a", "2b", "2c"]


def check_situations(store: MemoryStore) -> None:
    rows = run(store, "situations")
    assert len(rows) == 6
    statuses = column(rows, "statusLabel")
    assert statuses == sorted(statuses)  # current before historical
    rwanda = {row["situation"]: row for row in rows}[f"{ID}situations/rwanda-1994"]
    assert "Genocide" in rwanda["crimes"] and rwanda["statusLabel"] == "Historical"


def check_role_attributions(store: MemoryStore) -> None:
    rows = run(store, "role-attributions")
    women = {row["role"] for row in rows if row["group"] == f"{ID}affected-groups/women"}
    assert {f"{ID}roles/perpetrator", f"{ID}roles/preventer", f"{ID}roles/victim"} <= women


CHECKS: dict[str, Callable[[MemoryStore], None]] = {
    "brief-notes": check_brief_notes,
    "brief-parallels": check_brief_parallels,
    "concept-scheme": check_concept_scheme,
    "country-wps-index-profile": check_country_wps_index_profile,
    "dangling-links": check_dangling_links,
    "entities-per-class": check_entities_per_class,
    "entries-by-verification-status": check_entries_by_verification_status,
    "entries-missing-data": check_entries_missing_data,
    "facts-to-verify": check_facts_to_verify,
    "frameworks-addressing-crime": check_frameworks_addressing_crime,
    "frameworks-by-crime-and-stage": check_frameworks_by_crime_and_stage,
    "gender-factors": check_gender_factors,
    "guide-entries-by-subject": check_guide_entries_by_subject,
    "network-members": check_network_members,
    "newest-guide-entries": check_newest_guide_entries,
    "recommendations": check_recommendations,
    "recommendations-for-actor": check_recommendations_for_actor,
    "resources-citing-framework": check_resources_citing_framework,
    "risk-factor-indicators": check_risk_factor_indicators,
    "risk-factors-overview": check_risk_factors_overview,
    "risk-indicators-by-gender-relevance": check_risk_indicators_by_gender_relevance,
    "role-attributions": check_role_attributions,
    "search-labels": check_search_labels,
    "situations": check_situations,
    "situations-with-wps-index": check_situations_with_wps_index,
    "wps-index-ranking": check_wps_index_ranking,
    "wps-index-risk-indicator-parallels": check_wps_index_risk_indicator_parallels,
    "wps-resolutions": check_wps_resolutions,
}


# --- the tests -----------------------------------------------------------------------------------


def test_the_catalogue_has_at_least_22_described_queries() -> None:
    assert len(NAMES) >= 22
    for query in CATALOGUE:
        assert query.title and query.description, query.name
        assert query.tags, f"{query.name} has no tags"
        for parameter in query.parameters:
            assert parameter.description, (
                f"{query.name}: parameter {parameter.name} is not described"
            )


def test_every_query_has_a_check() -> None:
    assert sorted(CHECKS) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_query_answers_what_it_promises(store: MemoryStore, name: str) -> None:
    CHECKS[name](store)


@pytest.mark.parametrize("name", NAMES)
def test_parameters_bound_as_values_give_the_same_rows(store: MemoryStore, name: str) -> None:
    """An external engine receives the parameters as a VALUES block; the rows must not change."""
    query = CATALOGUE.get(name)
    bindings = query.bindings({})
    embedded = store.query(query.text, bindings=bindings)
    remote = store.query(with_values(query.text, bindings))
    assert isinstance(embedded, SelectResult) and isinstance(remote, SelectResult)
    assert embedded.rows == remote.rows


@pytest.mark.parametrize("name", NAMES)
def test_rows_come_in_a_stated_order(name: str) -> None:
    query: NamedQuery = CATALOGUE.get(name)
    code = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    assert "ORDER BY" in code.upper(), f"{name} does not order its rows"


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_projected(name: str) -> None:
    """The embedded engine binds a parameter only if the query selects its variable."""
    query = CATALOGUE.get(name)
    code = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    select = code.upper().split("WHERE", 1)[0]
    for parameter in query.parameters:
        assert f"?{parameter.name.upper()}" in select, f"{name}: ?{parameter.name} is not selected"
