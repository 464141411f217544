//! Shared pieces: stable hashing, a deterministic RNG, binary (de)serialization helpers and the
//! sparse averaged-perceptron weight tables used by both the tagger and the parser.

use super::ModelError;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a 64-bit hash of a byte string (stable across runs and platforms).
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_START, |h, &b| fnv_step(h, b))
}

/// FNV-1a offset basis: the hash of the empty string.
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// Adds one byte to an FNV-1a hash.
#[inline]
pub fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// Mixes a 64-bit value (the splitmix64 finalizer).
#[inline]
pub fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Feature keys are 40-bit (compact delta coding in the model file; with about two million
/// features, a query hits a wrong feature with probability ~2e-6).
const KEY_MASK: u64 = (1 << 40) - 1;

/// Feature key for template `t` over up to three values; never 0 (0 marks empty slots).
#[inline]
pub fn feat(t: u32, a: u64, b: u64, c: u64) -> u64 {
    let mut h = mix(u64::from(t).wrapping_add(0x9e37_79b9_7f4a_7c15) ^ a);
    h = mix(h ^ b.rotate_left(17));
    h = mix(h ^ c.rotate_left(41)) & KEY_MASK;
    if h == 0 { 1 } else { h }
}

/// Hasher for keys that are already well-mixed 64-bit hashes (deterministic, no random state).
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A HashMap keyed by pre-hashed u64 keys.
pub type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// Small deterministic RNG (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(mix(seed) | 1)
    }
    /// Next raw value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Little-endian binary writer.
#[derive(Default)]
pub struct Writer {
    /// The bytes written so far.
    pub buf: Vec<u8>,
}

impl Writer {
    /// Writes a u8.
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    /// Writes a u16.
    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    /// Writes a u64.
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    /// Writes an unsigned LEB128 varint.
    pub fn var(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(b);
                return;
            }
            self.buf.push(b | 0x80);
        }
    }
    /// Writes a length-prefixed string.
    pub fn str(&mut self, s: &str) {
        self.var(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }
    /// Writes a list of strings.
    pub fn strs(&mut self, v: &[String]) {
        self.var(v.len() as u64);
        for s in v {
            self.str(s);
        }
    }
}

/// Little-endian binary reader over a byte slice.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

fn truncated() -> ModelError {
    ModelError::Format("model file is truncated".into())
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }
    /// Takes `n` raw bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(truncated)?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    /// Reads a u8.
    pub fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }
    /// Reads a u64.
    pub fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().map_err(|_| truncated())?))
    }
    /// Reads a varint.
    pub fn var(&mut self) -> Result<u64, ModelError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ModelError::Format("bad varint in model file".into()))
    }
    /// Reads a length (a varint bounded by the remaining bytes, to reject corrupt files early).
    pub fn len(&mut self) -> Result<usize, ModelError> {
        let n = self.var()?;
        if n > self.bytes.len() as u64 {
            return Err(ModelError::Format(format!("implausible length {n} in model file")));
        }
        Ok(n as usize)
    }
    /// Reads a string.
    pub fn str(&mut self) -> Result<String, ModelError> {
        let n = self.len()?;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| ModelError::Format("invalid UTF-8 in model file".into()))
    }
    /// Reads a list of strings.
    pub fn strs(&mut self) -> Result<Vec<String>, ModelError> {
        let n = self.len()?;
        (0..n).map(|_| self.str()).collect()
    }
    /// True when everything was consumed.
    pub fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

/// Dense averaged-perceptron weights during training: feature → row of `nclasses` weights, with
/// the averaging trick (keep `u = Σ clock·Δ`, average = w − u / clock).
pub struct TrainWeights {
    nclasses: usize,
    index: IdMap<u32>,
    keys: Vec<u64>,
    w: Vec<f32>,
    u: Vec<f32>,
    allowed: Option<IdMap<u32>>,
    /// Number of instances seen so far (the averaging clock).
    pub clock: u32,
}

impl TrainWeights {
    /// Empty weights for `nclasses` classes.
    pub fn new(nclasses: usize) -> TrainWeights {
        TrainWeights {
            nclasses,
            index: IdMap::default(),
            keys: Vec::new(),
            w: Vec::new(),
            u: Vec::new(),
            allowed: None,
            clock: 0,
        }
    }

