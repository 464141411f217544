//! Evaluation with the CoNLL 2018 shared task metrics, from gold tokenization and from raw text.
//!
//! Raw text is rebuilt from the `# text =` comments: sentences of a paragraph joined by a space,
//! paragraphs and documents by a blank line; each document is segmented and tokenized with
//! [`crate::text::segment`]. Gold and system words are aligned on character spans counted over
//! non-whitespace characters, multi-word tokens through a longest common subsequence of forms,
//! as the shared task's evaluation script defines it.

use super::conllu::Sentence;
use super::{Analysis, Model};

/// Scores from gold tokenization (accuracies, in percent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoldScores {
    /// Number of words.
    pub words: usize,
    /// UPOS accuracy.
    pub upos: f64,
    /// XPOS accuracy.
    pub xpos: f64,
    /// Lemma accuracy.
    pub lemma: f64,
    /// Unlabelled attachment score.
    pub uas: f64,
    /// Labelled attachment score (universal relation, subtypes ignored).
    pub las: f64,
    /// Labelled attachment score counting full relations with subtypes.
    pub las_full: f64,
}

/// F1 scores (percent) from raw text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawScores {
    /// Token F1.
    pub tokens: f64,
    /// Sentence F1.
    pub sentences: f64,
    /// Word F1.
    pub words: f64,
    /// UPOS F1.
    pub upos: f64,
    /// XPOS F1.
    pub xpos: f64,
    /// Lemma F1.
    pub lemma: f64,
    /// UAS F1.
    pub uas: f64,
    /// LAS F1.
    pub las: f64,
}

fn universal(deprel: &str) -> &str {
    deprel.split(':').next().unwrap_or(deprel)
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { 100.0 * a as f64 / b as f64 }
}

fn f1(correct: usize, gold: usize, system: usize) -> f64 {
    if gold + system == 0 {
        0.0
    } else {
        200.0 * correct as f64 / (gold + system) as f64
    }
}

/// Scores `model` on the gold words of `sentences`.
pub fn gold_scores(model: &Model, sentences: &[Sentence]) -> GoldScores {
    let (mut n, mut upos, mut xpos, mut lemma, mut uas, mut las, mut las_full) = (0, 0, 0, 0, 0, 0, 0);
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
        for (g, a) in s.words.iter().zip(model.analyze(&words)) {
            n += 1;
            upos += usize::from(g.upos == a.upos);
            xpos += usize::from(g.xpos == a.xpos);
            lemma += usize::from(g.lemma == a.lemma || g.lemma == "_");
            if g.head == a.head {
                uas += 1;
                las += usize::from(universal(&g.deprel) == universal(&a.deprel));
                las_full += usize::from(g.deprel == a.deprel);
            }
        }
    }
    GoldScores {
        words: n,
        upos: pct(upos, n),
        xpos: pct(xpos, n),
        lemma: pct(lemma, n),
        uas: pct(uas, n),
        las: pct(las, n),
        las_full: pct(las_full, n),
    }
}

/// A word for alignment: span over non-whitespace characters and its sentence-global index.
struct AWord {
    start: usize,
    end: usize,
    multi: bool,
    form: String,
}

fn beyond_end(words: &[AWord], i: usize, end: usize) -> bool {
    match words.get(i) {
        None => true,
        Some(w) if w.multi => w.start >= end,
        Some(w) => w.end > end,
    }
}

fn extend_end(w: &AWord, end: usize) -> usize {
    if w.multi && w.end > end { w.end } else { end }
}

