//! Part-of-speech tagging, lemmatization and labelled dependency parsing, in pure Rust, trained
//! on Universal Dependencies English-EWT.
//!
//! * Tagger: left-to-right averaged perceptron over word, affix, shape, sentence-casing,
//!   ambiguity-class and tag-history features, predicting joint (UPOS, XPOS) tags; a second
//!   left-to-right pass (trained on jackknifed first-pass tags) also sees the first pass's tags to
//!   the right and re-tags the words the first pass was unsure of.
//! * Lemmatizer: (form, XPOS) → lemma table from the training data, then suffix rules per XPOS.
//! * Parser, neural (`claimgraph train --neural`, [`NeuralOptions`]): graph-based BiLSTM + biaffine
//!   parser in the style of Dozat & Manning (2017) over word, tag, hashed-affix and shape
//!   embeddings, decoded with Eisner's algorithm (one root word), trained with hand-written
//!   backpropagation and Adam on jackknifed (predicted) tags; the pass with the best dev LAS is
//!   kept. More accurate, several times slower.
//! * Parser: arc-hybrid transition parser with labelled transitions and an averaged perceptron
//!   over Zhang & Nivre (2011)-style features, trained on jackknifed (predicted) tags: greedy
//!   passes with a dynamic oracle and exploration, then (beam > 1) beam-search passes with global
//!   max-violation updates; it decodes with the beam width stored in the model (1 = greedy).
//!
//! Feature ids are FNV/splitmix hashes; training is deterministic (same data, same bytes).

mod conllu;
mod eval;
mod lemma;
mod neural;
mod parser;
mod simd;
mod tagger;
mod util;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

pub use eval::{GoldScores, RawScores};
use lemma::Lemmatizer;
pub use neural::NeuralOptions;
use neural::{NeuralParser, NeuralSentence};
use parser::{ParseSentence, Parser};
use tagger::{TagSentence, Tagger};
use util::{Reader, Writer};

/// File name of a trained model with the neural parser (the shipped, embedded model) inside the
/// output directory.
pub const MODEL_FILE: &str = "en_ewt.model";
/// File name of a trained model with the perceptron parser inside the output directory.
pub const PERCEPTRON_MODEL_FILE: &str = "en_ewt-perceptron.model";

/// Version 2: perceptron parser (with its beam width) and a tagger with an optional second pass.
const MAGIC: &[u8; 8] = b"CGNLP\x00\x02\x00";
/// Version 3: as version 2, then a byte naming the parser (0 perceptron, 1 neural).
const MAGIC_V3: &[u8; 8] = b"CGNLP\x00\x03\x00";
/// The first format (no beam width in the parser section), still read.
const MAGIC_V1: &[u8; 8] = b"CGNLP\x00\x01\x00";

static EMBEDDED: &[u8] = include_bytes!("../../models/en_ewt.model");

/// The model set with [`Model::set_active`].
static ACTIVE: OnceLock<Model> = OnceLock::new();

/// Errors from loading, training or evaluating models.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Reading or writing a file failed.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error, in the message rather than a `source()`, so a report that
        /// prints the chain of causes does not print it twice.
        error: std::io::Error,
    },
    /// The model bytes are not a valid model.
    #[error("invalid model: {0}")]
    Format(String),
    /// A CoNLL-U file could not be parsed.
    #[error("{file}:{line}: {message}")]
    Conllu {
        /// The file.
        file: String,
        /// 1-based line number (0 when the problem is not tied to a line).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// The analysis of one word.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Universal part-of-speech tag.
    pub upos: String,
    /// Penn Treebank part-of-speech tag.
    pub xpos: String,
    /// Lemma.
    pub lemma: String,
    /// Head: 0 = root, else the 1-based index of the head word.
    pub head: usize,
    /// Universal Dependencies relation (with subtype, e.g. `nmod:poss`).
    pub deprel: String,
}

/// A trained tagger, lemmatizer and parser.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    tagger: Tagger,
    lemmatizer: Lemmatizer,
    parser: AnyParser,
}

