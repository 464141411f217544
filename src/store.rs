//! Store stage: the knowledge graph in an embedded oxigraph store, on disk or in memory.
//!
//! Layout of a store directory: `claimgraph.json` (what makes it a claimgraph store: format
//! version and base IRI) and `oxigraph/` (the RocksDB database). Each document lives in its own
//! named graph, replaced in one transaction; the ontology has its graph; what is computed across
//! documents lives in the derived graph, recomputed by [`Store::derive`].

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term, Triple,
};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rdf::Mapper;
use crate::vocab::{self, cg};
use crate::{Error, Result};

mod derive;
mod sorted;

use sorted::{LineSorter, SortedLines};

const MARKER: &str = "claimgraph.json";
/// Quads removed per transaction when the derived graph is recomputed.
const CLEAR_BATCH: usize = 100_000;
/// Derived quads handed to the bulk loader at a time.
const DERIVE_BATCH: usize = 50_000;
/// Memory of the bulk loader for new documents: larger sorted files load faster.
const LOAD_MEGABYTES: usize = 256;
/// Memory of the bulk loader for the derived graph, which comes at the end of a build when the
/// labels pass holds every entity: a smaller loader keeps the build's peak lower.
const DERIVE_MEGABYTES: usize = 64;
const FORMAT_VERSION: u32 = 1;
/// Named graphs an export on several threads reads ahead of the one it writes, at most.
const EXPORT_WINDOW: usize = 256;

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    format: u32,
    base: String,
    /// Set while the derived graph is being recomputed: a build stopped half-way leaves it set,
    /// and the next build recomputes the derived graph even if no document changed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    derive_pending: bool,
}

impl Marker {
    /// Writes the marker into the store directory `path`, whole or not at all.
    fn write(&self, path: &Path) -> Result<()> {
        let temporary = path.join(format!("{MARKER}.tmp"));
        std::fs::write(
            &temporary,
            serde_json::to_string_pretty(self).expect("marker serializes"),
        )?;
        std::fs::rename(&temporary, path.join(MARKER))?;
        Ok(())
    }
}

/// What happened to one document when it was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadOutcome {
    /// A document with the same text was already stored: nothing changed.
    Unchanged,
    /// The document is new.
    Added,
    /// The document replaced an earlier version read from the same source.
    Replaced,
}

/// How [`Store::export`] goes about it.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Where an export with more to sort than a bounded memory holds writes its sorted runs
    /// (in a temporary directory, removed when it ends).
    pub scratch: PathBuf,
    /// Threads reading and sorting the store: more is faster and holds more memory (with glibc,
    /// capping its malloc arenas, as the command line does, keeps most of that down).
    pub threads: usize,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            scratch: std::env::temp_dir(),
            threads: 1,
        }
    }
}

/// A claimgraph knowledge graph.
pub struct Store {
    inner: oxigraph::store::Store,
    mapper: Mapper,
    path: Option<PathBuf>,
    /// The ontology or lexicons changed, or a derive was cut short, before the store was opened:
    /// derived facts may be stale.
    ontology_changed: bool,
}

impl Store {
    /// Opens the store in `path`, creating it (with data IRIs under `base`) if the directory is
    /// missing or empty. An existing store keeps the base it was created with.
    pub fn open(path: &Path, base: &str) -> Result<Self> {
        let error = |reason: String| Error::Store {
            path: path.to_owned(),
            reason,
        };
        let marker_path = path.join(MARKER);
        let marker = if marker_path.exists() {
            let text =
                std::fs::read_to_string(&marker_path).map_err(|e| error(format!("cannot read {MARKER}: {e}")))?;
            let marker: Marker =
                serde_json::from_str(&text).map_err(|e| error(format!("{MARKER} is not valid: {e}")))?;
            if marker.format != FORMAT_VERSION {
                return Err(error(format!(
                    "store format {} is not supported by this claimgraph (format {FORMAT_VERSION})",
                    marker.format
                )));
            }
            marker
        } else {
            if path.is_file() {
                return Err(error("is a file, not a store directory".into()));
            }
            let non_empty = path.is_dir() && std::fs::read_dir(path)?.next().is_some();
            if non_empty {
                return Err(error(format!(
                    "is not a claimgraph store (no {MARKER}); refusing to write into a directory that holds other files"
                )));
            }
            std::fs::create_dir_all(path).map_err(|e| error(format!("cannot create: {e}")))?;
            let marker = Marker {
                format: FORMAT_VERSION,
                base: base.to_owned(),
                derive_pending: false,
            };
            marker.write(path)?;
            marker
        };
        let inner = oxigraph::store::Store::open(path.join("oxigraph")).map_err(|e| {
            let message = e.to_string();
            if message.contains("lock") || message.contains("Resource temporarily unavailable") {
                error("is in use by another process (its lock is held); wait for it to finish".into())
            } else {
                error(format!("cannot open the database: {message}"))
            }
        })?;
        let mut store = Self {
            inner,
            mapper: Mapper::new(&marker.base),
            path: Some(path.to_owned()),
            ontology_changed: false,
        };
        store.ontology_changed = store.load_ontology()? || marker.derive_pending;
        Ok(store)
    }

