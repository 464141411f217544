//! `claimgraph push` against real SPARQL servers on loopback, started here: Oxigraph server
//! (`oxigraph serve`, from crates.io's oxigraph-cli) and Virtuoso Open Source (`virtuoso-t`,
//! Debian's virtuoso-opensource-7-bin). Both are installed by `scripts/setup.sh`; a missing
//! server fails the test, it is never skipped.
//!
//! Each test builds the bundled corpus, pushes it, and checks what the server holds: every quad
//! (Oxigraph, whose N-Quads dump is compared with claimgraph's export) or every graph's triple
//! count and a known triple (Virtuoso). A second push must leave the same state (PUT replaces),
//! and a wrong password must fail with the server's answer.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_claimgraph");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
const SETUP_HINT: &str = "run scripts/setup.sh, which installs oxigraph-cli and virtuoso-opensource-7-bin";
const COUNTS: &str = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g";

fn claimgraph(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("claimgraph runs")
}

fn succeed(args: &[&str]) -> String {
    let output = claimgraph(args);
    assert!(
        output.status.success(),
        "claimgraph {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Builds the bundled corpus into `dir/kg` and returns the store path.
fn build_store(dir: &Path) -> PathBuf {
    let store = dir.join("kg");
    succeed(&["build", CORPUS, "--store", store.to_str().unwrap(), "--quiet"]);
    store
}

/// The store's triple count per named graph.
fn local_counts(store: &Path) -> BTreeMap<String, usize> {
    let json: Value = serde_json::from_str(&succeed(&[
        "query",
        "--store",
        store.to_str().unwrap(),
        "--format",
        "json",
        "--expression",
        COUNTS,
    ]))
    .unwrap();
    counts_of(&json)
}

fn counts_of(json: &Value) -> BTreeMap<String, usize> {
    json["results"]["bindings"]
        .as_array()
        .expect("SPARQL JSON results")
        .iter()
        .map(|row| {
            (
                row["g"]["value"].as_str().unwrap().to_owned(),
                row["n"]["value"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A server process, killed when dropped.
struct Server {
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(program: &str, args: &[String], dir: tempfile::TempDir) -> Server {
        let log = dir.path().join("server.log");
        let child = Command::new(program)
            .args(args)
            .current_dir(dir.path())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(dir.path().join("server.err")).unwrap())
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}; {SETUP_HINT}"));
        Server { child, log, _dir: dir }
    }

    /// Waits until `query_url` answers a SPARQL ASK, for at most two minutes.
    fn wait_until_ready(&mut self, query_url: &str) {
        let started = Instant::now();
        loop {
            if ureq::get(&format!("{query_url}?query=ASK%7B%7D")).call().is_ok() {
                return;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the server exited ({status}) before it answered: {}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the server did not answer within 2 minutes"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Sends a SPARQL query to a server and returns its JSON results.
fn remote_query(endpoint: &str, query: &str) -> Value {
    let body = ureq::post(endpoint)
        .header("Accept", "application/sparql-results+json")
        .send_form([("query", query)])
        .expect("the server answers the query")
        .body_mut()
        .read_to_string()
        .unwrap();
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON results ({e}): {body}"))
}

fn push(store: &Path, endpoint: &str, graph_store: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "push",
        "--store",
        store.to_str().unwrap(),
        "--endpoint",
        endpoint,
        "--graph-store",
        graph_store,
    ];
    args.extend_from_slice(extra);
    claimgraph(&args)
}

/// The push succeeded, and said so unless it was `--quiet`.
fn assert_pushed(output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "push failed: {stderr}");
    assert!(
        stderr.is_empty() || stderr.contains("the server holds the same count in every graph"),
        "{stderr}"
    );
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect();
    lines.sort();
    lines
}

#[test]
fn push_to_oxigraph_server_copies_every_quad() {
    let work = tempfile::tempdir().unwrap();
    let store = build_store(work.path());
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let location = dir.path().join("data");
    let mut server = Server::start(
        "oxigraph",
        &[
            "serve".into(),
            "--location".into(),
            location.to_str().unwrap().into(),
            "--bind".into(),
            format!("127.0.0.1:{port}"),
        ],
        dir,
    );
    let base = format!("http://127.0.0.1:{port}");
    let (endpoint, graph_store) = (format!("{base}/query"), format!("{base}/store"));
    server.wait_until_ready(&endpoint);

    // small batches, so graphs go as a PUT and POSTs
    let first = push(&store, &endpoint, &graph_store, &["--batch-size", "500", "--jobs", "3"]);
    assert_pushed(&first);
    assert!(!first.stderr.is_empty(), "a push without --quiet reports what it sent");
    let local = succeed(&["export", "--store", store.to_str().unwrap(), "--format", "nquads"]);
    let dump = || {
        ureq::get(&graph_store)
            .header("Accept", "application/n-quads")
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    };
    let remote = dump();
    assert!(local.lines().count() > 1000, "the bundled corpus gives a real graph");
    assert_eq!(
        sorted_lines(&remote),
        sorted_lines(&local),
        "the server holds exactly the store's quads"
    );

    // a second push replaces each graph: nothing doubles
    assert_pushed(&push(&store, &endpoint, &graph_store, &["--quiet"]));
    assert_eq!(sorted_lines(&dump()), sorted_lines(&local));
}

/// Writes a minimal virtuoso.ini (database files in `dir`, both ports on loopback).
fn virtuoso_ini(dir: &Path, sql_port: u16, http_port: u16) -> PathBuf {
    let d = dir.display();
    let ini = format!(
        "[Database]\nDatabaseFile = {d}/virtuoso.db\nErrorLogFile = {d}/virtuoso.log\n\
         TransactionFile = {d}/virtuoso.trx\nxa_persistent_file = {d}/virtuoso.pxa\n\
         [TempDatabase]\nDatabaseFile = {d}/virtuoso-temp.db\nTransactionFile = {d}/virtuoso-temp.trx\n\
         [Parameters]\nServerPort = 127.0.0.1:{sql_port}\nDirsAllowed = {d}\nNumberOfBuffers = 10000\nMaxDirtyBuffers = 6000\n\
         [HTTPServer]\nServerPort = 127.0.0.1:{http_port}\nServerRoot = {d}\n\
         [SPARQL]\nResultSetMaxRows = 100000\nMaxQueryExecutionTime = 120\n"
    );
    let path = dir.join("virtuoso.ini");
    std::fs::write(&path, ini).unwrap();
    path
}

#[test]
fn push_to_virtuoso_with_digest_authentication() {
    let work = tempfile::tempdir().unwrap();
    let store = build_store(work.path());
    let (sql_port, http_port) = (free_port(), free_port());
    let dir = tempfile::tempdir().unwrap();
    let ini = virtuoso_ini(dir.path(), sql_port, http_port);
    let mut server = Server::start(
        "virtuoso-t",
        &["+configfile".into(), ini.to_str().unwrap().into(), "+foreground".into()],
        dir,
    );
    let base = format!("http://127.0.0.1:{http_port}");
    let endpoint = format!("{base}/sparql");
    let graph_store = format!("{base}/sparql-graph-crud-auth");
    server.wait_until_ready(&endpoint);

    // Virtuoso's authenticated Graph Store endpoint asks for Digest; dba/dba is a new database's account
    let wrong = push(
        &store,
        &endpoint,
        &graph_store,
        &["--user", "dba", "--password", "wrong"],
    );
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(wrong.status.code(), Some(2), "a wrong password fails: {stderr}");
    assert!(stderr.contains("HTTP 401") && stderr.contains(&graph_store), "{stderr}");

    assert_pushed(&push(
        &store,
        &endpoint,
        &graph_store,
        &["--user", "dba", "--password", "dba"],
    ));
    let local = local_counts(&store);
    let remote = counts_of(&remote_query(&endpoint, COUNTS));
    for (graph, count) in &local {
        assert_eq!(remote.get(graph), Some(count), "triples in <{graph}> on Virtuoso");
    }
    // the content arrived, not just the counts: every document is there with its source file
    let files = remote_query(
        &endpoint,
        "SELECT DISTINCT ?file WHERE { GRAPH ?g { ?d <https://w3id.org/claimgraph/ns#file> ?file } }",
    );
    assert_eq!(files["results"]["bindings"].as_array().unwrap().len(), 5, "{files}");

    // pushing again replaces every graph: the counts stay
    assert_pushed(&push(
        &store,
        &endpoint,
        &graph_store,
        &["--user", "dba", "--password", "dba", "--quiet"],
    ));
    assert_eq!(
        counts_of(&remote_query(&endpoint, COUNTS)).get(local.keys().next().unwrap()),
        local.values().next()
    );
}

#[test]
fn push_to_a_closed_port_fails_after_retries() {
    let work = tempfile::tempdir().unwrap();
    let store = build_store(work.path());
    let url = format!("http://127.0.0.1:{}/store", free_port());
    let output = push(&store, &url, &url, &["--retries", "1"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&url) && stderr.contains("after 2 tries"), "{stderr}");
}
