//! The lexicons the extract stage reads: event classes and themes from `ontology/lexicon.ttl`,
//! reporting cues from `src/extract/cues.tsv`, both embedded in the binary and loaded once.
//!
//! Verb lemmas are expanded to their inflected forms here (regular -s/-ed/-ing spellings plus a
//! table of common irregular verbs), so the rules can look a token up by its surface form.
//!
//! ```
//! let lexicon = claimgraph::lexicon::Lexicon::embedded();
//! assert_eq!(lexicon.cue("denied").map(|c| c.lemma.as_str()), Some("deny"));
//! assert_eq!(lexicon.event_verb("handed").map(|(class, _)| class), Some("event-send"));
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedOrBlankNode, Term};

use crate::extract::Stance;

const LEXICON_TTL: &str = include_str!("../ontology/lexicon.ttl");
const CUES_TSV: &str = include_str!("extract/cues.tsv");
const CG: &str = "https://w3id.org/claimgraph/ns#";
const SKOS: &str = "http://www.w3.org/2004/02/skos/core#";

/// A reporting cue: a verb (or multi-word verb) and the stance it expresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// The lemma as listed ("point out").
    pub lemma: String,
    /// The stance of the speech act.
    pub stance: Stance,
}

/// An event class of `lexicon.ttl` (`cg:event-send`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventClass {
    /// The concept's local name ("event-send").
    pub id: String,
    /// Verb lemmas: the preferred label first, then the alternative labels.
    pub verbs: Vec<String>,
    /// Nouns and gerunds that stand for the event ("submission").
    pub nominalizations: Vec<String>,
    /// Verbs seen from the recipient's side ("receive").
    pub converses: Vec<String>,
}

/// A noun concept of `lexicon.ttl` — a theme (`cg:theme-response`) or a document kind
/// (`cg:document-letter`) — and its labels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Theme {
    /// The concept's local name ("theme-response").
    pub id: String,
    /// The preferred label first, then the alternative labels, lowercased.
    pub labels: Vec<String>,
}

/// How a verb form relates to an event class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VerbRole {
    /// The agent is the subject ("X sent").
    Direct,
    /// The recipient is the subject ("Y received … from X").
    Converse,
}

/// All lexicons of the extract stage.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Reporting cues by lemma.
    pub cues: BTreeMap<String, Cue>,
    /// Event classes, in the order of the Turtle file.
    pub event_classes: Vec<EventClass>,
    /// Themes, in the order of the Turtle file.
    pub themes: Vec<Theme>,
    /// Kinds of written documents (`cg:DocumentKinds`), in the order of the Turtle file.
    pub document_kinds: Vec<Theme>,
    // looked up for every word, never iterated: hashed rather than ordered
    cue_forms: HashMap<String, String>,
    cue_ing: HashSet<String>,
    cue_past: HashSet<String>,
    verb_forms: HashMap<String, (usize, VerbRole, String)>,
    nominal_forms: HashMap<String, usize>,
    theme_forms: HashMap<String, usize>,
    document_forms: HashMap<String, usize>,
    /// The first words of `cue_forms` and of `verb_forms`: most words start neither.
    cue_first_words: HashSet<String>,
    verb_first_words: HashSet<String>,
    max_words: usize,
}

