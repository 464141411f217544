# Contradictions: two statements of one normalized proposition, one positive and one negative,
# by different speakers neither of whom is affiliated with the other.
PREFIX cg: <https://w3id.org/claimgraph/ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
INSERT {
  GRAPH <https://w3id.org/claimgraph/id/graph/derived> {
    ?c a cg:Contradiction ; cg:proposition ?p ; cg:affirmation ?a ; cg:denial ?d ; cg:qualified ?qualified ;
       cg:reason ?reason ; prov:wasDerivedFrom ?sa, ?sd .
  }
}
WHERE {
  # pairs first, then their details: joining the details before pairing makes an engine
  # enumerate every statement per proposition
  {
    SELECT ?p ?a ?d WHERE {
      GRAPH ?g1 { ?d cg:proposition ?p ; cg:polarity "negative" . }
      GRAPH ?g2 { ?a cg:proposition ?p ; cg:polarity "positive" . }
    }
  }
  GRAPH ?ga { ?a cg:speaker ?speakerA ; prov:wasDerivedFrom ?sa ; cg:content ?contentA . }
  GRAPH ?gd { ?d cg:speaker ?speakerD ; prov:wasDerivedFrom ?sd ; cg:content ?contentD . }
  { SELECT DISTINCT ?p ?key WHERE { GRAPH ?gp { ?p a cg:Proposition ; cg:key ?key . } } }
  FILTER (?speakerA != ?speakerD)
  FILTER NOT EXISTS { GRAPH ?ga2 { ?speakerA cg:affiliation ?speakerD } }
  FILTER NOT EXISTS { GRAPH ?gd2 { ?speakerD cg:affiliation ?speakerA } }
  OPTIONAL { GRAPH ?gqa { ?a cg:qualifier ?qa } }
  OPTIONAL { GRAPH ?gqd { ?d cg:qualifier ?qd } }
  BIND (BOUND(?qa) || BOUND(?qd) AS ?qualified)
  BIND (CONCAT("both contents normalize to the proposition ", ?key, ": \"", ?contentA, "\" and \"", ?contentD, "\"") AS ?reason)
  BIND (IRI(CONCAT("https://w3id.org/claimgraph/id/contradiction/", SUBSTR(SHA256(CONCAT(STR(?a), " ", STR(?d))), 1, 16))) AS ?c)
}
