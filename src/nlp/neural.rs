//! Graph-based neural dependency parser in the style of Dozat & Manning (2017), sized for CPU
//! speed: word, tag, hashed-affix and shape embeddings → two (or one) BiLSTM layers → ReLU
//! MLPs → biaffine arc scores (softmax over heads per dependent) and an MLP label classifier on
//! the (dependent, head) pair; decoding with Eisner's algorithm restricted to one root word.
//!
//! Everything is written out by hand: forward pass, backpropagation, Adam. Training is
//! deterministic: fixed seeds, each minibatch split into a fixed number of chunks whose gradients
//! are summed in a fixed order, whatever the number of threads.
//!
//! Inference ([`NeuralParser::parse`], [`NeuralParser::parse_batch`]) has its own forward pass
//! on the run-time-dispatched kernels of `super::simd`, which give the same bits on every CPU;
//! training and its choice of the best pass keep the plain kernels below.

use super::ModelError;
use super::simd::{self, Level};
use super::util::{IdMap, Reader, Rng, Writer, fnv, mix};

/// Number of hashed affixes per word (suffixes of 1–4 characters, prefixes of 1–3).
const NAFF: usize = 7;
/// Word id of unknown words.
const UNK: u32 = 0;
/// Word id of the artificial root.
const ROOT: u32 = 1;
/// Sentences [`NeuralParser::parse_batch`] runs in step.
const GROUP: usize = 16;
/// Gradient chunks per minibatch (fixed, so results do not depend on the thread count).
const CHUNKS: usize = 2;

/// Neural parser training options.
#[derive(Debug, Clone, PartialEq)]
pub struct NeuralOptions {
    /// Training passes over the data (the best pass on dev is kept).
    pub epochs: usize,
    /// LSTM units per direction.
    pub hidden: usize,
    /// BiLSTM layers (1 or 2).
    pub layers: usize,
    /// Word embedding size.
    pub word_dim: usize,
    /// Tag embedding size.
    pub tag_dim: usize,
    /// Affix embedding size (the hashed affix embeddings of a word are summed).
    pub affix_dim: usize,
    /// Shape embedding size.
    pub shape_dim: usize,
    /// Arc MLP size.
    pub arc_dim: usize,
    /// Label MLP size.
    pub label_dim: usize,
    /// Hash buckets for affixes.
    pub affix_buckets: usize,
    /// Words seen fewer times in training are unknown.
    pub min_word_count: usize,
    /// Sentences per minibatch.
    pub batch: usize,
    /// Adam learning rate.
    pub learning_rate: f32,
    /// Probability of replacing a word by the unknown word in training.
    pub word_dropout: f32,
    /// Probability of replacing a tag by the unknown tag in training.
    pub tag_dropout: f32,
    /// Dropout on embeddings, LSTM outputs and MLP outputs.
    pub dropout: f32,
    /// Seed of initialization, shuffling and dropout.
    pub seed: u64,
    /// Threads for computing gradients (results do not depend on it).
    pub threads: usize,
}

impl Default for NeuralOptions {
    fn default() -> Self {
        NeuralOptions {
            epochs: 20,
            hidden: 128,
            layers: 2,
            word_dim: 96,
            tag_dim: 32,
            affix_dim: 48,
            shape_dim: 8,
            arc_dim: 128,
            label_dim: 96,
            affix_buckets: 1 << 14,
            min_word_count: 2,
            batch: 32,
            learning_rate: 2e-3,
            word_dropout: 0.2,
            tag_dropout: 0.05,
            dropout: 0.25,
            seed: 0x5eed_d0c5_a1fa,
            threads: 2,
        }
    }
}

/// Network dimensions.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Dims {
    nwords: usize,
    /// Real tags + ROOT + UNK.
    ntags: usize,
    nbuckets: usize,
    nshapes: usize,
    nlabels: usize,
    wd: usize,
    td: usize,
    ad: usize,
    sd: usize,
    h: usize,
    arc: usize,
    lab: usize,
    /// BiLSTM layers (1 or 2).
    layers: usize,
}

const NSHAPES: usize = 13;

impl Dims {
    fn dx(&self) -> usize {
        self.wd + self.td + self.ad + self.sd
    }
    fn mo(&self) -> usize {
        2 * self.arc + 2 * self.lab
    }
}

/// Offsets of the parameter blocks in the flat parameter vector.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    ew: usize,
    et: usize,
    ea: usize,
    es: usize,
    win: [usize; 2],
    wrec: [usize; 2],
    b: [usize; 2],
    m: usize,
    bm: usize,
    wq: usize,
    uq: usize,
    wl: usize,
    bl: usize,
    /// Second BiLSTM layer (empty blocks with one layer).
    win2: [usize; 2],
    wrec2: [usize; 2],
    b2: [usize; 2],
    total: usize,
}

fn layout(d: &Dims) -> Layout {
    let mut off = 0;
    let mut take = |n: usize| {
        let o = off;
        off += n;
        o
    };
    let ew = take(d.nwords * d.wd);
    let et = take(d.ntags * d.td);
    let ea = take(d.nbuckets * d.ad);
    let es = take(d.nshapes * d.sd);
    let g = 4 * d.h;
    let win0 = take(g * d.dx());
    let wrec0 = take(g * d.h);
    let b0 = take(g);
    let win1 = take(g * d.dx());
    let wrec1 = take(g * d.h);
    let b1 = take(g);
    let m = take(d.mo() * 2 * d.h);
    let bm = take(d.mo());
    let wq = take(d.arc * d.arc);
    let uq = take(d.arc);
    let wl = take(d.nlabels * d.lab);
    let bl = take(d.nlabels);
    let two = usize::from(d.layers >= 2);
    let win20 = take(two * g * 2 * d.h);
    let wrec20 = take(two * g * d.h);
    let b20 = take(two * g);
    let win21 = take(two * g * 2 * d.h);
    let wrec21 = take(two * g * d.h);
    let b21 = take(two * g);
    Layout {
        ew,
        et,
        ea,
        es,
        win: [win0, win1],
        wrec: [wrec0, wrec1],
        b: [b0, b1],
        m,
        bm,
        wq,
        uq,
        wl,
        bl,
        win2: [win20, win21],
        wrec2: [wrec20, wrec21],
        b2: [b20, b21],
        total: off,
    }
}

/// Input features of one token.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tok {
    word: u32,
    tag: u32,
    aff: [u32; NAFF],
    shape: u32,
}

/// Lowercased form with digits replaced by `0`.
fn normalize(w: &str) -> String {
    w.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect()
}

fn shape_id(w: &str, first: bool) -> u32 {
    let mut chars = w.chars();
    let c0 = chars.next().unwrap_or(' ');
    let base = if w.chars().any(|c| c.is_ascii_digit()) {
        3
    } else if w.chars().all(|c| !c.is_alphanumeric()) {
        4
    } else if w.chars().all(|c| !c.is_uppercase()) {
        0
    } else if w.chars().count() > 1 && w.chars().all(|c| !c.is_lowercase()) {
        2
    } else if c0.is_uppercase() {
        1
    } else {
        5
    };
    1 + base + if first { 6 } else { 0 }
}

