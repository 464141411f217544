//! Greedy left-to-right averaged-perceptron tagger predicting joint (UPOS, XPOS) tags, with an
//! optional second pass that also sees the first pass's tags to the right.

use super::ModelError;
use super::util::{FNV_START, IdMap, Reader, Rng, TrainWeights, Weights, Writer, feat, fnv, fnv_step};
use std::collections::BTreeMap;

/// Value used for positions outside the sentence.
const PAD: u64 = 0x5151_5151_5151_5151;
/// Ambiguity class of words not in the lexicon.
const NO_AMB: u64 = 0x7777;

/// Per-word values the features are built from (computed once per sentence).
#[derive(Clone, Copy, Default)]
pub struct WordInfo {
    /// Hash of the lowercased form.
    pub lower: u64,
    form: u64,
    shape: u64,
    suf: [u64; 5],
    pre: [u64; 3],
    amb: u64,
    flags: u64,
    hyph: u64,
    /// Casing of the whole sentence (0 normal, 1 mostly capitalized words, 2 no capitals, 3 all caps).
    case: u64,
}

/// The tagger: joint tag set, ambiguity-class lexicon and weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagger {
    /// Joint tags, each `UPOS` and `XPOS`.
    pub tags: Vec<(String, String)>,
    amb: Vec<(u64, u64)>,
    amb_index: IdMap<u64>,
    fixed: Vec<(u64, u8)>,
    fixed_index: IdMap<u8>,
    weights: Weights,
    /// Second left-to-right pass that also sees the first pass's tags to the right.
    second: Option<Weights>,
}

/// FNV-1a hash of the word's shape (`X`/`x` for upper/lowercase letters, `d` for digits, other
/// ASCII kept, anything else `*`; runs cut at two), hashed as it is built to save an allocation.
fn shape(word: &str) -> u64 {
    let mut h = FNV_START;
    let mut last = 0u8;
    let mut run = 0;
    for c in word.chars() {
        let k = if c.is_uppercase() {
            b'X'
        } else if c.is_lowercase() {
            b'x'
        } else if c.is_numeric() {
            b'd'
        } else if c.is_ascii() {
            c as u8
        } else {
            b'*'
        };
        if k == last {
            run += 1;
            if run >= 2 {
                continue;
            }
        } else {
            run = 0;
        }
        last = k;
        h = fnv_step(h, k);
    }
    h
}

/// Computes the per-word values of a sentence.
pub fn word_infos(words: &[&str], amb: Option<&IdMap<u64>>) -> Vec<WordInfo> {
    let (mut alpha, mut cap, mut caps) = (0usize, 0usize, 0usize);
    for w in words {
        if w.chars().next().is_some_and(char::is_alphabetic) {
            alpha += 1;
            cap += usize::from(w.chars().next().is_some_and(char::is_uppercase));
            caps += usize::from(w.chars().all(|c| !c.is_lowercase()));
        }
    }
    let case = if alpha == 0 {
        0
    } else if caps == alpha && alpha > 1 {
        3
    } else if cap == 0 {
        2
    } else if cap * 2 > alpha && alpha > 2 {
        1
    } else {
        0
    };
    let infos: Vec<WordInfo> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            let n = lower.chars().count();
            let mut suf = [PAD; 5];
            for (s, (start, _)) in suf.iter_mut().zip(lower.char_indices().rev()) {
                *s = fnv(&lower.as_bytes()[start..]);
            }
            let mut pre = [PAD; 3];
            let ends = lower.char_indices().skip(1).map(|c| c.0).chain([lower.len()]);
            for (p, end) in pre.iter_mut().zip(ends) {
                *p = fnv(&lower.as_bytes()[..end]);
            }
            let lh = fnv(lower.as_bytes());
            let upper0 = w.chars().next().is_some_and(char::is_uppercase);
            let flags = u64::from(i == 0)
                | u64::from(upper0) << 1
                | u64::from(w.chars().any(|c| c.is_ascii_digit())) << 2
                | u64::from(w.contains('-')) << 3
                | u64::from(w.chars().all(|c| !c.is_lowercase()) && w.chars().any(char::is_uppercase)) << 4
                | ((n.min(6)) as u64) << 5;
            WordInfo {
                lower: lh,
                form: fnv(w.as_bytes()),
                shape: shape(w),
                suf,
                pre,
                amb: amb.and_then(|m| m.get(&lh).copied()).unwrap_or(NO_AMB),
                flags,
                hyph: lower.rsplit_once('-').map_or(PAD, |(_, last)| fnv(last.as_bytes())),
                case,
            }
        })
        .collect();
    infos
}

