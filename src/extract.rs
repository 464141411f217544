//! Extract stage: reported speech (who said what, with which stance and polarity), the
//! propositions claims normalize to, and events (who did what to whom, when, where).
//!
//! The rules work on tokens, mentions and the lexicons of [`crate::lexicon`]; each rule has a
//! stable id (`speech/deny/that-clause`) that travels with the item as [`Evidence`]. The few
//! syntactic questions the rules ask — where a clause's subject is, where a verb's complement
//! ends, whether a clause is negated — are answered by small functions of [`Clauses`] so that a
//! dependency parser can answer them later without touching the rules.
//!
//! Rules (ids as they appear in [`Evidence::rule`]; `<stance>` is the stance's lowercase name):
//! - `speech/quote/trailing`, `speech/trailing`: `"…," X said` / `"…," said X` / `…, X told reporters.` (content
//!   first); `speech/quote/continued`: each earlier sentence of a quote opened before the cue, same speaker
//! - `speech/according-to`: `According to X, …` / `…, according to X` (an outlet there is the intermediary of
//!   the sentence's own claim when it has one); `speech/as-noted`: `As X noted, …`; `speech/opinion`: `In his
//!   opinion, …`; `speech/colon`: `X: "…"`; `speech/nominal`: `the statement by X that …`, `information from X
//!   that …` (X asserts what `that` introduces, whoever reports it)
//! - `speech/<stance>/that-clause`, `/quote`, `/clause` (`said Spain had …`), `/gerund` (`denies sending …`: the
//!   speaker is the gerund's agent), `/object` (`denied reports that …`, `castigated these claims`; for a confirming, denying or
//!   rejecting cue also `dismissed a report that …` → the report's clause, `rejected the allegations as baseless` →
//!   the noun phrase),
//!   `/complement` (`ruled out X`, `pledging to …`, `commented on …`): `X (has not) CUE (to Y) (PP) (that) …`
//! - `speech/deny/relative`, `speech/reject/relative`: `a charge he has denied`, `claims which X rejected`, `the
//!   charge of fraud, which he denies` (the relative clause's subject denies the noun phrase, or its content clause)
//! - `speech/<stance>/participle`: `…, saying that …`, `… and warned that …` (the speaker of the sentence's
//!   previous claim, or its main subject)
//! - `speech/<stance>/cited-as-saying`: `Y cited X as saying that …`; `speech/assert/quoted-as-saying`: `X was
//!   quoted by Y as saying …` (Y is the intermediary)
//! - `speech/deny/negated-copula`: the stance of a neutral cue becomes `deny` for `it was "not true" that …`,
//!   `this is not …`, `the response has not been submitted`, `the reports were false`; `speech/evaluative`:
//!   it becomes `criticize`/`warn` for evaluative content (`unsatisfactory`, `could lead to … consequences`)
//! - `event/subject-verb`, `event/coordinated-subject`: a verb of an event class of `lexicon.ttl` outside
//!   reported content, with its subject(s), object, recipient (`to X`, `handed X …`), place (`in X`) and date
//!   (the sentence's own date expression, or for `In parallel` / `On the same day` the last explicit date)
//!
//! Negation: "not" before a cue turns `confirm`/`acknowledge` into `deny` of the content and `deny`/`reject` into
//! `assert` of it ("did not rule out"); a negator in the content's main clause (before ", but", ", which", a
//! relative "that") makes the polarity negative; a `deny`/`reject` cue flips the content's polarity.

use std::collections::BTreeSet;

use crate::lexicon::{Lexicon, VerbRole};
use crate::mention::{EntityKind, Mention};
use crate::nlp::Analysis;
use crate::resolve::Resolution;
use crate::text::Sentence;
use crate::time::{self, TimeValue};

/// Where an extracted item comes from: its sentence, its span and the rule that found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Index of the sentence.
    pub sentence: usize,
    /// Byte offset in the document text of the start of the span (cue..content).
    pub start: usize,
    /// Byte offset one past the end of the span.
    pub end: usize,
    /// Stable id of the rule ("speech/deny/that-clause").
    pub rule: &'static str,
    /// How sure the rule is, from 0 to 1.
    pub confidence: f32,
}

/// The speech act of an attribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stance {
    /// Says that something is so.
    Assert,
    /// Confirms what was said or asked.
    Confirm,
    /// Denies.
    Deny,
    /// Admits, concedes.
    Acknowledge,
    /// Claims without proof, alleges.
    Allege,
    /// Reports what others said or did.
    Report,
    /// Announces.
    Announce,
    /// Promises, pledges.
    Promise,
    /// Warns.
    Warn,
    /// Accuses.
    Accuse,
    /// Criticizes.
    Criticize,
    /// Rejects, rules out.
    Reject,
}

impl Stance {
    /// Every stance, in order.
    pub const ALL: [Stance; 12] = [
        Stance::Assert,
        Stance::Confirm,
        Stance::Deny,
        Stance::Acknowledge,
        Stance::Allege,
        Stance::Report,
        Stance::Announce,
        Stance::Promise,
        Stance::Warn,
        Stance::Accuse,
        Stance::Criticize,
        Stance::Reject,
    ];

    /// The stance as one lowercase word ("deny").
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Assert => "assert",
            Stance::Confirm => "confirm",
            Stance::Deny => "deny",
            Stance::Acknowledge => "acknowledge",
            Stance::Allege => "allege",
            Stance::Report => "report",
            Stance::Announce => "announce",
            Stance::Promise => "promise",
            Stance::Warn => "warn",
            Stance::Accuse => "accuse",
            Stance::Criticize => "criticize",
            Stance::Reject => "reject",
        }
    }

    /// The local name of the ontology individual (`cg:Deny`).
    pub fn local_name(self) -> &'static str {
        match self {
            Stance::Assert => "Assert",
            Stance::Confirm => "Confirm",
            Stance::Deny => "Deny",
            Stance::Acknowledge => "Acknowledge",
            Stance::Allege => "Allege",
            Stance::Report => "Report",
            Stance::Announce => "Announce",
            Stance::Promise => "Promise",
            Stance::Warn => "Warn",
            Stance::Accuse => "Accuse",
            Stance::Criticize => "Criticize",
            Stance::Reject => "Reject",
        }
    }

    /// The local name of the direct stance property (`cg:denies`).
    pub fn property_local(self) -> &'static str {
        match self {
            Stance::Assert => "asserts",
            Stance::Confirm => "confirms",
            Stance::Deny => "denies",
            Stance::Acknowledge => "acknowledges",
            Stance::Allege => "alleges",
            Stance::Report => "reports",
            Stance::Announce => "announces",
            Stance::Promise => "promises",
            Stance::Warn => "warns",
            Stance::Accuse => "accuses",
            Stance::Criticize => "criticizes",
            Stance::Reject => "rejects",
        }
    }

    /// Parses the lowercase word of [`Stance::as_str`].
    pub fn parse(word: &str) -> Option<Stance> {
        Stance::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// Whether the stance denies its content (the speaker holds the content false).
    pub fn is_negating(self) -> bool {
        matches!(self, Stance::Deny | Stance::Reject)
    }
}

/// Whether the content of a claim holds as the speaker puts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Polarity {
    /// The content holds.
    Positive,
    /// The content is negated.
    Negative,
}

impl Polarity {
    /// "positive" or "negative".
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Negative => "negative",
        }
    }

    /// The opposite polarity.
    pub fn flip(self) -> Polarity {
        match self {
            Polarity::Positive => Polarity::Negative,
            Polarity::Negative => Polarity::Positive,
        }
    }
}

/// The normalized content of a claim: an event class with its participants.
///
/// The recipient is part of the canonical key only when the agent is unknown: "X sent its
/// response" and "X sent its response to Y" (different outlets, one omitting the addressee)
/// must meet at one proposition, while "Y received a response" (no agent) is only comparable
/// with other claims about what Y received.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PropositionKey {
    /// Concept local name of the event class in `lexicon.ttl` ("event-send").
    pub event_class: String,
    /// Entity key of the agent.
    pub agent: Option<String>,
    /// Concept local name of the theme ("theme-response").
    pub theme: Option<String>,
    /// Entity key of the recipient.
    pub recipient: Option<String>,
}

impl PropositionKey {
    /// The key whose hash names the proposition: `event-send|spain|theme-response`, or
    /// `event-send|_|theme-response|to:spain` when the agent is unknown.
    pub fn canonical(&self) -> String {
        let mut key = format!(
            "{}|{}|{}",
            self.event_class,
            self.agent.as_deref().unwrap_or("_"),
            self.theme.as_deref().unwrap_or("_")
        );
        if self.agent.is_none()
            && let Some(recipient) = &self.recipient
        {
            key.push_str("|to:");
            key.push_str(recipient);
        }
        key
    }

    /// A readable summary: "Spain → send → response → France".
    pub fn summary(&self, entities: &[crate::resolve::Entity], labels: &[&str]) -> String {
        let label = |key: &str| -> String {
            entities
                .iter()
                .position(|e| e.key == key)
                .and_then(|i| labels.get(i).map(|l| l.to_string()))
                .unwrap_or_else(|| key.to_string())
        };
        let mut parts = vec![self.agent.as_deref().map_or_else(|| "someone".to_string(), label)];
        parts.push(self.event_class.trim_start_matches("event-").to_string());
        if let Some(theme) = &self.theme {
            parts.push(theme.trim_start_matches("theme-").to_string());
        }
        if let Some(recipient) = &self.recipient {
            parts.push(label(recipient));
        }
        parts.join(" → ")
    }
}

/// A reported claim: who said it, how, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// Index of the speaker in [`Resolution::entities`].
    pub speaker: usize,
    /// The speaker as written in this sentence ("the ministry official", "he").
    pub speaker_text: String,
    /// The rule that resolved `speaker_text` to the speaker when it is a pronoun or description
    /// ("resolve/pronoun", "resolve/description"); `None` when it names the speaker.
    pub speaker_rule: Option<&'static str>,
    /// The cue as written ("told reporters", "has not confirmed", "according to").
    pub cue: String,
    /// The speech act.
    pub stance: Stance,
    /// Whether the content holds as the speaker puts it.
    pub polarity: Polarity,
    /// The content as written.
    pub content: String,
    /// The direct quote, if the content is (or contains) one.
    pub quote: Option<String>,
    /// Index of the intermediary entity ("told the news agency X", "according to X").
    pub via: Option<usize>,
    /// Modal verb or expression of the content ("would", "expected to").
    pub modality: Option<String>,
    /// Tense of the content ("past", "present", "future"), from its first finite verb.
    pub tense: Option<&'static str>,
    /// A qualifier that restricts the content ("direct" in "no direct answers").
    pub qualifier: Option<String>,
    /// When the claim was made.
    pub date: Option<TimeValue>,
    /// The normalized proposition of the content, when it has one.
    pub proposition: Option<PropositionKey>,
    /// Where it comes from.
    pub evidence: Evidence,
}

/// Something an agent did: "the ministry published draft agreements on December 17".
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Index of the agent in [`Resolution::entities`].
    pub agent: usize,
    /// The action's lemma ("hand over").
    pub action: String,
    /// The event class in `lexicon.ttl` ("event-send").
    pub event_class: Option<String>,
    /// The object as written ("written responses").
    pub object: Option<String>,
    /// Index of the recipient entity.
    pub recipient: Option<usize>,
    /// The place as written ("Lisbon").
    pub place: Option<String>,
    /// When it happened.
    pub date: Option<TimeValue>,
    /// Whether it happened (negative: "did not sign").
    pub polarity: Polarity,
    /// Where it comes from.
    pub evidence: Evidence,
}

/// Everything extracted from one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    /// Reported claims, sorted by sentence and start.
    pub attributions: Vec<Attribution>,
    /// Events, sorted by sentence and start.
    pub events: Vec<Event>,
}

/// Extracts attributions and events from one document.
///
/// `doc_date` (`YYYY-MM-DD`) anchors relative dates; `trees` holds the parse of each sentence's
/// tokens. Deterministic; the output is sorted by (sentence, start).
pub fn extract(
    text: &str,
    doc_date: Option<&str>,
    sentences: &[Sentence],
    trees: &[Vec<Analysis>],
    mentions: &[Mention],
    resolution: &Resolution,
) -> Extraction {
    let clauses = Clauses::new(text, doc_date, sentences, trees, mentions, resolution);
    let mut found = Vec::new();
    for s in 0..sentences.len() {
        clauses.speech(s, &mut found);
    }
    clauses.following_quotes(&mut found);
    clauses.prefer_previous_speaker(&mut found);
    let mut attributions = clauses.finish(found);
    attributions.sort_by(|a, b| {
        (
            a.evidence.sentence,
            a.evidence.start,
            a.evidence.end,
            a.speaker,
            a.stance,
        )
            .cmp(&(
                b.evidence.sentence,
                b.evidence.start,
                b.evidence.end,
                b.speaker,
                b.stance,
            ))
    });
    attributions.dedup_by(|a, b| {
        a.evidence.sentence == b.evidence.sentence
            && a.speaker == b.speaker
            && a.polarity == b.polarity
            && a.stance == b.stance
            && a.content == b.content
    });
    let mut events = Vec::new();
    for s in 0..sentences.len() {
        clauses.events(s, &attributions, &mut events);
    }
    events.sort_by(|a, b| {
        (a.evidence.sentence, a.evidence.start, a.agent).cmp(&(b.evidence.sentence, b.evidence.start, b.agent))
    });
    let mut extraction = Extraction { attributions, events };
    set_tenses(text, sentences, trees, &mut extraction);
    extraction
}

/// Sets the tense of each attribution's content from the parser's tags: its first finite verb
/// or auxiliary ("had been submitted" past, "is being prepared" present, "will send" future). A
/// content without one (a noun phrase: "denied the report") or with another modal ("would",
/// "may": see the modality) has none.
fn set_tenses(text: &str, sentences: &[Sentence], trees: &[Vec<Analysis>], extraction: &mut Extraction) {
    for attribution in &mut extraction.attributions {
        let s = attribution.evidence.sentence;
        let (Some(sentence), Some(tree)) = (sentences.get(s), trees.get(s)) else {
            continue;
        };
        let Some(at) = sentence.text(text).find(attribution.content.as_str()) else {
            continue;
        };
        let (c0, c1) = (sentence.start + at, sentence.start + at + attribution.content.len());
        attribution.tense = sentence
            .tokens
            .iter()
            .zip(tree)
            .filter(|(token, _)| c0 <= token.start && token.end <= c1)
            .find_map(|(token, word)| match word.xpos.as_str() {
                "VBD" => Some(Some("past")),
                "VBZ" | "VBP" => Some(Some("present")),
                "MD" => Some(
                    matches!(token.form.to_lowercase().as_str(), "will" | "shall" | "'ll" | "wo").then_some("future"),
                ),
                _ => None,
            })
            .flatten();
    }
}

// ---------------------------------------------------------------------------------------------
// Generic word lists

const AUX: &[&str] = &[
    "has", "have", "had", "is", "was", "were", "are", "be", "been", "being", "will", "would", "can", "could", "may",
    "might", "must", "shall", "should", "did", "does", "do", "'s", "'ve", "'d", "'ll",
];
const NEGATORS: &[&str] = &[
    "not", "n't", "never", "no", "nothing", "none", "neither", "nor", "nobody", "without",
];
const ADVERBS: &[&str] = &[
    "also",
    "already",
    "reportedly",
    "publicly",
    "privately",
    "recently",
    "repeatedly",
    "then",
    "later",
    "earlier",
    "further",
    "again",
    "strongly",
    "flatly",
    "firmly",
    "categorically",
    "officially",
    "separately",
    "previously",
    "once",
    "still",
    "just",
    "now",
    "today",
    "yesterday",
    "tonight",
    "however",
    "too",
    "even",
    "only",
    "openly",
    "directly",
    "personally",
    "explicitly",
    "angrily",
    "initially",
    "formally",
    "quickly",
    "immediately",
    "simply",
    "reportedly",
    "allegedly",
    "apparently",
    "clearly",
    "flat",
    "since",
];
const PRONOUNS: &[&str] = &["he", "she", "they", "we", "i"];
const AUDIENCE: &[&str] = &[
    "broadcaster",
    "daily",
    "newspaper",
    "outlet",
    "station",
    "network",
    "magazine",
    "website",
    "paper",
    "program",
    "programme",
    "show",
    "newswire",
    "wire",
    "service",
    "reporters",
    "journalists",
    "the",
    "press",
    "media",
    "a",
    "an",
    "news",
    "conference",
    "briefing",
    "interviewers",
    "lawmakers",
    "parliament",
    "legislators",
    "senators",
    "colleagues",
    "counterparts",
    "him",
    "her",
    "them",
    "us",
    "me",
    "local",
    "state",
    "television",
    "tv",
    "radio",
    "newspaper",
    "agency",
    "channel",
];
const REPORT_NOUNS: &[&str] = &[
    "information",
    "reports",
    "report",
    "claims",
    "claim",
    "allegations",
    "allegation",
    "statements",
    "assertions",
];
/// Nouns for a claim that a cue can confirm, deny or reject as its object ("dismissed a report").
const CLAIM_NOUNS: &[&str] = &[
    "information",
    "reports",
    "report",
    "claims",
    "claim",
    "allegations",
    "allegation",
    "statements",
    "statement",
    "assertions",
    "assertion",
    "accusations",
    "accusation",
    "charges",
    "charge",
    "rumours",
    "rumour",
    "rumors",
    "rumor",
    "suggestions",
    "suggestion",
    "speculation",
    "story",
    "stories",
];
/// Cues whose first object is the one spoken to ("warned the board that …").
const ADDRESSEE_CUES: &[&str] = &[
    "tell",
    "inform",
    "notify",
    "assure",
    "warn",
    "brief",
    "advise",
    "caution",
    "alert",
    "forewarn",
    "promise",
    "guarantee",
];
/// Claim nouns a relative clause can deny ("a charge he has denied", "allegations she denies").
const RELATIVE_CLAIM_NOUNS: &[&str] = &[
    "charge",
    "charges",
    "allegation",
    "allegations",
    "claim",
    "claims",
    "accusation",
    "accusations",
    "report",
    "reports",
    "suggestion",
    "suggestions",
    "rumour",
    "rumours",
    "rumor",
    "rumors",
];
const MODALS: &[&str] = &["would", "could", "may", "might", "will", "should", "must", "can"];
const QUALIFIERS: &[&str] = &[
    "direct", "full", "formal", "official", "final", "fuller", "complete", "written",
];
const DESCRIPTION_HEADS: &[&str] = &[
    "office",
    "embassy",
    "mission",
    "team",
    "campaign",
    "press",
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "minister",
    "president",
    "expert",
    "diplomat",
    "ambassador",
    "representative",
    "secretary",
    "agency",
    "ministry",
    "department",
    "leader",
    "head",
    "chief",
    "envoy",
    "analyst",
    "scientist",
    "source",
    "sources",
    "government",
    "administration",
    "premier",
    "chancellor",
    "director",
    "general",
    "governor",
    "mayor",
    "senator",
    "lawmaker",
    "aide",
    "adviser",
    "advisor",
    "commander",
    "prosecutor",
    "statement",
    "side",
    "politician",
    "diplomats",
    "company",
    "firm",
    "airline",
    "authority",
    "union",
];
/// Cues that only report speech when a clause or quote follows (their noun or other uses are common).
const CLAUSE_ONLY: &[&str] = &[
    "state",
    "note",
    "report",
    "claim",
    "call",
    "answer",
    "reply",
    "respond",
    "share",
    "express",
    "voice",
    "question",
    "doubt",
    "request",
    "demand",
    "offer",
    "attack",
    "fear",
    "charge",
    "quote",
    "brief",
    "leak",
    "publish",
    "recall",
    "commit",
    "grant",
    "allow",
    "accept",
    "expect",
    "estimate",
    "signal",
    "hint",
    "comment",
    "remark",
    "speak",
    "mention",
    "add",
    "write",
    "repeat",
    "think",
    "believe",
    "release",
    "cite",
    "suggest",
    "indicate",
    "describe",
    "elaborate",
    "ask",
    "urge",
    "appeal",
    "call for",
    "recommend",
    "advise",
    "propose",
    "wonder",
    "agree",
    "concur",
    "relay",
    "reveal",
    "disclose",
    "inform",
    "notify",
    "tweet",
    "predict",
    "assure",
    "guarantee",
    "underline",
    "stress",
    "echo",
    "suspect",
    "worry",
    "threaten",
    "pledge",
    "promise",
    "vow",
    "swear",
    "undertake",
    "decline",
    "refuse",
    "oppose",
    "disagree",
    "renounce",
    "veto",
    "broadcast",
    "unveil",
    "publicize",
    "proclaim",
    "observe",
    "maintain",
    "insist",
    "argue",
    "contend",
    "declare",
    "testify",
    "admit",
    "recognize",
    "recognise",
    "reiterate",
    "explain",
    "clarify",
    "conclude",
    "emphasize",
    "emphasise",
    "underscore",
    "opine",
    "hint",
    "alert",
];
/// Clause-only cues that do not take a clause without "that" ("answered the question", "shared the view").
const NO_BARE_CLAUSE: &[&str] = &[
    "call",
    "answer",
    "reply",
    "respond",
    "share",
    "express",
    "voice",
    "question",
    "request",
    "demand",
    "offer",
    "attack",
    "charge",
    "quote",
    "brief",
    "leak",
    "publish",
    "release",
    "cite",
    "ask",
    "urge",
    "appeal",
    "call for",
    "recommend",
    "advise",
    "propose",
    "wonder",
    "speak",
    "comment",
    "remark",
    "commit",
    "grant",
    "allow",
    "accept",
    "decline",
    "refuse",
    "oppose",
    "disagree",
    "renounce",
    "veto",
    "broadcast",
    "unveil",
    "publicize",
    "proclaim",
    "describe",
    "elaborate",
    "doubt",
    "inform",
    "notify",
    "relay",
    "threaten",
    "agree",
    "concur",
    "mention",
    "observe",
    "recall",
    "express",
    "signal",
    "undertake",
];
const CRITICISM_WORDS: &[&str] = &[
    "unsatisfactory",
    "impoliteness",
    "disrespect",
    "unacceptable",
    "irresponsible",
    "outrageous",
    "absurd",
    "shameful",
    "disgraceful",
    "hypocritical",
    "hypocrisy",
    "provocative",
    "arrogant",
    "arrogance",
    "rude",
    "rudeness",
    "insulting",
    "offensive",
    "destructive",
    "unfriendly",
    "hostile",
    "baseless",
    "disappointing",
];
const FALSITY_WORDS: &[&str] = &[
    "false",
    "untrue",
    "fake",
    "baseless",
    "groundless",
    "unfounded",
    "lie",
    "lies",
    "nonsense",
    "fabricated",
    "fabrication",
    "fiction",
    "incorrect",
    "inaccurate",
    "misleading",
    "wrong",
    "bogus",
    "disinformation",
];
const WARNING_WORDS: &[&str] = &[
    "consequences",
    "catastrophe",
    "catastrophic",
    "dangerous",
    "danger",
    "risk",
    "risks",
];

