# Gives each entity (what has names, skos:altLabel, in a document graph) one skos:prefLabel: the
# rdfs:label most documents give it; ties go to the longest, then to the first in Unicode order.
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH <https://w3id.org/claimgraph/id/graph/derived> { ?e skos:prefLabel ?label . } }
WHERE {
  {
    SELECT ?e (MIN(?l) AS ?label) WHERE {
      {
        SELECT ?e ?l (COUNT(DISTINCT ?g) AS ?n) WHERE {
          GRAPH ?g { ?e rdfs:label ?l ; skos:altLabel ?name . }
          FILTER (isIRI(?e) && isLiteral(?l))
          FILTER (?g != <https://w3id.org/claimgraph/ns> && ?g != <https://w3id.org/claimgraph/id/graph/derived>)
        } GROUP BY ?e ?l
      }
      {
        # the best (documents, length) of each entity, as one number
        SELECT ?e (MAX(?n2 * 1000000 + STRLEN(?l2)) AS ?best) WHERE {
          {
            SELECT ?e ?l2 (COUNT(DISTINCT ?g2) AS ?n2) WHERE {
              GRAPH ?g2 { ?e rdfs:label ?l2 ; skos:altLabel ?name2 . }
              FILTER (isIRI(?e) && isLiteral(?l2))
              FILTER (?g2 != <https://w3id.org/claimgraph/ns> && ?g2 != <https://w3id.org/claimgraph/id/graph/derived>)
            } GROUP BY ?e ?l2
          }
        } GROUP BY ?e
      }
      FILTER (?n * 1000000 + STRLEN(?l) = ?best)
    } GROUP BY ?e
  }
}
