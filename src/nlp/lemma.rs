//! Lemmatizer: a (form, XPOS) → lemma table from the training data, then (lowercased form, XPOS),
//! then suffix rewrite rules learned per XPOS for unknown words.

use super::ModelError;
use super::util::{FNV_START, Reader, Writer, fnv_step, mix};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a with a final mix: the tables are looked up once or more per word, and their short
/// string keys hash several times faster than with SipHash (no untrusted keys here).
#[derive(Clone, Copy)]
struct StrHasher(u64);

impl Default for StrHasher {
    fn default() -> StrHasher {
        StrHasher(FNV_START)
    }
}

impl Hasher for StrHasher {
    fn finish(&self) -> u64 {
        mix(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |h, &b| fnv_step(h, b));
    }
}

/// A table keyed by `xpos \t form` strings.
type Table<V> = HashMap<String, V, BuildHasherDefault<StrHasher>>;

/// A suffix rewrite: optionally lowercase, strip `strip` chars, append `add`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Rule {
    lower: bool,
    strip: u8,
    add: String,
}

impl Rule {
    fn learn(form: &str, lemma: &str) -> Option<Rule> {
        let lower_form = form.to_lowercase();
        for (lower, base) in [(false, form), (true, lower_form.as_str())] {
            let common = base.chars().zip(lemma.chars()).take_while(|(a, b)| a == b).count();
            let strip = base.chars().count() - common;
            // rules that rewrite most of the word are not suffix rules
            if common > 0 && strip <= 8 {
                return Some(Rule {
                    lower,
                    strip: strip as u8,
                    add: lemma.chars().skip(common).collect(),
                });
            }
        }
        None
    }

    fn apply(&self, form: &str) -> Option<String> {
        let base = if self.lower {
            form.to_lowercase()
        } else {
            form.to_string()
        };
        let n = base.chars().count();
        if self.strip as usize >= n {
            return None;
        }
        let mut s: String = base.chars().take(n - self.strip as usize).collect();
        s.push_str(&self.add);
        Some(s)
    }
}

const MAX_SUFFIX: usize = 6;

/// The lemmatizer tables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lemmatizer {
    exact: Table<String>,
    lower: Table<String>,
    rules: Table<Rule>,
}

fn key(a: &str, xpos: &str) -> String {
    let mut k = String::with_capacity(a.len() + xpos.len() + 1);
    k.push_str(xpos);
    k.push('\t');
    k.push_str(a);
    k
}

fn suffix(lower: &str, k: usize) -> &str {
    let n = lower.chars().count();
    if k > n {
        return lower;
    }
    let start = lower.char_indices().nth(n - k).map_or(lower.len(), |(b, _)| b);
    &lower[start..]
}

fn most_frequent<K: Ord + Clone>(m: BTreeMap<K, usize>) -> Option<(K, usize)> {
    // BTreeMap order makes the tie-break deterministic (smallest key wins)
    let total = m.values().sum();
    m.into_iter()
        .fold(None, |best: Option<(K, usize)>, (k, c)| match best {
            Some((_, bc)) if bc >= c => best,
            _ => Some((k, c)),
        })
        .map(|(k, _)| (k, total))
}

