//! CaRB Open IE scorer — a std-only Rust re-implementation of `carb.py` from
//! dair-iitd/CaRB (Bhardwaj, Aggarwal, Mausam, EMNLP 2019) with its default matcher
//! `Matcher.binary_linient_tuple_match`, the `--tabbed` system reader and the gold reader.
//!
//! What is reproduced, step by step (all of it is behaviour of the official scorer):
//!
//! * **Readers.** Files are split into lines like Python's text mode (`\n`, `\r\n` and a
//!   lone `\r` all end a line). Gold: every line is `strip()`ped and split on tabs;
//!   sentence = field 0 (stripped), relation = field 1 (stripped), args = fields 2.. (each
//!   stripped), **except that any field containing `"C: "` (CaRB's context annotations) is
//!   dropped**. A gold line with fewer than 2 fields (e.g. a blank line) makes carb.py
//!   crash; here it is an error. System (`--tabbed`): blank lines are skipped; the line is
//!   stripped and split on tabs; `sentence`, `confidence`, `relation` then args, kept
//!   unstripped (so a trailing empty arg disappears with the line strip).
//! * **Sentence matching.** Extractions are grouped by their exact sentence string, then
//!   each group's key is normalised: drop every `' '`, turn `-LRB- -RRB- -LSB- -RSB- -LCB-
//!   -RCB-` back into brackets, then drop every ASCII punctuation character. If two
//!   different raw sentences normalise to the same key, the group read *later* replaces the
//!   earlier one (Python `dict` semantics) — its extractions are silently lost, also for the
//!   threshold list. System sentences absent from the gold are never scored, but their
//!   confidences still become thresholds. Gold sentences absent from the system count in
//!   the recall denominator at every threshold.
//! * **Matcher** (per gold tuple g, system tuple s, returns `(precision, recall)`): args
//!   after the first are joined into one (binary form) on both sides; tokens are Python
//!   `str.split()` tokens, **case-sensitive**, punctuation and stopwords are *not* removed
//!   (`ignoreStopwords`/`ignoreCase` are accepted but unused by this matcher). Relation:
//!   multiset overlap of tokens; if an unmatched system token `be` remains and the gold
//!   relation contains any of be/is/am/are/was/were/been/being, one more match is counted.
//!   If the relation overlap is 0 the pair scores (0, 0). Then for each gold slot i: the
//!   gold slot's tokens are added to the recall denominator; if the system has no slot i
//!   the pair scores (0, 0); otherwise the system slot's tokens are added to the precision
//!   denominator and the multiset overlap to both numerators. Extra system slots beyond
//!   the gold's are ignored (not penalised). Precision = matched / system tokens,
//!   recall = matched / gold tokens (0 when the denominator is 0). If the gold relation
//!   string *contains* (substring, case-sensitive) said/told/added/adds/says, the system
//!   args are also tried swapped (`[args[1..] joined, args[0]]`) and the larger of the two
//!   `[precision, recall]` lists is taken — Python list order, i.e. precision first, recall
//!   only breaks ties.
//! * **Aggregation.** Thresholds = sorted distinct system confidences. Per gold sentence
//!   and per threshold t (system tuples with confidence ≥ t): recall numerator = Σ over gold
//!   tuples of the best recall against any kept system tuple (one system tuple may serve
//!   several gold tuples); precision numerator = greedy one-to-one matching on precision
//!   (repeatedly take the highest-precision unused gold/system pair, first in gold-then-
//!   system order on ties, `min(#gold, #kept)` times); precision denominator = #kept
//!   system tuples (so duplicates and unmatched extras count against precision), recall
//!   denominator = #gold tuples. Summed over sentences; P = p/pl (1 when pl = 0),
//!   R = r/rl (0 when rl = 0), F1 = 2PR/(P+R) (NaN when both are 0, skipped by numpy's
//!   `nanargmax`). The reported point is the first threshold with the largest F1; if
//!   there is none, P = R = F1 = 0.
//! * **AUC** = sklearn `auc` (trapezoid rule, summed with numpy's pairwise summation)
//!   over the curve's (recall, precision) points plus the extra point (recall 0,
//!   precision 1); 0 when there is no system extraction at all.
//!
//! carb.py prints `np.round(·, 3)` of AUC and of (P, R, F1); [`Score`] keeps the unrounded
//! values and [`round3`] reproduces numpy's rounding.