#[allow(clippy::needless_range_loop)]
fn affix_ids(norm: &str, nbuckets: usize) -> [u32; NAFF] {
    let chars: Vec<(usize, char)> = norm.char_indices().collect();
    let n = chars.len();
    let mut out = [0u32; NAFF];
    let bucket = |slot: usize, bytes: &[u8], short: bool| {
        let h = mix(fnv(bytes) ^ (slot as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(short) << 63);
        (h % nbuckets as u64) as u32
    };
    for k in 1..=4 {
        let slot = k - 1;
        out[slot] = if n >= k {
            bucket(slot, &norm.as_bytes()[chars[n - k].0..], false)
        } else {
            bucket(slot, norm.as_bytes(), true)
        };
    }
    for k in 1..=3 {
        let slot = 3 + k;
        out[slot] = if n >= k {
            let end = if k < n { chars[k].0 } else { norm.len() };
            bucket(slot, &norm.as_bytes()[..end], false)
        } else {
            bucket(slot, norm.as_bytes(), true)
        };
    }
    out
}

fn root_affixes(nbuckets: usize) -> [u32; NAFF] {
    let mut out = [0u32; NAFF];
    for (slot, o) in out.iter_mut().enumerate() {
        *o = (mix(0x0123_4567 + slot as u64) % nbuckets as u64) as u32;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Kernels (plain Rust written so that the compiler vectorizes them; fixed summation order).

#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; 8];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0f32;
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        tail += x * y;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

#[inline]
fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// Rows per panel of a packed matrix.
const PANEL: usize = simd::PANEL;

/// Packs a `rows × k` row-major matrix into panels of [`PANEL`] rows, each stored column by
/// column (`k` groups of `PANEL` values), the last panel padded with zeros.
pub(super) fn pack(w: &[f32], rows: usize, k: usize) -> Vec<f32> {
    let np = rows.div_ceil(PANEL);
    let mut out = vec![0f32; np * PANEL * k];
    for r in 0..rows {
        let (p, i) = (r / PANEL, r % PANEL);
        for kk in 0..k {
            out[p * PANEL * k + kk * PANEL + i] = w[r * k + kk];
        }
    }
    out
}

/// `y[r] += Σ_k W[r][k]·x[k]` with `W` packed by [`pack`] (each sum in order of `k`).
#[inline]
fn gemv_packed(wp: &[f32], x: &[f32], y: &mut [f32]) {
    let k = x.len();
    for (yb, panel) in y.chunks_mut(PANEL).zip(wp.chunks_exact(PANEL * k)) {
        let mut acc = [0f32; PANEL];
        for (xv, wc) in x.iter().zip(panel.chunks_exact(PANEL)) {
            let wc: &[f32; PANEL] = wc.try_into().expect("a panel column");
            for i in 0..PANEL {
                acc[i] += xv * wc[i];
            }
        }
        for (yy, a) in yb.iter_mut().zip(&acc) {
            *yy += a;
        }
    }
}

/// `C[t] = W·A[t] + b` for the `m` rows of `a` (each `k` long); `wp` is `n × k` packed.
fn linear(a: &[f32], k: usize, wp: &[f32], b: &[f32], c: &mut [f32]) {
    let n = b.len();
    let m = a.len() / k;
    for t in 0..m {
        let row = &mut c[t * n..(t + 1) * n];
        row.copy_from_slice(b);
        gemv_packed(wp, &a[t * k..(t + 1) * k], row);
    }
}

/// The weight matrices the forward pass multiplies by, packed for [`gemv_packed`].
#[derive(Debug, Clone, PartialEq, Default)]
struct Packed {
    win: [Vec<f32>; 2],
    wrec: [Vec<f32>; 2],
    m: Vec<f32>,
    wq: Vec<f32>,
    wl: Vec<f32>,
    win2: [Vec<f32>; 2],
    wrec2: [Vec<f32>; 2],
}

impl Packed {
    fn new(d: &Dims, l: &Layout, p: &[f32]) -> Packed {
        let g4 = 4 * d.h;
        let two = usize::from(d.layers >= 2);
        let blk = |off: usize, rows: usize, k: usize| pack(&p[off..off + rows * k], rows, k);
        let blk2 = |off: usize, rows: usize, k: usize| pack(&p[off..off + two * rows * k], two * rows, k);
        Packed {
            win: [blk(l.win[0], g4, d.dx()), blk(l.win[1], g4, d.dx())],
            wrec: [blk(l.wrec[0], g4, d.h), blk(l.wrec[1], g4, d.h)],
            m: blk(l.m, d.mo(), 2 * d.h),
            wq: blk(l.wq, d.arc, d.arc),
            wl: blk(l.wl, d.nlabels, d.lab),
            win2: [blk2(l.win2[0], g4, 2 * d.h), blk2(l.win2[1], g4, 2 * d.h)],
            wrec2: [blk2(l.wrec2[0], g4, d.h), blk2(l.wrec2[1], g4, d.h)],
        }
    }
}

/// Backward of [`linear`]: `dW += Σ_t dC[t] ⊗ A[t]`, `db += Σ_t dC[t]`, `dA[t] += Wᵀ dC[t]`.
#[allow(clippy::too_many_arguments)]
fn linear_back(
    a: &[f32],
    k: usize,
    w: &[f32],
    dc: &[f32],
    n: usize,
    dw: &mut [f32],
    db: &mut [f32],
    da: Option<&mut [f32]>,
) {
    let m = a.len() / k;
    for t in 0..m {
        let g = &dc[t * n..(t + 1) * n];
        let at = &a[t * k..(t + 1) * k];
        for (r, &gr) in g.iter().enumerate() {
            if gr != 0.0 {
                axpy(&mut dw[r * k..(r + 1) * k], gr, at);
            }
        }
        axpy(db, 1.0, g);
    }
    if let Some(da) = da {
        for t in 0..m {
            let g = &dc[t * n..(t + 1) * n];
            let dat = &mut da[t * k..(t + 1) * k];
            for (r, &gr) in g.iter().enumerate() {
                if gr != 0.0 {
                    axpy(dat, gr, &w[r * k..(r + 1) * k]);
                }
            }
        }
    }
}

/// exp(x) to about 2e-7 relative error, vectorizable (round by the 1.5·2²³ trick).
#[inline(always)]
pub(super) fn fexp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 87.0);
    let t = x * std::f32::consts::LOG2_E;
    let r = (t + 12_582_912.0) - 12_582_912.0;
    let y = (t - r) * std::f32::consts::LN_2;
    let p = 1.0 + y * (1.0 + y * (0.5 + y * (1.0 / 6.0 + y * (1.0 / 24.0 + y * (1.0 / 120.0 + y * (1.0 / 720.0))))));
    let bits = ((r as i32 + 127) << 23) as u32;
    f32::from_bits(bits) * p
}

#[inline(always)]
pub(super) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + fexp(-x))
}

#[inline(always)]
pub(super) fn ftanh(x: f32) -> f32 {
    1.0 - 2.0 / (fexp(2.0 * x) + 1.0)
}

/// In-place log-softmax of `v`; returns nothing (entries at -inf stay -inf).
fn log_softmax(v: &mut [f32]) {
    let mx = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut s = 0f32;
    for x in v.iter() {
        s += (x - mx).exp();
    }
    let lz = mx + s.ln();
    for x in v.iter_mut() {
        *x -= lz;
    }
}

// ---------------------------------------------------------------------------------------------
// The network.

/// What the forward pass keeps for backpropagation.
#[derive(Default)]
struct Cache {
    m: usize,
    x: Vec<f32>,
    xmask: Vec<f32>,
    gates: [Vec<f32>; 2],
    c: [Vec<f32>; 2],
    tc: [Vec<f32>; 2],
    h: [Vec<f32>; 2],
    /// Second layer: its input (first layer output after dropout), that dropout mask, and per
    /// direction the gates, cells, tanh of cells and outputs.
    l2: Option<Box<Layer2>>,
    hout: Vec<f32>,
    hmask: Vec<f32>,
    z: Vec<f32>,
    zmask: Vec<f32>,
    q: Vec<f32>,
    /// Row i (dependent): log-probabilities of heads 0..m (row 0 unused).
    arc: Vec<f32>,
}

/// Forward values of the second BiLSTM layer.
struct Layer2 {
    input: Vec<f32>,
    inmask: Vec<f32>,
    gates: [Vec<f32>; 2],
    c: [Vec<f32>; 2],
    tc: [Vec<f32>; 2],
    h: [Vec<f32>; 2],
}

/// One direction of an LSTM layer over `m` steps, from the input pre-activations `pre` (which
/// become the gate activations): returns (gates, cells, tanh of cells, outputs).
fn run_dir(mut pre: Vec<f32>, wrec: &[f32], m: usize, h: usize, dir: usize) -> [Vec<f32>; 4] {
    let g4 = 4 * h;
    let mut cs = vec![0f32; m * h];
    let mut tcs = vec![0f32; m * h];
    let mut hs = vec![0f32; m * h];
    let zero = vec![0f32; h];
    for step in 0..m {
        let t = if dir == 0 { step } else { m - 1 - step };
        let prev = if step == 0 {
            None
        } else {
            Some(if dir == 0 { t - 1 } else { t + 1 })
        };
        let (hp, cp) = match prev {
            None => (zero.as_slice(), zero.as_slice()),
            Some(p) => (&hs[p * h..(p + 1) * h], &cs[p * h..(p + 1) * h]),
        };
        let g = &mut pre[t * g4..(t + 1) * g4];
        if prev.is_some() {
            gemv_packed(wrec, hp, g);
        }
        for v in &mut g[..2 * h] {
            *v = sigmoid(*v);
        }
        for v in &mut g[2 * h..3 * h] {
            *v = ftanh(*v);
        }
        for v in &mut g[3 * h..] {
            *v = sigmoid(*v);
        }
        let mut cnew = vec![0f32; h];
        for k in 0..h {
            cnew[k] = g[h + k] * cp[k] + g[k] * g[2 * h + k];
        }
        for k in 0..h {
            let tc = ftanh(cnew[k]);
            tcs[t * h + k] = tc;
            hs[t * h + k] = g[3 * h + k] * tc;
        }
        cs[t * h..(t + 1) * h].copy_from_slice(&cnew);
    }
    [pre, cs, tcs, hs]
}

/// Both directions of an LSTM layer at inference, over several sentences stepped together (so
/// that each recurrent weight read serves every sentence still running): the sentences are the
/// token ranges `spans` (start, length) of `gates`, which holds each token's input
/// pre-activations (the forward direction's `4h`, then the backward one's) and is overwritten;
/// the outputs go to `out` (`2h` per token, forward then backward).
fn bilstm(lv: Level, gates: &mut [f32], wrec: [&[f32]; 2], spans: &[(usize, usize)], h: usize, out: &mut [f32]) {
    let (g4, n) = (4 * h, spans.len());
    let steps = spans.iter().map(|s| s.1).max().unwrap_or(0);
    // Per direction and sentence: cell and output.
    let mut c = vec![0f32; 2 * n * h];
    let mut hp = vec![0f32; 2 * n * h];
    // The running sentences' previous outputs and gate rows, gathered.
    let mut xg = vec![0f32; n * h];
    let mut yg = vec![0f32; n * g4];
    let mut run = Vec::with_capacity(n);
    for step in 0..steps {
        for dir in 0..2 {
            run.clear();
            for (i, &(start, len)) in spans.iter().enumerate() {
                if step < len {
                    let t = start + if dir == 0 { step } else { len - 1 - step };
                    run.push((i, t));
                }
            }
            for (j, &(i, t)) in run.iter().enumerate() {
                yg[j * g4..(j + 1) * g4].copy_from_slice(&gates[(2 * t + dir) * g4..(2 * t + dir + 1) * g4]);
                let o = (dir * n + i) * h;
                xg[j * h..(j + 1) * h].copy_from_slice(&hp[o..o + h]);
            }
            if step > 0 {
                simd::gemm(lv, wrec[dir], g4, h, &xg, h, &mut yg, g4, run.len());
            }
            for (j, &(i, t)) in run.iter().enumerate() {
                let o = (dir * n + i) * h;
                simd::lstm_cell(lv, &mut yg[j * g4..(j + 1) * g4], &mut c[o..o + h], &mut hp[o..o + h]);
                out[(2 * t + dir) * h..(2 * t + dir + 1) * h].copy_from_slice(&hp[o..o + h]);
            }
        }
    }
}

/// Backpropagation through one direction of an LSTM layer: `dhout` is `m × 2h` (this
/// direction's half is used); adds the recurrent weight gradient to `gw` and returns the
/// gradient of the input pre-activations (`m × 4h`). `wrec` is row-major.
#[allow(clippy::too_many_arguments)]
fn back_dir(
    gates: &[f32],
    cs: &[f32],
    tcs: &[f32],
    hs: &[f32],
    wrec: &[f32],
    dhout: &[f32],
    m: usize,
    h: usize,
    dir: usize,
    gw: &mut [f32],
) -> Vec<f32> {
    let g4 = 4 * h;
    let mut dpre = vec![0f32; m * g4];
    let mut dh_next = vec![0f32; h];
    let mut dc_next = vec![0f32; h];
    for step in (0..m).rev() {
        let t = if dir == 0 { step } else { m - 1 - step };
        let prev = if step == 0 {
            None
        } else {
            Some(if dir == 0 { t - 1 } else { t + 1 })
        };
        let g = &gates[t * g4..(t + 1) * g4];
        let dg = &mut dpre[t * g4..(t + 1) * g4];
        for k in 0..h {
            let dhk = dhout[t * 2 * h + dir * h + k] + dh_next[k];
            let (ig, fg, cg, og) = (g[k], g[h + k], g[2 * h + k], g[3 * h + k]);
            let tc = tcs[t * h + k];
            let dc = dc_next[k] + dhk * og * (1.0 - tc * tc);
            let cp = match prev {
                Some(p) => cs[p * h + k],
                None => 0.0,
            };
            dg[k] = dc * cg * ig * (1.0 - ig);
            dg[h + k] = dc * cp * fg * (1.0 - fg);
            dg[2 * h + k] = dc * ig * (1.0 - cg * cg);
            dg[3 * h + k] = dhk * tc * og * (1.0 - og);
            dc_next[k] = dc * fg;
        }
        dh_next.iter_mut().for_each(|v| *v = 0.0);
        if let Some(p) = prev {
            let hp = &hs[p * h..(p + 1) * h];
            for (r, &gr) in dg.iter().enumerate() {
                if gr != 0.0 {
                    axpy(&mut gw[r * h..(r + 1) * h], gr, hp);
                    axpy(&mut dh_next, gr, &wrec[r * h..(r + 1) * h]);
                }
            }
        }
    }
    dpre
}

