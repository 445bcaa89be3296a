"""Many curators at once, against the real server (gunicorn, two processes, four threads each):
parallel submissions are all written whole and all recorded, a race for one entry has one winner,
an entry accepted by one process is known at once to the other, and the token is never logged."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib
import requests
from rdflib.namespace import PROV, RDF

from tests.conftest import Process, start_server, stop

from .test_curation_support import built, make_copy, organisation

TOKEN = "concurrency-token-9b2a"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
PARALLEL = 24


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Process, Path]]:
    root = make_copy(tmp_path_factory.mktemp("project"))
    settings = built(root)
    process = start_server(
        settings,
        tmp_path_factory.mktemp("log"),
        "--workers",
        "2",
        "--threads",
        "4",
        env={"APWPS_CURATOR_TOKEN": TOKEN},
    )
    yield process, root
    stop(process.process)


def submit(url: str, body: bytes, query: str = "") -> requests.Response:
    return requests.post(f"{url}/validate/submissions{query}", data=body, headers=AUTH, timeout=60)


def test_parallel_submissions_are_all_written_and_recorded(server: tuple[Process, Path]) -> None:
    process, root = server
    bodies = {
        f"parallel-{i:02d}": organisation(f"parallel-{i:02d}", label=f"Parallel {i}")
        for i in range(PARALLEL)
    }
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(
            pool.map(
                lambda item: submit(process.url, item[1], f"?curator={item[0]}"), bodies.items()
            )
        )
    assert [r.status_code for r in responses] == [201] * PARALLEL, [
        r.text for r in responses if r.status_code != 201
    ]
    folder = root / "data" / "organisations"
    for slug, body in bodies.items():
        assert (folder / f"{slug}.ttl").read_bytes() == body
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    log = rdflib.Graph().parse(root / "var" / "submissions.ttl", format="turtle")
    locations = {str(o) for o in log.objects(None, PROV.atLocation)}
    assert {f"data/organisations/{slug}.ttl" for slug in bodies} <= locations
    assert len(set(log.subjects(RDF.type, PROV.Activity))) >= PARALLEL


def test_a_race_for_one_entry_has_exactly_one_winner(server: tuple[Process, Path]) -> None:
    process, root = server
    bodies = [organisation("contested-institute", label=f"Contested {i}") for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(r.status_code for r in pool.map(lambda b: submit(process.url, b), bodies))
    assert statuses == [201] + [409] * 7
    assert (root / "data" / "organisations" / "contested-institute.ttl").read_bytes() in bodies


def test_an_accepted_entry_is_known_to_every_process_at_once(server: tuple[Process, Path]) -> None:
    process, _root = server
    assert (
        submit(process.url, organisation("parent-institute", label="Parent Institute")).status_code
        == 201
    )
    children = [
        organisation(f"child-{i}", changes={"orgs:un-women": "orgs:parent-institute"})
        for i in range(8)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        reports = list(
            pool.map(
                lambda b: requests.post(
                    f"{process.url}/validate",
                    data=b,
                    headers={"Content-Type": "text/turtle"},
                    timeout=60,
                ).json(),
                children,
            )
        )
    assert [r["conforms"] for r in reports] == [True] * 8, reports


def test_the_token_is_never_logged(server: tuple[Process, Path]) -> None:
    process, _root = server
    submit(process.url, organisation("logged-institute"))
    requests.post(
        f"{process.url}/validate/submissions",
        data=b"x",
        headers={"Authorization": f"Bearer {TOKEN}-wrong", "Content-Type": "text/turtle"},
        timeout=60,
    )
    log = process.log()
    assert "/validate/submissions" in log  # the access log is there...
    assert TOKEN not in log  # ...without the token
