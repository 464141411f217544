//! RDF stage: maps one document's [`Analysis`] to quads in the document's own named graph.
//!
//! Every node gets an IRI derived from content (a hash of its identifying parts, or an entity's
//! canonical key), so separate runs, shards and machines agree without coordination, and no
//! blank node is ever written.

use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

use crate::extract::{Attribution, Event, PropositionKey};
use crate::pipeline::Analysis;
use crate::time::{Precision, TimeValue};
use crate::vocab::{cg, nif, prov, rdf, rdfs, schema, skos, xsd};

/// The base IRI of data when the user sets none.
pub const DEFAULT_BASE: &str = "https://w3id.org/claimgraph/id/";

/// The kinds of node minted under the base IRI, each in its own path segment.
const NODE_KINDS: &[&str] = &[
    "attribution",
    "contradiction",
    "corroboration",
    "doc",
    "entity",
    "event",
    "graph",
    "proposition",
    "relation",
];

/// The first 16 hex digits of the SHA-256 of `parts`, joined by a separator no text contains.
pub fn short_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hasher.update([0x1f]);
        }
        hasher.update(part.as_bytes());
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(16);
    for b in &hasher.finalize()[..8] {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    hex
}

/// Mints claimgraph's IRIs under a base IRI and maps analyses to quads.
#[derive(Debug, Clone)]
pub struct Mapper {
    base: String,
}

impl Default for Mapper {
    fn default() -> Self {
        Self::new(DEFAULT_BASE)
    }
}

impl Mapper {
    /// A mapper minting IRIs under `base` (which should end with `/` or `#`).
    pub fn new(base: &str) -> Self {
        Self { base: base.to_owned() }
    }

    /// The base IRI.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Prefixes for the kinds of node minted under the base (`entity:`, `proposition:`, …), then `id:`
    /// for the rest: exports and tables read better with them.
    pub fn prefixes(&self) -> Vec<(String, String)> {
        let mut prefixes: Vec<(String, String)> = NODE_KINDS
            .iter()
            .map(|kind| ((*kind).to_owned(), format!("{}{kind}/", self.base)))
            .collect();
        prefixes.push(("id".to_owned(), self.base.clone()));
        prefixes
    }

    /// Every prefix claimgraph writes: the vocabularies' and [`Mapper::prefixes`].
    pub fn all_prefixes(&self) -> Vec<(String, String)> {
        let vocabularies = crate::vocab::PREFIXES
            .iter()
            .map(|(p, iri)| ((*p).to_owned(), (*iri).to_owned()));
        vocabularies.chain(self.prefixes()).collect()
    }

    /// A serializer for `format` that declares [`Mapper::all_prefixes`] (a base that is not a
    /// valid IRI prefix is left out, and its IRIs are written in full).
    pub fn serializer(&self, format: oxigraph::io::RdfFormat) -> oxigraph::io::RdfSerializer {
        let mut serializer = oxigraph::io::RdfSerializer::from_format(format);
        for (prefix, iri) in self.all_prefixes() {
            if let Ok(with_prefix) = serializer.clone().with_prefix(prefix, iri) {
                serializer = with_prefix;
            }
        }
        serializer
    }

