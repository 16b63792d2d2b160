#!/usr/bin/env bash
# kohyo's build benchmark against Hugo on the same synthetic sheets (docs/performance.md).
#
#   benches/run.sh                 # N = 1000 10000 100000 sheets
#   benches/run.sh 1000 10000      # choose the sizes
#
# From a fresh clone: installs hugo, hyperfine and time from Debian when missing, builds kohyo and
# the generator (examples/synth.rs) in release, and for each N writes the kohyo site and the same
# N pages as plain Markdown for Hugo, then times `kohyo build` and `hugo` with the output on tmpfs
# (/dev/shm) and on disk (target/bench). Prints one table row per N, tool and output, and the
# ratio kohyo/Hugo; the table and the raw timings stay in target/bench/.
#
# N counts sheets: one project (事務事業) or action item report for one fiscal year; every one is
# in 5 year folders, so N sheets are N/5 histories × 5 years in N/500 municipalities.
#
# Environment:
#   BENCH_RUNS=3        timed runs per measurement (hyperfine --runs); 1 from N = 100000 on
#   BENCH_DISK=DIR      where the on-disk outputs go (default target/bench/out)
#   BENCH_SETTLE=40     seconds to wait, on disk only, after removing the previous output and
#                       before each run (see measure() below); 0 to skip
#   BENCH_OUTPUTS="shm disk"   which outputs to measure. At N = 100000 a tmpfs output is about
#                       6 GB and Hugo peaks near 11 GB: on a machine with less than 24 GB of
#                       memory, measure that size with BENCH_OUTPUTS=disk.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
OUTPUTS=(${BENCH_OUTPUTS:-shm disk})
export DEBIAN_FRONTEND=noninteractive

for n in "${SIZES[@]}"; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 5 ] || { echo "usage: benches/run.sh [N ...] (N >= 5)" >&2; exit 2; }
done

# --- tools ---------------------------------------------------------------------------------------
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
need=()
command -v hugo >/dev/null || need+=(hugo)
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "building kohyo and the generator (release)"
cargo build --release --quiet --bin kohyo --example synth
BENCH="$ROOT/target/bench"
SHM="/dev/shm/kohyo-bench-$$"
DISK="${BENCH_DISK:-$BENCH/out}"
mkdir -p "$BENCH/bin" "$SHM" "$DISK"
# Private copies: a cargo build elsewhere in the tree must not swap the binary mid-benchmark.
cp target/release/kohyo target/release/examples/synth "$BENCH/bin/"
KOHYO="$BENCH/bin/kohyo"
SYNTH="$BENCH/bin/synth"
cleanup() { rm -rf "$SHM" "$DISK"/kohyo-* "$DISK"/hugo-*; }
trap cleanup EXIT

# --- the machine ---------------------------------------------------------------------------------
{
  echo "date:   $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc)"
  echo "memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the runs"
  echo "disk:   $(df -h "$DISK" | awk 'NR==2 {print $1 " " $2}') for on-disk output; tmpfs /dev/shm"
  echo "kohyo:  $("$KOHYO" --version)"
  echo "hugo:   $(hugo version | cut -d' ' -f1-2)"
  echo "rustc:  $(rustc --version)"
} | tee "$BENCH/machine.txt"
echo

# --- measurements --------------------------------------------------------------------------------
RESULTS="$BENCH/results.tsv"
printf 'N\ttool\toutput\tseconds\tstddev\thtml_pages\tpeak_rss_kib\tcpu_seconds\tload\n' >"$RESULTS"