    /// Opens an existing store for reading and querying; fails if `path` holds no claimgraph store.
    pub fn open_existing(path: &Path) -> Result<Self> {
        if !path.join(MARKER).exists() {
            return Err(Error::Store {
                path: path.to_owned(),
                reason: if path.exists() {
                    format!("is not a claimgraph store (no {MARKER})")
                } else {
                    "does not exist; run `claimgraph build CORPUS --store DIR` first".into()
                },
            });
        }
        Self::open(path, crate::rdf::DEFAULT_BASE)
    }

    /// A store in memory, gone when dropped.
    pub fn memory(base: &str) -> Result<Self> {
        let mut store = Self {
            inner: oxigraph::store::Store::new()?,
            mapper: Mapper::new(base),
            path: None,
            ontology_changed: false,
        };
        store.ontology_changed = store.load_ontology()?;
        Ok(store)
    }

    /// The mapper that mints this store's IRIs.
    pub fn mapper(&self) -> &Mapper {
        &self.mapper
    }

    /// The directory of the store, if it is on disk.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The oxigraph store underneath, for what claimgraph does not wrap.
    pub fn oxigraph(&self) -> &oxigraph::store::Store {
        &self.inner
    }

    /// Loads the ontology and the lexicons into the ontology graph, replacing what was there;
    /// says whether it changed.
    fn load_ontology(&self) -> Result<bool> {
        let graph = GraphName::NamedNode(cg::ONTOLOGY.into_owned());
        let mut quads = Vec::new();
        for (name, text) in [
            ("ontology/claimgraph.ttl", vocab::ONTOLOGY_TTL),
            ("ontology/lexicon.ttl", vocab::LEXICON_TTL),
        ] {
            for quad in RdfParser::from_format(RdfFormat::Turtle).for_slice(text.as_bytes()) {
                let quad = quad.map_err(|e| Error::Store {
                    path: PathBuf::from(name),
                    reason: format!("embedded ontology does not parse: {e}"),
                })?;
                quads.push(Quad {
                    graph_name: graph.clone(),
                    ..quad
                });
            }
        }
        let current: Vec<Quad> = self
            .inner
            .quads_for_pattern(None, None, None, Some(graph.as_ref()))
            .collect::<Result<_, _>>()?;
        let mut wanted = quads.clone();
        wanted.sort_by_cached_key(|q| q.to_string());
        let mut have = current;
        have.sort_by_cached_key(|q| q.to_string());
        if wanted == have {
            return Ok(false);
        }
        let mut transaction = self.inner.start_transaction()?;
        transaction.clear_graph(graph.as_ref())?;
        transaction.extend(quads.iter());
        transaction.commit()?;
        Ok(true)
    }

    /// Whether the derived graph must be recomputed even though no document changed: it is
    /// missing, or the ontology changed since it was computed.
    pub fn derived_is_stale(&self) -> Result<bool> {
        Ok(self.ontology_changed || !self.inner.contains_named_graph(self.mapper.derived_graph().as_ref())?)
    }

    /// Whether a document with this id (a hash of its text) is stored.
    pub fn contains_document(&self, doc_id: &str) -> Result<bool> {
        Ok(self
            .inner
            .contains_named_graph(self.mapper.document_graph(doc_id).as_ref())?)
    }

