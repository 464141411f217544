//! Works stage: the written documents an article mentions — "a written response", "the draft
//! agreements", "Russia's counterproposal" — read off the dependency tree and resolved within the
//! article.
//!
//! A document mention is a noun phrase whose head noun names a kind of document in
//! `ontology/lexicon.ttl` (the `cg:DocumentKinds` scheme, which users extend). The phrase is the
//! head with the determiners, possessives, adjectives, numbers and compounds before it; "no" and
//! "any" phrases ("no written response") are left out, as they name no particular document. A
//! possessive or compound that is a recognized entity ("Russia's response", "the NATO proposals")
//! is the document's creator.
//!
//! Within the article, in text order:
//! - a phrase with only a definite determiner, demonstrative or possessive pronoun ("the response",
//!   "these documents", "its reply") refers back to the most recent document of its kind
//!   (`resolve/document-reference`);
//! - a phrase that repeats an earlier name ("the written response" after "a written response") joins
//!   that document (`resolve/same-name`), unless it is a lone indefinite noun ("a letter");
//! - a phrase whose creator wrote an earlier document of its kind joins it (`resolve/same-creator`);
//! - any other phrase is a new document (`works/noun-phrase`).
//!
//! Documents are not merged across articles: the "report" of two articles is rarely one report,
//! so each document's IRI lies under its article.

use crate::lexicon::Lexicon;
use crate::mention::{EntityKind, Mention};
use crate::nlp::Analysis as Word;
use crate::resolve::{Resolution, slug};
use crate::text::Sentence;

/// A written document the article mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    /// Slug of the label, unique within the article ("written-response", "report-2").
    pub key: String,
    /// The fullest name the article gives it, without determiner ("written response").
    pub label: String,
    /// Its document kind in `lexicon.ttl` ("document-response").
    pub kind: String,
    /// The entity (index into the resolution's entities) that wrote or issued it.
    pub creator: Option<usize>,
    /// Its mentions, in text order.
    pub mentions: Vec<WorkMention>,
}

/// One noun phrase naming a [`Work`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkMention {
    /// Index of the sentence.
    pub sentence: usize,
    /// Byte offset of the phrase, determiner included ("a written response").
    pub start: usize,
    /// Byte offset one past the phrase's head noun.
    pub end: usize,
    /// The phrase without its determiner ("written response").
    pub name: String,
    /// The rule that tied the phrase to its document (see the module documentation).
    pub rule: &'static str,
}

/// A document phrase before resolution.
struct Phrase {
    mention: WorkMention,
    kind: String,
    creator: Option<usize>,
    /// Only a definite determiner, demonstrative or possessive pronoun before the noun.
    definite_bare: bool,
    /// A lone noun with "a"/"an" ("a letter"): always a new document.
    indefinite_bare: bool,
}

const DEFINITE: &[&str] = &[
    "the", "this", "that", "these", "those", "its", "their", "his", "her", "our",
];
const NON_REFERRING: &[&str] = &["no", "any", "every", "each", "neither", "either", "another"];
const MODIFIERS: &[&str] = &["det", "amod", "compound", "nmod:poss", "nummod"];

/// The documents mentioned in an article. `trees` holds the parse of each sentence's tokens.
pub fn recognize(
    text: &str,
    sentences: &[Sentence],
    trees: &[Vec<Word>],
    mentions: &[Mention],
    resolution: &Resolution,
) -> Vec<Work> {
    let lexicon = Lexicon::embedded();
    let mut phrases = Vec::new();
    for (si, (sentence, tree)) in sentences.iter().zip(trees).enumerate() {
        if tree.len() != sentence.tokens.len() {
            continue;
        }
        phrases.extend(sentence_phrases(
            text, si, sentence, tree, mentions, resolution, lexicon,
        ));
    }
    resolve(phrases)
}

