//! Greedy arc-hybrid transition parser (root at the end of the buffer) with labelled transitions,
//! an averaged perceptron over Zhang & Nivre (2011)-style features, and a dynamic oracle with
//! exploration for training (Goldberg & Nivre 2013).

use super::ModelError;
use super::util::{IdMap, Reader, Rng, TrainWeights, Weights, Writer, feat, mix};

const ROOT_WORD: u64 = 0x0123_4567_89ab_cdef;
const NONE_WORD: u64 = 0x0fed_cba9_8765_4321;
const ROOT_TAG: u64 = 1000;
const NONE_TAG: u64 = 1001;
const NONE_LABEL: u8 = 255;
const NONE: usize = usize::MAX;

/// A sentence to train the parser on.
pub struct ParseSentence {
    /// Hashes of the lowercased forms.
    pub words: Vec<u64>,
    /// Joint tag ids (predicted, for robustness).
    pub tags: Vec<usize>,
    /// Gold heads (0 = root, else 1-based).
    pub heads: Vec<usize>,
    /// Gold label ids.
    pub labels: Vec<usize>,
}

/// The parser: label set and weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Parser {
    /// Dependency labels.
    pub labels: Vec<String>,
    root_label: usize,
    weights: Weights,
}

/// Parser configuration. Token `n` is the artificial root, `n + 1` the "nothing" sentinel.
struct State {
    n: usize,
    word: Vec<u64>,
    tag: Vec<u64>,
    stack: Vec<usize>,
    b: usize,
    head: Vec<usize>,
    label: Vec<u8>,
    lc1: Vec<usize>,
    lc2: Vec<usize>,
    rc1: Vec<usize>,
    rc2: Vec<usize>,
    nl: Vec<u64>,
    nr: Vec<u64>,
    lset: Vec<u64>,
    rset: Vec<u64>,
}

fn dist(a: usize, b: usize) -> u64 {
    let d = b.abs_diff(a);
    match d {
        0..=4 => d as u64,
        5..=7 => 5,
        8..=12 => 6,
        _ => 7,
    }
}

impl State {
    fn new(words: &[u64], tags: &[usize]) -> State {
        let n = words.len();
        let mut word: Vec<u64> = words.to_vec();
        word.push(ROOT_WORD);
        word.push(NONE_WORD);
        let mut tag: Vec<u64> = tags.iter().map(|&t| t as u64 + 1).collect();
        tag.push(ROOT_TAG);
        tag.push(NONE_TAG);
        let none = n + 1;
        State {
            n,
            word,
            tag,
            stack: Vec::with_capacity(n),
            b: 0,
            head: vec![NONE; n + 2],
            label: vec![NONE_LABEL; n + 2],
            lc1: vec![none; n + 2],
            lc2: vec![none; n + 2],
            rc1: vec![none; n + 2],
            rc2: vec![none; n + 2],
            nl: vec![0; n + 2],
            nr: vec![0; n + 2],
            lset: vec![0; n + 2],
            rset: vec![0; n + 2],
        }
    }

    fn terminal(&self) -> bool {
        self.stack.is_empty() && self.b == self.n
    }

    fn add_arc(&mut self, h: usize, d: usize, l: usize) {
        self.head[d] = h;
        self.label[d] = l as u8;
        let none = self.n + 1;
        if d < h {
            if self.lc1[h] == none || d < self.lc1[h] {
                self.lc2[h] = self.lc1[h];
                self.lc1[h] = d;
            } else if self.lc2[h] == none || d < self.lc2[h] {
                self.lc2[h] = d;
            }
            self.nl[h] += 1;
            self.lset[h] |= 1 << (l % 64);
        } else {
            if self.rc1[h] == none || d > self.rc1[h] {
                self.rc2[h] = self.rc1[h];
                self.rc1[h] = d;
            } else if self.rc2[h] == none || d > self.rc2[h] {
                self.rc2[h] = d;
            }
            self.nr[h] += 1;
            self.rset[h] |= 1 << (l % 64);
        }
    }

    /// Applies class `c` (0 = shift, 1..=L left-arc, L+1..=2L right-arc).
    fn apply(&mut self, c: usize, nlabels: usize) {
        if c == 0 {
            self.stack.push(self.b);
            self.b += 1;
        } else if c <= nlabels {
            let s0 = self.stack.pop().expect("left-arc needs a stack");
            self.add_arc(self.b, s0, c - 1);
        } else {
            let s0 = self.stack.pop().expect("right-arc needs a stack");
            let s1 = *self.stack.last().expect("right-arc needs two");
            self.add_arc(s1, s0, c - 1 - nlabels);
        }
    }