    /// Stores one document's quads in its graph, in one transaction: a document already stored
    /// is left alone, and an earlier version read from the same source is replaced.
    pub fn load_document(&self, doc_id: &str, source: &str, quads: &[Quad]) -> Result<LoadOutcome> {
        if self.contains_document(doc_id)? {
            return Ok(LoadOutcome::Unchanged);
        }
        let graph = self.mapper.document_graph(doc_id);
        let source_literal = Term::from(oxigraph::model::Literal::new_simple_literal(source));
        let mut transaction = self.inner.start_transaction()?;
        let stale: Vec<GraphName> = transaction
            .quads_for_pattern(None, Some(cg::SOURCE_PATH), Some(source_literal.as_ref()), None)
            .map(|q| q.map(|q| q.graph_name))
            .collect::<Result<_, _>>()?;
        for old in &stale {
            if let GraphName::NamedNode(old) = old {
                transaction.remove_named_graph(old.as_ref())?;
            }
        }
        transaction.insert_named_graph(graph.as_ref());
        transaction.extend(quads.iter());
        transaction.commit()?;
        Ok(if stale.is_empty() {
            LoadOutcome::Added
        } else {
            LoadOutcome::Replaced
        })
    }

    /// Whether a document read from `source` (a path or JSONL id) is stored.
    pub fn has_source(&self, source: &str) -> Result<bool> {
        let literal = Term::from(oxigraph::model::Literal::new_simple_literal(source));
        Ok(self
            .inner
            .quads_for_pattern(None, Some(cg::SOURCE_PATH), Some(literal.as_ref()), None)
            .next()
            .transpose()?
            .is_some())
    }

    /// Stores the quads of new documents with oxigraph's bulk loader, which writes sorted files
    /// instead of going through transactions: all of them become visible at once, or none.
    pub fn bulk_load(&self, quads: Vec<Quad>) -> Result<()> {
        let mut loader = self.bulk_loader(LOAD_MEGABYTES);
        loader.load_quads(quads)?;
        loader.commit()?;
        Ok(())
    }

    /// Loads the document graphs of an N-Quads file written by `claimgraph extract --shard`,
    /// all at once or not at all: a file that does not parse, or holds quads outside document
    /// graphs of this store's base, loads nothing. Documents already stored are skipped; an
    /// earlier version of a loaded document (another text read from the same source) is removed,
    /// as `build` does. Run [`Store::derive`] once every file is in.
    pub fn load_nquads(&self, path: &Path) -> Result<LoadCounts> {
        let file = std::fs::File::open(path).map_err(|e| Error::Quads {
            path: path.to_owned(),
            reason: format!("cannot open: {e}"),
        })?;
        let prefix = self.mapper.document_graph("");
        let (mut added, mut present) = (HashSet::new(), HashSet::new());
        let quads = RdfParser::from_format(RdfFormat::NQuads)
            .for_reader(std::io::BufReader::new(file))
            .map(|quad| {
                let quad = quad.map_err(|e| Error::Quads {
                    path: path.to_owned(),
                    reason: e.to_string(),
                })?;
                let graph = match &quad.graph_name {
                    GraphName::NamedNode(g) if g.as_str().starts_with(prefix.as_str()) => g.clone(),
                    other => {
                        return Err(Error::Quads {
                            path: path.to_owned(),
                            reason: format!("quad in {other}, not a document graph under {prefix}: {quad}"),
                        });
                    }
                };
                if !added.contains(&graph) && !present.contains(&graph) {
                    if self.inner.contains_named_graph(graph.as_ref())? {
                        present.insert(graph.clone());
                    } else {
                        added.insert(graph.clone());
                    }
                }
                Ok(added.contains(&graph).then_some(quad))
            })
            .filter_map(|quad| quad.transpose());
        let mut loader = self.bulk_loader(LOAD_MEGABYTES);
        loader.load_ok_quads::<Error, Error>(quads)?;
        loader.commit()?;
        let replaced = self.remove_earlier_versions(&added)?;
        Ok(LoadCounts {
            added: added.len(),
            present: present.len(),
            replaced,
        })
    }

