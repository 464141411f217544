//! Command-line arguments. Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turns news articles into an RDF knowledge graph of who said what, about whom, when, according
/// to which outlet and sentence, and finds where sources contradict each other.
#[derive(Debug, Parser)]
#[command(name = "claimgraph", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract, resolve and load articles into the store (incremental: unchanged documents are skipped).
    Build(BuildArgs),
    /// Run a bundled query by name, or any SPARQL 1.1 query.
    Query(QueryArgs),
    /// Write the whole graph in an RDF format (byte-identical for the same store content).
    Export(ExportArgs),
    /// Count what the store holds, by class and by document.
    Stats(StoreArg),
    /// Show the sentences, character spans, documents and rules behind an entity, attribution,
    /// proposition, event or contradiction.
    Explain(ExplainArgs),
    /// Read subject-relation-argument triples from sentences, one per input line (no store needed).
    Extract(ExtractArgs),
    /// Load N-Quads shards written by `extract --shard` into a store, then compute contradictions
    /// and corroborations across all of them.
    Load(LoadArgs),
    /// Send every named graph of the store to a SPARQL 1.1 server (Graph Store HTTP Protocol, one
    /// PUT per graph, so a retry or a second push is harmless), then check the server's counts.
    Push(PushArgs),
    /// Train the tagger, lemmatizer and parser on Universal Dependencies English-EWT.
    Train(TrainArgs),
    /// Evaluate the tagger, lemmatizer and parser on a UD English-EWT split.
    EvalNlp(EvalNlpArgs),
}

/// Where the store is.
#[derive(Debug, Args)]
pub struct StoreArg {
    /// The store directory.
    #[arg(long, short = 's', env = "CLAIMGRAPH_STORE", default_value = "kg.db")]
    pub store: PathBuf,
}

/// `claimgraph build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Articles: files, folders (searched recursively) or `-` for standard input; .txt, .md, .html, .jsonl.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The store directory (created if missing).
    #[arg(
        long,
        short = 's',
        env = "CLAIMGRAPH_STORE",
        default_value = "kg.db",
        conflicts_with = "memory"
    )]
    pub store: PathBuf,
    /// Build in memory instead of on disk (nothing is kept; combine with --query).
    #[arg(long)]
    pub memory: bool,
    /// A bundled query to run and print once the build is done.
    #[arg(long, value_name = "NAME")]
    pub query: Option<String>,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

/// How articles are analyzed and named, for `build` and `extract`.
#[derive(Debug, Args)]
pub struct AnalysisArgs {
    /// Base IRI of the data minted (for build: in a new store; for extract: must match the
    /// store the shards are loaded into).
    #[arg(long, default_value = claimgraph::rdf::DEFAULT_BASE)]
    pub base: String,
    /// Analysis threads (0: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// No progress bar and no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Tag and parse with this model file (from `claimgraph train`) instead of the embedded one,
    /// e.g. the perceptron parser's `models/en_ewt-perceptron.model`.
    #[arg(long, env = "CLAIMGRAPH_MODEL")]
    pub model: Option<PathBuf>,
}

/// `claimgraph query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A bundled query's name (see --list).
    #[arg(conflicts_with_all = ["expression", "file", "list"])]
    pub name: Option<String>,
    /// A SPARQL query given on the command line.
    #[arg(long = "expression", short = 'e', value_name = "SPARQL", conflicts_with_all = ["file", "list"])]
    pub expression: Option<String>,
    /// A file holding a SPARQL query (`-` for standard input).
    #[arg(long, short = 'f', value_name = "FILE", conflicts_with = "list")]
    pub file: Option<PathBuf>,
    /// List the bundled queries with what each answers.
    #[arg(long)]
    pub list: bool,
    /// Print the query instead of running it (with --list: nothing).
    #[arg(long)]
    pub show: bool,
    /// The store directory.
    #[arg(long, short = 's', env = "CLAIMGRAPH_STORE", default_value = "kg.db")]
    pub store: PathBuf,
    /// Output format (default: table on a terminal, TSV otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ResultsFormatArg>,
}

/// Result formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ResultsFormatArg {
    /// Aligned columns.
    Table,
    /// SPARQL 1.1 CSV.
    Csv,
    /// SPARQL 1.1 TSV.
    Tsv,
    /// SPARQL 1.1 Query Results JSON.
    Json,
    /// SPARQL Query Results XML.
    Xml,
}

/// `claimgraph export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The store directory.
    #[arg(long, short = 's', env = "CLAIMGRAPH_STORE", default_value = "kg.db")]
    pub store: PathBuf,
    /// RDF format.
    #[arg(long, value_enum, default_value = "turtle")]
    pub format: ExportFormat,
    /// Output file (default: standard output).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Where a large export sorts through temporary files, removed when it ends (about the
    /// size of an N-Quads export at most; default: $TMPDIR, or /tmp).
    #[arg(long, value_name = "DIR", default_value_os_t = std::env::temp_dir(), hide_default_value = true)]
    pub temp_dir: PathBuf,
    /// Threads reading and sorting the store: 2 exports a large store about twice as fast as 1
    /// on two cores, for more memory (on a 100 MB store, 335-385 MB against 275-280 MB).
    #[arg(long, short = 'j', default_value_t = 2)]
    pub threads: usize,
}

