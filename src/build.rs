//! Build: streams documents from the corpus through the pipeline into the store.
//!
//! One reader thread parses files into documents, worker threads analyze them (all cores by
//! default), and the calling thread takes each document's graph in input order, so the result
//! does not depend on thread timing: new documents are gathered into batches that a loader
//! thread bulk-loads, a new version of a stored document replaces it in a transaction.
//! [`extract_shard`] writes the graphs of one shard as N-Quads instead. Queues between the
//! stages are bounded: memory stays flat whatever the size of the corpus.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use oxigraph::model::Quad;
use sha2::{Digest, Sha256};
use std::io::Write;

use crate::Result;
use crate::corpus::{self, CorpusError, Document};
use crate::pipeline;
use crate::rdf::Mapper;
use crate::store::{LoadOutcome, Store};

/// How a build runs.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Worker threads for analysis; 0 means one per core.
    pub threads: usize,
}

impl BuildOptions {
    /// Options with `threads` analysis threads (0: one per core).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }
}

/// What a build did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildSummary {
    /// Documents read from the corpus.
    pub documents: usize,
    /// Documents new to the store.
    pub added: usize,
    /// Documents that replaced an earlier version from the same source.
    pub replaced: usize,
    /// Documents already stored with the same text, left alone.
    pub unchanged: usize,
    /// Inputs that could not be read, with why.
    pub skipped: Vec<String>,
    /// Sentences in the documents analyzed.
    pub sentences: usize,
    /// Entities in the documents analyzed (per document; the same entity in two documents counts twice).
    pub entities: usize,
    /// Attributions extracted.
    pub attributions: usize,
    /// Events extracted.
    pub events: usize,
    /// Quads written for the documents analyzed.
    pub quads: usize,
    /// Quads in the store after the build.
    pub store_quads: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Of those, the seconds spent recomputing the derived graph, when it was recomputed.
    pub derive_seconds: Option<f64>,
}

