//! Interoperability: claimgraph's exports load in independent RDF implementations and mean the
//! same there as in claimgraph's own store.
//!
//! The bundled corpus is built twice, into two stores, and every export format is written from
//! both. Then:
//!
//! 1. rdflib (Python) parses every format; its triple count (Turtle, N-Triples, RDF/XML) equals
//!    claimgraph's count of distinct triples, its quad and named-graph counts (TriG, N-Quads,
//!    JSON-LD) equal claimgraph's, and nothing lands in rdflib's default graph.
//! 2. raptor's `rapper` parses Turtle, N-Triples and RDF/XML with the same triple count.
//! 3. serd's `serdi` parses Turtle and N-Triples (same triple count), TriG and N-Quads (same quad
//!    count).
//! 4. sophia (Rust) parses Turtle and N-Triples into isomorphic graphs, isomorphic to the graph
//!    claimgraph returns for `CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }`.
//! 5. Every bundled query run by rdflib on the TriG export returns the same rows (as a multiset)
//!    as `claimgraph query NAME --format json`.
//! 6. Every format's export is byte-identical across the two stores.
//!
//! The external tools are installed by `scripts/setup.sh`; a missing tool fails the test, it is
//! never skipped. rdflib's side lives in `tests/interop/check.py`, which prints JSON read here.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sophia::api::prelude::*;
use sophia::inmem::graph::LightGraph;
use sophia::isomorphism::isomorphic_graphs;
use sophia::turtle::parser::{nt, turtle};

const BIN: &str = env!("CARGO_BIN_EXE_claimgraph");
const CHECK_PY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/check.py");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
const SETUP_HINT: &str = "run scripts/setup.sh, which installs raptor2-utils, serdi and rdflib";

const QUADS: &str = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
const TRIPLES: &str = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }";
const GRAPHS: &str = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
const CONSTRUCT_ALL: &str = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }";

/// An export format: claimgraph's name for it, a file extension, and whether it holds named graphs.
#[derive(Debug, Clone, Copy)]
struct Format {
    name: &'static str,
    extension: &'static str,
    dataset: bool,
}

const FORMATS: [Format; 6] = [
    Format {
        name: "turtle",
        extension: "ttl",
        dataset: false,
    },
    Format {
        name: "trig",
        extension: "trig",
        dataset: true,
    },
    Format {
        name: "ntriples",
        extension: "nt",
        dataset: false,
    },
    Format {
        name: "nquads",
        extension: "nq",
        dataset: true,
    },
    Format {
        name: "rdfxml",
        extension: "rdf",
        dataset: false,
    },
    Format {
        name: "jsonld",
        extension: "jsonld",
        dataset: true,
    },
];

/// Runs a command to completion, panicking with its stderr when it cannot start or fails.
fn run(command: &mut Command) -> Output {
    let shown = format!("{command:?}");
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        output.status.success(),
        "{shown} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn claimgraph<I, S>(args: I) -> Vec<u8>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run(Command::new(BIN).args(args)).stdout
}

/// The one number a `SELECT (COUNT(..) AS ?n)` query returns, from claimgraph's JSON results.
fn count(store: &Path, sparql: &str) -> u64 {
    let json = claimgraph([
        OsStr::new("query"),
        OsStr::new("-e"),
        sparql.as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--store".as_ref(),
        store.as_os_str(),
    ]);
    let results: Value = serde_json::from_slice(&json).expect("claimgraph query --format json prints JSON");
    results["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in the results of {sparql}: {results}"))
}