    /// Which of the three moves are allowed (shift, left-arc, right-arc).
    fn moves(&self) -> (bool, bool, bool) {
        let k = self.stack.len();
        (self.b < self.n, k >= 1 && (self.b < self.n || k == 1), k >= 2)
    }

    fn features(&self, f: &mut Vec<u64>) {
        f.clear();
        let none = self.n + 1;
        let k = self.stack.len();
        let s0 = if k >= 1 { self.stack[k - 1] } else { none };
        let s1 = if k >= 2 { self.stack[k - 2] } else { none };
        let s2 = if k >= 3 { self.stack[k - 3] } else { none };
        let b0 = self.b;
        let b1 = if self.b < self.n { self.b + 1 } else { none };
        let b2 = if self.b + 1 < self.n { self.b + 2 } else { none };
        let w = |x: usize| self.word[x];
        let p = |x: usize| self.tag[x];
        let l = |x: usize| u64::from(self.label[x]);
        let wp = |x: usize| self.word[x] ^ self.tag[x].wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut t = 0u32;
        let mut push = |a: u64, b: u64, c: u64| {
            t += 1;
            f.push(feat(t, a, b, c));
        };
        // unigrams
        for x in [s0, s1, b0, b1] {
            push(w(x), 0, 0);
            push(p(x), 0, 0);
            push(wp(x), 0, 0);
        }
        push(w(s2), 0, 0);
        push(p(s2), 0, 0);
        push(w(b2), 0, 0);
        push(p(b2), 0, 0);
        // pairs: (s0, b0) and (s1, s0)
        for (a, b) in [(s0, b0), (s1, s0)] {
            push(wp(a), wp(b), 0);
            push(wp(a), w(b), 0);
            push(w(a), wp(b), 0);
            push(wp(a), p(b), 0);
            push(p(a), wp(b), 0);
            push(w(a), w(b), 0);
            push(p(a), p(b), 0);
        }
        push(p(b0), p(b1), 0);
        push(p(s1), p(b0), 0);
        push(w(s1), w(b0), 0);
        push(p(s0), p(b1), 0);
        // triples
        let (s0lc, s0rc, s1lc, s1rc, b0lc) = (self.lc1[s0], self.rc1[s0], self.lc1[s1], self.rc1[s1], self.lc1[b0]);
        let (s0lc2, s0rc2, s1rc2, b0lc2) = (self.lc2[s0], self.rc2[s0], self.rc2[s1], self.lc2[b0]);
        push(p(b0), p(b1), p(b2));
        push(p(s0), p(b0), p(b1));
        push(p(s1), p(s0), p(b0));
        push(p(s2), p(s1), p(s0));
        push(p(s0), p(s0lc), p(b0));
        push(p(s0), p(s0rc), p(b0));
        push(p(s0), p(b0), p(b0lc));
        push(p(s1), p(s0), p(s0lc));
        push(p(s1), p(s0), p(s0rc));
        push(p(s1), p(s1rc), p(s0));
        push(p(s1), p(s1lc), p(s0));
        push(p(s1), p(s0), p(b1));
        // distance
        let d1 = if s0 == none { 0 } else { dist(s0, b0) };
        let d2 = if s1 == none { 0 } else { dist(s1, s0) };
        push(w(s0), d1, 0);
        push(p(s0), d1, 0);
        push(w(b0), d1, 0);
        push(p(b0), d1, 0);
        push(w(s0), w(b0), d1);
        push(p(s0), p(b0), d1);
        push(w(s1), d2, 0);
        push(p(s1), d2, 0);
        push(w(s0), d2, 0);
        push(p(s0), d2, 0);
        push(w(s1), w(s0), d2);
        push(p(s1), p(s0), d2);
        // valency
        for x in [s0, s1] {
            push(w(x), self.nr[x], 0);
            push(p(x), self.nr[x], 0);
            push(w(x), self.nl[x], 0);
            push(p(x), self.nl[x], 0);
        }
        push(w(b0), self.nl[b0], 0);
        push(p(b0), self.nl[b0], 0);
        // children
        for x in [s0lc, s0rc, s1lc, s1rc, b0lc, s0lc2, s0rc2, s1rc2, b0lc2] {
            push(w(x), 0, 0);
            push(p(x), 0, 0);
            push(l(x), 0, 0);
        }
        push(p(s0), p(s0lc), p(s0lc2));
        push(p(s0), p(s0rc), p(s0rc2));
        push(p(s1), p(s1rc), p(s1rc2));
        push(p(b0), p(b0lc), p(b0lc2));
        push(p(s0), l(s0lc), l(s0rc));
        push(p(s1), l(s1lc), l(s1rc));
        // label sets
        push(w(s0), self.rset[s0], 0);
        push(p(s0), self.rset[s0], 0);
        push(w(s0), self.lset[s0], 0);
        push(p(s0), self.lset[s0], 0);
        push(w(s1), self.rset[s1], 0);
        push(p(s1), self.rset[s1], 0);
        push(w(b0), self.lset[b0], 0);
        push(p(b0), self.lset[b0], 0);
        // lexicalised context
        push(wp(s0), p(b0), p(b1));
        push(p(s0), wp(b0), p(b1));
        push(w(s0), p(s0), mix(p(s0lc) ^ p(s0rc) << 16));
    }
}