/// The parser of a model.
#[derive(Debug, Clone, PartialEq)]
enum AnyParser {
    /// Greedy (or beam) transition parser, averaged perceptron.
    Perceptron(Parser),
    /// Graph-based BiLSTM + biaffine parser.
    Neural(Box<NeuralParser>),
}

impl AnyParser {
    fn labels(&self) -> &[String] {
        match self {
            AnyParser::Perceptron(p) => &p.labels,
            AnyParser::Neural(p) => &p.labels,
        }
    }
}

impl Model {
    /// Parses a model from the bytes [`Model::to_bytes`] produced.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let magic = bytes.get(..MAGIC.len());
        let v1 = magic == Some(MAGIC_V1);
        let v3 = magic == Some(MAGIC_V3);
        if !v1 && !v3 && magic != Some(MAGIC) {
            return Err(ModelError::Format(
                "not a claimgraph NLP model (bad magic bytes or version)".into(),
            ));
        }
        let mut r = Reader::new(&bytes[MAGIC.len()..]);
        let tagger = Tagger::read(&mut r, !v1)?;
        let lemmatizer = Lemmatizer::read(&mut r)?;
        let parser = match if v3 { r.u8()? } else { 0 } {
            0 => AnyParser::Perceptron(Parser::read(&mut r, !v1)?),
            1 => AnyParser::Neural(Box::new(NeuralParser::read(&mut r)?)),
            k => return Err(ModelError::Format(format!("unknown parser kind {k}"))),
        };
        if !r.at_end() {
            return Err(ModelError::Format("trailing bytes after the model".into()));
        }
        Ok(Model {
            tagger,
            lemmatizer,
            parser,
        })
    }

    /// Serializes the model (deterministic bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        // a perceptron model is written as version 2, byte for byte what older code wrote
        let perceptron = matches!(self.parser, AnyParser::Perceptron(_));
        w.buf.extend_from_slice(if perceptron { MAGIC } else { MAGIC_V3 });
        self.tagger.write(&mut w);
        self.lemmatizer.write(&mut w);
        match &self.parser {
            AnyParser::Perceptron(p) => p.write(&mut w),
            AnyParser::Neural(p) => {
                w.u8(1);
                p.write(&mut w);
            }
        }
        w.buf
    }

    /// The model shipped in `models/`, embedded in the binary and parsed once.
    pub fn embedded() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| Model::from_bytes(EMBEDDED).expect("the embedded model is valid"))
    }

    /// Reads a model file written by `claimgraph train`.
    pub fn from_file(path: &Path) -> Result<Model, ModelError> {
        let bytes = std::fs::read(path).map_err(|error| ModelError::Io {
            path: path.display().to_string(),
            error,
        })?;
        Model::from_bytes(&bytes)
    }

    /// The model the pipeline analyzes with: the one given to [`Model::set_active`], else the
    /// embedded one.
    pub fn active() -> &'static Model {
        ACTIVE.get().unwrap_or_else(|| Model::embedded())
    }

    /// Makes `model` the one [`Model::active`] returns, for the rest of the process; only the
    /// first call counts (a process analyzes everything with one model).
    pub fn set_active(model: Model) {
        let _ = ACTIVE.set(model);
    }

    /// Tags, lemmatizes and parses a tokenized sentence: one analysis per word, in order.
    pub fn analyze(&self, words: &[&str]) -> Vec<Analysis> {
        if words.is_empty() {
            return Vec::new();
        }
        let (tags, infos) = self.tagger.tag_ids(words);
        let arcs = match &self.parser {
            AnyParser::Perceptron(p) => {
                let lower: Vec<u64> = infos.iter().map(|w| w.lower).collect();
                p.parse(&lower, &tags)
            }
            AnyParser::Neural(p) => p.parse(words, &tags),
        };
        self.analysis(words, tags, arcs)
    }

    /// [`Model::analyze`] on each of several sentences (those of a document, say): the same
    /// analyses; faster with the neural parser, which parses the sentences together.
    pub fn analyze_batch<'w, S: AsRef<[&'w str]>>(&self, sentences: &[S]) -> Vec<Vec<Analysis>> {
        let AnyParser::Neural(p) = &self.parser else {
            return sentences.iter().map(|s| self.analyze(s.as_ref())).collect();
        };
        let tags: Vec<Vec<usize>> = sentences.iter().map(|s| self.tagger.tag_ids(s.as_ref()).0).collect();
        let pairs: Vec<(&[&str], &[usize])> = sentences.iter().zip(&tags).map(|(s, t)| (s.as_ref(), &t[..])).collect();
        let arcs = p.parse_batch(&pairs);
        sentences
            .iter()
            .zip(tags)
            .zip(arcs)
            .map(|((s, t), a)| self.analysis(s.as_ref(), t, a))
            .collect()
    }

    /// The analyses of `words` from their tags and (head, label) arcs.
    fn analysis(&self, words: &[&str], tags: Vec<usize>, arcs: Vec<(usize, usize)>) -> Vec<Analysis> {
        let labels = self.parser.labels();
        words
            .iter()
            .zip(tags)
            .zip(arcs)
            .map(|((w, t), (head, label))| {
                let (upos, xpos) = &self.tagger.tags[t];
                Analysis {
                    upos: upos.clone(),
                    xpos: xpos.clone(),
                    lemma: self.lemmatizer.lemma(w, xpos),
                    head,
                    deprel: labels[label].clone(),
                }
            })
            .collect()
    }

    /// Sets the beam width of a perceptron parser (1 = greedy).
    pub fn set_beam(&mut self, beam: usize) {
        if let AnyParser::Perceptron(p) = &mut self.parser {
            p.beam = beam.max(1);
        }
    }

    /// True when the parser is the neural one.
    pub fn is_neural(&self) -> bool {
        matches!(self.parser, AnyParser::Neural(_))
    }

    /// Tags a tokenized sentence: (UPOS, XPOS) per word.
    pub fn tag(&self, words: &[&str]) -> Vec<(String, String)> {
        if words.is_empty() {
            return Vec::new();
        }
        self.tagger
            .tag_ids(words)
            .0
            .into_iter()
            .map(|t| self.tagger.tags[t].clone())
            .collect()
    }

    /// Lemma of a word given its XPOS tag.
    pub fn lemma(&self, form: &str, xpos: &str) -> String {
        self.lemmatizer.lemma(form, xpos)
    }

    /// A copy without the tagger and parser weights smaller than the given magnitudes (to shrink
    /// the model; the weights are averaged perceptron weights, of the order of 1 to 100).
    pub fn pruned(&self, tagger_min: f32, parser_min: f32) -> Model {
        Model {
            tagger: self.tagger.pruned(tagger_min),
            lemmatizer: self.lemmatizer.clone(),
            parser: match &self.parser {
                AnyParser::Perceptron(p) => AnyParser::Perceptron(p.pruned(parser_min)),
                AnyParser::Neural(p) => AnyParser::Neural(p.clone()),
            },
        }
    }

    /// Sizes: (tagger features, tagger weights, parser features, parser weights).
    pub fn sizes(&self) -> (usize, usize, usize, usize) {
        let (a, b) = self.tagger.size();
        // a neural parser has no features and counts its parameters as weights
        let (c, d) = match &self.parser {
            AnyParser::Perceptron(p) => p.size(),
            AnyParser::Neural(p) => (0, p.size()),
        };
        (a, b, c, d)
    }
}