/// Aligns gold and system words (indices), as the CoNLL 2018 evaluation script does.
fn align(gold: &[AWord], system: &[AWord]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut gi, mut si) = (0, 0);
    while gi < gold.len() && si < system.len() {
        if gold[gi].multi || system[si].multi {
            let mut end;
            if gold[gi].multi {
                end = gold[gi].end;
                if !system[si].multi && system[si].start < gold[gi].start {
                    si += 1;
                }
            } else {
                end = system[si].end;
                if !gold[gi].multi && gold[gi].start < system[si].start {
                    gi += 1;
                }
            }
            let (gs, ss) = (gi, si);
            while !beyond_end(gold, gi, end) || !beyond_end(system, si, end) {
                if gi < gold.len() && (si >= system.len() || gold[gi].start <= system[si].start) {
                    end = extend_end(&gold[gi], end);
                    gi += 1;
                } else {
                    end = extend_end(&system[si], end);
                    si += 1;
                }
            }
            let (gn, sn) = (gi - gs, si - ss);
            if gn > 0 && sn > 0 {
                let eq = |g: usize, s: usize| gold[gs + g].form.to_lowercase() == system[ss + s].form.to_lowercase();
                let mut lcs = vec![vec![0usize; sn + 1]; gn + 1];
                for g in (0..gn).rev() {
                    for s in (0..sn).rev() {
                        let m = if eq(g, s) { 1 + lcs[g + 1][s + 1] } else { 0 };
                        lcs[g][s] = m.max(lcs[g + 1][s]).max(lcs[g][s + 1]);
                    }
                }
                let (mut g, mut s) = (0, 0);
                while g < gn && s < sn {
                    if eq(g, s) {
                        out.push((gs + g, ss + s));
                        g += 1;
                        s += 1;
                    } else if lcs[g][s] == lcs[g + 1][s] {
                        g += 1;
                    } else {
                        s += 1;
                    }
                }
            }
        } else if (gold[gi].start, gold[gi].end) == (system[si].start, system[si].end) {
            out.push((gi, si));
            gi += 1;
            si += 1;
        } else if gold[gi].start <= system[si].start {
            gi += 1;
        } else {
            si += 1;
        }
    }
    out
}

fn span_f1(gold: &[(usize, usize)], system: &[(usize, usize)]) -> f64 {
    let (mut i, mut j, mut c) = (0, 0, 0);
    while i < gold.len() && j < system.len() {
        if gold[i] == system[j] {
            c += 1;
            i += 1;
            j += 1;
        } else if gold[i].0 < system[j].0 || (gold[i].0 == system[j].0 && gold[i].1 < system[j].1) {
            i += 1;
        } else {
            j += 1;
        }
    }
    f1(c, gold.len(), system.len())
}