const OUT: WordInfo = WordInfo {
    lower: PAD,
    form: PAD,
    shape: PAD,
    suf: [PAD; 5],
    pre: [PAD; 3],
    amb: PAD,
    flags: PAD,
    hyph: PAD,
    case: PAD,
};

const EXTRA: bool = true;
const EXTRA2: bool = false;
const CASE: bool = true;

/// Fills `f` with the features of word `i`, given the two previous tags (+1, 0 = none).
fn features(ws: &[WordInfo], i: usize, p1: u64, p2: u64, f: &mut Vec<u64>) {
    f.clear();
    let at = |d: isize| -> &WordInfo {
        let j = i as isize + d;
        if j < 0 || j as usize >= ws.len() {
            &OUT
        } else {
            &ws[j as usize]
        }
    };
    let (w, wm1, wm2, wp1, wp2) = (&ws[i], at(-1), at(-2), at(1), at(2));
    f.push(feat(0, 0, 0, 0));
    f.push(feat(1, w.lower, 0, 0));
    f.push(feat(2, w.form, 0, 0));
    for k in 0..5 {
        f.push(feat(3 + k as u32, w.suf[k], 0, 0));
    }
    for k in 0..3 {
        f.push(feat(8 + k as u32, w.pre[k], 0, 0));
    }
    f.push(feat(11, w.shape, 0, 0));
    f.push(feat(12, wm1.lower, 0, 0));
    f.push(feat(13, wp1.lower, 0, 0));
    f.push(feat(14, wm2.lower, 0, 0));
    f.push(feat(15, wp2.lower, 0, 0));
    f.push(feat(16, wm1.suf[2], 0, 0));
    f.push(feat(17, wp1.suf[2], 0, 0));
    f.push(feat(18, wm1.shape, 0, 0));
    f.push(feat(19, wp1.shape, 0, 0));
    f.push(feat(20, p1, 0, 0));
    f.push(feat(21, p1, p2, 0));
    f.push(feat(22, p1, w.lower, 0));
    f.push(feat(23, w.lower, wp1.lower, 0));
    f.push(feat(24, wm1.lower, w.lower, 0));
    f.push(feat(25, w.amb, 0, 0));
    f.push(feat(26, wp1.amb, 0, 0));
    f.push(feat(27, wp2.amb, 0, 0));
    f.push(feat(28, p1, wp1.amb, 0));
    f.push(feat(29, w.amb, wp1.amb, 0));
    f.push(feat(30, w.flags, 0, 0));
    f.push(feat(31, p2, 0, 0));
    f.push(feat(32, p1, w.suf[2], 0));
    f.push(feat(33, w.amb, w.lower, wp1.amb));
    f.push(feat(34, p1, w.amb, 0));
    f.push(feat(35, wp1.suf[1], 0, 0));
    f.push(feat(36, w.flags, w.suf[2], 0));
    f.push(feat(37, wp1.lower, wp2.lower, 0));
    f.push(feat(38, wm1.suf[1], w.lower, 0));
    f.push(feat(39, wp1.lower, w.suf[2], 0));
    if EXTRA {
        f.push(feat(40, w.hyph, 0, 0));
        f.push(feat(41, wm1.lower, wp1.lower, 0));
        f.push(feat(42, p1, wp1.lower, 0));
        f.push(feat(43, w.shape, w.pre[0], wp1.shape));
        f.push(feat(44, p1, p2, w.suf[1]));
        f.push(feat(45, wm1.amb, w.amb, 0));
    }
    if CASE {
        let up = |x: &WordInfo| if x.flags == PAD { 2 } else { x.flags >> 1 & 1 };
        f.push(feat(70, w.case, w.flags, 0));
        f.push(feat(71, w.case, w.lower, 0));
        f.push(feat(72, w.case, up(wm1), up(wp1)));
        f.push(feat(73, up(wm1), w.flags, up(wp1)));
        f.push(feat(74, w.case, w.flags, wp1.amb));
    }
    if EXTRA2 {
        f.push(feat(46, wm2.suf[2], 0, 0));
        f.push(feat(47, wp2.suf[2], 0, 0));
        f.push(feat(48, p2, w.lower, 0));
        f.push(feat(49, wp1.amb, wp2.amb, 0));
        f.push(feat(50, w.lower, wp2.lower, 0));
        f.push(feat(51, p1, wp1.suf[2], 0));
        f.push(feat(52, w.suf[3], wp1.amb, 0));
        f.push(feat(53, wm1.lower, w.suf[2], 0));
    }
}