/// Training options.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Directory holding `en_ewt-ud-{train,dev,test}.conllu`.
    pub ud_dir: PathBuf,
    /// Directory the model file ([`MODEL_FILE`] or [`PERCEPTRON_MODEL_FILE`]) is written to.
    pub out_dir: PathBuf,
    /// Tagger training passes.
    pub tagger_iterations: usize,
    /// Parser training passes.
    pub parser_iterations: usize,
    /// Folds for jackknifing the tags the parser is trained on (0 or 1 = gold tags).
    pub jackknife_folds: usize,
    /// Probability of following the model's own (possibly wrong) transition after the first pass.
    pub explore: f64,
    /// Parser features must occur at least this often on the training oracle paths to get weights.
    pub parser_min_count: u32,
    /// Threads for the jackknife taggers (results do not depend on it).
    pub threads: usize,
    /// Seed of the shuffling and exploration random numbers.
    pub seed: u64,
    /// Beam width of the parser (1 = greedy); stored in the model and used by [`Model::analyze`].
    pub beam: usize,
    /// Beam width stored in the model for decoding (0 = the training beam; ignored when `beam` is
    /// 1). A model trained with
    /// beam 8 parses dev as well with beam 4 (UAS 85.44 vs 85.43), twice as fast.
    pub decode_beam: usize,
    /// Parser passes with beam search and global (early-update) perceptron updates, run after
    /// the greedy dynamic-oracle passes (only when `beam` > 1).
    pub beam_iterations: usize,
    /// Train a second tagger pass that sees the first pass's (jackknifed) tags to the right.
    pub second_pass: bool,
    /// Beam training updates at the step of maximal violation instead of early updates.
    pub max_violation: bool,
    /// Use the extra parser feature templates (word pairs with the next words, child labels with
    /// the head word; they help with a beam, not greedily).
    pub parser_extra_features: bool,
    /// Tagger weights smaller than this in magnitude are dropped from the model (0 = keep all).
    pub tagger_prune: f32,
    /// Parser weights smaller than this in magnitude are dropped from the model (0 = keep all).
    pub parser_prune: f32,
    /// Cache file for the trained tagger and jackknifed tags (read when present, else written);
    /// `None` = no cache. Only for experiments: the cache does not know the tagger options.
    pub tags_from: Option<PathBuf>,
    /// Train the neural parser with these options instead of the perceptron parser.
    pub neural: Option<NeuralOptions>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            ud_dir: PathBuf::from("../shared/data/ud-english-ewt"),
            out_dir: PathBuf::from("models"),
            tagger_iterations: 10,
            parser_iterations: 15,
            jackknife_folds: 5,
            explore: 0.9,
            parser_min_count: 5,
            threads: 2,
            seed: 0x00c1_a1e6_2a9f,
            // Greedy: a beam of 4 (trained at 8) gains ~0.6 UAS on test but parses 3x slower
            // (45k against 127k tokens/s); `claimgraph train --beam 8` makes that model.
            beam: 1,
            decode_beam: 4,
            beam_iterations: 12,
            max_violation: true,
            second_pass: true,
            parser_extra_features: false,
            tagger_prune: 0.5,
            parser_prune: 0.0,
            tags_from: None,
            neural: None,
        }
    }
}

