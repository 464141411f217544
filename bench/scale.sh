#!/usr/bin/env bash
# Scaling benchmark: builds workloads of 1, 10 and 100 MB of text (bench/workload.py: UD
# English-EWT sentences cut into articles, interleaved with the bundled articles with names
# permuted) and records, for each, wall and CPU time, peak memory, documents/s, MB/s and
# quads/s of `claimgraph build` on disk (2 threads; 1 thread, and 1 thread on one core, for the
# speed-up), the time of a bare bulk load of the same quads (`extract --format nquads` then
# `load`), an unchanged rebuild, the derive step alone, exports in N-Quads and Turtle, and the
# time of every bundled query on the store.
#
# usage: bench/scale.sh [SIZES_MB...]      (default: 1 10 100; needs ../shared/data/ud-english-ewt)
# output: bench/results/scale.csv and bench/results/queries.csv
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1 10 100}")
read -r -a sizes <<< "${sizes[*]}"
ud="${UD_DIR:-../shared/data/ud-english-ewt}"
if [ ! -d "$ud" ]; then
  echo "bench/scale.sh: $ud not found (set UD_DIR): the workload is made from UD English-EWT" >&2
  exit 2
fi
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/claimgraph"
work="${SCALE_DIR:-/var/tmp/claimgraph-scale}"
mkdir -p "$work" bench/results
csv=bench/results/scale.csv
qcsv=bench/results/queries.csv
echo "mb,run,threads,documents,wall_s,cpu_s,peak_rss_mb,docs_per_s,mb_per_s,quads,quads_per_s" > "$csv"
echo "mb,query,seconds,rows" > "$qcsv"

# runs a command under /usr/bin/time; sets wall, cpu and rss (MB)
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@"
  read -r wall user sys rss_kb < "$work/time.txt"
  cpu=$(awk "BEGIN { print $user + $sys }")
  rss=$(( rss_kb / 1024 ))
}

row() { # mb run threads documents quads
  local docs_s mb_s quads_s
  docs_s=$(awk "BEGIN { printf \"%.1f\", $4 / $wall }")
  mb_s=$(awk "BEGIN { printf \"%.3f\", $1 / $wall }")
  quads_s=$(awk "BEGIN { printf \"%.0f\", $5 / $wall }")
  echo "$1,$2,$3,$4,$wall,$cpu,$rss,$docs_s,$mb_s,$5,$quads_s" | tee -a "$csv"
}

for mb in "${sizes[@]}"; do
  input="$work/workload-${mb}mb.jsonl"
  [ -f "$input" ] || python3 bench/workload.py --ud "$ud" --corpus corpus --mb "$mb" --out "$input"
  docs=$(wc -l < "$input")
  for threads in 2 1; do
    # one thread only on the smaller workloads: it shows the speed-up without doubling the run
    if [ "$threads" = 1 ] && [ "$mb" -gt 10 ]; then continue; fi
    store="$work/kg-${mb}mb-j$threads"
    rm -rf "$store"
    measure "$bin" build "$input" --store "$store" -j "$threads" -q
    quads=$("$bin" stats --store "$store" | head -n 1 | cut -d' ' -f1)
    row "$mb" build "$threads" "$docs" "$quads"
  done
  if [ "$mb" -le 10 ] && command -v taskset > /dev/null; then
    # the whole process, loader and RocksDB's threads included, on one core: what the second
    # core buys (one analysis thread on two cores still loads on the other)
    store="$work/kg-${mb}mb-core1"
    rm -rf "$store"
    measure taskset -c 0 "$bin" build "$input" --store "$store" -j 1 -q
    row "$mb" build-one-core 1 "$docs" "$quads"
    rm -rf "$store"
  fi
  store="$work/kg-${mb}mb-j2"
  measure "$bin" build "$input" --store "$store" -q
  row "$mb" rebuild-unchanged 2 "$docs" 0
  # the derive step alone: the store marked as if a derive had been cut off (its marker's
  # derive_pending), then an empty file loaded, which derives again and loads nothing
  python3 -c 'import json, sys; p = sys.argv[1]; m = json.load(open(p)); m["derive_pending"] = True; json.dump(m, open(p, "w"))' \
    "$store/claimgraph.json"
  : > "$work/empty.nq"
  measure "$bin" load "$work/empty.nq" --store "$store" > /dev/null
  row "$mb" derive-only 1 "$docs" 0

  # the same document quads through the bulk loader alone (plus the derived graph)
  "$bin" extract --format nquads "$input" -o "$work/all-${mb}mb.nq" -q
  rm -rf "$work/bare-${mb}mb"
  measure "$bin" load "$work/all-${mb}mb.nq" --store "$work/bare-${mb}mb"
  row "$mb" bulk-load-only 1 "$docs" "$(wc -l < "$work/all-${mb}mb.nq")"
  rm -rf "$work/bare-${mb}mb" "$work/all-${mb}mb.nq"

  # exporting the whole store, sorted (through temporary files in $work past 64 MB of lines)
  for format in nquads turtle; do
    measure "$bin" export --store "$store" --format "$format" --temp-dir "$work" > /dev/null
    row "$mb" "export-$format" 1 "$docs" "$quads"
  done

  for query in $("$bin" query --list | cut -d' ' -f1); do
    start=$(date +%s.%N)
    rows=$("$bin" query "$query" --store "$store" --format tsv | wc -l)
    end=$(date +%s.%N)
    echo "$mb,$query,$(awk "BEGIN { printf \"%.3f\", $end - $start }"),$(( rows - 1 ))" | tee -a "$qcsv"
  done
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
