//! Speed of each stage and of the whole build on the bundled corpus: `cargo bench`.
//!
//! Each stage is measured on its own input, prepared outside the timed closure, over the five
//! bundled articles (about 15 KB of text). Figures are medians; divan prints them per stage.
//! `CLAIMGRAPH_MODEL=FILE` times `tag`, `tag_and_parse` and `tag_and_parse_batch` with another model file.

use std::path::PathBuf;

use claimgraph::build::{BuildOptions, build};
use claimgraph::corpus::{self, Document};
use claimgraph::pipeline;
use claimgraph::rdf::Mapper;
use claimgraph::store::Store;
use claimgraph::{extract, mention, resolve, text};

fn main() {
    divan::main();
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn documents() -> Vec<Document> {
    corpus::read_paths(&[corpus_dir()])
        .map(|d| d.expect("bundled articles read"))
        .collect()
}

#[divan::bench]
fn read(bencher: divan::Bencher) {
    bencher.bench(documents);
}

#[divan::bench]
fn segment(bencher: divan::Bencher) {
    let docs = documents();
    bencher.bench(|| docs.iter().map(|d| text::segment(&d.text).len()).sum::<usize>());
}

/// The embedded model, or the model file named by `CLAIMGRAPH_MODEL` (as for `build --model`).
fn model() -> &'static claimgraph::nlp::Model {
    if let Some(path) = std::env::var_os("CLAIMGRAPH_MODEL") {
        let model = claimgraph::nlp::Model::from_file(path.as_ref()).expect("CLAIMGRAPH_MODEL is a model file");
        claimgraph::nlp::Model::set_active(model);
    }
    claimgraph::nlp::Model::active()
}

/// The bundled articles' sentences as words, and how many words they hold.
fn sentence_words() -> (Vec<Vec<String>>, usize) {
    let sentences: Vec<Vec<String>> = documents()
        .iter()
        .flat_map(|d| text::segment(&d.text))
        .map(|s| s.tokens.iter().map(|t| t.form.clone()).collect())
        .collect();
    let words = sentences.iter().map(Vec::len).sum();
    (sentences, words)
}

/// Tagging alone (UPOS and XPOS); divan prints tokens per second.
#[divan::bench]
fn tag(bencher: divan::Bencher) {
    let model = model();
    let (sentences, words) = sentence_words();
    bencher.counter(divan::counter::ItemsCount::new(words)).bench(|| {
        sentences
            .iter()
            .map(|words| model.tag(&words.iter().map(String::as_str).collect::<Vec<_>>()).len())
            .sum::<usize>()
    });
}

/// Tagging, lemmatizing and parsing; divan prints tokens per second.
#[divan::bench]
fn tag_and_parse(bencher: divan::Bencher) {
    let model = model();
    let (sentences, words) = sentence_words();
    bencher.counter(divan::counter::ItemsCount::new(words)).bench(|| {
        sentences
            .iter()
            .map(|words| {
                model
                    .analyze(&words.iter().map(String::as_str).collect::<Vec<_>>())
                    .len()
            })
            .sum::<usize>()
    });
}

/// As `tag_and_parse`, each article's sentences together (as the pipeline analyzes a document).
#[divan::bench]
fn tag_and_parse_batch(bencher: divan::Bencher) {
    let model = model();
    let (_, words) = sentence_words();
    let docs: Vec<Vec<Vec<String>>> = documents()
        .iter()
        .map(|d| {
            text::segment(&d.text)
                .iter()
                .map(|s| s.tokens.iter().map(|t| t.form.clone()).collect())
                .collect()
        })
        .collect();
    bencher.counter(divan::counter::ItemsCount::new(words)).bench(|| {
        docs.iter()
            .map(|d| {
                let sentences: Vec<Vec<&str>> = d.iter().map(|s| s.iter().map(String::as_str).collect()).collect();
                model.analyze_batch(&sentences).len()
            })
            .sum::<usize>()
    });
}

#[divan::bench]
fn recognize_and_resolve(bencher: divan::Bencher) {
    let docs = documents();
    let segmented: Vec<_> = docs.iter().map(|d| (d, text::segment(&d.text))).collect();
    bencher.bench(|| {
        segmented
            .iter()
            .map(|(d, sentences)| {
                let mentions = mention::recognize(&d.text, sentences);
                resolve::resolve_document(&d.text, sentences, &mentions).entities.len()
            })
            .sum::<usize>()
    });
}

#[divan::bench]
fn extract(bencher: divan::Bencher) {
    let docs = documents();
    let prepared: Vec<_> = docs
        .iter()
        .map(|d| {
            let sentences = text::segment(&d.text);
            let model = claimgraph::nlp::Model::embedded();
            let trees: Vec<_> = sentences
                .iter()
                .map(|s| model.analyze(&s.tokens.iter().map(|t| t.form.as_str()).collect::<Vec<_>>()))
                .collect();
            let mentions = mention::recognize(&d.text, &sentences);
            let resolution = resolve::resolve_document(&d.text, &sentences, &mentions);
            (d, sentences, trees, mentions, resolution)
        })
        .collect();
    bencher.bench(|| {
        prepared
            .iter()
            .map(|(d, s, t, m, r)| {
                extract::extract(&d.text, d.date.as_deref(), s, t, m, r)
                    .attributions
                    .len()
            })
            .sum::<usize>()
    });
}

#[divan::bench]
fn map_to_rdf(bencher: divan::Bencher) {
    let analyses: Vec<_> = documents().into_iter().map(pipeline::analyze).collect();
    let mapper = Mapper::default();
    bencher.bench(|| analyses.iter().map(|a| mapper.document_quads(a).len()).sum::<usize>());
}

#[divan::bench(sample_count = 10)]
fn build_in_memory(bencher: divan::Bencher) {
    let paths = [corpus_dir()];
    bencher.bench(|| {
        let store = Store::memory(claimgraph::rdf::DEFAULT_BASE).unwrap();
        build(&store, &paths, &BuildOptions::default(), |_| {}).unwrap().quads
    });
}

#[divan::bench(sample_count = 10)]
fn build_on_disk(bencher: divan::Bencher) {
    let paths = [corpus_dir()];
    bencher
        .with_inputs(|| tempfile::tempdir().unwrap())
        .bench_values(|dir| {
            let store = Store::open(&dir.path().join("kg.db"), claimgraph::rdf::DEFAULT_BASE).unwrap();
            build(&store, &paths, &BuildOptions::default(), |_| {}).unwrap().quads
        });
}