fn best_valid(scores: &[f32], st: &State, nlabels: usize, root: usize) -> usize {
    let (sh, la, ra) = st.moves();
    let mut best = usize::MAX;
    let mut best_score = f32::NEG_INFINITY;
    let mut consider = |c: usize| {
        if best == usize::MAX || scores[c] > best_score {
            best = c;
            best_score = scores[c];
        }
    };
    if sh {
        consider(0);
    }
    if la {
        if st.b == st.n {
            consider(1 + root);
        } else {
            (0..nlabels).filter(|&l| l != root).for_each(|l| consider(1 + l));
        }
    }
    if ra {
        (0..nlabels)
            .filter(|&l| l != root)
            .for_each(|l| consider(1 + nlabels + l));
    }
    best
}

/// Sets `costs` to the dynamic-oracle cost of every class (`BIG` for invalid ones), given gold
/// heads `gh` (internal: root = n) and gold labels; `in_stack` marks the tokens on the stack.
fn oracle_costs(
    st: &State,
    gh: &[usize],
    gl: &[usize],
    in_stack: &[bool],
    nlabels: usize,
    root: usize,
    costs: &mut [u32],
) {
    let n = st.n;
    let (sh, la, ra) = st.moves();
    let b = st.b;
    let k = st.stack.len();
    let s0 = if k >= 1 { st.stack[k - 1] } else { NONE };
    let s1 = if k >= 2 { st.stack[k - 2] } else { NONE };
    costs.iter_mut().for_each(|c| *c = BIG);
    if sh {
        let mut c = st.stack.iter().filter(|&&x| gh[x] == b).count() as u32;
        if gh[b] != s0 && gh[b] < n && in_stack[gh[b]] {
            c += 1;
        }
        costs[0] = c;
    }
    if la || ra {
        let deps = (b..n).filter(|&x| gh[x] == s0).count() as u32;
        let h = gh[s0];
        if la {
            let c = deps + u32::from(h != b && (h == s1 || h >= b));
            for l in 0..nlabels {
                if (b == n) == (l == root) {
                    costs[1 + l] = c + u32::from(h == b && l != gl[s0]);
                }
            }
        }
        if ra {
            let c = deps + u32::from(h >= b);
            for l in 0..nlabels {
                if l != root {
                    costs[1 + nlabels + l] = c + u32::from(h == s1 && l != gl[s0]);
                }
            }
        }
    }
}

const BIG: u32 = u32::MAX / 2;

/// Counts the features along the oracle path of every sentence.
fn count_features(sentences: &[ParseSentence], nlabels: usize, root: usize) -> IdMap<u32> {
    let mut counts: IdMap<u32> = IdMap::default();
    let mut costs = vec![0u32; 1 + 2 * nlabels];
    let mut f = Vec::with_capacity(160);
    for s in sentences {
        let n = s.words.len();
        let gh: Vec<usize> = s.heads.iter().map(|&h| if h == 0 { n } else { h - 1 }).collect();
        let mut st = State::new(&s.words, &s.tags);
        let mut in_stack = vec![false; n + 1];
        while !st.terminal() {
            st.features(&mut f);
            for &x in &f {
                *counts.entry(x).or_default() += 1;
            }
            oracle_costs(&st, &gh, &s.labels, &in_stack, nlabels, root, &mut costs);
            let min = *costs.iter().min().expect("classes");
            let next = costs.iter().position(|&c| c == min).expect("a move");
            if next == 0 {
                in_stack[st.b] = true;
            } else if let Some(&s0) = st.stack.last() {
                in_stack[s0] = false;
            }
            st.apply(next, nlabels);
        }
    }
    counts
}

