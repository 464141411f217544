//! The cross-document part of the derived graph: a summary label for each normalized
//! proposition, contradictions and corroborations, computed from index scans.
//!
//! Everything here is a group-by on the proposition. The store keeps every index sorted, so one
//! sequential scan of `cg:key` lists the propositions, and for each of them two prefix scans
//! find what it says (class, agent, theme, recipient) and which statements normalize to it;
//! only statements of a proposition stated twice or more are read further. Nothing is held
//! beyond one proposition, so memory stays flat and the cost grows with the number of
//! statements. The SPARQL CONSTRUCTs this replaces (kept as the tests' reference) joined
//! through the query engine's per-row lookups and grew 34–155× for 10× the text.

use std::collections::{BTreeSet, HashMap, HashSet};

use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};

use crate::Result;
use crate::vocab::{cg, prov, rdf, rdfs, skos, xsd};

/// Computes the derived facts about propositions and hands them to `emit`, in no set order.
pub(super) struct Propositions<'a> {
    store: &'a oxigraph::store::Store,
    base: &'a str,
    derived: &'a NamedNode,
    /// `skos:prefLabel`s of ontology terms (event classes, themes), looked up once each.
    ontology_labels: HashMap<NamedNode, Vec<String>>,
}

/// What one statement (attribution, or anything else with a `cg:proposition`) says, read from
/// the document graph that links it to the proposition.
struct Statement {
    node: NamedNode,
    positive: bool,
    negative: bool,
    speakers: HashSet<Term>,
    sources: HashSet<Term>,
    contents: BTreeSet<String>,
    qualified: bool,
}

/// What a proposition's own triples say, over all graphs.
#[derive(Default)]
struct Facts {
    /// Its keys by graph (a contradiction's reason names those of graphs where it is typed).
    keys: HashMap<GraphName, Vec<Term>>,
    /// Graphs where it is typed `cg:Proposition`.
    typed_in: HashSet<GraphName>,
    classes: HashSet<(GraphName, NamedNode)>,
    agents: HashSet<Term>,
    themes: HashSet<Term>,
    recipients: HashSet<Term>,
}

impl<'a> Propositions<'a> {
    pub(super) fn new(store: &'a oxigraph::store::Store, base: &'a str, derived: &'a NamedNode) -> Self {
        Propositions {
            store,
            base,
            derived,
            ontology_labels: HashMap::new(),
        }
    }

    /// Emits, for every proposition: its summary labels, the contradictions between its
    /// statements and its corroboration.
    pub(super) fn derive(&mut self, emit: &mut impl FnMut(Quad) -> Result<()>) -> Result<()> {
        let mut previous: Option<NamedNode> = None;
        for quad in self.store.quads_for_pattern(None, Some(cg::KEY), None, None) {
            let NamedOrBlankNode::NamedNode(proposition) = quad?.subject else {
                continue;
            };
            // the key index is sorted by key, then subject: a proposition's quads are adjacent
            if previous.as_ref() == Some(&proposition) {
                continue;
            }
            let facts = self.facts(proposition.as_ref())?;
            self.summaries(&proposition, &facts, emit)?;
            let statements = self.statements(proposition.as_ref())?;
            if statements.len() >= 2 {
                self.contradictions(&proposition, &facts, &statements, emit)?;
                self.corroboration(&proposition, &statements, emit)?;
            }
            previous = Some(proposition);
        }
        Ok(())
    }

    fn facts(&self, proposition: NamedNodeRef<'_>) -> Result<Facts> {
        let mut facts = Facts::default();
        for quad in self.store.quads_for_pattern(Some(proposition.into()), None, None, None) {
            let quad = quad?;
            let predicate = quad.predicate.as_ref();
            if predicate == cg::KEY {
                facts.keys.entry(quad.graph_name).or_default().push(quad.object);
            } else if predicate == rdf::TYPE && quad.object == Term::from(cg::PROPOSITION) {
                facts.typed_in.insert(quad.graph_name);
            } else if predicate == cg::EVENT_CLASS {
                if let Term::NamedNode(class) = quad.object {
                    facts.classes.insert((quad.graph_name, class));
                }
            } else if predicate == cg::AGENT {
                facts.agents.insert(quad.object);
            } else if predicate == cg::THEME {
                facts.themes.insert(quad.object);
            } else if predicate == cg::RECIPIENT {
                facts.recipients.insert(quad.object);
            }
        }
        Ok(facts)
    }