    fn iri(&self, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.base))
    }

    /// The named graph that holds everything read from the document `doc_id`.
    pub fn document_graph(&self, doc_id: &str) -> NamedNode {
        self.iri(&format!("graph/{doc_id}"))
    }

    /// The named graph of what is computed across documents (labels, contradictions, corroborations).
    pub fn derived_graph(&self) -> NamedNode {
        self.iri("graph/derived")
    }

    /// The document node.
    pub fn document(&self, doc_id: &str) -> NamedNode {
        self.iri(&format!("doc/{doc_id}"))
    }

    /// An entity, from its canonical key.
    pub fn entity(&self, key: &str) -> NamedNode {
        self.iri(&format!("entity/{key}"))
    }

    /// A proposition, from its canonical key.
    pub fn proposition(&self, canonical_key: &str) -> NamedNode {
        self.iri(&format!("proposition/{}", short_hash(&[canonical_key])))
    }

    /// Every quad read from one document, sorted, all in [`Mapper::document_graph`].
    pub fn document_quads(&self, analysis: &Analysis) -> Vec<Quad> {
        let doc = &analysis.document;
        let mut out = Quads {
            graph: self.document_graph(&doc.id).into(),
            quads: Vec::new(),
        };
        let offsets = CharOffsets::new(&doc.text);
        let doc_node = self.document(&doc.id);

        out.add(&doc_node, rdf::TYPE, schema::NEWS_ARTICLE);
        out.add(&doc_node, rdf::TYPE, nif::CONTEXT);
        out.add(&doc_node, cg::DOCUMENT_ID, Literal::new_simple_literal(&doc.id));
        out.add(&doc_node, cg::FILE, Literal::new_simple_literal(&doc.file));
        out.add(&doc_node, cg::SOURCE_PATH, Literal::new_simple_literal(&doc.source));
        out.add(&doc_node, nif::IS_STRING, Literal::new_simple_literal(&doc.text));
        if let Some(title) = &doc.title {
            out.add(&doc_node, schema::HEADLINE, Literal::new_simple_literal(title));
        }
        if let Some(url) = &doc.url {
            out.add(&doc_node, schema::URL, Literal::new_simple_literal(url));
        }
        if let Some(date) = &doc.date {
            out.add(
                &doc_node,
                schema::DATE_PUBLISHED,
                Literal::new_typed_literal(date, xsd::DATE),
            );
        }
        if let Some(outlet) = &doc.outlet {
            let key = crate::resolve::canonical_key(outlet, crate::mention::EntityKind::Outlet);
            let node = self.entity(&key);
            out.add(&doc_node, schema::PUBLISHER, &node);
            out.add(&node, rdf::TYPE, schema::NEWS_MEDIA_ORGANIZATION);
            out.add(&node, rdfs::LABEL, Literal::new_simple_literal(outlet));
            out.add(&node, skos::ALT_LABEL, Literal::new_simple_literal(outlet));
        }
        if let Some(place) = &doc.dateline {
            let key = crate::resolve::canonical_key(place, crate::mention::EntityKind::City);
            let node = self.entity(&key);
            out.add(&doc_node, schema::LOCATION_CREATED, &node);
            // typed as the text's own mentions of the city are, so the entity has one type
            let is_city = matches!(
                crate::mention::gazetteer().lookup(place),
                Some(crate::mention::Place::City(_))
            );
            out.add(&node, rdf::TYPE, if is_city { schema::CITY } else { schema::PLACE });
            out.add(&node, rdfs::LABEL, Literal::new_simple_literal(place));
            out.add(&node, skos::ALT_LABEL, Literal::new_simple_literal(place));
        }

        let sentence_nodes: Vec<NamedNode> = (0..analysis.sentences.len())
            .map(|i| self.iri(&format!("doc/{}/sentence/{i}", doc.id)))
            .collect();
        for (i, sentence) in analysis.sentences.iter().enumerate() {
            let node = &sentence_nodes[i];
            out.add(node, rdf::TYPE, nif::SENTENCE);
            out.add(node, nif::REFERENCE_CONTEXT, &doc_node);
            out.add(node, cg::SENTENCE_INDEX, integer(i));
            out.span(node, &offsets, sentence.start, sentence.end);
            out.add(
                node,
                nif::ANCHOR_OF,
                Literal::new_simple_literal(sentence.text(&doc.text)),
            );
        }

        let entity_nodes: Vec<NamedNode> = analysis
            .resolution
            .entities
            .iter()
            .map(|entity| self.entity(&entity.key))
            .collect();
        for (entity, node) in analysis.resolution.entities.iter().zip(&entity_nodes) {
            out.add(
                node,
                rdf::TYPE,
                NamedNode::new_unchecked(format!("{}{}", schema::NS, entity.kind.schema_class())),
            );
            if entity.kind == crate::mention::EntityKind::Group {
                out.add(node, rdf::TYPE, cg::GROUP);
            }
            out.add(node, rdfs::LABEL, Literal::new_simple_literal(&entity.label));
            out.add(node, skos::ALT_LABEL, Literal::new_simple_literal(&entity.label));
            for alias in &entity.aliases {
                out.add(node, skos::ALT_LABEL, Literal::new_simple_literal(alias));
            }
            for role in &entity.roles {
                out.add(node, cg::ROLE, Literal::new_simple_literal(role));
            }
            if let Some(affiliation) = &entity.affiliation {
                out.add(node, cg::AFFILIATION, self.entity(affiliation));
            }
            if let Some(code) = &entity.country_code {
                out.add(node, cg::COUNTRY_CODE, Literal::new_simple_literal(code));
            }
            if let Some(id) = entity.geonames_id {
                out.add(node, cg::GEONAMES_ID, Literal::new_simple_literal(id.to_string()));
            }
            for merge in &entity.merges {
                let start = offsets.char(merge.start);
                let merge_node = self.iri(&format!("doc/{}/merge/{}/{start}", doc.id, entity.key));
                out.add(&merge_node, rdf::TYPE, cg::MERGE);
                out.add(&merge_node, cg::ALIAS, Literal::new_simple_literal(&merge.alias));
                out.add(&merge_node, cg::RULE, Literal::new_simple_literal(merge.rule));
                out.add(&merge_node, cg::MERGED_INTO, node);
                out.add(&merge_node, nif::REFERENCE_CONTEXT, &doc_node);
                out.span(&merge_node, &offsets, merge.start, merge.end);
                if let Some(sentence) = sentence_nodes.get(merge.sentence) {
                    out.add(&merge_node, prov::WAS_DERIVED_FROM, sentence);
                }
            }
        }

        for (mention, &entity) in analysis.mentions.iter().zip(&analysis.resolution.mention_entity) {
            let span = (mention.sentence, mention.start, mention.end);
            self.mention(
                &mut out,
                analysis,
                span,
                mention.rule,
                entity_nodes.get(entity),
                &sentence_nodes,
                &offsets,
            );
        }

        for work in &analysis.works {
            self.work(&mut out, analysis, work, &entity_nodes, &sentence_nodes, &offsets);
        }

        let mut attribution_nodes = Vec::new();
        for attribution in &analysis.extraction.attributions {
            if let Some(node) = self.attribution(
                &mut out,
                analysis,
                attribution,
                &entity_nodes,
                &sentence_nodes,
                &offsets,
            ) {
                attribution_nodes.push((&attribution.evidence, node));
            }
        }
        for event in &analysis.extraction.events {
            self.event(&mut out, analysis, event, &entity_nodes, &sentence_nodes, &offsets);
        }
        self.relations(
            &mut out,
            analysis,
            &entity_nodes,
            &sentence_nodes,
            &attribution_nodes,
            &offsets,
        );

        // Sorted by their N-Quads text, equal texts in insertion order (as sort_by_cached_key
        // does), then deduplicated.
        let mut keys: Vec<(String, usize)> = out
            .quads
            .iter()
            .enumerate()
            .map(|(index, quad)| {
                let mut key = String::new();
                push_quad(&mut key, quad);
                (key, index)
            })
            .collect();
        keys.sort_unstable();
        let mut slots: Vec<Option<Quad>> = out.quads.into_iter().map(Some).collect();
        let mut quads: Vec<Quad> = keys.iter().filter_map(|(_, index)| slots[*index].take()).collect();
        quads.dedup();
        quads
    }

    /// A written document the article mentions, its mentions, and how they were tied to it.
    fn work(
        &self,
        out: &mut Quads,
        analysis: &Analysis,
        work: &crate::works::Work,
        entity_nodes: &[NamedNode],
        sentence_nodes: &[NamedNode],
        offsets: &CharOffsets,
    ) {
        let node = self.iri(&format!("doc/{}/work/{}", analysis.document.id, work.key));
        out.add(&node, rdf::TYPE, schema::CREATIVE_WORK);
        out.add(&node, rdfs::LABEL, Literal::new_simple_literal(&work.label));
        out.add(&node, skos::ALT_LABEL, Literal::new_simple_literal(&work.label));
        out.add(
            &node,
            cg::DOCUMENT_KIND,
            NamedNode::new_unchecked(format!("{}{}", cg::NS, work.kind)),
        );
        if let Some(creator) = work.creator.and_then(|e| entity_nodes.get(e)) {
            out.add(&node, schema::CREATOR, creator);
        }
        for mention in &work.mentions {
            out.add(&node, skos::ALT_LABEL, Literal::new_simple_literal(&mention.name));
            let span = (mention.sentence, mention.start, mention.end);
            self.mention(out, analysis, span, mention.rule, Some(&node), sentence_nodes, offsets);
        }
    }

    /// A `cg:Mention`: the text at `(sentence, start, end)` (byte offsets), the rule that found
    /// it and what it denotes.
    #[allow(clippy::too_many_arguments)]
    fn mention(
        &self,
        out: &mut Quads,
        analysis: &Analysis,
        (sentence, start, end): (usize, usize, usize),
        rule: &str,
        denotes: Option<&NamedNode>,
        sentence_nodes: &[NamedNode],
        offsets: &CharOffsets,
    ) {
        let doc = &analysis.document;
        let node = self.iri(&format!(
            "doc/{}/mention/{}-{}",
            doc.id,
            offsets.char(start),
            offsets.char(end)
        ));
        out.add(&node, rdf::TYPE, cg::MENTION);
        out.add(&node, nif::REFERENCE_CONTEXT, self.document(&doc.id));
        out.span(&node, offsets, start, end);
        out.add(
            &node,
            nif::ANCHOR_OF,
            Literal::new_simple_literal(&doc.text[start..end]),
        );
        out.add(&node, cg::RULE, Literal::new_simple_literal(rule));
        if let Some(denotes) = denotes {
            out.add(&node, cg::DENOTES, denotes);
        }
        if let Some(sentence) = sentence_nodes.get(sentence) {
            out.add(&node, prov::WAS_DERIVED_FROM, sentence);
        }
    }

    fn attribution(
        &self,
        out: &mut Quads,
        analysis: &Analysis,
        attribution: &Attribution,
        entities: &[NamedNode],
        sentences: &[NamedNode],
        offsets: &CharOffsets,
    ) -> Option<NamedNode> {
        let doc = &analysis.document;
        let evidence = &attribution.evidence;
        let speaker = entities.get(attribution.speaker)?;
        let node = self.iri(&format!(
            "attribution/{}",
            short_hash(&[
                &doc.id,
                &evidence.start.to_string(),
                &evidence.end.to_string(),
                speaker.as_str(),
                attribution.stance.as_str(),
                attribution.polarity.as_str(),
            ])
        ));
        out.add(&node, rdf::TYPE, cg::ATTRIBUTION);
        out.add(&node, cg::SPEAKER, speaker);
        out.add(
            &node,
            cg::SPEAKER_TEXT,
            Literal::new_simple_literal(&attribution.speaker_text),
        );
        if let Some(rule) = attribution.speaker_rule {
            out.add(&node, cg::SPEAKER_RESOLUTION, Literal::new_simple_literal(rule));
        }
        out.add(&node, cg::CUE, Literal::new_simple_literal(&attribution.cue));
        out.add(
            &node,
            cg::STANCE_PROP,
            NamedNode::new_unchecked(format!("{}{}", cg::NS, attribution.stance.local_name())),
        );
        out.add(
            &node,
            cg::POLARITY,
            Literal::new_simple_literal(attribution.polarity.as_str()),
        );
        out.add(&node, cg::CONTENT, Literal::new_simple_literal(&attribution.content));
        if let Some(quote) = &attribution.quote {
            out.add(&node, cg::QUOTE, Literal::new_simple_literal(quote));
        }
        if let Some(via) = attribution.via.and_then(|i| entities.get(i)) {
            out.add(&node, cg::VIA, via);
        }
        if let Some(modality) = &attribution.modality {
            out.add(&node, cg::MODALITY, Literal::new_simple_literal(modality));
        }
        if let Some(tense) = attribution.tense {
            out.add(&node, cg::TENSE, Literal::new_simple_literal(tense));
        }
        if let Some(qualifier) = &attribution.qualifier {
            out.add(&node, cg::QUALIFIER, Literal::new_simple_literal(qualifier));
        }
        if let Some(date) = &attribution.date {
            out.date(&node, date);
        }
        out.evidence(
            &node,
            &self.document(&doc.id),
            sentences.get(evidence.sentence),
            offsets,
            evidence,
        );

        let proposition = match &attribution.proposition {
            Some(key) => self.normalized_proposition(out, key),
            None => {
                // an unnormalized content is its own proposition, so the direct triple still exists
                let folded = fold_content(&attribution.content);
                let proposition = self.proposition(&format!("content|{folded}"));
                out.add(&proposition, rdf::TYPE, cg::PROPOSITION);
                out.add(
                    &proposition,
                    rdfs::LABEL,
                    Literal::new_simple_literal(&attribution.content),
                );
                proposition
            }
        };
        out.add(&node, cg::PROPOSITION_PROP, &proposition);
        let property = NamedNode::new_unchecked(format!("{}{}", cg::NS, attribution.stance.property_local()));
        out.add(speaker, &property, &proposition);
        Some(node)
    }

    /// The open-IE triples of every sentence, with their arguments linked to the entities they
    /// name and, inside reported speech, to the attribution they belong to.
    fn relations(
        &self,
        out: &mut Quads,
        analysis: &Analysis,
        entities: &[NamedNode],
        sentences: &[NamedNode],
        attributions: &[(&crate::extract::Evidence, NamedNode)],
        offsets: &CharOffsets,
    ) {
        let doc = &analysis.document;
        let text = doc.text.as_str();
        let doc_node = self.document(&doc.id);
        for (index, (sentence, relations)) in analysis.sentences.iter().zip(&analysis.relations).enumerate() {
            let tokens = &sentence.tokens;
            if relations.is_empty() {
                continue;
            }
            // the entity a word names: the mention of this sentence covering it
            let mentions: Vec<(&crate::mention::Mention, usize)> = analysis
                .mentions
                .iter()
                .zip(analysis.resolution.mention_entity.iter().copied())
                .filter(|(m, _)| m.sentence == index)
                .collect();
            let entity_of = |word: usize| {
                let token = &tokens[word];
                mentions
                    .iter()
                    .find(|(m, _)| m.start <= token.start && token.end <= m.end)
                    .and_then(|&(_, e)| entities.get(e))
            };
            let spans: Vec<(usize, usize)> = relations.iter().map(|r| relation_span(tokens, r)).collect();
            let nodes: Vec<NamedNode> = relations
                .iter()
                .zip(&spans)
                .map(|(r, (start, end))| {
                    self.iri(&format!(
                        "relation/{}",
                        short_hash(&[
                            &doc.id,
                            &start.to_string(),
                            &end.to_string(),
                            &r.head.to_string(),
                            r.rule
                        ])
                    ))
                })
                .collect();
            for ((r, node), &(start, end)) in relations.iter().zip(&nodes).zip(&spans) {
                if !r.in_graph() {
                    continue;
                }
                out.add(node, rdf::TYPE, cg::RELATION);
                let subject = crate::oie::words_text(text, tokens, &r.subject);
                out.add(node, cg::SUBJECT_TEXT, Literal::new_simple_literal(&subject));
                if let Some(entity) = entity_of(r.subject_head) {
                    out.add(node, cg::SUBJECT_ENTITY, entity);
                }
                let predicate = crate::oie::predicate_text(text, tokens, r);
                out.add(node, cg::PREDICATE_TEXT, Literal::new_simple_literal(&predicate));
                out.add(node, cg::PREDICATE_LEMMA, Literal::new_simple_literal(&r.lemma));
                let polarity = if r.negated { "negative" } else { "positive" };
                out.add(node, cg::POLARITY, Literal::new_simple_literal(polarity));
                for (i, argument) in r.arguments.iter().enumerate() {
                    let words = crate::oie::words_text(text, tokens, &argument.words);
                    if i == 0 {
                        out.add(node, cg::OBJECT_TEXT, Literal::new_simple_literal(&words));
                        if let Some(entity) = entity_of(argument.head) {
                            out.add(node, cg::OBJECT_ENTITY, entity);
                        }
                    } else {
                        out.add(node, cg::ADJUNCT_TEXT, Literal::new_simple_literal(&words));
                    }
                }
                if let Some(j) = r.attributed_to
                    && relations[j].in_graph()
                {
                    let reporting = &nodes[j];
                    out.add(node, cg::REPORTING_RELATION, reporting);
                    let head = &tokens[r.head];
                    if let Some((_, attribution)) = attributions
                        .iter()
                        .find(|(e, _)| e.sentence == index && e.start <= head.start && head.end <= e.end)
                    {
                        out.add(node, cg::ATTRIBUTION_PROP, attribution);
                    }
                }
                out.add(node, prov::WAS_DERIVED_FROM, &sentences[index]);
                out.add(node, nif::REFERENCE_CONTEXT, &doc_node);
                out.span(node, offsets, start, end);
                out.add(node, cg::RULE, Literal::new_simple_literal(r.rule));
                out.add(
                    node,
                    cg::CONFIDENCE,
                    Literal::new_typed_literal(format!("{:.2}", r.confidence), xsd::DECIMAL),
                );
            }
        }
    }

    fn normalized_proposition(&self, out: &mut Quads, key: &PropositionKey) -> NamedNode {
        let canonical = key.canonical();
        let node = self.proposition(&canonical);
        out.add(&node, rdf::TYPE, cg::PROPOSITION);
        out.add(&node, cg::KEY, Literal::new_simple_literal(&canonical));
        // the summary label is computed across documents (store::derive), from preferred labels
        out.add(
            &node,
            cg::EVENT_CLASS,
            NamedNode::new_unchecked(format!("{}{}", cg::NS, key.event_class)),
        );
        if let Some(agent) = &key.agent {
            out.add(&node, cg::AGENT, self.entity(agent));
        }
        if let Some(theme) = &key.theme {
            out.add(&node, cg::THEME, NamedNode::new_unchecked(format!("{}{theme}", cg::NS)));
        }
        // the recipient is a property of the proposition only when it is part of its key
        if let (None, Some(recipient)) = (&key.agent, &key.recipient) {
            out.add(&node, cg::RECIPIENT, self.entity(recipient));
        }
        node
    }

    fn event(
        &self,
        out: &mut Quads,
        analysis: &Analysis,
        event: &Event,
        entities: &[NamedNode],
        sentences: &[NamedNode],
        offsets: &CharOffsets,
    ) {
        let doc = &analysis.document;
        let evidence = &event.evidence;
        let Some(agent) = entities.get(event.agent) else { return };
        let node = self.iri(&format!(
            "event/{}",
            short_hash(&[
                &doc.id,
                &evidence.start.to_string(),
                &evidence.end.to_string(),
                agent.as_str(),
                &event.action
            ])
        ));
        out.add(&node, rdf::TYPE, cg::EVENT);
        out.add(&node, cg::AGENT, agent);
        out.add(&node, cg::ACTION, Literal::new_simple_literal(&event.action));
        if let Some(class) = &event.event_class {
            out.add(
                &node,
                cg::EVENT_CLASS,
                NamedNode::new_unchecked(format!("{}{class}", cg::NS)),
            );
        }
        if let Some(object) = &event.object {
            out.add(&node, cg::OBJECT, Literal::new_simple_literal(object));
        }
        if let Some(recipient) = event.recipient.and_then(|i| entities.get(i)) {
            out.add(&node, cg::RECIPIENT, recipient);
        }
        if let Some(place) = &event.place {
            out.add(&node, schema::LOCATION_CREATED, Literal::new_simple_literal(place));
        }
        out.add(
            &node,
            cg::POLARITY,
            Literal::new_simple_literal(event.polarity.as_str()),
        );
        if let Some(date) = &event.date {
            out.date(&node, date);
        }
        out.evidence(
            &node,
            &self.document(&doc.id),
            sentences.get(evidence.sentence),
            offsets,
            evidence,
        );
    }
}