impl Lemmatizer {
    /// Learns the tables from (form, xpos, lemma) triples.
    pub fn train<'a>(triples: impl Iterator<Item = (&'a str, &'a str, &'a str)>) -> Lemmatizer {
        let mut exact: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut lower: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        let mut rules: BTreeMap<String, BTreeMap<Rule, usize>> = BTreeMap::new();
        let mut types: BTreeMap<(String, String), String> = BTreeMap::new();
        for (form, xpos, lemma) in triples {
            if lemma == "_" {
                continue;
            }
            *exact
                .entry(key(form, xpos))
                .or_default()
                .entry(lemma.to_string())
                .or_default() += 1;
            *lower
                .entry(key(&form.to_lowercase(), xpos))
                .or_default()
                .entry(lemma.to_string())
                .or_default() += 1;
            types.insert((form.to_string(), xpos.to_string()), lemma.to_string());
        }
        // suffix rules are learned from word types, so frequent words do not dominate them
        for ((form, xpos), lemma) in &types {
            if let Some(rule) = Rule::learn(form, lemma) {
                let lower_form = form.to_lowercase();
                for k in 0..=MAX_SUFFIX.min(lower_form.chars().count()) {
                    *rules
                        .entry(key(suffix(&lower_form, k), xpos))
                        .or_default()
                        .entry(rule.clone())
                        .or_default() += 1;
                }
            }
        }
        let pick = |m: BTreeMap<String, BTreeMap<String, usize>>| -> Table<String> {
            m.into_iter()
                .filter_map(|(k, v)| most_frequent(v).map(|(l, _)| (k, l)))
                .collect()
        };
        Lemmatizer {
            exact: pick(exact),
            lower: pick(lower),
            rules: rules
                .into_iter()
                .filter_map(|(k, v)| most_frequent(v).filter(|&(_, total)| total >= 2).map(|(r, _)| (k, r)))
                .collect(),
        }
    }

    /// The lemma of `form` tagged `xpos`.
    pub fn lemma(&self, form: &str, xpos: &str) -> String {
        // one key buffer, `xpos \t ...` (see `key`), for all the look-ups
        let prefix = xpos.len() + 1;
        let mut k = String::with_capacity(prefix + form.len() + 8);
        k.push_str(xpos);
        k.push('\t');
        k.push_str(form);
        if let Some(l) = self.exact.get(&k) {
            return l.clone();
        }
        let lower_form = form.to_lowercase();
        k.truncate(prefix);
        k.push_str(&lower_form);
        if let Some(l) = self.lower.get(&k) {
            return l.clone();
        }
        for n in (0..=MAX_SUFFIX.min(lower_form.chars().count())).rev() {
            k.truncate(prefix);
            k.push_str(suffix(&lower_form, n));
            if let Some(l) = self.rules.get(&k).and_then(|rule| rule.apply(form)) {
                return l;
            }
        }
        form.to_string()
    }

    /// Serializes the tables (sorted, so the bytes are deterministic).
    pub fn write(&self, w: &mut Writer) {
        for table in [&self.exact, &self.lower] {
            let mut v: Vec<(&String, &String)> = table.iter().collect();
            v.sort();
            w.var(v.len() as u64);
            for (k, l) in v {
                w.str(k);
                w.str(l);
            }
        }
        let mut v: Vec<(&String, &Rule)> = self.rules.iter().collect();
        v.sort();
        w.var(v.len() as u64);
        for (k, r) in v {
            w.str(k);
            w.u8(u8::from(r.lower));
            w.u8(r.strip);
            w.str(&r.add);
        }
    }

    /// Deserializes the tables.
    pub fn read(r: &mut Reader) -> Result<Lemmatizer, ModelError> {
        let mut tables = Vec::new();
        for _ in 0..2 {
            let n = r.len()?;
            let mut m = Table::with_capacity_and_hasher(n, Default::default());
            for _ in 0..n {
                let k = r.str()?;
                m.insert(k, r.str()?);
            }
            tables.push(m);
        }
        let n = r.len()?;
        let mut rules = Table::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let k = r.str()?;
            let lower = r.u8()? != 0;
            let strip = r.u8()?;
            rules.insert(
                k,
                Rule {
                    lower,
                    strip,
                    add: r.str()?,
                },
            );
        }
        let lower = tables.pop().unwrap_or_default();
        let exact = tables.pop().unwrap_or_default();
        Ok(Lemmatizer { exact, lower, rules })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_suffix_rules() {
        let data = [
            ("walked", "VBD", "walk"),
            ("talked", "VBD", "talk"),
            ("jumped", "VBD", "jump"),
            ("cats", "NNS", "cat"),
            ("dogs", "NNS", "dog"),
            ("Paris", "NNP", "Paris"),
        ];
        let l = Lemmatizer::train(data.iter().copied());
        assert_eq!(l.lemma("walked", "VBD"), "walk");
        assert_eq!(l.lemma("Walked", "VBD"), "walk");
        assert_eq!(l.lemma("parked", "VBD"), "park");
        assert_eq!(l.lemma("birds", "NNS"), "bird");
    }
}
