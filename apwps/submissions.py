"""Accepting curators' submissions: validate, write under data/ atomically, record in PROV terms.

A submission that does not conform is refused with its report and nothing is written. An accepted
one becomes `data/<collection>/<slug>.ttl` (from the entry's IRI `<base>id/<collection>/<slug>`):
written to a temporary file beside it, flushed to disk (fsync), then linked into place, which fails
if the file exists (so an entry is never replaced unless asked) and is atomic (a reader or a crash
sees the old state or the new, never a part). Submissions are serialised by a lock file shared by
every process of the server, so concurrent ones never interleave; each accepted one is appended to
the submissions log (`submissions_log`) as a `prov:Activity`.

Accepted entries take part in later validations at once (in every server process: each process
reads the log's new records before validating); the published graph shows them after the next build.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import hmac
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from apwps import formats
from apwps.curation import CurationContext, ParsedEntry, Submission
from apwps.errors import ApwpsError, InputError, ValidationFailed
from apwps.load import graph_iri_for, read_file
from apwps.validate import Report

SERVED = "after the next build"
_RECORD_END = "# end of record "
_LOCATION = re.compile(r'prov:atLocation "(data/[^"\\]+)"')


class EntryExists(ApwpsError):
    """The entry's file exists and replacing it was not asked for."""

    code = "entry_exists"


class NotAuthorised(ApwpsError):
    """No token, a wrong token, or writes switched off (no `curator_token` configured)."""

    code = "not_authorised"


def authorised(expected: str, given: str | None) -> bool:
    """True when writes are on and `given` is the configured token (compared in constant time)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True)
class Accepted:
    """What an accepted submission wrote, and where to find it."""

    file: str  # relative to the project root, e.g. data/organisations/my-org.ttl
    entry: str
    graph_iri: str
    replaced: bool
    sha256: str
    record: str  # the prov:Activity IRI in the submissions log
    report: Report
    served: str = SERVED

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "entry": self.entry,
            "graph": self.graph_iri,
            "replaced": self.replaced,
            "sha256": self.sha256,
            "record": self.record,
            "served": self.served,
            "report": self.report.as_dict(),
        }


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(target: Path, content: bytes, *, replace: bool) -> None:
    """Write `content` to `target` so that a crash leaves the old file or the new one, whole.

    Raises EntryExists when `target` exists and `replace` is false (checked atomically by link(2)).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if replace:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise EntryExists(
                    "an entry with this IRI exists already; ask to replace it to change it",
                ) from None
            tmp.unlink()
        _fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