fn split_path(ud_dir: &Path, split: &str) -> PathBuf {
    ud_dir.join(format!("en_ewt-ud-{split}.conllu"))
}

fn logln(log: &mut dyn Write, msg: &str) -> Result<(), ModelError> {
    writeln!(log, "{msg}").map_err(|error| ModelError::Io {
        path: "<log>".into(),
        error,
    })
}

/// Trains a model on the EWT training split and writes it to `out_dir/`[`MODEL_FILE`] (neural
/// parser) or `out_dir/`[`PERCEPTRON_MODEL_FILE`].
pub fn train(options: &TrainOptions, log: &mut dyn Write) -> Result<(), ModelError> {
    let start = Instant::now();
    let sentences = conllu::read_file(&split_path(&options.ud_dir, "train"))?;
    // the neural parser keeps its pass with the best dev LAS
    let dev_path = split_path(&options.ud_dir, "dev");
    let dev_sentences = if options.neural.is_some() && dev_path.exists() {
        conllu::read_file(&dev_path)?
    } else {
        Vec::new()
    };
    let mut model = train_model(&sentences, &dev_sentences, options, log)?;
    if options.tagger_prune > 0.0 || options.parser_prune > 0.0 {
        model = model.pruned(options.tagger_prune, options.parser_prune);
    }
    if options.beam > 1 && options.decode_beam > 0 {
        model.set_beam(options.decode_beam);
    }
    let bytes = model.to_bytes();
    std::fs::create_dir_all(&options.out_dir).map_err(|error| ModelError::Io {
        path: options.out_dir.display().to_string(),
        error,
    })?;
    let name = if options.neural.is_some() {
        MODEL_FILE
    } else {
        PERCEPTRON_MODEL_FILE
    };
    let path = options.out_dir.join(name);
    std::fs::write(&path, &bytes).map_err(|error| ModelError::Io {
        path: path.display().to_string(),
        error,
    })?;
    logln(
        log,
        &format!(
            "wrote {} ({} bytes) in {:.1}s",
            path.display(),
            bytes.len(),
            start.elapsed().as_secs_f64()
        ),
    )?;
    let dev = split_path(&options.ud_dir, "dev");
    if dev.exists() {
        let scores = eval::gold_scores(&model, &conllu::read_file(&dev)?);
        logln(
            log,
            &format!(
                "dev (gold tokenization): UPOS={:.2} XPOS={:.2} LEMMA={:.2} UAS={:.2} LAS={:.2}",
                scores.upos, scores.xpos, scores.lemma, scores.uas, scores.las
            ),
        )?;
    }
    Ok(())
}