use std::collections::HashMap;

/// One Open IE extraction (gold or system).
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    pub sentence: String,
    pub confidence: f64,
    pub relation: String,
    pub args: Vec<String>,
}

/// Result of [`score`]. `f1`, `precision`, `recall` are the best-F1 point of the curve and
/// `threshold` the confidence threshold where it occurs (NaN when no such point exists:
/// no system output, or every threshold has P = R = 0). `curve` lists
/// `(threshold, precision, recall)` in increasing threshold order.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub f1: f64,
    pub precision: f64,
    pub recall: f64,
    pub threshold: f64,
    pub auc: f64,
    pub curve: Vec<(f64, f64, f64)>,
}

// ---------------------------------------------------------------------------------------
// Python string helpers
// ---------------------------------------------------------------------------------------

/// Python's `str.isspace` for one character (Rust's `is_whitespace` lacks U+001C..U+001F).
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python `str.strip()`.
fn py_strip(s: &str) -> &str {
    s.trim_matches(py_isspace)
}

/// Python `str.split()` (no separator).
fn py_split(s: &str) -> Vec<&str> {
    s.split(py_isspace).filter(|w| !w.is_empty()).collect()
}

/// Lines as Python's text mode iterates them (universal newlines), without terminators.
fn py_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                out.push(&text[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        out.push(&text[start..]);
    }
    out
}

/// Python `float(s)` for the usual spellings (surrounding whitespace, sign, inf/infinity/
/// nan in any case, exponents, `_` between digits).
fn py_float(s: &str) -> Option<f64> {
    let t = py_strip(s);
    if t.is_empty() {
        return None;
    }
    let cleaned;
    let t = if t.contains('_') {
        let b = t.as_bytes();
        for (i, &ch) in b.iter().enumerate() {
            if ch == b'_' {
                let ok = i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit();
                if !ok {
                    return None;
                }
            }
        }
        cleaned = t.replace('_', "");
        cleaned.as_str()
    } else {
        t
    };
    t.parse::<f64>().ok()
}

// ---------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------

/// Parse a CaRB gold file: `sentence<TAB>relation<TAB>arg1<TAB>arg2...` (as CaRB's
/// `GoldReader`: fields stripped, fields containing `"C: "` dropped, confidence 1.0).
pub fn parse_gold(tsv: &str) -> Result<Vec<Extraction>, String> {
    let mut out = Vec::new();
    for (idx, line) in py_lines(tsv).into_iter().enumerate() {
        let lineno = idx + 1;
        let data: Vec<&str> = py_strip(line).split('\t').collect();
        if data.len() < 2 {
            return Err(format!(
                "gold line {lineno}: expected at least 2 tab-separated fields \
                 (sentence, relation, args...), found {}{}",
                data.len(),
                if data[0].is_empty() { " (blank line)" } else { "" }
            ));
        }
        let args = data[2..]
            .iter()
            .filter(|a| !a.contains("C: "))
            .map(|a| py_strip(a).to_string())
            .collect();
        out.push(Extraction {
            sentence: py_strip(data[0]).to_string(),
            confidence: 1.0,
            relation: py_strip(data[1]).to_string(),
            args,
        });
    }
    Ok(out)
}