fn is(word: &str, list: &[&str]) -> bool {
    list.contains(&word)
}

fn is_quote(form: &str) -> bool {
    form == "\""
}

fn is_punct(form: &str) -> bool {
    form.chars().all(|c| !c.is_alphanumeric())
}

fn is_capitalized(form: &str) -> bool {
    form.chars().next().is_some_and(char::is_uppercase)
}

// ---------------------------------------------------------------------------------------------
// Document view

/// A mention as a token range of its sentence.
#[derive(Debug, Clone, Copy)]
struct Span {
    t0: usize,
    t1: usize,
    entity: usize,
}

/// A verb the parse reads as passive: its agent ("by Norway"), if named, and the token span of
/// its subject, the theme.
struct Passive {
    agent: Option<Who>,
    theme: Option<(usize, usize)>,
}

/// A speaker or agent found by a rule.
#[derive(Debug, Clone)]
struct Who {
    entity: usize,
    text: String,
    t0: usize,
    t1: usize,
    /// The rule that resolved a pronoun or description to `entity`; `None` for a name.
    rule: Option<&'static str>,
}

/// A quotation: from the token after its opening mark to the token before its closing mark.
#[derive(Debug, Clone, Copy)]
struct QuoteRegion {
    open: (usize, usize),
    close: Option<(usize, usize)>,
}

/// An attribution before its polarity, proposition and date are worked out.
#[derive(Debug, Clone)]
struct Found {
    sentence: usize,
    speaker: Who,
    cue: String,
    cue_t0: usize,
    cue_t1: usize,
    stance: Stance,
    negated_cue: bool,
    content: (usize, usize),
    via: Option<usize>,
    rule: &'static str,
    confidence: f32,
    /// Proposition inherited from an earlier claim ("these claims", "this was not true").
    anaphoric: bool,
    /// The agent of a gerund content without subject ("denies sending …"): the speaker.
    gerund: bool,
}

/// The document seen by the rules: tokens, quotes, mentions and dates by sentence. The
/// syntactic helpers (subject of a verb, end of a complement, negation) live here.
pub struct Clauses<'a> {
    text: &'a str,
    doc_date: Option<&'a str>,
    sentences: &'a [Sentence],
    /// The parse of each sentence's tokens.
    trees: &'a [Vec<Analysis>],
    mentions: &'a [Mention],
    resolution: &'a Resolution,
    lex: &'static Lexicon,
    words: Vec<Vec<String>>,
    quoted: Vec<Vec<bool>>,
    quotes: Vec<QuoteRegion>,
    spans: Vec<Vec<Span>>,
    dates: Vec<Vec<(usize, usize, TimeValue)>>,
}

impl<'a> Clauses<'a> {
    /// Prepares the view of one document.
    pub fn new(
        text: &'a str,
        doc_date: Option<&'a str>,
        sentences: &'a [Sentence],
        trees: &'a [Vec<Analysis>],
        mentions: &'a [Mention],
        resolution: &'a Resolution,
    ) -> Self {
        let words: Vec<Vec<String>> = sentences
            .iter()
            .map(|s| s.tokens.iter().map(|t| t.form.to_lowercase()).collect())
            .collect();
        // quotes: straight marks toggle, curly ones open or close; a paragraph break ends a quote
        let mut quoted: Vec<Vec<bool>> = sentences.iter().map(|s| vec![false; s.tokens.len()]).collect();
        let mut quotes: Vec<QuoteRegion> = Vec::new();
        let mut open: Option<(usize, usize)> = None;
        let mut previous_end: Option<usize> = None;
        for (si, sentence) in sentences.iter().enumerate() {
            if let (Some(end), Some(o)) = (previous_end, open)
                && text.get(end..sentence.start).is_some_and(|gap| gap.contains('\n'))
            {
                quotes.push(QuoteRegion { open: o, close: None });
                open = None;
            }
            for (ti, token) in sentence.tokens.iter().enumerate() {
                if !is_quote(&token.form) {
                    quoted[si][ti] = open.is_some();
                    continue;
                }
                let raw = &text[token.start..token.end];
                let opening = match raw {
                    "\u{201C}" | "\u{201E}" | "\u{00AB}" => true,
                    "\u{201D}" | "\u{00BB}" => false,
                    _ => open.is_none(),
                };
                match (opening, open) {
                    (true, None) => open = Some((si, ti + 1)),
                    (false, Some(o)) => {
                        quotes.push(QuoteRegion {
                            open: o,
                            close: Some((si, ti)),
                        });
                        open = None;
                    }
                    _ => {}
                }
            }
            previous_end = Some(sentence.end);
        }
        if let Some(o) = open {
            quotes.push(QuoteRegion { open: o, close: None });
        }
        let mut spans: Vec<Vec<Span>> = vec![Vec::new(); sentences.len()];
        for (mi, mention) in mentions.iter().enumerate() {
            let Some(sentence) = sentences.get(mention.sentence) else {
                continue;
            };
            let Some(&entity) = resolution.mention_entity.get(mi) else {
                continue;
            };
            if entity >= resolution.entities.len() {
                continue;
            }
            let t0 = sentence.tokens.iter().position(|t| t.end > mention.start);
            let t1 = sentence.tokens.iter().rposition(|t| t.start < mention.end);
            if let (Some(t0), Some(t1)) = (t0, t1)
                && t0 <= t1
            {
                spans[mention.sentence].push(Span { t0, t1: t1 + 1, entity });
            }
        }
        for list in &mut spans {
            list.sort_by_key(|s| (s.t0, std::cmp::Reverse(s.t1)));
        }
        let mut dates = Vec::new();
        for sentence in sentences {
            let st = sentence.text(text);
            let mut list = Vec::new();
            for (b0, b1, value) in time::find_dates(st, doc_date) {
                let t0 = sentence.tokens.iter().position(|t| t.start >= sentence.start + b0);
                let t1 = sentence.tokens.iter().rposition(|t| t.end <= sentence.start + b1);
                if let (Some(t0), Some(t1)) = (t0, t1)
                    && t0 <= t1
                    && !is_dateline_date(&sentence.tokens, t0)
                {
                    list.push((t0, t1 + 1, value));
                }
            }
            dates.push(list);
        }
        Clauses {
            text,
            doc_date,
            sentences,
            trees,
            mentions,
            resolution,
            lex: Lexicon::embedded(),
            words,
            quoted,
            quotes,
            spans,
            dates,
        }
    }

    fn n(&self, s: usize) -> usize {
        self.words[s].len()
    }

    fn w(&self, s: usize, i: usize) -> &str {
        self.words[s].get(i).map_or("", String::as_str)
    }

    fn raw(&self, s: usize, i: usize) -> &str {
        self.sentences[s].tokens.get(i).map_or("", |t| t.form.as_str())
    }

    /// The text of tokens `t0..t1` of sentence `s`, as written.
    fn slice(&self, s: usize, t0: usize, t1: usize) -> String {
        let tokens = &self.sentences[s].tokens;
        if t0 >= t1 || t1 > tokens.len() {
            return String::new();
        }
        self.text[tokens[t0].start..tokens[t1 - 1].end].to_string()
    }

    fn byte_span(&self, s: usize, t0: usize, t1: usize) -> (usize, usize) {
        let tokens = &self.sentences[s].tokens;
        if tokens.is_empty() {
            return (self.sentences[s].start, self.sentences[s].end);
        }
        let t1 = t1.clamp(1, tokens.len());
        let t0 = t0.min(t1 - 1);
        (tokens[t0].start, tokens[t1 - 1].end)
    }

    fn span_ending_at(&self, s: usize, t1: usize) -> Option<Span> {
        self.spans[s]
            .iter()
            .filter(|sp| sp.t1 == t1)
            .min_by_key(|sp| sp.t0)
            .copied()
    }

    fn span_starting_at(&self, s: usize, t0: usize) -> Option<Span> {
        self.spans[s]
            .iter()
            .filter(|sp| sp.t0 == t0)
            .max_by_key(|sp| sp.t1)
            .copied()
    }

    fn span_covering(&self, s: usize, i: usize) -> Option<Span> {
        self.spans[s]
            .iter()
            .filter(|sp| sp.t0 <= i && i < sp.t1)
            .max_by_key(|sp| sp.t1 - sp.t0)
            .copied()
    }

    fn date_covering(&self, s: usize, i: usize) -> Option<&(usize, usize, TimeValue)> {
        self.dates[s].iter().find(|(t0, t1, _)| *t0 <= i && i < *t1)
    }

    fn kind(&self, entity: usize) -> EntityKind {
        self.resolution.entities[entity].kind
    }

    fn who(&self, s: usize, span: Span) -> Who {
        Who {
            entity: span.entity,
            text: self.slice(s, span.t0, span.t1),
            t0: span.t0,
            t1: span.t1,
            rule: None,
        }
    }

    /// Resolves a pronoun or description written at tokens `t0..t1` of sentence `s`.
    fn reference(&self, s: usize, t0: usize, t1: usize) -> Option<Who> {
        let phrase = self.slice(s, t0, t1);
        let at = self.sentences[s].tokens[t0].start;
        let (entity, rule) =
            self.resolution
                .resolve_reference(self.text, self.sentences, self.mentions, &phrase, s, at)?;
        (entity < self.resolution.entities.len()).then_some(Who {
            entity,
            text: phrase,
            t0,
            t1,
            rule: Some(rule),
        })
    }

    /// A noun phrase ending at token `end` (exclusive) that names a speaker: a mention, a pronoun,
    /// or a description ("the ministry official", "a Finance Ministry spokesperson", "an unnamed
    /// diplomat in the ministry").
    fn noun_phrase_before(&self, s: usize, end: usize) -> Option<Who> {
        if end == 0 {
            return None;
        }
        let last = end - 1;
        if let Some(span) = self.span_ending_at(s, end) {
            // "Foreign Minister Anna Berg of Norway said", "Local officials in Mombasa said": the
            // person or group, not the place after "of"/"in"/"from"
            if span.t0 >= 2
                && matches!(self.w(s, span.t0 - 1), "of" | "in" | "from")
                && matches!(
                    self.kind(span.entity),
                    EntityKind::City | EntityKind::Country | EntityKind::Place
                )
                && let Some(person) = self.span_ending_at(s, span.t0 - 1)
                && matches!(self.kind(person.entity), EntityKind::Person | EntityKind::Group)
            {
                return Some(Who {
                    t1: end,
                    text: self.slice(s, person.t0, end),
                    ..self.who(s, person)
                });
            }
            // a description around the mention: "the official representative of X", "X spokesperson"
            return Some(self.who(s, span));
        }
        let word = self.w(s, last);
        if is(word, PRONOUNS) {
            return self.reference(s, last, end);
        }
        if !is(word, DESCRIPTION_HEADS) {
            // "the head of state", "the head of Spanish diplomacy"
            let k = (last.saturating_sub(3)..last)
                .find(|&k| is(self.w(s, k), DESCRIPTION_HEADS) && self.w(s, k + 1) == "of")?;
            let det = k
                .checked_sub(1)
                .filter(|&d| matches!(self.w(s, d), "the" | "a" | "an"))?;
            return self.description(s, det, end, None);
        }
        // walk back to the determiner of the description
        let mut start = last;
        let mut inner: Option<Span> = None;
        while start > 0 && last - start < 7 {
            let prev = self.w(s, start - 1);
            if let Some(span) = self.span_ending_at(s, start) {
                inner = Some(span);
                start = span.t0;
                continue;
            }
            if is_punct(prev)
                || (is(prev, AUX) && prev != "'s")
                || self.lex.cue(prev).is_some() && !is(prev, DESCRIPTION_HEADS)
            {
                break;
            }
            start -= 1;
            if matches!(
                prev,
                "the" | "a" | "an" | "this" | "that" | "one" | "two" | "three" | "four" | "several"
            ) {
                break;
            }
        }
        self.description(s, start, end, inner)
    }

    /// A description `t0..t1` resolved by the resolver, or to the organization or country named
    /// inside it ("a Finance Ministry spokesperson" → the Finance Ministry).
    fn description(&self, s: usize, t0: usize, t1: usize, inner: Option<Span>) -> Option<Who> {
        let determiner = self.w(s, t0);
        let definite = matches!(determiner, "the" | "this" | "that");
        if (definite || inner.is_none())
            && let Some(who) = self.reference(s, t0, t1)
        {
            return Some(who);
        }
        let inner = inner.or_else(|| (t0..t1).rev().find_map(|i| self.span_covering(s, i)))?;
        if self.kind(inner.entity) == EntityKind::Person {
            // "a Finance Ministry spokesperson" recognized as an unnamed person; "X's office" speaks for X
            let speaks_for = self.w(s, inner.t1) == "'s"
                && inner.t1 + 2 == t1
                && matches!(
                    self.w(s, t1 - 1),
                    "office" | "team" | "campaign" | "press" | "spokesman" | "spokeswoman" | "spokesperson"
                );
            return (inner.t1 >= t1 || inner.t1 + 1 >= t1 || speaks_for).then(|| self.who(s, inner));
        }
        Some(Who {
            entity: inner.entity,
            text: self.slice(s, t0, t1),
            t0,
            t1,
            rule: None,
        })
    }

    /// A noun phrase starting at token `start` that names a speaker; returns it and its end.
    fn noun_phrase_after(&self, s: usize, start: usize) -> Option<Who> {
        if start >= self.n(s) {
            return None;
        }
        if let Some(span) = self.span_starting_at(s, start) {
            // "an unnamed senior diplomat in the Spanish Foreign Ministry" starts with no mention
            return Some(self.who(s, span));
        }
        let word = self.w(s, start);
        if is(word, PRONOUNS) || matches!(word, "him" | "her" | "them") {
            return self.reference(s, start, start + 1);
        }
        if word == "the"
            && let Some(span) = self.span_starting_at(s, start + 1)
        {
            let head_after = (span.t1..self.n(s).min(span.t1 + 2)).any(|k| is(self.w(s, k), DESCRIPTION_HEADS));
            if !head_after {
                return Some(Who {
                    entity: span.entity,
                    text: self.slice(s, start, span.t1),
                    t0: start,
                    t1: span.t1,
                    rule: None,
                });
            }
        }
        // a description: determiner + up to 6 words to a head noun, optionally "in/of/at ORG"
        let mut i = start;
        let mut head: Option<usize> = None;
        let mut inner: Option<Span> = None;
        while i < self.n(s) && i - start < 8 {
            let w = self.w(s, i);
            if let Some(span) = self.span_starting_at(s, i) {
                inner = Some(span);
                i = span.t1;
                if head.is_some() {
                    break;
                }
                continue;
            }
            if is(w, DESCRIPTION_HEADS) {
                head = Some(i);
            } else if head.is_some() && matches!(w, "in" | "of" | "at" | "from" | "with" | "for" | "the") {
                // a prepositional phrase naming the organization
            } else if is_punct(w) || is(w, AUX) || self.lex.cue(w).is_some() || w == "that" {
                break;
            }
            i += 1;
        }
        let head = match (head, inner) {
            (Some(head), _) => head,
            (None, Some(span)) if self.kind(span.entity) == EntityKind::Person => return Some(self.who(s, span)),
            _ => return None,
        };
        let end = inner.map_or(head + 1, |sp| sp.t1.max(head + 1));
        self.description(s, start, end, inner)
    }

