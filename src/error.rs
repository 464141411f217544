//! The one error type of the library, joining the errors of each stage.

use std::path::PathBuf;

/// Everything that can go wrong in claimgraph's library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An article could not be read (the path and line say which).
    #[error(transparent)]
    Corpus(#[from] crate::corpus::CorpusError),
    /// The store failed or is not a claimgraph store.
    #[error("store {path}: {reason}")]
    Store {
        /// The store's directory.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Oxigraph's storage layer failed.
    #[error(transparent)]
    Storage(#[from] oxigraph::store::StorageError),
    /// A SPARQL query or update did not parse.
    #[error(transparent)]
    SparqlSyntax(#[from] oxigraph::sparql::SparqlSyntaxError),
    /// A SPARQL query or update failed while it ran.
    #[error(transparent)]
    Evaluation(#[from] oxigraph::sparql::QueryEvaluationError),
    /// RDF could not be written.
    #[error(transparent)]
    Serializer(#[from] oxigraph::store::SerializerError),
    /// RDF could not be parsed.
    #[error(transparent)]
    Parse(#[from] oxigraph::io::RdfParseError),
    /// A file of quads to load is not valid or not claimgraph's.
    #[error("{path}: {reason}")]
    Quads {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line where it applies.
        reason: String,
    },
    /// Sending the graph to a SPARQL server failed, or the server holds other counts after it.
    #[error("push to {url}: {reason}")]
    Push {
        /// The address the failing request went to.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// No bundled query has this name.
    #[error("no bundled query named '{0}' (claimgraph query --list shows them)")]
    UnknownQuery(String),
    /// The tagger or parser model failed.
    #[error(transparent)]
    Model(#[from] crate::nlp::ModelError),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Whether this is a write to a pipe whose reader has gone (`claimgraph export | head`).
    pub fn is_broken_pipe(&self) -> bool {
        let io = match self {
            Error::Io(e) | Error::Serializer(oxigraph::store::SerializerError::Io(e)) => e,
            _ => return false,
        };
        io.kind() == std::io::ErrorKind::BrokenPipe
    }
}

/// A result with claimgraph's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