    /// Removes the graphs of documents read from the same source as one of `loaded` but with
    /// another text; returns how many of `loaded` replaced one.
    fn remove_earlier_versions(&self, loaded: &HashSet<NamedNode>) -> Result<usize> {
        let mut stale = HashSet::new();
        let mut replaced = 0;
        for graph in loaded {
            let mut replaces = false;
            for quad in self
                .inner
                .quads_for_pattern(None, Some(cg::SOURCE_PATH), None, Some(graph.as_ref().into()))
            {
                let source = quad?.object;
                for other in self
                    .inner
                    .quads_for_pattern(None, Some(cg::SOURCE_PATH), Some(source.as_ref()), None)
                {
                    if let GraphName::NamedNode(other) = other?.graph_name
                        && !loaded.contains(&other)
                    {
                        replaces = true;
                        stale.insert(other);
                    }
                }
            }
            replaced += usize::from(replaces);
        }
        if !stale.is_empty() {
            let mut transaction = self.inner.start_transaction()?;
            for graph in &stale {
                transaction.remove_named_graph(graph.as_ref())?;
            }
            transaction.commit()?;
        }
        Ok(replaced)
    }

    /// Oxigraph's bulk loader on one thread (analysis has the other cores) with bounded memory.
    fn bulk_loader(&self, megabytes: usize) -> oxigraph::store::BulkLoader<'_> {
        self.inner
            .bulk_loader()
            .with_num_threads(1)
            .with_max_memory_size_in_megabytes(megabytes)
    }

    /// Recomputes the derived graph from the document graphs: preferred labels, contradictions
    /// and corroborations.
    ///
    /// Memory stays bounded whatever the store's size: the old derived graph is removed in
    /// transactions of [`CLEAR_BATCH`] quads, each flushed to disk, and the new one goes through
    /// the bulk loader. A build stopped part-way leaves the store marked, so the next build
    /// derives again.
    pub fn derive(&self) -> Result<()> {
        let derived = self.mapper.derived_graph();
        self.mark_derive_pending(true)?;
        self.clear_in_batches(&derived)?;
        // labels first: the summaries of propositions are made of them
        self.load_streamed(|emit| self.preferred_labels(&derived, emit))?;
        // Summaries, contradictions and corroborations read document graphs and labels, never
        // one another's output, and the loader makes nothing visible before its commit: they
        // stream straight in, a batch at a time.
        self.load_streamed(|emit| {
            derive::Propositions::new(&self.inner, self.mapper.base(), &derived).derive(&mut &mut *emit)
        })?;
        // The graph's name, for a derive that found nothing, goes in last: it is an ordinary
        // write, and after a large bulk load RocksDB holds writes back until its compactions
        // catch up (a minute after 100 MB), while the scans above can run meanwhile.
        self.inner.insert_named_graph(derived.as_ref())?;
        self.mark_derive_pending(false)
    }

    /// Bulk-loads the quads `produce` emits, a batch at a time, visible once all are in.
    fn load_streamed(&self, produce: impl FnOnce(&mut dyn FnMut(Quad) -> Result<()>) -> Result<()>) -> Result<()> {
        let mut loader = self.bulk_loader(DERIVE_MEGABYTES);
        let mut batch = Vec::with_capacity(DERIVE_BATCH);
        produce(&mut |quad| {
            batch.push(quad);
            if batch.len() == DERIVE_BATCH {
                loader.load_quads(batch.drain(..))?;
            }
            Ok(())
        })?;
        loader.load_quads(batch)?;
        Ok(loader.commit()?)
    }

    /// Removes every quad of `graph`, a bounded transaction at a time.
    fn clear_in_batches(&self, graph: &NamedNode) -> Result<()> {
        // one scan of a snapshot: scanning again after each batch would step over every quad
        // removed so far (RocksDB keeps them as tombstones until it compacts)
        let mut scan = self
            .inner
            .quads_for_pattern(None, None, None, Some(graph.as_ref().into()));
        loop {
            let quads = scan
                .by_ref()
                .take(CLEAR_BATCH)
                .collect::<std::result::Result<Vec<_>, _>>()?;
            if quads.is_empty() {
                return Ok(());
            }
            let mut transaction = self.inner.start_transaction()?;
            for quad in &quads {
                transaction.remove(quad);
            }
            transaction.commit()?;
            // RocksDB keeps removals in memtables of up to 128 MB per index until it flushes them
            // (600 MB on the 100 MB benchmark store); flushing each batch keeps memory flat
            self.inner.flush()?;
        }
    }

    /// Records in the store's marker file whether a derive is under way.
    fn mark_derive_pending(&self, pending: bool) -> Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        Marker {
            format: FORMAT_VERSION,
            base: self.mapper.base().to_owned(),
            derive_pending: pending,
        }
        .write(path)
    }

    /// One `skos:prefLabel` per entity: the label most documents give it (ties: the longest,
    /// then the first in Unicode order), so every run picks the same one. The same as a SPARQL
    /// update is `queries/derive/preferred-labels.ru`.
    ///
    /// One scan of every `rdfs:label` counts the documents giving each entity each label. On
    /// disk, oxigraph hands a predicate's quads over ordered by object, so the counts of one
    /// label are complete when the next label comes, and only the best label of each entity so
    /// far outlives them, in [`BestLabels`]. (A SPARQL GROUP BY held every (entity, label) with
    /// its set of documents: 210 MB at 100 MB of text.) The in-memory store has no such order
    /// and counts everything before choosing. A second scan finds each entity's IRI again, at
    /// its best label, and emits it.
    fn preferred_labels(&self, derived: &NamedNode, emit: &mut dyn FnMut(Quad) -> Result<()>) -> Result<()> {
        let mut best = BestLabels::default();
        let ordered_by_label = self.path.is_some();
        let mut counts: HashMap<(NamedNode, Literal), usize> = HashMap::new();
        let mut counting: Option<Literal> = None;
        for quad in self.inner.quads_for_pattern(None, Some(vocab::rdfs::LABEL), None, None) {
            let quad = quad?;
            let (NamedOrBlankNode::NamedNode(entity), Term::Literal(label), GraphName::NamedNode(graph)) =
                (quad.subject, quad.object, quad.graph_name)
            else {
                continue;
            };
            if graph == cg::ONTOLOGY || graph == *derived || !self.has_names(&entity, &graph)? {
                continue;
            }
            if ordered_by_label && counting.as_ref() != Some(&label) {
                best.offer_all(&mut counts);
                counting = Some(label.clone());
            }
            *counts.entry((entity, label)).or_default() += 1;
        }
        best.offer_all(&mut counts);
        for quad in self.inner.quads_for_pattern(None, Some(vocab::rdfs::LABEL), None, None) {
            let quad = quad?;
            if let (NamedOrBlankNode::NamedNode(entity), Term::Literal(label)) = (quad.subject, quad.object)
                && best.take(&entity, label.value())
            {
                emit(Quad::new(
                    entity,
                    vocab::skos::PREF_LABEL,
                    Literal::new_simple_literal(label.value()),
                    derived.clone(),
                ))?;
            }
        }
        Ok(())
    }

    /// Whether `entity` has names (`skos:altLabel`) in `graph`: what makes it an entity there.
    fn has_names(&self, entity: &NamedNode, graph: &NamedNode) -> Result<bool> {
        let mut names = self.inner.quads_for_pattern(
            Some(entity.as_ref().into()),
            Some(vocab::skos::ALT_LABEL),
            None,
            Some(graph.as_ref().into()),
        );
        Ok(names.next().transpose()?.is_some())
    }

    /// Runs a SPARQL query with the union of all graphs as default graph and claimgraph's
    /// prefixes declared.
    pub fn query_raw(&self, query: &str) -> Result<QueryResults<'static>> {
        let mut evaluator = SparqlEvaluator::new();
        for (prefix, iri) in vocab::PREFIXES {
            evaluator = evaluator
                .with_prefix(*prefix, *iri)
                .expect("vocabulary prefixes are valid IRIs");
        }
        let mut prepared = evaluator.parse_query(query)?;
        prepared.dataset_mut().set_default_graph_as_union();
        Ok(prepared.on_store(&self.inner).execute()?)
    }

    /// Writes the whole graph in `format`: datasets (TriG, N-Quads) keep the named graphs,
    /// graph formats get the union of all graphs, without duplicates. The output is sorted, so
    /// the same store always gives the same bytes: graphs by name, then quads (or triples) by
    /// their N-Quads text. Sorting goes through temporary files in `scratch` when there is more
    /// than a bounded amount to sort, so memory does not grow with the store.
    pub fn export(&self, format: RdfFormat, writer: impl Write, options: &ExportOptions) -> Result<()> {
        self.export_sorting_in(format, writer, options, sorted::RUN_BYTES)
    }

    /// [`Store::export`], keeping up to `budget` bytes of lines in memory.
    fn export_sorting_in(
        &self,
        format: RdfFormat,
        writer: impl Write,
        options: &ExportOptions,
        budget: usize,
    ) -> Result<()> {
        let (scratch, threads) = (options.scratch.as_path(), options.threads.max(1));
        let mut output = if matches!(format, RdfFormat::NTriples | RdfFormat::NQuads) {
            Output::Lines(writer)
        } else {
            Output::Serializer(
                Box::new(self.mapper.serializer(format).for_writer(writer)),
                String::new(),
            )
        };
        if format.supports_datasets() {
            let mut graphs: Vec<NamedOrBlankNode> = self.inner.named_graphs().collect::<Result<_, _>>()?;
            graphs.sort_by_cached_key(|g| g.to_string());
            // graphs are read and sorted a window at a time, on `threads` threads, then written in
            // order; on one thread a window is one graph
            let window = if threads == 1 { 1 } else { EXPORT_WINDOW };
            let mut start = 0;
            while start < graphs.len() {
                let end = (start + window).min(graphs.len());
                let next = AtomicUsize::new(start);
                let held = AtomicUsize::new(0);
                let sorted: Vec<Mutex<Option<Result<SortedLines>>>> = (start..end).map(|_| Mutex::new(None)).collect();
                let work = || {
                    // a window ends early once the sorted graphs it holds fill the budget
                    while held.load(Ordering::Relaxed) < budget {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= end {
                            break;
                        }
                        let graph = GraphNameRef::from(graphs[i].as_ref());
                        let lines = self.sorted_lines([graph], |quad| quad.to_string(), scratch, budget / threads);
                        // a graph sorted through files holds them open until it is written: it
                        // ends the window
                        let bytes = match &lines {
                            Ok(sorted @ SortedLines::Memory(_)) => sorted.bytes_in_memory(),
                            Ok(SortedLines::Files { .. } | SortedLines::Union(_)) => budget,
                            Err(_) => 0,
                        };
                        held.fetch_add(bytes, Ordering::Relaxed);
                        *sorted[i - start].lock().expect("not poisoned") = Some(lines);
                    }
                };
                if threads == 1 {
                    work();
                } else {
                    std::thread::scope(|scope| {
                        for _ in 0..threads {
                            scope.spawn(work);
                        }
                    });
                }
                // the graphs claimed are the window's first ones, and every one of them is sorted
                let claimed = next.into_inner().min(end);
                for slot in &sorted[..claimed - start] {
                    let lines = slot
                        .lock()
                        .expect("not poisoned")
                        .take()
                        .expect("a claimed graph is sorted");
                    for line in lines? {
                        output.line(&line?, RdfFormat::NQuads)?;
                    }
                }
                start = claimed;
            }
            output.finish(RdfFormat::NQuads)
        } else {
            // the union of all graphs: each thread reads every `threads`-th graph into a sorter
            // of its own, and their sorted lines are merged
            let mut graphs = vec![GraphName::DefaultGraph];
            for graph in self.inner.named_graphs() {
                graphs.push(match graph? {
                    NamedOrBlankNode::NamedNode(n) => GraphName::NamedNode(n),
                    NamedOrBlankNode::BlankNode(b) => GraphName::BlankNode(b),
                });
            }
            let read = |first: usize| {
                let mine = graphs.iter().skip(first).step_by(threads).map(GraphName::as_ref);
                self.sorted_lines(mine, |quad| Triple::from(quad).to_string(), scratch, budget / threads)
            };
            let parts = if threads == 1 {
                vec![read(0)?]
            } else {
                std::thread::scope(|scope| {
                    let workers: Vec<_> = (0..threads).map(|first| scope.spawn(move || read(first))).collect();
                    workers
                        .into_iter()
                        .map(|worker| worker.join().expect("an export thread panicked"))
                        .collect::<Result<Vec<_>>>()
                })?
            };
            for line in SortedLines::union(parts)? {
                output.line(&line?, RdfFormat::NTriples)?;
            }
            output.finish(RdfFormat::NTriples)
        }
    }

    /// The quads of `graphs` as sorted lines, each quad's made by `line` (its N-Quads or
    /// N-Triples text without the final ` .`).
    fn sorted_lines<'a>(
        &self,
        graphs: impl IntoIterator<Item = GraphNameRef<'a>>,
        line: impl Fn(Quad) -> String,
        scratch: &Path,
        budget: usize,
    ) -> Result<SortedLines> {
        let mut sorter = LineSorter::new(scratch, budget);
        for graph in graphs {
            for quad in self.inner.quads_for_pattern(None, None, None, Some(graph)) {
                sorter.push(line(quad?))?;
            }
        }
        Ok(sorter.finish()?)
    }

    /// Counts quads, documents and instances of each class.
    pub fn stats(&self) -> Result<Stats> {
        let mut stats = Stats {
            quads: self.inner.len()?,
            ..Stats::default()
        };
        let classes = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } \
            FILTER(?g != <https://w3id.org/claimgraph/ns>) } GROUP BY ?class";
        for row in self.rows(classes)? {
            stats.by_class.insert(row[0].clone(), row[1].parse().unwrap_or(0));
        }
        let documents = "SELECT ?file ?doc (COUNT(*) AS ?quads) WHERE { ?d cg:file ?file ; cg:documentId ?doc . \
            GRAPH ?g { ?d cg:file ?file } GRAPH ?g { ?s ?p ?o } } GROUP BY ?file ?doc";
        for row in self.rows(documents)? {
            stats
                .by_document
                .insert(row[0].clone(), (row[1].clone(), row[2].parse().unwrap_or(0)));
        }
        Ok(stats)
    }

    /// Runs a SELECT query and returns each row's values as strings (IRIs and literals as their
    /// plain value, unbound as empty).
    pub fn rows(&self, query: &str) -> Result<Vec<Vec<String>>> {
        let mut rows = Vec::new();
        if let QueryResults::Solutions(solutions) = self.query_raw(query)? {
            let variables = solutions.variables().to_vec();
            for solution in solutions {
                let solution = solution?;
                rows.push(
                    variables
                        .iter()
                        .map(|v| match solution.get(v) {
                            Some(Term::NamedNode(n)) => n.as_str().to_owned(),
                            Some(Term::Literal(l)) => l.value().to_owned(),
                            Some(other) => other.to_string(),
                            None => String::new(),
                        })
                        .collect(),
                );
            }
        }
        Ok(rows)
    }

    /// Whether `iri` appears in the store as a subject or object.
    pub fn knows(&self, iri: NamedNodeRef<'_>) -> Result<bool> {
        Ok(self
            .inner
            .quads_for_pattern(Some(iri.into()), None, None, None)
            .next()
            .is_some()
            || self
                .inner
                .quads_for_pattern(None, None, Some(iri.into()), None)
                .next()
                .is_some())
    }
}