    /// The subject of a verb at token `v`: walks left over auxiliaries, adverbs, negation and date
    /// expressions to the noun phrase.
    fn subject_of(&self, s: usize, v: usize) -> Option<(Who, Vec<Who>)> {
        let mut j = v;
        // "X, on October 18, 2008(,) said": a date in commas between subject and verb
        let mut dated_comma = false;
        while j > 0 {
            let w = self.w(s, j - 1);
            if let Some((t0, _, _)) = self.date_covering(s, j - 1) {
                j = *t0;
                if j > 0 && matches!(self.w(s, j - 1), "on" | "in" | "since") {
                    j -= 1;
                }
                dated_comma = j > 1 && self.w(s, j - 1) == ",";
                continue;
            }
            if w == "," && j >= 2 && self.date_covering(s, j - 2).is_some() {
                j -= 1;
                continue;
            }
            // "X, however, said" / "X, meanwhile, told": a connective in commas
            if w == ","
                && j >= 3
                && self.w(s, j - 3) == ","
                && matches!(
                    self.w(s, j - 2),
                    "however" | "meanwhile" | "though" | "too" | "also" | "instead" | "nevertheless" | "separately"
                )
            {
                j -= 3;
                continue;
            }
            if (is(w, AUX) && w != "'s") || is(w, ADVERBS) || is(w, NEGATORS) {
                j -= 1;
                continue;
            }
            break;
        }
        // "Its secretary general, X, said": the name in apposition speaks
        if j > 1
            && self.w(s, j - 1) == ","
            && let Some(span) = self.span_ending_at(s, j - 1)
            && span.t0 > 0
            && self.w(s, span.t0 - 1) == ","
            && self.kind(span.entity) == EntityKind::Person
        {
            return Some((self.who(s, span), Vec::new()));
        }
        // "X, the spokesman for Y, said" / "X, speaking on condition of anonymity, said": skip the apposition
        if j > 1
            && self.w(s, j - 1) == ","
            && let Some(k) = (j.saturating_sub(14)..j - 1).rev().find(|&k| {
                self.w(s, k) == ","
                    && self.span_ending_at(s, k).is_some()
                    && (self.w(s, k + 1).ends_with("ing")
                        || (k + 1..j - 1)
                            .all(|x| !self.verbish(s, x) && !matches!(self.w(s, x), "who" | "which" | "that")))
            })
        {
            j = k;
        }
        // "The minister, who in recent days sought …, said": skip the relative clause
        if j > 0
            && self.w(s, j - 1) == ","
            && let Some(k) = (j.saturating_sub(40)..j - 1)
                .rev()
                .find(|&k| self.w(s, k) == "," && matches!(self.w(s, k + 1), "who" | "which"))
        {
            j = k;
        }
        let first = match self.noun_phrase_before(s, j) {
            Some(first) => first,
            None if dated_comma && self.w(s, j - 1) == "," => self.noun_phrase_before(s, j - 1)?,
            // "The Allies and Xland have …" with the second name unrecognized
            None if j >= 3 && is_capitalized(self.raw(s, j - 1)) && self.w(s, j - 2) == "and" => {
                let span = self.span_ending_at(s, j - 2)?;
                self.who(s, span)
            }
            None => return None,
        };
        // coordinated subjects: "Spain and the EU", "X, Y and Z"; the conjunction comes last, so
        // a name before a bare comma ("In a post on Twitter, Anna Berg said") is no co-speaker
        let mut others = Vec::new();
        let mut k = first.t0;
        while k >= 2 && (self.w(s, k - 1) == "and" || (self.w(s, k - 1) == "," && !others.is_empty())) {
            match self.span_ending_at(s, k - 1) {
                Some(span) => {
                    others.push(self.who(s, span));
                    k = span.t0;
                }
                None => break,
            }
        }
        Some((first, others))
    }

    /// The parse of sentence `s`, one analysis per token.
    fn tree(&self, s: usize) -> Option<&[Analysis]> {
        self.trees.get(s).map(Vec::as_slice).filter(|t| t.len() == self.n(s))
    }

    /// The end (exclusive) of the content clause (`ccomp`) of the cue verb `verb` in the parse,
    /// when that clause starts at `start` (after "that" or a quote mark at most).
    fn content_clause_end(&self, s: usize, verb: usize, start: usize) -> Option<usize> {
        let tree = self.tree(s)?;
        let clause = (0..tree.len()).find(|&k| tree[k].head == verb + 1 && tree[k].deprel == "ccomp")?;
        let first = (0..tree.len()).find(|&k| hangs_on(tree, k, clause))?;
        let last = (0..tree.len()).rev().find(|&k| hangs_on(tree, k, clause))?;
        if first > start || first + 2 < start {
            return None;
        }
        // a trailing punctuation mark or closing quote stays with the sentence
        Some(last + 1)
    }

    /// For a verb the parse reads as passive (it has an `nsubj:pass` or an `aux:pass`): the
    /// entity of its `obl:agent` ("by Norway"), if named, and the words of its subject, the
    /// theme ("The letter was handed over"); `None` for an active verb.
    fn passive_parse(&self, s: usize, verb: usize) -> Option<Passive> {
        let tree = self.tree(s)?;
        let children = || (0..tree.len()).filter(|&k| tree[k].head == verb + 1);
        if !children().any(|k| matches!(tree[k].deprel.as_str(), "nsubj:pass" | "aux:pass")) {
            return None;
        }
        let agent = children()
            .find(|&k| tree[k].deprel == "obl:agent")
            .and_then(|k| self.span_covering(s, k))
            .map(|span| self.who(s, span));
        // the theme: the subject and the words that hang on it, up to the verb
        let theme = children().find(|&k| tree[k].deprel == "nsubj:pass").map(|subject| {
            let t0 = (0..verb).find(|&k| hangs_on(tree, k, subject)).unwrap_or(subject);
            let t1 = (0..verb).rev().find(|&k| hangs_on(tree, k, subject)).unwrap_or(subject) + 1;
            (t0, t1)
        });
        Some(Passive { agent, theme })
    }

    /// The speaker as the parse gives it, when the words before the cue do not: the `nsubj` of
    /// the cue verb (or of the verb it is coordinated with), wherever it stands ("X, whose firm
    /// advised the government, told …", "X, asked about the report on Tuesday, denied …"), with
    /// its coordinated subjects. The subject must name a speaker: a mention, a pronoun or a
    /// description. A passive's subject (`nsubj:pass`) is never the speaker.
    fn tree_subject(&self, s: usize, verb: usize) -> Option<(Who, Vec<Who>)> {
        let tree = self.tree(s)?;
        let child = |h: usize, rel: &str| (0..tree.len()).find(|&k| tree[k].head == h + 1 && tree[k].deprel == rel);
        let subject = child(verb, "nsubj").or_else(|| {
            // "arrived in Oslo and said …": the first verb's subject; likewise a cue the parse
            // hangs on a participle clause ("Omar Diaz, asked about it, denied …")
            (matches!(tree[verb].deprel.as_str(), "conj" | "parataxis") && tree[verb].head > 0)
                .then(|| child(tree[verb].head - 1, "nsubj"))
                .flatten()
        })?;
        // the subject must come before the cue: a subject after it is an inverted quote, which
        // the trailing-speaker rule reads
        if subject > verb {
            return None;
        }
        let first = self.speaker_at(s, subject)?;
        let others = (0..tree.len())
            .filter(|&k| tree[k].head == subject + 1 && tree[k].deprel == "conj")
            .filter_map(|k| self.speaker_at(s, k))
            .filter(|who| who.entity != first.entity)
            .collect();
        Some((first, others))
    }

    /// The speaker named by the noun phrase whose head is token `k`: the mention covering it, or
    /// the pronoun or description ending at it.
    fn speaker_at(&self, s: usize, k: usize) -> Option<Who> {
        match self.span_covering(s, k) {
            Some(span) => Some(self.who(s, span)),
            None => self.noun_phrase_before(s, k + 1),
        }
    }

    /// Whether token `i` is a verb-like word (used to find where a subject ends).
    fn verbish(&self, s: usize, i: usize) -> bool {
        let w = self.w(s, i);
        let raw = self.raw(s, i);
        is(w, AUX)
            || (!is_capitalized(raw) && (self.lex.cue(w).is_some() || self.lex.event_verb(w).is_some()))
            || (!is_capitalized(raw) && w.len() > 4 && w.ends_with("ed"))
    }

    /// The subject(s) of the main clause of sentence `s` before token `before`: the noun
    /// phrase(s) after an introductory adverbial and before the first verb.
    fn main_subjects(&self, s: usize, before: usize) -> Vec<Who> {
        let mut i = 0;
        // skip an introductory adverbial ending with a comma, and conjunctions
        let first_comma = (0..before.min(8)).find(|&k| self.w(s, k) == ",");
        if let Some(c) = first_comma
            && (0..c).all(|k| self.span_covering(s, k).is_none() || self.date_covering(s, k).is_some())
        {
            i = c + 1;
        }
        while i < before && matches!(self.w(s, i), "but" | "and" | "however" | "yet" | "so" | ",") {
            i += 1;
        }
        if let Some(span) = self.span_starting_at(s, i) {
            let mut all = vec![self.who(s, span)];
            let mut k = span.t1;
            while matches!(self.w(s, k), "and" | ",") {
                match self.span_starting_at(s, k + 1) {
                    Some(next) => {
                        all.push(self.who(s, next));
                        k = next.t1;
                    }
                    None => break,
                }
            }
            let next = self.w(s, k);
            let lowercase_word = !is_capitalized(self.raw(s, k)) && !is_punct(next);
            if self.verbish(s, k)
                || is(next, ADVERBS)
                || (lowercase_word && !matches!(next, "of" | "'s" | "and" | "in" | "at" | "from" | "for" | "to" | "on"))
            {
                return all;
            }
        }
        let verb = (i..before).find(|&k| self.verbish(s, k) && self.span_covering(s, k).is_none());
        let Some(verb) = verb else { return Vec::new() };
        match self.subject_of(s, verb) {
            Some((first, others)) if first.t0 >= i => {
                let mut all = vec![first];
                all.extend(others.into_iter().filter(|o| o.t0 >= i));
                all
            }
            _ => Vec::new(),
        }
    }

    /// The end (exclusive) of a complement starting at `start`: the sentence end, or the start of
    /// a coordinated reporting verb ("… and warned that"), or a participial cue after a comma.
    fn complement_end(&self, s: usize, start: usize) -> usize {
        let n = self.n(s);
        let mut end = n;
        while end > start && is_punct(self.w(s, end - 1)) && !is_quote(self.w(s, end - 1)) {
            end -= 1;
        }
        for i in start..end {
            if self.quoted[s][i] {
                continue;
            }
            let w = self.w(s, i);
            let next: Vec<&str> = (i + 1..n.min(i + 4)).map(|k| self.w(s, k)).collect();
            if let (true, Some((cue, _))) = (w == "and" || w == "but" || w == ",", self.lex.cue_at(&next)) {
                let after = i + 1 + cue.lemma.split(' ').count();
                if (w == "and" || w == "but") && self.w(s, after) != "," || w == "," && self.lex.is_participle(next[0])
                {
                    return i;
                }
            }
            // an adverbial clause of the narrator: ", a day after …", ", as …", ", amid …"
            let subordinate = |x: &str| {
                matches!(
                    x,
                    "after"
                        | "before"
                        | "when"
                        | "while"
                        | "amid"
                        | "despite"
                        | "although"
                        | "though"
                        | "because"
                        | "since"
                        | "as"
                        | "following"
                        | "whereas"
                )
            };
            if w == ","
                && (next.first().is_some_and(|x| subordinate(x))
                    || (next.len() >= 3
                        && matches!(
                            next[0],
                            "a" | "one" | "two" | "three" | "hours" | "days" | "weeks" | "shortly" | "just"
                        )
                        && (subordinate(next[1]) || subordinate(next[2]))))
            {
                return i;
            }
            if w == "," && next.first() == Some(&"according") {
                return i;
            }
            if w == "," && matches!(next.first(), Some(&"which") | Some(&"who")) {
                let own_subject = self.span_starting_at(s, i + 2).is_some()
                    || matches!(self.w(s, i + 2), "he" | "she" | "they" | "we" | "i");
                if own_subject {
                    return i;
                }
            }
        }
        end
    }

    /// Finds the attributions of sentence `s`.
    fn speech(&self, s: usize, out: &mut Vec<Found>) {
        let n = self.n(s);
        let start_len = out.len();
        let mut claimed: BTreeSet<usize> = BTreeSet::new();
        self.trailing(s, out, &mut claimed);
        self.according_to(s, out, &mut claimed);
        self.fronted(s, out, &mut claimed);
        self.nominal(s, out, &mut claimed);
        self.relative_denial(s, out, &mut claimed);
        // content spans claimed so far: cues inside them are nested speech, left alone
        let mut i = 0;
        while i < n {
            if self.quoted[s][i] || claimed.contains(&i) || self.span_covering(s, i).is_some() {
                i += 1;
                continue;
            }
            let inside = out[start_len..]
                .iter()
                .any(|f| f.sentence == s && f.content.0 <= i && i < f.content.1);
            let explicit = matches!(self.w(s, i + 1), "\"" | "that");
            if inside && !explicit {
                i += 1;
                continue;
            }
            let rest: Vec<&str> = (i..n.min(i + 4)).map(|k| self.w(s, k)).collect();
            if let Some((cue, len)) = self.lex.cue_at(&rest) {
                if self.verb_cue(s, i, i + len, cue.stance, &cue.lemma, out) {
                    for k in i..i + len {
                        claimed.insert(k);
                    }
                    if let Some(last) = out.last().filter(|f| f.sentence == s)
                        && last.content.0 > i + len
                    {
                        i = last.content.0;
                        continue;
                    }
                }
                i += len;
                continue;
            }
            i += 1;
        }
    }

    /// Where a sentence starts after its dateline ("SANTIAGO (AP) — ", "KIEV, March 9 (Wire) - "),
    /// or 0: the dateline is the outlet's, not part of what the speaker said.
    fn dateline_end(&self, s: usize) -> usize {
        let n = self.n(s);
        let dash = (1..n.min(14)).find(|&k| matches!(self.w(s, k), "—" | "-" | "--" | "–"));
        let Some(dash) = dash else { return 0 };
        let mut k = 0;
        // capitals (the place), then a comma and a date, then an outlet in brackets
        while k < dash && is_dateline_word(self.raw(s, k)) {
            k += 1;
        }
        if k == 0 {
            return 0;
        }
        if self.w(s, k) == "," {
            k = self.date_covering(s, k + 1).map_or(k + 1, |(_, t1, _)| *t1);
        }
        if self.w(s, k) == "(" {
            k = (k..dash).find(|&x| self.w(s, x) == ")").map_or(dash, |x| x + 1);
        }
        if k == dash { dash + 1 } else { 0 }
    }

    /// `"…," X said` / `"…," said X` / `…, X told reporters.`: the content comes first.
    fn trailing(&self, s: usize, out: &mut Vec<Found>, claimed: &mut BTreeSet<usize>) {
        let n = self.n(s);
        for k in 1..n {
            // a comma (inside or outside the closing quote) followed by the speaker and the cue
            let w = self.w(s, k);
            let mut after = k + 1;
            let closes_quote;
            if w == "," && self.w(s, k + 1) == "\"" && !self.quoted[s][k] {
                after = k + 2;
                closes_quote = false;
            } else if w == "\"" && self.w(s, k - 1) == "," {
                closes_quote = true;
            } else if w == "," && !self.quoted[s][k] {
                closes_quote = self.w(s, k - 1) == "\"";
            } else {
                continue;
            }
            let content_end = if self.w(s, k - 1) == "," { k - 1 } else { k };
            if after >= n || self.quoted[s].get(after).copied().unwrap_or(false) {
                continue;
            }
            // ", yet X published them": a clause of its own joined by a conjunction
            if matches!(self.w(s, after), "and" | "but" | "yet" | "or" | "so" | "nor") {
                continue;
            }
            // either SPEAKER (aux|adv)* CUE or CUE SPEAKER
            let mut speaker: Option<Who> = None;
            let mut cue_at: Option<(usize, usize)> = None;
            let rest: Vec<&str> = (after..n.min(after + 4)).map(|x| self.w(s, x)).collect();
            if let Some((_, len)) = self.lex.cue_at(&rest) {
                if let Some(who) = self.noun_phrase_after(s, after + len) {
                    speaker = Some(who);
                    cue_at = Some((after, after + len));
                }
            } else if let Some(who) = self.noun_phrase_after(s, after) {
                let mut v = who.t1;
                // "X, who visited the region on Wednesday, told …": past the relative clause
                if self.w(s, v) == ","
                    && matches!(self.w(s, v + 1), "who" | "which")
                    && let Some(close) = (v + 2..n.min(v + 16)).find(|&x| self.w(s, x) == ",")
                {
                    v = close + 1;
                }
                while v < n && (is(self.w(s, v), AUX) || is(self.w(s, v), ADVERBS)) {
                    v += 1;
                }
                let rest: Vec<&str> = (v..n.min(v + 4)).map(|x| self.w(s, x)).collect();
                // "…, he was told.": the subject of a passive cue is not its speaker
                if let Some((_, len)) = self.lex.cue_at(&rest)
                    && !self.passive(s, who.t1, v)
                {
                    cue_at = Some((v, v + len));
                    speaker = Some(who);
                }
            }
            let (Some(speaker), Some((c0, c1))) = (speaker, cue_at) else {
                continue;
            };
            let Some(cue) = self
                .lex
                .cue_at(&(c0..c1).map(|x| self.w(s, x)).collect::<Vec<_>>())
                .map(|(c, _)| c)
            else {
                continue;
            };
            let (via, cue_end) = self.audience(s, c1);
            // the tail after the cue must not be a clause of its own ("… , he said that …"): a few
            // words (a date, "in response to a question") up to the end or a participle; in
            // "said X, the agency's director-general" the tail starts after the speaker and its
            // apposition
            let mut tail = cue_end.max(if speaker.t0 >= c1 { speaker.t1 } else { 0 });
            if tail > cue_end
                && self.w(s, tail) == ","
                && matches!(
                    self.w(s, tail + 1),
                    "the" | "a" | "an" | "his" | "her" | "its" | "their"
                )
            {
                tail = (tail + 1..n).find(|&x| self.w(s, x) == "," || x + 1 == n).unwrap_or(n);
            }
            let mut tail_words = 0;
            let mut clause = false;
            while tail < n {
                if let Some((_, t1, _)) = self.date_covering(s, tail) {
                    tail = *t1;
                    continue;
                }
                let w = self.w(s, tail);
                if w == "," && self.lex.is_participle(self.w(s, tail + 1)) || w == "." && tail + 1 >= n {
                    break;
                }
                // "-ing" is a verb only after an auxiliary ("at the daily briefing" is a place)
                let inflected_cue = self.lex.cue(w).is_some_and(|c| c.lemma != w)
                    && (!w.ends_with("ing") || is(self.w(s, tail.saturating_sub(1)), AUX));
                let finite = (is(w, AUX) && w != "'s")
                    || (w.ends_with("ed") && !is_capitalized(self.raw(s, tail)))
                    || inflected_cue;
                if w == "that" || w == "\"" || (finite && self.span_covering(s, tail).is_none()) {
                    clause = true;
                    break;
                }
                tail_words += 1;
                tail += 1;
            }
            if clause || tail_words > 8 {
                continue;
            }
            // the content: from the sentence start to the comma; not an adverbial clause
            let content_start = self.dateline_end(s);
            if content_end < content_start + 3 && !closes_quote {
                continue;
            }
            let opener = self.w(s, 0);
            if !closes_quote
                && matches!(
                    opener,
                    "after"
                        | "when"
                        | "although"
                        | "though"
                        | "if"
                        | "as"
                        | "while"
                        | "because"
                        | "before"
                        | "since"
                        | "amid"
                        | "earlier"
                        | "later"
                        | "according"
                        | "in"
                        | "on"
                        | "during"
                        | "despite"
                        | "unlike"
                )
            {
                continue;
            }
            let stance = self.quoted_stance(s, content_start, content_end).unwrap_or(cue.stance);
            let rule = if closes_quote || self.w(s, content_end.saturating_sub(1)) == "\"" {
                "speech/quote/trailing"
            } else {
                "speech/trailing"
            };
            out.push(Found {
                sentence: s,
                speaker: speaker.clone(),
                cue: self.slice(s, c0, cue_end),
                cue_t0: c0,
                cue_t1: cue_end,
                stance,
                negated_cue: false,
                content: (content_start, content_end),
                via,
                rule,
                confidence: 0.85,
                anaphoric: false,
                gerund: false,
            });
            for x in c0..c1 {
                claimed.insert(x);
            }
            // a quote opened in an earlier sentence: every sentence inside it has this speaker
            if let Some(region) = self
                .quotes
                .iter()
                .find(|q| q.close.is_some_and(|(cs, ct)| cs == s && ct <= k + 1))
            {
                for earlier in region.open.0..s {
                    let t0 = if earlier == region.open.0 { region.open.1 } else { 0 };
                    let t1 = self.n(earlier);
                    if t1 > t0 + 1 {
                        out.push(Found {
                            sentence: earlier,
                            speaker: speaker.clone(),
                            cue: self.slice(s, c0, cue_end),
                            cue_t0: 0,
                            cue_t1: 0,
                            stance: self.quoted_stance(earlier, t0, t1).unwrap_or(cue.stance),
                            negated_cue: false,
                            content: (t0, t1),
                            via,
                            rule: "speech/quote/continued",
                            confidence: 0.75,
                            anaphoric: false,
                            gerund: false,
                        });
                    }
                }
            }
            return;
        }
    }