impl Parser {
    /// Trains the parser.
    pub fn train(
        labels: &[String],
        sentences: &[ParseSentence],
        iterations: usize,
        explore: f64,
        min_count: u32,
        seed: u64,
        log: &mut dyn FnMut(String),
    ) -> Parser {
        let nlabels = labels.len();
        let root = labels.iter().position(|l| l == "root").unwrap_or(0);
        let nclasses = 1 + 2 * nlabels;
        let mut weights = TrainWeights::new(nclasses);
        if min_count > 1 {
            let counts = count_features(sentences, nlabels, root);
            let total = counts.len();
            let allowed: IdMap<u32> = counts.into_iter().filter(|&(_, c)| c >= min_count).collect();
            log(format!(
                "  parser features seen on the oracle path: {total}, kept (count >= {min_count}): {}",
                allowed.len()
            ));
            weights.restrict(allowed);
        }
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        let mut rng = Rng::new(seed);
        let mut scores = vec![0f32; nclasses];
        let mut costs = vec![0u32; nclasses];
        let mut f = Vec::with_capacity(160);
        for it in 0..iterations {
            rng.shuffle(&mut order);
            let (mut correct, mut total) = (0usize, 0usize);
            for &si in &order {
                let s = &sentences[si];
                let n = s.words.len();
                // internal gold heads: root = n
                let gh: Vec<usize> = s.heads.iter().map(|&h| if h == 0 { n } else { h - 1 }).collect();
                let mut st = State::new(&s.words, &s.tags);
                let mut in_stack = vec![false; n + 1];
                while !st.terminal() {
                    st.features(&mut f);
                    weights.score(&f, &mut scores);
                    let pred = best_valid(&scores, &st, nlabels, root);
                    oracle_costs(&st, &gh, &s.labels, &in_stack, nlabels, root, &mut costs);
                    let big = BIG;
                    let b = st.b;
                    let s0 = st.stack.last().copied().unwrap_or(NONE);
                    let min = *costs.iter().min().expect("classes");
                    let mut gold = usize::MAX;
                    for c in 0..nclasses {
                        if costs[c] == min && (gold == usize::MAX || scores[c] > scores[gold]) {
                            gold = c;
                        }
                    }
                    weights.tick();
                    if costs[pred] > min {
                        weights.update(&f, gold, 1.0);
                        weights.update(&f, pred, -1.0);
                    } else {
                        correct += 1;
                    }
                    total += 1;
                    let next = if it > 0 && costs[pred] < big && rng.unit() < explore {
                        pred
                    } else {
                        gold
                    };
                    if next == 0 {
                        in_stack[b] = true;
                    } else {
                        in_stack[s0] = false;
                    }
                    st.apply(next, nlabels);
                }
            }
            log(format!(
                "  parser iteration {}: {:.2}% transitions correct, {} features",
                it + 1,
                100.0 * correct as f64 / total as f64,
                weights.feature_count()
            ));
        }
        Parser {
            labels: labels.to_vec(),
            root_label: root,
            weights: weights.average(None),
        }
    }

    /// Parses a tagged sentence: returns (head, label id) per word, head 0 = root.
    pub fn parse(&self, words: &[u64], tags: &[usize]) -> Vec<(usize, usize)> {
        let n = words.len();
        let nlabels = self.labels.len();
        let mut st = State::new(words, tags);
        let mut scores = vec![0f32; 1 + 2 * nlabels];
        let mut f = Vec::with_capacity(160);
        while !st.terminal() {
            // forced moves need no scoring: shift onto an empty stack, attach the last word to root
            let c = match st.moves() {
                (true, false, false) => 0,
                (false, true, false) => 1 + self.root_label,
                _ => {
                    st.features(&mut f);
                    self.weights.score(&f, &mut scores);
                    best_valid(&scores, &st, nlabels, self.root_label)
                }
            };
            st.apply(c, nlabels);
        }
        (0..n)
            .map(|i| {
                let h = st.head[i];
                let h = if h == NONE || h >= n { 0 } else { h + 1 };
                let l = st.label[i] as usize;
                (h, if l < nlabels { l } else { self.root_label })
            })
            .collect()
    }

    /// A copy without weights smaller than `min_abs`.
    pub fn pruned(&self, min_abs: f32) -> Parser {
        Parser {
            labels: self.labels.clone(),
            root_label: self.root_label,
            weights: self.weights.pruned(min_abs),
        }
    }