/// A tool that must be there: its absence is a failure that says how to install it.
fn require_tool(program: &str, args: &[&str]) {
    match Command::new(program).args(args).stdin(Stdio::null()).output() {
        Ok(output) if output.status.success() => {}
        Ok(output) => panic!(
            "`{program} {}` failed ({}): {}{SETUP_HINT}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(e) => panic!("{program} is not available ({e}); {SETUP_HINT}"),
    }
}

/// Two stores built from the same corpus, and each one's exports.
struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    store: PathBuf,
    /// `exports[i]` is `FORMATS[i]` exported from the first store.
    exports: Vec<PathBuf>,
    /// The same from the second store.
    exports_again: Vec<PathBuf>,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path().to_owned();
        // one copy of the corpus, read by both builds
        let corpus = root.join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        let mut documents = 0;
        for entry in std::fs::read_dir(CORPUS).expect("the bundled corpus") {
            let path = entry.unwrap().path();
            if path.extension() == Some(OsStr::new("txt")) {
                std::fs::copy(&path, corpus.join(path.file_name().unwrap())).unwrap();
                documents += 1;
            }
        }
        assert!(documents > 0, "no .txt documents in {CORPUS}");

        let mut stores = Vec::new();
        let mut exports = Vec::new();
        for name in ["store-a", "store-b"] {
            let store = root.join(name);
            claimgraph([
                OsStr::new("build"),
                corpus.as_os_str(),
                "--store".as_ref(),
                store.as_os_str(),
                "-q".as_ref(),
            ]);
            let out = root.join(format!("export-{name}"));
            std::fs::create_dir(&out).unwrap();
            let mut files = Vec::new();
            for format in FORMATS {
                let file = out.join(format!("export.{}", format.extension));
                claimgraph([
                    OsStr::new("export"),
                    "--store".as_ref(),
                    store.as_os_str(),
                    "--format".as_ref(),
                    format.name.as_ref(),
                    "-o".as_ref(),
                    file.as_os_str(),
                ]);
                files.push(file);
            }
            stores.push(store);
            exports.push(files);
        }
        let exports_again = exports.pop().unwrap();
        let exports = exports.pop().unwrap();
        Fixture {
            _dir: dir,
            root,
            store: stores.swap_remove(0),
            exports,
            exports_again,
        }
    }

    fn export(&self, name: &str) -> &Path {
        let index = FORMATS.iter().position(|f| f.name == name).expect("a known format");
        &self.exports[index]
    }
}

/// claimgraph's own counts.
struct Counts {
    quads: u64,
    triples: u64,
    graphs: u64,
}

/// Collects failures so that one run reports every check that failed, not only the first.
#[derive(Default)]
struct Report {
    lines: String,
    failures: Vec<String>,
}

impl Report {
    fn check(&mut self, ok: bool, what: impl std::fmt::Display) {
        let _ = writeln!(self.lines, "{} {what}", if ok { "ok  " } else { "FAIL" });
        if !ok {
            self.failures.push(what.to_string());
        }
    }
}