    /// A first-person cue opening a quote ("We can confirm …", "I deny …") gives the stance.
    fn quoted_stance(&self, s: usize, t0: usize, t1: usize) -> Option<Stance> {
        let mut i = t0;
        while i < t1 && (is_quote(self.w(s, i)) || is_punct(self.w(s, i))) {
            i += 1;
        }
        if !matches!(self.w(s, i), "we" | "i") {
            return None;
        }
        let mut j = i + 1;
        while j < t1 && (is(self.w(s, j), MODALS) || is(self.w(s, j), ADVERBS)) {
            j += 1;
        }
        let cue = self.lex.cue(self.w(s, j))?;
        (cue.stance != Stance::Assert).then_some(cue.stance)
    }

    /// After a cue: "told reporters", "told the daily X", "told the news agency X" — returns the
    /// outlet (intermediary) and the end of the cue phrase.
    fn audience(&self, s: usize, c1: usize) -> (Option<usize>, usize) {
        let n = self.n(s);
        let mut i = c1;
        let mut via = None;
        if self.w(s, i) == "to" {
            i += 1;
        }
        let start = i;
        let mut end: Option<usize> = None;
        while i < n && i - start < 10 {
            if self.date_covering(s, i).is_some() {
                break;
            }
            if let Some(span) = self.span_starting_at(s, i) {
                if self.kind(span.entity) == EntityKind::Outlet && via.is_none() {
                    via = Some(span.entity);
                    i = span.t1;
                    end = Some(i);
                    continue;
                }
                if matches!(self.kind(span.entity), EntityKind::Person) && i == start {
                    // "told the minister Y that": the addressee, not an outlet
                    return (None, c1);
                }
                i = span.t1;
                continue;
            }
            let w = self.w(s, i);
            if is(w, AUDIENCE) && !matches!(w, "the" | "a" | "an") {
                i += 1;
                end = Some(i);
                continue;
            }
            let hyphenated = w == "-" || self.w(s, i + 1) == "-" || (i > 0 && self.w(s, i - 1) == "-");
            if matches!(w, "the" | "a" | "an" | "'s")
                || w.chars().all(|ch| ch.is_ascii_digit())
                || (is_capitalized(self.raw(s, i)) && i > start)
                || w.contains('-')
                || hyphenated
            {
                i += 1;
                continue;
            }
            break;
        }
        match end {
            Some(e) => (via, e),
            None => (None, c1),
        }
    }

    /// `According to X, …` / `…, according to X` / `… (X said), according to OUTLET`.
    fn according_to(&self, s: usize, out: &mut Vec<Found>, claimed: &mut BTreeSet<usize>) {
        let n = self.n(s);
        for i in 0..n.saturating_sub(2) {
            if self.w(s, i) != "according" || self.w(s, i + 1) != "to" || self.quoted[s][i] {
                continue;
            }
            claimed.insert(i);
            claimed.insert(i + 1);
            let Some(source) = self
                .noun_phrase_after(s, i + 2)
                .or_else(|| self.statements_of(s, i + 2))
            else {
                continue;
            };
            let source_end = source.t1;
            let (c0, c1) = if i == 0 || (i <= 2 && self.w(s, 0) != ",") {
                // fronted: "According to him, …"
                let mut c = source_end;
                while c < n && self.w(s, c) == "," {
                    c += 1;
                }
                (c, self.complement_end(s, c))
            } else {
                let mut e = i;
                while e > 0 && is_punct(self.w(s, e - 1)) && !is_quote(self.w(s, e - 1)) {
                    e -= 1;
                }
                (0, e)
            };
            if c1 <= c0 + 2 {
                continue;
            }
            let is_outlet = self.kind(source.entity) == EntityKind::Outlet;
            if is_outlet && i > 0 {
                // an outlet at the end is the intermediary of the sentence's own claim, if any
                if let Some(f) = out.iter_mut().rev().find(|f| f.sentence == s && f.via.is_none()) {
                    f.via = Some(source.entity);
                    continue;
                }
                // the sentence's own cue comes later (found by the verb rules): remember the outlet
                let has_cue = (0..i).any(|k| !self.quoted[s][k] && self.lex.cue(self.w(s, k)).is_some());
                if has_cue {
                    continue;
                }
            }
            out.push(Found {
                sentence: s,
                speaker: source,
                cue: self.slice(s, i, i + 2),
                cue_t0: i,
                cue_t1: i + 2,
                stance: if is_outlet { Stance::Report } else { Stance::Assert },
                negated_cue: false,
                content: (c0, c1),
                via: None,
                rule: "speech/according-to",
                confidence: 0.8,
                anaphoric: false,
                gerund: false,
            });
        }
    }

    /// "these statements" / "their statements": the speakers of the previous sentence's main clause.
    fn statements_of(&self, s: usize, i: usize) -> Option<Who> {
        if !matches!(self.w(s, i), "these" | "those" | "their" | "the") || !REPORT_NOUNS.contains(&self.w(s, i + 1)) {
            return None;
        }
        if s == 0 {
            return None;
        }
        let prev = s - 1;
        let verb = (0..self.n(prev)).rev().find(|&k| {
            self.verbish(prev, k) && self.span_covering(prev, k).is_none() && self.span_ending_at(prev, k).is_some()
        })?;
        let (first, others) = self.subject_of(prev, verb)?;
        let _ = others;
        Some(Who {
            entity: first.entity,
            text: self.slice(s, i, i + 2),
            t0: i,
            t1: i + 2,
            rule: Some("resolve/previous-speakers"),
        })
    }