/// Dropout masks and replaced ids for one training sentence.
struct Noise {
    rng: Rng,
    p: f32,
}

impl Noise {
    fn mask(&mut self, n: usize) -> Vec<f32> {
        if self.p <= 0.0 {
            return vec![1.0; n];
        }
        let keep = 1.0 / (1.0 - self.p);
        (0..n)
            .map(|_| if (self.rng.unit() as f32) < self.p { 0.0 } else { keep })
            .collect()
    }
}

struct Net<'a> {
    d: Dims,
    l: Layout,
    p: &'a [f32],
    pk: &'a Packed,
    /// Precomputed first-layer input terms, for inference.
    pre: Option<&'a Pre>,
}

/// The first LSTM layer's input projection is linear in the embeddings, so for inference the
/// word, tag (with the biases) and shape terms are looked up per vocabulary item; only the summed
/// affix embedding is multiplied.
#[derive(Debug, Clone, PartialEq, Default)]
struct Pre {
    /// nwords × (2 directions · 4H).
    word: Vec<f32>,
    /// ntags × 8H, biases included.
    tag: Vec<f32>,
    /// nshapes × 8H.
    shape: Vec<f32>,
    /// 8H × affix dim: the affix columns of both input matrices.
    aff: Vec<f32>,
}

fn precompute(d: &Dims, l: &Layout, p: &[f32]) -> Pre {
    let (g4, dx) = (4 * d.h, d.dx());
    let cols = |start: usize, len: usize| -> Vec<f32> {
        let mut out = Vec::with_capacity(2 * g4 * len);
        for dir in 0..2 {
            for r in 0..g4 {
                let row = l.win[dir] + r * dx + start;
                out.extend_from_slice(&p[row..row + len]);
            }
        }
        out
    };
    let table = |emb: usize, n: usize, start: usize, len: usize, bias: bool| -> Vec<f32> {
        let w = pack(&cols(start, len), 2 * g4, len);
        let mut out = vec![0f32; n * 2 * g4];
        for v in 0..n {
            let row = &mut out[v * 2 * g4..(v + 1) * 2 * g4];
            if bias {
                row[..g4].copy_from_slice(&p[l.b[0]..l.b[0] + g4]);
                row[g4..].copy_from_slice(&p[l.b[1]..l.b[1] + g4]);
            }
            gemv_packed(&w, &p[emb + v * len..emb + (v + 1) * len], row);
        }
        out
    };
    Pre {
        word: table(l.ew, d.nwords, 0, d.wd, false),
        tag: table(l.et, d.ntags, d.wd, d.td, true),
        shape: table(l.es, d.nshapes, d.wd + d.td + d.ad, d.sd, false),
        aff: pack(&cols(d.wd + d.td, d.ad), 2 * g4, d.ad),
    }
}

