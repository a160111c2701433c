"""Semi-naive, set-at-a-time evaluation of the data rules of a ``Program``.

Facts are kept per property (``facts[p]``: a set of (subject, object) pairs) and per class
(``types[c]``: a set of instances). Each round applies every rule to the facts that were new
in the previous round (the delta), joined with all facts known so far, so a derivation is
found once its last premise arrives; the rounds stop when a round finds nothing new. Joins use
forward and reverse indexes, kept only for the properties a join needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter

from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.OWLRL import OWLRL_Annotation_properties
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import OWL, RDFS

from accords.loaders.reasoner.program import (
    CLASS,
    META_CLASSES,
    NOTHING,
    SAME_AS,
    SCHEMA_PREDICATES,
    THING,
    TYPE,
    Program,
    compile_program,
    is_schema,
    schema_closure,
)
from accords.loaders.reasoner.terms import Triple, from_key, literal_parts, to_key
from accords.loaders.reasoning import BUILT_IN, REFLEXIVE_NOISE, TRIVIAL_OBJECTS

Pairs = set[tuple[str, str]]
DATATYPE = to_key(RDFS.Datatype)
ANNOTATION_PROPERTY = to_key(OWL.AnnotationProperty)
RL_DATATYPES = {str(dt): to_key(dt) for dt in OWL_RL_Datatypes}
SUBSUMPTIONS = {to_key(dt): [to_key(d) for d in supers] for dt, supers in OWL_Datatype_Subsumptions.items()}
DATATYPE_DISJOINTNESS = [(to_key(s), to_key(p), to_key(o)) for s, p, o in OWLRL_Datatypes_Disjointness]
CONVERTERS = {to_key(dt): convert for dt, convert in AltXSDToPYTHON.items()}
USELESS_REFLEXIVE = {to_key(p) for p in REFLEXIVE_NOISE}
TRIVIAL = {to_key(o) for o in TRIVIAL_OBJECTS}
CLASS_LINKS = {to_key(RDFS.subClassOf), to_key(OWL.equivalentClass)}
NO_INSTANCES: frozenset[str] = frozenset()
first, second = itemgetter(0), itemgetter(1)


def group(triples: Iterable[Triple]) -> dict[str, Pairs]:
    """(subject, object) pairs per property: the input of ``Closure``."""
    by_property: dict[str, Pairs] = defaultdict(set)
    for s, p, o in triples:
        by_property[p].add((s, o))
    return by_property


def _name(key: str) -> str:
    return str(from_key(key))


def one_time_facts(
    by_property: dict[str, Pairs], types: dict[str, set[str]]
) -> tuple[list[Triple], list[str]]:
    """owlrl's one-time rules (cls-thing, cls-nothing1, prp-ap, dt-type1/2, dt-not-type)."""
    facts: list[Triple] = [(THING, TYPE, CLASS), (NOTHING, TYPE, CLASS)]
    facts += [(to_key(p), TYPE, ANNOTATION_PROPERTY) for p in OWLRL_Annotation_properties]
    errors: list[str] = []
    objects: set[str] = set()
    for pairs in by_property.values():
        objects.update(map(second, pairs))
    implicit: dict[str, str] = {}
    for literal in objects:
        if literal[0] == '"' and literal[-1] == ">":
            lexical, _, datatype = literal_parts(literal)
            dt = RL_DATATYPES.get(datatype or "")
            if dt is None:
                continue
            implicit[literal] = dt
            facts.append((literal, TYPE, dt))  # dt-type2
            try:
                CONVERTERS.get(dt, str)(lexical)  # dt-not-type, as owlrl checks it
            except ValueError:
                errors.append(
                    f"Lexical value of the literal '{lexical}' does not match its datatype ({dt[1:-1]})"
                )
    used = set(implicit.values())
    explicit: dict[str, set[str]] = defaultdict(set)
    for dt in RL_DATATYPES.values():
        for node in types.get(dt, ()):
            used.add(dt)
            if node not in implicit:
                explicit[node].add(dt)
    facts += [(dt, TYPE, DATATYPE) for dt in RL_DATATYPES.values()]  # dt-type1
    facts += [(dt, TYPE, DATATYPE) for dts in explicit.values() for dt in dts]
    for node, dts in [*explicit.items(), *((n, {dt}) for n, dt in implicit.items())]:
        for dt in dts:
            for wider in SUBSUMPTIONS.get(dt, ()):
                facts += [(node, TYPE, wider), (wider, TYPE, DATATYPE)]
                used.add(wider)
    facts += [t for t in DATATYPE_DISJOINTNESS if t[0] in used and t[2] in used]
    return facts, errors


