"""docs/curators.md stays honest: every `$ command` block in it is run, in order, in a copy of the
project (its real ontology, shapes and data), and its output must be the one the guide shows. File
blocks (```turtle file=PATH) are written before the commands after them, as a curator would.

When the tool's output changes on purpose, rewrite the outputs in the guide with
`.venv/bin/python tests/test_curation_guide.py` and review the diff."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "curators.md"
TOKEN = "guide-curator-token"
WILDCARD = "[...]"
_BLOCK = re.compile(
    r"^```(console|turtle file=(\S+)|csv file=(\S+)|yaml file=(\S+))\n(.*?)^```\n", re.S | re.M
)
_VOLATILE = [
    (re.compile(r"urn:uuid:[0-9a-f-]{36}"), WILDCARD),
    (re.compile(r"[0-9a-f]{64}"), WILDCARD),
]


@dataclass
class Block:
    start: int
    end: int
    kind: str  # "console" or "file"
    path: str | None
    body: str


def blocks(text: str) -> list[Block]:
    found = []
    for match in _BLOCK.finditer(text):
        path = match.group(2) or match.group(3) or match.group(4)
        found.append(
            Block(match.start(5), match.end(5), "file" if path else "console", path, match.group(5))
        )
    return found


def make_guide_project(dest: Path) -> Path:
    from tests.test_curation_support import copy_dir

    for name in ("ontology", "shapes", "data", "queries"):
        copy_dir(ROOT / name, dest / name)
    return dest


def start(root: Path, log_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    from apwps.build import build
    from apwps.config import load_settings
    from tests.conftest import start_server

    settings = load_settings(
        {"root": str(root), "dist_dir": str(root / "dist"), "check_consistency": False},
        read_environment=False,
    )
    build(settings, validate=False)
    server = start_server(
        settings, log_dir, "--workers", "1", "--threads", "2", env={"APWPS_CURATOR_TOKEN": TOKEN}
    )
    return server.process, server.url


def run(command: str, root: Path, url: str) -> str:
    """Run one `$` line as a curator would, in the project directory."""
    apwps = f"{sys.executable} -m apwps.cli --set check_consistency=false --set dist_dir={root / 'dist'}"
    line = re.sub(r"^apwps\b", apwps, command).replace("http://127.0.0.1:5000", url)
    env = {**os.environ, "APWPS_CURATOR_TOKEN": TOKEN, "COLUMNS": "100"}
    result = subprocess.run(
        ["bash", "-c", line], cwd=root, capture_output=True, text=True, env=env, timeout=300
    )
    return result.stdout + result.stderr


def outputs(root: Path, url: str, text: str) -> Iterator[tuple[Block, str]]:
    """Each console block with what its command prints now (file blocks written on the way)."""
    for block in blocks(text):
        if block.kind == "file":
            assert block.path is not None
            (root / block.path).parent.mkdir(parents=True, exist_ok=True)
            (root / block.path).write_text(block.body, encoding="utf-8")
            continue
        command = block.body.splitlines()[0]
        assert command.startswith("$ "), f"a console block starts with a $ line: {command!r}"
        yield block, command + "\n" + run(command[2:], root, url)


_LINE_NUMBER = re.compile(r"(\.ttl|\.csv|\.yaml):\d+:")


def matches(expected: str, actual: str) -> bool:
    """Equal, but for [...] (volatile values) and the line numbers in `file:LINE:`, which move
    whenever the project's prefixes or examples change (the messages themselves may not)."""
    expected, actual = (_LINE_NUMBER.sub(r"\1:N:", t) for t in (expected, actual))
    pattern = "".join(
        ".*" if part == WILDCARD else re.escape(part)
        for part in re.split(r"(\[\.\.\.\])", expected.rstrip())
    )
    return re.fullmatch(pattern, actual.rstrip(), re.S) is not None


@pytest.fixture(scope="module")
def guide_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[Block, str]]]:
    root = make_guide_project(tmp_path_factory.mktemp("guide"))
    process, url = start(root, tmp_path_factory.mktemp("guide-log"))
    try:
        yield list(outputs(root, url, GUIDE.read_text(encoding="utf-8")))
    finally:
        process.terminate()
        process.wait(10)


def test_the_guide_walks_through_every_step(guide_run: list[tuple[Block, str]]) -> None:
    commands = [block.body.splitlines()[0] for block, _ in guide_run]
    for step in ("apwps new --help", "apwps new ", "apwps validate ", "curl "):
        assert any(c.startswith(f"$ {step}") for c in commands), step
    assert sum(c.startswith("$ apwps validate") for c in commands) >= 3  # template, errors, fixed


def test_every_output_in_the_guide_is_what_the_tool_prints(
    guide_run: list[tuple[Block, str]],
) -> None:
    for block, actual in guide_run:
        assert matches(block.body, actual), (
            f"docs/curators.md is out of date for `{block.body.splitlines()[0]}`; it prints:\n{actual}\n"
            "(rewrite the outputs with: .venv/bin/python tests/test_curation_guide.py)"
        )


def rewrite() -> None:
    """Put the tool's current output into the guide (volatile values as [...])."""
    import tempfile

    text = GUIDE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        root = make_guide_project(Path(tmp) / "guide")
        process, url = start(root, Path(tmp))
        try:
            pieces, last = [], 0
            for block, actual in outputs(root, url, text):
                for pattern, replacement in _VOLATILE:
                    actual = pattern.sub(replacement, actual)
                pieces += [text[last : block.start], actual.rstrip() + "\n"]
                last = block.end
            pieces.append(text[last:])
        finally:
            process.terminate()
            process.wait(10)
    GUIDE.write_text("".join(pieces), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    rewrite()
