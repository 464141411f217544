#!/usr/bin/env bash
# Where a command's memory peaks: runs it and samples its resident memory every INTERVAL
# seconds (default 5), writing "seconds,rss_mb,anon_mb,file_mb" lines to OUT: the resident
# memory, its anonymous part (heap, RocksDB's caches) and its file-backed part (the binary and
# its embedded model). The process sampled is COMMAND itself: wrapped in /usr/bin/time, say, it
# would be the wrapper. The README's account of the 100 MB build's peak comes from
#   bench/rss-timeline.sh rss.csv 5 claimgraph build workload-100mb.jsonl --store kg100
#
# usage: bench/rss-timeline.sh OUT INTERVAL COMMAND [ARGS...]
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: bench/rss-timeline.sh OUT INTERVAL COMMAND [ARGS...]" >&2
  exit 2
fi
out=$1 interval=$2
shift 2
echo "seconds,rss_mb,anon_mb,file_mb" > "$out"
"$@" &
pid=$!
start=$SECONDS
while kill -0 "$pid" 2> /dev/null; do
  rss=$(awk '/^VmRSS/ { r = int($2 / 1024) } /^RssAnon/ { a = int($2 / 1024) }
    /^RssFile/ { f = int($2 / 1024) } END { if (r != "") print r "," a "," f }' "/proc/$pid/status" 2> /dev/null || true)
  [ -n "$rss" ] && echo "$((SECONDS - start)),$rss" >> "$out"
  sleep "$interval"
done
wait "$pid"