    /// Restricts updates to the features in `allowed`.
    pub fn restrict(&mut self, allowed: IdMap<u32>) {
        self.allowed = Some(allowed);
    }

    /// Sets `scores` to the sum of the current weights of `feats`.
    pub fn score(&self, feats: &[u64], scores: &mut [f32]) {
        let nc = self.nclasses;
        let scores = &mut scores[..nc];
        scores.iter_mut().for_each(|s| *s = 0.0);
        for f in feats {
            if let Some(&r) = self.index.get(f) {
                let row = &self.w[r as usize * nc..(r as usize + 1) * nc];
                scores.iter_mut().zip(row).for_each(|(s, w)| *s += w);
            }
        }
    }

    /// Number of features seen so far.
    pub fn feature_count(&self) -> usize {
        self.keys.len()
    }

    /// Restarts the averaging from the current weights (the average then covers later updates only).
    pub fn restart_average(&mut self) {
        self.clock = 0;
        self.u.iter_mut().for_each(|u| *u = 0.0);
    }

    /// Advances the averaging clock by one instance.
    pub fn tick(&mut self) {
        self.clock += 1;
    }

    /// Adds `delta` to class `class` of every feature in `feats`.
    pub fn update(&mut self, feats: &[u64], class: usize, delta: f32) {
        let nc = self.nclasses;
        let cd = self.clock as f32 * delta;
        for &f in feats {
            let r = match self.index.get(&f) {
                Some(&r) => r as usize,
                None => {
                    if self.allowed.as_ref().is_some_and(|a| !a.contains_key(&f)) {
                        continue;
                    }
                    let r = self.keys.len();
                    self.index.insert(f, r as u32);
                    self.keys.push(f);
                    self.w.resize((r + 1) * nc, 0.0);
                    self.u.resize((r + 1) * nc, 0.0);
                    r
                }
            };
            self.w[r * nc + class] += delta;
            self.u[r * nc + class] += cd;
        }
    }

    /// The averaged weights of features allowed by `keep` (all when `None`), as a runtime table.
    pub fn average(&self, keep: Option<&IdMap<u32>>) -> Weights {
        let nc = self.nclasses;
        let clock = f64::from(self.clock.max(1));
        let mut order: Vec<usize> = (0..self.keys.len()).collect();
        order.sort_unstable_by_key(|&i| self.keys[i]);
        let mut rows = Rows::default();
        for i in order {
            if keep.is_some_and(|k| !k.contains_key(&self.keys[i])) {
                continue;
            }
            let before = rows.entries.len();
            for c in 0..nc {
                let (w, u) = (f64::from(self.w[i * nc + c]), f64::from(self.u[i * nc + c]));
                let w = bf16_round((w - u / clock) as f32);
                if w != 0.0 {
                    rows.entries.push((c as u8, w));
                }
            }
            if rows.entries.len() > before {
                rows.keys.push(self.keys[i]);
                rows.starts.push(rows.entries.len() as u32);
            }
        }
        Weights::build(nc, &rows)
    }
}

/// Rows in flat form, sorted by key: row `i` is `entries[starts[i]..starts[i + 1]]`.
struct Rows {
    keys: Vec<u64>,
    starts: Vec<u32>,
    entries: Vec<(u8, f32)>,
}

impl Default for Rows {
    fn default() -> Rows {
        Rows {
            keys: Vec::new(),
            starts: vec![0],
            entries: Vec::new(),
        }
    }
}

