"""Blank node labels from other engines, made acceptable to every parser and serialiser.

Labels are opaque and engine-specific: Virtuoso writes `nodeID://b13286`, which Oxigraph's results
parser refuses. Each character outside [A-Za-z0-9] becomes `x` and its hex code, which keeps labels
one-to-one within an answer. `safe_blank_labels` does this to SPARQL JSON results as they stream, so
that answers are still parsed as they arrive rather than read whole first.
"""

from __future__ import annotations

import io
import re
from typing import Any

_UNSAFE = re.compile(r"[^A-Za-z0-9]")
_UNSAFE_BYTES = re.compile(rb"[^A-Za-z0-9]")
# A bnode term in SPARQL JSON results, with its keys in either order: the label is group 2 or 4.
_BNODE_TERM = re.compile(
    rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")([^"\\]*)"'
    rb'|("value"\s*:\s*")([^"\\]*)("\s*,\s*"type"\s*:\s*"bnode")'
)


def safe_label(label: str) -> str:
    """A blank node label every parser accepts (one-to-one)."""
    return _UNSAFE.sub(lambda m: f"x{ord(m.group()):x}", label)


def _safe_label_bytes(label: bytes) -> bytes:
    return _UNSAFE_BYTES.sub(lambda m: f"x{m.group()[0]:x}".encode(), label)


def _rewrite(match: re.Match[bytes]) -> bytes:
    if match.group(1) is not None:
        return match.group(1) + _safe_label_bytes(match.group(2)) + b'"'
    return match.group(3) + _safe_label_bytes(match.group(4)) + match.group(5)


class _SafeBlankLabels(io.RawIOBase):
    """A readable stream of SPARQL JSON results whose blank node labels are made safe."""

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self._stream = stream
        self._pending = b""
        self._ready = b""
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._ready) < size):
            chunk = self._stream.read(65_536 if size < 0 else max(size, 65_536))
            if not chunk:
                self._done = True
                self._ready += _BNODE_TERM.sub(_rewrite, self._pending)
                self._pending = b""
                break
            text = self._pending + chunk
            # Hold back the last term object, which may go on in the next chunk: every term is an
            # object of its own, so nothing before its "{" can be cut in two.
            cut = max(0, text.rfind(b"{"))
            self._ready += _BNODE_TERM.sub(_rewrite, text[:cut])
            self._pending = text[cut:]
        if size < 0:
            out, self._ready = self._ready, b""
        else:
            out, self._ready = self._ready[:size], self._ready[size:]
        return out

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def safe_blank_labels(stream: Any) -> io.BufferedReader:
    """`stream` (SPARQL JSON results) with every blank node label made safe, as it is read."""
    return io.BufferedReader(_SafeBlankLabels(stream))
