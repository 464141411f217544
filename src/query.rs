//! Query stage: the bundled SPARQL queries and the formats results are written in.

use std::io::Write;

use oxigraph::io::RdfFormat;
use oxigraph::model::Term;
use oxigraph::sparql::QueryResults;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

use crate::vocab;
use crate::{Error, Result};

/// A SPARQL query shipped with claimgraph (`queries/NAME.rq`).
#[derive(Debug, Clone, Copy)]
pub struct BundledQuery {
    /// The name it is called by (`claimgraph query NAME`).
    pub name: &'static str,
    /// The SPARQL text, comments included.
    pub text: &'static str,
}

impl BundledQuery {
    /// The `# title:` line.
    pub fn title(&self) -> &'static str {
        self.header("title").unwrap_or(self.name)
    }

    /// The `# description:` line: what the query answers.
    pub fn description(&self) -> &'static str {
        self.header("description").unwrap_or("")
    }

    fn header(&self, key: &str) -> Option<&'static str> {
        self.text
            .lines()
            .take_while(|line| line.starts_with('#'))
            .find_map(|line| line.trim_start_matches('#').trim().strip_prefix(key)?.strip_prefix(':'))
            .map(str::trim)
    }
}

macro_rules! bundled {
    ($($name:literal),* $(,)?) => {
        &[$(BundledQuery { name: $name, text: include_str!(concat!("../queries/", $name, ".rq")) }),*]
    };
}

/// Every bundled query, by name.
pub const BUNDLED: &[BundledQuery] = bundled![
    "attributions",
    "contradictions",
    "corroborations",
    "disputes",
    "documents",
    "entities",
    "events",
    "outlets",
    "provenance",
    "relations",
    "timeline",
    "who-said-what-about",
];

/// The bundled query called `name`.
pub fn bundled(name: &str) -> Result<&'static BundledQuery> {
    BUNDLED
        .iter()
        .find(|q| q.name == name)
        .ok_or_else(|| Error::UnknownQuery(name.to_owned()))
}

/// How query results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultsFormat {
    /// Aligned columns for a terminal, IRIs shortened with the known prefixes.
    Table,
    /// SPARQL 1.1 Query Results CSV.
    Csv,
    /// SPARQL 1.1 Query Results TSV.
    Tsv,
    /// SPARQL 1.1 Query Results JSON.
    Json,
    /// SPARQL Query Results XML.
    Xml,
}

/// Writes query results: solutions in `format`, CONSTRUCT/DESCRIBE graphs as Turtle, booleans
/// as `true`/`false` (or in the results format when one is asked for). `base` is the data's base
/// IRI, shortened to `id:` in tables and Turtle.
pub fn write_results(results: QueryResults<'_>, format: ResultsFormat, base: &str, mut out: impl Write) -> Result<()> {
    let sparql_format = match format {
        ResultsFormat::Table => None,
        ResultsFormat::Csv => Some(QueryResultsFormat::Csv),
        ResultsFormat::Tsv => Some(QueryResultsFormat::Tsv),
        ResultsFormat::Json => Some(QueryResultsFormat::Json),
        ResultsFormat::Xml => Some(QueryResultsFormat::Xml),
    };
    match results {
        QueryResults::Solutions(solutions) => match sparql_format {
            Some(sparql_format) => {
                let mut serializer = QueryResultsSerializer::from_format(sparql_format)
                    .serialize_solutions_to_writer(&mut out, solutions.variables().to_vec())?;
                for solution in solutions {
                    serializer.serialize(&solution?)?;
                }
                serializer.finish()?;
            }
            None => {
                let variables: Vec<String> = solutions.variables().iter().map(|v| v.as_str().to_owned()).collect();
                let mut rows = Vec::new();
                for solution in solutions {
                    let solution = solution?;
                    rows.push(
                        solution
                            .values()
                            .iter()
                            .map(|value| value.as_ref().map_or_else(String::new, |t| short_term(t, base)))
                            .collect::<Vec<_>>(),
                    );
                }
                write_table(&variables, &rows, &mut out)?;
            }
        },
        QueryResults::Boolean(value) => match sparql_format {
            Some(sparql_format) => {
                QueryResultsSerializer::from_format(sparql_format).serialize_boolean_to_writer(&mut out, value)?;
            }
            None => writeln!(out, "{value}")?,
        },
        QueryResults::Graph(triples) => {
            let serializer = crate::rdf::Mapper::new(base).serializer(RdfFormat::Turtle);
            let mut triples: Vec<_> = triples.collect::<Result<_, _>>()?;
            triples.sort_by_cached_key(|t| t.to_string());
            triples.dedup();
            let mut serializer = serializer.for_writer(&mut out);
            for triple in &triples {
                serializer.serialize_triple(triple)?;
            }
            serializer.finish()?;
        }
    }
    Ok(())
}

/// A term as a person reads it: IRIs with a known prefix shortened, literals as their value.
pub fn short_term(term: &Term, base: &str) -> String {
    match term {
        Term::NamedNode(node) => shorten_iri(node.as_str(), base),
        Term::Literal(literal) => literal.value().to_owned(),
        other => other.to_string(),
    }
}