    /// `As X noted, …`, `In his opinion, …`, `X: "…"`.
    fn fronted(&self, s: usize, out: &mut Vec<Found>, claimed: &mut BTreeSet<usize>) {
        let n = self.n(s);
        // In his/her/their opinion/view, …
        if n > 5
            && self.w(s, 0) == "in"
            && matches!(self.w(s, 1), "his" | "her" | "their")
            && matches!(self.w(s, 2), "opinion" | "view" | "words" | "assessment")
            && self.w(s, 3) == ","
            && let Some(who) = self.reference(s, 1, 2)
        {
            out.push(self.simple(
                s,
                who,
                0,
                3,
                Stance::Assert,
                (4, self.complement_end(s, 4)),
                "speech/opinion",
            ));
            claimed.extend(0..3);
        }
        // As X (, apposition,) noted, …
        if self.w(s, 0) == "as"
            && let Some(who) = self.noun_phrase_after(s, 1)
        {
            let mut j = who.t1;
            if self.w(s, j) == "," {
                // skip an apposition up to the next comma followed by a cue
                if let Some(k) = (j + 1..n.min(j + 25))
                    .find(|&k| self.w(s, k) == "," && self.lex.cue(self.w(s, k + 1)).is_some() && !self.quoted[s][k])
                {
                    j = k + 1;
                }
            }
            let rest: Vec<&str> = (j..n.min(j + 4)).map(|x| self.w(s, x)).collect();
            if let Some((cue, len)) = self.lex.cue_at(&rest) {
                let mut c = j + len;
                if self.w(s, c) == "," {
                    c += 1;
                }
                let found = self.simple(
                    s,
                    who,
                    j,
                    j + len,
                    cue.stance,
                    (c, self.complement_end(s, c)),
                    "speech/as-noted",
                );
                out.push(found);
                claimed.extend(j..j + len);
            }
        }
        // X: "…"
        for k in 1..n.saturating_sub(2) {
            if self.w(s, k) == ":"
                && self.w(s, k + 1) == "\""
                && let Some(span) = self.span_ending_at(s, k)
            {
                let who = self.who(s, span);
                out.push(self.simple(s, who, k, k + 1, Stance::Assert, (k + 1, n), "speech/colon"));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn simple(
        &self,
        s: usize,
        speaker: Who,
        c0: usize,
        c1: usize,
        stance: Stance,
        content: (usize, usize),
        rule: &'static str,
    ) -> Found {
        Found {
            sentence: s,
            speaker,
            cue: self.slice(s, c0, c1),
            cue_t0: c0,
            cue_t1: c1,
            stance,
            negated_cue: false,
            content,
            via: None,
            rule,
            confidence: 0.8,
            anaphoric: false,
            gerund: false,
        }
    }

    /// A reporting verb at `c0..c1` with its subject on the left and its complement on the right.
    fn verb_cue(&self, s: usize, c0: usize, c1: usize, stance: Stance, lemma: &str, out: &mut Vec<Found>) -> bool {
        // "refused to confirm" / "declined to comment": the infinitive is the real cue
        if matches!(lemma, "refuse" | "decline") {
            let (to, verb) = (self.w(s, c1), self.w(s, c1 + 1));
            if to == "to" && matches!(verb, "confirm" | "verify" | "acknowledge") {
                return self.push_verb(s, c0, c1 + 2, Stance::Deny, true, false, out);
            }
            return false;
        }
        // an embedded question is not a claim: "asked whether he would rule out …"
        if (c0.saturating_sub(4)..c0).any(|k| matches!(self.w(s, k), "whether" | "if" | "asked")) {
            return false;
        }
        // negation of the cue: "has not confirmed", "did not rule out"
        let mut negated = false;
        let mut j = c0;
        while j > 0 && (is(self.w(s, j - 1), AUX) || is(self.w(s, j - 1), NEGATORS) || is(self.w(s, j - 1), ADVERBS)) {
            if is(self.w(s, j - 1), NEGATORS) {
                negated = true;
            }
            j -= 1;
        }
        // a passive reporting verb ("he had been accused of …", "she was told that …"): its
        // subject is the one spoken about or to, not the speaker, who often goes unnamed
        if self.passive(s, j, c0) && self.w(s, c1) != "as" {
            return false;
        }
        let mut stance = stance;
        if negated {
            stance = match stance {
                Stance::Confirm | Stance::Acknowledge => Stance::Deny,
                Stance::Reject | Stance::Deny => Stance::Assert,
                _ => return false,
            };
        }
        self.push_verb(s, j, c1, stance, negated, false, out)
    }

    /// Whether the cue at `c0`, after the auxiliaries and adverbs `j..c0`, is a passive: a form of
    /// "be" among them and a past participle, regular ("accused") or irregular ("told", "written").
    fn passive(&self, s: usize, j: usize, c0: usize) -> bool {
        let cue_word = self.w(s, c0);
        (j..c0).any(|k| {
            matches!(
                self.w(s, k),
                "is" | "are" | "was" | "were" | "be" | "been" | "being" | "'re"
            )
        }) && (cue_word.ends_with("ed") || self.lex.is_past(cue_word))
    }

    /// Builds the attribution of a cue spanning `c0..c1` (negation and auxiliaries included).
    #[allow(clippy::too_many_arguments)]
    fn push_verb(
        &self,
        s: usize,
        c0: usize,
        c1: usize,
        mut stance: Stance,
        negated: bool,
        _unused: bool,
        out: &mut Vec<Found>,
    ) -> bool {
        let n = self.n(s);
        let words_at = |k: usize| (k..n.min(k + 4)).map(|x| self.w(s, x)).collect::<Vec<_>>();
        let head = (c0..c1)
            .find(|&k| self.lex.cue_at(&words_at(k)).is_some())
            .unwrap_or(c0);
        let Some((cue, cue_len)) = self
            .lex
            .cue_at(&(head..n.min(head + 4)).map(|k| self.w(s, k)).collect::<Vec<_>>())
        else {
            return false;
        };
        let cue_end = c1.max(head + cue_len);
        let cue_word = self.w(s, head).to_string();
        // "been echoing": a progressive, not a participial adjunct
        let participle = self.lex.is_participle(&cue_word) && c0 == head;
        if participle && head > 0 && self.w(s, head - 1) == "as" {
            // "cited X as saying": handled by the rule of the citing verb; "X was quoted (by Y) as
            // saying": the subject of the passive speaks, Y relays
            let passive = (head.saturating_sub(8)..head).find(|&k| {
                matches!(self.w(s, k), "quoted" | "cited")
                    && k > 0
                    && matches!(self.w(s, k - 1), "was" | "were" | "is" | "been")
            });
            let Some(p) = passive else { return false };
            let Some((speaker, _)) = self.subject_of(s, p - 1) else {
                return false;
            };
            let via = (p + 1..head)
                .find(|&k| self.w(s, k) == "by")
                .and_then(|k| self.span_starting_at(s, k + 1))
                .map(|sp| sp.entity);
            let mut start = head + 1;
            if self.w(s, start) == "that" || self.w(s, start) == "," {
                start += 1;
            }
            let end = self.complement_end(s, start);
            if end <= start + 1 {
                return false;
            }
            let mut found = self.simple(
                s,
                speaker,
                p,
                head + 1,
                Stance::Assert,
                (start, end),
                "speech/assert/quoted-as-saying",
            );
            found.via = via;
            out.push(found);
            return true;
        }
        // the complement
        let (via, after_audience) = self.audience(s, cue_end);
        let mut c = after_audience;
        // skip a date or adverb between cue and complement ("told reporters on Tuesday that")
        loop {
            if let Some((_, t1, _)) = self.date_covering(s, c) {
                c = *t1;
                continue;
            }
            if is(self.w(s, c), ADVERBS) || self.w(s, c) == "," && self.w(s, c + 1) == "\"" {
                c += 1;
                continue;
            }
            // "said in a statement that", "told the minister that", "wrote on social media:"
            if let Some(end) = self.adjunct_before_complement(s, c) {
                c = end;
                continue;
            }
            // "warned the board members that", "informs the school community that": the addressee
            if is(cue.lemma.as_str(), ADDRESSEE_CUES)
                && let Some(end) = self.addressee_before_that(s, c)
            {
                c = end;
                continue;
            }
            break;
        }
        let next = self.w(s, c);
        let mut rule_kind = "complement";
        let mut content_start = c;
        let mut gerund = false;
        let mut anaphoric = false;
        let mut speaker_override: Option<(Who, Option<usize>)> = None;
        let mut cited = false;
        let mut object_end: Option<usize> = None;
        if next == "that" {
            rule_kind = "that-clause";
            content_start = c + 1;
        } else if next == "\"" || next == ":" {
            rule_kind = "quote";
            content_start = c + usize::from(next == ":");
        } else if next == "," && self.w(s, c + 1) == "\"" {
            rule_kind = "quote";
            content_start = c + 1;
        } else if next.ends_with("ing") && !self.is_noun_ing(next) && next != "saying" {
            rule_kind = "gerund";
            gerund = true;
        } else if next == "to" && matches!(stance, Stance::Promise | Stance::Warn) {
            rule_kind = "infinitive";
        } else if let Some(head) = self.claim_object(s, c, stance) {
            // "denied reports that …", "dismissed a report that the army had left": the report's
            // content clause; "rejected the allegations as baseless": the object noun phrase
            rule_kind = "object";
            match self.content_clause_of(s, head) {
                Some(t) => content_start = t,
                None => object_end = self.object_end(s, head),
            }
        } else if matches!(next, "these" | "those" | "such") {
            rule_kind = "object";
        } else if cue.lemma == "comment" && matches!(next, "on" | "about") {
            rule_kind = "topic";
        } else if cue.lemma == "call" && !matches!(next, "for" | "on" | "off" | "up" | "in" | "to" | "it" | "back") {
            rule_kind = "object";
        } else if matches!(cue.lemma.as_str(), "cite" | "quote") {
            // "cited X as saying that …"
            if let Some(who) = self.noun_phrase_after(s, c) {
                let mut k = who.t1;
                while k < n && k < who.t1 + 12 && !(self.w(s, k) == "as" && self.lex.is_participle(self.w(s, k + 1))) {
                    k += 1;
                }
                if k < n && self.w(s, k) == "as" {
                    let mut t = k + 2;
                    if self.w(s, t) == "that" {
                        t += 1;
                    }
                    content_start = t;
                    cited = true;
                    stance = Stance::Assert;
                    speaker_override = Some((who, None));
                }
            }
            if !cited {
                return false;
            }
        } else if CLAUSE_ONLY.contains(&cue.lemma.as_str()) {
            // "said Spain had …": a clause without "that" after a speech verb
            let plain_say = !NO_BARE_CLAUSE.contains(&cue.lemma.as_str());
            if !(plain_say && self.clause_starts(s, c)) {
                return false;
            }
            rule_kind = "clause";
        }
        // "said at the daily briefing.", "told reporters in Brasilia.": a place or time, not what
        // was said (the content is elsewhere: a quote before the cue, or none)
        if rule_kind == "complement"
            && !matches!(self.w(s, c + 1), "least" | "most")
            && matches!(
                next,
                "in" | "on"
                    | "at"
                    | "during"
                    | "via"
                    | "through"
                    | "over"
                    | "after"
                    | "before"
                    | "while"
                    | "from"
                    | "with"
                    | "by"
                    | "outside"
                    | "inside"
            )
        {
            return false;
        }
        let mut content_end = self.complement_end(s, content_start);
        if let Some(e) = object_end {
            content_end = content_end.min(e);
        }
        // what follows the cue's content clause in the parse is the narrator's ("said the talks
        // had failed on Tuesday" when "on Tuesday" hangs on "said")
        if let Some(e) = self.content_clause_end(s, head, content_start)
            && e > content_start
        {
            content_end = content_end.min(e);
        }
        // "told X to leave", "urged Y to …": an order or a request, not a claim
        if matches!(cue.lemma.as_str(), "tell" | "ask" | "urge" | "advise" | "call on") && rule_kind == "complement" {
            let object_end = self.span_starting_at(s, content_start).map(|sp| sp.t1).or_else(|| {
                matches!(self.w(s, content_start), "him" | "her" | "them" | "us" | "me").then_some(content_start + 1)
            });
            if object_end.is_some_and(|e| self.w(s, e) == "to") {
                return false;
            }
        }
        if content_end <= content_start {
            return false;
        }
        // the speaker
        let (speaker, others, via) = if let Some((who, _)) = speaker_override {
            // the intermediary is the subject of "cited"
            let via = self.subject_of(s, c0).map(|(w, _)| w.entity);
            (who, Vec::new(), via)
        } else if participle || (c0 > 0 && matches!(self.w(s, c0 - 1), "and" | "but")) {
            let subjects = self.participle_subjects(s, c0, out);
            let mut it = subjects.into_iter();
            let Some(first) = it.next() else { return false };
            (first, it.collect(), via)
        } else {
            match self.subject_of(s, c0).or_else(|| self.tree_subject(s, head)) {
                Some((first, others)) => (first, others, via),
                None => return false,
            }
        };
        // "castigated these claims", "this was not true": the content points back to an earlier claim
        let first_content = self.w(s, content_start);
        if (matches!(first_content, "these" | "those" | "such" | "this" | "that" | "it")
            || (first_content == "the" && is(self.w(s, content_start + 1), REPORT_NOUNS)))
            && (is(self.w(s, content_start + 1), REPORT_NOUNS)
                || self.w(s, content_start + 1) == "was"
                || self.w(s, content_start + 1) == "is")
            && !(content_start + 2..content_end).any(|k| self.w(s, k) == "that")
        {
            anaphoric = true;
        }
        if !negated && let Some(q) = self.quoted_stance(s, content_start, content_end) {
            stance = q;
        }
        let rule = rule_for(
            stance,
            if cited {
                "cited-as-saying"
            } else if participle {
                "participle"
            } else {
                rule_kind
            },
        );
        let cue_text = self.slice(s, c0, after_audience.max(cue_end));
        for who in std::iter::once(speaker).chain(others) {
            out.push(Found {
                sentence: s,
                speaker: who,
                cue: cue_text.clone(),
                cue_t0: c0,
                cue_t1: cue_end,
                stance,
                negated_cue: negated,
                content: (content_start, content_end),
                via,
                rule,
                confidence: if rule_kind == "complement" { 0.6 } else { 0.8 },
                anaphoric,
                gerund,
            });
        }
        true
    }

    /// The head of a claim noun phrase at `c`, the object of a cue: a bare report noun ("reports",
    /// "claims"), or for a cue that confirms, denies or rejects a determiner and up to three
    /// modifiers before a claim noun ("a report", "the latest media reports", "these allegations").
    fn claim_object(&self, s: usize, c: usize, stance: Stance) -> Option<usize> {
        if is(self.w(s, c), REPORT_NOUNS) {
            return Some(c);
        }
        if !matches!(stance, Stance::Deny | Stance::Reject | Stance::Confirm)
            || !matches!(
                self.w(s, c),
                "a" | "an" | "the" | "his" | "her" | "their" | "its" | "these" | "those" | "such" | "any" | "all"
            )
        {
            return None;
        }
        let mut k = c + 1;
        while k < self.n(s) && k <= c + 4 {
            let w = self.w(s, k);
            if is(w, CLAIM_NOUNS) {
                return Some(k);
            }
            if self.ends_noun_phrase(s, k) || w == "that" || is(w, NEGATORS) {
                return None;
            }
            k += 1;
        }
        None
    }

    /// Whether token `k` cannot be inside a noun phrase being scanned: a quote, punctuation, an
    /// auxiliary or a verb outside any name.
    fn ends_noun_phrase(&self, s: usize, k: usize) -> bool {
        let w = self.w(s, k);
        self.quoted[s][k] || is_punct(w) || is(w, AUX) || (self.span_covering(s, k).is_none() && self.verbish(s, k))
    }

    /// The content clause of a claim noun at `head`: "reports (from the capital) that the army had
    /// left" → the start of "the army had left"; not a relative clause ("a report that appeared …").
    fn content_clause_of(&self, s: usize, head: usize) -> Option<usize> {
        let mut k = head + 1;
        while k < self.n(s) && k <= head + 8 {
            let w = self.w(s, k);
            if w == "that" {
                return self.clause_starts(s, k + 1).then_some(k + 1);
            }
            if self.ends_noun_phrase(s, k) {
                return None;
            }
            k += 1;
        }
        None
    }

    /// The end of the object noun phrase of a claim noun at `head`: before "as" ("rejected the
    /// allegations as baseless") or a comma; a quoted "as" phrase stays with it, as the speaker's
    /// words ("castigated these claims as \"empty\"").
    fn object_end(&self, s: usize, head: usize) -> Option<usize> {
        let end = (head + 1..self.n(s)).find(|&k| !self.quoted[s][k] && matches!(self.w(s, k), "as" | "," | ";"))?;
        if self.w(s, end) == "as" && is_quote(self.w(s, end + 1)) {
            return (end + 2..self.n(s)).find(|&k| !self.quoted[s][k] && matches!(self.w(s, k), "," | ";"));
        }
        Some(end)
    }

    /// A prepositional phrase or an addressee between a cue and its complement ("in a statement",
    /// "at a news conference", "the minister"): its end when a that-clause, a quote or a colon
    /// follows it.
    fn adjunct_before_complement(&self, s: usize, c: usize) -> Option<usize> {
        let n = self.n(s);
        let first = self.w(s, c);
        let addressee = self.span_starting_at(s, c).map(|sp| sp.t1).or_else(|| {
            matches!(
                first,
                "him" | "her" | "them" | "us" | "me" | "reporters" | "journalists"
            )
            .then_some(c + 1)
        });
        if let Some(end) = addressee {
            return (self.w(s, end) == "that").then_some(end);
        }
        if !matches!(
            first,
            "in" | "on" | "at" | "during" | "via" | "through" | "over" | "after" | "before" | "while" | "to"
        ) {
            return None;
        }
        let mut k = c + 1;
        while k < n && k < c + 10 {
            let w = self.w(s, k);
            if w == "that" || w == ":" || is_quote(w) || (w == "," && is_quote(self.w(s, k + 1))) {
                return (k > c + 1).then_some(k);
            }
            // after a determiner a word is a noun ("in a note that", "in a statement:")
            let after_determiner = matches!(self.w(s, k - 1), "a" | "an" | "the" | "its" | "his" | "her" | "their");
            if self.quoted[s][k]
                || is(w, AUX)
                || (!after_determiner && self.verbish(s, k) && self.span_covering(s, k).is_none())
            {
                return None;
            }
            k += 1;
        }
        None
    }

    /// A noun phrase of up to five words addressed by a cue, ending right before "that": its end.
    fn addressee_before_that(&self, s: usize, c: usize) -> Option<usize> {
        let determiner = matches!(
            self.w(s, c),
            "the" | "a" | "an" | "his" | "her" | "their" | "its" | "our" | "my" | "this" | "these" | "those" | "all"
        );
        if !determiner && self.span_starting_at(s, c).is_none() {
            return None;
        }
        let mut k = c + 1;
        while k < self.n(s) && k <= c + 5 {
            let w = self.w(s, k);
            if w == "that" {
                // not a relative clause: "told the story of the bank that had closed"
                let next = self.w(s, k + 1);
                let relative = is(next, AUX) || is(next, NEGATORS) || self.verbish(s, k + 1);
                return (k > c + 1 && !relative).then_some(k);
            }
            // what is told, not who is told
            if matches!(
                w,
                "story" | "stories" | "truth" | "tale" | "news" | "joke" | "lie" | "lies"
            ) {
                return None;
            }
            if self.ends_noun_phrase(s, k) {
                return None;
            }
            k += 1;
        }
        None
    }

    fn is_noun_ing(&self, word: &str) -> bool {
        matches!(
            word,
            "meeting"
                | "briefing"
                | "thing"
                | "something"
                | "nothing"
                | "anything"
                | "everything"
                | "building"
                | "morning"
                | "evening"
                | "during"
        )
    }

    /// Whether a clause (subject + verb) starts at `c`: "said Spain had …", "said he expected …".
    fn clause_starts(&self, s: usize, c: usize) -> bool {
        let n = self.n(s);
        let first = self.w(s, c);
        let after = if let Some(span) = self.span_starting_at(s, c) {
            span.t1
        } else if matches!(
            first,
            "he" | "she" | "they" | "we" | "i" | "it" | "there" | "this" | "the"
        ) {
            let mut k = c + 1;
            while k < n && k < c + 6 && !self.verbish(s, k) {
                k += 1;
            }
            k
        } else {
            return false;
        };
        (after..n.min(after + 3)).any(|k| self.verbish(s, k))
    }

    /// The speaker(s) of a participial or coordinated cue: the speakers of the previous claim of
    /// the sentence, or the subject(s) of its main clause.
    fn participle_subjects(&self, s: usize, c0: usize, out: &[Found]) -> Vec<Who> {
        if let Some(prev) = out
            .iter()
            .rev()
            .find(|f| f.sentence == s && f.cue_t0 < c0 && f.rule != "speech/according-to")
        {
            let cue_t0 = prev.cue_t0;
            return out
                .iter()
                .filter(|f| f.sentence == s && f.cue_t0 == cue_t0)
                .map(|f| f.speaker.clone())
                .collect();
        }
        self.main_subjects(s, c0)
    }

    /// A pronoun speaker ("he said") is the leftmost person speaking in the nearest of the two
    /// previous sentences that report speech (the subject-first preference of news prose), when
    /// there is one; otherwise the resolver's answer stands.
    /// `"…," X said. "…."`: a sentence that is one whole quotation, with no cue, right after a
    /// quotation attributed in the same paragraph, has the same speaker (`speech/quote/following`).
    fn following_quotes(&self, found: &mut Vec<Found>) {
        for s in 1..self.sentences.len() {
            let n = self.n(s);
            let last = (0..n).rev().find(|&k| !matches!(self.w(s, k), "." | "!" | "?"));
            let whole_quote = n >= 4
                && is_quote(self.w(s, 0))
                && last.is_some_and(|l| l > 2 && is_quote(self.w(s, l)))
                && (1..last.unwrap_or(0)).all(|k| self.quoted[s][k] && !is_quote(self.w(s, k)));
            let same_paragraph = !self.text[self.sentences[s - 1].end..self.sentences[s].start].contains('\n');
            if !whole_quote || !same_paragraph || found.iter().any(|f| f.sentence == s) {
                continue;
            }
            let Some(previous) = found
                .iter()
                .rev()
                .find(|f| f.sentence == s - 1 && f.rule.starts_with("speech/quote/"))
                .cloned()
            else {
                continue;
            };
            let end = last.unwrap_or(n);
            found.push(Found {
                sentence: s,
                cue_t0: 0,
                cue_t1: 0,
                stance: self.quoted_stance(s, 1, end).unwrap_or(Stance::Assert),
                negated_cue: false,
                content: (1, end),
                rule: "speech/quote/following",
                confidence: 0.7,
                anaphoric: false,
                gerund: false,
                ..previous
            });
        }
    }

    fn prefer_previous_speaker(&self, found: &mut [Found]) {
        for i in 0..found.len() {
            let f = &found[i];
            if !matches!(
                f.speaker.text.to_lowercase().as_str(),
                "he" | "she" | "him" | "her" | "his"
            ) {
                continue;
            }
            let s = f.sentence;
            let mut best: Option<(usize, usize, usize)> = None; // (sentence distance, cue position, entity)
            for g in found.iter() {
                if g.sentence >= s || g.sentence + 2 < s || self.kind(g.speaker.entity) != EntityKind::Person {
                    continue;
                }
                if matches!(
                    g.speaker.text.to_lowercase().as_str(),
                    "he" | "she" | "him" | "her" | "his"
                ) {
                    continue;
                }
                let candidate = (s - g.sentence, g.cue_t0, g.speaker.entity);
                if best.is_none_or(|b| (candidate.0, candidate.1) < (b.0, b.1)) {
                    best = Some(candidate);
                }
            }
            // unless the resolver's person is named after that speech, in a sentence between
            // ("X said …. The comments were made by Y. He responded …": Y)
            let resolved = found[i].speaker.entity;
            if let Some((distance, _, entity)) = best {
                let named_between = self.kind(resolved) == EntityKind::Person
                    && resolved != entity
                    && (s + 1 - distance..s).any(|b| self.spans[b].iter().any(|sp| sp.entity == resolved));
                if !named_between {
                    found[i].speaker.entity = entity;
                }
            }
        }
    }

    /// "the statement by X that …", "information from X that …", "claims by X that …".
    fn nominal(&self, s: usize, out: &mut Vec<Found>, claimed: &mut BTreeSet<usize>) {
        let n = self.n(s);
        for i in 0..n.saturating_sub(3) {
            if self.quoted[s][i] || !matches!(self.w(s, i + 1), "by" | "from" | "of") {
                continue;
            }
            let stance = match self.w(s, i) {
                "statement" | "statements" | "remarks" | "words" | "information" | "report" | "reports"
                | "assurances" | "assertion" | "assertions" => Stance::Assert,
                "claim" | "claims" | "allegation" | "allegations" => Stance::Allege,
                "announcement" => Stance::Announce,
                "warning" | "warnings" => Stance::Warn,
                "denial" => Stance::Deny,
                "promise" | "pledge" => Stance::Promise,
                "accusation" | "accusations" => Stance::Accuse,
                _ => continue,
            };
            let Some(who) = self.noun_phrase_after(s, i + 2) else {
                continue;
            };
            let Some(that) = (who.t1..n.min(who.t1 + 3)).find(|&t| self.w(s, t) == "that") else {
                continue;
            };
            let end = self.complement_end(s, that + 1);
            if end <= that + 2 {
                continue;
            }
            let mut found = self.simple(s, who, i, i + 2, stance, (that + 1, end), "speech/nominal");
            found.confidence = 0.7;
            out.push(found);
            claimed.insert(i);
        }
    }

    /// "a charge he has denied", "allegations she denies", "claims which the ministry rejected",
    /// "the charge of fraud, which he denies": a relative clause whose verb denies or rejects the
    /// claim noun it modifies. The clause's subject speaks; the content is the noun phrase (with
    /// its complement, or an earlier phrase of the sentence with the same noun and a complement:
    /// "on a charge of fraud, a charge he has denied"), or the noun's content clause.
    fn relative_denial(&self, s: usize, out: &mut Vec<Found>, claimed: &mut BTreeSet<usize>) {
        let n = self.n(s);
        for r in 1..n {
            if self.quoted[s][r] || claimed.contains(&r) {
                continue;
            }
            // the antecedent: the claim noun before the relative clause starting at `r`
            let prev = self.w(s, r - 1);
            let (head, np_end) = if is(prev, RELATIVE_CLAIM_NOUNS) {
                // "allegations she denies"; not a verb after its subject ("X reports he denied")
                let h = r - 1;
                let after_subject = h > 0
                    && (self.span_ending_at(s, h).is_some()
                        || is(self.w(s, h - 1), PRONOUNS)
                        || self.determiner_start(s, h) == 0);
                if after_subject && !(h > 0 && matches!(self.w(s, h - 1), "a" | "an" | "the" | "these" | "those")) {
                    continue;
                }
                (h, r)
            } else if matches!(prev, "which" | "that") && r >= 3 {
                // "claims which the ministry rejected", "the charge of fraud, which he denies",
                // "the allegation that he took bribes, which he denies": the nearest claim noun
                let comma = self.w(s, r - 2) == ",";
                if prev == "that" && comma {
                    continue;
                }
                let np_end = if comma { r - 2 } else { r - 1 };
                let Some(h) = (r.saturating_sub(16)..np_end)
                    .rev()
                    .find(|&k| is(self.w(s, k), RELATIVE_CLAIM_NOUNS) && !self.quoted[s][k])
                else {
                    continue;
                };
                let complement = h + 1 == np_end || self.w(s, h + 1) == "of" || (comma && self.w(s, h + 1) == "that");
                if !complement || (h + 1..np_end).any(|k| is_punct(self.w(s, k)) || self.quoted[s][k]) {
                    continue;
                }
                (h, np_end)
            } else {
                continue;
            };
            // the relative clause: SUBJECT (aux|adv)* CUE, the cue without an object of its own
            let Some(speaker) = self.noun_phrase_after(s, r) else {
                continue;
            };
            let mut v = speaker.t1;
            while v < n && (is(self.w(s, v), AUX) || is(self.w(s, v), ADVERBS) || is(self.w(s, v), NEGATORS)) {
                v += 1;
            }
            if (speaker.t1..v).any(|k| is(self.w(s, k), NEGATORS)) || self.passive(s, speaker.t1, v) {
                continue;
            }
            let rest: Vec<&str> = (v..n.min(v + 4)).map(|x| self.w(s, x)).collect();
            let Some((cue, len)) = self.lex.cue_at(&rest) else {
                continue;
            };
            if !matches!(cue.stance, Stance::Deny | Stance::Reject) || self.lex.is_participle(self.w(s, v)) {
                continue;
            }
            let after = v + len;
            let next = self.w(s, after);
            let ends = after >= n
                || (is_punct(next) && !is_quote(next))
                || matches!(
                    next,
                    "and" | "but" | "as" | "in" | "on" | "at" | "during" | "since" | "ever" | "through" | "before"
                )
                || is(next, ADVERBS)
                // the main verb after a subject: "the allegations he denies were printed …"
                || (is(next, AUX) && next != "'s")
                || self.date_covering(s, after).is_some();
            if !ends {
                continue;
            }
            let Some((c0, c1)) = self.denied_claim(s, head, np_end) else {
                continue;
            };
            let rule = rule_for(cue.stance, "relative");
            let mut found = self.simple(s, speaker, v, after, cue.stance, (c0, c1), rule);
            found.confidence = 0.7;
            out.push(found);
            claimed.extend(v..after);
        }
    }

    /// The claim a relative clause denies: the content clause of the noun at `head` ("the
    /// allegation that he took bribes, which he denies"), else its noun phrase from its determiner
    /// to `np_end`; a bare noun phrase ("a charge he denied") stands for an earlier phrase of the
    /// sentence with the same noun and a complement ("a charge of fraud").
    fn denied_claim(&self, s: usize, head: usize, np_end: usize) -> Option<(usize, usize)> {
        if let Some(t) = self.content_clause_of(s, head)
            && t < np_end
        {
            return Some((t, np_end));
        }
        let start = self.determiner_start(s, head);
        if np_end > head + 1 {
            return Some((start, np_end));
        }
        let stem = |w: &str| w.trim_end_matches('s').to_string();
        let noun = stem(self.w(s, head));
        let earlier = (0..start)
            .rev()
            .find(|&k| stem(self.w(s, k)) == noun && matches!(self.w(s, k + 1), "of" | "that"));
        if let Some(k) = earlier {
            if let Some(t) = self.content_clause_of(s, k) {
                let end = (t..start).find(|&x| is_punct(self.w(s, x))).unwrap_or(start);
                return (end > t + 1).then_some((t, end));
            }
            let end = (k + 2..start)
                .find(|&x| is_punct(self.w(s, x)) || (self.span_covering(s, x).is_none() && self.verbish(s, x)))
                .unwrap_or(start);
            if end > k + 2 {
                return Some((self.determiner_start(s, k), end));
            }
        }
        // "he was accused of fraud, a charge he denies": what he is accused of
        if start > 1 && self.w(s, start - 1) == "," {
            let comma = start - 1;
            let of = (comma.saturating_sub(10)..comma).rev().find(|&k| {
                k > 0
                    && matches!(self.w(s, k), "of" | "with")
                    && matches!(
                        self.w(s, k - 1),
                        "accused" | "charged" | "suspected" | "convicted" | "indicted" | "guilty"
                    )
            });
            if let Some(k) = of
                && comma > k + 1
                && !(k + 1..comma).any(|x| is_punct(self.w(s, x)) || self.quoted[s][x])
            {
                return Some((k + 1, comma));
            }
        }
        Some((start, np_end))
    }

    /// The first token of the noun phrase whose head is at `head`: its determiner, or the first of
    /// up to three modifiers before it ("sex crime allegations").
    fn determiner_start(&self, s: usize, head: usize) -> usize {
        let mut start = head;
        while start > 0 && head - start < 4 {
            let w = self.w(s, start - 1);
            if matches!(
                w,
                "a" | "an" | "the" | "his" | "her" | "their" | "its" | "these" | "those" | "such" | "any" | "all"
            ) {
                return start - 1;
            }
            if is_punct(w)
                || is(w, AUX)
                || matches!(
                    w,
                    "of" | "in" | "on" | "over" | "for" | "to" | "with" | "by" | "from" | "and" | "that"
                )
                || (self.span_covering(s, start - 1).is_none() && self.verbish(s, start - 1))
            {
                break;
            }
            start -= 1;
        }
        // no determiner: lowercase modifiers only, and not the verb after a subject ("Diaz faces
        // sex crime allegations")
        let mut start = head;
        while start > 0 && head - start < 2 {
            let k = start - 1;
            let w = self.w(s, k);
            let after_subject = k > 0 && (self.span_ending_at(s, k).is_some() || is(self.w(s, k - 1), PRONOUNS));
            if is_punct(w)
                || is_capitalized(self.raw(s, k))
                || self.span_covering(s, k).is_some()
                || is(w, AUX)
                || is(w, PRONOUNS)
                || matches!(
                    w,
                    "of" | "in" | "on" | "over" | "for" | "to" | "with" | "by" | "from" | "and" | "that"
                )
                || self.verbish(s, k)
                || after_subject
            {
                break;
            }
            start = k;
        }
        start
    }

    // -----------------------------------------------------------------------------------------
    // From found cues to attributions

    fn finish(&self, found: Vec<Found>) -> Vec<Attribution> {
        let mut out: Vec<Attribution> = Vec::new();
        for f in &found {
            let s = f.sentence;
            let (c0, c1) = f.content;
            if c1 <= c0 {
                continue;
            }
            // split "…, but it wasn't a response" into two claims when the second is negated
            let mut parts = vec![(c0, c1)];
            if let Some((b, next)) = (c0 + 3..c1.saturating_sub(2)).find_map(|k| self.but_clause(s, k)) {
                parts = vec![(c0, b), (next, c1)];
            }
            for (p0, p1) in parts {
                if let Some(a) = self.attribution(f, p0, p1, &out) {
                    out.push(a);
                }
            }
        }
        out
    }

    fn attribution(&self, f: &Found, c0: usize, c1: usize, previous: &[Attribution]) -> Option<Attribution> {
        let s = f.sentence;
        let content = self.slice(s, c0, c1);
        let content_trimmed = content.trim_matches(|c: char| c == ',' || c.is_whitespace());
        if content_trimmed.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            return None;
        }
        // skip "information from Y that" at the start of a content: the claim is what follows
        let mut k0 = c0;
        if is(self.w(s, k0), REPORT_NOUNS)
            && let Some(t) = (k0..c1.min(k0 + 12)).find(|&t| self.w(s, t) == "that")
        {
            k0 = t + 1;
        }
        let content_negated = self.negated(s, k0, c1);
        let mut polarity = if content_negated {
            Polarity::Negative
        } else {
            Polarity::Positive
        };
        let mut stance = f.stance;
        if f.negated_cue {
            // "has not confirmed X": X does not hold for the speaker; "did not rule out X": X may hold
            polarity = if stance == Stance::Deny {
                polarity.flip()
            } else {
                polarity
            };
        } else if stance.is_negating() {
            polarity = polarity.flip();
        }
        // "it was not true", "it wasn't a response": a negated copula denies
        if !f.negated_cue && stance == Stance::Assert && self.negated_copula(s, k0, c1) {
            stance = Stance::Deny;
        }
        // "the reports were false", "this is a lie": calling an earlier claim false denies it
        if f.anaphoric && matches!(stance, Stance::Assert | Stance::Criticize) && !content_negated {
            let falsity = (k0..c1.min(k0 + 8)).any(|k| is(self.w(s, k), FALSITY_WORDS));
            if falsity {
                stance = Stance::Deny;
                polarity = Polarity::Negative;
            }
        }
        // "the response has not been submitted": a negated passive of an event denies that it happened
        if !f.negated_cue && stance == Stance::Assert && content_negated && self.negated_passive(s, k0, c1) {
            stance = Stance::Deny;
        }
        // evaluative content of a neutral cue
        if stance == Stance::Assert {
            let words: Vec<&str> = (k0..c1).map(|k| self.w(s, k)).collect();
            if words.iter().any(|w| is(w, CRITICISM_WORDS)) {
                stance = Stance::Criticize;
            } else if words.iter().any(|w| is(w, WARNING_WORDS))
                && words
                    .iter()
                    .any(|w| matches!(*w, "could" | "would" | "will" | "may" | "might" | "causing"))
            {
                stance = Stance::Warn;
            }
        }
        let quote = self.quote_in(s, c0, c1);
        let modality = (k0..c1)
            .find(|&k| is(self.w(s, k), MODALS) || (self.w(s, k) == "expected" && self.w(s, k + 1) == "to"))
            .map(|k| {
                if self.w(s, k) == "expected" {
                    "expected to".to_string()
                } else {
                    self.w(s, k).to_string()
                }
            });
        let qualifier = (k0..c1)
            .find(|&k| is(self.w(s, k), QUALIFIERS) && self.w(s, k) != "written")
            .map(|k| self.w(s, k).to_string());
        let date = self.claim_date(s, f, c0, c1);
        let proposition = if f.anaphoric {
            // the most recent claim of someone else, preferring one whose agent is known
            // (a claim made earlier in the same sentence comes first: "X denied Y, saying the reports were false")
            let same_sentence = previous
                .iter()
                .rev()
                .filter(|a| a.evidence.sentence == s)
                .find_map(|a| a.proposition.clone());
            let recent: Vec<&PropositionKey> = previous
                .iter()
                .rev()
                .filter(|a| a.evidence.sentence + 3 >= s && a.evidence.sentence < s && a.speaker != f.speaker.entity)
                .filter(|a| a.polarity == Polarity::Positive)
                .filter_map(|a| a.proposition.as_ref())
                .collect();
            same_sentence.or_else(|| {
                recent
                    .iter()
                    .find(|p| p.agent.is_some())
                    .or(recent.first())
                    .map(|p| (*p).clone())
            })
        } else {
            self.proposition(s, k0, c1, f.gerund.then_some(f.speaker.entity))
        };
        let (b0, b1) = if f.cue_t1 > f.cue_t0 {
            let (a0, a1) = self.byte_span(s, f.cue_t0.min(c0), f.cue_t1.max(c1));
            (a0, a1)
        } else {
            self.byte_span(s, c0, c1)
        };
        let mut rule = f.rule;
        if stance != f.stance && rule.starts_with("speech/") {
            rule = "speech/evaluative";
            if stance == Stance::Deny {
                rule = "speech/deny/negated-copula";
            }
        }
        Some(Attribution {
            speaker: f.speaker.entity,
            speaker_text: f.speaker.text.clone(),
            speaker_rule: f.speaker.rule,
            cue: f.cue.clone(),
            stance,
            polarity,
            content: content_trimmed.to_string(),
            quote,
            via: f.via,
            modality,
            tense: None,
            qualifier,
            date,
            proposition,
            evidence: Evidence {
                sentence: s,
                start: b0,
                end: b1,
                rule,
                confidence: f.confidence,
            },
        })
    }

    /// A ", but SUBJECT …" boundary at token `k` (quotes around the comma allowed): the end of the
    /// first clause and the start of the second.
    fn but_clause(&self, s: usize, k: usize) -> Option<(usize, usize)> {
        if self.w(s, k) != "," {
            return None;
        }
        let mut j = k + 1;
        if is_quote(self.w(s, j)) {
            j += 1;
        }
        if self.w(s, j) != "but" {
            return None;
        }
        let subject = j + 1;
        let has_subject = matches!(
            self.w(s, subject),
            "it" | "this" | "that" | "he" | "she" | "they" | "we" | "there"
        ) || self.span_starting_at(s, subject).is_some();
        has_subject.then_some((k, subject))
    }

    /// Whether the main clause of `t0..t1` is negated: a negator before the first clause
    /// boundary (", but", ", and", ";", a relative pronoun), ignoring an initial "No,".
    fn negated(&self, s: usize, t0: usize, t1: usize) -> bool {
        let mut i = t0;
        while i < t1 && (is_punct(self.w(s, i)) || (self.w(s, i) == "no" && self.w(s, i + 1) == ",")) {
            i += if self.w(s, i) == "no" { 2 } else { 1 };
        }
        let start = i;
        while i < t1 {
            let w = self.w(s, i);
            if i > start + 1 && (w == ";" || w == "which" || w == "who") {
                return false;
            }
            let after_comma = if is_quote(self.w(s, i + 1)) {
                self.w(s, i + 2)
            } else {
                self.w(s, i + 1)
            };
            if i > start + 1
                && w == ","
                && matches!(
                    after_comma,
                    "but" | "and" | "so" | "while" | "it" | "which" | "who" | "yet"
                )
            {
                return false;
            }
            if i > start + 2 && w == "that" && !self.verbish(s, i - 1) && self.w(s, i - 1) != "true" {
                // a relative clause
                return false;
            }
            if is(w, NEGATORS)
                && w != "without"
                && !(w == "not" && self.w(s, i + 1) == "only")
                && !self.negates_a_noun(s, i)
            {
                return true;
            }
            i += 1;
        }
        false
    }

    /// "the ministry, not the army, had sent it": in the parse, the "not" at `i`, after a comma,
    /// hangs on a noun after it, so it contrasts two names and leaves the clause positive.
    fn negates_a_noun(&self, s: usize, i: usize) -> bool {
        let Some(tree) = self.tree(s) else {
            return false;
        };
        let head = tree[i].head;
        // a comma before: "not because of a war" still negates its clause
        self.w(s, i) == "not"
            && i > 0
            && self.w(s, i - 1) == ","
            && head > i + 1
            && matches!(tree[head - 1].upos.as_str(), "NOUN" | "PROPN")
    }

    /// "has not been submitted", "was not sent": a negated passive of an event verb.
    fn negated_passive(&self, s: usize, t0: usize, t1: usize) -> bool {
        (t0 + 2..t1).any(|k| {
            let w = self.w(s, k);
            (w.ends_with("ed") || w.ends_with("en") || self.lex.event_lemma(w).is_some_and(|l| l != w))
                && self.lex.event_verb(w).is_some()
                && matches!(self.w(s, k - 1), "been" | "be")
                && (k.saturating_sub(4)..k).any(|j| is(self.w(s, j), NEGATORS))
        })
    }

    /// "it was not true", "this is not the case", "it wasn't a response".
    fn negated_copula(&self, s: usize, t0: usize, t1: usize) -> bool {
        let mut i = t0;
        while i < t1 && is_punct(self.w(s, i)) {
            i += 1;
        }
        let words: Vec<&str> = (i..t1.min(i + 5))
            .map(|k| self.w(s, k))
            .filter(|w| !is_quote(w))
            .collect();
        words.len() >= 3
            && matches!(words[0], "it" | "this" | "that")
            && matches!(words[1], "was" | "is")
            && matches!(words[2], "not" | "n't")
    }

    fn quote_in(&self, s: usize, c0: usize, c1: usize) -> Option<String> {
        let first = (c0..c1).find(|&k| self.quoted[s][k] && !is_quote(self.w(s, k)))?;
        let last = (first..c1)
            .take_while(|&k| self.quoted[s][k] || is_quote(self.w(s, k)))
            .last()?;
        let mut end = last + 1;
        while end > first && is_quote(self.w(s, end - 1)) {
            end -= 1;
        }
        let q = self.slice(s, first, end);
        (!q.is_empty()).then_some(q)
    }

    /// The date of a claim: a date expression outside its content, else the sentence's.
    fn claim_date(&self, s: usize, f: &Found, c0: usize, c1: usize) -> Option<TimeValue> {
        let outside = self.dates[s]
            .iter()
            .find(|(a, b, v)| (*b <= c0 || *a >= c1) && v.value.is_some());
        if let Some((_, _, v)) = outside {
            return Some(v.clone());
        }
        let _ = f;
        None
    }

    // -----------------------------------------------------------------------------------------
    // Propositions

    /// Normalizes the content `t0..t1` of sentence `s` to a proposition; `default_agent` is the
    /// agent of a subjectless gerund ("denies sending …").
    fn proposition(&self, s: usize, t0: usize, t1: usize, default_agent: Option<usize>) -> Option<PropositionKey> {
        let words: Vec<&str> = (0..self.n(s)).map(|k| self.w(s, k)).collect();
        // the first event verb or nominalization of the content
        let mut i = t0;
        while i < t1 {
            if self.span_covering(s, i).is_some() {
                i += 1;
                continue;
            }
            let verb = self
                .lex
                .event_verb_at(&words[i..t1.min(i + 3)])
                .filter(|v| self.verb_context(s, i, v.2));
            let nominal = if verb.is_none() {
                self.lex.nominalization(words[i])
            } else {
                None
            };
            let (class, role, lemma, len) = match (verb, nominal) {
                (Some(v), _) => v,
                (None, Some(class)) => (class, VerbRole::Direct, words[i], 1),
                _ => {
                    i += 1;
                    continue;
                }
            };
            // "respond", "reply", "answer": the verb itself names the theme
            let lemma_theme = if lemma.starts_with("respon") {
                Some("theme-response")
            } else {
                self.lex.theme(lemma)
            };
            let verb_names_theme = lemma_theme.is_some();
            let after = i + len;
            let theme_at = (after..t1.min(after + 8)).find(|&k| self.theme_word(s, k).is_some());
            // a passive or fronted theme: "X's response has not been submitted" (the head of the subject)
            let theme_before = (t0..i).find(|&k| self.theme_word(s, k).is_some());
            let passive = i > 0 && matches!(words[i - 1], "been" | "be" | "being" | "was" | "were" | "is" | "are");
            let (theme, theme_pos) = match (theme_at, theme_before, passive) {
                _ if verb_names_theme => (lemma_theme, None),
                (_, Some(b), true) => (self.theme_word(s, b), Some(b)),
                (Some(a), _, _) => (self.theme_word(s, a), Some(a)),
                _ => (lemma_theme, None),
            };
            let theme = theme.map(str::to_string);
            if class == "event-send" && theme.is_none() {
                i += len;
                continue;
            }
            // "Spain's potential attack", "the Spanish attack": the owner of a nominalization is its agent
            let nominal_owner = if nominal.is_some() {
                self.possessor(s, i, t0).or_else(|| {
                    self.span_ending_at(s, i)
                        .filter(|sp| {
                            sp.t0 >= t0
                                && matches!(self.kind(sp.entity), EntityKind::Country | EntityKind::Organization)
                        })
                        .map(|sp| sp.entity)
                })
            } else {
                None
            };
            let possessor = nominal_owner.or_else(|| theme_pos.and_then(|p| self.possessor(s, p, t0)));
            let subject = if nominal.is_some() || passive {
                None
            } else {
                self.content_subject(s, i, t0)
            };
            let mut agent;
            let mut recipient;
            match role {
                VerbRole::Direct => {
                    agent = subject.or(possessor).or(if nominal.is_some() || subject.is_none() {
                        default_agent
                    } else {
                        None
                    });
                    if passive {
                        agent = possessor.or(self.by_agent(s, after, t1));
                    }
                    recipient = self.recipient(s, after, t1, theme_pos);
                }
                VerbRole::Converse => {
                    recipient = subject;
                    agent = self.agent_after_from(s, after, t1);
                    if agent.is_none() {
                        agent = possessor.filter(|p| Some(*p) != subject);
                    }
                }
            }
            if agent == recipient {
                recipient = None;
            }
            // too vague to compare claims: nobody does it to nobody
            if agent.is_none() && (recipient.is_none() || theme.is_none()) {
                i += len;
                continue;
            }
            return Some(PropositionKey {
                event_class: class.to_string(),
                agent: agent.map(|e| self.key_of(e)),
                theme,
                recipient: recipient.map(|e| self.key_of(e)),
            });
        }
        None
    }

    /// The theme of the word at token `k`, a hyphenated compound ("follow - up") included.
    fn theme_word(&self, s: usize, k: usize) -> Option<&'static str> {
        if self.w(s, k + 1) == "-" {
            let compound = format!("{}-{}", self.w(s, k), self.w(s, k + 2));
            if let Some(theme) = self.lex.theme(&compound) {
                return Some(theme);
            }
        }
        if k >= 2 && self.w(s, k - 1) == "-" {
            return None;
        }
        self.lex.theme(self.w(s, k))
    }

    /// Whether an event verb form at token `i` is used as a verb: not after a determiner or an
    /// adjective ("the main issue"), and a bare or -s form ("issue", "issues") only after an
    /// auxiliary, "to", a pronoun, an adverb or a name.
    fn verb_context(&self, s: usize, i: usize, lemma: &str) -> bool {
        let w = self.w(s, i);
        let prev = if i > 0 { self.w(s, i - 1) } else { "" };
        const NOMINAL_BEFORE: &[&str] = &[
            "the",
            "a",
            "an",
            "its",
            "their",
            "his",
            "her",
            "our",
            "your",
            "my",
            "this",
            "these",
            "those",
            "main",
            "same",
            "different",
            "other",
            "such",
            "key",
            "many",
            "some",
            "any",
            "no",
            "all",
            "'s",
            "new",
            "first",
            "of",
            "further",
            "latest",
            "written",
            "full",
            "whole",
            "only",
        ];
        if is(prev, NOMINAL_BEFORE) {
            return false;
        }
        let head = lemma.split(' ').next().unwrap_or(lemma);
        let bare = w == head || w == format!("{head}s") || w == format!("{head}es");
        if !bare {
            return true;
        }
        i > 0
            && (is(prev, AUX)
                || is(prev, MODALS)
                || is(prev, ADVERBS)
                || is(prev, NEGATORS)
                || matches!(prev, "to" | "he" | "she" | "they" | "we" | "i" | "it" | "who" | "which")
                || self.span_ending_at(s, i).is_some())
    }

    /// The entity key used in propositions: a group stands for its affiliation.
    fn key_of(&self, entity: usize) -> String {
        let e = &self.resolution.entities[entity];
        if e.kind == EntityKind::Group
            && let Some(affiliation) = &e.affiliation
        {
            return affiliation.clone();
        }
        e.key.clone()
    }

    /// The subject of an event verb inside a content, or `None`.
    fn content_subject(&self, s: usize, v: usize, t0: usize) -> Option<usize> {
        let mut j = v;
        while j > t0 {
            let w = self.w(s, j - 1);
            if is(w, AUX) || is(w, ADVERBS) || is(w, NEGATORS) || is_quote(w) || self.date_covering(s, j - 1).is_some()
            {
                j -= 1;
                continue;
            }
            break;
        }
        if j <= t0 {
            return None;
        }
        if let Some(span) = self.span_ending_at(s, j) {
            return Some(span.entity);
        }
        let w = self.w(s, j - 1);
        if matches!(w, "it" | "they" | "we" | "he" | "she") {
            return self.reference(s, j - 1, j).map(|w| w.entity);
        }
        None
    }

    /// "Spain's response", "its response": the possessor of the theme at `p`.
    fn possessor(&self, s: usize, p: usize, t0: usize) -> Option<usize> {
        let mut j = p;
        while j > t0 && j > p.saturating_sub(4) {
            let w = self.w(s, j - 1);
            if w == "'s" || w == "'" {
                return self.span_ending_at(s, j - 1).map(|sp| sp.entity);
            }
            if matches!(w, "its" | "their") {
                // the subject of the content clause
                let verb = (j..self.n(s)).find(|&k| self.verbish(s, k));
                let _ = verb;
                return self.content_subject_before(s, j - 1, t0);
            }
            if is_punct(w) || is(w, AUX) {
                return None;
            }
            j -= 1;
        }
        None
    }

    fn content_subject_before(&self, s: usize, j: usize, t0: usize) -> Option<usize> {
        (t0..j)
            .rev()
            .find_map(|k| self.span_ending_at(s, k + 1).filter(|sp| sp.t0 >= t0))
            .map(|sp| sp.entity)
    }

    fn by_agent(&self, s: usize, from: usize, t1: usize) -> Option<usize> {
        let k = (from..t1.min(from + 4)).find(|&k| self.w(s, k) == "by")?;
        self.span_starting_at(s, k + 1).map(|sp| sp.entity)
    }

    fn agent_after_from(&self, s: usize, from: usize, t1: usize) -> Option<usize> {
        let k = (from..t1.min(from + 10)).find(|&k| self.w(s, k) == "from")?;
        self.span_starting_at(s, k + 1).map(|sp| sp.entity)
    }

    /// "sent Paris a response" / "sent its response to Paris" / "relayed to X".
    fn recipient(&self, s: usize, from: usize, t1: usize, theme_pos: Option<usize>) -> Option<usize> {
        if let Some(span) = self.span_starting_at(s, from)
            && (self.kind(span.entity) != EntityKind::Person || theme_pos.is_some_and(|p| p > span.t1))
        {
            return Some(span.entity);
        }
        let limit = theme_pos.map_or(from + 3, |p| p + 3).min(t1);
        let k = (from..limit).find(|&k| self.w(s, k) == "to")?;
        self.span_starting_at(s, k + 1).map(|sp| sp.entity)
    }

    // -----------------------------------------------------------------------------------------
    // Events

    fn events(&self, s: usize, attributions: &[Attribution], out: &mut Vec<Event>) {
        let n = self.n(s);
        let sentence_start = self.sentences[s].start;
        let _ = sentence_start;
        let contents: Vec<(usize, usize)> = attributions
            .iter()
            .filter(|a| a.evidence.sentence == s)
            .filter_map(|a| {
                let t0 = self.sentences[s]
                    .tokens
                    .iter()
                    .position(|t| t.start >= a.evidence.start)?;
                let t1 = self.sentences[s].tokens.iter().rposition(|t| t.end <= a.evidence.end)?;
                Some((t0, t1 + 1))
            })
            .collect();
        let words: Vec<&str> = (0..n).map(|k| self.w(s, k)).collect();
        let mut i = 0;
        while i < n {
            if self.quoted[s][i] || self.span_covering(s, i).is_some() || is_capitalized(self.raw(s, i)) && i > 0 {
                i += 1;
                continue;
            }
            let Some((class, role, lemma, len)) = self.lex.event_verb_at(&words[i..n.min(i + 3)]) else {
                i += 1;
                continue;
            };
            let _ = role;
            // inside reported content: not an event of the narrative
            if contents.iter().any(|&(a, b)| a <= i && i < b) {
                i += len;
                continue;
            }
            let w = words[i];
            // verbs only: past tense, -ing after a subject, or after an auxiliary
            let finite = w.ends_with("ed") || w.ends_with("ing") || self.lex.event_lemma(w) != Some(w);
            if !finite || (i > 0 && matches!(words[i - 1], "to" | "the" | "a" | "an" | "its" | "their")) {
                i += len;
                continue;
            }
            // a passive's agent is its "by" phrase ("was handed over by Norway"), and its subject
            // the theme
            let passive = self.passive_parse(s, i);
            let subject = match &passive {
                Some(p) => p.agent.clone().map(|who| (who, Vec::new())),
                None => self.subject_of(s, i).or_else(|| self.tree_subject(s, i)),
            };
            let Some((agent, others)) = subject else {
                i += len;
                continue;
            };
            if !matches!(
                self.kind(agent.entity),
                EntityKind::Person | EntityKind::Organization | EntityKind::Country | EntityKind::Group
            ) {
                i += len;
                continue;
            }
            let negated = (agent.t1..i).any(|k| is(words[k], NEGATORS));
            let after = i + len;
            // object, recipient, place
            let mut recipient = None;
            let mut place = None;
            let mut object_start = after;
            let mut k = after;
            while k < n {
                if let Some(span) = self.span_starting_at(s, k) {
                    if k == after && self.w(s, k) != "to" {
                        recipient = Some(span.entity);
                        object_start = span.t1;
                    }
                    k = span.t1;
                    continue;
                }
                match words[k] {
                    "to" | "with" if recipient.is_none() => {
                        if let Some(span) = self.span_starting_at(s, k + 1) {
                            recipient = Some(span.entity);
                            if k == object_start {
                                object_start = span.t1;
                            }
                            k = span.t1;
                            continue;
                        }
                    }
                    "in" => {
                        if let Some(span) = self.span_starting_at(s, k + 1)
                            && matches!(
                                self.kind(span.entity),
                                EntityKind::City | EntityKind::Place | EntityKind::Country
                            )
                        {
                            place.get_or_insert_with(|| self.slice(s, span.t0, span.t1));
                        }
                    }
                    _ => {}
                }
                if matches!(words[k], "," | ";" | "." | "which" | "that" | "who" | "and") && k > object_start {
                    break;
                }
                k += 1;
            }
            let object_end = (object_start..k)
                .find(|&x| {
                    matches!(
                        words[x],
                        "on" | "to" | "in" | "between" | "from" | "for" | "with" | "aimed" | "addressing" | "last"
                    )
                })
                .unwrap_or(k)
                .max(object_start);
            let object = match passive.and_then(|p| p.theme) {
                Some((t0, t1)) => self.slice(s, t0, t1),
                None => self.slice(s, object_start, object_end),
            };
            let date = self.event_date(s);
            let (b0, b1) = self.byte_span(s, agent.t0.min(i), k.max(after));
            for who in std::iter::once(&agent).chain(others.iter()) {
                if !matches!(
                    self.kind(who.entity),
                    EntityKind::Person | EntityKind::Organization | EntityKind::Country | EntityKind::Group
                ) {
                    continue;
                }
                out.push(Event {
                    agent: who.entity,
                    action: lemma.to_string(),
                    event_class: Some(class.to_string()),
                    object: (!object.is_empty()).then(|| object.clone()),
                    recipient: recipient.filter(|r| *r != who.entity),
                    place: place.clone(),
                    date: date.clone(),
                    polarity: if negated {
                        Polarity::Negative
                    } else {
                        Polarity::Positive
                    },
                    evidence: Evidence {
                        sentence: s,
                        start: b0,
                        end: b1,
                        rule: if others.is_empty() {
                            "event/subject-verb"
                        } else {
                            "event/coordinated-subject"
                        },
                        confidence: 0.7,
                    },
                });
            }
            i += len;
        }
    }

    /// The date of an event in sentence `s`: its own date expression, or for a continuation
    /// ("In parallel", "On the same day") the last explicit date of an earlier sentence.
    fn event_date(&self, s: usize) -> Option<TimeValue> {
        let own = self.dates[s]
            .iter()
            .find(|(_, _, v)| v.value.is_some() && !v.is_continuation());
        if let Some((_, _, v)) = own {
            return Some(v.clone());
        }
        let continuation = self.dates[s].iter().find(|(_, _, v)| v.is_continuation());
        if let Some((_, _, v)) = continuation {
            let earlier = (0..s).rev().take(8).find_map(|p| {
                self.dates[p]
                    .iter()
                    .find(|(_, _, d)| d.value.is_some() && !d.is_continuation() && d.precision == time::Precision::Day)
            });
            let mut v = v.clone();
            if let Some((_, _, d)) = earlier {
                v.value = d.value.clone();
                v.anchor = d.value.clone();
            } else {
                v.value = self.doc_date.map(str::to_string);
            }
            return Some(v);
        }
        None
    }
}

/// Whether the date expression at token `t0` is a dateline's ("KIEV, March 9 (Reuters) -": capitals,
/// a comma, the date): that is when the article was filed, not when what the sentence reports
/// happened, so it must not outrank "on Tuesday" later in the sentence.
/// Word `k` is `root` or hangs on it, through its chain of heads in `tree`.
fn hangs_on(tree: &[Analysis], mut k: usize, root: usize) -> bool {
    for _ in 0..tree.len() {
        if k == root {
            return true;
        }
        match tree[k].head {
            0 => return false,
            h => k = h - 1,
        }
    }
    false
}

fn is_dateline_date(tokens: &[crate::text::Token], t0: usize) -> bool {
    t0 >= 2 && tokens[t0 - 1].form == "," && tokens[..t0 - 1].iter().all(|t| is_dateline_word(&t.form))
}

/// A word of a dateline's place: capitals ("KIEV", "NEW", "U.S."), at least two letters.
fn is_dateline_word(form: &str) -> bool {
    form.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && form.chars().all(|c| c.is_uppercase() || matches!(c, '.' | '-' | '\''))
}

fn rule_for(stance: Stance, kind: &str) -> &'static str {
    macro_rules! table {
        ($($s:ident => $name:literal),*) => {
            match (stance, kind) {
                $(
                    (Stance::$s, "that-clause") => concat!("speech/", $name, "/that-clause"),
                    (Stance::$s, "quote") => concat!("speech/", $name, "/quote"),
                    (Stance::$s, "gerund") => concat!("speech/", $name, "/gerund"),
                    (Stance::$s, "object") => concat!("speech/", $name, "/object"),
                    (Stance::$s, "clause") => concat!("speech/", $name, "/clause"),
                    (Stance::$s, "participle") => concat!("speech/", $name, "/participle"),
                    (Stance::$s, "cited-as-saying") => concat!("speech/", $name, "/cited-as-saying"),
                    (Stance::$s, "relative") => concat!("speech/", $name, "/relative"),
                    (Stance::$s, _) => concat!("speech/", $name, "/complement"),
                )*
            }
        };
    }
    table!(Assert => "assert", Confirm => "confirm", Deny => "deny", Acknowledge => "acknowledge", Allege => "allege",
        Report => "report", Announce => "announce", Promise => "promise", Warn => "warn", Accuse => "accuse",
        Criticize => "criticize", Reject => "reject")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{mention, resolve, text};

