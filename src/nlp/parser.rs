//! Arc-hybrid transition parser (root at the end of the buffer) with labelled transitions, an
//! averaged perceptron over Zhang & Nivre (2011)-style features, and a dynamic oracle with
//! exploration for training (Goldberg & Nivre 2013). With a beam width above 1 it decodes with
//! beam search, and training adds beam passes with a global perceptron and max-violation (Huang
//! et al. 2012) or early updates (Collins & Roark 2004), where the "gold" sequences are those
//! that take only moves of minimal dynamic-oracle cost.

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
    /// Beam width used by [`Parser::parse`] (1 = greedy).
    pub beam: usize,
    /// Whether the model uses the extra feature templates.
    extra: bool,
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
    /// Whether the extra feature templates are used.
    extra: bool,
}

impl Clone for State {
    fn clone(&self) -> State {
        State {
            n: self.n,
            word: self.word.clone(),
            tag: self.tag.clone(),
            stack: self.stack.clone(),
            b: self.b,
            head: self.head.clone(),
            label: self.label.clone(),
            lc1: self.lc1.clone(),
            lc2: self.lc2.clone(),
            rc1: self.rc1.clone(),
            rc2: self.rc2.clone(),
            nl: self.nl.clone(),
            nr: self.nr.clone(),
            lset: self.lset.clone(),
            rset: self.rset.clone(),
            extra: self.extra,
        }
    }

