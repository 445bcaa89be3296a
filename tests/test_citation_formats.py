"""Citations exported by every resource, read back by the libraries reference managers rely on:
bibtexparser (BibTeX), rispy (RIS) and json (CSL-JSON)."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy
from flask.testing import FlaskClient

from apwps.citation import to_bibtex, to_ris

BRIEF = "/id/publications/policy-brief-1-2024"
CHAPTER = "/id/publications/connellan-2018-problem-of-protecting-vulnerable-groups"
FRAMEWORK = "/id/frameworks/un-framework-of-analysis"
CONCEPT = "/id/risk-factors/rf07"


def test_bibtex_of_a_policy_brief(client: FlaskClient) -> None:
    response = client.get(BRIEF + ".bib")
    assert response.status_code == 200
    assert response.content_type.startswith("application/x-bibtex")
    library = bibtexparser.parse_string(response.get_data(as_text=True))
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "techreport"
    assert entry.key == "policy-brief-1-2024"
    fields = entry.fields_dict
    assert "Atrocity prevention and WPS" in fields["title"].value
    assert fields["author"].value.strip("{}") == "Cocciarelli, Andrea and Stensrud, Ellen E."
    assert fields["year"].value.strip("{}") == "2024"
    assert "Holocaust and Minority Studies" in fields["institution"].value


def test_ris_of_a_chapter(client: FlaskClient) -> None:
    response = client.get(CHAPTER + ".ris")
    assert response.status_code == 200
    (record,) = rispy.loads(response.get_data(as_text=True))
    assert record["type_of_reference"] == "CHAP"
    assert record["authors"] == ["Connellan, Mary Michele"]
    assert record["year"] == "2018"
    assert record["secondary_title"] == "A Gendered Lens for Genocide Prevention"
    assert record["publisher"] == "Palgrave Macmillan"


def test_csl_json_by_content_negotiation(client: FlaskClient) -> None:
    response = client.get(FRAMEWORK, headers={"Accept": "application/vnd.citationstyles.csl+json"})
    assert response.status_code == 200
    assert response.headers["Content-Location"].endswith(FRAMEWORK + ".csl.json")
    (item,) = json.loads(response.get_data(as_text=True))
    assert item["type"] == "document"
    assert item["title"].startswith("Framework of Analysis for Atrocity Crimes")
    assert item["issued"] == {"date-parts": [[2014]]}
    assert item["author"] == [
        {"literal": "UN Office on Genocide Prevention and the Responsibility to Protect"}
    ]
    assert item["number"] == "A/70/741–S/2016/71"


@pytest.mark.parametrize("accept", ["application/x-bibtex", "application/x-research-info-systems"])
def test_every_entry_can_be_cited(client: FlaskClient, accept: str) -> None:
    response = client.get(CONCEPT, headers={"Accept": accept})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if accept == "application/x-bibtex":
        (entry,) = bibtexparser.parse_string(text).entries
        assert entry.entry_type == "misc"
        assert "https://w3id.org/apwps/id/risk-factors/rf07" in entry.fields_dict["url"].value
    else:
        (record,) = rispy.loads(text)
        assert record["urls"] == ["https://w3id.org/apwps/id/risk-factors/rf07"]


def test_special_characters_survive_bibtex() -> None:
    item = {
        "id": "x",
        "type": "report",
        "title": "Gender & Atrocities: 50% of 'cases'",
        "author": [{"literal": "Office of A & B"}, {"family": "Frøhlich", "given": "Christiane"}],
        "issued": {"date-parts": [[2018]]},
        "URL": "https://example.org/a_b%20c",
        "note": "n",
        "accessed": {"date-parts": [[2026, 1, 2]]},
    }
    (entry,) = bibtexparser.parse_string(to_bibtex(item)).entries
    assert entry.fields_dict["title"].value == "Gender \\& Atrocities: 50\\% of 'cases'"
    assert entry.fields_dict["author"].value == "{Office of A \\& B} and Fr\\o{}hlich, Christiane"
    assert entry.fields_dict["url"].value == "https://example.org/a_b%20c"
    (record,) = rispy.loads(to_ris(item))
    assert record["authors"] == ["Office of A & B", "Frøhlich, Christiane"]
    assert record["access_date"] == "2026/01/02"
