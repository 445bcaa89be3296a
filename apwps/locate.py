"""Finding where an entity is written: the file, and the line where its description starts."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_PREFIX = re.compile(
    r"^\s*@?prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE
)


@lru_cache(maxsize=4096)
def _lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def line_of(text_lines: tuple[str, ...] | list[str], iri: str) -> int | None:
    """The first line (1-based) that starts with the IRI as a subject, written in full or prefixed."""
    text = "\n".join(text_lines)
    spellings = [f"<{iri}>", f'"@id": "{iri}"', f'rdf:about="{iri}"']
    for prefix, namespace in _PREFIX.findall(text):
        if namespace and iri.startswith(namespace):
            local = iri[len(namespace) :]
            if re.fullmatch(r"[\w-]*", local):
                spellings.append(f"{prefix}:{local}")
    for number, line in enumerate(text_lines, start=1):
        stripped = line.strip()
        for spelling in spellings:
            if stripped.startswith(spelling) and (
                len(stripped) == len(spelling) or not re.match(r"[\w-]", stripped[len(spelling)])
            ):
                return number
    for number, line in enumerate(text_lines, start=1):
        if any(spelling in line for spelling in spellings[:3]):
            return number
    return None


def line_in_file(path: Path, iri: str) -> int | None:
    return line_of(_lines(path), iri)