/// RDF formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// Turtle (all graphs merged).
    Turtle,
    /// TriG (one graph per document, the ontology and the derived graph).
    Trig,
    /// N-Triples (all graphs merged).
    Ntriples,
    /// N-Quads (one graph per document, the ontology and the derived graph).
    Nquads,
    /// RDF/XML (all graphs merged).
    Rdfxml,
    /// JSON-LD (one graph per document, the ontology and the derived graph).
    Jsonld,
}

/// `claimgraph explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The node: a full IRI, or a short form like `id:entity/dmitry-peskov`.
    pub iri: String,
    /// The store directory.
    #[arg(long, short = 's', env = "CLAIMGRAPH_STORE", default_value = "kg.db")]
    pub store: PathBuf,
}

/// `claimgraph train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The folder holding en_ewt-ud-{train,dev,test}.conllu.
    #[arg(long)]
    pub ud: PathBuf,
    /// Where to write the model.
    #[arg(long, short = 'o', default_value = "models")]
    pub output: PathBuf,
    /// Train the averaged-perceptron transition parser instead of the neural one: parses about
    /// 3 times faster, test LAS 82.7 against 85.3 (`models/en_ewt-perceptron.model`, written as
    /// en_ewt-perceptron.model; models/README.md).
    #[arg(long)]
    pub perceptron: bool,
    /// Perceptron parser beam for training (1 = greedy, the shipped perceptron model). A beam of
    /// 8 with the extra feature templates, decoding with a beam of 4, gains about 0.6 UAS but
    /// parses 3x slower.
    #[arg(long, default_value_t = 1, requires = "perceptron", value_parser = clap::value_parser!(u16).range(1..))]
    pub beam: u16,
    /// Neural parser training passes (the best on dev is kept).
    #[arg(long, conflicts_with = "perceptron")]
    pub epochs: Option<usize>,
    /// Neural parser LSTM units per direction.
    #[arg(long, conflicts_with = "perceptron")]
    pub hidden: Option<usize>,
    /// Neural parser BiLSTM layers (1 or 2).
    #[arg(long, conflicts_with = "perceptron", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub layers: Option<u8>,
}

/// `claimgraph eval-nlp`.
#[derive(Debug, Args)]
pub struct EvalNlpArgs {
    /// The folder holding en_ewt-ud-{train,dev,test}.conllu.
    #[arg(long)]
    pub ud: PathBuf,
    /// Which split to evaluate on.
    #[arg(long, default_value = "test", value_parser = ["train", "dev", "test"])]
    pub split: String,
    /// Evaluate this model file instead of the embedded model.
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// `claimgraph extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Sentence formats: files with one sentence per line (`-`: standard input). N-Quads: articles,
    /// as for build (files, folders, `-`).
    #[arg(default_value = "-")]
    pub inputs: Vec<PathBuf>,
    /// Output format (default: tsv, or nquads with --shard).
    #[arg(long, value_enum)]
    pub format: Option<TriplesFormat>,
    /// Analyze only the documents of shard K of N (by a hash of their text) and write their
    /// graphs as N-Quads; `claimgraph load` merges the shards into a store.
    #[arg(long, value_name = "K/N", value_parser = claimgraph::build::Shard::parse)]
    pub shard: Option<claimgraph::build::Shard>,
    /// Output file (default: standard output); written whole or not at all.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

/// `claimgraph load`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// N-Quads files written by `claimgraph extract --shard`.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The store directory (created if missing).
    #[arg(long, short = 's', env = "CLAIMGRAPH_STORE", default_value = "kg.db")]
    pub store: PathBuf,
    /// Base IRI of the data, for a new store (the shards' --base).
    #[arg(long, default_value = claimgraph::rdf::DEFAULT_BASE)]
    pub base: String,
}

/// `claimgraph push`.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The store directory.
    #[arg(long, short = 's', env = "CLAIMGRAPH_STORE", default_value = "kg.db")]
    pub store: PathBuf,
    /// The server's SPARQL query endpoint, used to check the counts (Oxigraph: http://HOST:7878/query,
    /// Virtuoso: http://HOST:8890/sparql).
    #[arg(long)]
    pub endpoint: String,
    /// The server's Graph Store Protocol endpoint, if not the query endpoint (Oxigraph:
    /// http://HOST:7878/store, Virtuoso: http://HOST:8890/sparql-graph-crud-auth).
    #[arg(long)]
    pub graph_store: Option<String>,
    /// User name for HTTP Basic or Digest authentication.
    #[arg(long, requires = "password")]
    pub user: Option<String>,
    /// Password for --user.
    #[arg(long, env = "CLAIMGRAPH_PASSWORD", hide_env_values = true, requires = "user")]
    pub password: Option<String>,
    /// Graphs sent at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,
    /// Most triples in one request; a larger graph is sent in several (a PUT, then POSTs).
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub batch_size: u32,
    /// How many times a request that failed on the network or with HTTP 5xx, 408 or 429 is tried again.
    #[arg(long, default_value_t = 3)]
    pub retries: u32,
    /// Longest time one request may take, in seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Triple output formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TriplesFormat {
    /// `sentence, confidence, relation, arg1, arg2...` per triple, tab-separated (the CaRB benchmark's format).
    Carb,
    /// A header, then one triple per row: line, confidence, polarity, subject, relation, lemma, arguments, attributed-to.
    Tsv,
    /// One JSON object per sentence with its triples.
    Jsonl,
    /// The whole graph of each article (inputs are articles), as `build` would store it.
    Nquads,
}
