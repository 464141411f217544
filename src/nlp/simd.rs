//! SIMD kernels for the neural parser's inference, chosen at run time (AVX-512, AVX2 with FMA,
//! or portable Rust).
//!
//! Every path computes bit-identical results, so that a parse does not depend on the machine:
//! each output of [`gemm`] is one chain of fused multiply-adds in order of the inner index,
//! starting from the output's previous value, whatever the vector width (a lane of a vector
//! register holds one output; there are no horizontal sums); the element-wise functions use only
//! correctly rounded operations, which do not depend on the vector width either (Rust never fuses
//! a multiplication and an addition by itself).
//!
//! Training does not use these kernels (its numbers stay those of the trained model).

#![allow(unsafe_code)]

use std::sync::OnceLock;

/// Rows per panel of a packed matrix (as `neural::pack` lays it out).
pub(super) const PANEL: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

/// An instruction set this CPU supports; only [`Level::best`] and [`Level::all`] make one, after
/// detecting the features, which is what makes the dispatch calls sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Level(Kind);

impl Level {
    /// The fastest instruction set of this CPU (detected once).
    pub(super) fn best() -> Level {
        static BEST: OnceLock<Level> = OnceLock::new();
        *BEST.get_or_init(|| *Level::all().last().expect("the portable level"))
    }

    /// Every instruction set this CPU supports, the portable one first, the fastest last.
    pub(super) fn all() -> Vec<Level> {
        #[allow(unused_mut)]
        let mut out = vec![Level(Kind::Scalar)];
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                out.push(Level(Kind::Avx2));
            }
            if is_x86_feature_detected!("avx512f") {
                out.push(Level(Kind::Avx512));
            }
        }
        out
    }
}

/// `y[t·ys + r] ← x[t·xs + k−1]·W[r][k−1] + (… + (x[t·xs]·W[r][0] + y[t·ys + r]))` for `t < m`,
/// `r < n`, every step one fused multiply-add; `wp` is the `n × k` matrix `W` packed in panels of
/// [`PANEL`] rows (each panel column by column, the last one padded with zeros).
#[allow(clippy::too_many_arguments)]
pub(super) fn gemm(
    lv: Level,
    wp: &[f32],
    n: usize,
    k: usize,
    x: &[f32],
    xs: usize,
    y: &mut [f32],
    ys: usize,
    m: usize,
) {
    if m == 0 || n == 0 {
        return;
    }
    let np = n.div_ceil(PANEL);
    assert!(wp.len() >= np * PANEL * k, "packed matrix too short");
    assert!(x.len() >= (m - 1) * xs + k, "input too short");
    assert!(y.len() >= (m - 1) * ys + n, "output too short");
    if m == 1 {
        // One token: several panels at once (independent accumulators hide the FMA latency).
        let group = match lv.0 {
            Kind::Scalar => 1,
            #[cfg(target_arch = "x86_64")]
            Kind::Avx2 => 2,
            #[cfg(target_arch = "x86_64")]
            Kind::Avx512 => 4,
        };
        let mut p = 0;
        while p < np {
            let g = if p + group <= np { group } else { 1 };
            let rows = (n - p * PANEL).min(g * PANEL);
            let w = &wp[p * PANEL * k..(p + g) * PANEL * k];
            let mut tmp = [0f32; 4 * PANEL];
            // Full panels in place, a partial one through `tmp` (padded with zeros).
            let full = rows == g * PANEL;
            if !full {
                tmp[..rows].copy_from_slice(&y[p * PANEL..p * PANEL + rows]);
            }
            let acc = if full {
                &mut y[p * PANEL..(p + g) * PANEL]
            } else {
                &mut tmp[..]
            };
            match (lv.0, g) {
                #[cfg(target_arch = "x86_64")]
                (Kind::Avx512, 4) => {
                    // SAFETY: the level exists, so the CPU has AVX-512F.
                    unsafe { x86::panels_avx512::<4>(w, k, x, acc) }
                }
                #[cfg(target_arch = "x86_64")]
                (Kind::Avx2, 2) => {
                    // SAFETY: the level exists, so the CPU has AVX2 and FMA.
                    unsafe { x86::panels_avx2::<2>(w, k, x, acc) }
                }
                _ => tile(lv, w, k, x, xs, acc, PANEL, 1),
            }
            if !full {
                y[p * PANEL..p * PANEL + rows].copy_from_slice(&tmp[..rows]);
            }
            p += g;
        }
        return;
    }
    let block = match lv.0 {
        Kind::Scalar => 1,
        #[cfg(target_arch = "x86_64")]
        Kind::Avx2 => 2,
        #[cfg(target_arch = "x86_64")]
        Kind::Avx512 => 8,
    };
    // Panel by panel (it stays in L1 while it meets every token), tokens in blocks.
    let mut tmp = [0f32; 8 * PANEL];
    for p in 0..np {
        let w = &wp[p * PANEL * k..(p + 1) * PANEL * k];
        let rows = (n - p * PANEL).min(PANEL);
        let mut t = 0;
        while t < m {
            let mut tb = block.min(m - t);
            if tb < block {
                // 7 = 4 + 2 + 1 and so on.
                tb = 1 << tb.ilog2();
            }
            let x = &x[t * xs..];
            if rows == PANEL {
                // In place: rows t.. of y at stride ys.
                tile(lv, w, k, x, xs, &mut y[t * ys + p * PANEL..], ys, tb);
            } else {
                // The partial last panel through `tmp`, padded with zeros.
                for (j, a) in tmp.chunks_exact_mut(PANEL).take(tb).enumerate() {
                    let yo = (t + j) * ys + p * PANEL;
                    a[..rows].copy_from_slice(&y[yo..yo + rows]);
                    a[rows..].iter_mut().for_each(|v| *v = 0.0);
                }
                tile(lv, w, k, x, xs, &mut tmp, PANEL, tb);
                for (j, a) in tmp.chunks_exact(PANEL).take(tb).enumerate() {
                    let yo = (t + j) * ys + p * PANEL;
                    y[yo..yo + rows].copy_from_slice(&a[..rows]);
                }
            }
            t += tb;
        }
    }
}

