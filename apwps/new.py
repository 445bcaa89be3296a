"""`apwps new <kind>`: a template entry, written from the shapes, that conforms once filled in.

Every field the shapes give the kind is one line, commented out, with a real example value taken
from the graph (an existing organisation for a link to an organisation, an allowed value for a
closed list) and the shape's own name, description and requirement above it. A curator removes the
`#` of each line they fill in; the trailing ` ;` of every line keeps any selection valid Turtle.
Validating the untouched template lists exactly the required fields still to fill in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, XSD

from apwps.config import Settings
from apwps.curation import CurationContext
from apwps.fixes import class_label, datatype_words
from apwps.kinds import Field, Kind, read_kinds
from apwps.load import discover, read_file
from apwps.terms import to_rdflib_graph

SLUG_PLACEHOLDER = "SLUG"
_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[\w.-]*[\w-])?$")

EXAMPLE_LITERALS: dict[str, str] = {
    str(RDF.langString): '"…"@en',
    str(XSD.string): '"…"',
    str(XSD.gYear): '"2024"^^xsd:gYear',
    str(XSD.date): '"2024-05-31"^^xsd:date',
    str(XSD.dateTime): '"2024-05-31T12:00:00Z"^^xsd:dateTime',
    str(XSD.gYearMonth): '"2024-05"^^xsd:gYearMonth',
    str(XSD.integer): "1",
    str(XSD.nonNegativeInteger): '"1"^^xsd:nonNegativeInteger',
    str(XSD.positiveInteger): '"1"^^xsd:positiveInteger',
    str(XSD.decimal): "1.0",
    str(XSD.double): "1.0e0",
    str(XSD.boolean): "true",
    str(XSD.anyURI): '"https://example.org/"^^xsd:anyURI',
}


@dataclass
class _Writer:
    """Writes terms in Turtle with the project's prefixes, remembering which prefixes it used."""

    prefixes: dict[str, str]
    used: dict[str, str]

    def iri(self, iri: str) -> str:
        best: tuple[str, str] | None = None
        for name, namespace in self.prefixes.items():
            if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
                local = iri[len(namespace) :]
                if _LOCAL.match(local):
                    best = (name, namespace)
        if best is None:
            return f"<{iri}>"
        self.used[best[0]] = best[1]
        return f"{best[0]}:{iri[len(best[1]) :]}"

    def literal(self, example: str) -> str:
        if "^^xsd:" in example:
            self.used.setdefault("xsd", str(XSD))
        return example


def _example(
    context: CurationContext, writer: _Writer, kind: Kind, field: Field
) -> tuple[list[str], str]:
    """Example values for a field (as many as it needs) and how to write a value, in words.
    Values other entries of the kind already use come first: they show the real form."""
    wanted = max(1, field.min_count)
    values, words = _example_from_shapes(context, writer, field, wanted)
    if not field.allowed:
        in_use = [
            v
            for v in context.values_in_use(kind.target_class, field.path, wanted)
            if not (isinstance(v, rdflib.Literal) and v.language)  # another entry's own text
        ]
        if len(in_use) >= wanted:
            if not (field.datatypes or field.class_ or field.node_kind):
                words = (
                    "a link (an IRI in angle brackets)"
                    if isinstance(in_use[0], rdflib.URIRef)
                    else "text in the form of the example"
                )
            return [_term(writer, v) for v in in_use], words
    return values, words


def _term(writer: _Writer, node: rdflib.term.Node) -> str:
    if isinstance(node, rdflib.URIRef):
        return writer.iri(str(node))
    if isinstance(node, rdflib.Literal) and node.datatype is not None:
        return f"{rdflib.Literal(str(node)).n3()}^^{writer.iri(str(node.datatype))}"
    return node.n3()


def _example_from_shapes(
    context: CurationContext, writer: _Writer, field: Field, wanted: int
) -> tuple[list[str], str]:
    if field.allowed:
        values = [
            writer.iri(str(v)) if isinstance(v, rdflib.URIRef) else v.n3()
            for v in field.allowed[:wanted]
        ]
        names = ", ".join(
            writer.iri(str(v)) if isinstance(v, rdflib.URIRef) else str(v) for v in field.allowed
        )
        return values, f"one of {names}"
    if field.class_:
        label = class_label(context.schema, rdflib.URIRef(field.class_))
        entities = context.entities_of(field.class_)
        chosen = sorted(entities)[:wanted]
        if chosen:
            named = f"{writer.iri(chosen[0])} ({(entities[chosen[0]] or [''])[0]})".replace(
                " ()", ""
            )
            return [writer.iri(i) for i in chosen], f"a link to an existing {label}, e.g. {named}"
        return ["<https://example.org/>"], f"a link to an existing {label}"
    datatype = field.datatypes[0] if field.datatypes else None
    if datatype is not None:
        example = EXAMPLE_LITERALS.get(datatype, f'"…"^^<{datatype}>')
        words = " or ".join(datatype_words(d) for d in field.datatypes)
        return [writer.literal(example)] * wanted, words
    if field.is_link:
        return ["<https://example.org/>"] * wanted, "a link (an IRI in angle brackets)"
    return ['"…"@en'] * wanted, datatype_words(str(RDF.langString))