fn sentence_phrases(
    text: &str,
    si: usize,
    sentence: &Sentence,
    tree: &[Word],
    mentions: &[Mention],
    resolution: &Resolution,
    lexicon: &Lexicon,
) -> Vec<Phrase> {
    let tokens = &sentence.tokens;
    let head_of = |i: usize| tree[i].head.checked_sub(1);
    let sentence_mentions: Vec<(usize, &Mention)> =
        mentions.iter().enumerate().filter(|(_, m)| m.sentence == si).collect();
    let mention_at = |i: usize| {
        sentence_mentions
            .iter()
            .find(|(_, m)| m.start <= tokens[i].start && tokens[i].end <= m.end)
            .map(|(index, _)| *index)
    };
    // the span of each subtree (the parser's trees are projective, so spans are contiguous)
    let mut leftmost: Vec<usize> = (0..tree.len()).collect();
    let mut rightmost = leftmost.clone();
    for i in 0..tree.len() {
        let mut at = i;
        for _ in 0..tree.len() {
            let Some(h) = head_of(at) else { break };
            leftmost[h] = leftmost[h].min(i);
            rightmost[h] = rightmost[h].max(i);
            at = h;
        }
    }
    let mut out = Vec::new();
    for (i, word) in tree.iter().enumerate() {
        if word.upos != "NOUN" || matches!(word.deprel.as_str(), "compound" | "fixed" | "flat" | "goeswith") {
            continue;
        }
        let compound_before = i > 0 && head_of(i - 1) == Some(i) && tree[i - 1].deprel == "compound";
        let kind = compound_before
            .then(|| lexicon.document_kind(&format!("{} {}", tokens[i - 1].form, tokens[i].form)))
            .flatten()
            .or_else(|| lexicon.document_kind(&tokens[i].form))
            .or_else(|| lexicon.document_kind(&word.lemma));
        let Some(kind) = kind else { continue };
        if mention_at(i).is_some() {
            continue; // part of a name ("the Paris Agreement" as an organization or event)
        }
        // the modifiers before the noun, nearest first, while they stay contiguous
        let mut start = i;
        let mut modifiers: Vec<usize> = Vec::new();
        for c in (0..i).rev() {
            if head_of(c) != Some(i) {
                continue;
            }
            if !MODIFIERS.contains(&tree[c].deprel.as_str()) || rightmost[c] + 1 != start {
                break;
            }
            start = start.min(leftmost[c]);
            modifiers.push(c);
        }
        if tokens[start..i]
            .iter()
            .any(|t| matches!(t.form.as_str(), "\"" | "," | "(" | ")"))
        {
            continue;
        }
        let lower = |k: usize| tokens[k].form.to_lowercase();
        if modifiers.iter().any(|&c| NON_REFERRING.contains(&lower(c).as_str())) {
            continue;
        }
        let determiners: Vec<usize> = modifiers
            .iter()
            .copied()
            .filter(|&c| tree[c].deprel == "det" || (tree[c].deprel == "nmod:poss" && tree[c].upos == "PRON"))
            .collect();
        // "the" may also hang under a modifier ("the US and NATO responses")
        let name_start = (start..i)
            .find(|&k| {
                !determiners.contains(&k)
                    && !DEFINITE.contains(&lower(k).as_str())
                    && !matches!(lower(k).as_str(), "a" | "an")
            })
            .unwrap_or(i);
        let definite_bare =
            modifiers.len() == determiners.len() && determiners.iter().any(|&c| DEFINITE.contains(&lower(c).as_str()));
        let indefinite_bare = modifiers.len() == determiners.len() && !definite_bare;
        let creator = modifiers
            .iter()
            .filter(|&&c| matches!(tree[c].deprel.as_str(), "nmod:poss" | "compound" | "amod"))
            .filter_map(|&c| {
                mention_at(c)
                    .map(|m| resolution.mention_entity[m])
                    .or_else(|| demonym_country(&tokens[c].form, resolution))
            })
            .find(|&e| {
                matches!(
                    resolution.entities[e].kind,
                    EntityKind::Person
                        | EntityKind::Organization
                        | EntityKind::Country
                        | EntityKind::Group
                        | EntityKind::Outlet
                )
            });
        out.push(Phrase {
            mention: WorkMention {
                sentence: si,
                start: tokens[start].start,
                end: tokens[i].end,
                name: text[tokens[name_start].start..tokens[i].end].to_string(),
                rule: "works/noun-phrase",
            },
            kind: kind.to_string(),
            creator,
            definite_bare,
            indefinite_bare,
        });
    }
    out
}

/// The article's entity for the country a demonym names ("the Russian counterproposal"), if the
/// article names that country.
fn demonym_country(word: &str, resolution: &Resolution) -> Option<usize> {
    let g = crate::mention::gazetteer();
    let iso2 = &g.countries[g.demonym(word)?].iso2;
    resolution
        .entities
        .iter()
        .position(|e| e.kind == EntityKind::Country && e.country_code.as_ref() == Some(iso2))
}