class Engine:
    """The closure of one input under a Program."""

    def __init__(self, program: Program, facts: dict[str, Pairs], types: dict[str, set[str]]) -> None:
        self.program = program
        self.facts = facts  # property → (s, o) pairs; every property some rule reads or writes
        self.types = types  # class → instances
        self.derived_facts: dict[str, Pairs] = defaultdict(set)
        self.derived_types: dict[str, set[str]] = defaultdict(set)
        self._tables()
        self.forward: dict[str, dict[str, set[str]]] = {p: defaultdict(set) for p in self.forward_indexed}
        self.reverse: dict[str, dict[str, set[str]]] = {p: defaultdict(set) for p in self.reverse_indexed}
        for p in self.forward_indexed | self.reverse_indexed:
            self._index(p, facts.get(p, ()))

    def _tables(self) -> None:
        program = self.program
        self.chain_positions: dict[str, list[tuple[str, list[str], int]]] = defaultdict(list)
        for head, chain in program.chains:
            for position, p in enumerate(chain):
                self.chain_positions[p].append((head, chain, position))
        self.forward_indexed = set(program.transitive)
        self.reverse_indexed = set(program.transitive)
        for _, chain in program.chains:
            self.forward_indexed.update(chain[1:])
            self.reverse_indexed.update(chain[:-1])
        self.by_member: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
        self.members_of: dict[str, list[list[str]]] = defaultdict(list)
        for k, members in program.intersections:
            for m in set(members):
                self.by_member[m].append((k, members))
            self.members_of[k].append(members)
        self.union_of: dict[str, set[str]] = defaultdict(set)
        for k, members in program.unions:
            for m in members:
                self.union_of[m].add(k)
        self.hv_by_property: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.hv_by_class: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for r, q, v in program.has_value:
            self.hv_by_property[q].append((r, v))
            self.hv_by_class[r].append((q, v))
        self.svf_by_property: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.svf_by_filler: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for r, q, y in program.some_values:
            self.svf_by_property[q].append((r, y))
            if y != THING:
                self.svf_by_filler[y].append((r, q))
                self.reverse_indexed.add(q)
        self.avf_by_property: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.avf_by_class: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for r, q, y in program.all_values:
            self.avf_by_property[q].append((r, y))
            self.avf_by_class[r].append((q, y))
            self.forward_indexed.add(q)

    def _index(self, p: str, pairs: Iterable[tuple[str, str]]) -> None:
        if p in self.forward:
            forward = self.forward[p]
            for s, o in pairs:
                forward[s].add(o)
        if p in self.reverse:
            reverse = self.reverse[p]
            for s, o in pairs:
                reverse[o].add(s)

    def seed(self, triples: Iterable[Triple]) -> tuple[dict[str, Pairs], dict[str, set[str]]]:
        """Add derived facts that come from outside the rounds (schema closure, one-time rules)."""
        delta_p: dict[str, Pairs] = defaultdict(set)
        delta_t: dict[str, set[str]] = defaultdict(set)
        for s, p, o in triples:
            if p == TYPE:
                delta_t[o].add(s)
            else:
                delta_p[p].add((s, o))
        return self._commit(delta_p, delta_t)

    def run(self) -> None:
        """Apply the rules until nothing new comes: first to all facts, then to each round's new ones."""
        # the first round reads every fact; rounds only read their delta, commits come after
        delta_p: dict[str, Pairs] = {p: pairs for p, pairs in self.facts.items() if pairs}
        delta_t: dict[str, set[str]] = {c: xs for c, xs in self.types.items() if xs}
        while delta_p or delta_t:
            new_p: dict[str, Pairs] = defaultdict(set)
            new_t: dict[str, set[str]] = defaultdict(set)
            for p, pairs in delta_p.items():
                self._property_rules(p, pairs, new_p, new_t)
            for c, instances in delta_t.items():
                self._class_rules(c, instances, new_p, new_t)
            delta_p, delta_t = self._commit(new_p, new_t)

    def _commit(
        self, new_p: dict[str, Pairs], new_t: dict[str, set[str]]
    ) -> tuple[dict[str, Pairs], dict[str, set[str]]]:
        delta_p: dict[str, Pairs] = {}
        for p, pairs in new_p.items():
            known = self.facts.setdefault(p, set())
            pairs -= known
            if pairs:
                known |= pairs
                self.derived_facts[p] |= pairs
                self._index(p, pairs)
                delta_p[p] = pairs
        delta_t: dict[str, set[str]] = {}
        for c, instances in new_t.items():
            typed = self.types.setdefault(c, set())
            instances -= typed
            if instances:
                typed |= instances
                self.derived_types[c] |= instances
                delta_t[c] = instances
        return delta_p, delta_t

    def _property_rules(
        self, p: str, pairs: Pairs, new_p: dict[str, Pairs], new_t: dict[str, set[str]]
    ) -> None:
        program = self.program
        for q in program.super_properties.get(p, ()):  # prp-spo1, prp-eqp1/2
            new_p[q] |= pairs
        inverses = program.inverses.get(p, ())
        if inverses or p in program.symmetric:  # prp-inv1/2, prp-symp
            swapped = {(o, s) for s, o in pairs}
            for q in inverses:
                new_p[q] |= swapped
            if p in program.symmetric:
                new_p[p] |= swapped
        domains, ranges = program.domains.get(p), program.ranges.get(p)
        if domains:  # prp-dom
            subjects = set(map(first, pairs))
            for c in domains:
                new_t[c] |= subjects
        if ranges:  # prp-rng
            objects = set(map(second, pairs))
            for c in ranges:
                new_t[c] |= objects
        if p in program.transitive:  # prp-trp
            forward, reverse, out = self.forward[p], self.reverse[p], new_p[p]
            for s, o in pairs:
                out.update((s, z) for z in forward.get(o, ()))
                out.update((x, o) for x in reverse.get(s, ()))
        for head, chain, position in self.chain_positions.get(p, ()):  # prp-spo2
            out = new_p[head]
            for s, o in pairs:
                starts = {s}
                for k in range(position - 1, -1, -1):
                    reverse = self.reverse[chain[k]]
                    starts = {x for y in starts for x in reverse.get(y, ())}
                ends = {o}
                for k in range(position + 1, len(chain)):
                    forward = self.forward[chain[k]]
                    ends = {z for y in ends for z in forward.get(y, ())}
                out.update((a, b) for a in starts for b in ends)
        for r, value in self.hv_by_property.get(p, ()):  # cls-hv2
            new_t[r].update(s for s, o in pairs if o == value)
        for r, filler in self.svf_by_property.get(p, ()):  # cls-svf1/2
            if filler == THING:
                new_t[r].update(map(first, pairs))
            else:
                members = self.types.get(filler, NO_INSTANCES)
                new_t[r].update(s for s, o in pairs if o in members)
        for r, filler in self.avf_by_property.get(p, ()):  # cls-avf
            restricted = self.types.get(r, NO_INSTANCES)
            new_t[filler].update(o for s, o in pairs if s in restricted)

    def _class_rules(
        self, c: str, instances: set[str], new_p: dict[str, Pairs], new_t: dict[str, set[str]]
    ) -> None:
        program = self.program
        for d in program.super_classes.get(c, ()):  # cax-sco, cax-eqc1/2
            new_t[d] |= instances
        for k, members in self.by_member.get(c, ()):  # cls-int1
            found = instances
            for m in members:
                found = found & self.types.get(m, NO_INSTANCES)
                if not found:
                    break
            new_t[k] |= found
        for members in self.members_of.get(c, ()):  # cls-int2
            for m in members:
                new_t[m] |= instances
        for k in self.union_of.get(c, ()):  # cls-uni
            new_t[k] |= instances
        for q, value in self.hv_by_class.get(c, ()):  # cls-hv1
            new_p[q].update((x, value) for x in instances)
        for q, filler in self.avf_by_class.get(c, ()):  # cls-avf
            forward = self.forward[q]
            new_t[filler].update(o for x in instances for o in forward.get(x, ()))
        for r, q in self.svf_by_filler.get(c, ()):  # cls-svf1
            reverse = self.reverse[q]
            new_t[r].update(s for x in instances for s in reverse.get(x, ()))

    def errors(self) -> list[str]:
        """owlrl's consistency checks (cax-dw, cax-adc, cls-nothing2, cls-com, prp-irp, prp-asyp, prp-pdw)."""
        program, types, facts = self.program, self.types, self.facts
        errors = [f"{_name(x)} is defined of type 'Nothing'" for x in sorted(types.get(NOTHING, ()))]
        pairs = list(program.disjoint)
        for classes in program.all_disjoint:
            pairs += [(a, b) for i, a in enumerate(classes) for b in classes[i + 1 :]]
        for c1, c2 in pairs:
            for x in sorted(types.get(c1, NO_INSTANCES) & types.get(c2, NO_INSTANCES)):
                errors.append(
                    f"Disjoint classes {_name(c1)} and {_name(c2)} have a common individual {_name(x)}"
                )
        for c1, c2 in program.complement:
            for x in sorted(types.get(c1, NO_INSTANCES) & types.get(c2, NO_INSTANCES)):
                errors.append(
                    f"Violation of complementarity for classes {_name(c1)} and {_name(c2)} "
                    f"on element {_name(x)}"
                )
        for p in sorted(program.irreflexive):
            errors += [
                f"Irreflexive property used on {_name(s)} with {_name(p)}"
                for s, o in facts.get(p, ())
                if s == o
            ]
        for p in sorted(program.asymmetric):
            known = facts.get(p, set())
            errors += [
                f"Erroneous usage of asymmetric property {_name(p)} on {_name(s)} and {_name(o)}"
                for s, o in known
                if (o, s) in known
            ]
        for p1, p2 in program.property_disjoint:
            for s, o in sorted(facts.get(p1, set()) & facts.get(p2, set())):
                errors.append(
                    f"Erroneous usage of disjoint properties {_name(p1)} and {_name(p2)} "
                    f"on {_name(s)} and {_name(o)}"
                )
        return errors


