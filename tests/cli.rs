//! Tests of the real `claimgraph` binary: building, querying, exporting, incremental rebuilds,
//! bad input and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_claimgraph");

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn ok(args: &[&str]) -> String {
    let output = run(args);
    assert!(
        output.status.success(),
        "claimgraph {args:?} failed: {}",
        stderr(&output)
    );
    stdout(&output)
}

fn build(store: &Path, paths: &[&Path]) -> Output {
    let mut args: Vec<String> = vec!["build".into()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    args.extend(["--store".into(), store.display().to_string()]);
    Command::new(BIN).args(&args).output().expect("the binary runs")
}

fn json_rows(store: &Path, query: &str) -> Vec<serde_json::Value> {
    let text = ok(&["query", query, "--store", store.to_str().unwrap(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&text).expect("query prints SPARQL JSON results");
    doc["results"]["bindings"].as_array().expect("bindings").clone()
}

fn export(store: &Path, format: &str) -> Vec<u8> {
    let output = run(&["export", "--store", store.to_str().unwrap(), "--format", format]);
    assert!(output.status.success(), "export {format} failed: {}", stderr(&output));
    output.stdout
}

/// Asserts two exports are the same bytes, showing the first line that differs if not.
fn assert_same(a: &[u8], b: &[u8], what: &str) {
    if a != b {
        let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(a.lines().count().min(b.lines().count()));
        panic!(
            "{what}: outputs differ ({} vs {} lines), first at line {}:\n  {:?}\n  {:?}",
            a.lines().count(),
            b.lines().count(),
            line + 1,
            a.lines().nth(line),
            b.lines().nth(line)
        );
    }
}

fn copy_corpus(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "txt") {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn builds_the_bundled_corpus_and_answers_the_bundled_queries() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kg.db");
    let output = build(&store, &[&corpus()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let summary = stderr(&output);
    assert!(summary.contains("5 documents (5 added"), "summary: {summary}");
    for word in ["sentences", "entities", "attributions", "events", "quads", " s"] {
        assert!(summary.contains(word), "summary lacks {word}: {summary}");
    }

    let attributions = json_rows(&store, "attributions");
    assert!(attributions.len() >= 20, "only {} attributions", attributions.len());
    for row in &attributions {
        for variable in [
            "file",
            "sentence",
            "speaker",
            "speakerLabel",
            "stance",
            "polarity",
            "content",
            "cue",
        ] {
            assert!(
                row.get(variable).is_some(),
                "attribution row without ?{variable}: {row}"
            );
        }
        let sentence = row["sentence"]["value"].as_str().unwrap();
        assert!(!sentence.is_empty());
    }
    assert!(attributions.iter().any(|r| r["polarity"]["value"] == "negative"));
    assert!(
        attributions
            .iter()
            .any(|r| r["stance"]["value"].as_str().unwrap().ends_with("#Deny"))
    );

    let entities = json_rows(&store, "entities");
    assert!(entities.len() >= 20, "only {} entity rows", entities.len());
    let events = json_rows(&store, "events");
    assert!(!events.is_empty(), "no events");
    assert!(events.iter().any(|r| r.get("date").is_some()), "no dated event");

    let contradictions = json_rows(&store, "contradictions");
    assert!(!contradictions.is_empty(), "the bundled corpus has contradictions");
    for row in &contradictions {
        assert_ne!(
            row["affirmer"]["value"], row["denier"]["value"],
            "a speaker contradicts itself: {row}"
        );
    }

    // clause triples, linked to entities and, inside reported speech, to their speaker
    let relations = json_rows(&store, "relations");
    assert!(relations.len() >= 100, "only {} relations", relations.len());
    assert!(relations.iter().any(|r| r["polarity"]["value"] == "negative"));
    assert!(relations.iter().any(|r| r.get("subjectLabel").is_some()));
    assert!(relations.iter().any(|r| r.get("speaker").is_some()));

    // a speaker written as a pronoun or description carries the rule that resolved it
    assert!(attributions.iter().any(|r| {
        r["speakerText"]["value"] == "the Kremlin official" && r["speakerResolution"]["value"] == "resolve/description"
    }));
    assert!(
        attributions
            .iter()
            .any(|r| r["speakerResolution"]["value"] == "resolve/pronoun")
    );

    // documents the articles mention, with their creator and how later mentions were tied to them
    let documents = json_rows(&store, "documents");
    assert!(
        documents
            .iter()
            .any(|r| { r["kind"]["value"] == "response" && r["mention"]["value"] == "a written response" })
    );
    assert!(
        documents
            .iter()
            .any(|r| r["rule"]["value"] == "resolve/document-reference")
    );
    assert!(
        documents
            .iter()
            .any(|r| { r["kind"]["value"] == "response" && r["creatorLabel"]["value"] == "Russia" })
    );

    for name in [
        "provenance",
        "timeline",
        "corroborations",
        "outlets",
        "who-said-what-about",
    ] {
        let rows = json_rows(&store, name);
        assert!(
            !rows.is_empty(),
            "bundled query {name} returns nothing on the bundled corpus"
        );
    }
}

#[test]
fn provenance_offsets_point_at_the_sentence_in_the_document_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kg.db");
    assert!(build(&store, &[&corpus()]).status.success());
    let query = "SELECT ?text ?begin ?end ?anchor WHERE { ?s a nif:Sentence ; nif:beginIndex ?begin ; \
        nif:endIndex ?end ; nif:anchorOf ?anchor ; nif:referenceContext ?d . ?d nif:isString ?text }";
    let text = ok(&[
        "query",
        "-e",
        query,
        "--store",
        store.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = doc["results"]["bindings"].as_array().unwrap();
    assert!(rows.len() > 50);
    for row in rows {
        let text: Vec<char> = row["text"]["value"].as_str().unwrap().chars().collect();
        let begin: usize = row["begin"]["value"].as_str().unwrap().parse().unwrap();
        let end: usize = row["end"]["value"].as_str().unwrap().parse().unwrap();
        let slice: String = text[begin..end].iter().collect();
        assert_eq!(slice, row["anchor"]["value"].as_str().unwrap());
    }
}

#[test]
fn exports_are_byte_identical_across_builds_and_have_no_blank_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(build(&a, &[&corpus()]).status.success());
    assert!(build(&b, &[&corpus()]).status.success());
    for format in ["turtle", "trig", "ntriples", "nquads", "rdfxml", "jsonld"] {
        let first = export(&a, format);
        assert!(first.len() > 10_000, "{format} export is tiny");
        assert_same(&first, &export(&b, format), &format!("{format} exports of two builds"));
    }
    let nquads = export(&a, "nquads");
    for quad in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NQuads).for_slice(&nquads) {
        let quad = quad.expect("the N-Quads export parses");
        let blank = quad.subject.is_blank_node() || quad.object.is_blank_node() || quad.graph_name.is_blank_node();
        assert!(!blank, "blank node in export: {quad}");
    }
    let turtle = String::from_utf8(export(&a, "turtle")).unwrap();
    assert!(
        turtle.contains("@prefix cg: <https://w3id.org/claimgraph/ns#>"),
        "turtle lacks the ontology prefix"
    );
    assert!(turtle.contains("cg:denies"), "turtle lacks the direct stance triples");
}

#[test]
fn model_option_analyzes_with_a_model_file_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let (default, explicit) = (dir.path().join("default"), dir.path().join("explicit"));
    assert!(build(&default, &[&corpus()]).status.success());
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/en_ewt.model");
    let store = explicit.display().to_string();
    let corpus = corpus().display().to_string();
    ok(&[
        "build",
        &corpus,
        "--store",
        &store,
        "--model",
        &shipped.display().to_string(),
        "-q",
    ]);
    assert_same(
        &export(&default, "nquads"),
        &export(&explicit, "nquads"),
        "exports with the embedded model and with its file",
    );
    let bad = dir.path().join("bad");
    let readme = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("README.md")
        .display()
        .to_string();
    let output = run(&[
        "build",
        &corpus,
        "--store",
        &bad.display().to_string(),
        "--model",
        &readme,
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("README.md: not a usable model"),
        "{}",
        stderr(&output)
    );
    assert!(!bad.exists(), "a store was created before the model was read");
}

#[test]
fn export_writes_a_file_with_o() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kg.db");
    assert!(build(&store, &[&corpus()]).status.success());
    let out = dir.path().join("kg.ttl");
    ok(&[
        "export",
        "--store",
        store.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let written = std::fs::read(&out).unwrap();
    assert_same(&written, &export(&store, "turtle"), "export -o");
    // a pipe (or a device, like /dev/null) is written, not replaced by a file renamed over it
    let fifo = dir.path().join("kg.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    ok(&[
        "export",
        "--store",
        store.to_str().unwrap(),
        "-o",
        fifo.to_str().unwrap(),
    ]);
    {
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
            "the pipe was replaced"
        );
    }
    assert_same(&reader.join().unwrap(), &written, "export -o FIFO");
    for format in ["turtle", "nquads"] {
        let on_one_thread = ok(&[
            "export",
            "--store",
            store.to_str().unwrap(),
            "--format",
            format,
            "-j",
            "1",
        ]);
        assert_same(on_one_thread.as_bytes(), &export(&store, format), "export -j 1");
    }

    // a temporary directory that is not there is named before anything is written
    let missing = dir.path().join("no-such-dir");
    let other = dir.path().join("other.ttl");
    let failed = run(&[
        "export",
        "--store",
        store.to_str().unwrap(),
        "-o",
        other.to_str().unwrap(),
        "--temp-dir",
        missing.to_str().unwrap(),
    ]);
    assert!(!failed.status.success());
    assert!(
        stderr(&failed).contains("no-such-dir: not a directory"),
        "{}",
        stderr(&failed)
    );
    assert!(!other.exists() && !other.with_extension("partial").exists());
}

#[test]
fn rebuilding_is_incremental() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    copy_corpus(&articles);
    let store = dir.path().join("kg.db");
    let first = build(&store, &[&articles]);
    assert!(first.status.success());
    assert!(stderr(&first).contains("s of them deriving)"), "{}", stderr(&first));
    let before = export(&store, "nquads");

    let again = build(&store, &[&articles]);
    assert!(again.status.success());
    assert!(
        stderr(&again).contains("0 added, 0 replaced, 5 unchanged"),
        "{}",
        stderr(&again)
    );
    // nothing changed, so the derived graph was left as it was
    assert!(!stderr(&again).contains("deriving"), "{}", stderr(&again));
    assert_same(&before, &export(&store, "nquads"), "rebuilding the same corpus");

    // a build stopped while deriving leaves the store marked; the next one derives again
    let derived_quads = |store: &Path| {
        let kg = claimgraph::store::Store::open_existing(store).unwrap();
        let derived = kg.mapper().derived_graph();
        kg.oxigraph()
            .quads_for_pattern(None, None, None, Some(derived.as_ref().into()))
            .count()
    };
    let full = derived_quads(&store);
    {
        let kg = claimgraph::store::Store::open_existing(&store).unwrap();
        kg.oxigraph().clear_graph(kg.mapper().derived_graph().as_ref()).unwrap();
    }
    let marker = store.join("claimgraph.json");
    let text = std::fs::read_to_string(&marker).unwrap();
    std::fs::write(
        &marker,
        text.replace("\"base\"", "\"derive_pending\": true,\n  \"base\""),
    )
    .unwrap();
    assert_eq!(derived_quads(&store), 0);
    assert!(build(&store, &[&articles]).status.success());
    assert_eq!(derived_quads(&store), full, "the derived graph was recomputed");
    assert!(!std::fs::read_to_string(&marker).unwrap().contains("derive_pending"));
    assert_same(
        &before,
        &export(&store, "nquads"),
        "rebuilding after an interrupted derive",
    );

    // one edited file replaces only its own graph
    let edited = articles.join("004_e8df3a3c245efa1e.txt");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, text.replace("Lavrov", "Lavrov's deputy")).unwrap();
    let after_edit = build(&store, &[&articles]);
    assert!(
        stderr(&after_edit).contains("0 added, 1 replaced, 4 unchanged"),
        "{}",
        stderr(&after_edit)
    );
    let stats = ok(&["stats", "--store", store.to_str().unwrap()]);
    assert!(stats.contains("5 documents"), "{stats}");

    // a new file is added
    std::fs::write(
        articles.join("new.txt"),
        "WASHINGTON (AP) — The minister said on Monday that talks would resume.\n",
    )
    .unwrap();
    let with_new = build(&store, &[&articles]);
    assert!(
        stderr(&with_new).contains("1 added, 0 replaced, 5 unchanged"),
        "{}",
        stderr(&with_new)
    );
}

#[test]
fn reads_articles_from_standard_input_and_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kg.db");
    let mut child = Command::new(BIN)
        .args(["build", "-", "--store", store.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Officials said on Tuesday that the talks had failed. The minister denied it.\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("1 documents (1 added"), "{}", stderr(&output));

    let jsonl = dir.path().join("news.jsonl");
    std::fs::write(
        &jsonl,
        concat!(
            r#"{"id":"a1","url":"https://example.org/a1","title":"Talks","outlet":"Example News","date":"2023-03-02","text":"The minister said on Monday that the talks had failed."}"#,
            "\n",
            r#"{"id":"a2","title":"Deal","date":"2023-03-03","text":"The spokesperson denied that a deal had been signed."}"#,
            "\n"
        ),
    )
    .unwrap();
    let output = build(&store, &[&jsonl]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("2 documents (2 added"), "{}", stderr(&output));
    let rows = json_rows(&store, "provenance");
    assert!(rows.iter().all(|r| r.get("file").is_some()));
}

#[test]
fn memory_build_runs_a_query_without_a_store_directory() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .current_dir(dir.path())
        .args([
            "build",
            corpus().to_str().unwrap(),
            "--memory",
            "--query",
            "contradictions",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).lines().count() > 1, "no contradictions printed");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "--memory wrote files"
    );
}