impl Rows {
    fn row(&self, i: usize) -> &[(u8, f32)] {
        &self.entries[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

/// Rounds an f32 to the nearest bfloat16 value (kept as f32).
pub fn bf16_round(w: f32) -> f32 {
    f32::from_bits(u32::from(bf16_bits(w)) << 16)
}

fn bf16_bits(w: f32) -> u16 {
    let b = w.to_bits();
    let rounded = b.wrapping_add(0x7fff + ((b >> 16) & 1));
    (rounded >> 16) as u16
}

// Slot kinds, in the top two bits of `Slot::row`; the other 30 bits say where the row is.
/// No feature.
const EMPTY: u32 = 0;
/// One (class, weight) entry inline: class in bits 16..24, bfloat16 weight in bits 0..16.
const INLINE: u32 = 1;
/// Entries `sparse[a..a + len]` with `a` in bits 0..25 and `len` in bits 25..30.
const SPARSE: u32 = 2;
/// Row `a` (bits 0..30) of the dense array.
const DENSE: u32 = 3;
const PAYLOAD: u32 = (1 << 30) - 1;
const SPARSE_OFFSET: usize = (1 << 25) - 1;
const SPARSE_MAX: usize = 31;

/// One 8-byte slot of the open-addressing table: bits 8..40 of the feature key and where its row
/// is. Small slots keep more of the table in cache; the low key bits live in a cold array, so a
/// lookup compares 32 bits only (a wrong match needs a 32-bit collision within a probe run).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Slot {
    fp: u32,
    row: u32,
}

impl Slot {
    #[inline]
    fn kind(self) -> u32 {
        self.row >> 30
    }
}

/// Runtime weights: an open-addressing table from feature key to a row of class weights, dense
/// (`nclasses` bfloat16s, packed in pairs) for features with more than a few classes, packed (class, bfloat16)
/// lists otherwise. Rows are laid out by decreasing length, so that the busiest features (which
/// have the longest rows) share cache lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    nclasses: usize,
    nfeatures: usize,
    slots: Vec<Slot>,
    /// Low 8 key bits of each slot (only needed to recover the exact keys).
    lo: Vec<u8>,
    mask: usize,
    sparse: Vec<u32>,
    /// Dense rows of `half` words: word `i` holds the bfloat16 weights of class `i` (low half)
    /// and of class `half + i` (high half), so that a shift and a mask of four words give eight
    /// f32 weights (cheaper than unpacking 16-bit lanes).
    dense: Vec<u32>,
    /// Words per dense row: half the classes, rounded up to a multiple of 4 (whole SIMD lanes).
    half: usize,
    nweights: usize,
}

/// Where class `c` of a dense row lives: (word, shift of its half).
#[inline]
fn dense_pos(c: usize, half: usize) -> (usize, u32) {
    if c < half { (c, 0) } else { (c - half, 16) }
}

/// Expands a bfloat16 to f32.
#[inline]
fn bf16(x: u16) -> f32 {
    f32::from_bits(u32::from(x) << 16)
}

/// Features looked up per batch in [`Weights::score`].
const BATCH: usize = 128;

impl Weights {
    fn build(nclasses: usize, rows: &Rows) -> Weights {
        let row = |i: usize| rows.row(i).iter().map(|&(c, w)| (c, bf16_bits(w)));
        Weights::build_with(nclasses, &rows.keys, row, rows.entries.len())
    }