impl Net<'_> {
    fn block(&self, off: usize, len: usize) -> &[f32] {
        &self.p[off..off + len]
    }

    /// Embedding input of the sentence (root first): m × dx.
    fn embed(&self, toks: &[Tok]) -> Vec<f32> {
        let d = &self.d;
        let dx = d.dx();
        let mut x = vec![0f32; toks.len() * dx];
        for (t, tok) in toks.iter().enumerate() {
            let row = &mut x[t * dx..(t + 1) * dx];
            let (w, rest) = row.split_at_mut(d.wd);
            let (tg, rest) = rest.split_at_mut(d.td);
            let (af, sh) = rest.split_at_mut(d.ad);
            w.copy_from_slice(self.block(self.l.ew + tok.word as usize * d.wd, d.wd));
            tg.copy_from_slice(self.block(self.l.et + tok.tag as usize * d.td, d.td));
            for &a in &tok.aff {
                axpy(af, 1.0, self.block(self.l.ea + a as usize * d.ad, d.ad));
            }
            sh.copy_from_slice(self.block(self.l.es + tok.shape as usize * d.sd, d.sd));
        }
        x
    }

    /// Forward pass. With `noise`, applies dropout. Fills `cache` (arc log-probabilities too).
    fn forward(&self, toks: &[Tok], noise: Option<&mut Noise>, cache: &mut Cache) {
        let d = self.d;
        let m = toks.len();
        let (h, g4, dx, mo) = (d.h, 4 * d.h, d.dx(), d.mo());
        cache.m = m;
        let mut noise = noise;
        if let (None, Some(pre)) = (noise.as_deref(), self.pre) {
            let g8 = 2 * g4;
            let mut all = vec![0f32; m * g8];
            let mut a = vec![0f32; d.ad];
            for (t, tok) in toks.iter().enumerate() {
                let row = &mut all[t * g8..(t + 1) * g8];
                let (w, tg, sh) = (tok.word as usize, tok.tag as usize, tok.shape as usize);
                let (pw, pt, ps) = (
                    &pre.word[w * g8..(w + 1) * g8],
                    &pre.tag[tg * g8..(tg + 1) * g8],
                    &pre.shape[sh * g8..(sh + 1) * g8],
                );
                for k in 0..g8 {
                    row[k] = pw[k] + pt[k] + ps[k];
                }
                a.iter_mut().for_each(|v| *v = 0.0);
                for &f in &tok.aff {
                    axpy(&mut a, 1.0, self.block(self.l.ea + f as usize * d.ad, d.ad));
                }
                gemv_packed(&pre.aff, &a, row);
            }
            for dir in 0..2 {
                let mut pre = vec![0f32; m * g4];
                for t in 0..m {
                    pre[t * g4..(t + 1) * g4].copy_from_slice(&all[t * g8 + dir * g4..t * g8 + (dir + 1) * g4]);
                }
                cache.gates[dir] = pre;
            }
        }
        let mut x = if cache.gates[0].len() == m * g4 && noise.is_none() && self.pre.is_some() {
            Vec::new()
        } else {
            self.embed(toks)
        };
        cache.xmask = match noise.as_deref_mut() {
            Some(nz) => {
                let mk = nz.mask(x.len());
                for (v, k) in x.iter_mut().zip(&mk) {
                    *v *= k;
                }
                mk
            }
            None => Vec::new(),
        };
        for dir in 0..2 {
            let pre = if x.is_empty() {
                std::mem::take(&mut cache.gates[dir])
            } else {
                let mut pre = vec![0f32; m * g4];
                linear(&x, dx, &self.pk.win[dir], self.block(self.l.b[dir], g4), &mut pre);
                pre
            };
            let [gates, cs, tcs, hs] = run_dir(pre, &self.pk.wrec[dir], m, h, dir);
            cache.gates[dir] = gates;
            cache.c[dir] = cs;
            cache.tc[dir] = tcs;
            cache.h[dir] = hs;
        }
        let concat = |hs: &[Vec<f32>; 2]| {
            let mut out = vec![0f32; m * 2 * h];
            for t in 0..m {
                out[t * 2 * h..t * 2 * h + h].copy_from_slice(&hs[0][t * h..(t + 1) * h]);
                out[t * 2 * h + h..(t + 1) * 2 * h].copy_from_slice(&hs[1][t * h..(t + 1) * h]);
            }
            out
        };
        let mut hout = concat(&cache.h);
        cache.l2 = None;
        if d.layers >= 2 {
            let mut input = hout;
            let inmask = match noise.as_deref_mut() {
                Some(nz) => {
                    let mk = nz.mask(input.len());
                    for (v, k) in input.iter_mut().zip(&mk) {
                        *v *= k;
                    }
                    mk
                }
                None => Vec::new(),
            };
            let mut l2 = Layer2 {
                input,
                inmask,
                gates: [Vec::new(), Vec::new()],
                c: [Vec::new(), Vec::new()],
                tc: [Vec::new(), Vec::new()],
                h: [Vec::new(), Vec::new()],
            };
            for dir in 0..2 {
                let mut pre = vec![0f32; m * g4];
                linear(
                    &l2.input,
                    2 * h,
                    &self.pk.win2[dir],
                    self.block(self.l.b2[dir], g4),
                    &mut pre,
                );
                let [gates, cs, tcs, hs] = run_dir(pre, &self.pk.wrec2[dir], m, h, dir);
                l2.gates[dir] = gates;
                l2.c[dir] = cs;
                l2.tc[dir] = tcs;
                l2.h[dir] = hs;
            }
            hout = concat(&l2.h);
            cache.l2 = Some(Box::new(l2));
        }
        cache.hmask = match noise.as_deref_mut() {
            Some(nz) => {
                let mk = nz.mask(hout.len());
                for (v, k) in hout.iter_mut().zip(&mk) {
                    *v *= k;
                }
                mk
            }
            None => Vec::new(),
        };
        let mut z = vec![0f32; m * mo];
        linear(&hout, 2 * h, &self.pk.m, self.block(self.l.bm, mo), &mut z);
        // ReLU on the arc parts, dropout on everything.
        let dmask = match noise {
            Some(nz) => nz.mask(z.len()),
            None => vec![1.0; z.len()],
        };
        let mut zmask = dmask;
        for t in 0..m {
            for k in 0..2 * d.arc {
                let i = t * mo + k;
                if z[i] <= 0.0 {
                    zmask[i] = 0.0;
                }
            }
        }
        for (v, k) in z.iter_mut().zip(&zmask) {
            *v *= k;
        }
        cache.x = x;
        cache.hout = hout;
        cache.z = z;
        cache.zmask = zmask;
        // Arc scores.
        let arc = d.arc;
        let mut q = vec![0f32; m * arc];
        let uq = self.block(self.l.uq, arc);
        for t in 1..m {
            let dep = &cache.z[t * mo..t * mo + arc];
            let row = &mut q[t * arc..(t + 1) * arc];
            row.copy_from_slice(uq);
            gemv_packed(&self.pk.wq, dep, row);
        }
        let mut s = vec![f32::NEG_INFINITY; m * m];
        for i in 1..m {
            let qi = &q[i * arc..(i + 1) * arc];
            for j in 0..m {
                if j != i {
                    s[i * m + j] = dot(qi, &cache.z[j * mo + arc..j * mo + 2 * arc]);
                }
            }
            log_softmax(&mut s[i * m..(i + 1) * m]);
        }
        cache.q = q;
        cache.arc = s;
    }

    /// Inference forward pass (no dropout) over several sentences at once, with the first-layer
    /// tables `pre` and the SIMD kernels of `lv`: for each sentence, a cache with `m`, `z` and
    /// `arc` filled, what [`Net::decode_fast`] reads. It computes what [`Net::forward`] does, up
    /// to rounding (fused multiply-adds in fixed chains); its numbers are the same on every
    /// machine and whatever the sentences it is given with.
    fn infer(&self, sents: &[Vec<Tok>], pre: &Pre, lv: Level) -> Vec<Cache> {
        let d = self.d;
        let (h, g4, mo, arc) = (d.h, 4 * d.h, d.mo(), d.arc);
        let g8 = 2 * g4;
        let mut spans = Vec::with_capacity(sents.len());
        let mut total = 0;
        for s in sents {
            spans.push((total, s.len()));
            total += s.len();
        }
        // First layer: the looked-up word, tag (with the biases) and shape terms, plus the
        // projection of the summed affix embeddings.
        let mut all = vec![0f32; total * g8];
        let mut aff = vec![0f32; total * d.ad];
        for (t, tok) in sents.iter().flatten().enumerate() {
            let row = &mut all[t * g8..(t + 1) * g8];
            let (w, tg, sh) = (tok.word as usize, tok.tag as usize, tok.shape as usize);
            let (pw, pt, ps) = (
                &pre.word[w * g8..(w + 1) * g8],
                &pre.tag[tg * g8..(tg + 1) * g8],
                &pre.shape[sh * g8..(sh + 1) * g8],
            );
            for (((r, a), b), c) in row.iter_mut().zip(pw).zip(pt).zip(ps) {
                *r = a + b + c;
            }
            let a = &mut aff[t * d.ad..(t + 1) * d.ad];
            for &f in &tok.aff {
                axpy(a, 1.0, self.block(self.l.ea + f as usize * d.ad, d.ad));
            }
        }
        simd::gemm(lv, &pre.aff, g8, d.ad, &aff, d.ad, &mut all, g8, total);
        let mut hout = vec![0f32; total * 2 * h];
        bilstm(lv, &mut all, [&self.pk.wrec[0], &self.pk.wrec[1]], &spans, h, &mut hout);
        if d.layers >= 2 {
            for row in all.chunks_exact_mut(g8) {
                row[..g4].copy_from_slice(self.block(self.l.b2[0], g4));
                row[g4..].copy_from_slice(self.block(self.l.b2[1], g4));
            }
            for dir in 0..2 {
                simd::gemm(
                    lv,
                    &self.pk.win2[dir],
                    g4,
                    2 * h,
                    &hout,
                    2 * h,
                    &mut all[dir * g4..],
                    g8,
                    total,
                );
            }
            bilstm(
                lv,
                &mut all,
                [&self.pk.wrec2[0], &self.pk.wrec2[1]],
                &spans,
                h,
                &mut hout,
            );
        }
        // MLPs: ReLU on the arc parts (the label parts are summed per pair first).
        let mut z = vec![0f32; total * mo];
        for row in z.chunks_exact_mut(mo) {
            row.copy_from_slice(self.block(self.l.bm, mo));
        }
        simd::gemm(lv, &self.pk.m, mo, 2 * h, &hout, 2 * h, &mut z, mo, total);
        for row in z.chunks_exact_mut(mo) {
            for v in &mut row[..2 * arc] {
                *v = if *v > 0.0 { *v } else { 0.0 };
            }
        }
        // Arc scores: q_i = Wq·dep_i + uq (the roots' rows unused), then s[i][j] = q_i·head_j,
        // the heads of a sentence packed as a matrix.
        let mut q = vec![0f32; total * arc];
        for row in q.chunks_exact_mut(arc) {
            row.copy_from_slice(self.block(self.l.uq, arc));
        }
        simd::gemm(lv, &self.pk.wq, arc, arc, &z, mo, &mut q, arc, total);
        spans
            .iter()
            .map(|&(start, m)| {
                let z = &z[start * mo..(start + m) * mo];
                let q = &q[start * arc..(start + m) * arc];
                let mut heads = vec![0f32; m.div_ceil(PANEL) * PANEL * arc];
                for j in 0..m {
                    let panel = &mut heads[(j / PANEL) * PANEL * arc..];
                    for (kk, &v) in z[j * mo + arc..j * mo + 2 * arc].iter().enumerate() {
                        panel[kk * PANEL + j % PANEL] = v;
                    }
                }
                let mut s = vec![0f32; m * m];
                if m > 1 {
                    simd::gemm(lv, &heads, m, arc, &q[arc..], arc, &mut s[m..], m, m - 1);
                }
                s[..m].iter_mut().for_each(|v| *v = f32::NEG_INFINITY);
                for i in 1..m {
                    s[i * m + i] = f32::NEG_INFINITY;
                    log_softmax(&mut s[i * m..(i + 1) * m]);
                }
                Cache {
                    m,
                    z: z.to_vec(),
                    arc: s,
                    ..Cache::default()
                }
            })
            .collect()
    }

    /// [`Net::decode`] after [`Net::infer`]: the label scores of all dependents at once.
    fn decode_fast(&self, cache: &Cache, root_label: usize, lv: Level) -> Vec<(usize, usize)> {
        let d = &self.d;
        let (m, mo, lab, nl) = (cache.m, d.mo(), d.lab, d.nlabels);
        let heads = eisner_fast(m, &cache.arc);
        let deps: Vec<usize> = (1..m).filter(|&i| heads[i] != 0).collect();
        let (off_d, off_h) = (2 * d.arc, 2 * d.arc + lab);
        let mut hid = vec![0f32; deps.len() * lab];
        for (row, &i) in hid.chunks_exact_mut(lab).zip(&deps) {
            let (zd, zh) = (&cache.z[i * mo + off_d..], &cache.z[heads[i] * mo + off_h..]);
            for ((v, a), b) in row.iter_mut().zip(zd).zip(zh) {
                *v = (a + b).max(0.0);
            }
        }
        let mut out = vec![0f32; deps.len() * nl];
        for row in out.chunks_exact_mut(nl) {
            row.copy_from_slice(self.block(self.l.bl, nl));
        }
        simd::gemm(lv, &self.pk.wl, nl, lab, &hid, lab, &mut out, nl, deps.len());
        let mut labels = vec![root_label; m];
        for (row, &i) in out.chunks_exact_mut(nl).zip(&deps) {
            log_softmax(row);
            let mut best = usize::MAX;
            for (c, &v) in row.iter().enumerate() {
                if c != root_label && (best == usize::MAX || v > row[best]) {
                    best = c;
                }
            }
            labels[i] = best;
        }
        (1..m).map(|i| (heads[i], labels[i])).collect()
    }

    /// Label scores (log-softmax) for dependent `i` attached to head `j`; fills `hid`.
    #[allow(clippy::needless_range_loop)]
    fn label_scores(&self, cache: &Cache, i: usize, j: usize, hid: &mut [f32], out: &mut [f32]) {
        let d = &self.d;
        let mo = d.mo();
        let off_d = 2 * d.arc;
        let off_h = 2 * d.arc + d.lab;
        for k in 0..d.lab {
            let v = cache.z[i * mo + off_d + k] + cache.z[j * mo + off_h + k];
            hid[k] = v.max(0.0);
        }
        out.copy_from_slice(self.block(self.l.bl, d.nlabels));
        gemv_packed(&self.pk.wl, hid, out);
        log_softmax(out);
    }

    /// Loss of one sentence and its gradient added to `grad`.
    fn backward(&self, toks: &[Tok], heads: &[usize], labels: &[usize], cache: &Cache, grad: &mut [f32]) -> f32 {
        let d = self.d;
        let l = self.l;
        let m = cache.m;
        let (h, g4, dx, mo, arc) = (d.h, 4 * d.h, d.dx(), d.mo(), d.arc);
        let mut loss = 0f32;
        let mut dz = vec![0f32; m * mo];
        // Arcs: dS = p - onehot.
        let mut dq = vec![0f32; m * arc];
        for i in 1..m {
            let gold = heads[i - 1];
            loss -= cache.arc[i * m + gold];
            let qi = &cache.q[i * arc..(i + 1) * arc];
            for j in 0..m {
                if j == i {
                    continue;
                }
                let mut ds = cache.arc[i * m + j].exp();
                if j == gold {
                    ds -= 1.0;
                }
                if ds == 0.0 {
                    continue;
                }
                axpy(
                    &mut dq[i * arc..(i + 1) * arc],
                    ds,
                    &cache.z[j * mo + arc..j * mo + 2 * arc],
                );
                axpy(&mut dz[j * mo + arc..j * mo + 2 * arc], ds, qi);
            }
        }
        // q_i = Wq dep_i + uq
        {
            let (gwq, rest) = grad[l.wq..].split_at_mut(arc * arc);
            let guq = &mut rest[..arc];
            let wq = self.block(l.wq, arc * arc);
            for i in 1..m {
                let g = &dq[i * arc..(i + 1) * arc];
                let dep = &cache.z[i * mo..i * mo + arc];
                for (r, &gr) in g.iter().enumerate() {
                    if gr != 0.0 {
                        axpy(&mut gwq[r * arc..(r + 1) * arc], gr, dep);
                        axpy(&mut dz[i * mo..i * mo + arc], gr, &wq[r * arc..(r + 1) * arc]);
                    }
                }
                axpy(guq, 1.0, g);
            }
        }
        // Labels on the gold head.
        let mut hid = vec![0f32; d.lab];
        let mut out = vec![0f32; d.nlabels];
        let off_d = 2 * arc;
        let off_h = 2 * arc + d.lab;
        let wl = self.block(l.wl, d.nlabels * d.lab);
        for i in 1..m {
            let j = heads[i - 1];
            self.label_scores(cache, i, j, &mut hid, &mut out);
            let gold = labels[i - 1];
            loss -= out[gold];
            let mut dhid = vec![0f32; d.lab];
            for (c, &lp) in out.iter().enumerate() {
                let mut g = lp.exp();
                if c == gold {
                    g -= 1.0;
                }
                grad[l.bl + c] += g;
                axpy(&mut grad[l.wl + c * d.lab..l.wl + (c + 1) * d.lab], g, &hid);
                axpy(&mut dhid, g, &wl[c * d.lab..(c + 1) * d.lab]);
            }
            for k in 0..d.lab {
                if hid[k] > 0.0 {
                    dz[i * mo + off_d + k] += dhid[k];
                    dz[j * mo + off_h + k] += dhid[k];
                }
            }
        }
        // Through the ReLU/dropout masks of z, then the MLP.
        for (g, k) in dz.iter_mut().zip(&cache.zmask) {
            *g *= k;
        }
        let mut dhout = vec![0f32; m * 2 * h];
        {
            let (gm, rest) = grad[l.m..].split_at_mut(mo * 2 * h);
            let gbm = &mut rest[..mo];
            linear_back(
                &cache.hout,
                2 * h,
                self.block(l.m, mo * 2 * h),
                &dz,
                mo,
                gm,
                gbm,
                Some(&mut dhout),
            );
        }
        if !cache.hmask.is_empty() {
            for (g, k) in dhout.iter_mut().zip(&cache.hmask) {
                *g *= k;
            }
        }
        // BiLSTM.
        if let Some(l2) = &cache.l2 {
            let mut dinput = vec![0f32; m * 2 * h];
            for dir in 0..2 {
                let dpre = back_dir(
                    &l2.gates[dir],
                    &l2.c[dir],
                    &l2.tc[dir],
                    &l2.h[dir],
                    self.block(l.wrec2[dir], g4 * h),
                    &dhout,
                    m,
                    h,
                    dir,
                    &mut grad[l.wrec2[dir]..l.wrec2[dir] + g4 * h],
                );
                let (gwin, _) = grad[l.win2[dir]..].split_at_mut(g4 * 2 * h);
                let mut db = vec![0f32; g4];
                linear_back(
                    &l2.input,
                    2 * h,
                    self.block(l.win2[dir], g4 * 2 * h),
                    &dpre,
                    g4,
                    gwin,
                    &mut db,
                    Some(&mut dinput),
                );
                axpy(&mut grad[l.b2[dir]..l.b2[dir] + g4], 1.0, &db);
            }
            if !l2.inmask.is_empty() {
                for (g, k) in dinput.iter_mut().zip(&l2.inmask) {
                    *g *= k;
                }
            }
            dhout = dinput;
        }
        let mut dxall = vec![0f32; m * dx];
        for dir in 0..2 {
            let dpre = back_dir(
                &cache.gates[dir],
                &cache.c[dir],
                &cache.tc[dir],
                &cache.h[dir],
                self.block(l.wrec[dir], g4 * h),
                &dhout,
                m,
                h,
                dir,
                &mut grad[l.wrec[dir]..l.wrec[dir] + g4 * h],
            );
            let (gwin, _) = grad[l.win[dir]..].split_at_mut(g4 * dx);
            let mut db = vec![0f32; g4];
            linear_back(
                &cache.x,
                dx,
                self.block(l.win[dir], g4 * dx),
                &dpre,
                g4,
                gwin,
                &mut db,
                Some(&mut dxall),
            );
            axpy(&mut grad[l.b[dir]..l.b[dir] + g4], 1.0, &db);
        }
        if !cache.xmask.is_empty() {
            for (g, k) in dxall.iter_mut().zip(&cache.xmask) {
                *g *= k;
            }
        }
        // Embeddings.
        for (t, tok) in toks.iter().enumerate() {
            let row = &dxall[t * dx..(t + 1) * dx];
            let (w, rest) = row.split_at(d.wd);
            let (tg, rest) = rest.split_at(d.td);
            let (af, sh) = rest.split_at(d.ad);
            let o = l.ew + tok.word as usize * d.wd;
            axpy(&mut grad[o..o + d.wd], 1.0, w);
            let o = l.et + tok.tag as usize * d.td;
            axpy(&mut grad[o..o + d.td], 1.0, tg);
            for &a in &tok.aff {
                let o = l.ea + a as usize * d.ad;
                axpy(&mut grad[o..o + d.ad], 1.0, af);
            }
            let o = l.es + tok.shape as usize * d.sd;
            axpy(&mut grad[o..o + d.sd], 1.0, sh);
        }
        loss
    }

    /// Decodes a parsed sentence from the cache: (head, label) per word.
    fn decode(&self, cache: &Cache, root_label: usize) -> Vec<(usize, usize)> {
        let m = cache.m;
        let heads = eisner(m, &cache.arc);
        let mut hid = vec![0f32; self.d.lab];
        let mut out = vec![0f32; self.d.nlabels];
        (1..m)
            .map(|i| {
                let j = heads[i];
                let label = if j == 0 {
                    root_label
                } else {
                    self.label_scores(cache, i, j, &mut hid, &mut out);
                    let mut best = usize::MAX;
                    for (c, &v) in out.iter().enumerate() {
                        if c != root_label && (best == usize::MAX || v > out[best]) {
                            best = c;
                        }
                    }
                    best
                };
                (j, label)
            })
            .collect()
    }
}

