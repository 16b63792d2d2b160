#!/usr/bin/env bash
# The browser and HTML gate over a built kohyo site.
#
#   tests/browser/run.sh            build the sample site (cargo run --release -- build) into
#                                   <repo>/public, then check it
#   tests/browser/run.sh SITE_DIR   check an already built site folder
#
# Runs the Nu HTML Checker (vnu) over every HTML file, then check.mjs (axe-core in Chromium,
# structure, links, screenshots into <repo>/target/screenshots). Both always run; the exit
# status is non-zero when either found anything. Works from any current directory.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

die() { echo "run.sh: $*" >&2; exit 2; }

command -v node >/dev/null || die "node not found (Node 20 or newer is needed)"
command -v java >/dev/null || die "java not found; install it with: apt-get install -y --no-install-recommends default-jre-headless"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || die "${CHROMIUM_PATH:-/usr/bin/chromium} not found; install it with: apt-get install -y --no-install-recommends chromium fonts-ipaexfont-gothic"

# npm dependencies, pinned by package-lock.json. Reinstalled when node_modules is missing or was
# installed from another lock file. --ignore-scripts: vnu-jar's postinstall would try to download
# a Java runtime, which is neither wanted (java is on PATH) nor reachable.
lock_sum="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
stamp="$HERE/node_modules/.kohyo-lock-sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "run.sh: installing npm dependencies (npm ci)"
  (cd "$HERE" && npm ci --prefer-offline --no-audit --no-fund --ignore-scripts --loglevel=error) >/dev/null \
    || die "npm ci failed in $HERE"
  echo "$lock_sum" >"$stamp"
fi

if [ $# -gt 1 ]; then
  die "usage: run.sh [SITE_DIR]"
elif [ $# -eq 1 ]; then
  [ -d "$1" ] || die "$1 is not a directory"
  SITE="$(cd "$1" && pwd)"
else
  echo "run.sh: building the sample site (cargo run --release -- build)"
  (cd "$ROOT" && cargo run --release --quiet -- build) || die "cargo run --release -- build failed"
  SITE="$ROOT/public"
  [ -d "$SITE" ] || die "the build wrote no $SITE"
fi

VNU_JAR="$HERE/node_modules/vnu-jar/build/dist/vnu.jar"
[ -f "$VNU_JAR" ] || die "$VNU_JAR not found (npm ci incomplete?)"

echo "run.sh: checking $SITE"
start=$(date +%s)

# ---- Nu HTML Checker
html_count="$(find "$SITE" -type f \( -name '*.html' -o -name '*.htm' -o -name '*.xhtml' \) | wc -l)"
vnu_out="$(mktemp)"
trap 'rm -f "$vnu_out"' EXIT
vnu_status=0
java -Xss2m -jar "$VNU_JAR" --errors-only --format gnu --skip-non-html "$SITE" 2>"$vnu_out" >&2 || vnu_status=$?
# Lines look like: "file:/abs/path/page.html":12.3-12.9: error: message
vnu_errors="$(grep -c ': error' "$vnu_out" || true)"
vnu_fatal="$(grep -vc ': error' "$vnu_out" || true)"
if [ -s "$vnu_out" ]; then
  echo "--- vnu errors"
  sed -e "s#\"file:$SITE/#\"#" -e "s#\"file://$SITE/#\"#" "$vnu_out"
fi
vnu_failed=0
if [ "$vnu_errors" -gt 0 ] || [ "$vnu_fatal" -gt 0 ] || [ "$vnu_status" -ne 0 ] || [ "$html_count" -eq 0 ]; then
  vnu_failed=1
fi
[ "$html_count" -eq 0 ] && echo "vnu: no HTML files under $SITE"
echo "vnu: $html_count files checked, $vnu_errors errors"

# ---- axe-core, structure, links, screenshots
check_status=0
node "$HERE/check.mjs" "$SITE" || check_status=$?

echo "browser gate took $(( $(date +%s) - start )) s"
if [ "$vnu_failed" -ne 0 ] || [ "$check_status" -ne 0 ]; then
  echo "browser gate: FAILED (vnu exit $vnu_status, check.mjs exit $check_status)"
  exit 1
fi
echo "browser gate: passed"