/// What a build reports while it runs.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A document was loaded (or found unchanged).
    Document(&'a Document, LoadOutcome),
    /// An input was skipped.
    Skipped(&'a CorpusError),
    /// Documents are loaded; cross-document facts are being computed.
    Deriving,
}

struct Analyzed {
    document: Document,
    quads: Option<Vec<Quad>>,
    counts: [usize; 4],
}

type Item = std::result::Result<Document, CorpusError>;
type Output = std::result::Result<Analyzed, CorpusError>;

/// Reads `paths`, analyzes every document and loads it into `store`, then recomputes the
/// derived graph. Unreadable inputs are skipped and listed in the summary.
pub fn build(
    store: &Store,
    paths: &[PathBuf],
    options: &BuildOptions,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<BuildSummary> {
    let started = Instant::now();
    let mut summary = BuildSummary::default();
    // a document whose text is already stored needs no analysis at all
    let stored = |document: &Document| store.contains_document(&document.id).unwrap_or(false);
    std::thread::scope(|scope| -> Result<()> {
        // bulk loads run on their own thread, so analysis goes on while a batch is written
        let (batch_tx, batch_rx) = sync_channel::<Vec<Quad>>(1);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Result<()>>();
        scope.spawn(move || {
            for quads in batch_rx {
                let result = store.bulk_load(quads);
                let failed = result.is_err();
                if done_tx.send(result).is_err() || failed {
                    return;
                }
            }
        });
        let mut batch = NewDocuments::new(batch_tx, done_rx, BULK_QUADS);
        analyze_in_order(paths, options, store.mapper(), &stored, |result| {
            match result {
                Err(error) => {
                    progress(Progress::Skipped(&error));
                    summary.skipped.push(error.to_string());
                }
                Ok(analyzed) => {
                    summary.documents += 1;
                    let outcome = match &analyzed.quads {
                        None => LoadOutcome::Unchanged,
                        Some(quads) => {
                            let outcome = batch.load(store, &analyzed.document, quads)?;
                            if outcome != LoadOutcome::Unchanged {
                                summary.count(&analyzed);
                            }
                            outcome
                        }
                    };
                    match outcome {
                        LoadOutcome::Unchanged => summary.unchanged += 1,
                        LoadOutcome::Added => summary.added += 1,
                        LoadOutcome::Replaced => summary.replaced += 1,
                    }
                    progress(Progress::Document(&analyzed.document, outcome));
                }
            }
            Ok(())
        })?;
        batch.finish()
    })?;

    // an unchanged corpus leaves the derived graph as it was: no need to recompute it
    if summary.added + summary.replaced > 0 || store.derived_is_stale()? {
        progress(Progress::Deriving);
        let deriving = Instant::now();
        store.derive()?;
        summary.derive_seconds = Some(deriving.elapsed().as_secs_f64());
    }
    summary.store_quads = store.oxigraph().len()?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

impl BuildSummary {
    fn count(&mut self, analyzed: &Analyzed) {
        let [sentences, entities, attributions, events] = analyzed.counts;
        self.sentences += sentences;
        self.entities += entities;
        self.attributions += attributions;
        self.events += events;
        self.quads += analyzed.quads.as_ref().map_or(0, Vec::len);
    }
}

/// One of `count` shards of a corpus: the documents whose id (a hash of their text) falls in
/// it, so that any number of machines split a corpus the same way with no coordination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based index of this shard.
    pub index: u64,
    /// How many shards there are.
    pub count: u64,
}

impl Shard {
    /// Reads `K/N` (1 ≤ K ≤ N).
    pub fn parse(text: &str) -> std::result::Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("'{text}' is not K/N (e.g. 2/8)"))?;
        let (index, count) = (k.trim().parse::<u64>(), n.trim().parse::<u64>());
        match (index, count) {
            (Ok(index), Ok(count)) if (1..=count).contains(&index) => Ok(Shard { index, count }),
            _ => Err(format!("'{text}' is not K/N with 1 <= K <= N")),
        }
    }

    /// Whether the document with this id belongs to the shard.
    pub fn holds(&self, doc_id: &str) -> bool {
        let digest = Sha256::digest(doc_id.as_bytes());
        let value = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
        value % self.count == self.index - 1
    }
}

