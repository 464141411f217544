//! Vocabulary: the IRIs claimgraph writes, as constants. `cg` terms are declared in `ontology/claimgraph.ttl`
//! (a test checks each one), the others come from the W3C and schema.org vocabularies they name.

use oxigraph::model::NamedNodeRef;

/// The ontology itself: `ontology/claimgraph.ttl`, embedded.
pub const ONTOLOGY_TTL: &str = include_str!("../ontology/claimgraph.ttl");
/// The lexicons that normalize claims: `ontology/lexicon.ttl`, embedded.
pub const LEXICON_TTL: &str = include_str!("../ontology/lexicon.ttl");

macro_rules! terms {
    ($ns:literal; $($(#[$doc:meta])* $name:ident = $local:literal;)*) => {
        $($(#[$doc])* pub const $name: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(concat!($ns, $local));)*
        /// Every term of this namespace, for the test that each is declared.
        #[cfg(test)]
        pub const ALL: &[NamedNodeRef<'static>] = &[$($name),*];
    };
}

/// claimgraph's own terms.
pub mod cg {
    use super::NamedNodeRef;
    /// The namespace.
    pub const NS: &str = "https://w3id.org/claimgraph/ns#";
    /// The ontology's IRI, also the name of the graph it is loaded into.
    pub const ONTOLOGY: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("https://w3id.org/claimgraph/ns");
    terms! { "https://w3id.org/claimgraph/ns#";
        /// `cg:Accuse`
        ACCUSE = "Accuse";
        /// `cg:Acknowledge`
        ACKNOWLEDGE = "Acknowledge";
        /// `cg:Allege`
        ALLEGE = "Allege";
        /// `cg:Announce`
        ANNOUNCE = "Announce";
        /// `cg:Assert`
        ASSERT = "Assert";
        /// `cg:Attribution`
        ATTRIBUTION = "Attribution";
        /// `cg:Confirm`
        CONFIRM = "Confirm";
        /// `cg:Contradiction`
        CONTRADICTION = "Contradiction";
        /// `cg:Corroboration`
        CORROBORATION = "Corroboration";
        /// `cg:Criticize`
        CRITICIZE = "Criticize";
        /// `cg:Deny`
        DENY = "Deny";
        /// `cg:Event`
        EVENT = "Event";
        /// `cg:Group`
        GROUP = "Group";
        /// `cg:Mention`
        MENTION = "Mention";
        /// `cg:Merge`
        MERGE = "Merge";
        /// `cg:Promise`
        PROMISE = "Promise";
        /// `cg:Proposition`
        PROPOSITION = "Proposition";
        /// `cg:Reject`
        REJECT = "Reject";
        /// `cg:Relation`
        RELATION = "Relation";
        /// `cg:Report`
        REPORT = "Report";
        /// `cg:Stance`
        STANCE = "Stance";
        /// `cg:Warn`
        WARN = "Warn";
        /// `cg:accuses`
        ACCUSES = "accuses";
        /// `cg:acknowledges`
        ACKNOWLEDGES = "acknowledges";
        /// `cg:action`
        ACTION = "action";
        /// `cg:affiliation`
        AFFILIATION = "affiliation";
        /// `cg:affirmation`
        AFFIRMATION = "affirmation";
        /// `cg:agent`
        AGENT = "agent";
        /// `cg:alias`
        ALIAS = "alias";
        /// `cg:alleges`
        ALLEGES = "alleges";
        /// `cg:announces`
        ANNOUNCES = "announces";
        /// `cg:asserts`
        ASSERTS = "asserts";
        /// `cg:confidence`
        CONFIDENCE = "confidence";
        /// `cg:confirms`
        CONFIRMS = "confirms";
        /// `cg:content`
        CONTENT = "content";
        /// `cg:converseLabel`
        CONVERSE_LABEL = "converseLabel";
        /// `cg:countryCode`
        COUNTRY_CODE = "countryCode";
        /// `cg:criticizes`
        CRITICIZES = "criticizes";
        /// `cg:cue`
        CUE = "cue";
        /// `cg:date`
        DATE = "date";
        /// `cg:dateAnchor`
        DATE_ANCHOR = "dateAnchor";
        /// `cg:dateText`
        DATE_TEXT = "dateText";
        /// `cg:denial`
        DENIAL = "denial";
        /// `cg:denies`
        DENIES = "denies";
        /// `cg:denotes`
        DENOTES = "denotes";
        /// `cg:documentId`
        DOCUMENT_ID = "documentId";
        /// `cg:documentKind`
        DOCUMENT_KIND = "documentKind";
        /// `cg:eventClass`
        EVENT_CLASS = "eventClass";
        /// `cg:file`
        FILE = "file";
        /// `cg:geonamesId`
        GEONAMES_ID = "geonamesId";
        /// `cg:key`
        KEY = "key";
        /// `cg:mergedInto`
        MERGED_INTO = "mergedInto";
        /// `cg:modality`
        MODALITY = "modality";
        /// `cg:nominalization`
        NOMINALIZATION = "nominalization";
        /// `cg:object`
        OBJECT = "object";
        /// `cg:adjunctText`
        ADJUNCT_TEXT = "adjunctText";
        /// `cg:attribution`
        ATTRIBUTION_PROP = "attribution";
        /// `cg:reportingRelation`
        REPORTING_RELATION = "reportingRelation";
        /// `cg:objectEntity`
        OBJECT_ENTITY = "objectEntity";
        /// `cg:objectText`
        OBJECT_TEXT = "objectText";
        /// `cg:polarity`
        POLARITY = "polarity";
        /// `cg:predicateText`
        PREDICATE_TEXT = "predicateText";
        /// `cg:predicateLemma`
        PREDICATE_LEMMA = "predicateLemma";
        /// `cg:promises`
        PROMISES = "promises";
        /// `cg:proposition` (the property; the class is [`PROPOSITION`])
        PROPOSITION_PROP = "proposition";
        /// `cg:qualified`
        QUALIFIED = "qualified";
        /// `cg:qualifier`
        QUALIFIER = "qualifier";
        /// `cg:quote`
        QUOTE = "quote";
        /// `cg:reason`
        REASON = "reason";
        /// `cg:recipient`
        RECIPIENT = "recipient";
        /// `cg:rejects`
        REJECTS = "rejects";
        /// `cg:reports`
        REPORTS = "reports";
        /// `cg:role`
        ROLE = "role";
        /// `cg:rule`
        RULE = "rule";
        /// `cg:sentenceIndex`
        SENTENCE_INDEX = "sentenceIndex";
        /// `cg:sourceCount`
        SOURCE_COUNT = "sourceCount";
        /// `cg:sourcePath`
        SOURCE_PATH = "sourcePath";
        /// `cg:speaker`
        SPEAKER = "speaker";
        /// `cg:speakerText`
        SPEAKER_TEXT = "speakerText";
        /// `cg:speakerResolution`
        SPEAKER_RESOLUTION = "speakerResolution";
        /// `cg:stance` (the property; the class is [`STANCE`])
        STANCE_PROP = "stance";
        /// `cg:stanceProperty`
        STANCE_PROPERTY = "stanceProperty";
        /// `cg:states`
        STATES = "states";
        /// `cg:subjectEntity`
        SUBJECT_ENTITY = "subjectEntity";
        /// `cg:subjectText`
        SUBJECT_TEXT = "subjectText";
        /// `cg:supportedBy`
        SUPPORTED_BY = "supportedBy";
        /// `cg:tense`
        TENSE = "tense";
        /// `cg:theme`
        THEME = "theme";
        /// `cg:via`
        VIA = "via";
        /// `cg:warns`
        WARNS = "warns";
    }
}

/// Terms of the `rdf:` vocabulary that claimgraph uses.
pub mod rdf {
    use super::NamedNodeRef;
    /// The namespace.
    pub const NS: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    /// `rdf:type`
    pub const TYPE: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
}

/// Terms of the `rdfs:` vocabulary that claimgraph uses.
pub mod rdfs {
    use super::NamedNodeRef;
    /// The namespace.
    pub const NS: &str = "http://www.w3.org/2000/01/rdf-schema#";
    /// `rdfs:label`
    pub const LABEL: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://www.w3.org/2000/01/rdf-schema#label");
    /// `rdfs:comment`
    pub const COMMENT: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2000/01/rdf-schema#comment");
}

/// Terms of the `xsd:` vocabulary that claimgraph uses.
pub mod xsd {
    use super::NamedNodeRef;
    /// The namespace.
    pub const NS: &str = "http://www.w3.org/2001/XMLSchema#";
    /// `xsd:date`
    pub const DATE: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://www.w3.org/2001/XMLSchema#date");
    /// `xsd:gYearMonth`
    pub const G_YEAR_MONTH: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2001/XMLSchema#gYearMonth");
    /// `xsd:boolean`
    pub const BOOLEAN: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://www.w3.org/2001/XMLSchema#boolean");
    /// `xsd:integer`
    pub const INTEGER: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://www.w3.org/2001/XMLSchema#integer");
    /// `xsd:decimal`
    pub const DECIMAL: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://www.w3.org/2001/XMLSchema#decimal");
}

/// Terms of the `prov:` vocabulary that claimgraph uses.
pub mod prov {
    use super::NamedNodeRef;
    /// The namespace.
    pub const NS: &str = "http://www.w3.org/ns/prov#";
    /// `prov:wasDerivedFrom`
    pub const WAS_DERIVED_FROM: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/prov#wasDerivedFrom");
    /// `prov:wasAttributedTo`
    pub const WAS_ATTRIBUTED_TO: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/ns/prov#wasAttributedTo");
    /// `prov:Entity`
    pub const ENTITY: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://www.w3.org/ns/prov#Entity");
    /// `prov:Activity`
    pub const ACTIVITY: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://www.w3.org/ns/prov#Activity");
}

/// Terms of the `schema:` vocabulary that claimgraph uses.
pub mod schema {
    use super::NamedNodeRef;
    /// The namespace.
    pub const NS: &str = "http://schema.org/";
    /// `schema:NewsArticle`
    pub const NEWS_ARTICLE: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/NewsArticle");
    /// `schema:Person`
    pub const PERSON: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/Person");
    /// `schema:Organization`
    pub const ORGANIZATION: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/Organization");
    /// `schema:Country`
    pub const COUNTRY: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/Country");
    /// `schema:City`
    pub const CITY: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/City");
    /// `schema:Place`
    pub const PLACE: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/Place");
    /// `schema:NewsMediaOrganization`
    pub const NEWS_MEDIA_ORGANIZATION: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://schema.org/NewsMediaOrganization");
    /// `schema:publisher`
    pub const PUBLISHER: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/publisher");
    /// `schema:datePublished`
    pub const DATE_PUBLISHED: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/datePublished");
    /// `schema:headline`
    pub const HEADLINE: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/headline");
    /// `schema:url`
    pub const URL: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/url");
    /// `schema:locationCreated`
    pub const LOCATION_CREATED: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://schema.org/locationCreated");
    /// `schema:CreativeWork`
    pub const CREATIVE_WORK: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/CreativeWork");
    /// `schema:creator`
    pub const CREATOR: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/creator");
    /// `schema:name`
    pub const NAME: NamedNodeRef<'static> = NamedNodeRef::new_unchecked("http://schema.org/name");
}

/// Terms of the `nif:` vocabulary that claimgraph uses.
pub mod nif {
    use super::NamedNodeRef;
    /// The namespace.
    pub const NS: &str = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#";
    /// `nif:Context`
    pub const CONTEXT: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#Context");
    /// `nif:Sentence`
    pub const SENTENCE: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#Sentence");
    /// `nif:beginIndex`
    pub const BEGIN_INDEX: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex");
    /// `nif:endIndex`
    pub const END_INDEX: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#endIndex");
    /// `nif:anchorOf`
    pub const ANCHOR_OF: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf");
    /// `nif:referenceContext`
    pub const REFERENCE_CONTEXT: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#referenceContext");
    /// `nif:isString`
    pub const IS_STRING: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString");
}

/// Terms of the `skos:` vocabulary that claimgraph uses.
pub mod skos {
    use super::NamedNodeRef;
    /// The namespace.
    pub const NS: &str = "http://www.w3.org/2004/02/skos/core#";
    /// `skos:prefLabel`
    pub const PREF_LABEL: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#prefLabel");
    /// `skos:altLabel`
    pub const ALT_LABEL: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#altLabel");
    /// `skos:Concept`
    pub const CONCEPT: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#Concept");
    /// `skos:inScheme`
    pub const IN_SCHEME: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2004/02/skos/core#inScheme");
}

/// The prefixes that exports and queries use, ontology's first.
pub const PREFIXES: &[(&str, &str)] = &[
    ("cg", cg::NS),
    ("rdf", rdf::NS),
    ("rdfs", rdfs::NS),
    ("xsd", xsd::NS),
    ("prov", prov::NS),
    ("schema", schema::NS),
    ("nif", nif::NS),
    ("skos", skos::NS),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cg_term_is_declared_in_the_ontology() {
        use oxigraph::io::{RdfFormat, RdfParser};
        use oxigraph::model::NamedOrBlankNode;
        let declared: Vec<String> = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(ONTOLOGY_TTL.as_bytes())
            .map(|quad| quad.expect("ontology/claimgraph.ttl parses"))
            .filter(|quad| quad.predicate == rdf::TYPE)
            .filter_map(|quad| match quad.subject {
                NamedOrBlankNode::NamedNode(node) => Some(node.into_string()),
                NamedOrBlankNode::BlankNode(_) => None,
            })
            .collect();
        assert!(
            declared.iter().any(|d| d == cg::ONTOLOGY.as_str()),
            "the ontology declares itself"
        );
        for term in cg::ALL {
            assert!(
                declared.iter().any(|d| d == term.as_str()),
                "{term} is used in code but not declared in ontology/claimgraph.ttl"
            );
        }
    }

    #[test]
    fn the_lexicon_parses() {
        use oxigraph::io::{RdfFormat, RdfParser};
        let quads = RdfParser::from_format(RdfFormat::Turtle)
            .for_slice(LEXICON_TTL.as_bytes())
            .count();
        assert!(quads > 50);
    }
}