/// One panel `w` (`PANEL × k`) times `tb` tokens (`x` rows at stride `xs`), into `tb` groups of
/// [`PANEL`] outputs at stride `ys` in `acc`.
#[allow(clippy::too_many_arguments)]
fn tile(lv: Level, w: &[f32], k: usize, x: &[f32], xs: usize, acc: &mut [f32], ys: usize, tb: usize) {
    assert!(w.len() >= PANEL * k && x.len() >= (tb - 1) * xs + k && acc.len() >= (tb - 1) * ys + PANEL);
    match lv.0 {
        #[cfg(target_arch = "x86_64")]
        Kind::Avx512 => {
            // SAFETY (each arm): the level exists, so the CPU has AVX-512F.
            match tb {
                8 => unsafe { x86::tile_avx512::<8>(w, k, x, xs, acc, ys) },
                4 => unsafe { x86::tile_avx512::<4>(w, k, x, xs, acc, ys) },
                2 => unsafe { x86::tile_avx512::<2>(w, k, x, xs, acc, ys) },
                _ => {
                    for j in 0..tb {
                        unsafe { x86::tile_avx512::<1>(w, k, &x[j * xs..], xs, &mut acc[j * ys..], ys) }
                    }
                }
            }
        }
        #[cfg(target_arch = "x86_64")]
        Kind::Avx2 => {
            // SAFETY (each arm): the level exists, so the CPU has AVX2 and FMA.
            match tb {
                2 => unsafe { x86::tile_avx2::<2>(w, k, x, xs, acc, ys) },
                _ => {
                    for j in 0..tb {
                        unsafe { x86::tile_avx2::<1>(w, k, &x[j * xs..], xs, &mut acc[j * ys..], ys) }
                    }
                }
            }
        }
        Kind::Scalar => {
            for j in 0..tb {
                let a: &mut [f32; PANEL] = (&mut acc[j * ys..j * ys + PANEL]).try_into().expect("a panel");
                for (&xv, wc) in x[j * xs..j * xs + k].iter().zip(w.chunks_exact(PANEL)) {
                    for (a, &wv) in a.iter_mut().zip(wc) {
                        *a = xv.mul_add(wv, *a);
                    }
                }
            }
        }
    }
}