/// Reads the heads off Eisner's back pointers `[complete left, complete right, incomplete left,
/// incomplete right]`, with an explicit stack of (kind, a, b) spans.
fn backtrack(m: usize, [bcl, bcr, bil, bir]: [&[u32]; 4]) -> Vec<usize> {
    let idx = |a: usize, b: usize| a * m + b;
    let mut heads = vec![0usize; m];
    let mut stack = vec![(1u8, 0usize, m - 1)];
    while let Some((kind, a, b)) = stack.pop() {
        if a == b {
            continue;
        }
        match kind {
            0 => {
                let r = bcl[idx(a, b)] as usize;
                stack.push((0, a, r));
                stack.push((2, r, b));
            }
            1 => {
                let r = bcr[idx(a, b)] as usize;
                stack.push((3, a, r));
                stack.push((1, r, b));
            }
            2 => {
                heads[a] = b;
                let r = bil[idx(a, b)] as usize;
                stack.push((1, a, r));
                stack.push((0, r + 1, b));
            }
            _ => {
                heads[b] = a;
                let r = bir[idx(a, b)] as usize;
                stack.push((1, a, r));
                stack.push((0, r + 1, b));
            }
        }
    }
    heads
}

/// Eisner's algorithm over `m` tokens (0 = root) with `s[d * m + h]` the score of head `h` for
/// dependent `d`; the root gets exactly one dependent. Returns the head of each token (entry 0
/// unused).
fn eisner(m: usize, s: &[f32]) -> Vec<usize> {
    if m <= 2 {
        return vec![0; m];
    }
    let ninf = f32::NEG_INFINITY;
    let idx = |a: usize, b: usize| a * m + b;
    // [span start][span end]: complete/incomplete, left (head at end) / right (head at start).
    let mut cl = vec![ninf; m * m];
    let mut cr = vec![ninf; m * m];
    let mut il = vec![ninf; m * m];
    let mut ir = vec![ninf; m * m];
    let mut bcl = vec![0u32; m * m];
    let mut bcr = vec![0u32; m * m];
    let mut bil = vec![0u32; m * m];
    let mut bir = vec![0u32; m * m];
    for a in 0..m {
        cl[idx(a, a)] = 0.0;
        cr[idx(a, a)] = 0.0;
    }
    for k in 1..m {
        for a in 0..m - k {
            let b = a + k;
            let mut best = ninf;
            let mut arg = a;
            for r in a..b {
                let v = cr[idx(a, r)] + cl[idx(r + 1, b)];
                if v > best {
                    best = v;
                    arg = r;
                }
            }
            if a > 0 {
                il[idx(a, b)] = best + s[a * m + b];
                bil[idx(a, b)] = arg as u32;
            }
            ir[idx(a, b)] = best + s[b * m + a];
            bir[idx(a, b)] = arg as u32;
            let mut best = ninf;
            let mut arg = a;
            for r in a..b {
                let v = cl[idx(a, r)] + il[idx(r, b)];
                if v > best {
                    best = v;
                    arg = r;
                }
            }
            cl[idx(a, b)] = best;
            bcl[idx(a, b)] = arg as u32;
            let mut best = ninf;
            let mut arg = b;
            for r in a + 1..=b {
                let v = ir[idx(a, r)] + cr[idx(r, b)];
                if v > best {
                    best = v;
                    arg = r;
                }
            }
            cr[idx(a, b)] = if a == 0 && b < m - 1 { ninf } else { best };
            bcr[idx(a, b)] = arg as u32;
        }
    }
    backtrack(m, [&bcl, &bcr, &bil, &bir])
}

/// The largest `x[i] + y[i]` and the first `i` that reaches it; `None` when every sum is -inf
/// (the sums and the maximum are exact operations, so this is the strict `>` scan of [`eisner`]).
#[inline]
#[allow(clippy::needless_range_loop)]
fn best_sum(x: &[f32], y: &[f32]) -> Option<(f32, usize)> {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut lanes = [f32::NEG_INFINITY; 8];
    let (mut cx, mut cy) = (x.chunks_exact(8), y.chunks_exact(8));
    for (a, b) in (&mut cx).zip(&mut cy) {
        for k in 0..8 {
            let v = a[k] + b[k];
            lanes[k] = if v > lanes[k] { v } else { lanes[k] };
        }
    }
    let mut mx = lanes
        .iter()
        .copied()
        .fold(f32::NEG_INFINITY, |m, v| if v > m { v } else { m });
    for (a, b) in cx.remainder().iter().zip(cy.remainder()) {
        if a + b > mx {
            mx = a + b;
        }
    }
    if mx == f32::NEG_INFINITY {
        return None;
    }
    // The first sum equal to the maximum, eight at a time (a mask of equal lanes).
    let (mut cx, mut cy) = (x.chunks_exact(8), y.chunks_exact(8));
    for (c, (a, b)) in (&mut cx).zip(&mut cy).enumerate() {
        let mut mask = 0u32;
        for k in 0..8 {
            mask |= u32::from(a[k] + b[k] == mx) << k;
        }
        if mask != 0 {
            return Some((mx, 8 * c + mask.trailing_zeros() as usize));
        }
    }
    let tail = n - cx.remainder().len();
    cx.remainder()
        .iter()
        .zip(cy.remainder())
        .position(|(a, b)| a + b == mx)
        .map(|i| (mx, tail + i))
}

