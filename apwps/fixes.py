"""How to fix a finding, in words: built from the constraint that failed and the shape's own terms.

The shape's `sh:message` says what is wrong; this says what to write instead (which kind of value, in
which form, with an example), so a curator who does not read SHACL knows the next step.
"""

from __future__ import annotations

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from apwps.kinds import local_name

# How to write a value of each datatype, with an example in Turtle.
DATATYPE_WORDS: dict[str, str] = {
    str(RDF.langString): 'text with its language, e.g. "Example"@en',
    str(XSD.string): 'plain text in quotes, e.g. "Example"',
    str(XSD.gYear): 'a year, e.g. "2024"^^xsd:gYear',
    str(XSD.date): 'a day, e.g. "2024-05-31"^^xsd:date',
    str(XSD.dateTime): 'a moment, e.g. "2024-05-31T12:00:00Z"^^xsd:dateTime',
    str(XSD.gYearMonth): 'a month, e.g. "2024-05"^^xsd:gYearMonth',
    str(XSD.integer): "a whole number, e.g. 12",
    str(XSD.nonNegativeInteger): 'a whole number of 0 or more, e.g. "12"^^xsd:nonNegativeInteger',
    str(XSD.positiveInteger): 'a whole number of 1 or more, e.g. "12"^^xsd:positiveInteger',
    str(XSD.decimal): "a decimal number, e.g. 12.5",
    str(XSD.double): "a number, e.g. 1.5e0",
    str(XSD.boolean): "true or false",
    str(XSD.anyURI): 'a web address as a typed literal, e.g. "https://example.org/"^^xsd:anyURI',
}


def datatype_words(datatype: str) -> str:
    return DATATYPE_WORDS.get(datatype, f"a value of type {local_name(datatype)}")


def class_label(schema: rdflib.Graph | None, cls: Node) -> str:
    """The class's English label (e.g. "organisation"), else its local name."""
    if schema is not None:
        for prop in (RDFS.label, SKOS.prefLabel):
            for label in schema.objects(cls, prop):
                if isinstance(label, rdflib.Literal) and label.language in (None, "en"):
                    return str(label)
    return local_name(str(cls))


def _alternatives(shapes: rdflib.Graph, shape: Node) -> list[Node]:
    found: list[Node] = []
    for prop in (SH["or"], SH.xone):
        for head in shapes.objects(shape, prop):
            found += list(Collection(shapes, head))
    return found


def _count(shapes: rdflib.Graph, shape: Node, prop: Node) -> int:
    value = shapes.value(shape, prop)
    try:
        return int(value) if isinstance(value, rdflib.Literal) else 0
    except ValueError:
        return 0


def _value_words(shapes: rdflib.Graph, node: Node) -> str:
    if isinstance(node, rdflib.URIRef):
        return local_name(str(node))
    return str(node)


def how_to_fix(
    shapes: rdflib.Graph,
    schema: rdflib.Graph | None,
    shape: Node | None,
    constraint: str | None,
    field: str,
) -> str | None:
    """One sentence saying what to write, or None when nothing more useful than the message exists."""
    if shape is None or constraint is None:
        return None
    described = shapes.value(shape, SH.description)
    about = f" ({str(described).rstrip('.')})" if isinstance(described, rdflib.Literal) else ""
    if constraint in {"minCount", "qualifiedMinCount"}:
        n = _count(shapes, shape, SH.minCount) or _count(shapes, shape, SH.qualifiedMinCount)
        many = "a value" if n <= 1 else f"at least {n} values"
        return f'Add {many} for "{field}"{about}.'
    if constraint == "maxCount":
        n = _count(shapes, shape, SH.maxCount)
        return f'Keep at most {n} value{"s" if n != 1 else ""} for "{field}" and remove the others.'
    if constraint == "class":
        classes = [
            c
            for alt in [shape, *_alternatives(shapes, shape)]
            for c in shapes.objects(alt, SH["class"])
        ]
        names = " or ".join(class_label(schema, c) for c in classes) or "entry"
        return (
            f"Link to an existing {names} by its IRI; if it is not in the graph yet, "
            f"add the {names} first."
        )
    if constraint == "datatype":
        datatype = shapes.value(shape, SH.datatype)
        if datatype is not None:
            return f'Write "{field}" as {datatype_words(str(datatype))}.'
    if constraint in {"or", "xone"}:
        options = [
            datatype_words(str(d))
            for alt in _alternatives(shapes, shape)
            for d in shapes.objects(alt, SH.datatype)
        ]
        options += [
            f"a link to a {class_label(schema, c)}"
            for alt in _alternatives(shapes, shape)
            for c in shapes.objects(alt, SH["class"])
        ]
        if options:
            return f'Write "{field}" as ' + ", or as ".join(options) + "."
    if constraint == "nodeKind":
        kind = shapes.value(shape, SH.nodeKind)
        if kind in (SH.IRI, SH.BlankNodeOrIRI):
            return f'Give "{field}" as a link in angle brackets, e.g. <https://example.org/>, not as text.'
        if kind == SH.Literal:
            return f'Give "{field}" as text in quotes, not as a link.'
    if constraint == "in":
        head = shapes.value(shape, SH["in"])
        if head is not None:
            allowed = ", ".join(_value_words(shapes, v) for v in Collection(shapes, head))
            return f'Use one of the allowed values for "{field}": {allowed}.'
    if constraint == "pattern":
        return f'Write "{field}" so that it matches the pattern {shapes.value(shape, SH.pattern)}.'
    if constraint == "minLength":
        return f'Write at least {_count(shapes, shape, SH.minLength)} characters for "{field}".'
    if constraint == "maxLength":
        return f'Shorten "{field}" to at most {_count(shapes, shape, SH.maxLength)} characters.'
    if constraint == "uniqueLang":
        return f'Give at most one "{field}" per language.'
    if constraint == "languageIn":
        return f'Tag "{field}" with one of the allowed languages.'
    required = shapes.value(shape, SH.hasValue)
    if constraint == "hasValue" and required is not None:
        return f'Add the required value {_value_words(shapes, required)} to "{field}".'
    if isinstance(described, rdflib.Literal):
        return f'"{field}": {described}'
    return None