/// Analyzes the documents of `paths` that belong to `shard` and writes their graphs as N-Quads
/// (each document's quads sorted, documents in input order): byte-identical for the same input
/// on any machine. Loading every shard with [`crate::store::Store::load_nquads`] gives the store
/// one `build` would.
pub fn extract_shard(
    paths: &[PathBuf],
    options: &BuildOptions,
    shard: Shard,
    mapper: &Mapper,
    out: &mut dyn Write,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<BuildSummary> {
    let started = Instant::now();
    let mut summary = BuildSummary::default();
    let elsewhere = |document: &Document| !shard.holds(&document.id);
    analyze_in_order(paths, options, mapper, &elsewhere, |result| {
        match result {
            Err(error) => {
                progress(Progress::Skipped(&error));
                summary.skipped.push(error.to_string());
            }
            Ok(analyzed) => {
                let Some(quads) = &analyzed.quads else { return Ok(()) };
                summary.documents += 1;
                summary.added += 1;
                summary.count(&analyzed);
                // the N-Quads serializer's lines, written without the formatting machinery
                let mut nquads = String::new();
                for quad in quads {
                    crate::rdf::push_quad(&mut nquads, quad);
                    nquads.push_str(" .\n");
                }
                out.write_all(nquads.as_bytes()).map_err(crate::Error::from)?;
                progress(Progress::Document(&analyzed.document, LoadOutcome::Added));
            }
        }
        Ok(())
    })?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The streaming core of [`build`] and [`extract_shard`]: one reader thread parses `paths`
/// into documents, worker threads analyze those `skip` does not reject, and `consume` gets
/// every result in input order on the calling thread. Queues are bounded.
fn analyze_in_order(
    paths: &[PathBuf],
    options: &BuildOptions,
    mapper: &Mapper,
    skip: &(dyn Fn(&Document) -> bool + Sync),
    mut consume: impl FnMut(Output) -> Result<()>,
) -> Result<()> {
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let (input_tx, input_rx) = sync_channel::<(usize, Item)>(threads * 4);
    let input_rx = Arc::new(Mutex::new(input_rx));
    let (output_tx, output_rx) = sync_channel::<(usize, Output)>(threads * 4);

    std::thread::scope(|scope| -> Result<()> {
        let paths = paths.to_vec();
        scope.spawn(move || {
            for (seq, item) in corpus::read_paths(&paths).enumerate() {
                if input_tx.send((seq, item)).is_err() {
                    break;
                }
            }
        });
        for _ in 0..threads {
            let input_rx = Arc::clone(&input_rx);
            let output_tx = output_tx.clone();
            scope.spawn(move || worker(skip, mapper, &input_rx, &output_tx));
        }
        drop(output_tx);
        let mut pending = BTreeMap::new();
        let mut next = 0;
        for (seq, result) in output_rx {
            pending.insert(seq, result);
            while let Some(result) = pending.remove(&next) {
                next += 1;
                consume(result)?;
            }
        }
        Ok(())
    })
}

fn worker(
    skip: &(dyn Fn(&Document) -> bool + Sync),
    mapper: &Mapper,
    input: &Mutex<Receiver<(usize, Item)>>,
    output: &SyncSender<(usize, Output)>,
) {
    loop {
        let next = input.lock().map(|rx| rx.recv());
        let Ok(Ok((seq, item))) = next else { return };
        let result = item.map(|document| {
            if skip(&document) {
                return Analyzed {
                    document,
                    quads: None,
                    counts: [0; 4],
                };
            }
            let analysis = pipeline::analyze(document);
            let quads = mapper.document_quads(&analysis);
            let counts = [
                analysis.sentences.len(),
                analysis.resolution.entities.len(),
                analysis.extraction.attributions.len(),
                analysis.extraction.events.len(),
            ];
            Analyzed {
                document: analysis.document,
                quads: Some(quads),
                counts,
            }
        });
        if output.send((seq, result)).is_err() {
            return;
        }
    }
}

/// New documents waiting to be bulk-loaded together; a document that replaces an earlier
/// version of itself goes through a transaction instead (removing the old graph), once every
/// batch sent before it is in.
struct NewDocuments {
    quads: Vec<Quad>,
    /// Gather this many quads before sending them to the loader.
    batch_quads: usize,
    /// Ids and sources of the documents gathered or sent and not yet loaded, not yet visible in
    /// the store, with the number of their batch; a document leaves once its batch is in, so
    /// these hold a few batches' worth whatever the corpus's size.
    ids: HashMap<String, usize>,
    sources: HashMap<String, usize>,
    /// Number of the batch being gathered: batches are numbered as they are sent.
    gathering: usize,
    /// Batches the loader thread has finished, which it takes in order.
    loaded: usize,
    loader: Option<SyncSender<Vec<Quad>>>,
    done: Receiver<Result<()>>,
}

/// Quads gathered before a bulk load: large enough for the loader's sorted writes to pay off,
/// small enough to keep memory flat with one batch filling, one waiting and one being written
/// (200,000 loaded 10 MB no faster and peaked 40-80 MB higher).
const BULK_QUADS: usize = 100_000;

impl NewDocuments {
    fn new(loader: SyncSender<Vec<Quad>>, done: Receiver<Result<()>>, batch_quads: usize) -> Self {
        NewDocuments {
            quads: Vec::new(),
            batch_quads,
            ids: HashMap::new(),
            sources: HashMap::new(),
            gathering: 0,
            loaded: 0,
            loader: Some(loader),
            done,
        }
    }

    fn load(&mut self, store: &Store, document: &Document, quads: &[Quad]) -> Result<LoadOutcome> {
        if self.ids.contains_key(&document.id) || store.contains_document(&document.id)? {
            return Ok(LoadOutcome::Unchanged);
        }
        if self.sources.contains_key(&document.source) || store.has_source(&document.source)? {
            self.send()?;
            self.wait()?;
            return store.load_document(&document.id, &document.source, quads);
        }
        self.quads.extend_from_slice(quads);
        self.ids.insert(document.id.clone(), self.gathering);
        self.sources.insert(document.source.clone(), self.gathering);
        if self.quads.len() >= self.batch_quads {
            self.send()?;
        }
        Ok(LoadOutcome::Added)
    }

    /// Hands the gathered quads to the loader thread, first collecting what it has finished.
    fn send(&mut self) -> Result<()> {
        while let Ok(result) = self.done.try_recv() {
            self.batch_loaded(result)?;
        }
        if self.quads.is_empty() {
            return Ok(());
        }
        let quads = std::mem::take(&mut self.quads);
        let sent = self.loader.as_ref().is_some_and(|loader| loader.send(quads).is_ok());
        if !sent {
            // the loader stopped: its error is waiting
            return self.wait();
        }
        self.gathering += 1;
        Ok(())
    }

    /// The oldest batch sent is in the store (or failed): its documents need no remembering.
    fn batch_loaded(&mut self, result: Result<()>) -> Result<()> {
        let batch = self.loaded;
        self.ids.retain(|_, b| *b != batch);
        self.sources.retain(|_, b| *b != batch);
        self.loaded += 1;
        result
    }

    /// Waits until every batch sent is in the store.
    fn wait(&mut self) -> Result<()> {
        while self.loaded < self.gathering {
            match self.done.recv() {
                Ok(result) => self.batch_loaded(result)?,
                // the loader thread ended without a word: it panicked, and the scope reports that
                Err(_) => return Err(std::io::Error::other("the bulk loader thread stopped").into()),
            }
        }
        Ok(())
    }

    /// Sends the last batch and waits for all of them.
    fn finish(mut self) -> Result<()> {
        self.send()?;
        self.loader = None;
        self.wait()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document is remembered while its batch is on its way to the store, and forgotten once
    /// it is in: the store answers for it then, so memory does not grow with the corpus.
    #[test]
    fn new_documents_remember_only_the_batches_not_loaded_yet() {
        let store = Store::memory(crate::rdf::DEFAULT_BASE).unwrap();
        let corpus = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"));
        let analyzed: Vec<(Document, Vec<Quad>)> = corpus::read_paths(&[corpus])
            .map(|document| {
                let analysis = pipeline::analyze(document.unwrap());
                let quads = store.mapper().document_quads(&analysis);
                (analysis.document, quads)
            })
            .collect();
        assert_eq!(analyzed.len(), 5);
        std::thread::scope(|scope| {
            let (batch_tx, batch_rx) = sync_channel::<Vec<Quad>>(1);
            let (done_tx, done_rx) = std::sync::mpsc::channel();
            let loader = &store;
            scope.spawn(move || {
                for quads in batch_rx {
                    done_tx.send(loader.bulk_load(quads)).unwrap();
                }
            });
            // one quad fills a batch: every document goes off on its own
            let mut batch = NewDocuments::new(batch_tx, done_rx, 1);
            for (document, quads) in &analyzed {
                assert_eq!(batch.load(&store, document, quads).unwrap(), LoadOutcome::Added);
                // at most one batch finished and not yet collected, one loading, one queued
                assert!(batch.ids.len() <= 3 && batch.sources.len() <= 3, "{:?}", batch.ids);
                assert!(batch.ids.values().all(|&b| b < batch.gathering), "every document sent");
            }
            batch.wait().unwrap();
            assert!(batch.ids.is_empty() && batch.sources.is_empty() && batch.loaded == batch.gathering);
            // the store now knows the first document
            let (document, quads) = &analyzed[0];
            assert_eq!(batch.load(&store, document, quads).unwrap(), LoadOutcome::Unchanged);
            batch.finish().unwrap();
        });
        for (document, _) in &analyzed {
            assert!(store.contains_document(&document.id).unwrap());
        }
    }
}