/// [`eisner`] (the same heads: the same sums, maxima and first maxima) with the tables also kept
/// transposed, so that every inner loop reads two rows.
fn eisner_fast(m: usize, s: &[f32]) -> Vec<usize> {
    if m <= 2 {
        return vec![0; m];
    }
    let ninf = f32::NEG_INFINITY;
    let idx = |a: usize, b: usize| a * m + b;
    let mut cl = vec![ninf; m * m];
    let mut clt = vec![ninf; m * m];
    let mut cr = vec![ninf; m * m];
    let mut crt = vec![ninf; m * m];
    let mut il = vec![ninf; m * m];
    let mut ilt = vec![ninf; m * m];
    let mut ir = vec![ninf; m * m];
    let mut bcl = vec![0u32; m * m];
    let mut bcr = vec![0u32; m * m];
    let mut bil = vec![0u32; m * m];
    let mut bir = vec![0u32; m * m];
    for a in 0..m {
        cl[idx(a, a)] = 0.0;
        clt[idx(a, a)] = 0.0;
        cr[idx(a, a)] = 0.0;
        crt[idx(a, a)] = 0.0;
    }
    for k in 1..m {
        for a in 0..m - k {
            let b = a + k;
            // r in a..b: cr[a][r] + cl[r + 1][b]
            let (best, arg) = match best_sum(&cr[idx(a, a)..idx(a, b)], &clt[idx(b, a + 1)..idx(b, b + 1)]) {
                Some((v, i)) => (v, a + i),
                None => (ninf, a),
            };
            if a > 0 {
                il[idx(a, b)] = best + s[a * m + b];
                ilt[idx(b, a)] = il[idx(a, b)];
                bil[idx(a, b)] = arg as u32;
            }
            ir[idx(a, b)] = best + s[b * m + a];
            bir[idx(a, b)] = arg as u32;
            // r in a..b: cl[a][r] + il[r][b]
            let (best, arg) = match best_sum(&cl[idx(a, a)..idx(a, b)], &ilt[idx(b, a)..idx(b, b)]) {
                Some((v, i)) => (v, a + i),
                None => (ninf, a),
            };
            cl[idx(a, b)] = best;
            clt[idx(b, a)] = best;
            bcl[idx(a, b)] = arg as u32;
            // r in a + 1..=b: ir[a][r] + cr[r][b]
            let (best, arg) = match best_sum(&ir[idx(a, a + 1)..idx(a, b + 1)], &crt[idx(b, a + 1)..idx(b, b + 1)]) {
                Some((v, i)) => (v, a + 1 + i),
                None => (ninf, b),
            };
            let v = if a == 0 && b < m - 1 { ninf } else { best };
            cr[idx(a, b)] = v;
            crt[idx(b, a)] = v;
            bcr[idx(a, b)] = arg as u32;
        }
    }
    backtrack(m, [&bcl, &bcr, &bil, &bir])
}

// ---------------------------------------------------------------------------------------------
// The parser.

/// A trained neural parser.
#[derive(Debug, Clone, PartialEq)]
pub struct NeuralParser {
    /// Dependency labels.
    pub labels: Vec<String>,
    root_label: usize,
    dims: Dims,
    layout: Layout,
    /// Word keys (hash of the normalized form) in id order, from id 2 on.
    vocab: Vec<u64>,
    index: IdMap<u32>,
    params: Vec<f32>,
    pk: Packed,
    pre: Pre,
}

/// A sentence to train the neural parser on.
pub struct NeuralSentence<'a> {
    /// Word forms.
    pub words: Vec<&'a str>,
    /// Joint tag ids (predicted, for robustness).
    pub tags: Vec<usize>,
    /// Gold heads (0 = root, else 1-based).
    pub heads: Vec<usize>,
    /// Gold label ids.
    pub labels: Vec<usize>,
}

fn uniform(rng: &mut Rng, v: &mut [f32], a: f32) {
    for x in v {
        *x = ((rng.unit() * 2.0 - 1.0) as f32) * a;
    }
}

fn universal(label: &str) -> &str {
    label.split(':').next().unwrap_or(label)
}

impl NeuralParser {
    fn new(labels: &[String], ntags: usize, vocab: Vec<u64>, o: &NeuralOptions) -> NeuralParser {
        let dims = Dims {
            nwords: vocab.len() + 2,
            ntags: ntags + 2,
            nbuckets: o.affix_buckets,
            nshapes: NSHAPES,
            nlabels: labels.len(),
            wd: o.word_dim,
            td: o.tag_dim,
            ad: o.affix_dim,
            sd: o.shape_dim,
            h: o.hidden,
            arc: o.arc_dim,
            lab: o.label_dim,
            layers: o.layers.clamp(1, 2),
        };
        let layout = layout(&dims);
        let mut params = vec![0f32; layout.total];
        let mut rng = Rng::new(o.seed);
        let l = layout;
        let d = dims;
        uniform(&mut rng, &mut params[l.ew..l.et], 0.1);
        uniform(&mut rng, &mut params[l.et..l.ea], 0.1);
        uniform(&mut rng, &mut params[l.ea..l.es], 0.1 / (NAFF as f32).sqrt());
        uniform(&mut rng, &mut params[l.es..l.win[0]], 0.1);
        let g4 = 4 * d.h;
        for dir in 0..2 {
            let a = (6.0 / (g4 + d.dx()) as f32).sqrt();
            uniform(&mut rng, &mut params[l.win[dir]..l.win[dir] + g4 * d.dx()], a);
            let a = (6.0 / (g4 + d.h) as f32).sqrt();
            uniform(&mut rng, &mut params[l.wrec[dir]..l.wrec[dir] + g4 * d.h], a);
            for v in &mut params[l.b[dir] + d.h..l.b[dir] + 2 * d.h] {
                *v = 1.0;
            }
        }
        let a = (6.0 / (d.mo() + 2 * d.h) as f32).sqrt();
        uniform(&mut rng, &mut params[l.m..l.bm], a);
        let a = (6.0 / (d.nlabels + d.lab) as f32).sqrt();
        uniform(&mut rng, &mut params[l.wl..l.bl], a);
        if d.layers >= 2 {
            for dir in 0..2 {
                let a = (6.0 / (g4 + 2 * d.h) as f32).sqrt();
                uniform(&mut rng, &mut params[l.win2[dir]..l.win2[dir] + g4 * 2 * d.h], a);
                let a = (6.0 / (g4 + d.h) as f32).sqrt();
                uniform(&mut rng, &mut params[l.wrec2[dir]..l.wrec2[dir] + g4 * d.h], a);
                for v in &mut params[l.b2[dir] + d.h..l.b2[dir] + 2 * d.h] {
                    *v = 1.0;
                }
            }
        }
        let root_label = labels.iter().position(|s| s == "root").unwrap_or(0);
        let index = vocab.iter().enumerate().map(|(i, &k)| (k, i as u32 + 2)).collect();
        NeuralParser {
            labels: labels.to_vec(),
            root_label,
            dims,
            layout,
            vocab,
            index,
            params,
            pk: Packed::default(),
            pre: Pre::default(),
        }
        .repacked()
    }