/// What a tagger job returns: the tagger and the (sentence, predicted tags) it tagged.
type JobResult = (Tagger, Vec<(usize, Vec<usize>)>);

fn train_model(
    sentences: &[conllu::Sentence],
    dev: &[conllu::Sentence],
    options: &TrainOptions,
    log: &mut dyn Write,
) -> Result<Model, ModelError> {
    let start = Instant::now();
    let mut tags: Vec<(String, String)> = sentences
        .iter()
        .flat_map(|s| s.words.iter().map(|w| (w.upos.clone(), w.xpos.clone())))
        .collect();
    tags.sort();
    tags.dedup();
    let mut labels: Vec<String> = sentences
        .iter()
        .flat_map(|s| s.words.iter().map(|w| w.deprel.clone()))
        .collect();
    labels.sort();
    labels.dedup();
    if tags.len() > 255 || 1 + 2 * labels.len() > 256 {
        return Err(ModelError::Format(format!(
            "too many tags ({}) or labels ({})",
            tags.len(),
            labels.len()
        )));
    }
    let tag_id = |u: &str, x: &str| {
        tags.binary_search_by(|(a, b)| (a.as_str(), b.as_str()).cmp(&(u, x)))
            .unwrap_or(0)
    };
    let tag_sents: Vec<TagSentence> = sentences
        .iter()
        .map(|s| TagSentence {
            words: s.words.iter().map(|w| w.form.as_str()).collect(),
            tags: s.words.iter().map(|w| tag_id(&w.upos, &w.xpos)).collect(),
        })
        .collect();
    logln(
        log,
        &format!(
            "{} sentences, {} joint tags, {} labels",
            sentences.len(),
            tags.len(),
            labels.len()
        ),
    )?;

    let cached = options.tags_from.as_ref().filter(|p| p.exists()).map(|p| {
        let bytes = std::fs::read(p).map_err(|error| ModelError::Io {
            path: p.display().to_string(),
            error,
        })?;
        let mut r = Reader::new(&bytes);
        let tagger = Tagger::read(&mut r, true)?;
        let mut predicted = Vec::with_capacity(tag_sents.len());
        for _ in 0..r.len()? {
            let n = r.len()?;
            predicted.push((0..n).map(|_| r.u8().map(usize::from)).collect::<Result<Vec<_>, _>>()?);
        }
        Ok::<_, ModelError>((tagger, predicted))
    });
    let (tagger, predicted) = match cached {
        Some(c) => c?,
        None => {
            let (mut tagger, predicted) = train_taggers(&tag_sents, &tags, options);
            if options.second_pass {
                tagger.train_second(&tag_sents, &predicted, options.tagger_iterations, options.seed);
            }
            if let Some(p) = &options.tags_from {
                let mut w = Writer::default();
                tagger.write(&mut w);
                w.var(predicted.len() as u64);
                for s in &predicted {
                    w.var(s.len() as u64);
                    s.iter().for_each(|&t| w.u8(t as u8));
                }
                std::fs::write(p, &w.buf).map_err(|error| ModelError::Io {
                    path: p.display().to_string(),
                    error,
                })?;
            }
            (tagger, predicted)
        }
    };
    let (right, total) = predicted
        .iter()
        .zip(&tag_sents)
        .flat_map(|(p, s)| p.iter().zip(&s.tags))
        .fold((0, 0), |(r, t), (a, b)| (r + usize::from(a == b), t + 1));
    logln(
        log,
        &format!(
            "taggers trained in {:.1}s; jackknifed tag accuracy {:.2}%",
            start.elapsed().as_secs_f64(),
            100.0 * right as f64 / total.max(1) as f64
        ),
    )?;

    let lemmatizer = Lemmatizer::train(sentences.iter().flat_map(|s| {
        s.words
            .iter()
            .map(|w| (w.form.as_str(), w.xpos.as_str(), w.lemma.as_str()))
    }));

    let label_ids = |s: &conllu::Sentence| -> Vec<usize> {
        s.words
            .iter()
            .map(|w| labels.binary_search(&w.deprel).unwrap_or(0))
            .collect()
    };
    let parser = if let Some(neural) = &options.neural {
        let train: Vec<NeuralSentence> = sentences
            .iter()
            .zip(predicted)
            .map(|(s, tags)| NeuralSentence {
                words: s.words.iter().map(|w| w.form.as_str()).collect(),
                tags,
                heads: s.words.iter().map(|w| w.head).collect(),
                labels: label_ids(s),
            })
            .collect();
        let dev: Vec<NeuralSentence> = dev
            .iter()
            .map(|s| {
                let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                let tags = tagger.tag_ids(&words).0;
                NeuralSentence {
                    words,
                    tags,
                    heads: s.words.iter().map(|w| w.head).collect(),
                    labels: label_ids(s),
                }
            })
            .collect();
        let parser = NeuralParser::train(&labels, tags.len(), &train, &dev, neural, &mut |m| {
            let _ = writeln!(log, "{m}");
        });
        AnyParser::Neural(Box::new(parser))
    } else {
        let parse_sents: Vec<ParseSentence> = sentences
            .iter()
            .zip(predicted)
            .map(|(s, tags)| {
                let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                ParseSentence {
                    words: tagger::word_infos(&forms, None).iter().map(|w| w.lower).collect(),
                    tags,
                    heads: s.words.iter().map(|w| w.head).collect(),
                    labels: label_ids(s),
                }
            })
            .collect();
        AnyParser::Perceptron(Parser::train(
            &labels,
            &parse_sents,
            options.parser_iterations,
            options.explore,
            options.parser_min_count,
            options.seed,
            options.beam,
            options.beam_iterations,
            options.max_violation,
            options.parser_extra_features,
            &mut |m| {
                let _ = logln(log, &m);
            },
        ))
    };
    logln(
        log,
        &format!("parser trained; total {:.1}s", start.elapsed().as_secs_f64()),
    )?;
    Ok(Model {
        tagger,
        lemmatizer,
        parser,
    })
}