/// One LSTM step of one direction from the gate pre-activations `g` (`4h`: input, forget,
/// candidate, output; they become the activations): `c ← f·c + i·ĉ`, `h ← o·tanh(c)`.
pub(super) fn lstm_cell(lv: Level, g: &mut [f32], c: &mut [f32], h: &mut [f32]) {
    match lv.0 {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the level exists, so the CPU has AVX-512F.
        Kind::Avx512 => unsafe { x86::lstm_cell_avx512(g, c, h) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the level exists, so the CPU has AVX2 and FMA.
        Kind::Avx2 => unsafe { x86::lstm_cell_avx2(g, c, h) },
        Kind::Scalar => lstm_cell_body(g, c, h),
    }
}

/// `neural::fexp` bit for bit, the power of two taken from the bits of the rounded exponent
/// instead of a float-to-integer conversion (so that it vectorizes).
#[inline(always)]
fn fexp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 87.0);
    let t = x * std::f32::consts::LOG2_E;
    // t + 1.5·2²³ is rounded to an integer r and holds 0x4B40_0000 + r in its bits (|r| < 2²²).
    let big = t + 12_582_912.0;
    let r = big - 12_582_912.0;
    let y = (t - r) * std::f32::consts::LN_2;
    let p = 1.0 + y * (1.0 + y * (0.5 + y * (1.0 / 6.0 + y * (1.0 / 24.0 + y * (1.0 / 120.0 + y * (1.0 / 720.0))))));
    let bits = big.to_bits().wrapping_sub(0x4B40_0000 - 127) << 23;
    f32::from_bits(bits) * p
}

/// `neural::sigmoid` bit for bit.
#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + fexp(-x))
}

/// `neural::ftanh` bit for bit.
#[inline(always)]
fn ftanh(x: f32) -> f32 {
    1.0 - 2.0 / (fexp(2.0 * x) + 1.0)
}

