//! The whole per-document pipeline: text → sentences → mentions → entities, then with the
//! sentences' dependency trees → attributions (and their tense), events, documents mentioned and
//! relations.
//!
//! Each stage is a function of the previous stages' output; [`analyze`] chains them for one
//! document. Nothing here looks at other documents, so documents can be analyzed in parallel and
//! in any order (cross-document work happens in the store, see [`crate::store`]).

use crate::corpus::Document;
use crate::extract::{self, Extraction};
use crate::mention::{self, Mention};
use crate::nlp::Model;
use crate::oie::{self, Relation};
use crate::resolve::{self, Resolution};
use crate::text::{self, Sentence};
use crate::works::{self, Work};

/// Everything claimgraph reads from one document.
#[derive(Debug)]
pub struct Analysis {
    /// The document, with its metadata and text.
    pub document: Document,
    /// Its sentences and tokens.
    pub sentences: Vec<Sentence>,
    /// The names and descriptions of entities found in it.
    pub mentions: Vec<Mention>,
    /// The entities those mentions resolve to.
    pub resolution: Resolution,
    /// Attributions and events.
    pub extraction: Extraction,
    /// The written documents it mentions.
    pub works: Vec<Work>,
    /// The subject-relation-argument triples of each sentence (same index as `sentences`).
    pub relations: Vec<Vec<Relation>>,
}

/// Runs every per-document stage on `document`.
pub fn analyze(document: Document) -> Analysis {
    let sentences = text::segment(&document.text);
    let mentions = mention::recognize(&document.text, &sentences);
    let resolution = resolve::resolve_document(&document.text, &sentences, &mentions);
    // each sentence's tree and its open-IE relations, from one list of words
    let model = Model::active();
    let words: Vec<Vec<&str>> = sentences
        .iter()
        .map(|sentence| sentence.tokens.iter().map(|t| t.form.as_str()).collect())
        .collect();
    let trees = model.analyze_batch(&words);
    let relations = words
        .iter()
        .zip(&trees)
        .map(|(w, tree)| oie::relations(w, tree))
        .collect();
    let extraction = extract::extract(
        &document.text,
        document.date.as_deref(),
        &sentences,
        &trees,
        &mentions,
        &resolution,
    );
    let works = works::recognize(&document.text, &sentences, &trees, &mentions, &resolution);
    Analysis {
        document,
        sentences,
        mentions,
        resolution,
        extraction,
        works,
        relations,
    }
}