/// Adds the second-pass features of word `i`: the first pass's tags around it.
fn features2(ws: &[WordInfo], first: &[usize], i: usize, p1: u64, f: &mut Vec<u64>) {
    let t = |d: isize| -> u64 {
        let j = i as isize + d;
        if j < 0 || j as usize >= first.len() {
            0
        } else {
            first[j as usize] as u64 + 1
        }
    };
    let (t0, n1, n2) = (t(0), t(1), t(2));
    f.push(feat(60, t0, 0, 0));
    f.push(feat(61, n1, 0, 0));
    f.push(feat(62, n2, 0, 0));
    f.push(feat(63, n1, n2, 0));
    f.push(feat(64, p1, n1, 0));
    f.push(feat(65, n1, ws[i].lower, 0));
    f.push(feat(66, t0, ws[i].amb, 0));
    f.push(feat(67, p1, t0, n1));
    f.push(feat(68, n1, ws[i].suf[2], 0));
}

/// First-pass margin (best minus second-best score) from which the second pass keeps the first
/// pass's tag instead of re-scoring the word (dev: same accuracy, tagging 1.7 times as fast).
const SECOND_MARGIN: f32 = 20.0;

/// A training sentence: forms and gold tag ids.
pub struct TagSentence<'a> {
    /// Word forms.
    pub words: Vec<&'a str>,
    /// Gold joint tag ids.
    pub tags: Vec<usize>,
}

fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best
}

impl Tagger {
    /// Trains a tagger on `sentences` (tag ids index `tags`).
    pub fn train(
        tags: &[(String, String)],
        sentences: &[TagSentence],
        iterations: usize,
        seed: u64,
        log: &mut dyn FnMut(String),
    ) -> Tagger {
        let (amb, fixed) = build_amb(sentences);
        let amb_index: IdMap<u64> = amb.iter().copied().collect();
        let fixed_index: IdMap<u8> = fixed.iter().copied().collect();
        let infos: Vec<Vec<WordInfo>> = sentences
            .iter()
            .map(|s| word_infos(&s.words, Some(&amb_index)))
            .collect();
        let mut weights = TrainWeights::new(tags.len());
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        let mut rng = Rng::new(seed);
        let mut scores = vec![0f32; tags.len()];
        let mut f = Vec::with_capacity(64);
        for it in 0..iterations {
            rng.shuffle(&mut order);
            let (mut correct, mut total) = (0usize, 0usize);
            for &si in &order {
                let s = &sentences[si];
                let ws = &infos[si];
                let (mut p1, mut p2) = (0u64, 0u64);
                for i in 0..ws.len() {
                    let gold = s.tags[i];
                    if let Some(&t) = fixed_index.get(&ws[i].lower) {
                        correct += usize::from(t as usize == gold);
                        total += 1;
                        p2 = p1;
                        p1 = t as u64 + 1;
                        continue;
                    }
                    features(ws, i, p1, p2, &mut f);
                    weights.score(&f, &mut scores);
                    let guess = argmax(&scores);
                    weights.tick();
                    if guess != gold {
                        weights.update(&f, gold, 1.0);
                        weights.update(&f, guess, -1.0);
                    } else {
                        correct += 1;
                    }
                    total += 1;
                    p2 = p1;
                    p1 = guess as u64 + 1;
                }
            }
            log(format!(
                "  tagger iteration {}: train accuracy {:.2}%",
                it + 1,
                100.0 * correct as f64 / total as f64
            ));
        }
        let weights = weights.average(None);
        Tagger {
            tags: tags.to_vec(),
            amb,
            amb_index,
            fixed,
            fixed_index,
            weights,
            second: None,
        }
    }