#[test]
fn query_list_shows_every_bundled_query_with_its_description() {
    let listing = ok(&["query", "--list"]);
    for name in [
        "entities",
        "attributions",
        "events",
        "contradictions",
        "provenance",
        "timeline",
        "corroborations",
    ] {
        let line = listing
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} not listed"));
        assert!(line.len() > name.len() + 10, "{name} has no description: {line}");
    }
}

#[test]
fn query_formats_and_construct_as_turtle() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kg.db");
    assert!(build(&store, &[&corpus()]).status.success());
    let s = store.to_str().unwrap();
    let csv = ok(&["query", "entities", "--store", s, "--format", "csv"]);
    assert!(csv.starts_with("entity,label,type,alias"), "{csv}");
    let tsv = ok(&["query", "entities", "--store", s, "--format", "tsv"]);
    assert!(tsv.starts_with("?entity\t?label\t?type\t?alias"), "{tsv}");
    let xml = ok(&["query", "entities", "--store", s, "--format", "xml"]);
    assert!(xml.contains("<sparql"), "{xml}");
    let table = ok(&["query", "entities", "--store", s, "--format", "table"]);
    assert!(table.lines().next().unwrap().starts_with("entity"));
    assert!(table.contains("rows)"));
    let turtle = ok(&[
        "query",
        "-e",
        "CONSTRUCT { ?s cg:denies ?o } WHERE { ?s cg:denies ?o }",
        "--store",
        s,
    ]);
    assert!(turtle.contains("cg:denies"), "{turtle}");
    let file = dir.path().join("q.rq");
    std::fs::write(&file, "ASK { ?s a cg:Attribution }").unwrap();
    assert_eq!(
        ok(&["query", "-f", file.to_str().unwrap(), "--store", s]).trim(),
        "true"
    );
}

