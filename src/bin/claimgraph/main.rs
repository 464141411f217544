//! The `claimgraph` command. Only this binary prints; the library returns values and errors.

mod args;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use claimgraph::build::{BuildOptions, BuildSummary, Progress};
use claimgraph::query::{self, ResultsFormat};
use claimgraph::store::{LoadOutcome, Store};
use clap::Parser;
use oxigraph::io::{JsonLdProfileSet, RdfFormat};

use args::{
    AnalysisArgs, BuildArgs, Cli, Command, ExportArgs, ExportFormat, ExtractArgs, LoadArgs, PushArgs, QueryArgs,
    ResultsFormatArg, TriplesFormat,
};

/// Exit status when the command did its work but skipped some inputs.
const EXIT_PARTIAL: u8 = 1;
/// Exit status when the command failed.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            // a closed pipe (`claimgraph export | head`) is the reader's choice, not an error
            if error.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
                    || e.downcast_ref::<claimgraph::Error>()
                        .is_some_and(claimgraph::Error::is_broken_pipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Build(args) => build(args),
        Command::Query(args) => query(args).map(|()| 0),
        Command::Export(args) => export(args).map(|()| 0),
        Command::Stats(args) => stats(&open(&args.store)?).map(|()| 0),
        Command::Explain(args) => {
            let store = open(&args.store)?;
            write!(
                std::io::stdout().lock(),
                "{}",
                claimgraph::explain::explain(&store, &args.iri)?
            )?;
            Ok(0)
        }
        Command::Extract(args) => extract(args),
        Command::Load(args) => load(args).map(|()| 0),
        Command::Push(args) => push(args).map(|()| 0),
        Command::Train(args) => {
            let beam = usize::from(args.beam);
            let mut neural = claimgraph::nlp::NeuralOptions::default();
            if let Some(e) = args.epochs {
                neural.epochs = e;
            }
            if let Some(h) = args.hidden {
                neural.hidden = h;
            }
            if let Some(l) = args.layers {
                neural.layers = usize::from(l);
            }
            let options = claimgraph::nlp::TrainOptions {
                ud_dir: args.ud,
                out_dir: args.output,
                beam,
                // with a beam the extra templates help and pruning costs nothing (on dev)
                parser_extra_features: beam > 1,
                parser_prune: if beam > 1 { 2.0 } else { 0.0 },
                neural: (!args.perceptron).then_some(neural),
                ..claimgraph::nlp::TrainOptions::default()
            };
            claimgraph::nlp::train(&options, &mut std::io::stderr())?;
            Ok(0)
        }
        Command::EvalNlp(args) => {
            let loaded = match &args.model {
                Some(path) => Some(read_model(path)?),
                None => None,
            };
            let model = loaded.as_ref().unwrap_or_else(|| claimgraph::nlp::Model::embedded());
            let report = claimgraph::nlp::evaluate(model, &args.ud, &args.split)?;
            writeln!(std::io::stdout().lock(), "{report}")?;
            Ok(0)
        }
    }
}