    /// Trains the second pass on `sentences` with first-pass tags `first` (jackknifed, so that
    /// they are as wrong as they will be on new text).
    pub fn train_second(&mut self, sentences: &[TagSentence], first: &[Vec<usize>], iterations: usize, seed: u64) {
        let infos: Vec<Vec<WordInfo>> = sentences
            .iter()
            .map(|s| word_infos(&s.words, Some(&self.amb_index)))
            .collect();
        let mut weights = TrainWeights::new(self.tags.len());
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        let mut rng = Rng::new(seed ^ 0x005e_c04d);
        let mut scores = vec![0f32; self.tags.len()];
        let mut f = Vec::with_capacity(80);
        for _ in 0..iterations {
            rng.shuffle(&mut order);
            for &si in &order {
                let s = &sentences[si];
                let ws = &infos[si];
                let (mut p1, mut p2) = (0u64, 0u64);
                for i in 0..ws.len() {
                    let gold = s.tags[i];
                    if let Some(&t) = self.fixed_index.get(&ws[i].lower) {
                        p2 = p1;
                        p1 = t as u64 + 1;
                        continue;
                    }
                    features(ws, i, p1, p2, &mut f);
                    features2(ws, &first[si], i, p1, &mut f);
                    weights.score(&f, &mut scores);
                    let guess = argmax(&scores);
                    weights.tick();
                    if guess != gold {
                        weights.update(&f, gold, 1.0);
                        weights.update(&f, guess, -1.0);
                    }
                    p2 = p1;
                    p1 = guess as u64 + 1;
                }
            }
        }
        self.second = Some(weights.average(None));
    }

    /// Tags a sentence, returning joint tag ids and the per-word values (reused by the parser).
    pub fn tag_ids(&self, words: &[&str]) -> (Vec<usize>, Vec<WordInfo>) {
        let ws = word_infos(words, Some(&self.amb_index));
        let mut scores = vec![0f32; self.tags.len()];
        let mut f = Vec::with_capacity(64);
        let mut out = Vec::with_capacity(words.len());
        // first-pass margins (best minus second best score): the second pass re-tags only words
        // whose margin is below SECOND_MARGIN
        let mut sure = Vec::with_capacity(if self.second.is_some() { words.len() } else { 0 });
        let (mut p1, mut p2) = (0u64, 0u64);
        for i in 0..ws.len() {
            let (t, m) = match self.fixed_index.get(&ws[i].lower) {
                Some(&t) => (t as usize, true),
                None => {
                    features(&ws, i, p1, p2, &mut f);
                    self.weights.score(&f, &mut scores);
                    let t = argmax(&scores);
                    let m = self.second.is_some() && {
                        let best = scores[t];
                        let second = scores
                            .iter()
                            .enumerate()
                            .filter(|&(c, _)| c != t)
                            .fold(f32::NEG_INFINITY, |a, (_, &x)| a.max(x));
                        best - second >= SECOND_MARGIN
                    };
                    (t, m)
                }
            };
            out.push(t);
            if self.second.is_some() {
                sure.push(m);
            }
            p2 = p1;
            p1 = t as u64 + 1;
        }
        if let Some(second) = &self.second {
            let first = std::mem::take(&mut out);
            let (mut p1, mut p2) = (0u64, 0u64);
            for i in 0..ws.len() {
                let t = if sure[i] {
                    first[i]
                } else {
                    features(&ws, i, p1, p2, &mut f);
                    features2(&ws, &first, i, p1, &mut f);
                    second.score(&f, &mut scores);
                    argmax(&scores)
                };
                out.push(t);
                p2 = p1;
                p1 = t as u64 + 1;
            }
        }
        (out, ws)
    }