/// What loading a file of quads did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LoadCounts {
    /// Documents that were not stored before.
    pub added: usize,
    /// Documents already stored, skipped.
    pub present: usize,
    /// Added documents that replaced an earlier version read from the same source.
    pub replaced: usize,
}

/// Counts of what a store holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// All quads, ontology included.
    pub quads: usize,
    /// Instances by class IRI.
    pub by_class: BTreeMap<String, usize>,
    /// For each source file: its document id and the number of quads in its graph.
    pub by_document: BTreeMap<String, (String, usize)>,
}

/// The best label found so far for each entity while the preferred labels are chosen. It holds
/// every entity of the store, so it keeps no strings per entity: an entity is a 128-bit digest
/// of its IRI, and a label is an index into one string of the labels that ever won (on disk
/// they come grouped, so each is stored once): one 32-byte table entry per entity where a map
/// from IRIs to labels held two strings.
#[derive(Default)]
struct BestLabels {
    /// Documents giving the best label, and the label's index.
    by_entity: HashMap<[u8; 16], (usize, usize)>,
    labels: String,
    /// Where each label ends in `labels`.
    ends: Vec<usize>,
}

impl BestLabels {
    fn key(entity: &NamedNode) -> [u8; 16] {
        let digest = Sha256::digest(entity.as_str().as_bytes());
        let mut key = [0; 16];
        key.copy_from_slice(&digest[..16]);
        key
    }

