"""docs/researchers.md stays honest: every curl and Python example in it runs against a real server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, Process

GUIDE = ROOT / "docs" / "researchers.md"
BLOCK = re.compile(r"```(bash|python)\n(.*?)```", re.DOTALL)
EXAMPLES = [(kind, code) for kind, code in BLOCK.findall(GUIDE.read_text(encoding="utf-8"))]


def test_the_guide_has_examples_of_each_kind() -> None:
    kinds = [kind for kind, _ in EXAMPLES]
    assert kinds.count("bash") >= 3
    assert kinds.count("python") >= 3
    assert any("SPARQLWrapper" in code for _, code in EXAMPLES)
    assert any("SPARQLStore" in code for _, code in EXAMPLES)


@pytest.mark.parametrize(
    ("kind", "code"), EXAMPLES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(EXAMPLES)]
)
def test_example_runs(kind: str, code: str, live_server: Process, tmp_path: Path) -> None:
    code = code.replace("http://127.0.0.1:5000", live_server.url)
    command = (
        ["bash", "-eo", "pipefail", "-c", code] if kind == "bash" else [sys.executable, "-c", code]
    )
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    output = done.stdout.strip()
    assert output, "an example must print its answer"
    assert "error" not in output.lower()[:200]