fn resolve(phrases: Vec<Phrase>) -> Vec<Work> {
    let mut works: Vec<Work> = Vec::new();
    // the most recent document first
    let mut recent: Vec<usize> = Vec::new();
    for phrase in phrases {
        let name = phrase.mention.name.to_lowercase();
        let same_name = |w: &Work| {
            w.kind == phrase.kind
                && w.mentions.iter().any(|m| m.name.to_lowercase() == name)
                && (w.creator.is_none() || phrase.creator.is_none() || w.creator == phrase.creator)
        };
        let found = if phrase.definite_bare {
            recent
                .iter()
                .copied()
                .find(|&w| works[w].kind == phrase.kind)
                .map(|w| (w, "resolve/document-reference"))
        } else if phrase.indefinite_bare {
            None
        } else {
            recent
                .iter()
                .copied()
                .find(|&w| same_name(&works[w]))
                .map(|w| (w, "resolve/same-name"))
                .or_else(|| {
                    let creator = phrase.creator?;
                    recent
                        .iter()
                        .copied()
                        .find(|&w| works[w].kind == phrase.kind && works[w].creator == Some(creator))
                        .map(|w| (w, "resolve/same-creator"))
                })
        };
        let index = match found {
            Some((w, rule)) => {
                let work = &mut works[w];
                work.creator = work.creator.or(phrase.creator);
                work.mentions.push(WorkMention { rule, ..phrase.mention });
                w
            }
            None => {
                works.push(Work {
                    key: String::new(),
                    label: String::new(),
                    kind: phrase.kind,
                    creator: phrase.creator,
                    mentions: vec![phrase.mention],
                });
                works.len() - 1
            }
        };
        recent.retain(|&w| w != index);
        recent.insert(0, index);
    }
    let mut used = std::collections::HashSet::new();
    for work in &mut works {
        // the name with the most words; the first of equals
        work.label = work
            .mentions
            .iter()
            .map(|m| &m.name)
            .fold(None::<&String>, |best, n| match best {
                Some(b) if b.split_whitespace().count() >= n.split_whitespace().count() => Some(b),
                _ => Some(n),
            })
            .cloned()
            .unwrap_or_default();
        let base = slug(&work.label);
        let mut key = base.clone();
        let mut n = 1;
        while !used.insert(key.clone()) {
            n += 1;
            key = format!("{base}-{n}");
        }
        work.key = key;
    }
    works
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nlp::Model;

    fn works_of(text: &str) -> Vec<Work> {
        let sentences = crate::text::segment(text);
        let mentions = crate::mention::recognize(text, &sentences);
        let resolution = crate::resolve::resolve_document(text, &sentences, &mentions);
        let model = Model::embedded();
        let trees: Vec<Vec<Word>> = sentences
            .iter()
            .map(|s| model.analyze(&s.tokens.iter().map(|t| t.form.as_str()).collect::<Vec<_>>()))
            .collect();
        recognize(text, &sentences, &trees, &mentions, &resolution)
    }

    fn names(work: &Work) -> Vec<(&str, &str)> {
        work.mentions.iter().map(|m| (m.name.as_str(), m.rule)).collect()
    }

    #[test]
    fn a_definite_mention_refers_back_to_the_document_of_its_kind() {
        let works = works_of(
            "Freedonia sent a written response to the proposals on Monday. \
             Officials said the response would not be published.",
        );
        let response = works.iter().find(|w| w.kind == "document-response").expect("response");
        assert_eq!(response.label, "written response");
        assert_eq!(response.key, "written-response");
        assert_eq!(
            names(response),
            [
                ("written response", "works/noun-phrase"),
                ("response", "resolve/document-reference")
            ]
        );
        let proposals = works.iter().find(|w| w.kind == "document-proposal").expect("proposals");
        assert_eq!(names(proposals), [("proposals", "works/noun-phrase")]);
    }

    #[test]
    fn a_possessive_entity_is_the_creator_and_joins_its_documents() {
        let text = "Norway's counterproposal reached Chile on Friday. \
                    Diplomats in Chile said Norway's draft counterproposal was a step forward.";
        let works = works_of(text);
        let sentences = crate::text::segment(text);
        let mentions = crate::mention::recognize(text, &sentences);
        let resolution = crate::resolve::resolve_document(text, &sentences, &mentions);
        let response: Vec<&Work> = works.iter().filter(|w| w.kind == "document-response").collect();
        assert_eq!(response.len(), 1, "{works:?}");
        let creator = response[0].creator.expect("a creator");
        assert_eq!(resolution.entities[creator].label, "Norway");
        assert_eq!(response[0].label, "Norway's draft counterproposal");
        assert_eq!(response[0].mentions[1].rule, "resolve/same-creator");
    }

    #[test]
    fn a_demonym_names_the_creator_when_the_article_names_its_country() {
        let works = works_of("Norway rejected the deal. The Norwegian counterproposal arrived in May.");
        let response = works.iter().find(|w| w.kind == "document-response").expect("response");
        assert!(response.creator.is_some(), "{works:?}");
        assert_eq!(response.label, "Norwegian counterproposal");
        let none = works_of("The Norwegian counterproposal arrived in May.");
        assert_eq!(none[0].creator, None, "no entity for a country the article never names");
    }

    #[test]
    fn no_document_is_named_by_no_or_any_and_lone_indefinites_stay_apart() {
        let works = works_of(
            "The ministry has received no written response. \
             It sent a letter in May and a letter in June.",
        );
        assert!(works.iter().all(|w| w.kind != "document-response"), "{works:?}");
        let letters: Vec<&Work> = works.iter().filter(|w| w.kind == "document-letter").collect();
        assert_eq!(letters.len(), 2, "{works:?}");
        assert_eq!(
            (letters[0].key.as_str(), letters[1].key.as_str()),
            ("letter", "letter-2")
        );
    }

    #[test]
    fn a_repeated_name_joins_and_a_two_word_kind_is_read_whole() {
        let works = works_of(
            "The agency published a press release on Tuesday. \
             A second paragraph of the press release named the suppliers.",
        );
        let release: Vec<&Work> = works.iter().filter(|w| w.kind == "document-statement").collect();
        assert_eq!(release.len(), 1, "{works:?}");
        assert_eq!(release[0].mentions.len(), 2);
    }
}