    /// Builds the table from rows given as (class, bfloat16 bits) entries: row `i` of key
    /// `keys[i]` is `row(i)`, and `nweights` counts the entries of all rows.
    fn build_with<I>(nclasses: usize, keys: &[u64], row: impl Fn(usize) -> I, nweights: usize) -> Weights
    where
        I: ExactSizeIterator<Item = (u8, u16)>,
    {
        let cap = (keys.len() * 2).next_power_of_two().max(16);
        let mask = cap - 1;
        let mut slots = vec![Slot::default(); cap];
        let mut lo = vec![0u8; cap];
        let half = nclasses.div_ceil(8) * 4;
        let (mut sparse, mut dense) = (Vec::new(), Vec::new());
        // Rows by decreasing length, ties in key order (a stable counting sort by length: the
        // model has hundreds of thousands of rows but only a few hundred lengths). Rows without
        // weights (only a hand-made file has them) are left out: they add nothing.
        let lens: Vec<usize> = (0..keys.len()).map(|i| row(i).len()).collect();
        let max = lens.iter().copied().max().unwrap_or(0);
        let mut next = vec![0usize; max + 1];
        for &l in &lens {
            next[l] += 1;
        }
        let mut nfeatures = 0;
        for l in (1..=max).rev() {
            (next[l], nfeatures) = (nfeatures, nfeatures + next[l]);
        }
        let mut order = vec![0usize; nfeatures];
        for (i, &l) in lens.iter().enumerate().filter(|e| *e.1 > 0) {
            order[next[l]] = i;
            next[l] += 1;
        }
        // Dense rows are summed with SIMD and cost no scattered adds, which pays off (measured)
        // from about a twelfth of the classes on.
        let is_dense =
            |len: usize, sparse_len: usize| len * 12 > nclasses || len > SPARSE_MAX || sparse_len + len > SPARSE_OFFSET;
        dense.reserve(lens.iter().filter(|&&l| l > 0 && is_dense(l, 0)).count() * half);
        for i in order {
            let (k, len) = (keys[i], lens[i]);
            let payload = if is_dense(len, sparse.len()) {
                let start = dense.len();
                dense.resize(start + half, 0);
                for (c, w) in row(i) {
                    let (i, shift) = dense_pos(c as usize, half);
                    let word = &mut dense[start + i];
                    *word = *word & !(0xffff << shift) | u32::from(w) << shift;
                }
                DENSE << 30 | (start / half) as u32
            } else if len == 1 {
                let (c, w) = row(i).next().expect("one entry");
                INLINE << 30 | u32::from(c) << 16 | u32::from(w)
            } else {
                let a = sparse.len() as u32;
                sparse.extend(row(i).map(|(c, w)| u32::from(w) << 16 | u32::from(c)));
                SPARSE << 30 | (len as u32) << 25 | a
            };
            let mut p = (k as usize) & mask;
            while slots[p].kind() != EMPTY {
                p = (p + 1) & mask;
            }
            slots[p] = Slot {
                fp: (k >> 8) as u32,
                row: payload,
            };
            lo[p] = k as u8;
        }
        Weights {
            nclasses,
            nfeatures,
            slots,
            lo,
            mask,
            nweights,
            sparse,
            dense,
            half,
        }
    }

    /// Number of features and of (feature, class) weights.
    pub fn size(&self) -> (usize, usize) {
        (self.nfeatures, self.nweights)
    }

    /// Sets `scores` (at least `nclasses` long) to the sum of the rows of `feats`.
    ///
    /// Every class gets its weights added in the order of `feats`, as a plain loop would (so the
    /// sums are the same to the last bit); only the grouping of the work differs.
    #[inline]
    pub fn score(&self, feats: &[u64], scores: &mut [f32]) {
        let nc = self.nclasses;
        // per-class sums, in the order of the dense rows' halves (which is class order)
        let mut acc = [0f32; 256];
        let acc = &mut acc[..2 * self.half];
        let mut found = [Slot::default(); BATCH];
        // first word of each dense row met since the last sparse row
        let mut run = [0usize; BATCH];
        for feats in feats.chunks(BATCH) {
            let found = &mut found[..feats.len()];
            // independent loads of the home slots first, so that their cache misses overlap
            for (slot, &f) in found.iter_mut().zip(feats) {
                *slot = self.slots[(f as usize) & self.mask];
            }
            for (slot, &f) in found.iter_mut().zip(feats) {
                let fp = (f >> 8) as u32;
                let mut p = (f as usize) & self.mask;
                while slot.kind() != EMPTY && slot.fp != fp {
                    p = (p + 1) & self.mask;
                    *slot = self.slots[p];
                }
            }
            // Touch every cache line of the dense rows before summing them, so that these misses
            // overlap too (summing takes too many instructions for the CPU to run far ahead).
            let mut touch = 0u32;
            for slot in found.iter() {
                let a = (slot.row & PAYLOAD) as usize;
                match slot.kind() {
                    DENSE => {
                        let row = &self.dense[a * self.half..(a + 1) * self.half];
                        // a word per 64 bytes (rows of up to 64 words: 128 classes), and the last one
                        let last = row.len() - 1;
                        touch ^= row[0] ^ row[last.min(16)] ^ row[last.min(32)] ^ row[last.min(48)] ^ row[last];
                    }
                    SPARSE => touch ^= self.sparse[a & SPARSE_OFFSET],
                    _ => {}
                }
            }
            std::hint::black_box(touch);
            // Consecutive dense rows are summed together (see `add_rows`); a sparse row adds to
            // single classes, so the dense rows before it are added first.
            let mut nrun = 0;
            for slot in found.iter() {
                let a = (slot.row & PAYLOAD) as usize;
                match slot.kind() {
                    DENSE => {
                        run[nrun] = a * self.half;
                        nrun += 1;
                    }
                    SPARSE => {
                        self.add_rows(acc, &run[..nrun]);
                        nrun = 0;
                        let (len, a) = (a >> 25, a & SPARSE_OFFSET);
                        for &e in &self.sparse[a..a + len] {
                            acc[(e & 0xff) as usize] += f32::from_bits(e & 0xffff_0000);
                        }
                    }
                    INLINE => {
                        self.add_rows(acc, &run[..nrun]);
                        nrun = 0;
                        acc[(a >> 16) & 0xff] += bf16(a as u16);
                    }
                    _ => {}
                }
            }
            self.add_rows(acc, &run[..nrun]);
        }
        scores[..nc].iter_mut().zip(acc.iter()).for_each(|(s, &a)| *s = a);
    }