    /// Number of features and weights.
    pub fn size(&self) -> (usize, usize) {
        self.weights.size()
    }

    /// Serializes the parser.
    pub fn write(&self, w: &mut Writer) {
        w.strs(&self.labels);
        w.var(self.root_label as u64);
        self.weights.write(w);
    }

    /// Deserializes a parser.
    pub fn read(r: &mut Reader) -> Result<Parser, ModelError> {
        let labels = r.strs()?;
        let root_label = r.len()?;
        if labels.is_empty() || 1 + 2 * labels.len() > 256 || root_label >= labels.len() {
            return Err(ModelError::Format(format!("bad label set ({} labels)", labels.len())));
        }
        Ok(Parser {
            labels,
            root_label,
            weights: Weights::read(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows the dynamic oracle's zero-cost moves: projective trees must come out exactly.
    fn oracle_parse(heads: &[usize], labels: &[usize], nlabels: usize, root: usize) -> Vec<(usize, usize)> {
        let n = heads.len();
        let gh: Vec<usize> = heads.iter().map(|&h| if h == 0 { n } else { h - 1 }).collect();
        let words = vec![0u64; n];
        let tags = vec![0usize; n];
        let mut st = State::new(&words, &tags);
        while !st.terminal() {
            let (sh, la, ra) = st.moves();
            let b = st.b;
            let k = st.stack.len();
            let s0 = if k >= 1 { st.stack[k - 1] } else { NONE };
            let s1 = if k >= 2 { st.stack[k - 2] } else { NONE };
            let mut best = (u32::MAX, 0);
            if sh {
                let mut c = st.stack.iter().filter(|&&x| gh[x] == b).count() as u32;
                if gh[b] != s0 && st.stack.contains(&gh[b]) {
                    c += 1;
                }
                best = best.min((c, 0));
            }
            if la || ra {
                let deps = (b..n).filter(|&x| gh[x] == s0).count() as u32;
                let h = gh[s0];
                if la {
                    let l = if b == n { root } else { labels[s0] };
                    let c = deps + u32::from(h != b && (h == s1 || h >= b)) + u32::from(h == b && l != labels[s0]);
                    best = best.min((c, 1 + l));
                }
                if ra {
                    let c = deps + u32::from(h >= b) + u32::from(h == s1 && labels[s0] == root);
                    best = best.min((
                        c,
                        1 + nlabels
                            + if labels[s0] == root {
                                (root + 1) % nlabels
                            } else {
                                labels[s0]
                            },
                    ));
                }
            }
            st.apply(best.1, nlabels);
        }
        (0..n)
            .map(|i| (if st.head[i] >= n { 0 } else { st.head[i] + 1 }, st.label[i] as usize))
            .collect()
    }

    #[test]
    fn oracle_reproduces_projective_trees() {
        // 1 <- 2 -> 4, 3 <- 4, root 2, plus punctuation 5 attached to 2
        let heads = [2, 0, 4, 2, 2];
        let labels = [1, 0, 2, 3, 4];
        let got = oracle_parse(&heads, &labels, 5, 0);
        let want: Vec<(usize, usize)> = heads.iter().copied().zip(labels.iter().copied()).collect();
        assert_eq!(got, want);
        let path = std::path::Path::new("/work/shared/data/ud-english-ewt/en_ewt-ud-dev.conllu");
        if let Ok(sentences) = crate::nlp::conllu::read_file(path) {
            let mut labels: Vec<&str> = sentences
                .iter()
                .flat_map(|s| s.words.iter().map(|w| w.deprel.as_str()))
                .collect();
            labels.sort();
            labels.dedup();
            let root = labels.iter().position(|&l| l == "root").unwrap();
            let (mut exact, mut total, mut arcs, mut right) = (0, 0, 0, 0);
            for s in &sentences {
                let heads: Vec<usize> = s.words.iter().map(|w| w.head).collect();
                let ls: Vec<usize> = s
                    .words
                    .iter()
                    .map(|w| labels.binary_search(&w.deprel.as_str()).unwrap())
                    .collect();
                let got = oracle_parse(&heads, &ls, labels.len(), root);
                let want: Vec<(usize, usize)> = heads.iter().copied().zip(ls.iter().copied()).collect();
                total += 1;
                exact += usize::from(got == want);
                arcs += want.len();
                right += got.iter().zip(&want).filter(|(a, b)| a == b).count();
            }
            eprintln!("oracle: {exact}/{total} sentences exact, {right}/{arcs} arcs");
            assert!(right as f64 / arcs as f64 > 0.99);
        }
    }
}