#[inline(always)]
fn lstm_cell_body(g: &mut [f32], c: &mut [f32], h: &mut [f32]) {
    let n = h.len();
    assert!(g.len() == 4 * n && c.len() == n);
    let (ifg, rest) = g.split_at_mut(2 * n);
    let (cg, og) = rest.split_at_mut(n);
    for v in ifg.iter_mut() {
        *v = sigmoid(*v);
    }
    for v in cg.iter_mut() {
        *v = ftanh(*v);
    }
    for v in og.iter_mut() {
        *v = sigmoid(*v);
    }
    let (ig, fg) = ifg.split_at(n);
    for (((c, &f), &i), &cand) in c.iter_mut().zip(fg.iter()).zip(ig.iter()).zip(cg.iter()) {
        *c = f * *c + i * cand;
    }
    for ((h, &o), &c) in h.iter_mut().zip(og.iter()).zip(c.iter()) {
        *h = o * ftanh(c);
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::PANEL;
    use std::arch::x86_64::*;

    /// [`super::tile`] for `T` tokens: `2T` accumulators of 16 lanes.
    #[target_feature(enable = "avx512f")]
    pub(super) fn tile_avx512<const T: usize>(w: &[f32], k: usize, x: &[f32], xs: usize, acc: &mut [f32], ys: usize) {
        assert!(w.len() >= PANEL * k && x.len() >= (T - 1) * xs + k && acc.len() >= (T - 1) * ys + PANEL);
        let (wp, xp, ap) = (w.as_ptr(), x.as_ptr(), acc.as_mut_ptr());
        let mut a = [[_mm512_setzero_ps(); 2]; T];
        for (t, at) in a.iter_mut().enumerate() {
            // SAFETY: acc holds T panels at stride ys (asserted).
            unsafe {
                at[0] = _mm512_loadu_ps(ap.add(t * ys));
                at[1] = _mm512_loadu_ps(ap.add(t * ys + 16));
            }
        }
        for kk in 0..k {
            // SAFETY: kk < k, and w holds k columns of PANEL values (asserted).
            let (w0, w1) = unsafe {
                (
                    _mm512_loadu_ps(wp.add(kk * PANEL)),
                    _mm512_loadu_ps(wp.add(kk * PANEL + 16)),
                )
            };
            for (t, at) in a.iter_mut().enumerate() {
                // SAFETY: t·xs + kk < (T−1)·xs + k ≤ x.len() (asserted).
                let b = _mm512_set1_ps(unsafe { *xp.add(t * xs + kk) });
                at[0] = _mm512_fmadd_ps(b, w0, at[0]);
                at[1] = _mm512_fmadd_ps(b, w1, at[1]);
            }
        }
        for (t, at) in a.iter().enumerate() {
            // SAFETY: as for the loads.
            unsafe {
                _mm512_storeu_ps(ap.add(t * ys), at[0]);
                _mm512_storeu_ps(ap.add(t * ys + 16), at[1]);
            }
        }
    }

    /// One token times `P` consecutive panels (`w` is `P·PANEL × k` packed): `2P` accumulators.
    #[target_feature(enable = "avx512f")]
    pub(super) fn panels_avx512<const P: usize>(w: &[f32], k: usize, x: &[f32], acc: &mut [f32]) {
        assert!(w.len() >= P * PANEL * k && x.len() >= k && acc.len() >= P * PANEL);
        let (wp, ap) = (w.as_ptr(), acc.as_mut_ptr());
        let mut a = [[_mm512_setzero_ps(); 2]; P];
        for (p, ap_) in a.iter_mut().enumerate() {
            // SAFETY: acc holds P panels (asserted).
            unsafe {
                ap_[0] = _mm512_loadu_ps(ap.add(p * PANEL));
                ap_[1] = _mm512_loadu_ps(ap.add(p * PANEL + 16));
            }
        }
        for (kk, &xv) in x[..k].iter().enumerate() {
            let b = _mm512_set1_ps(xv);
            for (p, ap_) in a.iter_mut().enumerate() {
                // SAFETY: panel p < P, column kk < k: within w (asserted).
                let (w0, w1) = unsafe {
                    let q = wp.add(p * PANEL * k + kk * PANEL);
                    (_mm512_loadu_ps(q), _mm512_loadu_ps(q.add(16)))
                };
                ap_[0] = _mm512_fmadd_ps(b, w0, ap_[0]);
                ap_[1] = _mm512_fmadd_ps(b, w1, ap_[1]);
            }
        }
        for (p, ap_) in a.iter().enumerate() {
            // SAFETY: as for the loads.
            unsafe {
                _mm512_storeu_ps(ap.add(p * PANEL), ap_[0]);
                _mm512_storeu_ps(ap.add(p * PANEL + 16), ap_[1]);
            }
        }
    }

    /// [`super::tile`] for `T` tokens: `4T` accumulators of 8 lanes.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn tile_avx2<const T: usize>(w: &[f32], k: usize, x: &[f32], xs: usize, acc: &mut [f32], ys: usize) {
        assert!(w.len() >= PANEL * k && x.len() >= (T - 1) * xs + k && acc.len() >= (T - 1) * ys + PANEL);
        let (wp, xp, ap) = (w.as_ptr(), x.as_ptr(), acc.as_mut_ptr());
        let mut a = [[_mm256_setzero_ps(); 4]; T];
        for (t, at) in a.iter_mut().enumerate() {
            for (i, v) in at.iter_mut().enumerate() {
                // SAFETY: acc holds T panels at stride ys (asserted).
                *v = unsafe { _mm256_loadu_ps(ap.add(t * ys + 8 * i)) };
            }
        }
        for kk in 0..k {
            let mut b = [_mm256_setzero_ps(); T];
            for (t, bt) in b.iter_mut().enumerate() {
                // SAFETY: t·xs + kk < (T−1)·xs + k ≤ x.len() (asserted).
                *bt = _mm256_set1_ps(unsafe { *xp.add(t * xs + kk) });
            }
            for i in 0..4 {
                // SAFETY: kk < k, and w holds k columns of PANEL values (asserted).
                let wv = unsafe { _mm256_loadu_ps(wp.add(kk * PANEL + 8 * i)) };
                for (at, &bt) in a.iter_mut().zip(&b) {
                    at[i] = _mm256_fmadd_ps(bt, wv, at[i]);
                }
            }
        }
        for (t, at) in a.iter().enumerate() {
            for (i, v) in at.iter().enumerate() {
                // SAFETY: as for the loads.
                unsafe { _mm256_storeu_ps(ap.add(t * ys + 8 * i), *v) };
            }
        }
    }

    /// One token times `P` consecutive panels: `4P` accumulators of 8 lanes.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn panels_avx2<const P: usize>(w: &[f32], k: usize, x: &[f32], acc: &mut [f32]) {
        assert!(w.len() >= P * PANEL * k && x.len() >= k && acc.len() >= P * PANEL);
        let (wp, ap) = (w.as_ptr(), acc.as_mut_ptr());
        let mut a = [[_mm256_setzero_ps(); 4]; P];
        for (p, ap_) in a.iter_mut().enumerate() {
            for (i, v) in ap_.iter_mut().enumerate() {
                // SAFETY: acc holds P panels (asserted).
                *v = unsafe { _mm256_loadu_ps(ap.add(p * PANEL + 8 * i)) };
            }
        }
        for (kk, &xv) in x[..k].iter().enumerate() {
            let b = _mm256_set1_ps(xv);
            for (p, ap_) in a.iter_mut().enumerate() {
                for (i, v) in ap_.iter_mut().enumerate() {
                    // SAFETY: panel p < P, column kk < k: within w (asserted).
                    let wv = unsafe { _mm256_loadu_ps(wp.add(p * PANEL * k + kk * PANEL + 8 * i)) };
                    *v = _mm256_fmadd_ps(b, wv, *v);
                }
            }
        }
        for (p, ap_) in a.iter().enumerate() {
            for (i, v) in ap_.iter().enumerate() {
                // SAFETY: as for the loads.
                unsafe { _mm256_storeu_ps(ap.add(p * PANEL + 8 * i), *v) };
            }
        }
    }

    #[target_feature(enable = "avx512f")]
    pub(super) fn lstm_cell_avx512(g: &mut [f32], c: &mut [f32], h: &mut [f32]) {
        super::lstm_cell_body(g, c, h);
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn lstm_cell_avx2(g: &mut [f32], c: &mut [f32], h: &mut [f32]) {
        super::lstm_cell_body(g, c, h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = super::super::util::Rng::new(seed);
        (0..n).map(|_| (rng.unit() * 2.0 - 1.0) as f32).collect()
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn gemm_is_bit_identical_on_every_path_and_a_chain_of_fmas() {
        let levels = Level::all();
        for &(n, k, m) in &[
            (512, 128, 1),
            (1024, 48, 9),
            (448, 256, 17),
            (50, 96, 3),
            (7, 5, 1),
            (33, 128, 31),
        ] {
            let w = values(n * k, 1);
            let wp = super::super::neural::pack(&w, n, k);
            let xs = k + 3;
            let ys = n + 5;
            let x = values((m - 1) * xs + k, 2);
            let y0 = values((m - 1) * ys + n, 3);
            // Reference: the definition, one output at a time.
            let mut want = y0.clone();
            for t in 0..m {
                for r in 0..n {
                    let mut a = y0[t * ys + r];
                    for kk in 0..k {
                        a = x[t * xs + kk].mul_add(w[r * k + kk], a);
                    }
                    want[t * ys + r] = a;
                }
            }
            for &lv in &levels {
                let mut y = y0.clone();
                gemm(lv, &wp, n, k, &x, xs, &mut y, ys, m);
                assert_eq!(bits(&y), bits(&want), "{lv:?} n={n} k={k} m={m}");
            }
        }
    }

    #[test]
    fn activations_are_those_of_training_bit_for_bit() {
        let mut xs: Vec<f32> = (-20_000..20_000).map(|i| i as f32 * 0.005).collect();
        xs.extend([-1e6, -200.0, -87.0, -43.6, -0.0, 1e-30, 43.6, 87.0, 200.0, 1e6]);
        for x in xs {
            assert_eq!(fexp(x).to_bits(), super::super::neural::fexp(x).to_bits(), "{x}");
            assert_eq!(sigmoid(x).to_bits(), super::super::neural::sigmoid(x).to_bits(), "{x}");
            assert_eq!(ftanh(x).to_bits(), super::super::neural::ftanh(x).to_bits(), "{x}");
        }
    }

    #[test]
    fn lstm_cell_is_bit_identical_on_every_path() {
        let h = 128;
        let g0: Vec<f32> = values(4 * h, 4).iter().map(|v| v * 8.0).collect();
        let c0 = values(h, 5);
        let mut want = None;
        for lv in Level::all() {
            let (mut g, mut c, mut hh) = (g0.clone(), c0.clone(), vec![0f32; h]);
            lstm_cell(lv, &mut g, &mut c, &mut hh);
            let got = (bits(&g), bits(&c), bits(&hh));
            match &want {
                None => want = Some(got),
                Some(w) => assert_eq!(&got, w, "{lv:?}"),
            }
        }
    }
}