    /// Runs the whole per-document pipeline on `doc` (anchored on Tuesday 2024-03-05).
    fn run(doc: &str) -> (Extraction, Resolution) {
        let sentences = text::segment(doc);
        let model = crate::nlp::Model::embedded();
        let trees: Vec<_> = sentences
            .iter()
            .map(|s| model.analyze(&s.tokens.iter().map(|t| t.form.as_str()).collect::<Vec<_>>()))
            .collect();
        let mentions = mention::recognize(doc, &sentences);
        let resolution = resolve::resolve_document(doc, &sentences, &mentions);
        (
            extract(doc, Some("2024-03-05"), &sentences, &trees, &mentions, &resolution),
            resolution,
        )
    }

    /// (speaker key, stance, polarity, proposition key) of every attribution.
    fn claims(doc: &str) -> Vec<(String, &'static str, &'static str, Option<String>)> {
        let (extraction, resolution) = run(doc);
        extraction
            .attributions
            .iter()
            .map(|a| {
                (
                    resolution.entities[a.speaker].key.clone(),
                    a.stance.as_str(),
                    a.polarity.as_str(),
                    a.proposition.as_ref().map(PropositionKey::canonical),
                )
            })
            .collect()
    }

    fn has(doc: &str, speaker: &str, stance: &str, polarity: &str) -> bool {
        claims(doc)
            .iter()
            .any(|(s, st, p, _)| s == speaker && *st == stance && *p == polarity)
    }