/// Trains the final tagger and the jackknife taggers; returns the tagger and the predicted tags
/// of every training sentence.
fn train_taggers(
    tag_sents: &[TagSentence],
    tags: &[(String, String)],
    options: &TrainOptions,
) -> (Tagger, Vec<Vec<usize>>) {
    // Job 0 trains the final tagger on everything; jobs 1..=k train on all but fold k-1 and tag it.
    let folds = if options.jackknife_folds >= 2 {
        options.jackknife_folds
    } else {
        0
    };
    let jobs = folds + 1;
    let threads = options.threads.clamp(1, jobs);
    let mut results: Vec<Option<JobResult>> = (0..jobs).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let tag_sents = &tag_sents;
                let tags = &tags;
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for job in (t..jobs).step_by(threads) {
                        let mut quiet = |_: String| {};
                        if job == 0 {
                            let tagger =
                                Tagger::train(tags, tag_sents, options.tagger_iterations, options.seed, &mut quiet);
                            out.push((job, tagger, Vec::new()));
                        } else {
                            let fold = job - 1;
                            let (train, held): (Vec<usize>, Vec<usize>) =
                                (0..tag_sents.len()).partition(|i| i % folds != fold);
                            let sub: Vec<TagSentence> = train
                                .iter()
                                .map(|&i| TagSentence {
                                    words: tag_sents[i].words.clone(),
                                    tags: tag_sents[i].tags.clone(),
                                })
                                .collect();
                            let tagger = Tagger::train(tags, &sub, options.tagger_iterations, options.seed, &mut quiet);
                            let tagged = held
                                .iter()
                                .map(|&i| (i, tagger.tag_ids(&tag_sents[i].words).0))
                                .collect();
                            out.push((job, tagger, tagged));
                        }
                    }
                    out
                })
            })
            .collect();
        for h in handles {
            for (job, tagger, tagged) in h.join().expect("tagger thread panicked") {
                results[job] = Some((tagger, tagged));
            }
        }
    });
    let mut predicted: Vec<Vec<usize>> = tag_sents.iter().map(|s| s.tags.clone()).collect();
    let mut tagger = None;
    for (job, r) in results.into_iter().enumerate() {
        let (t, tagged) = r.expect("every job ran");
        if job == 0 {
            tagger = Some(t);
        }
        for (i, p) in tagged {
            predicted[i] = p;
        }
    }
    (tagger.expect("job 0 ran"), predicted)
}