impl Lexicon {
    /// The embedded lexicons, parsed on first use.
    pub fn embedded() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| Lexicon::parse(LEXICON_TTL, CUES_TSV))
    }

    /// Builds a lexicon from the text of a `lexicon.ttl` and of a `cues.tsv`; lines and triples
    /// it does not understand are skipped.
    pub fn parse(turtle: &str, cues_tsv: &str) -> Lexicon {
        let mut lexicon = Lexicon::default();
        let mut concepts: BTreeMap<String, (Option<String>, EventClass)> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        for triple in RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(turtle.as_bytes())
            .flatten()
        {
            let NamedOrBlankNode::NamedNode(subject) = &triple.subject else {
                continue;
            };
            let Some(local) = subject.as_str().strip_prefix(CG) else {
                continue;
            };
            let entry = concepts.entry(local.to_string()).or_insert_with(|| {
                order.push(local.to_string());
                (
                    None,
                    EventClass {
                        id: local.to_string(),
                        ..EventClass::default()
                    },
                )
            });
            let predicate = triple.predicate.as_str();
            match &triple.object {
                Term::NamedNode(object) if predicate == format!("{SKOS}inScheme") => {
                    entry.0 = object.as_str().strip_prefix(CG).map(str::to_string);
                }
                Term::Literal(literal) => {
                    let value = literal.value().to_lowercase();
                    if predicate == format!("{SKOS}prefLabel") {
                        entry.1.verbs.insert(0, value);
                    } else if predicate == format!("{SKOS}altLabel") {
                        entry.1.verbs.push(value);
                    } else if predicate == format!("{CG}nominalization") {
                        entry.1.nominalizations.push(value);
                    } else if predicate == format!("{CG}converseLabel") {
                        entry.1.converses.push(value);
                    }
                }
                _ => {}
            }
        }
        for id in order {
            let Some((scheme, class)) = concepts.remove(&id) else {
                continue;
            };
            match scheme.as_deref() {
                Some("EventClasses") => lexicon.event_classes.push(class),
                Some("Themes") => lexicon.themes.push(Theme {
                    id: class.id,
                    labels: class.verbs,
                }),
                Some("DocumentKinds") => lexicon.document_kinds.push(Theme {
                    id: class.id,
                    labels: class.verbs,
                }),
                _ => {}
            }
        }
        for (i, class) in lexicon.event_classes.iter().enumerate() {
            for verb in &class.verbs {
                for form in inflections(verb, &[]) {
                    lexicon
                        .verb_forms
                        .entry(form)
                        .or_insert((i, VerbRole::Direct, verb.clone()));
                }
            }
            for verb in &class.converses {
                for form in inflections(verb, &[]) {
                    lexicon
                        .verb_forms
                        .entry(form)
                        .or_insert((i, VerbRole::Converse, verb.clone()));
                }
            }
            for noun in &class.nominalizations {
                lexicon.nominal_forms.entry(noun.clone()).or_insert(i);
            }
        }
        for (i, theme) in lexicon.themes.iter().enumerate() {
            for label in &theme.labels {
                lexicon.theme_forms.entry(label.clone()).or_insert(i);
            }
        }
        for (i, kind) in lexicon.document_kinds.iter().enumerate() {
            for label in &kind.labels {
                lexicon.document_forms.entry(label.clone()).or_insert(i);
            }
        }
        for line in cues_tsv.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(lemma), Some(stance)) = (fields.next(), fields.next()) else {
                continue;
            };
            let Some(stance) = Stance::parse(stance.trim()) else {
                continue;
            };
            let lemma = lemma.trim().to_lowercase();
            let irregular: Vec<String> = fields
                .next()
                .map(|f| f.split(',').map(|s| s.trim().to_lowercase()).collect())
                .unwrap_or_default();
            for form in inflections(&lemma, &irregular) {
                let head = form.split(' ').next().unwrap_or("").to_string();
                if head.ends_with("ing") {
                    lexicon.cue_ing.insert(form.clone());
                    lexicon.cue_ing.insert(head.clone());
                }
                let irregular_past = IRREGULAR
                    .iter()
                    .any(|(_, past, participle)| head == *past || head == *participle)
                    && Some(head.as_str()) != lemma.split(' ').next();
                if head.ends_with("ed")
                    || irregular_past
                    || (irregular.contains(&head) && !head.ends_with('s') && !head.ends_with("ing"))
                {
                    lexicon.cue_past.insert(form.clone());
                    lexicon.cue_past.insert(head.clone());
                }
                lexicon.max_words = lexicon.max_words.max(form.split(' ').count());
                lexicon.cue_forms.entry(form).or_insert_with(|| lemma.clone());
            }
            lexicon.cues.entry(lemma.clone()).or_insert(Cue { lemma, stance });
        }
        lexicon.cue_first_words = first_words(lexicon.cue_forms.keys());
        lexicon.verb_first_words = first_words(lexicon.verb_forms.keys());
        lexicon
    }

    /// The cue a (lowercased) surface form belongs to: "denied" → deny.
    pub fn cue(&self, form: &str) -> Option<&Cue> {
        self.cue_forms
            .get(lowercase(form).as_ref())
            .and_then(|lemma| self.cues.get(lemma))
    }

    /// The longest cue starting at `words[0]`, and how many words it spans.
    pub fn cue_at(&self, words: &[&str]) -> Option<(&Cue, usize)> {
        if cannot_start(&self.cue_first_words, words) {
            return None;
        }
        let phrases = LowercasePhrases::new(words, self.max_words);
        (1..=phrases.len())
            .rev()
            .find_map(|n| self.cue(phrases.first(n)).map(|cue| (cue, n)))
    }

    /// Whether a cue form is a present participle ("saying").
    pub fn is_participle(&self, form: &str) -> bool {
        self.cue_ing.contains(lowercase(form).as_ref())
    }

    /// Whether a cue form is a past tense or past participle ("denied", "told", "written"): after
    /// a form of "be" it is a passive.
    pub fn is_past(&self, form: &str) -> bool {
        self.cue_past.contains(lowercase(form).as_ref())
    }

    /// The event class and role of a verb form: "handed" → (event-send, Direct, "hand").
    pub fn event_verb(&self, form: &str) -> Option<(&str, VerbRole)> {
        self.verb_forms
            .get(lowercase(form).as_ref())
            .map(|(i, role, _)| (self.event_classes[*i].id.as_str(), *role))
    }

    /// The lemma of an event verb form: "handed over" → "hand over".
    pub fn event_lemma(&self, form: &str) -> Option<&str> {
        self.verb_forms
            .get(lowercase(form).as_ref())
            .map(|(_, _, lemma)| lemma.as_str())
    }

    /// The longest event verb starting at `words[0]`: (class, role, lemma, words spanned).
    pub fn event_verb_at(&self, words: &[&str]) -> Option<(&str, VerbRole, &str, usize)> {
        if cannot_start(&self.verb_first_words, words) {
            return None;
        }
        let phrases = LowercasePhrases::new(words, 3);
        (1..=phrases.len()).rev().find_map(|n| {
            let (i, role, lemma) = self.verb_forms.get(phrases.first(n))?;
            Some((self.event_classes[*i].id.as_str(), *role, lemma.as_str(), n))
        })
    }

    /// The event class of a nominalization or gerund: "submission" → event-send.
    pub fn nominalization(&self, word: &str) -> Option<&str> {
        let w = lowercase(word);
        self.nominal_forms
            .get(w.as_ref())
            .or_else(|| w.strip_suffix('s').and_then(|s| self.nominal_forms.get(s)))
            .map(|i| self.event_classes[*i].id.as_str())
    }

    /// The theme of a noun: "feedback" → theme-response.
    pub fn theme(&self, word: &str) -> Option<&str> {
        let w = lowercase(word);
        self.theme_forms.get(w.as_ref()).map(|i| self.themes[*i].id.as_str())
    }

    /// The document kind a noun (or two-word noun, "press release") names: "memo" → document-letter.
    pub fn document_kind(&self, noun: &str) -> Option<&str> {
        let w = lowercase(noun);
        self.document_forms
            .get(w.as_ref())
            .map(|i| self.document_kinds[*i].id.as_str())
    }
}