    /// Adds the dense rows starting at words `starts` to `acc`, in order, four rows at a time:
    /// the sums are loaded and stored once per four rows, and the rows' cache misses overlap.
    #[inline(always)]
    fn add_rows(&self, acc: &mut [f32], starts: &[usize]) {
        let half = self.half;
        let (lo, hi) = acc.split_at_mut(half);
        let row = |a: usize| &self.dense[a..a + half];
        let low = |w: u32| f32::from_bits(w << 16);
        let high = |w: u32| f32::from_bits(w & 0xffff_0000);
        let mut quads = starts.chunks_exact(4);
        for q in &mut quads {
            let (r0, r1, r2, r3) = (row(q[0]), row(q[1]), row(q[2]), row(q[3]));
            let words = r0.iter().zip(r1).zip(r2).zip(r3);
            for ((l, h), (((&w0, &w1), &w2), &w3)) in lo.iter_mut().zip(hi.iter_mut()).zip(words) {
                *l = *l + low(w0) + low(w1) + low(w2) + low(w3);
                *h = *h + high(w0) + high(w1) + high(w2) + high(w3);
            }
        }
        let mut rest = quads.remainder();
        if let [a0, a1, more @ ..] = rest {
            let words = row(*a0).iter().zip(row(*a1));
            for ((l, h), (&w0, &w1)) in lo.iter_mut().zip(hi.iter_mut()).zip(words) {
                *l = *l + low(w0) + low(w1);
                *h = *h + high(w0) + high(w1);
            }
            rest = more;
        }
        for &a in rest {
            for ((l, h), &w) in lo.iter_mut().zip(hi.iter_mut()).zip(row(a)) {
                *l += low(w);
                *h += high(w);
            }
        }
    }

    /// The rows sorted by key.
    fn rows(&self) -> Rows {
        let nc = self.nclasses;
        let mut slots: Vec<(u64, Slot)> = (0..self.slots.len())
            .filter(|&p| self.slots[p].kind() != EMPTY)
            .map(|p| (u64::from(self.slots[p].fp) << 8 | u64::from(self.lo[p]), self.slots[p]))
            .collect();
        slots.sort_unstable_by_key(|s| s.0);
        let mut rows = Rows::default();
        for (key, s) in slots {
            let a = (s.row & PAYLOAD) as usize;
            match s.kind() {
                DENSE => {
                    let row = &self.dense[a * self.half..(a + 1) * self.half];
                    for c in 0..nc {
                        let (i, shift) = dense_pos(c, self.half);
                        let w = bf16((row[i] >> shift) as u16);
                        if w != 0.0 {
                            rows.entries.push((c as u8, w));
                        }
                    }
                }
                INLINE => rows.entries.push(((a >> 16) as u8, bf16(a as u16))),
                _ => {
                    let (len, a) = (a >> 25, a & SPARSE_OFFSET);
                    rows.entries.extend(
                        self.sparse[a..a + len]
                            .iter()
                            .map(|&e| (e as u8, f32::from_bits(e & 0xffff_0000))),
                    );
                }
            }
            rows.keys.push(key);
            rows.starts.push(rows.entries.len() as u32);
        }
        rows
    }