/// `https://…/ns#Deny` → `cg:Deny`; the data base IRI becomes `id:`.
pub fn shorten_iri(iri: &str, base: &str) -> String {
    if let Some(local) = iri.strip_prefix(base) {
        // entity/dmitry-peskov → entity:dmitry-peskov when the rest has no further segment
        if let Some((kind, rest)) = local.split_once('/')
            && !rest.contains('/')
            && !rest.contains('#')
        {
            return format!("{kind}:{rest}");
        }
        return format!("id:{local}");
    }
    for (prefix, namespace) in vocab::PREFIXES {
        if let Some(local) = iri.strip_prefix(namespace) {
            return format!("{prefix}:{local}");
        }
    }
    format!("<{iri}>")
}

const MAX_CELL: usize = 60;

fn write_table(variables: &[String], rows: &[Vec<String>], out: &mut impl Write) -> std::io::Result<()> {
    let cell = |value: &str| -> String {
        let flat: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.chars().count() > MAX_CELL {
            let cut: String = flat.chars().take(MAX_CELL - 1).collect();
            format!("{cut}…")
        } else {
            flat
        }
    };
    let cells: Vec<Vec<String>> = rows.iter().map(|row| row.iter().map(|v| cell(v)).collect()).collect();
    let mut widths: Vec<usize> = variables.iter().map(|v| v.chars().count()).collect();
    for row in &cells {
        for (width, value) in widths.iter_mut().zip(row) {
            *width = (*width).max(value.chars().count());
        }
    }
    let line = |out: &mut dyn Write, values: &[String]| -> std::io::Result<()> {
        let padded: Vec<String> = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v}{}", " ".repeat(w - v.chars().count())))
            .collect();
        writeln!(out, "{}", padded.join("  ").trim_end())
    };
    line(out, variables)?;
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    writeln!(out, "{}", rule.join("  "))?;
    for row in &cells {
        line(out, row)?;
    }
    writeln!(out, "({} row{})", rows.len(), if rows.len() == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_query_parses_and_has_a_description() {
        for query in BUNDLED {
            assert!(!query.description().is_empty(), "{} has no # description:", query.name);
            assert_ne!(query.title(), query.name, "{} has no # title:", query.name);
            let parsed = oxigraph::sparql::SparqlEvaluator::new().parse_query(query.text);
            assert!(
                parsed.is_ok(),
                "queries/{}.rq does not parse: {:?}",
                query.name,
                parsed.err()
            );
        }
    }

    #[test]
    fn contract_queries_bind_the_variables_the_evaluation_reads() {
        let contract: &[(&str, &[&str])] = &[
            ("entities", &["entity", "label", "type", "alias"]),
            (
                "attributions",
                &[
                    "file",
                    "sentence",
                    "speaker",
                    "speakerLabel",
                    "stance",
                    "polarity",
                    "content",
                    "attribution",
                    "cue",
                    "speakerText",
                    "proposition",
                    "via",
                    "date",
                ],
            ),
            (
                "events",
                &[
                    "file",
                    "sentence",
                    "agent",
                    "agentLabel",
                    "date",
                    "event",
                    "action",
                    "object",
                    "recipient",
                ],
            ),
            (
                "contradictions",
                &[
                    "affirmer",
                    "affirmerLabel",
                    "denier",
                    "denierLabel",
                    "proposition",
                    "summary",
                    "affirmFile",
                    "affirmSentence",
                    "denyFile",
                    "denySentence",
                ],
            ),
            ("provenance", &["item", "file", "sentence", "begin", "end", "rule"]),
            ("timeline", &["date", "who", "whoLabel", "what", "file", "sentence"]),
            ("disputes", &["summary", "affirmedBy", "deniedBy", "qualified"]),
            (
                "corroborations",
                &["proposition", "summary", "sources", "speaker", "speakerLabel"],
            ),
        ];
        let store = oxigraph::store::Store::new().unwrap();
        for (name, variables) in contract {
            let query = bundled(name).unwrap();
            let results = oxigraph::sparql::SparqlEvaluator::new()
                .parse_query(query.text)
                .unwrap()
                .on_store(&store)
                .execute()
                .unwrap();
            let QueryResults::Solutions(solutions) = results else {
                panic!("{name} is not a SELECT")
            };
            let projected: Vec<&str> = solutions.variables().iter().map(|v| v.as_str()).collect();
            for variable in *variables {
                assert!(projected.contains(variable), "{name} does not project ?{variable}");
            }
        }
    }

    #[test]
    fn iris_are_shortened_with_known_prefixes() {
        assert_eq!(
            shorten_iri("https://w3id.org/claimgraph/ns#Deny", "http://x/"),
            "cg:Deny"
        );
        assert_eq!(shorten_iri("http://x/entity/a", "http://x/"), "entity:a");
        assert_eq!(
            shorten_iri("http://x/doc/a/sentence/1", "http://x/"),
            "id:doc/a/sentence/1"
        );
        assert_eq!(shorten_iri("http://other/a", "http://x/"), "<http://other/a>");
    }
}