    fn label(&self, index: usize) -> &str {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.labels[start..self.ends[index]]
    }

    /// How good a label is: higher is better.
    fn rank(documents: usize, label: &str) -> (usize, usize, Reverse<&str>) {
        (documents, label.chars().count(), Reverse(label))
    }

    /// Offers each counted (entity, label), emptying `counts`.
    fn offer_all(&mut self, counts: &mut HashMap<(NamedNode, Literal), usize>) {
        for ((entity, label), documents) in counts.drain() {
            self.offer(&entity, label.value(), documents);
        }
    }

    /// Keeps `label`, given by `documents` documents, if it beats the entity's best so far: more
    /// documents, then longer, then first in Unicode order.
    fn offer(&mut self, entity: &NamedNode, label: &str, documents: usize) {
        let key = Self::key(entity);
        if let Some(&(best_documents, index)) = self.by_entity.get(&key)
            && Self::rank(documents, label) <= Self::rank(best_documents, self.label(index))
        {
            return;
        }
        let index = match self.ends.len() {
            last if last > 0 && self.label(last - 1) == label => last - 1,
            _ => {
                self.labels.push_str(label);
                self.ends.push(self.labels.len());
                self.ends.len() - 1
            }
        };
        self.by_entity.insert(key, (documents, index));
    }