/// Parse system output in carb.py's `--tabbed` format:
/// `sentence<TAB>confidence<TAB>relation<TAB>arg1<TAB>arg2...` (blank lines skipped).
pub fn parse_system(tsv: &str) -> Result<Vec<Extraction>, String> {
    let mut out = Vec::new();
    for (idx, line) in py_lines(tsv).into_iter().enumerate() {
        let lineno = idx + 1;
        let stripped = py_strip(line);
        if stripped.is_empty() {
            continue;
        }
        let data: Vec<&str> = stripped.split('\t').collect();
        if data.len() < 3 {
            return Err(format!(
                "system line {lineno}: expected at least 3 tab-separated fields \
                 (sentence, confidence, relation, args...), found {}",
                data.len()
            ));
        }
        let confidence = py_float(data[1])
            .ok_or_else(|| format!("system line {lineno}: confidence {:?} is not a number", data[1]))?;
        if confidence.is_nan() {
            return Err(format!(
                "system line {lineno}: confidence is NaN (carb.py cannot rank it as a threshold)"
            ));
        }
        out.push(Extraction {
            sentence: data[0].to_string(),
            confidence,
            relation: data[2].to_string(),
            args: data[3..].iter().map(|a| a.to_string()).collect(),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Sentence keys
// ---------------------------------------------------------------------------------------

const PTB_ESCAPES: [(&str, &str); 6] = [
    ("(", "-LRB-"),
    (")", "-RRB-"),
    ("[", "-LSB-"),
    ("]", "-RSB-"),
    ("{", "-LCB-"),
    ("}", "-RCB-"),
];

/// carb.py's sentence key: remove `' '`, unescape PTB brackets, remove ASCII punctuation.
pub fn normalize_sentence(s: &str) -> String {
    let mut k = s.replace(' ', "");
    for (plain, escaped) in PTB_ESCAPES {
        k = k.replace(escaped, plain);
    }
    k.chars().filter(|c| !c.is_ascii_punctuation()).collect()
}

/// Group by exact sentence (first-appearance order), then re-key by the normalised
/// sentence; a later group with the same key replaces the earlier one's extractions but
/// keeps its position (Python `dict(list_of_pairs)`).
fn group_normalized(exs: &[Extraction]) -> Vec<(String, Vec<&Extraction>)> {
    let mut raw_order: Vec<(&str, Vec<&Extraction>)> = Vec::new();
    let mut raw_index: HashMap<&str, usize> = HashMap::new();
    for e in exs {
        let i = *raw_index.entry(e.sentence.as_str()).or_insert_with(|| {
            raw_order.push((e.sentence.as_str(), Vec::new()));
            raw_order.len() - 1
        });
        raw_order[i].1.push(e);
    }
    let mut out: Vec<(String, Vec<&Extraction>)> = Vec::new();
    let mut norm_index: HashMap<String, usize> = HashMap::new();
    for (raw, list) in raw_order {
        let key = normalize_sentence(raw);
        match norm_index.get(&key) {
            Some(&i) => out[i].1 = list,
            None => {
                norm_index.insert(key.clone(), out.len());
                out.push((key, list));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Matcher: binary_linient_tuple_match
// ---------------------------------------------------------------------------------------

/// Tokenised view of an extraction: relation tokens, per-arg tokens (unbinarised).
struct Tok<'a> {
    pred: Vec<&'a str>,
    args: Vec<Vec<&'a str>>,
}

fn tokenize(e: &Extraction) -> Tok<'_> {
    Tok {
        pred: py_split(&e.relation),
        args: e.args.iter().map(|a| py_split(a)).collect(),
    }
}

/// `[args[0], ' '.join(args[1:])]` when there are ≥ 2 args, else the args as they are.
fn binarize<'a>(args: &[Vec<&'a str>]) -> Vec<Vec<&'a str>> {
    if args.len() >= 2 {
        vec![args[0].clone(), args[1..].concat()]
    } else {
        args.to_vec()
    }
}

/// Same, with the two slots swapped: `[' '.join(args[1:]), args[0]]`.
fn binarize_swapped<'a>(args: &[Vec<&'a str>]) -> Vec<Vec<&'a str>> {
    if args.len() >= 2 {
        vec![args[1..].concat(), args[0].clone()]
    } else {
        args.to_vec()
    }
}

/// Multiset overlap, consuming matched tokens from `pred` (gold order, first occurrence).
fn consume_overlap<'a>(gold: &[&'a str], pred: &mut Vec<&'a str>) -> usize {
    let mut m = 0;
    for w in gold {
        if let Some(pos) = pred.iter().position(|p| p == w) {
            m += 1;
            pred.remove(pos);
        }
    }
    m
}

const FORMS_OF_BE: [&str; 8] = ["be", "is", "am", "are", "was", "were", "been", "being"];

