"""Shared helpers of the curation tests (no tests here): a copy of the project with a fixed set of
shapes (tests/cases/curation/shapes), so that the expected findings do not move when the project's own
shapes change, and a validation context prepared once per test run."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from apwps import formats, tabular
from apwps.build import build
from apwps.config import Settings, load_settings
from apwps.curation import CurationContext, Submission

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "curation"
BASE = "https://w3id.org/apwps/"
ORGS = f"{BASE}id/organisations/"

PREFIXES = """@prefix apwps:   <https://w3id.org/apwps/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <https://schema.org/> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix orgs:    <https://w3id.org/apwps/id/organisations/> .
@prefix fw:      <https://w3id.org/apwps/id/frameworks/> .
@prefix vs:      <https://w3id.org/apwps/id/verification-status/> .
"""

GOOD_ORGANISATION = """
orgs:{slug}
    a apwps:ResearchInstitution ;
    rdfs:label "{label}"@en ;
    dcterms:description "A research institute on atrocity prevention."@en ;
    org:memberOf orgs:un-women ;
    dcterms:source <https://example.org/{slug}> ;
    apwps:verificationStatus vs:verified .
"""

CSV_EXAMPLE = (
    "kind,id,Name,Member of,Source,Verification status\n"
    "organisation,example-institute,Example Institute,UN Women,https://example.org/,verified\n"
)


def copy_dir(source: Path, dest: Path) -> None:
    """Copy a content directory; tried again if a file changes while it is copied."""
    for attempt in range(3):
        try:
            shutil.copytree(source, dest, dirs_exist_ok=True)
            return
        except shutil.Error:
            if attempt == 2:
                raise
            shutil.rmtree(dest, ignore_errors=True)


def make_copy(dest: Path) -> Path:
    """A copy of the project's ontology, data and queries, with the tests' own shapes."""
    for name in ("ontology", "data", "queries"):
        copy_dir(ROOT / name, dest / name)
    copy_dir(CASES / "shapes", dest / "shapes")
    return dest


def settings_for(root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "root": str(root),
        "dist_dir": str(root / "dist"),
        "check_consistency": False,
    }
    values.update(overrides)
    return load_settings(values, read_environment=False)


@functools.cache
def shared_project() -> Path:
    """One read-only copy of the project for every test that only validates."""
    root = Path(tempfile.mkdtemp(prefix="apwps-curation-"))
    atexit.register(shutil.rmtree, root, True)
    return make_copy(root)


@functools.cache
def shared_context() -> CurationContext:
    return CurationContext.prepare(settings_for(shared_project()))


def built(root: Path, **overrides: object) -> Settings:
    """Settings for a project copy whose dist/ is built (without validation: the tests' shapes are
    not the project's), so `apwps serve` starts at once."""
    settings = settings_for(root, **overrides)
    build(settings, validate=False)
    return settings


def organisation(
    slug: str, label: str = "Example Institute", changes: dict[str, str] | None = None
) -> bytes:
    """A Turtle organisation entry that conforms, with text replacements applied (old → new)."""
    text = PREFIXES + GOOD_ORGANISATION.format(slug=slug, label=label)
    for old, new in (changes or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def submission(data: bytes | str, fmt: str = "turtle", name: str = "entry.ttl") -> Submission:
    chosen = tabular.by_name(fmt) or formats.BY_NAME.get(fmt)
    assert chosen is not None
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return Submission(name, raw, chosen, f"{BASE}graph/submitted/{Path(name).stem}")


def tree_digest(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its content (to show that nothing changed)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run_apwps(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "apwps.cli",
            "--root",
            str(root),
            "--set",
            "check_consistency=false",
            "--set",
            f"dist_dir={root / 'dist'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait()