#[test]
fn a_query_that_does_not_parse_gets_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kg.db");
    assert!(build(&store, &[&corpus()]).status.success());
    let output = run(&[
        "query",
        "-e",
        "SELECT ?x WHERE {\n  ?x ?y \n}",
        "--store",
        store.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.starts_with("error: "), "{message}");
    assert!(
        message.contains("3:") || message.contains("line 3"),
        "no line/column in: {message}"
    );
    assert_eq!(
        message.matches("expected").count(),
        1,
        "the parser's message is printed once: {message}"
    );
    let unknown = run(&["query", "no-such-query", "--store", store.to_str().unwrap()]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no bundled query named 'no-such-query'"));
}

#[test]
fn stats_and_explain_show_counts_and_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kg.db");
    assert!(build(&store, &[&corpus()]).status.success());
    let s = store.to_str().unwrap();
    let stats = ok(&["stats", "--store", s]);
    assert!(stats.contains("5 documents"), "{stats}");
    assert!(stats.contains("cg:Attribution"), "{stats}");
    assert!(stats.contains("000_5ebada6ba4a2c999.txt"), "{stats}");

    let contradiction = json_rows(&store, "contradictions")[0]["contradiction"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let explained = ok(&["explain", &contradiction, "--store", s]);
    assert!(
        explained.contains("affirmation:") && explained.contains("denial:"),
        "{explained}"
    );
    assert!(
        explained.contains("evidence:") && explained.contains("rule"),
        "{explained}"
    );
    assert!(explained.contains("cg:reason"), "{explained}");

    let speaker = json_rows(&store, "attributions")[0]["speaker"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let explained = ok(&["explain", &speaker, "--store", s]);
    assert!(explained.contains("mentioned"), "{explained}");

    // two spellings in two articles meet on one key, and explain says so
    let explained = ok(&["explain", "entity:antony-blinken", "--store", s]);
    assert!(explained.contains("one entity across documents"), "{explained}");
    assert!(
        explained.contains("\"Antony Blinken\" in") && explained.contains("\"Anthony Blinken\" in"),
        "{explained}"
    );

    let missing = run(&["explain", "id:entity/nobody-at-all", "--store", s]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nothing is known"));
}

#[test]
fn bad_inputs_are_skipped_with_a_message_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::write(
        inputs.join("good.txt"),
        "The minister said on Monday that the talks had failed.\n",
    )
    .unwrap();
    std::fs::write(inputs.join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    std::fs::write(inputs.join("latin1.txt"), b"The caf\xe9 was closed, the owner said.").unwrap();
    std::fs::write(inputs.join("empty.txt"), "").unwrap();
    std::fs::write(inputs.join("huge.txt"), "word ".repeat(300_000)).unwrap();
    std::fs::write(
        inputs.join("bad.jsonl"),
        "{\"text\": \"The minister said so.\"}\n{not json\n",
    )
    .unwrap();
    let store = dir.path().join("kg.db");
    let missing = dir.path().join("missing.txt");
    let output = build(&store, &[&inputs, &missing]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "partial success exits 1: {message}");
    for (file, what) in [
        ("binary.txt", "binary"),
        ("latin1.txt", "UTF-8"),
        ("empty.txt", "empty"),
        ("huge.txt", "line"),
        ("bad.jsonl:2", ""),
        ("missing.txt", ""),
    ] {
        let line = message
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("no message for {file}: {message}"));
        assert!(line.contains(what), "message for {file} does not say '{what}': {line}");
    }
    assert!(
        message.contains("2 documents (2 added"),
        "the good documents are built: {message}"
    );
    let stats = ok(&["stats", "--store", store.to_str().unwrap()]);
    assert!(stats.contains("2 documents"), "{stats}");

    // an empty folder: nothing to build is an error
    let empty = dir.path().join("nothing");
    std::fs::create_dir_all(&empty).unwrap();
    let output = build(&dir.path().join("other.db"), &[&empty]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("nothing"), "{}", stderr(&output));
}

#[test]
fn a_failed_build_loses_nothing_already_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kg.db");
    assert!(build(&store, &[&corpus()]).status.success());
    let before = export(&store, "nquads");
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, [0u8, 1, 2, 3]).unwrap();
    let output = build(&store, &[&bad]);
    assert_eq!(output.status.code(), Some(2));
    assert_same(&before, &export(&store, "nquads"), "a failed build");
}