/// `Matcher.linient_tuple_match` on already binarised slots; returns (precision, recall).
fn linient_tuple_match(
    gold_pred: &[&str],
    gold_args: &[Vec<&str>],
    sys_pred: &[&str],
    sys_args: &[Vec<&str>],
) -> (f64, f64) {
    let mut predicted = sys_pred.to_vec();
    let mut prec_num = 0usize;
    let mut prec_den = predicted.len();
    let mut rec_num = 0usize;
    let mut rec_den = gold_pred.len();

    let mut matching = consume_overlap(gold_pred, &mut predicted);
    if let Some(pos) = predicted.iter().position(|w| *w == "be")
        && FORMS_OF_BE.iter().any(|f| gold_pred.contains(f))
    {
        matching += 1;
        predicted.remove(pos);
    }
    if matching == 0 {
        return (0.0, 0.0);
    }
    prec_num += matching;
    rec_num += matching;

    for (i, gold_slot) in gold_args.iter().enumerate() {
        rec_den += gold_slot.len();
        let Some(sys_slot) = sys_args.get(i) else {
            if i < 2 {
                return (0.0, 0.0);
            }
            continue;
        };
        prec_den += sys_slot.len();
        let mut predicted = sys_slot.clone();
        let m = consume_overlap(gold_slot, &mut predicted);
        prec_num += m;
        rec_num += m;
    }
    let prec = if prec_den == 0 {
        0.0
    } else {
        prec_num as f64 / prec_den as f64
    };
    let rec = if rec_den == 0 {
        0.0
    } else {
        rec_num as f64 / rec_den as f64
    };
    (prec, rec)
}

const SAID_VERBS: [&str; 5] = ["said", "told", "added", "adds", "says"];

/// `Matcher.binary_linient_tuple_match(gold, system)` → (precision, recall).
fn binary_linient_tuple_match(gold_rel: &str, gold: &Tok, sys: &Tok) -> (f64, f64) {
    let r_args = binarize(&gold.args);
    let straight = linient_tuple_match(&gold.pred, &r_args, &sys.pred, &binarize(&sys.args));
    if !SAID_VERBS.iter().any(|v| gold_rel.contains(v)) {
        return straight;
    }
    let reverse = linient_tuple_match(&gold.pred, &r_args, &sys.pred, &binarize_swapped(&sys.args));
    // Python max() of two [prec, rec] lists: lexicographic, first one kept on ties.
    if reverse.0 > straight.0 || (reverse.0 == straight.0 && reverse.1 > straight.1) {
        reverse
    } else {
        straight
    }
}

/// Precision and recall of one system extraction against one gold extraction, as the
/// default CaRB matcher computes them (exposed for diagnostics).
pub fn match_pair(gold: &Extraction, system: &Extraction) -> (f64, f64) {
    binary_linient_tuple_match(&gold.relation, &tokenize(gold), &tokenize(system))
}

// ---------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------