    /// A copy without weights smaller than `min_abs`.
    pub fn pruned(&self, min_abs: f32) -> Tagger {
        Tagger {
            weights: self.weights.pruned(min_abs),
            second: self.second.as_ref().map(|w| w.pruned(min_abs)),
            ..self.clone()
        }
    }

    /// Number of features and weights.
    pub fn size(&self) -> (usize, usize) {
        self.weights.size()
    }

    /// Serializes the tagger.
    pub fn write(&self, w: &mut Writer) {
        w.var(self.tags.len() as u64);
        for (u, x) in &self.tags {
            w.str(u);
            w.str(x);
        }
        w.var(self.amb.len() as u64);
        let mut prev = 0;
        for &(k, v) in &self.amb {
            w.var(k - prev);
            prev = k;
            w.u64(v);
        }
        w.var(self.fixed.len() as u64);
        let mut prev = 0;
        for &(k, t) in &self.fixed {
            w.var(k - prev);
            prev = k;
            w.u8(t);
        }
        self.weights.write(w);
        match &self.second {
            Some(s) => {
                w.u8(1);
                s.write(w);
            }
            None => w.u8(0),
        }
    }

    /// Deserializes a tagger.
    pub fn read(r: &mut Reader, v2: bool) -> Result<Tagger, ModelError> {
        let n = r.len()?;
        let mut tags = Vec::with_capacity(n);
        for _ in 0..n {
            tags.push((r.str()?, r.str()?));
        }
        if tags.is_empty() || tags.len() > 255 {
            return Err(ModelError::Format(format!("bad tag set size {}", tags.len())));
        }
        let n = r.len()?;
        let mut amb = Vec::with_capacity(n);
        let mut prev = 0u64;
        for _ in 0..n {
            prev = prev.wrapping_add(r.var()?);
            amb.push((prev, r.u64()?));
        }
        let amb_index = amb.iter().copied().collect();
        let n = r.len()?;
        let mut fixed = Vec::with_capacity(n);
        let mut prev = 0u64;
        for _ in 0..n {
            prev = prev.wrapping_add(r.var()?);
            let t = r.u8()?;
            if t as usize >= tags.len() {
                return Err(ModelError::Format("tag id out of range".into()));
            }
            fixed.push((prev, t));
        }
        let fixed_index = fixed.iter().copied().collect();
        let weights = Weights::read(r)?;
        let second = if v2 && r.u8()? == 1 {
            Some(Weights::read(r)?)
        } else {
            None
        };
        Ok(Tagger {
            tags,
            amb,
            amb_index,
            fixed,
            fixed_index,
            weights,
            second,
        })
    }
}

/// Ambiguity classes: for words seen at least 3 times, a hash of the tags covering ≥ 5% of uses;
/// and the fixed tags of frequent words (≥ 20 uses) that are practically unambiguous (≥ 99.5%).
type Lexicon = (Vec<(u64, u64)>, Vec<(u64, u8)>);

fn build_amb(sentences: &[TagSentence]) -> Lexicon {
    let mut counts: BTreeMap<u64, BTreeMap<usize, usize>> = BTreeMap::new();
    for s in sentences {
        for (w, &t) in s.words.iter().zip(&s.tags) {
            *counts
                .entry(fnv(w.to_lowercase().as_bytes()))
                .or_default()
                .entry(t)
                .or_default() += 1;
        }
    }
    let mut amb = Vec::new();
    let mut fixed = Vec::new();
    for (w, tags) in counts {
        let total: usize = tags.values().sum();
        if total < 3 {
            continue;
        }
        let mut h = 0xa0a0u64;
        for (&t, &c) in &tags {
            if c * 20 >= total {
                h = super::util::mix(h ^ (t as u64 + 1));
            }
            if total >= 20 && c * 1000 >= total * 995 {
                fixed.push((w, t as u8));
            }
        }
        amb.push((w, h));
    }
    (amb, fixed)
}