#[test]
fn a_directory_that_is_not_a_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let not_store = dir.path().join("photos");
    std::fs::create_dir_all(&not_store).unwrap();
    std::fs::write(not_store.join("cat.jpg"), "meow").unwrap();
    let output = build(&not_store, &[&corpus()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not a claimgraph store"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_dir(&not_store).unwrap().count(),
        1,
        "files were written into it"
    );

    let query = run(&["query", "entities", "--store", not_store.to_str().unwrap()]);
    assert_eq!(query.status.code(), Some(2));
    let nowhere = run(&[
        "query",
        "entities",
        "--store",
        dir.path().join("nowhere").to_str().unwrap(),
    ]);
    assert!(stderr(&nowhere).contains("does not exist"), "{}", stderr(&nowhere));
}

#[test]
fn a_store_locked_by_another_process_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kg.db");
    assert!(build(&store, &[&corpus()]).status.success());
    let held = claimgraph::store::Store::open_existing(&store).expect("the test opens the store");
    let output = build(&store, &[&corpus()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("in use by another process"),
        "{}",
        stderr(&output)
    );
    drop(held);
    assert!(
        build(&store, &[&corpus()]).status.success(),
        "the store works again once released"
    );
}

#[test]
fn extract_reads_triples_from_one_sentence_per_line_in_three_formats() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("sentences.txt");
    let sentences = "Peskov denied that Moscow had sent its response to Washington .\n\nThe minister did not make any concessions.\n";
    std::fs::write(&input, sentences).unwrap();
    let path = input.display().to_string();

    // carb: the input sentence echoed exactly, then confidence, relation and arguments
    let carb = ok(&["extract", "--format", "carb", &path]);
    let rows: Vec<Vec<&str>> = carb.lines().map(|l| l.split('\t').collect()).collect();
    assert!(rows.iter().any(
        |r| r[0] == "Peskov denied that Moscow had sent its response to Washington ."
            && r[2] == "denied that"
            && r[3] == "Peskov"
    ));
    assert!(
        rows.iter()
            .any(|r| r[0] == "The minister did not make any concessions." && r[2] == "did not make")
    );
    for row in &rows {
        assert!(row.len() >= 4, "short row: {row:?}");
        let confidence: f64 = row[1].parse().unwrap();
        assert!((0.0..=1.0).contains(&confidence));
    }

    // tsv with a header; line numbers count the blank line
    let tsv = ok(&["extract", &path]);
    let mut lines = tsv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("line\ttriple\tconfidence\tpolarity\tsubject\trelation")
    );
    assert!(
        tsv.lines()
            .any(|l| l.starts_with("3\t") && l.contains("\tnegative\tThe minister\tdid not make\tmake\t"))
    );

    // jsonl from standard input: one object per sentence, attributed triples point at their cue's triple
    let mut child = Command::new(BIN)
        .args(["extract", "--format", "jsonl", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(sentences.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let records: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    let triples = records[0]["triples"].as_array().unwrap();
    let sent = triples
        .iter()
        .find(|t| t["lemma"] == "send")
        .expect("a triple for had sent");
    let cue = sent["attributed_to"].as_u64().expect("had sent is attributed") as usize;
    assert_eq!(triples[cue - 1]["relation"], "denied that");

    let missing = run(&["extract", "no/such/file.txt"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no/such/file.txt"), "{}", stderr(&missing));
}

#[test]
fn shards_extracted_apart_and_loaded_together_equal_one_build() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus();
    let corpus_arg = corpus.display().to_string();
    let mut parts = Vec::new();
    let mut documents = 0;
    for k in 1..=3 {
        let part = dir.path().join(format!("part-{k}.nq"));
        let output = run(&[
            "extract",
            "--shard",
            &format!("{k}/3"),
            &corpus_arg,
            "-o",
            &part.display().to_string(),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let summary = stderr(&output);
        let n: usize = summary
            .split(": ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        documents += n;
        parts.push(part.display().to_string());
    }
    assert_eq!(documents, 5, "every document is in exactly one shard");

    let sharded = dir.path().join("sharded.db");
    let mut args = vec!["load".to_string()];
    args.extend(parts.iter().cloned());
    args.extend(["--store".into(), sharded.display().to_string()]);
    let output = Command::new(BIN).args(&args).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("5 documents added"), "{}", stderr(&output));

    let built = dir.path().join("built.db");
    assert!(build(&built, &[&corpus]).status.success());
    assert_same(
        &export(&sharded, "nquads"),
        &export(&built, "nquads"),
        "N-Quads of 3 shards vs one build",
    );

    // loading the same shards again adds nothing
    let output = Command::new(BIN).args(&args).output().unwrap();
    assert!(
        stderr(&output).contains("0 documents added, 5 already stored"),
        "{}",
        stderr(&output)
    );

    // a file with a quad outside any document graph is refused whole, naming the file
    let bad = dir.path().join("bad.nq");
    std::fs::write(
        &bad,
        "<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n",
    )
    .unwrap();
    let before = export(&sharded, "nquads");
    let output = run(&[
        "load",
        &bad.display().to_string(),
        "--store",
        &sharded.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("bad.nq") && stderr(&output).contains("not a document graph"),
        "{}",
        stderr(&output)
    );
    assert_same(&before, &export(&sharded, "nquads"), "store after a refused load");

    let output = run(&["extract", "--shard", "4/3", &corpus_arg]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("1 <= K <= N"), "{}", stderr(&output));
}

#[test]
fn loading_a_new_version_of_an_article_replaces_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).unwrap();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, articles.join(path.file_name().unwrap())).unwrap();
    }
    let store = dir.path().join("kg.db");
    let load = |name: &str| {
        let part = dir.path().join(name);
        let output = run(&[
            "extract",
            "--shard",
            "1/1",
            &articles.display().to_string(),
            "-o",
            &part.display().to_string(),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        run(&[
            "load",
            &part.display().to_string(),
            "--store",
            &store.display().to_string(),
        ])
    };
    assert!(load("v1.nq").status.success());

    // one article gains a paragraph: loading the new extraction replaces its old graph
    let mut first: Vec<_> = std::fs::read_dir(&articles)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    first.sort();
    let mut text = std::fs::read_to_string(&first[0]).unwrap();
    text.push_str("\nThe ministry said on Friday that talks would resume next week.\n");
    std::fs::write(&first[0], text).unwrap();
    let output = load("v2.nq");
    assert!(
        stderr(&output).contains("1 documents added (1 replacing an earlier version), 4 already stored"),
        "{}",
        stderr(&output)
    );
    let built = dir.path().join("built.db");
    assert!(build(&built, &[&articles]).status.success());
    assert_same(
        &export(&store, "nquads"),
        &export(&built, "nquads"),
        "store after loading a new version vs a build of the new corpus",
    );
}

/// `train` writes the neural model under the name `build` embeds and the perceptron one apart,
/// so training one never overwrites the other.
#[test]
fn train_writes_the_neural_model_by_default_and_the_perceptron_one_apart() {
    let dir = tempfile::tempdir().unwrap();
    let ud = dir.path().join("ud");
    std::fs::create_dir(&ud).unwrap();
    let mut conllu = String::new();
    for (i, (name, verb)) in [
        ("Anna", "slept"),
        ("Karl", "left"),
        ("Omar", "smiled"),
        ("Sara", "ran"),
        ("Lena", "won"),
        ("Paul", "lost"),
        ("Maria", "sang"),
        ("Ivan", "cried"),
        ("Nora", "laughed"),
        ("Tom", "waited"),
    ]
    .iter()
    .enumerate()
    {
        conllu.push_str(&format!(
            "# sent_id = s{i}\n# text = {name} {verb} .\n1\t{name}\t{name}\tPROPN\tNNP\t_\t2\tnsubj\t_\t_\n\
             2\t{verb}\t{verb}\tVERB\tVBD\t_\t0\troot\t_\t_\n3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n"
        ));
    }
    std::fs::write(ud.join("en_ewt-ud-train.conllu"), conllu).unwrap();
    let out = dir.path().join("models");
    let (ud, out_arg) = (ud.display().to_string(), out.display().to_string());
    ok(&["train", "--ud", &ud, "-o", &out_arg, "--perceptron"]);
    assert!(out.join("en_ewt-perceptron.model").is_file());
    assert!(!out.join("en_ewt.model").exists());
    ok(&["train", "--ud", &ud, "-o", &out_arg, "--epochs", "1", "--hidden", "8"]);
    assert!(out.join("en_ewt.model").is_file());
    let built = dir.path().join("kg");
    ok(&[
        "build",
        &corpus().display().to_string(),
        "--store",
        &built.display().to_string(),
        "--model",
        &out.join("en_ewt.model").display().to_string(),
        "-q",
    ]);
}

/// A treebank folder without the training file: `train` names the file and says why, once.
#[test]
fn train_names_a_missing_treebank_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(&[
        "train",
        "--ud",
        &dir.path().display().to_string(),
        "-o",
        &dir.path().join("out").display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("en_ewt-ud-train.conllu: "), "{message}");
    assert_eq!(message.matches("os error 2").count(), 1, "{message}");
}