/// numpy's pairwise summation (`np.add.reduce` on a contiguous float64 array).
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &x in a {
            res += x;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - (n % 8) {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += a[i];
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// `sklearn.metrics.auc(x, y)`; NaN where sklearn would raise (x not monotonic, < 2 points).
fn sklearn_auc(x: &[f64], y: &[f64]) -> f64 {
    if x.len() < 2 || x.len() != y.len() {
        return f64::NAN;
    }
    let dx: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let mut direction = 1.0;
    if dx.iter().any(|d| *d < 0.0) {
        if dx.iter().all(|d| *d <= 0.0) {
            direction = -1.0;
        } else {
            return f64::NAN;
        }
    }
    let terms: Vec<f64> = (0..dx.len()).map(|i| dx[i] * (y[i + 1] + y[i]) / 2.0).collect();
    direction * pairwise_sum(&terms)
}

/// numpy's `np.round(x, 3)` (scale, round half to even, unscale) — what carb.py prints.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round_ties_even() / 1000.0
}

/// Score system extractions against gold extractions exactly as carb.py's
/// `Benchmark.compare` does with the default matcher (see the module docs).
pub fn score(gold: &[Extraction], system: &[Extraction]) -> Score {
    let gold_groups = group_normalized(gold);
    let sys_groups = group_normalized(system);
    let sys_index: HashMap<&str, usize> = sys_groups
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_str(), i))
        .collect();

    // Distinct confidences (from the normalised system dict), ascending.
    let mut thresholds: Vec<f64> = sys_groups
        .iter()
        .flat_map(|(_, exs)| exs.iter().map(|e| e.confidence))
        .collect();
    thresholds.sort_by(|a, b| a.total_cmp(b));
    thresholds.dedup_by(|a, b| a == b);
    let n = thresholds.len();

    let mut p = vec![0.0f64; n];
    let mut pl = vec![0.0f64; n];
    let mut r = vec![0.0f64; n];
    let mut rl = vec![0.0f64; n];

    for (key, gold_exs) in &gold_groups {
        let sys_exs: &[&Extraction] = match sys_index.get(key.as_str()) {
            Some(&i) => &sys_groups[i].1,
            None => &[],
        };
        let n_gold = gold_exs.len();
        let gold_tok: Vec<Tok> = gold_exs.iter().map(|e| tokenize(e)).collect();
        let sys_tok: Vec<Tok> = sys_exs.iter().map(|e| tokenize(e)).collect();
        // scores[i][j] = (precision, recall) of system j against gold i
        let scores: Vec<Vec<(f64, f64)>> = (0..n_gold)
            .map(|i| {
                sys_tok
                    .iter()
                    .map(|s| binary_linient_tuple_match(&gold_exs[i].relation, &gold_tok[i], s))
                    .collect()
            })
            .collect();

        let mut sent_conf: Vec<f64> = sys_exs.iter().map(|e| e.confidence).collect();
        sent_conf.sort_by(|a, b| a.total_cmp(b));
        let mut prev_c = 0usize;
        for &conf in &sent_conf {
            let c = thresholds.iter().position(|t| *t == conf).unwrap_or(0);
            if c < prev_c {
                continue; // repeated confidence: carb.py's slice p[prev_c:c+1] is empty
            }
            let ext: Vec<usize> = (0..sys_exs.len()).filter(|&j| sys_exs[j].confidence >= conf).collect();

            let mut recall_num = 0.0f64;
            for row in &scores {
                let best = ext.iter().map(|&j| row[j].1).fold(None, |m: Option<f64>, v| {
                    Some(match m {
                        Some(m) if m >= v => m,
                        _ => v,
                    })
                });
                recall_num += best.unwrap_or(0.0);
            }

            let mut precision_num = 0.0f64;
            let mut row_used = vec![false; n_gold];
            let mut col_used = vec![false; sys_exs.len()];
            for _ in 0..n_gold.min(ext.len()) {
                let mut best = -1.0f64;
                let mut best_ij = None;
                for i in 0..n_gold {
                    if row_used[i] {
                        continue;
                    }
                    for &j in &ext {
                        if !col_used[j] && scores[i][j].0 > best {
                            best = scores[i][j].0;
                            best_ij = Some((i, j));
                        }
                    }
                }
                if let Some((i, j)) = best_ij {
                    row_used[i] = true;
                    col_used[j] = true;
                    precision_num += scores[i][j].0;
                }
            }

            for k in prev_c..=c {
                p[k] += precision_num;
                pl[k] += ext.len() as f64;
                r[k] += recall_num;
                rl[k] += n_gold as f64;
            }
            prev_c = c + 1;
        }
        for v in rl.iter_mut().skip(prev_c) {
            *v += n_gold as f64;
        }
    }

    let prec: Vec<f64> = (0..n).map(|k| if pl[k] > 0.0 { p[k] / pl[k] } else { 1.0 }).collect();
    let rec: Vec<f64> = (0..n).map(|k| if rl[k] > 0.0 { r[k] / rl[k] } else { 0.0 }).collect();
    let f1s: Vec<f64> = (0..n).map(|k| 2.0 * prec[k] * rec[k] / (prec[k] + rec[k])).collect();

    // np.nanargmax: first index of the maximum, NaNs ignored; all-NaN/empty → (0, 0, 0).
    let mut best: Option<usize> = None;
    for (k, f) in f1s.iter().enumerate() {
        if f.is_nan() {
            continue;
        }
        if best.is_none_or(|b| *f > f1s[b]) {
            best = Some(k);
        }
    }
    let (precision, recall, f1, threshold) = match best {
        Some(k) => (prec[k], rec[k], f1s[k], thresholds[k]),
        None => (0.0, 0.0, 0.0, f64::NAN),
    };

    let auc = if n == 0 {
        0.0
    } else {
        let mut x = rec.clone();
        let mut y = prec.clone();
        x.push(0.0);
        y.push(1.0);
        sklearn_auc(&x, &y)
    };

    Score {
        f1,
        precision,
        recall,
        threshold,
        auc,
        curve: (0..n).map(|k| (thresholds[k], prec[k], rec[k])).collect(),
    }
}

