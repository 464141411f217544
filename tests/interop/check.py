#!/usr/bin/env python3
"""Loads claimgraph's exports and runs its bundled queries with rdflib, an independent RDF
implementation, for tests/interop.rs.

It does not judge: it prints one JSON document on standard output with what rdflib found, and
the Rust test compares that with what claimgraph says. It exits non-zero only when it cannot run
at all (rdflib missing, bad arguments); a file rdflib cannot parse or a query it cannot run is
reported in the JSON as {"ok": false, "error": ...}.

    check.py --export turtle out.ttl --export trig out.trig ... \
             --query entities entities.rq entities.json ... [--query-data trig]

Output:

    {"rdflib": "7.6.0",
     "exports": {FORMAT: {"ok": true, "named_graphs": N, "quads": N, "default_graph_triples": N,
                          "distinct_triples": N, "blank_nodes": N}},
     "queries": {NAME: {"ok": true, "equal": bool, "claimgraph_rows": N, "rdflib_rows": N,
                        "claimgraph_vars": [...], "rdflib_vars": [...],
                        "only_claimgraph": [ROW...], "only_rdflib": [ROW...]}}}

For a graph format (turtle, ntriples, rdfxml) everything is in the default graph: "quads" is 0 and
"default_graph_triples" is the triple count.

Query rows are compared as multisets of {variable: value}: IRIs by their string, literals by their
lexical form (datatype and language tag are not compared), numeric literals by their value.
"""

import argparse
import json
import sys
import traceback
from collections import Counter
from decimal import Decimal, InvalidOperation

try:
    import rdflib
    from rdflib import BNode, Dataset, Graph, Literal, URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
except ImportError as error:  # the Rust test turns this into a failure naming scripts/setup.sh
    print(f"check.py: cannot import rdflib ({error}); run scripts/setup.sh", file=sys.stderr)
    sys.exit(3)

# Keep literals' lexical forms as written: rdflib otherwise rewrites them to its own canonical
# form ("2024-03-01T00:00:00Z"^^xsd:dateTime becomes "...+00:00", "05"^^xsd:integer becomes "5"),
# which would make query values differ from claimgraph's and could merge distinct triples.
rdflib.NORMALIZE_LITERALS = False

