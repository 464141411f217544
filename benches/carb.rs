//! Open IE on the CaRB benchmark: `cargo bench --bench carb`.
//!
//! Reads the CaRB dev sentences (`../shared/data/carb`, or the folder in `CARB_DIR`), extracts
//! triples with `claimgraph::oie` on one thread (tokenizing, tagging and parsing included),
//! scores them with [`scorer`] — our implementation of CaRB's own scorer, `carb.py` with its
//! default matcher — and prints F1, AUC and sentences per second (median of 5 runs). The data
//! is not in the repository; without it the benchmark says so and stops.
//! `CLAIMGRAPH_MODEL=FILE` scores another model file (the neural parser's, say).

#[path = "carb/scorer.rs"]
#[allow(dead_code)]
mod scorer;

use std::path::PathBuf;
use std::time::Instant;

use claimgraph::nlp::Model;
use claimgraph::oie::SentenceTriples;

fn main() {
    let dir = std::env::var_os("CARB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/carb"));
    let (sentences, gold) = match (
        std::fs::read_to_string(dir.join("dev.txt")),
        std::fs::read_to_string(dir.join("dev.gold.tsv")),
    ) {
        (Ok(s), Ok(g)) => (s, g),
        _ => {
            println!("carb: skipped, no CaRB dev split in {} (set CARB_DIR)", dir.display());
            return;
        }
    };
    let lines: Vec<&str> = sentences
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .collect();
    // CLAIMGRAPH_MODEL names another model file, as for `claimgraph build --model`
    let loaded = std::env::var_os("CLAIMGRAPH_MODEL")
        .map(|path| Model::from_file(path.as_ref()).expect("CLAIMGRAPH_MODEL is a model file"));
    let model = loaded.as_ref().unwrap_or_else(|| Model::embedded());

    let mut output = String::new();
    let mut seconds = Vec::new();
    let mut cpu_seconds = Vec::new();
    for _ in 0..5 {
        let (start, cpu_start) = (Instant::now(), cpu_time());
        // as `claimgraph extract` reads sentence files
        output = lines
            .chunks(claimgraph::oie::SENTENCE_BATCH)
            .flat_map(|chunk| {
                let triples = SentenceTriples::read_batch(model, chunk);
                chunk
                    .iter()
                    .zip(triples)
                    .map(|(line, t)| t.to_carb(line))
                    .collect::<Vec<_>>()
            })
            .collect();
        seconds.push(start.elapsed().as_secs_f64());
        cpu_seconds.push(cpu_time() - cpu_start);
    }
    seconds.sort_by(f64::total_cmp);
    cpu_seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    let cpu_median = cpu_seconds[cpu_seconds.len() / 2];

    let out_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/carb-dev.tsv");
    if let Err(e) = std::fs::write(&out_path, &output) {
        eprintln!("carb: cannot write {}: {e}", out_path.display());
    }
    let gold = scorer::parse_gold(&gold).expect("the CaRB gold parses");
    let system = scorer::parse_system(&output).expect("our output parses");
    let score = scorer::score(&gold, &system);
    println!(
        "carb dev: F1={:.3} AUC={:.3} P={:.3} R={:.3} (threshold {}) | {} sentences, {} triples | one thread, median of 5: {:.0} sentences/s wall ({:.3} s), {:.0} sentences/s of CPU time | output: {}",
        scorer::round3(score.f1),
        scorer::round3(score.auc),
        scorer::round3(score.precision),
        scorer::round3(score.recall),
        score.threshold,
        lines.len(),
        system.len(),
        lines.len() as f64 / median,
        median,
        lines.len() as f64 / cpu_median,
        out_path.display(),
    );
}

/// CPU time of this process in seconds (user + system, from `/proc/self/stat`; the
/// benchmark is single-threaded, so this is the thread's time), or 0 where there is no `/proc`.
fn cpu_time() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // fields after the command name, which is in parentheses and may hold spaces
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: f64 = fields
        .get(11..13)
        .map(|f| f.iter().filter_map(|v| v.parse::<f64>().ok()).sum())
        .unwrap_or(0.0);
    ticks / 100.0
}
