//! The whole per-document pipeline: text → sentences → mentions → entities → attributions and events.
//!
//! Each stage is a function of the previous stages' output; [`analyze`] chains them for one
//! document. Nothing here looks at other documents, so documents can be analyzed in parallel and
//! in any order (cross-document work happens in the store, see [`crate::store`]).

use crate::corpus::Document;
use crate::extract::{self, Extraction};
use crate::mention::{self, Mention};
use crate::resolve::{self, Resolution};
use crate::text::{self, Sentence};

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
}

/// Runs every per-document stage on `document`.
pub fn analyze(document: Document) -> Analysis {
    let sentences = text::segment(&document.text);
    let mentions = mention::recognize(&document.text, &sentences);
    let resolution = resolve::resolve_document(&document.text, &sentences, &mentions);
    let extraction = extract::extract(
        &document.text,
        document.date.as_deref(),
        &sentences,
        &mentions,
        &resolution,
    );
    Analysis {
        document,
        sentences,
        mentions,
        resolution,
        extraction,
    }
}
