"""The formats table: every lookup path agrees."""

from __future__ import annotations

import pytest

from apwps import formats


@pytest.mark.parametrize("fmt", formats.FORMATS, ids=lambda f: f.name)
def test_lookups_round_trip(fmt: formats.Format) -> None:
    assert formats.by_name(fmt.name) is fmt
    assert formats.by_media_type(fmt.media_type + "; charset=utf-8", fmt.kind) is fmt
    assert formats.by_suffix("x" + fmt.suffixes[0], fmt.kind) is fmt
    assert fmt.content_type.endswith("charset=utf-8")


def test_unknown_names_and_suffixes() -> None:
    with pytest.raises(KeyError, match="unknown format 'yaml'"):
        formats.by_name("yaml")
    assert formats.by_suffix("README.md") is None
    assert formats.by_media_type("text/html") is None
