//! Explain: the sentences, spans, documents and rules behind a node of the graph.

use std::fmt::Write as _;

use oxigraph::model::{NamedNode, Term};

use crate::query::shorten_iri;
use crate::store::Store;
use crate::vocab::cg;
use crate::{Error, Result};

/// Expands `id:…`, `cg:…` and the other known prefixes to a full IRI; `<…>` and full IRIs are kept.
pub fn expand_iri(text: &str, base: &str) -> String {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        return inner.to_owned();
    }
    for (prefix, namespace) in crate::rdf::Mapper::new(base).all_prefixes() {
        if let Some(local) = text.strip_prefix(prefix.as_str()).and_then(|t| t.strip_prefix(':'))
            && !local.starts_with("//")
        {
            return format!("{namespace}{local}");
        }
    }
    text.to_owned()
}

/// A report, for a person, of what the store says about `iri` and the evidence behind it.
pub fn explain(store: &Store, iri: &str) -> Result<String> {
    let base = store.mapper().base().to_owned();
    let iri = expand_iri(iri, &base);
    let node = NamedNode::new(&iri).map_err(|e| Error::Store {
        path: store.path().map(|p| p.to_owned()).unwrap_or_default(),
        reason: format!("'{iri}' is not an IRI: {e}"),
    })?;
    if !store.knows(node.as_ref())? {
        return Err(Error::Store {
            path: store.path().map(|p| p.to_owned()).unwrap_or_default(),
            reason: format!("nothing is known about <{iri}>"),
        });
    }
    let mut out = String::new();
    let short = |iri: &str| shorten_iri(iri, &base);
    writeln!(out, "{}", short(&iri)).ok();
    describe(store, &iri, "  ", &base, &mut out)?;

    let types = store.rows(&format!("SELECT DISTINCT ?t WHERE {{ <{iri}> a ?t }}"))?;
    let has_type = |t: &str| types.iter().any(|row| row[0] == t);

    if has_type(cg::CONTRADICTION.as_str()) {
        for (role, property) in [("affirmation", "cg:affirmation"), ("denial", "cg:denial")] {
            for row in store.rows(&format!("SELECT DISTINCT ?a WHERE {{ <{iri}> {property} ?a }}"))? {
                writeln!(out, "\n{role}: {}", short(&row[0])).ok();
                describe(store, &row[0], "  ", &base, &mut out)?;
                evidence(store, &row[0], "  ", &mut out)?;
            }
        }
    } else if has_type(cg::PROPOSITION.as_str()) {
        let rows = store.rows(&format!(
            "SELECT DISTINCT ?a ?speaker ?stance ?polarity ?content WHERE {{ ?a cg:proposition <{iri}> ; \
             cg:speaker ?s ; cg:stance ?stance ; cg:polarity ?polarity ; cg:content ?content . \
             ?s skos:prefLabel ?speaker }} ORDER BY ?speaker ?a"
        ))?;
        writeln!(out, "\nstated in {} attribution(s):", rows.len()).ok();
        for row in rows {
            writeln!(
                out,
                "  {} — {} ({}, {}): {}",
                short(&row[0]),
                row[1],
                short(&row[2]),
                row[3],
                row[4]
            )
            .ok();
            evidence(store, &row[0], "    ", &mut out)?;
        }
    } else if has_type(cg::ATTRIBUTION.as_str()) || has_type(cg::EVENT.as_str()) || has_type(cg::MENTION.as_str()) {
        evidence(store, &iri, "  ", &mut out)?;
    } else {
        // an entity: where it is mentioned and why its names were merged
        let merges = store.rows(&format!(
            "SELECT DISTINCT ?alias ?rule ?file ?sentence WHERE {{ ?m cg:mergedInto <{iri}> ; cg:alias ?alias ; \
             cg:rule ?rule ; prov:wasDerivedFrom ?s . ?s nif:anchorOf ?sentence ; nif:referenceContext ?d . \
             ?d cg:file ?file }} ORDER BY ?alias ?file"
        ))?;
        if !merges.is_empty() {
            writeln!(out, "\nnames merged into it:").ok();
            for row in merges {
                writeln!(out, "  \"{}\" by {} in {}: {}", row[0], row[1], row[2], row[3]).ok();
            }
        }
        // across documents nothing is merged: each article names the entity, and equal keys meet
        let labels = store.rows(&format!(
            "SELECT DISTINCT ?label ?file WHERE {{ GRAPH ?g {{ <{iri}> rdfs:label ?label . ?d cg:file ?file }} }} \
             ORDER BY ?label ?file"
        ))?;
        if labels
            .iter()
            .map(|row| &row[0])
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            > 1
        {
            let key = iri.rsplit('/').next().unwrap_or(&iri);
            writeln!(
                out,
                "\none entity across documents: each name below folds to the key `{key}` (case, \
                 punctuation, transliteration variants and abbreviations folded by resolve/canonical-key):"
            )
            .ok();
            for row in &labels {
                writeln!(out, "  \"{}\" in {}", row[0], row[1]).ok();
            }
        }
        let mentions = store.rows(&format!(
            "SELECT DISTINCT ?file ?begin ?end ?anchor ?rule ?sentence WHERE {{ ?m cg:denotes <{iri}> ; \
             nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?anchor ; cg:rule ?rule ; \
             prov:wasDerivedFrom ?s . ?s nif:anchorOf ?sentence ; nif:referenceContext ?d . ?d cg:file ?file }} \
             ORDER BY ?file ?begin"
        ))?;
        if !mentions.is_empty() {
            writeln!(out, "\nmentioned {} time(s):", mentions.len()).ok();
            for row in mentions {
                writeln!(
                    out,
                    "  {} chars {}–{} \"{}\" ({}): {}",
                    row[0], row[1], row[2], row[3], row[4], row[5]
                )
                .ok();
            }
        }
    }
    Ok(out)
}