def _requirement(field: Field) -> str:
    counts = []
    if field.min_count > 1:
        counts.append(f"at least {field.min_count} values")
    if field.max_count is not None:
        counts.append("one value" if field.max_count == 1 else f"at most {field.max_count} values")
    detail = f", {', '.join(counts)}" if counts else ""
    return f"{field.requirement}{detail}"


def template(context: CurationContext, kind: Kind, slug: str | None = None) -> str:
    """The Turtle template of a new entry of `kind`."""
    writer = _Writer(context.prefixes, {})
    collection = context.collection_of(kind)
    subject = writer.iri(context.entry_iri(collection, slug or SLUG_PLACEHOLDER))
    cls = writer.iri(kind.target_class)
    body: list[str] = [subject, f"    a {cls} ;"]
    for group, title in (
        ("required", "Required fields: fill every one in."),
        ("recommended", "Recommended fields: fill them in when you can."),
        ("optional", "Optional fields."),
    ):
        fields = [f for f in kind.fields if f.requirement == group]
        if not fields:
            continue
        body += ["", f"    # --- {title}"]
        for field in fields:
            values, words = _example(context, writer, kind, field)
            prop = writer.iri(field.path)
            body.append(f"    # {field.name} ({_requirement(field)}).")
            if field.description:
                body.append(f"    #   {field.description}")
            body.append(f"    #   Write {words}.")
            body += [f"#   {prop} {value} ;" for value in values]
    body.append("    .")

    file_name = f"data/{collection}/{slug or '<slug>'}.ttl"
    more = ""
    if kind.subclasses:
        names = ", ".join(writer.iri(c) for c in kind.subclasses)
        more = (
            f"#\n# A more specific kind fits some entries: replace {cls} with one of\n"
            + "\n".join(f"#   {line}" for line in _wrap(names, 90))
            + "\n"
        )
    header = [
        f"# A new {kind.label.lower().removesuffix(' entry')} entry for the AP-WPS Knowledge Graph.",
        *(f"# {line}" for line in _wrap(kind.description or "", 96)),
        "#",
        "# How to fill it in:",
        *(
            [
                f"#   1. Replace {SLUG_PLACEHOLDER} in the entry's IRI below with its slug (lower-case"
                " words joined",
                f"#      by hyphens, e.g. my-{kind.name}) and save the file as {file_name}.",
            ]
            if not slug
            else [f"#   1. Save the file as {file_name}."]
        ),
        "#   2. For each field, remove the # at the start of its value line and put your value in "
        "place",
        "#      of the example. Keep the ' ;' at the end of the line. Required fields must be filled",
        "#      in; recommended ones should be. Add a line per extra value.",
        f"#   3. Check it: apwps validate {file_name}",
    ]
    prefixes = [f"@prefix {name}: <{ns}> ." for name, ns in sorted(writer.used.items())]
    return (
        "\n".join(header)
        + "\n"
        + more
        + "\n"
        + "\n".join(prefixes)
        + "\n\n"
        + "\n".join(body)
        + "\n"
    )


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def filled_in(text: str, slug: str) -> str:
    """The template with every example line taken in and the slug set (what a curator who keeps
    the examples would write); the tests use it to show that a filled-in template conforms."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#   ") and line.rstrip().endswith(" ;"):
            line = "    " + line[4:]
        lines.append(line)
    return (
        "\n".join(lines)
        .replace(f":{SLUG_PLACEHOLDER}", f":{slug}")
        .replace(f"/{SLUG_PLACEHOLDER}>", f"/{slug}>")
        + "\n"
    )


def describe_kinds(kinds: list[Kind]) -> list[str]:
    """One line per kind, for `apwps new --help` and the validation page."""
    lines = []
    for kind in kinds:
        about = (kind.description or kind.label).split(". ")[0].split(":")[0].rstrip(".")
        about = about if len(about) <= 64 else about[:63].rsplit(" ", 1)[0] + "…"
        lines.append(f"{kind.name:<28} {about}")
    return lines


def kinds_from_files(settings: Settings) -> list[Kind]:
    """The kinds, read from shapes/ and ontology/ alone (quick: for help texts)."""
    shapes = rdflib.Graph()
    schema = rdflib.Graph()
    for source in discover(settings.root_path, settings.base_iri, ("ontology", "shapes")):
        target = shapes if source.relative.startswith("shapes/") else schema
        to_rdflib_graph(read_file(source), target)
    return read_kinds(shapes, schema)