fn first_words<'a>(forms: impl Iterator<Item = &'a String>) -> HashSet<String> {
    forms
        .map(|form| form.split(' ').next().unwrap_or("").to_string())
        .collect()
}

/// Whether no phrase starting with `words[0]` can be one of the forms whose first words are
/// `first_words` (decided for ASCII words only, whose lowercase is plain).
fn cannot_start(first_words: &HashSet<String>, words: &[&str]) -> bool {
    match words.first() {
        None => true,
        Some(word) if word.is_ascii() => {
            let first = word.split(' ').next().unwrap_or("");
            !first_words.contains(lowercase(first).as_ref())
        }
        Some(_) => false,
    }
}

/// `text` lowercased, borrowed when it already is (the common case for lowercase ASCII words).
fn lowercase(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
        Cow::Owned(text.to_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// The first words of a sentence joined by spaces and lowercased once, so that each shorter
/// phrase is a prefix: `first(n)` is `words[..n].join(" ").to_lowercase()`.
struct LowercasePhrases {
    text: String,
    /// End of the n-th word in `text`, for n = 1, 2, …
    ends: Vec<usize>,
}

impl LowercasePhrases {
    fn new(words: &[&str], max_words: usize) -> Self {
        let words = &words[..max_words.min(words.len())];
        let mut text = String::new();
        let mut ends = Vec::with_capacity(words.len());
        for (k, word) in words.iter().enumerate() {
            if k > 0 {
                text.push(' ');
            }
            // lowercasing word by word is lowercasing the phrase: a space ends the context of
            // the only context-dependent mapping (final sigma)
            text.push_str(&lowercase(word));
            ends.push(text.len());
        }
        Self { text, ends }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn first(&self, n: usize) -> &str {
        &self.text[..self.ends[n - 1]]
    }
}

/// Common irregular verbs: lemma, past, past participle.
const IRREGULAR: &[(&str, &str, &str)] = &[
    ("send", "sent", "sent"),
    ("give", "gave", "given"),
    ("get", "got", "gotten"),
    ("meet", "met", "met"),
    ("speak", "spoke", "spoken"),
    ("hold", "held", "held"),
    ("make", "made", "made"),
    ("build", "built", "built"),
    ("strike", "struck", "struck"),
    ("withdraw", "withdrew", "withdrawn"),
    ("take", "took", "taken"),
    ("bring", "brought", "brought"),
    ("tell", "told", "told"),
    ("say", "said", "said"),
    ("write", "wrote", "written"),
    ("think", "thought", "thought"),
    ("leave", "left", "left"),
    ("pay", "paid", "paid"),
    ("lay", "laid", "laid"),
    ("shoot", "shot", "shot"),
    ("lead", "led", "led"),
    ("sell", "sold", "sold"),
    ("buy", "bought", "bought"),
    ("win", "won", "won"),
    ("lose", "lost", "lost"),
    ("keep", "kept", "kept"),
    ("put", "put", "put"),
    ("set", "set", "set"),
    ("let", "let", "let"),
    ("cut", "cut", "cut"),
    ("forward", "forwarded", "forwarded"),
    ("mislead", "misled", "misled"),
    ("undertake", "undertook", "undertaken"),
    ("swear", "swore", "sworn"),
    ("forbid", "forbade", "forbidden"),
    ("begin", "began", "begun"),
    ("see", "saw", "seen"),
    ("go", "went", "gone"),
    ("come", "came", "come"),
    ("know", "knew", "known"),
    ("show", "showed", "shown"),
    ("find", "found", "found"),
    ("stand", "stood", "stood"),
    ("understand", "understood", "understood"),
    ("feel", "felt", "felt"),
    ("hear", "heard", "heard"),
    ("run", "ran", "run"),
    ("seek", "sought", "sought"),
    ("teach", "taught", "taught"),
    ("spread", "spread", "spread"),
    ("hit", "hit", "hit"),
    ("quit", "quit", "quit"),
];

/// Every surface form of a (possibly multi-word) verb lemma: the lemma, -s, -ed and -ing forms
/// of its first word (spelling variants included: a variant that is not an English word never
/// matches a token, so over-generating is harmless), the listed irregular forms, and the
/// irregular-verb table.
pub fn inflections(lemma: &str, irregular: &[String]) -> Vec<String> {
    let mut words = lemma.splitn(2, ' ');
    let head = words.next().unwrap_or("");
    let rest = words.next().map(|r| format!(" {r}")).unwrap_or_default();
    let mut heads: BTreeSet<String> = BTreeSet::new();
    heads.insert(head.to_string());
    let chars: Vec<char> = head.chars().collect();
    let n = chars.len();
    let vowel = |c: char| "aeiou".contains(c);
    if n == 0 {
        return Vec::new();
    }
    let last = chars[n - 1];
    // third person
    if head.ends_with('s') || head.ends_with('x') || head.ends_with("sh") || head.ends_with("ch") || head.ends_with('z')
    {
        heads.insert(format!("{head}es"));
    } else if last == 'y' && n > 1 && !vowel(chars[n - 2]) {
        heads.insert(format!("{}ies", &head[..head.len() - 1]));
    } else {
        heads.insert(format!("{head}s"));
    }
    // past and participles
    if last == 'e' {
        heads.insert(format!("{head}d"));
        heads.insert(format!("{}ing", &head[..head.len() - 1]));
    } else if last == 'y' && n > 1 && !vowel(chars[n - 2]) {
        heads.insert(format!("{}ied", &head[..head.len() - 1]));
        heads.insert(format!("{head}ing"));
    } else {
        heads.insert(format!("{head}ed"));
        heads.insert(format!("{head}ing"));
        if n >= 3 && !vowel(last) && !"wxy".contains(last) && vowel(chars[n - 2]) && !vowel(chars[n - 3]) {
            heads.insert(format!("{head}{last}ed"));
            heads.insert(format!("{head}{last}ing"));
        }
    }
    for (base, past, participle) in IRREGULAR {
        if *base == head {
            // an irregular verb has no regular past
            heads.remove(&format!("{head}ed"));
            heads.remove(&format!("{head}d"));
            heads.insert((*past).to_string());
            heads.insert((*participle).to_string());
        }
    }
    for form in irregular {
        // irregular forms may be written with or without the particle
        let form_head = form.split(' ').next().unwrap_or(form);
        heads.insert(form_head.to_string());
    }
    heads.into_iter().map(|h| format!("{h}{rest}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflects_regular_and_irregular_verbs() {
        let forms = inflections("submit", &[]);
        for f in ["submit", "submits", "submitted", "submitting"] {
            assert!(forms.contains(&f.to_string()), "{f} in {forms:?}");
        }
        let forms = inflections("hand over", &[]);
        assert!(forms.contains(&"handed over".to_string()));
        let forms = inflections("send", &[]);
        assert!(forms.contains(&"sent".to_string()) && !forms.contains(&"sended".to_string()));
        assert!(inflections("deny", &[]).contains(&"denied".to_string()));
        assert!(inflections("receive", &[]).contains(&"received".to_string()));
    }

    #[test]
    fn embedded_lexicon_has_cues_classes_and_themes() {
        let lexicon = Lexicon::embedded();
        assert_eq!(lexicon.cue("castigated").map(|c| c.stance), Some(Stance::Deny));
        assert_eq!(
            lexicon
                .cue_at(&["pointing", "out", "that"])
                .map(|(c, n)| (c.lemma.as_str(), n)),
            Some(("point out", 2))
        );
        assert_eq!(lexicon.event_verb("received"), Some(("event-send", VerbRole::Converse)));
        assert_eq!(
            lexicon.event_verb_at(&["passed", "on", "to"]).map(|v| (v.2, v.3)),
            Some(("pass on", 2))
        );
        assert_eq!(lexicon.nominalization("submission"), Some("event-send"));
        assert_eq!(lexicon.theme("follow-up"), Some("theme-response"));
        assert_eq!(lexicon.theme("ideas"), Some("theme-considerations"));
        assert_eq!(lexicon.document_kind("Memos"), Some("document-letter"));
        assert_eq!(lexicon.document_kind("press release"), Some("document-statement"));
        assert_eq!(lexicon.document_kind("troops"), None);
        assert!(lexicon.is_participle("saying"));
        for past in ["told", "written", "spoken", "denied", "said", "warned"] {
            assert!(lexicon.is_past(past), "{past}");
        }
        for other in ["tell", "tells", "telling", "write", "deny"] {
            assert!(!lexicon.is_past(other), "{other}");
        }
    }
}