    /// Whether `label` is the entity's best label, true once per entity.
    fn take(&mut self, entity: &NamedNode, label: &str) -> bool {
        let key = Self::key(entity);
        match self.by_entity.get(&key) {
            Some(&(_, index)) if self.label(index) == label => {
                self.by_entity.remove(&key);
                true
            }
            _ => false,
        }
    }
}

/// Where an export's sorted lines (N-Triples or N-Quads without their final ` .`) go.
enum Output<W: Write> {
    /// N-Triples and N-Quads: oxigraph's serializers write a quad as its text and ` .`, so the
    /// sorted lines are the output already.
    Lines(W),
    /// Any other format: the lines are parsed back, a chunk at a time (one parser per chunk
    /// costs less than one per line), and serialized.
    Serializer(Box<oxigraph::io::WriterQuadSerializer<W>>, String),
}

impl<W: Write> Output<W> {
    /// Bytes of lines parsed back at once.
    const CHUNK_BYTES: usize = 1 << 20;

    /// Writes `line`, an N-Triples or N-Quads line (as `syntax` says) without its ` .`.
    fn line(&mut self, line: &str, syntax: RdfFormat) -> Result<()> {
        match self {
            Output::Lines(writer) => {
                writer.write_all(line.as_bytes())?;
                writer.write_all(b" .\n")?;
            }
            Output::Serializer(serializer, chunk) => {
                chunk.push_str(line);
                chunk.push_str(" .\n");
                if chunk.len() >= Self::CHUNK_BYTES {
                    Self::serialize(serializer, chunk, syntax)?;
                }
            }
        }
        Ok(())
    }