/// Writes every property of `iri` (in any graph), one per line.
fn describe(store: &Store, iri: &str, indent: &str, base: &str, out: &mut String) -> Result<()> {
    let rows =
        store
            .oxigraph()
            .quads_for_pattern(Some(NamedNode::new_unchecked(iri).as_ref().into()), None, None, None);
    let mut lines: Vec<String> = Vec::new();
    for quad in rows {
        let quad = quad?;
        let value = match &quad.object {
            Term::NamedNode(n) => shorten_iri(n.as_str(), base),
            Term::Literal(l) if l.value().chars().count() > 300 => {
                format!("\"{}…\"", l.value().chars().take(300).collect::<String>())
            }
            Term::Literal(l) => format!("\"{}\"", l.value()),
            other => other.to_string(),
        };
        lines.push(format!(
            "{indent}{} {value}",
            shorten_iri(quad.predicate.as_str(), base)
        ));
    }
    lines.sort();
    lines.dedup();
    for line in lines {
        writeln!(out, "{line}").ok();
    }
    Ok(())
}

/// Writes the sentence, document, span and rule an item was derived from.
fn evidence(store: &Store, iri: &str, indent: &str, out: &mut String) -> Result<()> {
    let rows = store.rows(&format!(
        "SELECT DISTINCT ?file ?index ?begin ?end ?rule ?confidence ?sentence WHERE {{ <{iri}> prov:wasDerivedFrom ?s ; \
         nif:beginIndex ?begin ; nif:endIndex ?end . OPTIONAL {{ <{iri}> cg:rule ?rule }} \
         OPTIONAL {{ <{iri}> cg:confidence ?confidence }} \
         ?s nif:anchorOf ?sentence ; cg:sentenceIndex ?index ; nif:referenceContext ?d . ?d cg:file ?file }}"
    ))?;
    for row in rows {
        writeln!(
            out,
            "{indent}evidence: {} sentence {} chars {}–{}, rule {} (confidence {})\n{indent}  \"{}\"",
            row[0], row[1], row[2], row[3], row[4], row[5], row[6]
        )
        .ok();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_prefixed_names() {
        assert_eq!(expand_iri("id:entity/x", "http://b/"), "http://b/entity/x");
        assert_eq!(expand_iri("entity:x", "http://b/"), "http://b/entity/x");
        assert_eq!(
            expand_iri("cg:Deny", "http://b/"),
            "https://w3id.org/claimgraph/ns#Deny"
        );
        assert_eq!(expand_iri("<http://e/x>", "http://b/"), "http://e/x");
        assert_eq!(expand_iri("http://e/x", "http://b/"), "http://e/x");
    }
}