    #[test]
    fn that_clause_with_proposition() {
        let c = claims("Foreign Minister Anna Berg said on Monday that Sweden had sent its reply to Norway.");
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].0, "anna-berg");
        assert_eq!((c[0].1, c[0].2), ("assert", "positive"));
        assert_eq!(c[0].3.as_deref(), Some("event-send|sweden|theme-response"));
    }

    #[test]
    fn trailing_quote_with_negated_content() {
        let doc = "\"We will not sign the treaty,\" Prime Minister Karl Lund told reporters on Friday.";
        let (extraction, _) = run(doc);
        let a = &extraction.attributions[0];
        assert_eq!((a.stance, a.polarity), (Stance::Assert, Polarity::Negative));
        assert_eq!(a.cue, "told reporters");
        assert_eq!(a.quote.as_deref(), Some("We will not sign the treaty"));
        assert_eq!(a.date.as_ref().and_then(|d| d.value.as_deref()), Some("2024-03-01"));
    }

    #[test]
    fn deny_makes_positive_content_negative() {
        let doc = "Prime Minister Karl Lund denied that Denmark had submitted a counterproposal.";
        assert!(has(doc, "karl-lund", "deny", "negative"), "{:?}", claims(doc));
    }

    #[test]
    fn denied_reports_and_group_speaker() {
        let doc = "Danish officials have denied reports that Copenhagen delivered a written response to Germany.";
        let c = claims(doc);
        assert!(
            c.iter().any(|(_, st, p, k)| *st == "deny"
                && *p == "negative"
                && k.as_deref().is_some_and(|k| k.starts_with("event-send|"))),
            "{c:?}"
        );
    }

    #[test]
    fn not_confirmed_information_from_gives_two_claims() {
        let doc = "Foreign Minister Anna Berg has not confirmed information from the German Foreign Ministry that Sweden \
                   had transmitted its reply.";
        let c = claims(doc);
        assert!(has(doc, "anna-berg", "deny", "negative"), "{c:?}");
        assert!(
            c.iter()
                .any(|(s, st, p, _)| s.contains("foreign-ministry") && *st == "assert" && *p == "positive"),
            "{c:?}"
        );
        let keys: BTreeSet<_> = c.iter().filter_map(|x| x.3.clone()).collect();
        assert_eq!(keys.len(), 1, "both claims meet at one proposition: {keys:?}");
    }

    #[test]
    fn according_to_fronted_and_pronoun() {
        assert!(has(
            "According to Foreign Minister Anna Berg, the talks were useful.",
            "anna-berg",
            "assert",
            "positive"
        ));
        let doc = "Foreign Minister Anna Berg spoke to the press. According to her, the talks were useful.";
        assert!(has(doc, "anna-berg", "assert", "positive"), "{:?}", claims(doc));
    }

    #[test]
    fn headline_gerund_takes_the_speaker_as_agent() {
        let c = claims("Spain denies sending reply to France");
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!((c[0].1, c[0].2), ("deny", "negative"));
        assert_eq!(c[0].3.as_deref(), Some("event-send|spain|theme-response"));
    }

    #[test]
    fn the_subject_of_a_passive_cue_is_not_the_speaker() {
        let doc =
            "Finance Minister Omar Diaz was accused of fraud last year. He has been warned that the case will go on.";
        assert!(claims(doc).is_empty(), "{:?}", claims(doc));
        let doc = "Finance Minister Omar Diaz accused the bank of fraud.";
        assert!(has(doc, "omar-diaz", "accuse", "positive"), "{:?}", claims(doc));
    }

    #[test]
    fn the_subject_of_an_irregular_passive_cue_is_not_the_speaker() {
        for doc in [
            "Finance Minister Omar Diaz was told that the bank would close.",
            "Finance Minister Omar Diaz spoke on Monday. He has been told the bank would close.",
            "Finance Minister Omar Diaz and Anna Berg were told that the talks had failed.",
            "The talks had failed, Finance Minister Omar Diaz was told.",
            "It was written that the bank would close.",
        ] {
            assert!(claims(doc).is_empty(), "{doc}: {:?}", claims(doc));
        }
        // the active cue keeps its subject as the speaker
        let doc = "Finance Minister Omar Diaz spoke on Monday. He told reporters that the bank would close.";
        assert!(has(doc, "omar-diaz", "assert", "positive"), "{:?}", claims(doc));
        let doc = "Finance Minister Omar Diaz has told reporters that the bank would close.";
        assert!(has(doc, "omar-diaz", "assert", "positive"), "{:?}", claims(doc));
        let doc = "The bank would close, Finance Minister Omar Diaz told reporters.";
        assert!(has(doc, "omar-diaz", "assert", "positive"), "{:?}", claims(doc));
        let doc = "Finance Minister Omar Diaz wrote that the bank would close.";
        assert!(has(doc, "omar-diaz", "assert", "positive"), "{:?}", claims(doc));
    }

    /// (speaker key, stance, polarity, content) of every attribution.
    fn contents(doc: &str) -> Vec<(String, &'static str, &'static str, String)> {
        let (extraction, resolution) = run(doc);
        extraction
            .attributions
            .iter()
            .map(|a| {
                (
                    resolution.entities[a.speaker].key.clone(),
                    a.stance.as_str(),
                    a.polarity.as_str(),
                    a.content.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn a_dismissed_report_denies_its_content() {
        let doc = "Finance Minister Omar Diaz dismissed a report that the army had left the capital, calling it \
                   \"a fabrication\".";
        let c = contents(doc);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            (c[0].0.as_str(), c[0].1, c[0].2, c[0].3.as_str()),
            ("omar-diaz", "deny", "negative", "the army had left the capital")
        );
        let doc = "Finance Minister Omar Diaz rejected the allegations as baseless.";
        let c = contents(doc);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            (c[0].0.as_str(), c[0].1, c[0].2, c[0].3.as_str()),
            ("omar-diaz", "reject", "negative", "the allegations")
        );
        // a quoted "as" phrase is the speaker's words and stays
        let doc = "Finance Minister Omar Diaz dismissed the claims as \"pure fiction\", saying the bank was open.";
        let (extraction, _) = run(doc);
        let a = &extraction.attributions[0];
        assert_eq!((a.stance, a.polarity), (Stance::Deny, Polarity::Negative));
        assert_eq!(a.content, "the claims as \"pure fiction\"");
        assert_eq!(a.quote.as_deref(), Some("pure fiction"));
        let doc =
            "Finance Minister Omar Diaz denied the latest newspaper reports from the capital that the army had left.";
        let c = contents(doc);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            (c[0].1, c[0].2, c[0].3.as_str()),
            ("deny", "negative", "the army had left")
        );
        // a relative clause after the noun is not the report's content
        let doc = "Finance Minister Omar Diaz denied a report that appeared in a local newspaper.";
        let c = contents(doc);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].3, "a report that appeared in a local newspaper");
        // a report that is published or written, not disputed, is no claim of its author
        assert!(contents("Finance Minister Omar Diaz published a report on the army.").is_empty());
        // "said" keeps its whole complement: the report is not disputed
        let doc = "Finance Minister Omar Diaz said a report that the army had left was accurate.";
        let c = contents(doc);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            (c[0].1, c[0].2, c[0].3.as_str()),
            ("assert", "positive", "a report that the army had left was accurate")
        );
    }

    #[test]
    fn a_relative_clause_denies_the_claim_it_modifies() {
        let one = |doc: &str| {
            let c = contents(doc);
            assert_eq!(c.len(), 1, "{doc}: {c:?}");
            let (speaker, stance, polarity, content) = &c[0];
            (speaker.clone(), *stance, *polarity, content.clone())
        };
        let doc =
            "Finance Minister Omar Diaz faces extradition to Freedonia on a charge of fraud, a charge he has denied.";
        assert_eq!(
            one(doc),
            ("omar-diaz".into(), "deny", "negative", "a charge of fraud".into())
        );
        let doc = "Finance Minister Omar Diaz spoke on Monday. He had been accused of fraud, a charge he has denied.";
        assert_eq!(one(doc), ("omar-diaz".into(), "deny", "negative", "fraud".into()));
        let doc = "Finance Minister Omar Diaz spoke on Monday. He faces corruption allegations he denies.";
        assert_eq!(
            one(doc),
            ("omar-diaz".into(), "deny", "negative", "corruption allegations".into())
        );
        let doc = "The Daily Planet printed claims which the Finance Ministry of Freedonia rejected.";
        let (speaker, stance, polarity, content) = one(doc);
        assert!(speaker.contains("finance-ministry"), "{speaker}");
        assert_eq!((stance, polarity, content.as_str()), ("reject", "negative", "claims"));
        let doc = "Finance Minister Omar Diaz faces the charge of bribery, which he strongly denies.";
        assert_eq!(
            one(doc),
            ("omar-diaz".into(), "deny", "negative", "the charge of bribery".into())
        );
        let doc = "Foreign Minister Anna Berg faced the accusations of fraud that she denied in court.";
        assert_eq!(
            one(doc),
            (
                "anna-berg".into(),
                "deny",
                "negative",
                "the accusations of fraud".into()
            )
        );
        let doc = "Finance Minister Omar Diaz faces the allegation that he took bribes, which he denies.";
        assert_eq!(
            one(doc),
            ("omar-diaz".into(), "deny", "negative", "he took bribes".into())
        );
        // a relative clause inside the subject, before the main verb
        let doc = "Finance Minister Omar Diaz spoke on Monday. The allegations he denies were printed by a newspaper.";
        assert_eq!(
            one(doc),
            ("omar-diaz".into(), "deny", "negative", "The allegations".into())
        );
        // "reports", "claims", "charges" as verbs after their subject
        for doc in [
            "The newspaper reports he denied.",
            "Finance Minister Omar Diaz charges he has denied.",
        ] {
            assert!(
                contents(doc)
                    .iter()
                    .all(|x| x.3 != "charges" && !x.3.contains("reports")),
                "{doc}: {:?}",
                contents(doc)
            );
        }
        // near misses: a denial with an object of its own, a negated denial, a passive
        let doc = "Finance Minister Omar Diaz read the report. In the report he denies any wrongdoing.";
        let c = contents(doc);
        assert!(c.iter().all(|x| x.3 == "any wrongdoing"), "{c:?}");
        for doc in [
            "Finance Minister Omar Diaz faces a charge of fraud, a charge he has not denied.",
            "Finance Minister Omar Diaz faces a charge of fraud, which was denied by his lawyer.",
            "Finance Minister Omar Diaz said the charges were a surprise.",
        ] {
            assert!(
                contents(doc).iter().all(|x| x.1 != "deny"),
                "{doc}: {:?}",
                contents(doc)
            );
        }
    }

    #[test]
    fn an_unnamed_role_in_the_headline_is_the_person_with_that_role() {
        let doc = "Agency founder denies sending money to rebels\n\nOmar Diaz, the founder of the Freedonia Press \
                   Agency, on Monday denied that he had sent money to the rebels.";
        let c = contents(doc);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(
            c.iter()
                .all(|x| x.0 == "omar-diaz" && x.1 == "deny" && x.2 == "negative"),
            "{c:?}"
        );
        // no person with a matching role and affiliation: the role stays a speaker of its own
        let doc = "Ministry spokesman denies report of troop withdrawal\n\nSpokesman Omar Diaz of the Freedonia \
                   Press Agency said the army had left.";
        let c = contents(doc);
        assert!(c.iter().any(|x| x.0 != "omar-diaz" && x.1 == "deny"), "{c:?}");
        // two founders: no guess
        let doc = "Company founder denies fraud charges\n\nOmar Diaz, the founder of the Freedonia Trading Company, \
                   met Anna Berg, the founder of the Sylvania Trading Company. Diaz said the charges were old.";
        let c = contents(doc);
        assert!(
            c.iter()
                .any(|x| x.1 == "deny" && !x.0.contains("diaz") && !x.0.contains("berg")),
            "{c:?}"
        );
        let doc = "Company founder denies fraud charges\n\nOmar Diaz, the founder of the Freedonia Trading Company, \
                   said the charges were old.";
        assert!(has(doc, "omar-diaz", "deny", "negative"), "{:?}", claims(doc));
    }

    #[test]
    fn an_addressee_before_that_and_a_date_between_subject_and_cue() {
        let one = |doc: &str| {
            let c = contents(doc);
            assert_eq!(c.len(), 1, "{doc}: {c:?}");
            let (speaker, stance, polarity, content) = &c[0];
            (speaker.clone(), *stance, *polarity, content.clone())
        };
        let doc = "Finance Minister Omar Diaz informs the school community that the bank had closed.";
        assert_eq!(
            one(doc),
            ("omar-diaz".into(), "report", "positive", "the bank had closed".into())
        );
        let doc = "Finance Minister Omar Diaz warned the board members that prices would rise.";
        assert_eq!(
            one(doc),
            ("omar-diaz".into(), "warn", "positive", "prices would rise".into())
        );
        // a relative "that" after the object is no content clause
        let doc = "Finance Minister Omar Diaz told the story of the bank that had closed.";
        assert_ne!(one(doc).3, "had closed");
        let doc = "The Finance Ministry of Freedonia, on October 18, 2008 accused the bank of fraud.";
        let (speaker, stance, polarity, _) = one(doc);
        assert!(speaker.contains("finance-ministry"), "{speaker}");
        assert_eq!((stance, polarity), ("accuse", "positive"));
        let doc = "The Finance Ministry of Freedonia, on Monday, denied that the bank had closed.";
        let (speaker, stance, polarity, content) = one(doc);
        assert!(speaker.contains("finance-ministry"), "{speaker}");
        assert_eq!(
            (stance, polarity, content.as_str()),
            ("deny", "negative", "the bank had closed")
        );
    }

    #[test]
    fn a_pronoun_speaker_named_after_the_previous_speech_keeps_the_resolver_answer() {
        let doc = "Finance Minister Omar Diaz informs the board that the bank had closed. The remarks were made by \
                   Karl Lund, a bank clerk. When asked about it, he responded \"The bank is open.\"";
        let c = contents(doc);
        assert!(
            c.iter().any(|x| x.0 == "karl-lund" && x.3.contains("The bank is open")),
            "{c:?}"
        );
        // with no one named in between, the previous speaker still speaks
        let doc = "Finance Minister Omar Diaz informs the board that the bank had closed. When asked about it, he \
                   responded \"The bank is open.\"";
        let c = contents(doc);
        assert!(
            c.iter().any(|x| x.0 == "omar-diaz" && x.3.contains("The bank is open")),
            "{c:?}"
        );
    }

    #[test]
    fn a_name_before_a_comma_is_not_a_co_speaker() {
        let doc = "In a post on the messaging service Telegram, Foreign Minister Anna Berg said the talks had failed.";
        let c = claims(doc);
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(c[0].0.contains("anna-berg"), "{c:?}");
        let doc = "Spain, France and Italy said the talks had failed.";
        assert_eq!(claims(doc).len(), 3, "{:?}", claims(doc));
    }

    #[test]
    fn the_parse_gives_the_speaker_a_clause_separates_from_the_cue() {
        // a participle clause in commas: the words before the cue end in "Tuesday ,"
        let doc = "Omar Diaz, asked about the report on Tuesday, denied that the company had paid bribes.";
        assert!(has(doc, "omar-diaz", "deny", "negative"), "{:?}", claims(doc));
        // a relative clause opened by "whose"
        let doc = "Sara Nilsson, whose firm advised the government, said the sale was legal.";
        assert!(has(doc, "sara-nilsson", "assert", "positive"), "{:?}", claims(doc));
        // a coordinated verb shares its subject
        let doc = "Anna Berg arrived in Oslo on Monday and told reporters that the talks had failed.";
        assert!(has(doc, "anna-berg", "assert", "positive"), "{:?}", claims(doc));
        // near-miss: a passive's subject is spoken to, not the speaker
        let doc = "Karl Lund, who chairs the board, was told that the deal had failed.";
        assert!(claims(doc).is_empty(), "{:?}", claims(doc));
    }

    #[test]
    fn the_content_ends_with_the_cue_verbs_clause_in_the_parse() {
        let doc = "Anna Berg said the documents would stay secret, yet Karl Lund published them on Monday.";
        let c = contents(doc);
        assert!(
            c.iter()
                .any(|(_, _, _, content)| content == "the documents would stay secret"),
            "{c:?}"
        );
        // the clause after ", yet" is the narrator's, not a trailing speaker's
        assert_eq!(c.len(), 1, "{c:?}");
    }

    #[test]
    fn a_contrastive_not_on_a_noun_leaves_the_content_positive() {
        let doc = "Anna Berg said the ministry, not the army, had sent the letter.";
        assert!(has(doc, "anna-berg", "assert", "positive"), "{:?}", claims(doc));
        // near-misses: a "not" on the clause, and one inside a relative clause
        let doc = "Anna Berg said she signed the decree not because of the war.";
        assert!(has(doc, "anna-berg", "assert", "negative"), "{:?}", claims(doc));
        let doc = "Omar Diaz said the ferry, which was not insured, had sunk.";
        assert!(has(doc, "omar-diaz", "assert", "positive"), "{:?}", claims(doc));
    }

    #[test]
    fn negated_rule_out_and_coordinated_warning() {
        let doc = "Finance Minister Omar Diaz did not rule out new taxes and warned that prices would rise.";
        assert!(has(doc, "omar-diaz", "assert", "positive"), "{:?}", claims(doc));
        assert!(has(doc, "omar-diaz", "warn", "positive"), "{:?}", claims(doc));
        let (extraction, _) = run(doc);
        assert!(
            extraction
                .attributions
                .iter()
                .any(|a| a.modality.as_deref() == Some("would"))
        );
    }

    #[test]
    fn not_true_that_is_a_denial() {
        let doc = "Finance Minister Omar Diaz said it was \"not true\" that Spain had handed over its response.";
        let c = claims(doc);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!((c[0].1, c[0].2), ("deny", "negative"));
        assert_eq!(c[0].3.as_deref(), Some("event-send|spain|theme-response"));
    }

    #[test]
    fn cited_as_saying_keeps_the_intermediary() {
        let doc = "The agency cited an unnamed senior diplomat in the Spanish Foreign Ministry as saying that the minister \
                   sent a letter.";
        let c = claims(doc);
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(c[0].0.contains("foreign-ministry"), "{c:?}");
        assert_eq!((c[0].1, c[0].2), ("assert", "positive"));
    }

    #[test]
    fn multi_sentence_quote_shares_the_speaker() {
        let doc = "\"We talked for hours. Nothing was agreed,\" Prime Minister Karl Lund said.";
        let c = claims(doc);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c.iter().all(|(s, ..)| s == "karl-lund"));
        assert_eq!(c.iter().filter(|x| x.2 == "negative").count(), 1, "{c:?}");
    }

    #[test]
    fn other_theme_is_another_proposition() {
        let doc = "Prime Minister Karl Lund acknowledged that Denmark had relayed other ideas to Sweden.";
        let c = claims(doc);
        assert!(
            c.iter()
                .all(|x| x.3.as_deref() != Some("event-send|denmark|theme-response")),
            "{c:?}"
        );
    }

    #[test]
    fn events_with_dates_recipients_and_places() {
        let doc = "On March 1, the Spanish Foreign Ministry published draft agreements. President Maria Costa signed a \
                   decree on Tuesday. Earlier in the day, President Maria Costa met with Prime Minister Karl Lund in Lisbon.";
        let (extraction, resolution) = run(doc);
        let events: Vec<_> = extraction
            .events
            .iter()
            .map(|e| {
                (
                    resolution.entities[e.agent].key.as_str(),
                    e.action.as_str(),
                    e.date.as_ref().and_then(|d| d.value.clone()),
                    e.place.clone(),
                )
            })
            .collect();
        assert!(
            events.contains(&("spanish-foreign-ministry", "publish", Some("2024-03-01".into()), None)),
            "{events:?}"
        );
        assert!(
            events.contains(&("maria-costa", "sign", Some("2024-03-05".into()), None)),
            "{events:?}"
        );
        assert!(
            events.contains(&("maria-costa", "meet", Some("2024-03-05".into()), Some("Lisbon".into()))),
            "{events:?}"
        );
    }

    #[test]
    fn the_content_has_the_tense_of_its_first_finite_verb() {
        let doc = "Omar Diaz said that Spain had sent the letter. Anna Berg said that Spain will send the letter. \
                   Karl Lund said Spain sends letters every week. Maria Costa denied the report.";
        let (extraction, _) = run(doc);
        let tenses: Vec<_> = extraction.attributions.iter().map(|a| a.tense).collect();
        assert_eq!(
            tenses,
            [Some("past"), Some("future"), Some("present"), None],
            "{:?}",
            extraction.attributions
        );
    }

    #[test]
    fn a_whole_quote_after_an_attributed_quote_has_its_speaker() {
        let (extraction, resolution) = run(
            "\"The deal is fine,\" Anna Berg said. \"We have had no talks of that kind.\"\n\n\
                                            \"Nobody asked,\" a man shouted.",
        );
        let a = &extraction.attributions;
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(resolution.entities[a[1].speaker].key, "anna-berg");
        assert_eq!(
            (a[1].polarity, a[1].evidence.rule),
            (Polarity::Negative, "speech/quote/following")
        );
        // a quote in the next paragraph is left alone
        let (extraction, _) = run("\"The deal is fine,\" Anna Berg said.\n\n\"We have had no talks of that kind.\"");
        assert_eq!(extraction.attributions.len(), 1, "{:?}", extraction.attributions);
    }

    #[test]
    fn two_cues_joined_by_but_are_two_claims() {
        let (extraction, resolution) =
            run("A Finance Ministry official confirmed that a letter was sent but said it did not mention the treaty.");
        let a: Vec<_> = extraction
            .attributions
            .iter()
            .map(|a| (a.stance, a.polarity, a.content.as_str()))
            .collect();
        assert_eq!(
            a,
            [
                (Stance::Confirm, Polarity::Positive, "a letter was sent"),
                (Stance::Assert, Polarity::Negative, "it did not mention the treaty")
            ],
            "{:?}",
            extraction.attributions
        );
        assert_eq!(extraction.attributions[0].speaker, extraction.attributions[1].speaker);
        assert!(
            resolution.entities[extraction.attributions[0].speaker]
                .key
                .contains("finance-ministry")
        );
    }

    #[test]
    fn a_relative_clause_or_apposition_around_a_trailing_speaker() {
        let (extraction, resolution) = run(
            "\"There is no cause for alarm,\" Health Minister Anna Berg, who visited the \
                                            region on Wednesday, told the Freedonia Times. \"Our teams are there,\" said Karl \
                                            Lund, the agency's director-general.",
        );
        let who: Vec<_> = extraction
            .attributions
            .iter()
            .map(|a| (resolution.entities[a.speaker].key.as_str(), a.content.as_str()))
            .collect();
        assert_eq!(
            who,
            [
                ("anna-berg", "\"There is no cause for alarm"),
                ("karl-lund", "\"Our teams are there")
            ],
            "{:?}",
            extraction.attributions
        );
    }

    #[test]
    fn a_dateline_is_not_part_of_a_trailing_content() {
        let (extraction, _) = run("LISBON (AP) — Denmark has not signed the treaty, Prime Minister Karl Lund said.");
        let contents: Vec<_> = extraction.attributions.iter().map(|a| a.content.as_str()).collect();
        assert_eq!(
            contents,
            ["Denmark has not signed the treaty"],
            "{:?}",
            extraction.attributions
        );
    }

    #[test]
    fn the_company_is_the_last_organization_named() {
        // a public body named in between is not "the company"
        let c = claims(
            "Nordic Air denied the report. The Transport Authority fined it. The company said in a filing on Tuesday \
             that it expected no fine.",
        );
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c.iter().all(|x| x.0 == "nordic-air"), "{c:?}");
    }

    #[test]
    fn a_connective_in_commas_before_the_cue() {
        let c = claims("Prime Minister Karl Lund, however, said that Denmark had signed the treaty.");
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].0, "karl-lund");
        let c = claims("Local officials in Lisbon, however, said that Denmark had signed the treaty.");
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(c[0].0.contains("officials"), "{c:?}");
    }

    #[test]
    fn a_place_after_the_cue_is_not_the_content() {
        let (extraction, resolution) =
            run("\"The deal has not been signed,\" press secretary Anna Berg said at the daily briefing.");
        let a = &extraction.attributions;
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(resolution.entities[a[0].speaker].key, "anna-berg");
        assert_eq!(
            (a[0].polarity, a[0].content.as_str()),
            (Polarity::Negative, "\"The deal has not been signed")
        );
        let (extraction, _) = run("Analysts at the Bank of Freedonia said in a note that prices would fall.");
        let contents: Vec<_> = extraction.attributions.iter().map(|a| a.content.as_str()).collect();
        assert_eq!(contents, ["prices would fall"], "{:?}", extraction.attributions);
        // "said at the briefing." with no quote before it says nothing; "at least" is no place
        assert!(claims("Karl Lund said at the briefing on Tuesday.").is_empty());
        assert_eq!(
            claims("Karl Lund said at least 40 people had been admitted to hospital.").len(),
            1
        );
    }

    #[test]
    fn the_person_before_of_place_is_the_speaker() {
        let c = claims("Foreign Minister Anna Berg of Norway said that Denmark had signed the treaty.");
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].0, "anna-berg", "{c:?}");
        // a place after "of" with no person before it stays the speaker's own phrase
        let c = claims("The government of Norway said that Denmark had signed the treaty.");
        assert!(c.iter().all(|x| x.0 != "anna-berg"), "{c:?}");
    }

    #[test]
    fn a_dateline_date_gives_way_to_the_date_in_the_sentence() {
        // the article is of Tuesday 2024-03-05; "on Monday" is the day before
        let (extraction, _) = run(
            "LISBON, March 5 (Wire) - Prime Minister Karl Lund said on Monday that Denmark \
                                   had signed the treaty. NEW YORK, March 5 - Karl Lund said that talks would resume.",
        );
        let dates: Vec<_> = extraction
            .attributions
            .iter()
            .map(|a| a.date.as_ref().and_then(|d| d.value.clone()))
            .collect();
        assert_eq!(dates[0], Some("2024-03-04".into()), "{:?}", extraction.attributions);
        // a dateline's date alone does not date the statement
        assert_eq!(dates[1], None, "{:?}", extraction.attributions);
        assert!(is_dateline_date(&text::segment("KIEV, March 9 - X said.")[0].tokens, 2));
        assert!(!is_dateline_date(
            &text::segment("Kiev, March 9 - X said.")[0].tokens,
            2
        ));
    }

    #[test]
    fn events_have_recipients_and_skip_reported_content() {
        let doc = "On January 5, Germany and France handed over written proposals to Spain. Prime Minister Karl Lund said \
                   that Denmark had signed the treaty.";
        let (extraction, resolution) = run(doc);
        let agents: Vec<_> = extraction
            .events
            .iter()
            .map(|e| resolution.entities[e.agent].key.as_str())
            .collect();
        assert_eq!(agents, ["germany", "france"], "{:?}", extraction.events);
        assert!(
            extraction
                .events
                .iter()
                .all(|e| e.recipient.map(|r| resolution.entities[r].key.as_str()) == Some("spain"))
        );
    }

    #[test]
    fn a_passive_event_has_its_by_phrase_as_agent_and_its_subject_as_theme() {
        let doc = "The letter was handed over by Norway to Sweden on Tuesday. Spain was sanctioned on Monday.";
        let (extraction, resolution) = run(doc);
        let events: Vec<_> = extraction
            .events
            .iter()
            .map(|e| (resolution.entities[e.agent].key.as_str(), e.object.as_deref()))
            .collect();
        // "Spain was sanctioned": Spain is no agent, and no agent is named
        assert_eq!(events, [("norway", Some("The letter"))], "{:?}", extraction.events);
    }

    #[test]
    fn an_event_subject_past_an_unlisted_adverb_comes_from_the_parse() {
        let doc = "Anna Berg met Karl Lund in Oslo. She also quietly endorsed the draft treaty.";
        let (extraction, resolution) = run(doc);
        let endorse = extraction.events.iter().find(|e| e.action == "endorse");
        assert_eq!(
            endorse.map(|e| resolution.entities[e.agent].key.as_str()),
            Some("anna-berg"),
            "{:?}",
            extraction.events
        );
    }

    #[test]
    fn adjuncts_appositions_and_addressees() {
        let doc = "Foreign Minister Anna Berg said in a statement that Sweden had sent its reply.";
        assert_eq!(claims(doc)[0].3.as_deref(), Some("event-send|sweden|theme-response"));
        assert!(has(
            "Anna Berg, the foreign minister of Sweden, said that the talks failed.",
            "anna-berg",
            "assert",
            "positive"
        ));
        let doc = "Prime Minister Karl Lund told Foreign Minister Anna Berg that the deal was off.";
        let (extraction, _) = run(doc);
        assert_eq!(extraction.attributions.len(), 1);
        assert_eq!(extraction.attributions[0].content, "the deal was off");
        assert!(claims("Prime Minister Karl Lund told Anna Berg to leave.").is_empty());
    }

    #[test]
    fn quoted_as_saying_and_office() {
        let doc = "Prime Minister Karl Lund was quoted by Reuters as saying that the deal was off.";
        assert!(has(doc, "karl-lund", "assert", "positive"), "{:?}", claims(doc));
        let doc = "Prime Minister Karl Lund's office said the visit was cancelled.";
        assert!(has(doc, "karl-lund", "assert", "positive"), "{:?}", claims(doc));
    }

    #[test]
    fn calling_reports_false_denies_them() {
        let doc = "Spain denied sending a note to France, saying that the reports were \"completely false.\"";
        let c = claims(doc);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c.iter().all(|x| x.1 == "deny" && x.2 == "negative"), "{c:?}");
        assert!(c.iter().all(|x| x.3 == c[0].3), "{c:?}");
    }

    #[test]
    fn bare_clause_after_a_cue_and_embedded_questions() {
        assert!(has(
            "Prime Minister Karl Lund insisted the plan existed.",
            "karl-lund",
            "assert",
            "positive"
        ));
        let doc = "Asked whether he would rule out a rise, Prime Minister Karl Lund said he would not speculate.";
        let c = claims(doc);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!((c[0].1, c[0].2), ("assert", "negative"));
    }

    #[test]
    fn not_only_is_not_a_negation() {
        let doc = "According to Foreign Minister Anna Berg, this applies not only to ministers but also to diplomats.";
        assert!(has(doc, "anna-berg", "assert", "positive"), "{:?}", claims(doc));
    }

    #[test]
    fn proposition_key_leaves_out_the_recipient_when_the_agent_is_known() {
        let with = PropositionKey {
            event_class: "event-send".into(),
            agent: Some("x".into()),
            theme: Some("theme-response".into()),
            recipient: Some("y".into()),
        };
        let without = PropositionKey {
            recipient: None,
            ..with.clone()
        };
        assert_eq!(with.canonical(), without.canonical());
        let converse = PropositionKey { agent: None, ..with };
        assert_eq!(converse.canonical(), "event-send|_|theme-response|to:y");
    }

    #[test]
    fn stance_names() {
        for stance in Stance::ALL {
            assert_eq!(Stance::parse(stance.as_str()), Some(stance));
            assert_eq!(stance.local_name().to_lowercase(), stance.as_str());
        }
        assert_eq!(Stance::Deny.property_local(), "denies");
        assert_eq!(Stance::Criticize.property_local(), "criticizes");
    }
}