/// 1 and 5: rdflib loads every format with the right counts, and runs every bundled query on the
/// TriG export with claimgraph's results.
fn check_rdflib(fixture: &Fixture, counts: &Counts, report: &mut Report) {
    // what claimgraph answers to each bundled query, and the query's text
    let list = String::from_utf8(claimgraph(["query", "--list"])).unwrap();
    let names: Vec<&str> = list.lines().filter_map(|line| line.split_whitespace().next()).collect();
    assert!(!names.is_empty(), "claimgraph query --list lists no query");
    let queries = fixture.root.join("queries");
    std::fs::create_dir(&queries).unwrap();
    let mut command = Command::new("python3");
    command.arg(CHECK_PY);
    for (format, file) in FORMATS.iter().zip(&fixture.exports) {
        command.arg("--export").arg(format.name).arg(file);
    }
    for name in &names {
        let text = queries.join(format!("{name}.rq"));
        std::fs::write(&text, claimgraph(["query", *name, "--show"])).unwrap();
        let expected = queries.join(format!("{name}.json"));
        let results = claimgraph([
            OsStr::new("query"),
            name.as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--store".as_ref(),
            fixture.store.as_os_str(),
        ]);
        std::fs::write(&expected, results).unwrap();
        command.arg("--query").arg(name).arg(&text).arg(&expected);
    }
    command.arg("--query-data").arg("trig");

    let output = match command.stdin(Stdio::null()).output() {
        Ok(output) => output,
        Err(e) => panic!("python3 is not available ({e}); {SETUP_HINT}"),
    };
    assert!(
        output.status.success(),
        "tests/interop/check.py failed ({}); {SETUP_HINT}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "check.py printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    let version = result["rdflib"].as_str().unwrap_or("?");

    for format in FORMATS {
        let got = &result["exports"][format.name];
        if got["ok"] != Value::Bool(true) {
            report.check(
                false,
                format!(
                    "rdflib {version} cannot parse the {} export: {}\n{}",
                    format.name,
                    got["error"],
                    got["traceback"].as_str().unwrap_or("")
                ),
            );
            continue;
        }
        let field = |key: &str| got[key].as_u64().unwrap_or(u64::MAX);
        if format.dataset {
            report.check(
                field("quads") == counts.quads,
                format!(
                    "rdflib {}: {} quads, claimgraph {}",
                    format.name,
                    field("quads"),
                    counts.quads
                ),
            );
            report.check(
                field("named_graphs") == counts.graphs,
                format!(
                    "rdflib {}: {} named graphs, claimgraph {}",
                    format.name,
                    field("named_graphs"),
                    counts.graphs
                ),
            );
            report.check(
                field("default_graph_triples") == 0,
                format!(
                    "rdflib {}: {} triples in the default graph, expected none",
                    format.name,
                    field("default_graph_triples")
                ),
            );
            report.check(
                field("distinct_triples") == counts.triples,
                format!(
                    "rdflib {}: {} distinct triples, claimgraph {}",
                    format.name,
                    field("distinct_triples"),
                    counts.triples
                ),
            );
        } else {
            report.check(
                field("default_graph_triples") == counts.triples,
                format!(
                    "rdflib {}: {} triples, claimgraph {} distinct triples",
                    format.name,
                    field("default_graph_triples"),
                    counts.triples
                ),
            );
        }
    }

    let mut total_rows = 0;
    for name in &names {
        let got = &result["queries"][*name];
        if got["ok"] != Value::Bool(true) {
            report.check(
                false,
                format!(
                    "rdflib cannot run query '{name}': {}\n{}",
                    got["error"],
                    got["traceback"].as_str().unwrap_or("")
                ),
            );
            continue;
        }
        let rows = got["claimgraph_rows"].as_u64().unwrap_or(0);
        total_rows += rows;
        let equal = got["equal"] == Value::Bool(true);
        let mut what = format!(
            "query '{name}': claimgraph {rows} rows, rdflib {} rows",
            got["rdflib_rows"]
        );
        if !equal {
            let _ = write!(
                what,
                "\n  variables: claimgraph {} rdflib {}\n  {} rows only in claimgraph's results, e.g. {}\n  {} rows only in rdflib's, e.g. {}",
                got["claimgraph_vars"],
                got["rdflib_vars"],
                got["only_claimgraph_count"],
                got["only_claimgraph"],
                got["only_rdflib_count"],
                got["only_rdflib"],
            );
        }
        report.check(equal, what);
    }
    report.check(
        total_rows > 0,
        format!("bundled queries return {total_rows} rows in all (the comparison needs some)"),
    );
}

/// The number after "returned" in rapper's `-c` report.
fn rapper_count(stderr: &str) -> Option<u64> {
    let rest = &stderr[stderr.find("returned ")? + "returned ".len()..];
    rest.split_whitespace().next()?.parse().ok()
}

/// 2: raptor's rapper counts the same triples.
fn check_rapper(fixture: &Fixture, counts: &Counts, report: &mut Report) {
    for (format, rapper_format) in [("turtle", "turtle"), ("ntriples", "ntriples"), ("rdfxml", "rdfxml")] {
        let output = Command::new("rapper")
            .args(["-c", "-i", rapper_format])
            .arg(fixture.export(format))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("rapper is not available ({e}); {SETUP_HINT}"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let complaints: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("rapper: Error") || l.starts_with("rapper: Warning"))
            .collect();
        report.check(
            output.status.success() && complaints.is_empty(),
            format!(
                "rapper parses the {format} export cleanly ({}){}",
                output.status,
                complaints.iter().map(|l| format!("\n  {l}")).collect::<String>()
            ),
        );
        let n = rapper_count(&stderr);
        report.check(
            n == Some(counts.triples),
            format!(
                "rapper {format}: {n:?} triples, claimgraph {} distinct triples",
                counts.triples
            ),
        );
    }
}

/// 3: serd's serdi counts the same triples and quads.
fn check_serdi(fixture: &Fixture, counts: &Counts, report: &mut Report) {
    for (format, input, output_syntax, expected, what) in [
        ("turtle", "turtle", "ntriples", counts.triples, "triples"),
        ("ntriples", "ntriples", "ntriples", counts.triples, "triples"),
        ("trig", "trig", "nquads", counts.quads, "quads"),
        ("nquads", "nquads", "nquads", counts.quads, "quads"),
    ] {
        let output = Command::new("serdi")
            .args(["-i", input, "-o", output_syntax])
            .arg(fixture.export(format))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("serdi is not available ({e}); {SETUP_HINT}"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        report.check(
            output.status.success() && stderr.trim().is_empty(),
            format!(
                "serdi parses the {format} export cleanly ({}){}",
                output.status,
                stderr.lines().take(5).map(|l| format!("\n  {l}")).collect::<String>()
            ),
        );
        let lines = output.stdout.iter().filter(|&&b| b == b'\n').count() as u64;
        report.check(
            lines == expected,
            format!("serdi {format}: {lines} {what}, claimgraph {expected}"),
        );
    }
}

fn sophia_graph(what: &str, text: &str, ntriples: bool, report: &mut Report) -> Option<LightGraph> {
    let parsed: Result<LightGraph, _> = if ntriples {
        nt::parse_str(text).collect_triples()
    } else {
        turtle::parse_str(text).collect_triples()
    };
    match parsed {
        Ok(graph) => Some(graph),
        Err(e) => {
            report.check(false, format!("sophia cannot parse {what}: {e}"));
            None
        }
    }
}

/// 4: sophia sees the same graph in the Turtle and N-Triples exports as claimgraph holds.
fn check_sophia(fixture: &Fixture, counts: &Counts, report: &mut Report) {
    let read = |name: &str| std::fs::read_to_string(fixture.export(name)).unwrap();
    let constructed = String::from_utf8(claimgraph([
        OsStr::new("query"),
        "-e".as_ref(),
        CONSTRUCT_ALL.as_ref(),
        "--store".as_ref(),
        fixture.store.as_os_str(),
    ]))
    .expect("CONSTRUCT results are UTF-8");
    let turtle_export = sophia_graph("the Turtle export", &read("turtle"), false, report);
    let nt_export = sophia_graph("the N-Triples export", &read("ntriples"), true, report);
    let held = sophia_graph("claimgraph's CONSTRUCT output", &constructed, false, report);
    let (Some(turtle_export), Some(nt_export), Some(held)) = (turtle_export, nt_export, held) else {
        return;
    };

    for (what, graph) in [
        ("Turtle export", &turtle_export),
        ("N-Triples export", &nt_export),
        ("CONSTRUCT output", &held),
    ] {
        let n = graph.triples().count() as u64;
        report.check(
            n == counts.triples,
            format!(
                "sophia {what}: {n} triples, claimgraph {} distinct triples",
                counts.triples
            ),
        );
    }
    let iso = |a: &LightGraph, b: &LightGraph| isomorphic_graphs(a, b).map_err(|e| e.to_string());
    let turtle_nt = iso(&turtle_export, &nt_export);
    report.check(
        turtle_nt == Ok(true),
        format!("sophia: Turtle export isomorphic to N-Triples export: {turtle_nt:?}"),
    );
    let turtle_held = iso(&turtle_export, &held);
    report.check(
        turtle_held == Ok(true),
        format!("sophia: Turtle export isomorphic to the graph claimgraph holds (CONSTRUCT): {turtle_held:?}"),
    );
}

/// 6: the same corpus built into two stores exports byte for byte the same, in every format.
fn check_reproducible(fixture: &Fixture, report: &mut Report) {
    for ((format, a), b) in FORMATS.iter().zip(&fixture.exports).zip(&fixture.exports_again) {
        let (a, b) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
        let mut what = format!(
            "{} export byte-identical across two builds ({} and {} bytes)",
            format.name,
            a.len(),
            b.len()
        );
        if a != b {
            let (a, b) = (String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
            if let Some((i, (x, y))) = a.lines().zip(b.lines()).enumerate().find(|(_, (x, y))| x != y) {
                let _ = write!(what, "\n  first difference at line {}:\n  - {x}\n  + {y}", i + 1);
            }
        }
        report.check(a == b && !a.is_empty(), what);
    }
}

#[test]
fn exports_load_in_independent_rdf_implementations() {
    // the tools first, so that a missing one fails at once with how to get it
    require_tool("python3", &["-c", "import rdflib"]);
    require_tool("rapper", &["--version"]);
    require_tool("serdi", &["-v"]);

    let fixture = Fixture::new();
    let counts = Counts {
        quads: count(&fixture.store, QUADS),
        triples: count(&fixture.store, TRIPLES),
        graphs: count(&fixture.store, GRAPHS),
    };
    assert!(
        counts.triples > 0 && counts.triples <= counts.quads && counts.graphs > 1,
        "implausible store: {} quads, {} distinct triples, {} graphs",
        counts.quads,
        counts.triples,
        counts.graphs
    );

    let mut report = Report::default();
    let _ = writeln!(
        report.lines,
        "claimgraph: {} quads in {} named graphs, {} distinct triples",
        counts.quads, counts.graphs, counts.triples
    );
    check_reproducible(&fixture, &mut report);
    check_rdflib(&fixture, &counts, &mut report);
    check_rapper(&fixture, &counts, &mut report);
    check_serdi(&fixture, &counts, &mut report);
    check_sophia(&fixture, &counts, &mut report);

    println!("{}", report.lines);
    assert!(
        report.failures.is_empty(),
        "{} interop check(s) failed:\n\n{}\n\nall checks:\n{}",
        report.failures.len(),
        report.failures.join("\n\n"),
        report.lines
    );
}
