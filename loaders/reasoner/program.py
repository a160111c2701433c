"""From the schema triples of the input to the rules the engine runs on the data.

owlrl's OWL 2 RL rules fall in two groups. The ``scm-*`` rules read and write only *schema
triples* (those whose predicate is in ``SCHEMA_PREDICATES``, or ``rdf:type`` with a class of
``META_CLASSES``); ``schema_closure`` computes their fixpoint over the (small) schema part of
the input, exactly as owlrl's ``_schema_vocabulary`` states them. The other rules (``prp-*``,
``cls-*``, ``cax-*``) read that closed schema as parameters: ``compile_program`` turns it into
tables (super-properties, domains, ranges, inverses, chains, super-classes, intersections,
restrictions…) that the engine applies to the data.

The split is exact only if no data rule can produce a schema triple; ``compile_program``
checks this, and raises ``Unsupported`` for it and for the OWL 2 RL constructs the engine
does not implement (those that make owlrl merge individuals with ``owl:sameAs``, keys,
cardinalities, negative assertions), so that the caller falls back to owlrl.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from accords.loaders.reasoner.terms import Triple, owl, rdf, rdfs

TYPE = rdf("type")
FIRST, REST = rdf("first"), rdf("rest")
SUBCLASS, SUBPROPERTY = rdfs("subClassOf"), rdfs("subPropertyOf")
DOMAIN, RANGE = rdfs("domain"), rdfs("range")
EQ_CLASS, EQ_PROPERTY = owl("equivalentClass"), owl("equivalentProperty")
INVERSE, CHAIN = owl("inverseOf"), owl("propertyChainAxiom")
INTERSECTION, UNION, ONE_OF, COMPLEMENT = (
    owl("intersectionOf"),
    owl("unionOf"),
    owl("oneOf"),
    owl("complementOf"),
)
ON_PROPERTY, HAS_VALUE = owl("onProperty"), owl("hasValue")
SOME_VALUES, ALL_VALUES = owl("someValuesFrom"), owl("allValuesFrom")
DISJOINT, MEMBERS = owl("disjointWith"), owl("members")
PROPERTY_DISJOINT = owl("propertyDisjointWith")
SAME_AS = owl("sameAs")
THING, NOTHING, CLASS = owl("Thing"), owl("Nothing"), owl("Class")
OBJECT_PROPERTY, DATATYPE_PROPERTY, PROPERTY = owl("ObjectProperty"), owl("DatatypeProperty"), rdf("Property")
SYMMETRIC, TRANSITIVE = owl("SymmetricProperty"), owl("TransitiveProperty")
IRREFLEXIVE, ASYMMETRIC = owl("IrreflexiveProperty"), owl("AsymmetricProperty")
ALL_DISJOINT_CLASSES = owl("AllDisjointClasses")

# Schema vocabulary whose presence the engine does not implement: owlrl derives owl:sameAs
# from it (functional and inverse-functional properties, keys, max cardinalities), or checks
# it in ways not mirrored here (differentFrom, AllDifferent, AllDisjointProperties, negative
# property assertions).
UNSUPPORTED_PREDICATES = {
    owl(name)
    for name in (
        "sameAs",
        "differentFrom",
        "distinctMembers",
        "hasKey",
        "maxCardinality",
        "maxQualifiedCardinality",
        "onClass",
        "sourceIndividual",
        "assertionProperty",
        "targetIndividual",
        "targetValue",
    )
}
UNSUPPORTED_CLASSES = {
    owl(name)
    for name in ("FunctionalProperty", "InverseFunctionalProperty", "AllDisjointProperties", "AllDifferent")
}
SCHEMA_PREDICATES = {
    SUBCLASS,
    SUBPROPERTY,
    DOMAIN,
    RANGE,
    EQ_CLASS,
    EQ_PROPERTY,
    INVERSE,
    CHAIN,
    INTERSECTION,
    UNION,
    ONE_OF,
    COMPLEMENT,
    ON_PROPERTY,
    HAS_VALUE,
    SOME_VALUES,
    ALL_VALUES,
    DISJOINT,
    MEMBERS,
    PROPERTY_DISJOINT,
    FIRST,
    REST,
    *UNSUPPORTED_PREDICATES,
}
META_CLASSES = {
    CLASS,
    OBJECT_PROPERTY,
    DATATYPE_PROPERTY,
    PROPERTY,
    SYMMETRIC,
    TRANSITIVE,
    IRREFLEXIVE,
    ASYMMETRIC,
    ALL_DISJOINT_CLASSES,
    *UNSUPPORTED_CLASSES,
}


class Unsupported(Exception):
    """The input uses OWL 2 RL features the fast engine does not implement: use owlrl."""


def is_schema(triple: Triple) -> bool:
    _, p, o = triple
    return p in SCHEMA_PREDICATES or (p == TYPE and o in META_CLASSES)


class Graph:
    """A small indexed set of triples (the schema)."""

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        self.triples: set[Triple] = set()
        self.sp: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.po: dict[tuple[str, str], set[str]] = defaultdict(set)
        for triple in triples:
            self.add(triple)

    def add(self, triple: Triple) -> bool:
        if triple in self.triples:
            return False
        s, p, o = triple
        self.triples.add(triple)
        self.sp[s, p].add(o)
        self.po[p, o].add(s)
        return True

    def objects(self, s: str, p: str) -> set[str]:
        return self.sp.get((s, p), set())

    def subjects(self, p: str, o: str) -> set[str]:
        return self.po.get((p, o), set())

    def items(self, head: str) -> list[str]:
        """The members of an rdf:List (as rdflib's Graph.items reads it)."""
        members, seen = [], set()
        while head not in seen:
            seen.add(head)
            firsts = self.objects(head, FIRST)
            if not firsts:
                break
            members.append(next(iter(firsts)))
            rests = self.objects(head, REST)
            if not rests:
                break
            head = next(iter(rests))
        return members


def _scm(graph: Graph, triple: Triple) -> Iterable[Triple]:
    """owlrl's ``_schema_vocabulary`` for one triple: the scm-* rules."""
    s, p, o = triple
    if p == TYPE and o == CLASS:  # scm-cls
        yield from ((s, SUBCLASS, s), (s, EQ_CLASS, s), (s, SUBCLASS, THING), (NOTHING, SUBCLASS, s))
    elif p == SUBCLASS:  # scm-sco, scm-eqc2
        if s != o:
            yield from ((s, SUBCLASS, c3) for c3 in graph.objects(o, SUBCLASS) if c3 != s)
        if (o, SUBCLASS, s) in graph.triples:
            yield (s, EQ_CLASS, o)
    elif p == EQ_CLASS and s != o:  # scm-eqc1
        yield from ((s, SUBCLASS, o), (o, SUBCLASS, s))
    elif p == TYPE and o in (OBJECT_PROPERTY, DATATYPE_PROPERTY, PROPERTY):  # scm-op, scm-dp
        yield from ((s, SUBPROPERTY, s), (s, EQ_PROPERTY, s))
    elif p == SUBPROPERTY and s != o:  # scm-spo, scm-eqp2
        yield from ((s, SUBPROPERTY, p3) for p3 in graph.objects(o, SUBPROPERTY) if p3 != s)
        if (o, SUBPROPERTY, s) in graph.triples:
            yield (s, EQ_PROPERTY, o)
    elif p == EQ_PROPERTY and s != o:  # scm-eqp1
        yield from ((s, SUBPROPERTY, o), (o, SUBPROPERTY, s))
    elif p in (DOMAIN, RANGE):  # scm-dom1/2, scm-rng1/2
        yield from ((s, p, c2) for c2 in graph.objects(o, SUBCLASS) if c2 != o)
        yield from ((p1, p, o) for p1 in graph.subjects(SUBPROPERTY, s) if p1 != s)
    elif p == HAS_VALUE:  # scm-hv
        for p1 in graph.objects(s, ON_PROPERTY):
            for c2 in graph.subjects(HAS_VALUE, o):
                for p2 in graph.objects(c2, ON_PROPERTY):
                    if (p1, SUBPROPERTY, p2) in graph.triples:
                        yield (s, SUBCLASS, c2)
    elif p in (SOME_VALUES, ALL_VALUES):  # scm-svf1/2, scm-avf1/2
        for pp in graph.objects(s, ON_PROPERTY):
            for c2 in graph.subjects(ON_PROPERTY, pp):
                for y2 in graph.objects(c2, p):
                    if (o, SUBCLASS, y2) in graph.triples:
                        yield (s, SUBCLASS, c2)
        for p1 in graph.objects(s, ON_PROPERTY):
            for c2 in graph.subjects(p, o):
                for p2 in graph.objects(c2, ON_PROPERTY):
                    if (p1, SUBPROPERTY, p2) in graph.triples:
                        yield (s, SUBCLASS, c2) if p == SOME_VALUES else (c2, SUBCLASS, s)
    elif p == INTERSECTION:  # scm-int
        yield from ((s, SUBCLASS, ci) for ci in graph.items(o))
    elif p == UNION:  # scm-uni
        yield from ((ci, SUBCLASS, s) for ci in graph.items(o))


def schema_closure(schema: Iterable[Triple]) -> Graph:
    """The fixpoint of the scm-* rules over the schema triples."""
    graph = Graph(schema)
    while True:  # naive rounds, as owlrl's cycles: the schema is small
        derived = [t for triple in list(graph.triples) for t in _scm(graph, triple)]
        if not [t for t in derived if graph.add(t)]:
            return graph


@dataclass
class Program:
    """The data rules of one closed schema, as lookup tables (all terms are N-Triples strings)."""

    schema: Graph
    super_properties: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    domains: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[str] = field(default_factory=set)
    transitive: set[str] = field(default_factory=set)
    chains: list[tuple[str, list[str]]] = field(default_factory=list)
    super_classes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    intersections: list[tuple[str, list[str]]] = field(default_factory=list)
    unions: list[tuple[str, list[str]]] = field(default_factory=list)
    has_value: list[tuple[str, str, str]] = field(default_factory=list)  # (restriction, property, value)
    some_values: list[tuple[str, str, str]] = field(default_factory=list)  # (restriction, property, class)
    all_values: list[tuple[str, str, str]] = field(default_factory=list)  # (restriction, property, class)
    one_of: list[Triple] = field(default_factory=list)  # type triples stated by owl:oneOf
    disjoint: list[tuple[str, str]] = field(default_factory=list)
    complement: list[tuple[str, str]] = field(default_factory=list)
    all_disjoint: list[list[str]] = field(default_factory=list)
    irreflexive: set[str] = field(default_factory=set)
    asymmetric: set[str] = field(default_factory=set)
    property_disjoint: list[tuple[str, str]] = field(default_factory=list)

    def head_properties(self) -> set[str]:
        heads = {q for qs in self.super_properties.values() for q in qs}
        heads |= {q for qs in self.inverses.values() for q in qs}
        heads |= self.symmetric | self.transitive | {q for q, _ in self.chains}
        return heads | {q for _, q, _ in self.has_value}

    def head_classes(self) -> set[str]:
        heads = {c for cs in (*self.domains.values(), *self.ranges.values()) for c in cs}
        heads |= {c for cs in self.super_classes.values() for c in cs}
        heads |= {k for k, _ in self.intersections} | {c for _, cs in self.intersections for c in cs}
        heads |= {k for k, _ in self.unions} | {r for r, _, _ in self.has_value}
        heads |= {r for r, _, _ in self.some_values} | {y for _, _, y in self.all_values}
        return heads | {c for _, _, c in self.one_of}

    def body_properties(self) -> set[str]:
        """Properties whose triples some rule reads."""
        body = set(self.super_properties) | set(self.domains) | set(self.ranges) | set(self.inverses)
        body |= self.symmetric | self.transitive | {p for _, chain in self.chains for p in chain}
        body |= {q for _, q, _ in (*self.has_value, *self.some_values, *self.all_values)}
        body |= self.irreflexive | self.asymmetric | {p for pair in self.property_disjoint for p in pair}
        return body


def compile_program(schema: Graph) -> Program:
    """The data rules of a closed schema; Unsupported if the engine cannot run them exactly."""
    program = Program(schema)
    for s, p, o in schema.triples:
        if p in UNSUPPORTED_PREDICATES or (p == TYPE and o in UNSUPPORTED_CLASSES):
            raise Unsupported(f"{p} {o}")
        if p in (SUBPROPERTY, EQ_PROPERTY) and s != o:  # prp-spo1, prp-eqp1/2
            program.super_properties[s].add(o)
            if p == EQ_PROPERTY:
                program.super_properties[o].add(s)
        elif p == DOMAIN:  # prp-dom
            program.domains[s].add(o)
        elif p == RANGE:  # prp-rng
            program.ranges[s].add(o)
        elif p == INVERSE:  # prp-inv1/2
            program.inverses[s].add(o)
            program.inverses[o].add(s)
        elif p == TYPE and o == SYMMETRIC:
            program.symmetric.add(s)
        elif p == TYPE and o == TRANSITIVE:
            program.transitive.add(s)
        elif p == TYPE and o == IRREFLEXIVE:
            program.irreflexive.add(s)
        elif p == TYPE and o == ASYMMETRIC:
            program.asymmetric.add(s)
        elif p == CHAIN:  # prp-spo2
            chain = schema.items(o)
            if chain:
                program.chains.append((s, chain))
        elif p in (SUBCLASS, EQ_CLASS) and s != o:  # cax-sco, cax-eqc1/2
            program.super_classes[s].add(o)
            if p == EQ_CLASS:
                program.super_classes[o].add(s)
        elif p == INTERSECTION:  # cls-int1/2
            members = schema.items(o)
            if members:
                program.intersections.append((s, members))
        elif p == UNION:  # cls-uni
            program.unions.append((s, schema.items(o)))
        elif p == ONE_OF:  # cls-oo
            program.one_of.extend((y, TYPE, s) for y in schema.items(o))
        elif p in (HAS_VALUE, SOME_VALUES, ALL_VALUES):  # cls-hv1/2, cls-svf1/2, cls-avf
            table = {HAS_VALUE: program.has_value, SOME_VALUES: program.some_values}.get(
                p, program.all_values
            )
            table.extend((s, q, o) for q in schema.objects(s, ON_PROPERTY))
        elif p == DISJOINT:  # cax-dw
            program.disjoint.append((s, o))
        elif p == COMPLEMENT:  # cls-com
            program.complement.append((s, o))
        elif p == TYPE and o == ALL_DISJOINT_CLASSES:  # cax-adc
            program.all_disjoint.extend(schema.items(m) for m in schema.objects(s, MEMBERS))
        elif p == PROPERTY_DISJOINT:  # prp-pdw
            program.property_disjoint.append((s, o))
    _check_stratified(program)
    return program


def _check_stratified(program: Program) -> None:
    """No data rule may write a schema triple (else the schema closure would not be final)."""
    heads = program.head_properties()
    bad = heads & (SCHEMA_PREDICATES | {TYPE, SAME_AS})
    bad |= {p for p in heads if p[0] == '"'}
    bad |= program.head_classes() & META_CLASSES
    # rdf:type and owl:sameAs as ordinary properties of the data rules are not mirrored
    bad |= program.body_properties() & {TYPE, SAME_AS}
    if bad:
        raise Unsupported(f"rules that write or read schema vocabulary: {sorted(bad)}")
