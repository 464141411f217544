//! Open IE on the CaRB benchmark: `cargo bench --bench carb`.
//!
//! Reads the CaRB dev sentences (`../shared/data/carb`, or the folder in `CARB_DIR`), extracts
//! triples with `claimgraph::oie` on one thread (tokenizing, tagging and parsing included),
//! scores them with [`scorer`] — our implementation of CaRB's own scorer, `carb.py` with its
//! default matcher — and prints F1, AUC and sentences per second (median of 5 runs). The data
//! is not in the repository; without it the benchmark says so and stops.

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
    let model = Model::embedded();

    let mut output = String::new();
    let mut seconds = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        output = lines
            .iter()
            .map(|line| SentenceTriples::read(model, line).to_carb(line))
            .collect();
        seconds.push(start.elapsed().as_secs_f64());
    }
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];

    let out_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/carb-dev.tsv");
    if let Err(e) = std::fs::write(&out_path, &output) {
        eprintln!("carb: cannot write {}: {e}", out_path.display());
    }
    let gold = scorer::parse_gold(&gold).expect("the CaRB gold parses");
    let system = scorer::parse_system(&output).expect("our output parses");
    let score = scorer::score(&gold, &system);
    println!(
        "carb dev: F1={:.3} AUC={:.3} P={:.3} R={:.3} (threshold {}) | {} sentences, {} triples | {:.0} sentences/s on one thread (median of 5: {:.3} s) | output: {}",
        scorer::round3(score.f1),
        scorer::round3(score.auc),
        scorer::round3(score.precision),
        scorer::round3(score.recall),
        score.threshold,
        lines.len(),
        system.len(),
        lines.len() as f64 / median,
        median,
        out_path.display(),
    );
}