    /// A copy without the weights smaller than `min_abs` in magnitude (and without empty rows).
    pub fn pruned(&self, min_abs: f32) -> Weights {
        let old = self.rows();
        let mut rows = Rows::default();
        for (i, &k) in old.keys.iter().enumerate() {
            let before = rows.entries.len();
            rows.entries.extend(old.row(i).iter().filter(|e| e.1.abs() >= min_abs));
            if rows.entries.len() > before {
                rows.keys.push(k);
                rows.starts.push(rows.entries.len() as u32);
            }
        }
        Weights::build(self.nclasses, &rows)
    }

    /// Serializes (keys delta-coded as varints, weights as bfloat16).
    pub fn write(&self, w: &mut Writer) {
        w.var(self.nclasses as u64);
        let rows = self.rows();
        w.var(rows.keys.len() as u64);
        let mut prev = 0u64;
        for (i, &k) in rows.keys.iter().enumerate() {
            w.var(k - prev);
            prev = k;
            let row = rows.row(i);
            w.var(row.len() as u64);
            for &(c, x) in row {
                w.u8(c);
                w.u16(bf16_bits(x));
            }
        }
    }

    /// Deserializes what [`Weights::write`] wrote.
    pub fn read(r: &mut Reader) -> Result<Weights, ModelError> {
        let nclasses = r.len()?;
        if nclasses == 0 || nclasses > 256 {
            return Err(ModelError::Format(format!("bad class count {nclasses}")));
        }
        let n = r.len()?;
        // keys and the raw bytes of their rows: (class, bfloat16 little-endian) triples
        let mut keys = Vec::with_capacity(n);
        let mut raws: Vec<&[u8]> = Vec::with_capacity(n);
        let mut nweights = 0;
        let mut prev = 0u64;
        for _ in 0..n {
            let d = r.var()?;
            let k = prev
                .checked_add(d)
                .ok_or_else(|| ModelError::Format("feature keys out of order".into()))?;
            if k == 0 || k > KEY_MASK || (!keys.is_empty() && d == 0) {
                return Err(ModelError::Format("feature keys out of order".into()));
            }
            keys.push(k);
            prev = k;
            let m = r.len()?;
            let raw = r.take(m * 3)?;
            if raw.chunks_exact(3).any(|e| e[0] as usize >= nclasses) {
                return Err(ModelError::Format("class id out of range".into()));
            }
            raws.push(raw);
            nweights += m;
        }
        let row = |i: usize| {
            raws[i]
                .chunks_exact(3)
                .map(|e| (e[0], u16::from_le_bytes([e[1], e[2]])))
        };
        Ok(Weights::build_with(nclasses, &keys, row, nweights))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of every kind (inline, sparse, dense) score like a plain sum and round-trip exactly.
    #[test]
    fn weights_score_and_round_trip() {
        let nc = 40;
        let mut rng = Rng::new(7);
        let mut rows = Rows::default();
        let mut plain: Vec<(u64, Vec<f32>)> = Vec::new();
        for i in 0..3000u64 {
            let key = feat(1, i, 0, 0);
            let len = [1, 2, 3, 5, 30][i as usize % 5];
            let mut row = vec![0f32; nc];
            for _ in 0..len {
                row[(rng.next_u64() % nc as u64) as usize] = bf16_round(rng.unit() as f32 * 8.0 - 4.0);
            }
            plain.push((key, row));
        }
        plain.sort_by_key(|r| r.0);
        for (key, row) in &plain {
            rows.keys.push(*key);
            rows.entries.extend(
                row.iter()
                    .enumerate()
                    .filter(|e| *e.1 != 0.0)
                    .map(|(c, &w)| (c as u8, w)),
            );
            rows.starts.push(rows.entries.len() as u32);
        }
        let w = Weights::build(nc, &rows);
        let again = w.rows();
        assert_eq!(
            (again.keys, again.starts, again.entries),
            (rows.keys, rows.starts, rows.entries)
        );
        let feats: Vec<u64> = (0..200).map(|i| feat(1, i * 7 % 3100, 0, 0)).collect();
        let mut got = vec![0f32; nc];
        w.score(&feats, &mut got);
        let mut want = vec![0f32; nc];
        for f in &feats {
            if let Ok(i) = plain.binary_search_by_key(f, |r| r.0) {
                want.iter_mut().zip(&plain[i].1).for_each(|(s, x)| *s += x);
            }
        }
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-3, "{got:?} vs {want:?}");
        }
    }
}
