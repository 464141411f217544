# Corroborations: a proposition affirmed by more than one speaker, with every affirming statement.
PREFIX cg: <https://w3id.org/claimgraph/ns#>
INSERT {
  GRAPH <https://w3id.org/claimgraph/id/graph/derived> {
    ?c a cg:Corroboration ; cg:proposition ?p ; cg:sourceCount ?n ; cg:supportedBy ?a .
  }
}
WHERE {
  {
    SELECT ?p (COUNT(DISTINCT ?speaker) AS ?n) WHERE {
      GRAPH ?gp { ?p cg:key ?key . }
      GRAPH ?g { ?x cg:proposition ?p ; cg:polarity "positive" ; cg:speaker ?speaker . }
    } GROUP BY ?p HAVING (COUNT(DISTINCT ?speaker) > 1)
  }
  GRAPH ?ga { ?a cg:proposition ?p ; cg:polarity "positive" . }
  BIND (IRI(CONCAT("https://w3id.org/claimgraph/id/corroboration/", SUBSTR(SHA256(STR(?p)), 1, 16))) AS ?c)
}