/// Scores `model` on raw text rebuilt from the `# text =` comments of `sentences`.
pub fn raw_scores(model: &Model, sentences: &[Sentence]) -> RawScores {
    // gold side: words, tokens and sentences with spans over non-whitespace characters
    let mut gold_words: Vec<AWord> = Vec::new();
    let mut gold_ann: Vec<(String, String, String, Option<usize>, String)> = Vec::new();
    let mut gold_tokens = Vec::new();
    let mut gold_sents = Vec::new();
    let mut docs: Vec<String> = Vec::new();
    let mut pos = 0usize;
    let nonspace = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
    for s in sentences {
        let text = s
            .text
            .clone()
            .unwrap_or_else(|| s.words.iter().map(|w| w.form.as_str()).collect::<Vec<_>>().join(" "));
        if s.newdoc || docs.is_empty() {
            docs.push(text);
        } else if let Some(doc) = docs.last_mut() {
            doc.push_str(if s.newpar { "\n\n" } else { " " });
            doc.push_str(&text);
        }
        let base = gold_words.len();
        let sent_start = pos;
        let mut i = 0;
        while i < s.words.len() {
            if let Some(m) = s.multiwords.iter().find(|m| m.first == i) {
                let len = nonspace(&m.form);
                gold_tokens.push((pos, pos + len));
                for j in m.first..=m.last.min(s.words.len() - 1) {
                    gold_words.push(AWord {
                        start: pos,
                        end: pos + len,
                        multi: true,
                        form: s.words[j].form.clone(),
                    });
                }
                pos += len;
                i = m.last + 1;
            } else {
                let len = nonspace(&s.words[i].form);
                gold_tokens.push((pos, pos + len));
                gold_words.push(AWord {
                    start: pos,
                    end: pos + len,
                    multi: false,
                    form: s.words[i].form.clone(),
                });
                pos += len;
                i += 1;
            }
        }
        gold_sents.push((sent_start, pos));
        for w in &s.words {
            let head = if w.head == 0 { None } else { Some(base + w.head - 1) };
            gold_ann.push((
                w.upos.clone(),
                w.xpos.clone(),
                w.lemma.clone(),
                head,
                universal(&w.deprel).to_string(),
            ));
        }
    }
    // system side
    let mut sys_words: Vec<AWord> = Vec::new();
    let mut sys_ann: Vec<(Analysis, Option<usize>)> = Vec::new();
    let mut sys_sents = Vec::new();
    let mut offset = 0usize;
    for doc in &docs {
        // non-whitespace characters before each byte offset
        let mut before = vec![0usize; doc.len() + 1];
        let mut count = 0;
        for (b, c) in doc.char_indices() {
            before[b] = count;
            if !c.is_whitespace() {
                count += 1;
            }
            for x in &mut before[b + 1..b + c.len_utf8()] {
                *x = count;
            }
        }
        before[doc.len()] = count;
        for sent in crate::text::segment(doc) {
            let words: Vec<&str> = sent.tokens.iter().map(|t| t.form.as_str()).collect();
            let base = sys_words.len();
            for t in &sent.tokens {
                sys_words.push(AWord {
                    start: offset + before[t.start],
                    end: offset + before[t.end],
                    multi: false,
                    form: t.form.clone(),
                });
            }
            if let (Some(first), Some(last)) = (sent.tokens.first(), sent.tokens.last()) {
                sys_sents.push((offset + before[first.start], offset + before[last.end]));
            }
            for a in model.analyze(&words) {
                let head = if a.head == 0 { None } else { Some(base + a.head - 1) };
                sys_ann.push((a, head));
            }
        }
        offset += count;
    }
    let sys_tokens: Vec<(usize, usize)> = sys_words.iter().map(|w| (w.start, w.end)).collect();
    let pairs = align(&gold_words, &sys_words);
    let mut sys_to_gold = vec![None; sys_words.len()];
    for &(g, s) in &pairs {
        sys_to_gold[s] = Some(g);
    }
    let (mut upos, mut xpos, mut lemma, mut uas, mut las) = (0, 0, 0, 0, 0);
    for &(g, s) in &pairs {
        let (gu, gx, gl, gh, gd) = &gold_ann[g];
        let (a, sh) = &sys_ann[s];
        upos += usize::from(*gu == a.upos);
        xpos += usize::from(*gx == a.xpos);
        lemma += usize::from(*gl == a.lemma || gl == "_");
        let head_ok = match (gh, sh) {
            (None, None) => true,
            (Some(gh), Some(sh)) => sys_to_gold[*sh] == Some(*gh),
            _ => false,
        };
        if head_ok {
            uas += 1;
            las += usize::from(gd == universal(&a.deprel));
        }
    }
    let (ng, ns) = (gold_words.len(), sys_words.len());
    RawScores {
        tokens: span_f1(&gold_tokens, &sys_tokens),
        sentences: span_f1(&gold_sents, &sys_sents),
        words: f1(pairs.len(), ng, ns),
        upos: f1(upos, ng, ns),
        xpos: f1(xpos, ng, ns),
        lemma: f1(lemma, ng, ns),
        uas: f1(uas, ng, ns),
        las: f1(las, ng, ns),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(start: usize, end: usize, multi: bool, form: &str) -> AWord {
        AWord {
            start,
            end,
            multi,
            form: form.into(),
        }
    }

    #[test]
    fn aligns_multiword_tokens_by_lcs() {
        // gold: "don't" = do + n't (one multi-word token), then "go"
        let gold = [w(0, 5, true, "do"), w(0, 5, true, "n't"), w(5, 7, false, "go")];
        let system = [w(0, 2, false, "do"), w(2, 5, false, "n't"), w(5, 7, false, "go")];
        assert_eq!(align(&gold, &system), [(0, 0), (1, 1), (2, 2)]);
        let system = [w(0, 5, false, "don't"), w(5, 6, false, "g"), w(6, 7, false, "o")];
        assert_eq!(align(&gold, &system), Vec::<(usize, usize)>::new());
    }
}