    fn net(&self) -> Net<'_> {
        Net {
            d: self.dims,
            l: self.layout,
            p: &self.params,
            pk: &self.pk,
            pre: None,
        }
    }

    /// With the packed matrices computed from the current parameters.
    fn repacked(mut self) -> NeuralParser {
        self.pk = Packed::new(&self.dims, &self.layout, &self.params);
        self
    }

    /// With the inference tables computed from the current parameters.
    fn prepared(mut self) -> NeuralParser {
        self.pre = precompute(&self.dims, &self.layout, &self.params);
        self
    }

    /// Input features of a sentence, root first.
    fn features(&self, words: &[&str], tags: &[usize]) -> Vec<Tok> {
        let d = &self.dims;
        let mut out = Vec::with_capacity(words.len() + 1);
        out.push(Tok {
            word: ROOT,
            tag: (d.ntags - 2) as u32,
            aff: root_affixes(d.nbuckets),
            shape: 0,
        });
        for (i, (w, &t)) in words.iter().zip(tags).enumerate() {
            let norm = normalize(w);
            let key = fnv(norm.as_bytes());
            out.push(Tok {
                word: self.index.get(&key).copied().unwrap_or(UNK),
                tag: (t.min(d.ntags - 3)) as u32,
                aff: affix_ids(&norm, d.nbuckets),
                shape: shape_id(w, i == 0),
            });
        }
        out
    }

    /// Parses a tagged sentence: (head, label id) per word, head 0 = root, exactly one root.
    pub fn parse(&self, words: &[&str], tags: &[usize]) -> Vec<(usize, usize)> {
        self.parse_batch(&[(words, tags)]).pop().unwrap_or_default()
    }

    /// [`NeuralParser::parse`] on several sentences (words and tags) at once: the same trees,
    /// faster (each weight read serves several sentences).
    pub fn parse_batch(&self, sents: &[(&[&str], &[usize])]) -> Vec<Vec<(usize, usize)>> {
        self.parse_with(sents, Level::best())
    }

    /// [`NeuralParser::parse_batch`] with the kernels of `lv`.
    fn parse_with(&self, sents: &[(&[&str], &[usize])], lv: Level) -> Vec<Vec<(usize, usize)>> {
        if self.pre.word.is_empty() {
            return sents.iter().map(|(w, t)| self.parse_reference(w, t)).collect();
        }
        // Longest first, in groups of similar length (they run in step through the LSTMs).
        let mut order: Vec<usize> = (0..sents.len()).filter(|&i| !sents[i].0.is_empty()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(sents[i].0.len()));
        let mut out = vec![Vec::new(); sents.len()];
        let net = self.net();
        for group in order.chunks(GROUP) {
            let toks: Vec<Vec<Tok>> = group.iter().map(|&i| self.features(sents[i].0, sents[i].1)).collect();
            for (&i, cache) in group.iter().zip(net.infer(&toks, &self.pre, lv)) {
                out[i] = net.decode_fast(&cache, self.root_label, lv);
            }
        }
        out
    }

    /// [`NeuralParser::parse`] with the training forward pass (plain kernels), which picks the
    /// best pass in training: so training stays what it was when the SIMD kernels came.
    fn parse_reference(&self, words: &[&str], tags: &[usize]) -> Vec<(usize, usize)> {
        if words.is_empty() {
            return Vec::new();
        }
        let toks = self.features(words, tags);
        let mut net = self.net();
        if !self.pre.word.is_empty() {
            net.pre = Some(&self.pre);
        }
        let mut cache = Cache::default();
        net.forward(&toks, None, &mut cache);
        net.decode(&cache, self.root_label)
    }

    /// Number of parameters.
    pub fn size(&self) -> usize {
        self.params.len()
    }

    /// Serializes the parser.
    pub fn write(&self, w: &mut Writer) {
        w.strs(&self.labels);
        let d = &self.dims;
        for v in [
            d.nwords, d.ntags, d.nbuckets, d.nshapes, d.nlabels, d.wd, d.td, d.ad, d.sd, d.h, d.arc, d.lab, d.layers,
        ] {
            w.var(v as u64);
        }
        for &k in &self.vocab {
            w.u64(k);
        }
        for &p in &self.params {
            w.buf.extend_from_slice(&p.to_le_bytes());
        }
    }

    /// Reads what [`NeuralParser::write`] wrote.
    pub fn read(r: &mut Reader) -> Result<NeuralParser, ModelError> {
        let labels = r.strs()?;
        let mut v = [0usize; 13];
        for x in &mut v {
            *x = r.len()?;
        }
        let dims = Dims {
            nwords: v[0],
            ntags: v[1],
            nbuckets: v[2],
            nshapes: v[3],
            nlabels: v[4],
            wd: v[5],
            td: v[6],
            ad: v[7],
            sd: v[8],
            h: v[9],
            arc: v[10],
            lab: v[11],
            layers: v[12],
        };
        if dims.nlabels != labels.len()
            || dims.nwords < 2
            || dims.ntags < 3
            || dims.nbuckets == 0
            || dims.nshapes != NSHAPES
            || !(1..=2).contains(&dims.layers)
        {
            return Err(ModelError::Format("inconsistent neural parser dimensions".into()));
        }
        let vocab = (0..dims.nwords - 2).map(|_| r.u64()).collect::<Result<Vec<_>, _>>()?;
        let layout = layout(&dims);
        let bytes = r.take(
            layout
                .total
                .checked_mul(4)
                .ok_or_else(|| ModelError::Format("too large".into()))?,
        )?;
        let params = bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let root_label = labels.iter().position(|s| s == "root").unwrap_or(0);
        let index = vocab.iter().enumerate().map(|(i, &k)| (k, i as u32 + 2)).collect();
        Ok(NeuralParser {
            labels,
            root_label,
            dims,
            layout,
            vocab,
            index,
            params,
            pk: Packed::default(),
            pre: Pre::default(),
        }
        .repacked()
        .prepared())
    }

    /// (UAS, LAS) in percent on sentences (universal relations compared for LAS).
    fn score(&self, sents: &[NeuralSentence]) -> (f64, f64) {
        let (mut n, mut u, mut l) = (0usize, 0usize, 0usize);
        for s in sents {
            for (i, (h, lab)) in self.parse_reference(&s.words, &s.tags).into_iter().enumerate() {
                n += 1;
                if h == s.heads[i] {
                    u += 1;
                    if universal(&self.labels[lab]) == universal(&self.labels[s.labels[i]]) {
                        l += 1;
                    }
                }
            }
        }
        let pct = |x: usize| 100.0 * x as f64 / n.max(1) as f64;
        (pct(u), pct(l))
    }

    /// Trains a parser; keeps the parameters of the pass with the best LAS on `dev`.
    pub fn train(
        labels: &[String],
        ntags: usize,
        train: &[NeuralSentence],
        dev: &[NeuralSentence],
        o: &NeuralOptions,
        log: &mut dyn FnMut(String),
    ) -> NeuralParser {
        let start = std::time::Instant::now();
        let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for s in train {
            for w in &s.words {
                *counts.entry(normalize(w)).or_default() += 1;
            }
        }
        let mut words: Vec<(usize, String)> = counts
            .into_iter()
            .filter(|(_, c)| *c >= o.min_word_count)
            .map(|(w, c)| (c, w))
            .collect();
        words.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let vocab: Vec<u64> = words.iter().map(|(_, w)| fnv(w.as_bytes())).collect();
        let mut parser = NeuralParser::new(labels, ntags, vocab, o);
        let feats: Vec<Vec<Tok>> = train.iter().map(|s| parser.features(&s.words, &s.tags)).collect();
        let total = parser.params.len();
        log(format!(
            "neural parser: {} words, {} parameters, {} train sentences",
            parser.dims.nwords,
            total,
            train.len()
        ));
        let mut adam_m = vec![0f32; total];
        let mut adam_v = vec![0f32; total];
        let mut grads: Vec<Vec<f32>> = (0..CHUNKS).map(|_| vec![0f32; total]).collect();
        let mut rng = Rng::new(o.seed ^ 0x7a11);
        let mut order: Vec<usize> = (0..train.len()).collect();
        let mut best = (f64::NEG_INFINITY, 0usize, parser.params.clone());
        let (b1, b2, eps) = (0.9f32, 0.9f32, 1e-8f32);
        let mut step = 0i32;
        let unk_tag = (parser.dims.ntags - 1) as u32;
        let threads = o.threads.clamp(1, CHUNKS);
        for epoch in 0..o.epochs {
            rng.shuffle(&mut order);
            let mut loss_sum = 0f64;
            let mut tok_sum = 0usize;
            for batch in order.chunks(o.batch.max(1)) {
                let per = batch.len().div_ceil(CHUNKS);
                let chunks: Vec<&[usize]> = batch.chunks(per.max(1)).collect();
                let net = parser.net();
                let work = |chunk: &[usize], g: &mut Vec<f32>| -> f32 {
                    g.iter_mut().for_each(|v| *v = 0.0);
                    let mut loss = 0f32;
                    let mut cache = Cache::default();
                    for &si in chunk {
                        let mut nz = Noise {
                            rng: Rng::new(o.seed ^ mix((epoch as u64) << 32 | si as u64)),
                            p: o.dropout,
                        };
                        let mut toks = feats[si].clone();
                        for t in toks.iter_mut().skip(1) {
                            if (nz.rng.unit() as f32) < o.word_dropout {
                                t.word = UNK;
                            }
                            if (nz.rng.unit() as f32) < o.tag_dropout {
                                t.tag = unk_tag;
                            }
                        }
                        net.forward(&toks, Some(&mut nz), &mut cache);
                        loss += net.backward(&toks, &train[si].heads, &train[si].labels, &cache, g);
                    }
                    loss
                };
                let mut losses = [0f32; CHUNKS];
                if threads > 1 {
                    std::thread::scope(|scope| {
                        let handles: Vec<_> = grads
                            .iter_mut()
                            .zip(&chunks)
                            .map(|(g, c)| {
                                let work = &work;
                                scope.spawn(move || work(c, g))
                            })
                            .collect();
                        for (k, hd) in handles.into_iter().enumerate() {
                            losses[k] = hd.join().expect("gradient thread panicked");
                        }
                    });
                } else {
                    for (k, (g, c)) in grads.iter_mut().zip(&chunks).enumerate() {
                        losses[k] = work(c, g);
                    }
                }
                for g in grads.iter_mut().skip(chunks.len()) {
                    g.iter_mut().for_each(|v| *v = 0.0);
                }
                let ntok: usize = batch.iter().map(|&si| train[si].heads.len()).sum();
                tok_sum += ntok;
                loss_sum += losses.iter().map(|&x| f64::from(x)).sum::<f64>();
                let (g0, rest) = grads.split_at_mut(1);
                let g0 = &mut g0[0];
                for g in rest.iter() {
                    for (a, b) in g0.iter_mut().zip(g) {
                        *a += b;
                    }
                }
                let scale = 1.0 / ntok.max(1) as f32;
                let mut norm = 0f64;
                for v in g0.iter_mut() {
                    *v *= scale;
                    norm += f64::from(*v) * f64::from(*v);
                }
                let norm = norm.sqrt() as f32;
                let clip = if norm > 5.0 { 5.0 / norm } else { 1.0 };
                step += 1;
                let lr = o.learning_rate * 0.75f32.powf(step as f32 / 5000.0);
                let c1 = 1.0 - b1.powi(step);
                let c2 = 1.0 - b2.powi(step);
                let lr_t = lr * c2.sqrt() / c1;
                for (((p, g), mm), vv) in parser
                    .params
                    .iter_mut()
                    .zip(g0.iter())
                    .zip(&mut adam_m)
                    .zip(&mut adam_v)
                {
                    let g = g * clip;
                    *mm = b1 * *mm + (1.0 - b1) * g;
                    *vv = b2 * *vv + (1.0 - b2) * g * g;
                    *p -= lr_t * *mm / (vv.sqrt() + eps);
                }
                parser.pk = Packed::new(&parser.dims, &parser.layout, &parser.params);
            }
            parser.pre = precompute(&parser.dims, &parser.layout, &parser.params);
            let (uas, las) = parser.score(dev);
            log(format!(
                "neural epoch {}: loss {:.4}, dev UAS {uas:.2} LAS {las:.2} ({:.0}s)",
                epoch + 1,
                loss_sum / tok_sum.max(1) as f64,
                start.elapsed().as_secs_f64()
            ));
            if las > best.0 {
                best = (las, epoch + 1, parser.params.clone());
            }
        }
        if !dev.is_empty() {
            log(format!("neural parser: kept epoch {} (dev LAS {:.2})", best.1, best.0));
            parser.params = best.2;
        }
        parser.repacked().prepared()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_is_accurate() {
        for i in -400..400 {
            let x = i as f32 * 0.05;
            let (a, b) = (fexp(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-6, "{x}: {a} vs {b}");
        }
        assert!((ftanh(0.3) - 0.3f32.tanh()).abs() < 1e-6);
        assert!((sigmoid(-2.0) - 1.0 / (1.0 + 2f32.exp())).abs() < 1e-6);
    }

    #[test]
    fn eisner_finds_the_best_projective_tree_with_one_root() {
        // 3 words; scores favour 2 as root with 1 and 3 attached to it.
        let m = 4;
        let mut s = vec![-10f32; m * m];
        s[m + 2] = 0.0; // 1 <- 2
        s[2 * m] = 0.0; // 2 <- root
        s[3 * m + 2] = 0.0; // 3 <- 2
        s[3 * m] = -0.5; // 3 <- root (would be a second root)
        assert_eq!(eisner(m, &s), vec![0, 2, 0, 2]);
        // Two words that both prefer the root: only one gets it.
        let m = 3;
        let mut s = vec![-1f32; m * m];
        s[m] = 0.0;
        s[2 * m] = 0.0;
        let h = eisner(m, &s);
        assert_eq!(h.iter().skip(1).filter(|&&x| x == 0).count(), 1);
    }

    #[test]
    fn fast_eisner_finds_the_same_heads() {
        let mut rng = Rng::new(5);
        for m in 1..40 {
            for coarse in [false, true] {
                let s: Vec<f32> = (0..m * m)
                    .map(|_| {
                        let v = rng.unit() as f32 * 8.0 - 4.0;
                        // Coarse scores make ties; a few -inf entries too.
                        if rng.unit() < 0.05 {
                            f32::NEG_INFINITY
                        } else if coarse {
                            v.round()
                        } else {
                            v
                        }
                    })
                    .collect();
                assert_eq!(eisner_fast(m, &s), eisner(m, &s), "m={m} coarse={coarse}");
            }
        }
    }

    fn tiny(layers: usize) -> (NeuralParser, Vec<Tok>, Vec<usize>, Vec<usize>) {
        let labels: Vec<String> = ["nsubj", "obj", "root"].iter().map(|s| s.to_string()).collect();
        let o = NeuralOptions {
            hidden: 4,
            word_dim: 4,
            tag_dim: 3,
            affix_dim: 2,
            shape_dim: 2,
            arc_dim: 3,
            label_dim: 3,
            affix_buckets: 16,
            layers,
            seed: 7,
            ..NeuralOptions::default()
        };
        let mut p = NeuralParser::new(&labels, 3, vec![fnv(b"dogs"), fnv(b"bark")], &o);
        // Nonzero biaffine weights so that every block gets a gradient.
        let mut rng = Rng::new(3);
        let (a, b) = (p.layout.wq, p.layout.wl);
        uniform(&mut rng, &mut p.params[a..b], 0.5);
        for v in p.params.iter_mut() {
            *v *= 3.0;
        }
        let p = p.repacked();
        let toks = p.features(&["Dogs", "bark", "loudly"], &[0, 1, 2]);
        (p, toks, vec![2, 0, 2], vec![0, 2, 1])
    }

    fn loss_of(p: &NeuralParser, toks: &[Tok], heads: &[usize], labels: &[usize]) -> f64 {
        let pk = Packed::new(&p.dims, &p.layout, &p.params);
        let net = Net { pk: &pk, ..p.net() };
        let mut cache = Cache::default();
        net.forward(toks, None, &mut cache);
        let mut g = vec![0f32; p.params.len()];
        f64::from(net.backward(toks, heads, labels, &cache, &mut g))
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn gradients_match_finite_differences() {
        for layers in [1, 2] {
            check_gradients(layers);
        }
    }

    #[allow(clippy::needless_range_loop)]
    fn check_gradients(layers: usize) {
        let (mut p, toks, heads, labels) = tiny(layers);
        let net = p.net();
        let mut cache = Cache::default();
        net.forward(&toks, None, &mut cache);
        let mut grad = vec![0f32; p.params.len()];
        net.backward(&toks, &heads, &labels, &cache, &mut grad);
        // Check every parameter that is used (nonzero analytic or numeric gradient).
        let mut checked = 0;
        let mut worst = 0f64;
        for i in 0..p.params.len() {
            let ana = f64::from(grad[i]);
            // Central differences at two step sizes (a ReLU kink may lie within one of them).
            let mut err = f64::INFINITY;
            let mut num = 0.0;
            for eps in [1e-2f32, 2e-3] {
                let orig = p.params[i];
                p.params[i] = orig + eps;
                let lp = loss_of(&p, &toks, &heads, &labels);
                p.params[i] = orig - eps;
                let lm = loss_of(&p, &toks, &heads, &labels);
                p.params[i] = orig;
                let n = (lp - lm) / (2.0 * f64::from(eps));
                let e = (n - ana).abs() / (n.abs() + ana.abs()).max(1e-2);
                if e < err {
                    err = e;
                    num = n;
                }
            }
            if num.abs() < 1e-4 && ana.abs() < 1e-4 {
                continue;
            }
            checked += 1;
            worst = worst.max(err);
            assert!(err < 0.05, "param {i}: numeric {num} analytic {ana}");
        }
        assert!(checked > 200, "only {checked} parameters checked");
        assert!(worst < 0.05);
    }

    #[test]
    fn training_is_deterministic_whatever_the_threads() {
        let labels: Vec<String> = ["det", "nsubj", "obj", "root"].iter().map(|s| s.to_string()).collect();
        let words = ["the", "dog", "saw", "a", "cat", "The", "Cats", "chase", "mice", "5"];
        let mut rng = Rng::new(11);
        let sents: Vec<NeuralSentence> = (0..24)
            .map(|_| {
                let n = 2 + (rng.next_u64() % 5) as usize;
                let ws: Vec<&str> = (0..n).map(|_| words[(rng.next_u64() % 10) as usize]).collect();
                let tags: Vec<usize> = (0..n).map(|i| i % 3).collect();
                let heads: Vec<usize> = (0..n).map(|i| if i == 1 { 0 } else { 2 }).collect();
                let labs: Vec<usize> = (0..n).map(|i| if i == 1 { 3 } else { i % 3 }).collect();
                NeuralSentence {
                    words: ws,
                    tags,
                    heads,
                    labels: labs,
                }
            })
            .collect();
        let train = |threads: usize| {
            let o = NeuralOptions {
                epochs: 2,
                hidden: 8,
                word_dim: 8,
                tag_dim: 4,
                affix_dim: 4,
                shape_dim: 2,
                arc_dim: 8,
                label_dim: 8,
                affix_buckets: 64,
                min_word_count: 1,
                batch: 5,
                layers: 2,
                threads,
                ..NeuralOptions::default()
            };
            let p = NeuralParser::train(&labels, 3, &sents, &sents[..6], &o, &mut |_| {});
            let mut w = Writer::default();
            p.write(&mut w);
            w.buf
        };
        let one = train(1);
        assert_eq!(one, train(2));
        assert_eq!(one, train(1));
    }

    #[test]
    fn round_trips_and_parses() {
        let (p, _, _, _) = tiny(2);
        let mut w = Writer::default();
        p.write(&mut w);
        let back = NeuralParser::read(&mut Reader::new(&w.buf)).unwrap();
        let p = p.prepared();
        assert_eq!(back, p);
        // The inference tables give the same arc probabilities as the plain forward pass.
        let toks = p.features(&["Dogs", "bark", "loudly", "."], &[0, 1, 2, 2]);
        let (mut slow, mut fast) = (Cache::default(), Cache::default());
        p.net().forward(&toks, None, &mut slow);
        let mut net = p.net();
        net.pre = Some(&p.pre);
        net.forward(&toks, None, &mut fast);
        for (a, b) in slow.arc.iter().zip(&fast.arc) {
            assert!(a == b || (a - b).abs() < 1e-4, "{a} vs {b}");
        }
        // So do the SIMD kernels, bit for bit the same on every path.
        let mut first: Option<Vec<u32>> = None;
        for lv in Level::all() {
            let simd = p.net().infer(std::slice::from_ref(&toks), &p.pre, lv).remove(0);
            for (a, b) in slow.arc.iter().zip(&simd.arc) {
                assert!(a == b || (a - b).abs() < 1e-4, "{a} vs {b}");
            }
            let arc_bits: Vec<u32> = simd.arc.iter().map(|v| v.to_bits()).collect();
            assert_eq!(*first.get_or_insert_with(|| arc_bits.clone()), arc_bits, "{lv:?}");
        }
        let out = p.parse(&["Dogs", "bark", "loudly", "."], &[0, 1, 2, 2]);
        assert_eq!(out, p.parse_reference(&["Dogs", "bark", "loudly", "."], &[0, 1, 2, 2]));
        assert_eq!(out.len(), 4);
        assert_eq!(out.iter().filter(|(h, _)| *h == 0).count(), 1);
        assert!(out.iter().all(|&(h, l)| (h == 0) == (l == p.root_label)));
    }

    /// The shipped model: the SIMD kernels give the same scores on every path (bit for bit),
    /// whether a sentence runs alone or with others, and the same trees as the training forward
    /// pass.
    #[test]
    fn simd_inference_is_the_same_on_every_path() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/en_ewt.model");
        let model = super::super::Model::from_file(std::path::Path::new(path)).expect("the shipped neural model");
        let super::super::AnyParser::Neural(p) = &model.parser else {
            panic!("a neural model");
        };
        let texts = [
            "Peskov denied that Moscow had sent a response to the letter , which arrived on Monday .",
            "The minister said it would not happen again .",
            "Hello",
            "",
            "\" We will not accept this , \" she told reporters in Brussels after the talks , which lasted \
             six hours , ended without an agreement on the budget or on the timetable for the next round .",
        ];
        let words: Vec<Vec<&str>> = texts
            .iter()
            .map(|t| t.split(' ').filter(|w| !w.is_empty()).collect())
            .collect();
        let tags: Vec<Vec<usize>> = words.iter().map(|w| model.tagger.tag_ids(w).0).collect();
        let sents: Vec<(&[&str], &[usize])> = words.iter().zip(&tags).map(|(w, t)| (&w[..], &t[..])).collect();
        let toks: Vec<Vec<Tok>> = sents.iter().map(|(w, t)| p.features(w, t)).collect();
        let bits = |c: &Cache| -> Vec<u32> { c.arc.iter().chain(&c.z).map(|v| v.to_bits()).collect() };
        let want: Vec<Vec<(usize, usize)>> = sents.iter().map(|(w, t)| p.parse_reference(w, t)).collect();
        let mut first: Option<Vec<Vec<u32>>> = None;
        for lv in Level::all() {
            let together: Vec<Vec<u32>> = p.net().infer(&toks, &p.pre, lv).iter().map(bits).collect();
            for (one, t) in together.iter().zip(&toks) {
                assert_eq!(
                    &bits(&p.net().infer(std::slice::from_ref(t), &p.pre, lv)[0]),
                    one,
                    "{lv:?}"
                );
            }
            assert_eq!(*first.get_or_insert_with(|| together.clone()), together, "{lv:?}");
            assert_eq!(p.parse_with(&sents, lv), want, "{lv:?}");
        }
        assert_eq!(p.parse_batch(&sents[..1]), want[..1]);
        assert_eq!(p.parse(sents[1].0, sents[1].1), want[1]);
    }
}