    fn serialize(
        serializer: &mut oxigraph::io::WriterQuadSerializer<W>,
        chunk: &mut String,
        syntax: RdfFormat,
    ) -> Result<()> {
        for quad in RdfParser::from_format(syntax).lenient().for_slice(chunk.as_bytes()) {
            let quad = quad.map_err(oxigraph::io::RdfParseError::from)?;
            if syntax == RdfFormat::NQuads {
                serializer.serialize_quad(&quad)?;
            } else {
                serializer.serialize_triple(&Triple::from(quad))?;
            }
        }
        chunk.clear();
        Ok(())
    }

    fn finish(self, syntax: RdfFormat) -> Result<()> {
        match self {
            Output::Lines(mut writer) => writer.flush()?,
            Output::Serializer(mut serializer, mut chunk) => {
                Self::serialize(&mut serializer, &mut chunk, syntax)?;
                serializer.finish()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_sorted_through_files_are_the_exports_sorted_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("kg"), crate::rdf::DEFAULT_BASE).unwrap();
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        crate::build::build(&store, &[corpus.into()], &crate::build::BuildOptions::default(), |_| {}).unwrap();
        let scratch = dir.path().join("scratch");
        std::fs::create_dir(&scratch).unwrap();
        for format in [RdfFormat::NQuads, RdfFormat::Turtle, RdfFormat::TriG] {
            let export = |budget, threads| {
                let mut bytes = Vec::new();
                let options = ExportOptions {
                    scratch: scratch.clone(),
                    threads,
                };
                store.export_sorting_in(format, &mut bytes, &options, budget).unwrap();
                bytes
            };
            let in_memory = export(usize::MAX, 1);
            assert!(in_memory.len() > 300_000, "{format}: {} bytes", in_memory.len());
            // about 100 lines a run: the derived graph alone makes dozens of runs
            for (budget, threads) in [(20_000, 1), (usize::MAX, 2), (20_000, 2), (20_000, 3)] {
                let other = export(budget, threads);
                assert!(
                    in_memory == other,
                    "{format}: {budget} bytes on {threads} threads differ"
                );
            }
            assert_eq!(
                std::fs::read_dir(&scratch).unwrap().count(),
                0,
                "temporary files left behind"
            );
        }
    }
}