def useful(s: str, p: str, o: str) -> bool:
    """``loaders.reasoning.is_useful`` on N-Triples strings."""
    if s[0] != "<" or p[0] != "<" or o[0] == "_":
        return False
    if s[1:].startswith(BUILT_IN):
        return False
    if s == o and p in USELESS_REFLEXIVE:
        return False
    if p == TYPE and o in TRIVIAL:
        return False
    return not (p in CLASS_LINKS and o in TRIVIAL)


class Closure:
    """The OWL 2 RL closure (as owlrl computes it, less owl:sameAs reflexivity) of some triples."""

    def __init__(self, by_property: dict[str, Pairs]) -> None:
        """``by_property``: the input's (subject, object) pairs per property (taken over, not copied)."""
        self.by_property = by_property
        types: dict[str, set[str]] = defaultdict(set)
        for s, o in by_property.get(TYPE, ()):  # left in place: Unsupported leaves the input whole
            types[o].add(s)
        one_time, self.datatype_errors = one_time_facts(by_property, types)
        stated_schema = {(s, p, o) for p in SCHEMA_PREDICATES for s, o in by_property.get(p, ())}
        stated_schema |= {(s, TYPE, c) for c in META_CLASSES for s in types.get(c, ())}
        schema = schema_closure([*stated_schema, *(t for t in one_time if is_schema(t))])
        program = compile_program(schema)
        kept = program.body_properties() | program.head_properties()
        facts = {p: by_property[p] for p in kept if p in by_property}
        self.engine = Engine(program, facts, types)
        self.other: set[Triple] = set()  # derived triples of properties no data rule touches
        seeds = []
        for triple in [*schema.triples, *one_time, *program.one_of]:
            if triple[1] == TYPE or triple[1] in kept:
                seeds.append(triple)
            elif triple not in stated_schema:
                self.other.add(triple)
        self.engine.seed(seeds)
        self.engine.run()

    def errors(self) -> list[str]:
        return self.datatype_errors + self.engine.errors()

    def inferred(self) -> Iterable[Triple]:
        """Every derived triple that was not in the input."""
        for p, pairs in self.engine.derived_facts.items():
            for s, o in pairs:
                yield s, p, o
        for c, instances in self.engine.derived_types.items():
            for x in instances:
                yield x, TYPE, c
        yield from self.other

    def entailed(self) -> set[Triple]:
        """``loaders.reasoning.entailed``: every storable inferred triple, owlrl's eq-ref included.

        owlrl states ``x owl:sameAs x`` for every term of every triple of its closure (input
        with the sameAs vocabulary falls back to owlrl, so none of these was asserted).
        """
        result = {t for t in self.inferred() if t[0][0] != '"' and t[1][0] == "<"}
        terms = {SAME_AS}
        for p, pairs in self.by_property.items():
            terms.add(p)
            terms.update(map(first, pairs))
            terms.update(map(second, pairs))
        for s, p, o in result:
            terms.update((s, p, o))
        result.update((t, SAME_AS, t) for t in terms if t[0] != '"')
        return result

    def useful(self) -> set[Triple]:
        """The inferred triples that ``loaders.reasoning.is_useful`` keeps."""
        result: set[Triple] = set()
        for p, pairs in self.engine.derived_facts.items():
            if p[0] == "<":
                result.update((s, p, o) for s, o in pairs if useful(s, p, o))
        for c, instances in self.engine.derived_types.items():
            if c[0] != "_" and c not in TRIVIAL:
                result.update((x, TYPE, c) for x in instances if useful(x, TYPE, c))
        result.update(t for t in self.other if useful(*t))
        return result