/// The byte span of a relation's words in the document.
fn relation_span(tokens: &[crate::text::Token], relation: &crate::oie::Relation) -> (usize, usize) {
    let words = relation
        .subject
        .iter()
        .chain(&relation.predicate)
        .chain(relation.arguments.iter().flat_map(|a| &a.words));
    let (first, last) = words.fold((usize::MAX, 0), |(lo, hi), &w| (lo.min(w), hi.max(w)));
    let first = first.min(relation.head);
    let last = last.max(relation.head);
    (tokens[first].start, tokens[last].end)
}

/// Folds a content so that the same words typed differently make the same proposition.
fn fold_content(content: &str) -> String {
    let folded: String = content.chars().map(crate::text::fold_char).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn integer(value: usize) -> Literal {
    Literal::new_typed_literal(value.to_string(), xsd::INTEGER)
}

/// Appends `quad` as oxrdf's `Display` writes it (an N-Quads line without " .\n"), without the
/// formatting machinery: every quad is written twice, to sort and to serialize.
pub fn push_quad(out: &mut String, quad: &Quad) {
    // room for the usual terms, so that building a line rarely reallocates
    let object_len = match &quad.object {
        Term::Literal(literal) => literal.value().len() + 64,
        _ => 128,
    };
    out.reserve(320 + object_len);
    match &quad.subject {
        NamedOrBlankNode::NamedNode(node) => push_iri(out, node.as_str()),
        other => {
            let _ = write!(out, "{other}");
        }
    }
    out.push(' ');
    push_iri(out, quad.predicate.as_str());
    out.push(' ');
    match &quad.object {
        Term::NamedNode(node) => push_iri(out, node.as_str()),
        Term::Literal(literal) if literal.language().is_none() => {
            push_quoted(out, literal.value());
            if literal.datatype() != oxigraph::model::vocab::xsd::STRING {
                out.push_str("^^");
                push_iri(out, literal.datatype().as_str());
            }
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
    match &quad.graph_name {
        GraphName::DefaultGraph => {}
        GraphName::NamedNode(node) => {
            out.push(' ');
            push_iri(out, node.as_str());
        }
        other => {
            let _ = write!(out, " {other}");
        }
    }
}

fn push_iri(out: &mut String, iri: &str) {
    out.push('<');
    out.push_str(iri);
    out.push('>');
}

/// A string literal's lexical form quoted and escaped as oxrdf's `print_quoted_str` does.
fn push_quoted(out: &mut String, value: &str) {
    out.push('"');
    let bytes = value.as_bytes();
    // most values need no escape: check all bytes at once (no early exit, so it vectorizes)
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7F || b == 0xEF;
    if !bytes.iter().fold(false, |any, &b| any | needs_escape(b)) {
        out.push_str(value);
        out.push('"');
        return;
    }
    let mut copied = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = match byte {
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0C => "\\f",
            b'\r' => "\\r",
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x00..=0x1F | 0x7F => "",
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => "",
            _ => continue,
        };
        out.push_str(&value[copied..i]);
        if escape.is_empty() {
            let c = value[i..].chars().next().unwrap_or_default();
            let _ = write!(out, "\\u{:04X}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        copied = i + value[i..].chars().next().map_or(1, char::len_utf8);
    }
    out.push_str(&value[copied..]);
    out.push('"');
}

/// A growing list of quads in one graph.
struct Quads {
    graph: GraphName,
    quads: Vec<Quad>,
}

impl Quads {
    fn add<'a>(&mut self, subject: &NamedNode, predicate: impl Into<NamedNodeRef<'a>>, object: impl Object) {
        self.quads.push(Quad::new(
            subject.clone(),
            predicate.into().into_owned(),
            object.term(),
            self.graph.clone(),
        ));
    }

    fn span(&mut self, node: &NamedNode, offsets: &CharOffsets, start: usize, end: usize) {
        self.add(node, nif::BEGIN_INDEX, integer(offsets.char(start)));
        self.add(node, nif::END_INDEX, integer(offsets.char(end)));
    }

    fn date(&mut self, node: &NamedNode, date: &TimeValue) {
        if let Some(value) = &date.value {
            let datatype = match date.precision {
                Precision::Day => xsd::DATE,
                Precision::Month => xsd::G_YEAR_MONTH,
            };
            self.add(node, cg::DATE, Literal::new_typed_literal(value, datatype));
        }
        self.add(node, cg::DATE_TEXT, Literal::new_simple_literal(&date.text));
        if let Some(anchor) = &date.anchor {
            self.add(node, cg::DATE_ANCHOR, Literal::new_typed_literal(anchor, xsd::DATE));
        }
    }

    fn evidence(
        &mut self,
        node: &NamedNode,
        doc: &NamedNode,
        sentence: Option<&NamedNode>,
        offsets: &CharOffsets,
        evidence: &crate::extract::Evidence,
    ) {
        if let Some(sentence) = sentence {
            self.add(node, prov::WAS_DERIVED_FROM, sentence);
        }
        self.add(node, nif::REFERENCE_CONTEXT, doc);
        self.span(node, offsets, evidence.start, evidence.end);
        self.add(node, cg::RULE, Literal::new_simple_literal(evidence.rule));
        self.add(
            node,
            cg::CONFIDENCE,
            Literal::new_typed_literal(format!("{:.2}", evidence.confidence), xsd::DECIMAL),
        );
    }
}

/// What can be the object of a quad: nodes (owned, borrowed or constant) and literals.
trait Object {
    fn term(self) -> Term;
}

impl Object for &NamedNode {
    fn term(self) -> Term {
        self.clone().into()
    }
}

impl Object for NamedNode {
    fn term(self) -> Term {
        self.into()
    }
}

impl Object for NamedNodeRef<'_> {
    fn term(self) -> Term {
        self.into_owned().into()
    }
}

impl Object for Literal {
    fn term(self) -> Term {
        self.into()
    }
}

/// Converts byte offsets of a text to character (Unicode scalar) offsets, as NIF counts them.
struct CharOffsets {
    by_byte: Vec<u32>,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let mut by_byte = vec![0u32; text.len() + 1];
        let mut chars = 0u32;
        for (byte, c) in text.char_indices() {
            for slot in &mut by_byte[byte..byte + c.len_utf8()] {
                *slot = chars;
            }
            chars += 1;
        }
        by_byte[text.len()] = chars;
        Self { by_byte }
    }

    fn char(&self, byte: usize) -> usize {
        self.by_byte[byte.min(self.by_byte.len() - 1)] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_hash_is_stable_and_separates_parts() {
        assert_eq!(short_hash(&["a", "bc"]), short_hash(&["a", "bc"]));
        assert_ne!(short_hash(&["a", "bc"]), short_hash(&["ab", "c"]));
        assert_eq!(short_hash(&["x"]).len(), 16);
    }

    #[test]
    fn push_quad_writes_what_display_does() {
        let node = NamedNode::new_unchecked("https://example.org/a");
        let graph: GraphName = NamedNode::new_unchecked("https://example.org/g").into();
        let objects: Vec<Term> = vec![
            node.clone().into(),
            Literal::new_simple_literal("plain \"q\" \\ \t\n\r\u{8}\u{c}\u{1}\u{7f}\u{fffe}\u{ffff} é’").into(),
            Literal::new_typed_literal("3", xsd::INTEGER).into(),
            Literal::new_typed_literal("s", oxigraph::model::vocab::xsd::STRING).into(),
            Literal::new_language_tagged_literal("hello", "en").unwrap().into(),
        ];
        for object in objects {
            for graph in [graph.clone(), GraphName::DefaultGraph] {
                let quad = Quad::new(node.clone(), rdf::TYPE, object.clone(), graph);
                let mut written = String::new();
                push_quad(&mut written, &quad);
                assert_eq!(written, quad.to_string());
            }
        }
    }

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let offsets = CharOffsets::new("a’b");
        assert_eq!(offsets.char(0), 0);
        assert_eq!(offsets.char(1), 1);
        assert_eq!(offsets.char(4), 2);
        assert_eq!(offsets.char(5), 3);
    }
}