    /// Copies `src` reusing this state's buffers (the words and tags are the same in a beam).
    fn clone_from(&mut self, src: &State) {
        self.n = src.n;
        if self.word.len() != src.word.len() {
            self.word.clone_from(&src.word);
            self.tag.clone_from(&src.tag);
        }
        self.stack.clone_from(&src.stack);
        self.b = src.b;
        self.head.clone_from(&src.head);
        self.label.clone_from(&src.label);
        self.lc1.clone_from(&src.lc1);
        self.lc2.clone_from(&src.lc2);
        self.rc1.clone_from(&src.rc1);
        self.rc2.clone_from(&src.rc2);
        self.nl.clone_from(&src.nl);
        self.nr.clone_from(&src.nr);
        self.lset.clone_from(&src.lset);
        self.rset.clone_from(&src.rset);
        self.extra = src.extra;
    }
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
    fn new(words: &[u64], tags: &[usize], extra: bool) -> State {
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
            extra,
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

    /// The only allowed move when there is one: shift onto an empty stack, or attach the last
    /// word to the root. Such moves are not scored.
    fn forced(&self, root: usize) -> Option<usize> {
        match self.moves() {
            (true, false, false) => Some(0),
            (false, true, false) => Some(1 + root),
            _ => None,
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
        if self.extra {
            let (b0lc2, s1lc2) = (self.lc2[b0], self.lc2[s1]);
            push(w(s0), w(b0), p(b1));
            push(w(b0), w(b1), 0);
            push(w(s0), l(s0lc), l(s0rc));
            push(p(s1), p(s0), w(b0));
            push(w(s1), p(s0), p(b0));
            push(p(b0), l(b0lc), l(b0lc2));
            push(p(s1), l(s1lc), l(s1lc2));
            push(w(b0), p(b1), p(b2));
        }
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

/// Pushes (score, class) for the valid classes, keeping only the `k` best.
fn top_valid(scores: &[f32], st: &State, nlabels: usize, root: usize, k: usize, out: &mut Vec<(f32, usize)>) {
    out.clear();
    let (sh, la, ra) = st.moves();
    if sh {
        out.push((scores[0], 0));
    }
    if la {
        if st.b == st.n {
            out.push((scores[1 + root], 1 + root));
        } else {
            out.extend((0..nlabels).filter(|&l| l != root).map(|l| (scores[1 + l], 1 + l)));
        }
    }
    if ra {
        out.extend(
            (0..nlabels)
                .filter(|&l| l != root)
                .map(|l| (scores[1 + nlabels + l], 1 + nlabels + l)),
        );
    }
    if out.len() > k {
        out.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        out.truncate(k);
    }
}

/// A beam candidate: parent item, class, total score, and (training) oracle consistency.
#[derive(Clone, Copy)]
struct Cand {
    score: f32,
    parent: usize,
    class: usize,
    ok: bool,
}

fn sort_cands(c: &mut [Cand]) {
    c.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.parent.cmp(&b.parent))
            .then(a.class.cmp(&b.class))
    });
}

/// Replays `hist` from the start, adding `delta` to the class taken at every scored step from
/// step `from` on.
#[allow(clippy::too_many_arguments)]
fn replay_update(
    weights: &mut TrainWeights,
    s: &ParseSentence,
    hist: &[u8],
    from: usize,
    delta: f32,
    nlabels: usize,
    root: usize,
    f: &mut Vec<u64>,
    extra: bool,
) {
    let mut st = State::new(&s.words, &s.tags, extra);
    for (i, &c) in hist.iter().enumerate() {
        if i >= from && st.forced(root).is_none() {
            st.features(f);
            weights.update(f, c as usize, delta);
        }
        st.apply(c as usize, nlabels);
    }
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
fn count_features(sentences: &[ParseSentence], nlabels: usize, root: usize, extra: bool) -> IdMap<u32> {
    let mut counts: IdMap<u32> = IdMap::default();
    let mut costs = vec![0u32; 1 + 2 * nlabels];
    let mut f = Vec::with_capacity(160);
    for s in sentences {
        let n = s.words.len();
        let gh: Vec<usize> = s.heads.iter().map(|&h| if h == 0 { n } else { h - 1 }).collect();
        let mut st = State::new(&s.words, &s.tags, extra);
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
    /// Trains the parser: `iterations` greedy passes with the dynamic oracle, then
    /// `beam_iterations` passes of beam search (width `beam`) with early updates.
    #[allow(clippy::too_many_arguments)]
    pub fn train(
        labels: &[String],
        sentences: &[ParseSentence],
        iterations: usize,
        explore: f64,
        min_count: u32,
        seed: u64,
        beam: usize,
        beam_iterations: usize,
        max_violation: bool,
        extra: bool,
        log: &mut dyn FnMut(String),
    ) -> Parser {
        let nlabels = labels.len();
        let root = labels.iter().position(|l| l == "root").unwrap_or(0);
        let nclasses = 1 + 2 * nlabels;
        let mut weights = TrainWeights::new(nclasses);
        if min_count > 1 {
            let counts = count_features(sentences, nlabels, root, extra);
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
                let mut st = State::new(&s.words, &s.tags, extra);
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
        if beam > 1 {
            if iterations > 0 && beam_iterations > 0 {
                weights.restart_average();
            }
            for it in 0..beam_iterations {
                rng.shuffle(&mut order);
                let (mut early, mut wrong) = (0usize, 0usize);
                for &si in &order {
                    let r = if max_violation {
                        beam_train_sentence_mv(&mut weights, &sentences[si], beam, nlabels, root, &mut f, extra)
                    } else {
                        beam_train_sentence(&mut weights, &sentences[si], beam, nlabels, root, &mut f, extra)
                    };
                    match r {
                        1 => early += 1,
                        2 => wrong += 1,
                        _ => {}
                    }
                }
                log(format!(
                    "  parser beam iteration {}: {} early updates, {} final updates, {} features",
                    it + 1,
                    early,
                    wrong,
                    weights.feature_count()
                ));
            }
        }
        Parser {
            labels: labels.to_vec(),
            root_label: root,
            weights: weights.average(None),
            beam: beam.max(1),
            extra,
        }
    }

    /// Parses a tagged sentence: returns (head, label id) per word, head 0 = root.
    pub fn parse(&self, words: &[u64], tags: &[usize]) -> Vec<(usize, usize)> {
        if self.beam > 1 {
            return self.parse_beam(words, tags, self.beam);
        }
        let nlabels = self.labels.len();
        let mut st = State::new(words, tags, self.extra);
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
        self.arcs(&st)
    }

    /// Beam search with width `k`.
    fn parse_beam(&self, words: &[u64], tags: &[usize], k: usize) -> Vec<(usize, usize)> {
        let nlabels = self.labels.len();
        let root = self.root_label;
        let init = State::new(words, tags, self.extra);
        let mut beam: Vec<State> = Vec::with_capacity(k);
        beam.push(init.clone());
        let mut next: Vec<State> = (0..k).map(|_| init.clone()).collect();
        let mut bscore: Vec<f32> = vec![0.0];
        let mut scores = vec![0f32; 1 + 2 * nlabels];
        let mut f = Vec::with_capacity(160);
        let mut top = Vec::with_capacity(2 * nlabels + 1);
        let mut cands: Vec<Cand> = Vec::new();
        let mut spare: Vec<State> = Vec::new();
        while !beam[0].terminal() {
            cands.clear();
            for (pi, st) in beam.iter().enumerate() {
                let sc = bscore[pi];
                if let Some(c) = st.forced(root) {
                    cands.push(Cand {
                        score: sc,
                        parent: pi,
                        class: c,
                        ok: false,
                    });
                    continue;
                }
                st.features(&mut f);
                self.weights.score(&f, &mut scores);
                top_valid(&scores, st, nlabels, root, k, &mut top);
                cands.extend(top.iter().map(|&(x, c)| Cand {
                    score: sc + x,
                    parent: pi,
                    class: c,
                    ok: false,
                }));
            }
            sort_cands(&mut cands);
            cands.truncate(k);
            next.truncate(0);
            for c in &cands {
                let mut st = spare.pop().unwrap_or_else(|| init.clone());
                st.clone_from(&beam[c.parent]);
                st.apply(c.class, nlabels);
                next.push(st);
            }
            spare.append(&mut beam);
            std::mem::swap(&mut beam, &mut next);
            bscore.clear();
            bscore.extend(cands.iter().map(|c| c.score));
        }
        self.arcs(&beam[0])
    }

    fn arcs(&self, st: &State) -> Vec<(usize, usize)> {
        let n = st.n;
        let nlabels = self.labels.len();
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
            beam: self.beam,
            extra: self.extra,
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
        // beam width, and bit 16 set when the extra feature templates are off
        w.var(self.beam as u64 | u64::from(!self.extra) << 16);
        self.weights.write(w);
    }

    /// Deserializes a parser.
    pub fn read(r: &mut Reader, with_beam: bool) -> Result<Parser, ModelError> {
        let labels = r.strs()?;
        let root_label = r.len()?;
        let (beam, extra) = if with_beam {
            let v = r.var()?;
            ((v & 0xffff).max(1) as usize, v >> 16 & 1 == 0)
        } else {
            (1, false)
        };
        if labels.is_empty() || 1 + 2 * labels.len() > 256 || root_label >= labels.len() {
            return Err(ModelError::Format(format!("bad label set ({} labels)", labels.len())));
        }
        Ok(Parser {
            labels,
            root_label,
            weights: Weights::read(r)?,
            beam,
            extra,
        })
    }
}

/// One beam-search training pass over a sentence with early update (returns 1 after an early
/// update, 2 after an update at the end, 0 when the best parse was oracle-optimal).
fn beam_train_sentence(
    weights: &mut TrainWeights,
    s: &ParseSentence,
    k: usize,
    nlabels: usize,
    root: usize,
    f: &mut Vec<u64>,
    extra: bool,
) -> u8 {
    let n = s.words.len();
    let nclasses = 1 + 2 * nlabels;
    let gh: Vec<usize> = s.heads.iter().map(|&h| if h == 0 { n } else { h - 1 }).collect();
    // items: state, score, oracle-consistent, history
    let mut beam: Vec<(State, f32, bool, Vec<u8>)> =
        vec![(State::new(&s.words, &s.tags, extra), 0.0, true, Vec::new())];
    let mut scores = vec![0f32; nclasses];
    let mut costs = vec![0u32; nclasses];
    let mut in_stack = vec![false; n + 1];
    let mut top = Vec::with_capacity(nclasses);
    let mut cands: Vec<Cand> = Vec::new();
    let mut best_ok: Option<Cand>;
    while !beam[0].0.terminal() {
        cands.clear();
        best_ok = None;
        for (pi, (st, sc, ok, _)) in beam.iter().enumerate() {
            let mut min = 0;
            if *ok {
                in_stack.iter_mut().for_each(|x| *x = false);
                for &x in &st.stack {
                    in_stack[x] = true;
                }
                oracle_costs(st, &gh, &s.labels, &in_stack, nlabels, root, &mut costs);
                min = *costs.iter().min().expect("classes");
            }
            if let Some(c) = st.forced(root) {
                let cand = Cand {
                    score: *sc,
                    parent: pi,
                    class: c,
                    ok: *ok && costs[c] == min,
                };
                if cand.ok && best_ok.is_none_or(|b| cand.score > b.score) {
                    best_ok = Some(cand);
                }
                cands.push(cand);
                continue;
            }
            st.features(f);
            weights.score(f, &mut scores);
            top_valid(&scores, st, nlabels, root, k, &mut top);
            cands.extend(top.iter().map(|&(x, c)| Cand {
                score: sc + x,
                parent: pi,
                class: c,
                ok: *ok && costs[c] == min,
            }));
            if *ok {
                // the best oracle-optimal move of this item, even when outside its top k
                let (sh, la, ra) = st.moves();
                let mut best: Option<usize> = None;
                for c in 0..nclasses {
                    let valid = if c == 0 {
                        sh
                    } else if c <= nlabels {
                        la
                    } else {
                        ra
                    };
                    if valid && costs[c] == min && best.is_none_or(|b| scores[c] > scores[b]) {
                        best = Some(c);
                    }
                }
                if let Some(c) = best {
                    let cand = Cand {
                        score: sc + scores[c],
                        parent: pi,
                        class: c,
                        ok: true,
                    };
                    if best_ok.is_none_or(|b| cand.score > b.score) {
                        best_ok = Some(cand);
                    }
                }
            }
        }
        weights.tick();
        sort_cands(&mut cands);
        cands.truncate(k);
        if !cands.iter().any(|c| c.ok) {
            // early update: the best oracle-optimal sequence fell off the beam
            let good = best_ok.expect("an oracle-optimal item was on the beam");
            let bad = cands[0];
            let mut gh_ = beam[good.parent].3.clone();
            gh_.push(good.class as u8);
            let mut bh = beam[bad.parent].3.clone();
            bh.push(bad.class as u8);
            let from = gh_.iter().zip(&bh).take_while(|(a, b)| a == b).count();
            replay_update(weights, s, &gh_, from, 1.0, nlabels, root, f, extra);
            replay_update(weights, s, &bh, from, -1.0, nlabels, root, f, extra);
            return 1;
        }
        beam = cands
            .iter()
            .map(|c| {
                let (st, _, _, h) = &beam[c.parent];
                let mut st = st.clone();
                st.apply(c.class, nlabels);
                let mut h = h.clone();
                h.push(c.class as u8);
                (st, c.score, c.ok, h)
            })
            .collect();
    }
    if beam[0].2 {
        return 0;
    }
    let good = beam.iter().find(|b| b.2).expect("an oracle-optimal item on the beam");
    let from = good.3.iter().zip(&beam[0].3).take_while(|(a, b)| a == b).count();
    let (gh_, bh) = (good.3.clone(), beam[0].3.clone());
    replay_update(weights, s, &gh_, from, 1.0, nlabels, root, f, extra);
    replay_update(weights, s, &bh, from, -1.0, nlabels, root, f, extra);
    2
}

/// One beam-search training pass over a sentence with a max-violation update (Huang et al.
/// 2012): the beam runs to the end; the gold sequence follows the best-scoring oracle-optimal
/// move; the update is at the step where the beam's best (wrong) item beats the gold prefix by
/// the most. Returns 1 when it updated.
fn beam_train_sentence_mv(
    weights: &mut TrainWeights,
    s: &ParseSentence,
    k: usize,
    nlabels: usize,
    root: usize,
    f: &mut Vec<u64>,
    extra: bool,
) -> u8 {
    let n = s.words.len();
    let nclasses = 1 + 2 * nlabels;
    let gh: Vec<usize> = s.heads.iter().map(|&h| if h == 0 { n } else { h - 1 }).collect();
    let mut beam: Vec<(State, f32, bool, Vec<u8>)> =
        vec![(State::new(&s.words, &s.tags, extra), 0.0, true, Vec::new())];
    let mut gold: (State, f32, Vec<u8>) = (State::new(&s.words, &s.tags, extra), 0.0, Vec::new());
    let mut scores = vec![0f32; nclasses];
    let mut costs = vec![0u32; nclasses];
    let mut in_stack = vec![false; n + 1];
    let mut top = Vec::with_capacity(nclasses);
    let mut cands: Vec<Cand> = Vec::new();
    let mut worst: Option<(f32, Vec<u8>, Vec<u8>)> = None;
    while !gold.0.terminal() {
        // extend the gold sequence
        {
            let st = &gold.0;
            in_stack.iter_mut().for_each(|x| *x = false);
            for &x in &st.stack {
                in_stack[x] = true;
            }
            oracle_costs(st, &gh, &s.labels, &in_stack, nlabels, root, &mut costs);
            let min = *costs.iter().min().expect("classes");
            let (c, add) = match st.forced(root) {
                Some(c) => (c, 0.0),
                None => {
                    st.features(f);
                    weights.score(f, &mut scores);
                    let mut best: Option<usize> = None;
                    for c in 0..nclasses {
                        if costs[c] == min && best.is_none_or(|b| scores[c] > scores[b]) {
                            best = Some(c);
                        }
                    }
                    let c = best.expect("a move");
                    (c, scores[c])
                }
            };
            gold.0.apply(c, nlabels);
            gold.1 += add;
            gold.2.push(c as u8);
        }
        cands.clear();
        for (pi, (st, sc, ok, _)) in beam.iter().enumerate() {
            let mut min = 0;
            if *ok {
                in_stack.iter_mut().for_each(|x| *x = false);
                for &x in &st.stack {
                    in_stack[x] = true;
                }
                oracle_costs(st, &gh, &s.labels, &in_stack, nlabels, root, &mut costs);
                min = *costs.iter().min().expect("classes");
            }
            if let Some(c) = st.forced(root) {
                cands.push(Cand {
                    score: *sc,
                    parent: pi,
                    class: c,
                    ok: *ok && costs[c] == min,
                });
                continue;
            }
            st.features(f);
            weights.score(f, &mut scores);
            top_valid(&scores, st, nlabels, root, k, &mut top);
            cands.extend(top.iter().map(|&(x, c)| Cand {
                score: sc + x,
                parent: pi,
                class: c,
                ok: *ok && costs[c] == min,
            }));
        }
        weights.tick();
        sort_cands(&mut cands);
        cands.truncate(k);
        let t = cands[0];
        if !t.ok {
            let v = t.score - gold.1;
            if v >= 0.0 && worst.as_ref().is_none_or(|w| v > w.0) {
                let mut bh = beam[t.parent].3.clone();
                bh.push(t.class as u8);
                worst = Some((v, gold.2.clone(), bh));
            }
        }
        beam = cands
            .iter()
            .map(|c| {
                let (st, _, _, h) = &beam[c.parent];
                let mut st = st.clone();
                st.apply(c.class, nlabels);
                let mut h = h.clone();
                h.push(c.class as u8);
                (st, c.score, c.ok, h)
            })
            .collect();
    }
    match worst {
        Some((_, gh_, bh)) => {
            let from = gh_.iter().zip(&bh).take_while(|(a, b)| a == b).count();
            replay_update(weights, s, &gh_, from, 1.0, nlabels, root, f, extra);
            replay_update(weights, s, &bh, from, -1.0, nlabels, root, f, extra);
            1
        }
        None => 0,
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
        let mut st = State::new(&words, &tags, false);
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

    /// Beam search of width 1 takes the same moves as the greedy parser; wider beams give trees.
    #[test]
    fn beam_of_one_is_greedy() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/en_ewt-perceptron.model");
        let m = crate::nlp::Model::from_bytes(&std::fs::read(path).unwrap()).unwrap();
        let crate::nlp::AnyParser::Perceptron(parser) = &m.parser else {
            panic!("models/en_ewt-perceptron.model has the perceptron parser");
        };
        let mut greedy = parser.clone();
        greedy.beam = 1;
        for s in [
            "Peskov denied that Moscow had sent a response .",
            "The minister , who spoke on Tuesday , said it would not happen again .",
            "Hello",
        ] {
            let words: Vec<&str> = s.split(' ').collect();
            let (tags, infos) = m.tagger.tag_ids(&words);
            let lower: Vec<u64> = infos.iter().map(|w| w.lower).collect();
            assert_eq!(greedy.parse(&lower, &tags), greedy.parse_beam(&lower, &tags, 1));
            let wide = greedy.parse_beam(&lower, &tags, 8);
            assert_eq!(wide.len(), words.len());
            assert_eq!(wide.iter().filter(|a| a.0 == 0).count(), 1);
        }
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
