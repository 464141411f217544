# Labels each normalized proposition from its parts' preferred labels: "Russia → send → response".
PREFIX cg: <https://w3id.org/claimgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH <https://w3id.org/claimgraph/id/graph/derived> { ?p rdfs:label ?summary . } }
WHERE {
  { SELECT DISTINCT ?p ?class WHERE { GRAPH ?g { ?p cg:key ?key ; cg:eventClass ?class . } } }
  GRAPH <https://w3id.org/claimgraph/ns> { ?class skos:prefLabel ?verb . }
  OPTIONAL {
    GRAPH ?gt { ?p cg:theme ?theme . }
    GRAPH <https://w3id.org/claimgraph/ns> { ?theme skos:prefLabel ?themeLabel . }
  }
  OPTIONAL {
    GRAPH ?ga { ?p cg:agent ?agent . }
    GRAPH <https://w3id.org/claimgraph/id/graph/derived> { ?agent skos:prefLabel ?agentLabel . }
  }
  OPTIONAL {
    GRAPH ?gr { ?p cg:recipient ?recipient . }
    GRAPH <https://w3id.org/claimgraph/id/graph/derived> { ?recipient skos:prefLabel ?recipientLabel . }
  }
  BIND (CONCAT(COALESCE(?agentLabel, "someone"), " → ", ?verb, COALESCE(CONCAT(" → ", ?themeLabel), ""),
               COALESCE(CONCAT(" → to ", ?recipientLabel), "")) AS ?summary)
}