# measure TOOL OUTPUT_KIND N OUT CMD...: hyperfine for the time, one more run under
# /usr/bin/time -v for the peak RSS and CPU time.
measure() {
  local tool="$1" kind="$2" n="$3" out="$4"
  shift 4
  local runs="${BENCH_RUNS:-3}"
  [ "$n" -lt 100000 ] || runs="${BENCH_RUNS:-1}"
  local json="$BENCH/$tool-$kind-$n.json"
  # Other work on the machine slows every tool alike; the 1-minute load average tells how much.
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  # `sync` after removing the last run's output: its files would otherwise still be written back
  # to the disk during the next run, and bill that run (of either tool) for them. On disk, also
  # wait: on an ext4 without a journal (this project's benchmark VM) a new file's inode is not
  # taken from those freed in the last 5 to 35 seconds, and each one skipped costs a look-up,
  # so a run started right after a large removal pays for the files of the run before it (up
  # to a third more time at 100,000 sheets). Every run waits the same.
  local settle=0
  [ "$kind" = disk ] && settle="${BENCH_SETTLE:-40}"
  hyperfine --runs "$runs" --style none --prepare "rm -rf '$out' && sync && sleep $settle" \
    --export-json "$json" "$(printf '%q ' "$@")" >/dev/null
  rm -rf "$out" && sync && sleep "$settle"
  /usr/bin/time -v "$@" >/dev/null 2>"$BENCH/$tool-$kind-$n.time"
  local pages
  pages=$(find "$out" -name '*.html' | wc -l)
  local mean stddev rss cpu
  mean=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f" % r["mean"])' "$json")
  stddev=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f" % (r.get("stddev") or 0))' "$json")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$BENCH/$tool-$kind-$n.time")
  cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$BENCH/$tool-$kind-$n.time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$kind" "$mean" "$stddev" "$pages" "$rss" "$cpu" "$load" >>"$RESULTS"
  printf '  %-5s %-4s %8.2f s ± %5.2f  %7d HTML pages  peak RSS %6d MiB  CPU %7.2f s  load %s\n' \
    "$tool" "$kind" "$mean" "$stddev" "$pages" "$((rss / 1024))" "$cpu" "$load"
  rm -rf "$out"
}

for n in "${SIZES[@]}"; do
  site="$SHM/site-$n"
  echo "N = $n: generating"
  "$SYNTH" --sheets "$n" --out "$site"
  "$KOHYO" check --root "$site" >/dev/null
  for kind in "${OUTPUTS[@]}"; do
    case "$kind" in
      shm) base="$SHM" ;;
      disk) base="$DISK" ;;
      *) echo "unknown output $kind" >&2; exit 2 ;;
    esac
    measure kohyo "$kind" "$n" "$base/kohyo-$n" "$KOHYO" build --quiet --root "$site" --output "$base/kohyo-$n"
    measure hugo "$kind" "$n" "$base/hugo-$n" hugo --quiet --source "$site-hugo" --destination "$base/hugo-$n"
  done
  # Where kohyo's time goes, once per N (on the last output measured).
  sync && sleep "${BENCH_SETTLE:-40}"
  "$KOHYO" build --quiet --timings --root "$site" --output "$base/kohyo-$n" 2>&1 | tee "$BENCH/timings-$n.txt" | sed 's/^/  /'
  rm -rf "$site" "$site-hugo" "$base/kohyo-$n"
done

# --- the table -----------------------------------------------------------------------------------
echo
python3 - "$RESULTS" <<'EOF' | tee "$BENCH/results.md"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = {(r["N"], r["tool"], r["output"]): r for r in rows}
print("| N sheets | output | kohyo s | kohyo ms/sheet | kohyo sheets/s | kohyo HTML pages | kohyo peak RSS MiB | kohyo CPU s | Hugo s | Hugo ms/page | Hugo pages/s | Hugo peak RSS MiB | Hugo CPU s | kohyo/Hugo time | load |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for (n, tool, out), k in by.items():
    if tool != "kohyo":
        continue
    h = by.get((n, "hugo", out))
    N = int(n)
    ks = float(k["seconds"])
    cells = [f"{N:,}", out, f"{ks:.2f} ± {float(k['stddev']):.2f}", f"{1000 * ks / N:.3f}",
             f"{N / ks:,.0f}", f"{int(k['html_pages']):,}", f"{int(k['peak_rss_kib']) // 1024:,}",
             k["cpu_seconds"]]
    if h:
        hs = float(h["seconds"])
        cells += [f"{hs:.2f} ± {float(h['stddev']):.2f}", f"{1000 * hs / N:.3f}", f"{N / hs:,.0f}",
                  f"{int(h['peak_rss_kib']) // 1024:,}", h["cpu_seconds"], f"{ks / hs:.2f}",
                  f"{k['load']}, {h['load']}"]
    else:
        cells += ["–"] * 7
    print("| " + " | ".join(cells) + " |")
EOF
echo
echo "raw timings in $BENCH (results.tsv, *.json from hyperfine, *.time from /usr/bin/time -v)"