/// Evaluation figures for one split.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    /// The split evaluated.
    pub split: String,
    /// Sentences in the split.
    pub sentences: usize,
    /// Scores from gold tokenization.
    pub gold: GoldScores,
    /// Scores from raw text.
    pub raw: RawScores,
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (g, r) = (&self.gold, &self.raw);
        writeln!(
            f,
            "EWT {} ({} sentences, {} words), CoNLL 2018 metrics",
            self.split, self.sentences, g.words
        )?;
        writeln!(f, "raw text (text::segment + text::tokenize), F1:")?;
        writeln!(f, "  Tokens     {:6.2}", r.tokens)?;
        writeln!(f, "  Sentences  {:6.2}", r.sentences)?;
        writeln!(f, "  Words      {:6.2}", r.words)?;
        writeln!(f, "  UPOS       {:6.2}", r.upos)?;
        writeln!(f, "  XPOS       {:6.2}", r.xpos)?;
        writeln!(f, "  Lemmas     {:6.2}", r.lemma)?;
        writeln!(f, "  UAS        {:6.2}", r.uas)?;
        writeln!(f, "  LAS        {:6.2}", r.las)?;
        writeln!(f, "gold tokenization (Tokens = Sentences = Words = 100.00), accuracy:")?;
        writeln!(f, "  UPOS       {:6.2}", g.upos)?;
        writeln!(f, "  XPOS       {:6.2}", g.xpos)?;
        writeln!(f, "  Lemmas     {:6.2}", g.lemma)?;
        writeln!(f, "  UAS        {:6.2}", g.uas)?;
        writeln!(f, "  LAS        {:6.2}", g.las)?;
        writeln!(f, "  LAS (full relations incl. subtypes) {:6.2}", g.las_full)?;
        write!(
            f,
            "UPOS={:.2} XPOS={:.2} LEMMA={:.2} UAS={:.2} LAS={:.2}",
            g.upos, g.xpos, g.lemma, g.uas, g.las
        )
    }
}