class Submissions:
    """Accepts submissions into one project; safe across threads and processes."""

    def __init__(self, context: CurationContext) -> None:
        self.context = context
        self.settings = context.settings
        log = Path(self.settings.submissions_log)
        self.log_path = log if log.is_absolute() else self.settings.root_path / log
        self._thread_lock = threading.Lock()
        self._seen_log_bytes = self._log_size()

    # --- locking and the log --------------------------------------------------------------------

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One submission at a time, in this process (threads) and across processes (a lock file)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with (
            self._thread_lock,
            open(self.log_path.with_name(f".{self.log_path.name}.lock"), "a") as f,
        ):
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    def _repair_log(self) -> None:
        """Cut off a record left half-written by a crash (the records before it stay whole)."""
        size = self._log_size()
        if size == 0:
            return
        with open(self.log_path, "rb+") as handle:
            handle.seek(max(0, size - 65536))
            tail = handle.read()
            if tail.endswith(b"\n") and tail.rstrip(b"\n").split(b"\n")[-1].startswith(
                _RECORD_END.encode()
            ):
                return
            end = tail.rfind(("\n" + _RECORD_END).encode())
            if end >= 0:
                keep = size - len(tail) + tail.index(b"\n", end + 1) + 1
            elif len(tail) == size and not tail.startswith(_RECORD_END.encode()):
                keep = 0  # the only record was cut short
            else:
                return  # not a record of ours at the end: leave the file as it is
            handle.truncate(keep)
            handle.flush()
            os.fsync(handle.fileno())

    def _append_record(self, text: str) -> None:
        self._repair_log()
        fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def sync(self) -> int:
        """Take into the validation context the entries other processes accepted since last time.
        Returns how many were taken in."""
        size = self._log_size()
        if size <= self._seen_log_bytes:
            self._seen_log_bytes = min(self._seen_log_bytes, size)
            return 0
        with open(self.log_path, "rb") as handle:
            handle.seek(self._seen_log_bytes)
            fresh = handle.read(size - self._seen_log_bytes).decode("utf-8", "replace")
        self._seen_log_bytes = size
        taken = 0
        for relative in dict.fromkeys(_LOCATION.findall(fresh)):
            self._take_in(relative)
            taken += 1
        return taken

    def _take_in(self, relative: str) -> None:
        from apwps.load import SourceFile

        path = self.settings.root_path / relative
        fmt = formats.by_suffix(path)
        if fmt is None or not path.is_file():
            return
        graph_iri = graph_iri_for(self.settings.base_iri, relative)
        source = SourceFile(path, relative, graph_iri, fmt)
        from apwps.terms import to_rdflib

        triples = [
            (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
            for q in read_file(source)
        ]
        self.context.add_entry(graph_iri, triples)

    # --- accepting ------------------------------------------------------------------------------

    def target_of(self, entry: ParsedEntry) -> tuple[str, str, str]:
        """(entry IRI, relative file path, graph IRI) of a parsed submission."""
        for subject in entry.subjects:
            if any(s == subject and p == RDF.type for s, p, _o in entry.triples):
                location = self.context.location_of(str(subject))
                if location is not None:
                    collection, slug = location
                    relative = f"data/{collection}/{slug}.ttl"
                    return str(subject), relative, graph_iri_for(self.settings.base_iri, relative)
        prefix = f"{self.settings.base_iri}id/<collection>/<slug>"
        raise InputError(
            f"the entry needs a type (rdf:type) and an IRI of the form {prefix} "
            "(lower-case words joined by hyphens), which says where it is filed",
            source=entry.submission.name,
        )

    def _existing(self, relative: str) -> Path | None:
        """The entry's file, in any RDF syntax, if it exists."""
        target = self.settings.root_path / relative
        for fmt in formats.GRAPH_FORMATS:
            for suffix in fmt.suffixes:
                candidate = target.with_suffix(suffix)
                if candidate.is_file():
                    return candidate
        return None

    def _content(self, entry: ParsedEntry) -> bytes:
        """Turtle is kept as written (comments and all); other syntaxes are written as Turtle."""
        submission = entry.submission
        if isinstance(submission.format, formats.Format) and submission.format.name == "turtle":
            return submission.data
        graph = rdflib.Graph()
        for name, namespace in self.context.prefixes.items():
            graph.bind(name, namespace, override=True, replace=True)
        for triple in entry.triples:
            graph.add(triple)
        body = graph.serialize(format="turtle")
        label = getattr(submission.format, "label", submission.format.name)
        return f"# Submitted as {label}, written as Turtle.\n\n{body}".encode()

    def submit(self, submission: Submission, *, curator: str, replace: bool = False) -> Accepted:
        """Validate and, when it conforms, write the entry. Raises ValidationFailed (with the
        report), EntryExists, or InputError; in each case nothing is written."""
        started = _now()
        first = self.context.parse(submission)
        entry_iri, relative, graph_iri = self.target_of(first)
        entry = self.context.parse(
            Submission(submission.name, submission.data, submission.format, graph_iri)
        )
        target = self.settings.root_path / relative
        with self._locked():
            self.sync()
            existing = self._existing(relative)
            if existing is not None and not replace:
                raise EntryExists(
                    f"{existing.relative_to(self.settings.root_path).as_posix()} exists already: "
                    "ask to replace it to change it"
                )
            if existing is not None and existing != target:
                raise EntryExists(
                    f"{existing.relative_to(self.settings.root_path).as_posix()} holds this entry "
                    "in another syntax: change that file instead"
                )
            report = self.context.validate_parsed([entry])
            if not report.conforms:
                error = ValidationFailed(
                    f"{len(report.violations)} violations: the entry does not conform; "
                    "nothing was written"
                )
                error.report = report  # type: ignore[attr-defined]
                raise error
            content = self._content(entry)
            previous = hashlib.sha256(existing.read_bytes()).hexdigest() if existing else None
            write_atomically(target, content, replace=replace)
            digest = hashlib.sha256(content).hexdigest()
            record = f"urn:uuid:{uuid.uuid4()}"
            self._append_record(
                prov_record(record, relative, graph_iri, curator, started, _now(), digest, previous)
            )
            self._seen_log_bytes = self._log_size()
            self.context.add_entry(graph_iri, entry.triples)
        return Accepted(
            relative, entry_iri, graph_iri, existing is not None, digest, record, report
        )


def prov_record(
    activity: str,
    relative: str,
    graph_iri: str,
    curator: str,
    started: datetime.datetime,
    ended: datetime.datetime,
    digest: str,
    previous: str | None,
) -> str:
    """One accepted submission in PROV terms, as a self-contained block of Turtle."""
    graph = rdflib.Graph()
    graph.bind("prov", PROV)
    graph.bind("dcterms", DCTERMS)
    graph.bind("foaf", FOAF)
    act = rdflib.URIRef(activity)
    version = rdflib.URIRef(f"urn:uuid:{uuid.uuid4()}")
    agent = rdflib.BNode()
    graph.add((act, RDF.type, PROV.Activity))
    graph.add((act, RDFS.label, rdflib.Literal(f"accepted submission of {relative}", lang="en")))
    graph.add((act, PROV.startedAtTime, rdflib.Literal(started.isoformat(), datatype=XSD.dateTime)))
    graph.add((act, PROV.endedAtTime, rdflib.Literal(ended.isoformat(), datatype=XSD.dateTime)))
    graph.add((act, PROV.wasAssociatedWith, agent))
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, FOAF.name, rdflib.Literal(curator)))
    graph.add((version, RDF.type, PROV.Entity))
    graph.add((version, PROV.specializationOf, rdflib.URIRef(graph_iri)))
    graph.add((version, PROV.atLocation, rdflib.Literal(relative)))
    graph.add((version, PROV.wasGeneratedBy, act))
    graph.add((version, PROV.wasAttributedTo, agent))
    graph.add(
        (version, PROV.generatedAtTime, rdflib.Literal(ended.isoformat(), datatype=XSD.dateTime))
    )
    graph.add((version, DCTERMS.identifier, rdflib.Literal(f"sha256:{digest}")))
    if previous is not None:
        before = rdflib.BNode()
        graph.add((version, PROV.wasRevisionOf, before))
        graph.add((before, RDF.type, PROV.Entity))
        graph.add((before, DCTERMS.identifier, rdflib.Literal(f"sha256:{previous}")))
    body = graph.serialize(format="turtle")
    return f"{body.rstrip()}\n{_RECORD_END}{activity}\n\n"
