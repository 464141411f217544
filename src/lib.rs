#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod build;
pub mod corpus;
pub mod error;
pub mod explain;
pub mod extract;
pub mod lexicon;
pub mod mention;
pub mod nlp;
pub mod oie;
pub mod pipeline;
pub mod push;
pub mod query;
pub mod rdf;
pub mod resolve;
pub mod store;
pub mod text;
pub mod time;
pub mod vocab;
pub mod works;

pub use error::{Error, Result};