fn push(args: PushArgs) -> anyhow::Result<()> {
    let store = open(&args.store)?;
    let options = claimgraph::push::PushOptions {
        graph_store: args.graph_store,
        credentials: args.user.zip(args.password),
        jobs: usize::from(args.jobs),
        batch_triples: args.batch_size as usize,
        retries: args.retries,
        timeout: std::time::Duration::from_secs(args.timeout),
        ..claimgraph::push::PushOptions::new(&args.endpoint)
    };
    let graphs = store.oxigraph().named_graphs().count() as u64;
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(graphs);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} graphs {msg} ({eta} left)")
                .expect("progress template is valid"),
        );
        bar
    });
    let triples = std::sync::atomic::AtomicUsize::new(0);
    let started = std::time::Instant::now();
    let report = claimgraph::push::push(&store, &options, |count| {
        let total = triples.fetch_add(count, std::sync::atomic::Ordering::Relaxed) + count;
        if let Some(bar) = &bar {
            bar.inc(1);
            bar.set_message(format!("{total} triples"));
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !args.quiet {
        eprintln!(
            "pushed {} graphs, {} triples in {:.1} s ({} requests, {} retried); the server holds the same count in every graph",
            report.graphs,
            report.triples,
            started.elapsed().as_secs_f64(),
            report.requests,
            report.retried
        );
    }
    Ok(())
}

fn open(path: &std::path::Path) -> anyhow::Result<Store> {
    Ok(Store::open_existing(path)?)
}

/// Reads a model file written by `claimgraph train`.
fn read_model(path: &std::path::Path) -> anyhow::Result<claimgraph::nlp::Model> {
    claimgraph::nlp::Model::from_file(path).map_err(|e| match e {
        claimgraph::nlp::ModelError::Io { error, .. } => {
            anyhow::anyhow!("{}: cannot read the model: {error}", path.display())
        }
        e => anyhow::anyhow!("{}: not a usable model: {e}", path.display()),
    })
}

/// Makes `--model` the model every analysis uses.
fn use_model(args: &AnalysisArgs) -> anyhow::Result<()> {
    if let Some(path) = &args.model {
        claimgraph::nlp::Model::set_active(read_model(path)?);
    }
    Ok(())
}

fn build(args: BuildArgs) -> anyhow::Result<u8> {
    use_model(&args.analysis)?;
    let store = if args.memory {
        Store::memory(&args.analysis.base)?
    } else {
        Store::open(&args.store, &args.analysis.base)?
    };
    let show_progress = !args.analysis.quiet && std::io::stderr().is_terminal();
    let bar = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {pos} documents {wide_msg}")
                .expect("progress template is valid"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let options = BuildOptions::default().with_threads(args.analysis.threads);
    let summary = claimgraph::build::build(&store, &args.paths, &options, |event| match event {
        Progress::Document(document, outcome) => {
            if let Some(bar) = &bar {
                bar.inc(1);
                let verb = match outcome {
                    LoadOutcome::Added => "added",
                    LoadOutcome::Replaced => "replaced",
                    LoadOutcome::Unchanged => "unchanged",
                };
                bar.set_message(format!("{verb} {}", document.source));
            }
        }
        Progress::Skipped(error) => match &bar {
            Some(bar) => bar.println(format!("warning: skipped {error}")),
            None => eprintln!("warning: skipped {error}"),
        },
        Progress::Deriving => {
            if let Some(bar) = &bar {
                bar.set_message("computing contradictions and corroborations");
            }
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !args.analysis.quiet {
        print_summary(&summary, &store);
    }
    if let Some(name) = &args.query {
        let bundled = query::bundled(name)?;
        let format = default_results_format(None);
        query::write_results(
            store.query_raw(bundled.text)?,
            format,
            store.mapper().base(),
            std::io::stdout().lock(),
        )?;
    }
    if summary.documents == 0 && !summary.skipped.is_empty() {
        bail!("no document could be read ({} input(s) skipped)", summary.skipped.len());
    }
    Ok(if summary.skipped.is_empty() { 0 } else { EXIT_PARTIAL })
}

fn print_summary(summary: &BuildSummary, store: &Store) {
    let place = store
        .path()
        .map_or_else(|| "memory".to_owned(), |p| p.display().to_string());
    eprintln!(
        "{} documents ({} added, {} replaced, {} unchanged, {} skipped) → {place}\n\
         {} sentences, {} entities, {} attributions, {} events, {} quads written ({} in store) in {:.2} s{}",
        summary.documents,
        summary.added,
        summary.replaced,
        summary.unchanged,
        summary.skipped.len(),
        summary.sentences,
        summary.entities,
        summary.attributions,
        summary.events,
        summary.quads,
        summary.store_quads,
        summary.seconds,
        summary
            .derive_seconds
            .map_or_else(String::new, |s| format!(" ({s:.2} s of them deriving)")),
    );
}

fn default_results_format(asked: Option<ResultsFormatArg>) -> ResultsFormat {
    match asked {
        Some(ResultsFormatArg::Table) => ResultsFormat::Table,
        Some(ResultsFormatArg::Csv) => ResultsFormat::Csv,
        Some(ResultsFormatArg::Tsv) => ResultsFormat::Tsv,
        Some(ResultsFormatArg::Json) => ResultsFormat::Json,
        Some(ResultsFormatArg::Xml) => ResultsFormat::Xml,
        None if std::io::stdout().is_terminal() => ResultsFormat::Table,
        None => ResultsFormat::Tsv,
    }
}

fn query(args: QueryArgs) -> anyhow::Result<()> {
    if args.list {
        let width = query::BUNDLED.iter().map(|q| q.name.len()).max().unwrap_or(0);
        for bundled in query::BUNDLED {
            writeln!(
                std::io::stdout().lock(),
                "{:width$}  {}",
                bundled.name,
                bundled.description()
            )?;
        }
        return Ok(());
    }
    let (origin, text) = match (&args.name, &args.expression, &args.file) {
        (Some(name), _, _) => (format!("query '{name}'"), query::bundled(name)?.text.to_owned()),
        (_, Some(expression), _) => ("query".to_owned(), expression.clone()),
        (_, _, Some(file)) if file.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read the query from standard input")?;
            ("query from standard input".to_owned(), text)
        }
        (_, _, Some(file)) => (
            format!("query in '{}'", file.display()),
            std::fs::read_to_string(file).with_context(|| format!("cannot read '{}'", file.display()))?,
        ),
        _ => {
            bail!("give a bundled query's name, -e SPARQL or -f FILE (claimgraph query --list shows the bundled ones)")
        }
    };
    if args.show {
        print!("{text}");
        return Ok(());
    }
    let store = open(&args.store)?;
    let results = store.query_raw(&text).with_context(|| format!("{origin} failed"))?;
    let stdout = std::io::stdout().lock();
    query::write_results(
        results,
        default_results_format(args.format),
        store.mapper().base(),
        stdout,
    )?;
    Ok(())
}

fn export(args: ExportArgs) -> anyhow::Result<()> {
    if args.threads > 1 {
        // each thread's strings are freed by another thread; with an arena per thread, glibc
        // kept up to 135 MB more at 100 MB (470 MB against 335 MB), at the same speed
        limit_malloc_arenas(2);
    }
    // checked first, since a large export only needs it after reading the whole store
    if !args.temp_dir.is_dir() {
        anyhow::bail!("--temp-dir {}: not a directory", args.temp_dir.display());
    }
    let store = open(&args.store)?;
    let options = claimgraph::store::ExportOptions {
        scratch: args.temp_dir.clone(),
        threads: args.threads,
    };
    let format = match args.format {
        ExportFormat::Turtle => RdfFormat::Turtle,
        ExportFormat::Trig => RdfFormat::TriG,
        ExportFormat::Ntriples => RdfFormat::NTriples,
        ExportFormat::Nquads => RdfFormat::NQuads,
        ExportFormat::Rdfxml => RdfFormat::RdfXml,
        ExportFormat::Jsonld => RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        },
    };
    match &args.output {
        // a device or a pipe (`-o /dev/null`, a FIFO) is written as it is: renaming a file over it
        // would replace it
        Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot write '{}'", path.display()))?;
            let mut writer = std::io::BufWriter::new(file);
            store.export(format, &mut writer, &options)?;
            writer.flush()?;
        }
        Some(path) => {
            // write next to the target and rename, so a failed export never leaves half a file
            let partial = path.with_extension("partial");
            let file =
                std::fs::File::create(&partial).with_context(|| format!("cannot create '{}'", partial.display()))?;
            let mut writer = std::io::BufWriter::new(file);
            store.export(format, &mut writer, &options)?;
            writer.flush()?;
            std::fs::rename(&partial, path).with_context(|| format!("cannot write '{}'", path.display()))?;
        }
        None => {
            let mut writer = std::io::BufWriter::new(std::io::stdout().lock());
            store.export(format, &mut writer, &options)?;
            writer.flush()?;
        }
    }
    Ok(())
}

fn stats(store: &Store) -> anyhow::Result<()> {
    let stats = store.stats()?;
    let base = store.mapper().base().to_owned();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(out, "{} quads, {} documents", stats.quads, stats.by_document.len())?;
    writeln!(out, "\nby class:")?;
    for (class, count) in &stats.by_class {
        writeln!(out, "  {count:>8}  {}", query::shorten_iri(class, &base))?;
    }
    writeln!(out, "\nby document:")?;
    for (file, (id, quads)) in &stats.by_document {
        writeln!(out, "  {quads:>8}  {file}  ({id})")?;
    }
    out.flush()?;
    Ok(())
}

fn extract(args: ExtractArgs) -> anyhow::Result<u8> {
    use_model(&args.analysis)?;
    let format = args.format.unwrap_or(if args.shard.is_some() {
        TriplesFormat::Nquads
    } else {
        TriplesFormat::Tsv
    });
    if let TriplesFormat::Nquads = format {
        return extract_documents(args);
    }
    if args.shard.is_some() {
        bail!("--shard writes N-Quads: use it with --format nquads (or without --format)");
    }
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("{}: cannot create", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    for input in &args.inputs {
        extract_sentences(input, format, &mut out)?;
    }
    out.flush()?;
    Ok(0)
}

/// Analyzes articles (those of one shard with --shard) and writes their graphs as N-Quads.
fn extract_documents(args: ExtractArgs) -> anyhow::Result<u8> {
    let shard = args.shard.unwrap_or(claimgraph::build::Shard { index: 1, count: 1 });
    let mapper = claimgraph::rdf::Mapper::new(&args.analysis.base);
    let options = BuildOptions::default().with_threads(args.analysis.threads);
    let warn = |event: Progress<'_>| {
        if let Progress::Skipped(error) = event {
            eprintln!("warning: skipped {error}");
        }
    };
    let summary = match &args.out {
        Some(path) => {
            // write beside the target and rename, so a failed run leaves no truncated file
            let partial = path.with_extension("partial");
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(&partial).with_context(|| format!("{}: cannot create", partial.display()))?,
            );
            let summary = claimgraph::build::extract_shard(&args.inputs, &options, shard, &mapper, &mut file, warn)?;
            file.flush()?;
            drop(file);
            std::fs::rename(&partial, path).with_context(|| format!("{}: cannot write", path.display()))?;
            summary
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let summary = claimgraph::build::extract_shard(&args.inputs, &options, shard, &mapper, &mut out, warn)?;
            out.flush()?;
            summary
        }
    };
    if !args.analysis.quiet {
        eprintln!(
            "shard {}/{}: {} documents, {} sentences, {} quads in {:.2} s{}",
            shard.index,
            shard.count,
            summary.documents,
            summary.sentences,
            summary.quads,
            summary.seconds,
            args.out
                .as_ref()
                .map(|p| format!(" → {}", p.display()))
                .unwrap_or_default()
        );
    }
    Ok(if summary.skipped.is_empty() { 0 } else { EXIT_PARTIAL })
}

fn load(args: LoadArgs) -> anyhow::Result<()> {
    let store = Store::open(&args.store, &args.base)?;
    let (mut added, mut present, mut replaced) = (0, 0, 0);
    for file in &args.files {
        let counts = store.load_nquads(file)?;
        added += counts.added;
        present += counts.present;
        replaced += counts.replaced;
    }
    store.derive()?;
    let replaced = if replaced > 0 {
        format!(" ({replaced} replacing an earlier version)")
    } else {
        String::new()
    };
    eprintln!(
        "{} files: {added} documents added{replaced}, {present} already stored → {} ({} quads in store)",
        args.files.len(),
        args.store.display(),
        store.oxigraph().len()?
    );
    Ok(())
}

/// Reads one sentence per line of `input` and writes its triples in `format`.
fn extract_sentences(input: &std::path::Path, format: TriplesFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    use claimgraph::oie::SentenceTriples;
    use std::io::BufRead;

    let name = input.display().to_string();
    let input: Box<dyn BufRead> = if name == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(input).with_context(|| format!("{name}: cannot open"))?;
        Box::new(std::io::BufReader::new(file))
    };
    let model = claimgraph::nlp::Model::active();
    if let TriplesFormat::Tsv = format {
        writeln!(
            out,
            "line\ttriple\tconfidence\tpolarity\tsubject\trelation\tlemma\targuments\tattributed_to"
        )?;
    }
    let mut chunk: Vec<(usize, String)> = Vec::with_capacity(claimgraph::oie::SENTENCE_BATCH);
    let mut lines = input.lines().enumerate().peekable();
    while lines.peek().is_some() {
        chunk.clear();
        for (n, line) in lines.by_ref() {
            let line = line.with_context(|| format!("{name}:{}: cannot read the line (not UTF-8?)", n + 1))?;
            let line = line.strip_suffix('\r').unwrap_or(&line);
            if !line.trim().is_empty() {
                chunk.push((n, line.to_owned()));
            }
            if chunk.len() == claimgraph::oie::SENTENCE_BATCH {
                break;
            }
        }
        let texts: Vec<&str> = chunk.iter().map(|(_, line)| line.as_str()).collect();
        for ((n, line), sentence) in chunk.iter().zip(SentenceTriples::read_batch(model, &texts)) {
            let (n, line) = (*n, line.as_str());
            match format {
                TriplesFormat::Carb => out.write_all(sentence.to_carb(line).as_bytes())?,
                TriplesFormat::Nquads => unreachable!("N-Quads are written by extract_documents"),
                TriplesFormat::Tsv => {
                    for (i, r) in sentence.relations.iter().enumerate() {
                        let arguments: Vec<String> = r
                            .arguments
                            .iter()
                            .map(|a| format!("{}={}", a.role.as_str(), sentence.text(line, &a.words)))
                            .collect();
                        writeln!(
                            out,
                            "{}\t{}\t{:.3}\t{}\t{}\t{}\t{}\t{}\t{}",
                            n + 1,
                            i + 1,
                            r.confidence,
                            if r.negated { "negative" } else { "positive" },
                            sentence.text(line, &r.subject).replace('\t', " "),
                            sentence.predicate_text(line, r).replace('\t', " "),
                            r.lemma,
                            arguments.join(" | ").replace('\t', " "),
                            r.attributed_to.map(|j| (j + 1).to_string()).unwrap_or_default(),
                        )?;
                    }
                }
                TriplesFormat::Jsonl => {
                    let triples: Vec<serde_json::Value> = sentence
                        .relations
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            serde_json::json!({
                                "triple": i + 1,
                                "subject": sentence.text(line, &r.subject),
                                "relation": sentence.predicate_text(line, r),
                                "lemma": r.lemma,
                                "polarity": if r.negated { "negative" } else { "positive" },
                                "arguments": r.arguments.iter().map(|a| serde_json::json!({
                                    "role": a.role.as_str(),
                                    "text": sentence.text(line, &a.words),
                                })).collect::<Vec<_>>(),
                                "attributed_to": r.attributed_to.map(|j| j + 1),
                                "confidence": (r.confidence as f64 * 1000.0).round() / 1000.0,
                                "rule": r.rule,
                            })
                        })
                        .collect();
                    let record = serde_json::json!({ "line": n + 1, "sentence": line, "triples": triples });
                    writeln!(out, "{record}")?;
                }
            }
        }
    }
    Ok(())
}

/// Caps the heaps (arenas) glibc's allocator makes for threads: freed memory stays with the
/// arena it came from, so threads that free what others allocated keep memory in each arena.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn limit_malloc_arenas(arenas: i32) {
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    const M_ARENA_MAX: i32 = -8;
    // SAFETY: mallopt sets one of glibc's allocator settings and touches no memory of ours
    unsafe {
        mallopt(M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas(_arenas: i32) {}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