    /// "agent → verb → theme → to recipient" for each event class the proposition has in a graph
    /// that also gives its key; parts without a preferred label are left out ("someone" for the
    /// agent).
    fn summaries(
        &mut self,
        proposition: &NamedNode,
        facts: &Facts,
        emit: &mut impl FnMut(Quad) -> Result<()>,
    ) -> Result<()> {
        let optional = |labels: BTreeSet<String>| -> Vec<Option<String>> {
            if labels.is_empty() {
                vec![None]
            } else {
                labels.into_iter().map(Some).collect()
            }
        };
        let mut themes = BTreeSet::new();
        for theme in &facts.themes {
            if let Term::NamedNode(theme) = theme {
                themes.extend(self.ontology_labels(theme)?.iter().cloned());
            }
        }
        let themes = optional(themes);
        let agents = optional(self.derived_labels(&facts.agents)?);
        let recipients = optional(self.derived_labels(&facts.recipients)?);
        let mut verbs = BTreeSet::new();
        for (graph, class) in &facts.classes {
            if facts.keys.contains_key(graph) {
                verbs.extend(self.ontology_labels(class)?.iter().cloned());
            }
        }
        for verb in &verbs {
            for agent in &agents {
                for theme in &themes {
                    for recipient in &recipients {
                        let mut summary = format!("{} → {verb}", agent.as_deref().unwrap_or("someone"));
                        if let Some(theme) = theme {
                            summary.push_str(&format!(" → {theme}"));
                        }
                        if let Some(recipient) = recipient {
                            summary.push_str(&format!(" → to {recipient}"));
                        }
                        emit(self.quad(proposition.clone(), rdfs::LABEL, Literal::new_simple_literal(summary)))?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The statements that normalize to `proposition`, each read from the graph that says so.
    fn statements(&self, proposition: NamedNodeRef<'_>) -> Result<Vec<Statement>> {
        let mut statements = Vec::new();
        for quad in self
            .store
            .quads_for_pattern(None, Some(cg::PROPOSITION_PROP), Some(proposition.into()), None)
        {
            let quad = quad?;
            let NamedOrBlankNode::NamedNode(node) = quad.subject else {
                continue;
            };
            let mut statement = Statement {
                node,
                positive: false,
                negative: false,
                speakers: HashSet::new(),
                sources: HashSet::new(),
                contents: BTreeSet::new(),
                qualified: false,
            };
            for fact in self.store.quads_for_pattern(
                Some(statement.node.as_ref().into()),
                None,
                None,
                Some(quad.graph_name.as_ref()),
            ) {
                let fact = fact?;
                let predicate = fact.predicate.as_ref();
                if predicate == cg::POLARITY {
                    match &fact.object {
                        Term::Literal(l) if l.value() == "positive" => statement.positive = true,
                        Term::Literal(l) if l.value() == "negative" => statement.negative = true,
                        _ => {}
                    }
                } else if predicate == cg::SPEAKER {
                    statement.speakers.insert(fact.object);
                } else if predicate == prov::WAS_DERIVED_FROM {
                    statement.sources.insert(fact.object);
                } else if predicate == cg::CONTENT {
                    if let Term::Literal(content) = &fact.object {
                        statement.contents.insert(content.value().to_owned());
                    }
                } else if predicate == cg::QUALIFIER {
                    statement.qualified = true;
                }
            }
            statements.push(statement);
        }
        Ok(statements)
    }

    /// A contradiction for each pair of a positive and a negative statement of the proposition
    /// by two speakers neither of whom is affiliated with the other.
    fn contradictions(
        &self,
        proposition: &NamedNode,
        facts: &Facts,
        statements: &[Statement],
        emit: &mut impl FnMut(Quad) -> Result<()>,
    ) -> Result<()> {
        let keys: BTreeSet<&str> = facts
            .typed_in
            .iter()
            .filter_map(|graph| facts.keys.get(graph))
            .flatten()
            .filter_map(|key| match key {
                Term::Literal(key) => Some(key.value()),
                _ => None,
            })
            .collect();
        if keys.is_empty() {
            return Ok(());
        }
        let complete = |s: &Statement| !s.speakers.is_empty() && !s.sources.is_empty() && !s.contents.is_empty();
        for denial in statements.iter().filter(|s| s.negative && complete(s)) {
            for affirmation in statements.iter().filter(|s| s.positive && complete(s)) {
                if !self.opposed(&affirmation.speakers, &denial.speakers)? {
                    continue;
                }
                let (a, d) = (&affirmation.node, &denial.node);
                let node = self.hashed_iri("contradiction", &format!("{} {}", a.as_str(), d.as_str()));
                let mut add =
                    |predicate: NamedNodeRef<'_>, object: Term| emit(self.quad(node.clone(), predicate, object));
                add(rdf::TYPE, cg::CONTRADICTION.into())?;
                add(cg::PROPOSITION_PROP, proposition.clone().into())?;
                add(cg::AFFIRMATION, a.clone().into())?;
                add(cg::DENIAL, d.clone().into())?;
                add(
                    cg::QUALIFIED,
                    Literal::from(affirmation.qualified || denial.qualified).into(),
                )?;
                for source in affirmation.sources.iter().chain(&denial.sources) {
                    add(prov::WAS_DERIVED_FROM, source.clone())?;
                }
                for key in &keys {
                    for content_a in &affirmation.contents {
                        for content_d in &denial.contents {
                            let reason = format!(
                                "both contents normalize to the proposition {key}: \"{content_a}\" and \"{content_d}\""
                            );
                            add(cg::REASON, Literal::new_simple_literal(reason).into())?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether some speaker of one side differs from some speaker of the other, the two not
    /// affiliated either way.
    fn opposed(&self, speakers_a: &HashSet<Term>, speakers_d: &HashSet<Term>) -> Result<bool> {
        for a in speakers_a {
            for d in speakers_d {
                if a != d && !self.affiliated(a, d)? && !self.affiliated(d, a)? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    fn affiliated(&self, member: &Term, group: &Term) -> Result<bool> {
        let Term::NamedNode(member) = member else {
            return Ok(false);
        };
        Ok(self
            .store
            .quads_for_pattern(
                Some(member.as_ref().into()),
                Some(cg::AFFILIATION),
                Some(group.as_ref()),
                None,
            )
            .next()
            .transpose()?
            .is_some())
    }

    /// A corroboration when more than one speaker affirms the proposition, supported by every
    /// affirming statement.
    fn corroboration(
        &self,
        proposition: &NamedNode,
        statements: &[Statement],
        emit: &mut impl FnMut(Quad) -> Result<()>,
    ) -> Result<()> {
        let affirming = || statements.iter().filter(|s| s.positive);
        let speakers: HashSet<&Term> = affirming().flat_map(|s| &s.speakers).collect();
        if speakers.len() < 2 {
            return Ok(());
        }
        let node = self.hashed_iri("corroboration", proposition.as_str());
        let mut add = |predicate: NamedNodeRef<'_>, object: Term| emit(self.quad(node.clone(), predicate, object));
        add(rdf::TYPE, cg::CORROBORATION.into())?;
        add(cg::PROPOSITION_PROP, proposition.clone().into())?;
        add(
            cg::SOURCE_COUNT,
            Literal::new_typed_literal(speakers.len().to_string(), xsd::INTEGER).into(),
        )?;
        for statement in affirming() {
            add(cg::SUPPORTED_BY, statement.node.clone().into())?;
        }
        Ok(())
    }

    /// The `skos:prefLabel`s the ontology graph gives `term`.
    fn ontology_labels(&mut self, term: &NamedNode) -> Result<&[String]> {
        if !self.ontology_labels.contains_key(term) {
            let labels = self.labels(term.as_ref(), cg::ONTOLOGY)?;
            self.ontology_labels.insert(term.clone(), labels);
        }
        Ok(&self.ontology_labels[term])
    }

    /// The preferred labels of entities, from the derived graph.
    fn derived_labels(&self, entities: &HashSet<Term>) -> Result<BTreeSet<String>> {
        let mut labels = BTreeSet::new();
        for entity in entities {
            if let Term::NamedNode(entity) = entity {
                labels.extend(self.labels(entity.as_ref(), self.derived.as_ref())?);
            }
        }
        Ok(labels)
    }

    fn labels(&self, term: NamedNodeRef<'_>, graph: NamedNodeRef<'_>) -> Result<Vec<String>> {
        let mut labels = Vec::new();
        for quad in self
            .store
            .quads_for_pattern(Some(term.into()), Some(skos::PREF_LABEL), None, Some(graph.into()))
        {
            if let Term::Literal(label) = quad?.object {
                labels.push(label.value().to_owned());
            }
        }
        Ok(labels)
    }

    /// `{base}{kind}/` and the first 16 hex digits of the SHA-256 of `seed`: the same pair of
    /// statements, or proposition, always gets the same IRI.
    fn hashed_iri(&self, kind: &str, seed: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{kind}/{}", self.base, crate::rdf::short_hash(&[seed])))
    }

    fn quad(&self, subject: NamedNode, predicate: NamedNodeRef<'_>, object: impl Into<Term>) -> Quad {
        Quad::new(subject, predicate, object, self.derived.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use oxigraph::model::{NamedNode, Quad};

    use crate::store::Store;
    use crate::vocab::skos::PREF_LABEL;

    /// The SPARQL definitions of what [`super::Propositions`] derives, for stores without
    /// claimgraph (`queries/derive/`).
    const UPDATES: [&str; 3] = [
        include_str!("../../queries/derive/summaries.ru"),
        include_str!("../../queries/derive/contradictions.ru"),
        include_str!("../../queries/derive/corroborations.ru"),
    ];
    const PREFERRED_LABELS: &str = include_str!("../../queries/derive/preferred-labels.ru");

    fn is_preferred_label(quad: &Quad) -> bool {
        quad.predicate == PREF_LABEL
    }

    fn is_not_preferred_label(quad: &Quad) -> bool {
        !is_preferred_label(quad)
    }

    /// The quads of the derived graph that `part` selects as `Store::derive` gave them, and as
    /// `updates` give them once those are removed.
    fn ours_and_by_sparql(
        store: &Store,
        part: fn(&Quad) -> bool,
        updates: &[&str],
    ) -> (BTreeSet<String>, BTreeSet<String>) {
        let derived = store.mapper().derived_graph();
        let quads = || -> Vec<Quad> {
            store
                .oxigraph()
                .quads_for_pattern(None, None, None, Some(derived.as_ref().into()))
                .map(Result::unwrap)
                .filter(part)
                .collect()
        };
        let ours = quads();
        for quad in &ours {
            store.oxigraph().remove(quad).unwrap();
        }
        assert!(quads().is_empty());
        for update in updates {
            store.oxigraph().update(*update).unwrap();
        }
        let text = |quads: Vec<Quad>| quads.iter().map(Quad::to_string).collect();
        (text(ours), text(quads()))
    }

    /// Loads Turtle into one named graph, as a document's.
    fn load_into_graph(store: &Store, turtle: &str, graph: &str) {
        let graph = NamedNode::new(graph).unwrap();
        let quads: Vec<Quad> = oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::Turtle)
            .for_slice(turtle.as_bytes())
            .map(|q| {
                let q = q.unwrap();
                Quad::new(q.subject, q.predicate, q.object, graph.clone())
            })
            .collect();
        store.bulk_load(quads).unwrap();
    }

    /// A store in memory and one on disk: they hand quads over in different orders, which the
    /// preferred labels' counting depends on.
    fn both_stores(test: impl Fn(&Store)) {
        test(&Store::memory(crate::rdf::DEFAULT_BASE).unwrap());
        let dir = tempfile::tempdir().unwrap();
        test(&Store::open(&dir.path().join("kg"), crate::rdf::DEFAULT_BASE).unwrap());
    }

    #[test]
    fn best_labels_store_a_label_once_for_many_entities_and_give_each_entity_once() {
        let [ann, bob] = ["ann", "bob"].map(|name| NamedNode::new_unchecked(format!("http://example.org/{name}")));
        let mut best = crate::store::BestLabels::default();
        best.offer(&ann, "Lee", 1);
        best.offer(&bob, "Lee", 2);
        best.offer(&ann, "Ann Lee", 1); // the same count: the longer wins
        best.offer(&bob, "Bob Lee", 1); // fewer documents: loses
        assert_eq!(best.labels, "LeeAnn Lee");
        assert!(!best.take(&ann, "Lee"));
        assert!(best.take(&ann, "Ann Lee"));
        assert!(!best.take(&ann, "Ann Lee"), "an entity's label is given once");
        assert!(!best.take(&bob, "Bob Lee"));
        assert!(best.take(&bob, "Lee"));
    }

    #[test]
    fn preferred_labels_are_what_the_sparql_definition_gives_on_the_bundled_corpus() {
        both_stores(|store| {
            let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
            crate::build::build(store, &[corpus.into()], &crate::build::BuildOptions::default(), |_| {}).unwrap();
            let (ours, expected) = ours_and_by_sparql(store, is_preferred_label, &[PREFERRED_LABELS]);
            assert!(expected.len() > 50, "{expected:#?}");
            assert_eq!(ours, expected);
        });
    }

    /// Counts across documents, both tie rules, and what is not an entity.
    #[test]
    fn preferred_labels_are_what_the_sparql_definition_gives_on_edge_cases() {
        both_stores(|store| {
            let documents = [
                // two documents say "Bob Smith", one "Smith": the count wins over the length
                r#"e:bob rdfs:label "Smith" ; skos:altLabel "Smith" .
                   e:ann rdfs:label "Ann" ; skos:altLabel "Ann" .
                   e:zoe rdfs:label "Zoë" ; skos:altLabel "Zoë" .
                   e:p1 rdfs:label "a proposition has no names" ."#,
                r#"e:bob rdfs:label "Bob Smith" ; skos:altLabel "Bob Smith", "Smith" .
                   e:ann rdfs:label "Ann Lee" ; skos:altLabel "Ann" .
                   e:zoe rdfs:label "Zoe" ; skos:altLabel "Zoe" ."#,
                // ann: one document each for "Ann" and "Ann Lee", so the longer; zoe: "Zoe" and "Zoë"
                // are as long and as frequent, so the first in Unicode order
                r#"e:bob rdfs:label "Bob Smith" ; skos:altLabel "Bob" .
                   e:carl rdfs:label "Carl" .
                   e:dan rdfs:label "Dan" ; skos:altLabel "Dan" ; rdfs:label "Daniel" ."#,
            ];
            for (i, turtle) in documents.iter().enumerate() {
                let turtle = format!(
                    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
                     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
                     @prefix e: <http://example.org/kg/> .\n{turtle}"
                );
                load_into_graph(store, &turtle, &format!("http://example.org/kg/graph/doc{i}"));
            }
            store.derive().unwrap();
            let (ours, expected) = ours_and_by_sparql(store, is_preferred_label, &[PREFERRED_LABELS]);
            let label = |entity: &str| {
                let prefix = format!("<http://example.org/kg/{entity}> ");
                expected
                    .iter()
                    .filter(|q| q.starts_with(&prefix))
                    .map(|q| q.split('"').nth(1).unwrap().to_owned())
                    .collect::<Vec<_>>()
            };
            assert_eq!(label("bob"), ["Bob Smith"], "{expected:#?}");
            assert_eq!(label("ann"), ["Ann Lee"], "{expected:#?}");
            assert_eq!(label("zoe"), ["Zoe"], "{expected:#?}");
            assert_eq!(label("dan"), ["Daniel"], "{expected:#?}");
            assert!(label("carl").is_empty() && label("p1").is_empty(), "{expected:#?}");
            assert_eq!(ours, expected);
        });
    }

    #[test]
    fn scans_give_what_the_sparql_definitions_give_on_the_bundled_corpus() {
        let store = Store::memory(crate::rdf::DEFAULT_BASE).unwrap();
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        crate::build::build(&store, &[corpus.into()], &crate::build::BuildOptions::default(), |_| {}).unwrap();
        let (ours, expected) = ours_and_by_sparql(&store, is_not_preferred_label, &UPDATES);
        let count = |kind: &str| expected.iter().filter(|q| q.contains(kind)).count();
        let counts = [count("#Contradiction>"), count("#Corroboration>"), count(" → ")];
        assert!(counts[0] > 10 && counts[1] > 0 && counts[2] > 10, "{counts:?}");
        assert_eq!(ours, expected);
    }

    /// Hand-made statements: every condition of a contradiction and a corroboration, with
    /// near-misses.
    #[test]
    fn scans_give_what_the_sparql_definitions_give_on_edge_cases() {
        let store = Store::memory(crate::rdf::DEFAULT_BASE).unwrap();
        let turtle = r#"
            @prefix cg: <https://w3id.org/claimgraph/ns#> .
            @prefix prov: <http://www.w3.org/ns/prov#> .
            @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
            @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
            @prefix e: <http://example.org/kg/> .
            e:p1 a cg:Proposition ; cg:key "p1" ; cg:eventClass cg:event-send ; cg:agent e:alice ; cg:theme cg:theme-response ; cg:recipient e:nobody .
            e:p2 a cg:Proposition ; cg:key "p2" ; cg:eventClass cg:event-publish .
            e:p3 cg:key "p3" .
            # p1: alice (qualified) and erin affirm; bob, alice and dave (alice's group) deny
            e:a1 cg:proposition e:p1 ; cg:polarity "positive" ; cg:speaker e:alice ; prov:wasDerivedFrom e:s1 ; cg:content "it happened" ; cg:qualifier "reportedly" .
            e:a2 cg:proposition e:p1 ; cg:polarity "positive" ; cg:speaker e:erin ; prov:wasDerivedFrom e:s2, e:s3 ; cg:content "it did happen" .
            e:d1 cg:proposition e:p1 ; cg:polarity "negative" ; cg:speaker e:bob ; prov:wasDerivedFrom e:s4 ; cg:content "it did not happen" .
            e:d2 cg:proposition e:p1 ; cg:polarity "negative" ; cg:speaker e:alice ; prov:wasDerivedFrom e:s5 ; cg:content "no" .
            e:d3 cg:proposition e:p1 ; cg:polarity "negative" ; cg:speaker e:dave ; prov:wasDerivedFrom e:s6 ; cg:content "never" .
            e:dave cg:affiliation e:alice .
            e:alice rdfs:label "Alice" ; skos:altLabel "Alice" .
            e:erin rdfs:label "Erin" ; skos:altLabel "Erin" .
            # no source: not in a contradiction
            e:d4 cg:proposition e:p1 ; cg:polarity "negative" ; cg:speaker e:frank ; cg:content "nope" .
            # p2: one speaker twice is no corroboration
            e:a3 cg:proposition e:p2 ; cg:polarity "positive" ; cg:speaker e:bob .
            e:a4 cg:proposition e:p2 ; cg:polarity "positive" ; cg:speaker e:bob .
            # p3 is not typed a proposition: no contradiction, but corroborated
            e:a5 cg:proposition e:p3 ; cg:polarity "positive" ; cg:speaker e:bob ; prov:wasDerivedFrom e:s7 ; cg:content "x" .
            e:a6 cg:proposition e:p3 ; cg:polarity "positive" ; cg:speaker e:carol ; prov:wasDerivedFrom e:s8 ; cg:content "x" .
            e:d5 cg:proposition e:p3 ; cg:polarity "negative" ; cg:speaker e:erin ; prov:wasDerivedFrom e:s9 ; cg:content "not x" .
        "#;
        load_into_graph(&store, turtle, "http://example.org/kg/graph/doc");
        store.derive().unwrap();
        let (ours, expected) = ours_and_by_sparql(&store, is_not_preferred_label, &UPDATES);
        let count = |kind: &str| expected.iter().filter(|q| q.contains(kind)).count();
        // a1 (alice) × d1 (bob); a2 (erin) × d1, d2 (alice), d3 (dave); not alice × alice, nor
        // alice × dave (her group), nor d4 (no source), nor p3 (not typed a proposition)
        assert_eq!(count("#Contradiction>"), 4, "{expected:#?}");
        assert_eq!(count("#Corroboration>"), 2, "{expected:#?}");
        assert!(
            expected.iter().any(|q| q.contains("\"Alice → send → response\"")),
            "{expected:#?}"
        );
        assert_eq!(ours, expected);
    }
}