# claimgraph's format names → rdflib's parser names
RDFLIB_FORMATS = {
    "turtle": "turtle",
    "ntriples": "nt",
    "rdfxml": "xml",
    "trig": "trig",
    "nquads": "nquads",
    "jsonld": "json-ld",
}
DATASET_FORMATS = {"trig", "nquads", "jsonld"}

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC_DATATYPES = {
    XSD + name
    for name in (
        "integer", "decimal", "float", "double", "long", "int", "short", "byte",
        "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
        "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}


def load(fmt, path, default_union=False):
    """Parses `path` in claimgraph's format `fmt`: a Dataset for the formats with named graphs,
    a Graph for the others."""
    if fmt in DATASET_FORMATS:
        data = Dataset(default_union=default_union)
    else:
        data = Graph()
    data.parse(path, format=RDFLIB_FORMATS[fmt])
    return data


def count(fmt, path):
    data = load(fmt, path)
    graphs = data.graphs() if isinstance(data, Dataset) else [data]
    named_graphs = 0
    quads = 0
    default_triples = 0
    distinct = set()
    blank = set()
    for graph in graphs:
        size = len(graph)
        if not isinstance(data, Dataset) or graph.identifier == DATASET_DEFAULT_GRAPH_ID:
            default_triples += size
        elif size > 0:
            named_graphs += 1
            quads += size
        for triple in graph:
            distinct.add(triple)
            blank.update(term for term in triple if isinstance(term, BNode))
        if isinstance(data, Dataset) and isinstance(graph.identifier, BNode):
            blank.add(graph.identifier)
    return {
        "ok": True,
        "named_graphs": named_graphs,
        "quads": quads,
        "default_graph_triples": default_triples,
        "distinct_triples": len(distinct),
        "blank_nodes": len(blank),
    }


def numeric(lexical):
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return None
    if value.is_nan():
        return "NaN"
    if value.is_infinite():
        return "INF" if value > 0 else "-INF"
    return str(value.normalize())


def value_from_json(binding):
    """A SPARQL 1.1 Query Results JSON binding → a comparable (kind, value)."""
    kind = binding["type"]
    if kind == "uri":
        return ("iri", binding["value"])
    if kind == "bnode":
        return ("bnode", binding["value"])
    if kind in ("literal", "typed-literal"):
        if binding.get("datatype") in NUMERIC_DATATYPES:
            number = numeric(binding["value"])
            if number is not None:
                return ("number", number)
        return ("literal", binding["value"])
    raise ValueError(f"unknown binding type {kind!r}")


def value_from_rdflib(term):
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode", str(term))
    if isinstance(term, Literal):
        if term.datatype is not None and str(term.datatype) in NUMERIC_DATATYPES:
            number = numeric(str(term))
            if number is not None:
                return ("number", number)
        return ("literal", str(term))
    raise ValueError(f"unexpected term {term!r}")


def row_key(row):
    return tuple(sorted(row.items()))


def show(row):
    return {var: f"<{value}>" if kind == "iri" else value for var, (kind, value) in sorted(row.items())}


def compare_query(dataset, query_path, expected_path, sample):
    with open(query_path, encoding="utf-8") as file:
        text = file.read()
    with open(expected_path, encoding="utf-8") as file:
        expected = json.load(file)
    expected_vars = expected["head"].get("vars", [])
    expected_rows = Counter(
        row_key({var: value_from_json(b) for var, b in binding.items()})
        for binding in expected["results"]["bindings"]
    )

    result = dataset.query(text)
    rdflib_vars = [str(var) for var in (result.vars or [])]
    rdflib_rows = Counter()
    for row in result:
        values = {}
        for var in result.vars:
            term = row[var]
            if term is not None:
                values[str(var)] = value_from_rdflib(term)
        rdflib_rows[row_key(values)] += 1

    only_claimgraph = expected_rows - rdflib_rows
    only_rdflib = rdflib_rows - expected_rows
    return {
        "ok": True,
        "equal": not only_claimgraph and not only_rdflib and expected_vars == rdflib_vars,
        "claimgraph_rows": sum(expected_rows.values()),
        "rdflib_rows": sum(rdflib_rows.values()),
        "claimgraph_vars": expected_vars,
        "rdflib_vars": rdflib_vars,
        "only_claimgraph_count": sum(only_claimgraph.values()),
        "only_rdflib_count": sum(only_rdflib.values()),
        "only_claimgraph": [show(dict(key)) for key in list(only_claimgraph.elements())[:sample]],
        "only_rdflib": [show(dict(key)) for key in list(only_rdflib.elements())[:sample]],
    }


def failure(error):
    return {"ok": False, "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc(limit=4)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--export", nargs=2, action="append", default=[], metavar=("FORMAT", "FILE"),
                        help=f"an export to load; FORMAT is one of {', '.join(RDFLIB_FORMATS)}")
    parser.add_argument("--query", nargs=3, action="append", default=[], metavar=("NAME", "RQ", "EXPECTED_JSON"),
                        help="a query to run on the --query-data export, and claimgraph's results for it")
    parser.add_argument("--query-data", default="trig", metavar="FORMAT",
                        help="which --export the queries run on (default: trig), its named graphs' union as the default graph")
    parser.add_argument("--sample", type=int, default=5, help="differing rows to show per query (default: 5)")
    args = parser.parse_args()

    for fmt, _ in args.export:
        if fmt not in RDFLIB_FORMATS:
            parser.error(f"unknown format {fmt!r}")
    exports = dict(args.export)
    if args.query and args.query_data not in exports:
        parser.error(f"--query needs --export {args.query_data} FILE")

    report = {"rdflib": rdflib.__version__, "exports": {}, "queries": {}}
    for fmt, path in args.export:
        try:
            report["exports"][fmt] = count(fmt, path)
        except Exception as error:  # reported, judged by the Rust test
            report["exports"][fmt] = failure(error)

    if args.query:
        try:
            # the union of the named graphs as the default graph, as claimgraph queries its store
            dataset = load(args.query_data, exports[args.query_data], default_union=True)
        except Exception as error:
            dataset = None
            for name, _, _ in args.query:
                report["queries"][name] = failure(error)
        if dataset is not None:
            for name, query_path, expected_path in args.query:
                try:
                    report["queries"][name] = compare_query(dataset, query_path, expected_path, args.sample)
                except Exception as error:
                    report["queries"][name] = failure(error)

    json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