// ---------------------------------------------------------------------------------------
// Tests (expected numbers worked out by hand from carb.py's algorithm)
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(sentence: &str, confidence: f64, relation: &str, args: &[&str]) -> Extraction {
        Extraction {
            sentence: sentence.into(),
            confidence,
            relation: relation.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }
    fn gold(sentence: &str, relation: &str, args: &[&str]) -> Extraction {
        ex(sentence, 1.0, relation, args)
    }
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    const S1: &str = "Steve Jobs founded Apple , a company .";
    const S2: &str = "Mary left .";

    #[test]
    fn perfect_system() {
        let g = vec![
            gold(S1, "founded", &["Steve Jobs", "Apple"]),
            gold(S1, "is", &["Apple", "a company"]),
        ];
        let s: Vec<Extraction> = g
            .iter()
            .map(|e| Extraction {
                confidence: 1.0,
                ..e.clone()
            })
            .collect();
        let sc = score(&g, &s);
        assert!(close(sc.f1, 1.0) && close(sc.precision, 1.0) && close(sc.recall, 1.0));
        assert_eq!(sc.threshold, 1.0);
        assert_eq!(sc.curve, vec![(1.0, 1.0, 1.0)]);
        // points (R=1,P=1) and (0,1): area 1
        assert!(close(sc.auc, 1.0));
    }

    #[test]
    fn empty_system() {
        let g = vec![gold(S1, "founded", &["Steve Jobs", "Apple"])];
        let sc = score(&g, &[]);
        assert_eq!((sc.f1, sc.precision, sc.recall, sc.auc), (0.0, 0.0, 0.0, 0.0));
        assert!(sc.threshold.is_nan());
        assert!(sc.curve.is_empty());
    }

    #[test]
    fn partial_overlap_nary_gold() {
        // gold binarised: rel [gave], a1 [the teacher], a2 [a book to Mary]
        // system: rel [gave a] a1 [teacher] a2 [book]
        // rel: 1 match (prec den 2, rec den 1); a1: 1 match (+1, +2); a2: 1 match (+1, +4)
        // P = 3/4, R = 3/7
        let g = vec![gold(S2, "gave", &["the teacher", "a book", "to Mary"])];
        let s = vec![ex(S2, 0.5, "gave a", &["teacher", "book"])];
        let (pp, rr) = match_pair(&g[0], &s[0]);
        assert!(close(pp, 0.75) && close(rr, 3.0 / 7.0));
        let sc = score(&g, &s);
        assert!(close(sc.precision, 0.75) && close(sc.recall, 3.0 / 7.0));
        assert!(close(sc.f1, 6.0 / 11.0));
        assert_eq!(sc.threshold, 0.5);
        // trapezoid between (3/7, 0.75) and (0, 1): 3/7 * 1.75 / 2 = 0.375
        assert!(close(sc.auc, 0.375));
    }

    #[test]
    fn relation_mismatch_scores_zero_and_missing_arg_scores_zero() {
        let g = gold(S1, "founded", &["Steve Jobs", "Apple"]);
        assert_eq!(
            match_pair(&g, &ex(S1, 1.0, "created", &["Steve Jobs", "Apple"])),
            (0.0, 0.0)
        );
        assert_eq!(match_pair(&g, &ex(S1, 1.0, "founded", &["Steve Jobs"])), (0.0, 0.0));
        // case-sensitive tokens: "apple" != "Apple"; P = 3/4 (4 system tokens), R = 3/4
        let (pp, rr) = match_pair(&g, &ex(S1, 1.0, "founded", &["Steve Jobs", "apple"]));
        assert!(close(pp, 0.75) && close(rr, 0.75));
        // extra system args are joined into the second slot: P = 4/5, R = 4/4
        let (pp, rr) = match_pair(&g, &ex(S1, 1.0, "founded", &["Steve Jobs", "Apple", "1976"]));
        assert!(close(pp, 0.8) && close(rr, 1.0));
    }

    #[test]
    fn be_matches_forms_of_be() {
        let g = gold(S1, "is", &["Apple", "a company"]);
        let (pp, rr) = match_pair(&g, &ex(S1, 1.0, "be", &["Apple", "a company"]));
        assert!(close(pp, 1.0) && close(rr, 1.0));
    }

    #[test]
    fn said_swap() {
        let s = "The spokesman said the deal is off .";
        let sys = ex(s, 1.0, "said", &["the deal is off", "the spokesman"]);
        // said-type gold relation: the swapped reading is perfect
        let g = gold(s, "said", &["the spokesman", "the deal is off"]);
        assert_eq!(match_pair(&g, &sys), (1.0, 1.0));
        // non-said relation: straight only. rel 1/1; slot1 gold [the spokesman] vs
        // [the deal is off] -> 1; slot2 gold [the deal is off] vs [the spokesman] -> 1
        // P = 3/(1+4+2) = 3/7, R = 3/(1+2+4) = 3/7
        let g2 = gold(s, "stated", &["the spokesman", "the deal is off"]);
        let sys2 = Extraction {
            relation: "stated".into(),
            ..sys.clone()
        };
        let (pp, rr) = match_pair(&g2, &sys2);
        assert!(close(pp, 3.0 / 7.0) && close(rr, 3.0 / 7.0));
        // substring test: "unsaid" contains "said"
        let g3 = gold(s, "left unsaid", &["the spokesman", "the deal is off"]);
        let sys3 = Extraction {
            relation: "left unsaid".into(),
            ..sys
        };
        assert_eq!(match_pair(&g3, &sys3), (1.0, 1.0));
    }

    #[test]
    fn two_confidence_levels() {
        // G1 (founded; Steve Jobs; Apple), G2 (is; Apple; a company)
        // S1 = G1 at 0.9 -> (1,1) vs G1; S2 (is; Apple; a firm) at 0.4 -> (3/4,3/4) vs G2
        // t=0.4: R = (1 + .75)/2, P = (1 + .75)/2   t=0.9: R = 1/2, P = 1/1
        let g = vec![
            gold(S1, "founded", &["Steve Jobs", "Apple"]),
            gold(S1, "is", &["Apple", "a company"]),
        ];
        let s = vec![
            ex(S1, 0.9, "founded", &["Steve Jobs", "Apple"]),
            ex(S1, 0.4, "is", &["Apple", "a firm"]),
        ];
        let sc = score(&g, &s);
        assert_eq!(sc.curve, vec![(0.4, 0.875, 0.875), (0.9, 1.0, 0.5)]);
        assert!(close(sc.f1, 0.875) && close(sc.precision, 0.875) && close(sc.recall, 0.875));
        assert_eq!(sc.threshold, 0.4);
        // x=[.875,.5,0], y=[.875,1,1]: .375*1.875/2 + .5*2/2 = 0.8515625
        assert!(close(sc.auc, 0.8515625));
    }

    #[test]
    fn duplicates_cost_precision_not_recall() {
        // The same correct tuple twice: greedy 1:1 matching gives G1-S1 = 1, then the copy
        // can only pair with G2 (relation mismatch, 0). P = 1/2, R = (1 + 0)/2.
        let g = vec![
            gold(S1, "founded", &["Steve Jobs", "Apple"]),
            gold(S1, "is", &["Apple", "a company"]),
        ];
        let s = vec![
            ex(S1, 0.7, "founded", &["Steve Jobs", "Apple"]),
            ex(S1, 0.7, "founded", &["Steve Jobs", "Apple"]),
        ];
        let sc = score(&g, &s);
        assert_eq!(sc.curve, vec![(0.7, 0.5, 0.5)]);
        assert!(close(sc.f1, 0.5));
    }

    #[test]
    fn absent_sentences_and_unknown_sentences() {
        // S1 perfect at 0.8; S2 has gold but no output; an unknown sentence at 0.3 only adds
        // a threshold. Both thresholds: P = 1 (1/1), R = 1/2.
        let g = vec![
            gold(S1, "founded", &["Steve Jobs", "Apple"]),
            gold(S2, "left", &["Mary"]),
        ];
        let s = vec![
            ex(S1, 0.8, "founded", &["Steve Jobs", "Apple"]),
            ex("Not in the gold .", 0.3, "in", &["Not", "the gold"]),
        ];
        let sc = score(&g, &s);
        assert_eq!(sc.curve, vec![(0.3, 1.0, 0.5), (0.8, 1.0, 0.5)]);
        assert!(close(sc.f1, 2.0 / 3.0));
        assert_eq!(sc.threshold, 0.3); // first of the tied maxima
        assert!(close(sc.auc, 0.5));
    }

    #[test]
    fn all_wrong_system_gives_zero_point() {
        // P = 0, R = 0 -> F1 = NaN, skipped by nanargmax -> (0,0,0); AUC over (0,0),(0,1) = 0
        let g = vec![gold(S1, "founded", &["Steve Jobs", "Apple"])];
        let s = vec![ex(S1, 0.5, "bought", &["Steve Jobs", "Apple"])];
        let sc = score(&g, &s);
        assert_eq!((sc.f1, sc.precision, sc.recall), (0.0, 0.0, 0.0));
        assert!(sc.threshold.is_nan());
        assert_eq!(sc.curve, vec![(0.5, 0.0, 0.0)]);
        assert_eq!(sc.auc, 0.0);
    }

    #[test]
    fn sentence_normalisation() {
        assert_eq!(normalize_sentence("He ( Bob ) left ."), "HeBobleft");
        assert_eq!(normalize_sentence("He -LRB- Bob -RRB- left."), "HeBobleft");
        let g = vec![gold("He ( Bob ) left .", "left", &["He"])];
        let s = vec![ex("He -LRB- Bob -RRB- left.", 1.0, "left", &["He"])];
        assert!(close(score(&g, &s).f1, 1.0));
    }

    #[test]
    fn normalised_collision_later_group_wins() {
        // Two raw spellings of one sentence: the later group replaces the earlier.
        let g = vec![gold(S2, "left", &["Mary"])];
        let s = vec![
            ex("Mary left .", 0.9, "left", &["Mary"]),
            ex("Mary left.", 0.2, "stayed", &["Mary"]),
        ];
        let sc = score(&g, &s);
        assert_eq!(sc.curve, vec![(0.2, 0.0, 0.0)]);
        assert_eq!(sc.f1, 0.0);
    }

    #[test]
    fn gold_parser() {
        let text = "S a .\trel\t a1 \ta2\tC: he said\n\nx";
        let err = parse_gold(text).unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        let gs = parse_gold("S a .\trel\t a1 \ta2\tC: he said\r\nT .\tr\tx\n").unwrap();
        assert_eq!(gs.len(), 2);
        assert_eq!(gs[0], gold("S a .", "rel", &["a1", "a2"]));
        assert_eq!(gs[1].args, vec!["x".to_string()]);
    }

    #[test]
    fn system_parser() {
        let t = "\nS .\t0.5\trel\ta1\ta2\t\n   \nS .\t1_0\tr\n";
        let s = parse_system(t).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0], ex("S .", 0.5, "rel", &["a1", "a2"])); // trailing empty arg stripped
        assert_eq!(s[1].confidence, 10.0);
        let e = parse_system("S .\t0.5\trel\nS .\tabc\trel\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("abc"), "{e}");
        let e = parse_system("S .\t0.5\trel\n\nS .\t0.5\n").unwrap_err();
        assert!(e.contains("line 3") && e.contains("found 2"), "{e}");
        assert!(parse_system("S .\tnan\tr\n").unwrap_err().contains("line 1"));
    }

    #[test]
    fn numpy_helpers() {
        let v: Vec<f64> = (0..300).map(|i| i as f64 * 0.1).collect();
        assert!((pairwise_sum(&v) - 4485.0).abs() < 1e-9);
        assert_eq!(round3(0.0625), 0.062); // half to even
        assert_eq!(round3(0.8515625), 0.852);
    }
}