/// Evaluates `model` on `ud_dir/en_ewt-ud-<split>.conllu` (split = train, dev or test).
pub fn evaluate(model: &Model, ud_dir: &Path, split: &str) -> Result<EvalReport, ModelError> {
    if !matches!(split, "train" | "dev" | "test") {
        return Err(ModelError::Format(format!(
            "unknown split {split:?} (expected train, dev or test)"
        )));
    }
    let sentences = conllu::read_file(&split_path(ud_dir, split))?;
    Ok(EvalReport {
        split: split.to_string(),
        sentences: sentences.len(),
        gold: eval::gold_scores(model, &sentences),
        raw: eval::raw_scores(model, &sentences),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    #[test]
    fn round_trips_bytes() {
        let m = Model::embedded();
        let bytes = m.to_bytes();
        assert_eq!(
            bytes, EMBEDDED,
            "re-serializing the embedded model gives the same bytes"
        );
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(&back, m);
        assert!(Model::from_bytes(&bytes[..bytes.len() / 2]).is_err());
        assert!(matches!(Model::from_bytes(b"nonsense"), Err(ModelError::Format(_))));
    }

    #[test]
    fn parses_a_news_sentence() {
        let w = words("Peskov denied that Moscow had sent a response .");
        let a = Model::embedded().analyze(&w);
        assert_eq!(a.len(), w.len());
        let root: Vec<usize> = (0..a.len()).filter(|&i| a[i].head == 0).collect();
        assert_eq!(root, [1], "{a:#?}");
        assert_eq!(
            (a[1].upos.as_str(), a[1].deprel.as_str(), a[1].lemma.as_str()),
            ("VERB", "root", "deny")
        );
        assert_eq!(
            (a[0].head, a[0].deprel.as_str(), a[0].upos.as_str()),
            (2, "nsubj", "PROPN")
        );
        assert_eq!(
            (a[5].head, a[5].deprel.as_str(), a[5].lemma.as_str()),
            (2, "ccomp", "send")
        );
        assert_eq!((a[3].head, a[3].deprel.as_str()), (6, "nsubj"));
        assert_eq!((a[2].head, a[2].deprel.as_str()), (6, "mark"));
        assert_eq!((a[7].head, a[7].deprel.as_str()), (6, "obj"));
        assert_eq!(
            (a[8].head, a[8].deprel.as_str(), a[8].upos.as_str()),
            (2, "punct", "PUNCT")
        );
    }

    /// The shipped perceptron model (not embedded): version 2, round-trips its bytes, and parses
    /// a plain sentence into the same tree as the embedded neural model.
    #[test]
    fn the_perceptron_model_file_loads_and_parses() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/en_ewt-perceptron.model");
        let bytes = std::fs::read(path).expect("models/en_ewt-perceptron.model is shipped");
        assert_eq!(&bytes[..MAGIC.len()], MAGIC);
        let model = Model::from_bytes(&bytes).unwrap();
        assert!(!model.is_neural() && Model::embedded().is_neural());
        assert_eq!(model.to_bytes(), bytes);
        let w = words("Peskov denied that Moscow had sent a response .");
        let arcs =
            |m: &Model| -> Vec<(usize, String)> { m.analyze(&w).into_iter().map(|a| (a.head, a.deprel)).collect() };
        assert_eq!(arcs(&model), arcs(Model::embedded()));
        // Several sentences at once: the same analyses as one at a time, with either parser.
        let more = [
            w.clone(),
            words("It was not clear whether the talks would resume ."),
            vec![],
        ];
        for m in [&model, Model::embedded()] {
            let one: Vec<Vec<Analysis>> = more.iter().map(|s| m.analyze(s)).collect();
            assert_eq!(m.analyze_batch(&more), one);
        }
    }

    #[test]
    fn tags_and_handles_edge_cases() {
        let m = Model::embedded();
        let t = m.tag(&words("The minister said it ."));
        assert_eq!(t[0], ("DET".to_string(), "DT".to_string()));
        assert_eq!(t[2], ("VERB".to_string(), "VBD".to_string()));
        assert!(m.analyze(&[]).is_empty());
        assert!(m.tag(&[]).is_empty());
        let one = m.analyze(&["Hello"]);
        assert_eq!((one[0].head, one[0].deprel.as_str()), (0, "root"));
    }

    #[test]
    fn evaluate_rejects_unknown_split() {
        assert!(evaluate(Model::embedded(), Path::new("/nonexistent"), "bogus").is_err());
    }
}
