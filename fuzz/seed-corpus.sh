#!/usr/bin/env bash
# Seeds the fuzz corpora from the real content and the test fixtures.
#
# corpus/loader/: every content/**/*.toml|md and tests/fixtures/**/*.toml|md, framed the way the
# loader target reads its input (see fuzz_targets/loader.rs): a kind byte for where the file
# stands, a flags byte, then the municipality.toml of its folder, a NUL byte, and the file itself.
# corpus/fiscal_year/: the spellings of years, numbers, cells, 項目番号 and codes the sheets use.
# corpus/achievement/ is left to the fuzzer (its input is arbitrary-structured).
# corpus/loader.dict: a dictionary of field names and enum spellings for the loader.
#
# The corpus folders are git-ignored; run this again whenever content changes.
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
out="$fuzz/corpus/loader"
mkdir -p "$out" "$fuzz/corpus/fiscal_year" "$fuzz/corpus/achievement"
base_muni="$root/tests/fixtures/base/content/testcity/municipality.toml"

byte() { printf "\\$(printf '%03o' "$1")"; }

n=0
while IFS= read -r -d '' file; do
  rel=${file#*/content/}            # {slug}/...
  slug=${rel%%/*}
  rest=${rel#*/}                    # municipality.toml | plan/… | {year}/{kind}/file
  muni="${file%/content/*}/content/$slug/municipality.toml"
  [[ -f $muni ]] || muni=$base_muni
  year=0 kind=7
  case $rest in
    municipality.toml) kind=0 ;;
    plan/*.toml) kind=1 ;;
    plan/*.md) kind=2 ;;
    */projects/*|*/actions/*)
      y=${rest%%/*}
      case $y in 2024) year=0 ;; 2025) year=1 ;; 2023) year=2 ;; 2022) year=3 ;; *) year=9 ;; esac
      if [[ $year != 9 && $rest == */*/*[^/] && $(tr -cd / <<<"$rest" | wc -c) == 2 ]]; then
        case $rest in
          */projects/*.toml) kind=3 ;; */projects/*.md) kind=4 ;;
          */actions/*.md) kind=5 ;; */actions/*.toml) kind=6 ;;
        esac
      fi
      [[ $year == 9 ]] && year=0 ;;
  esac
  n=$((n + 1))
  name=$(printf '%s' "$file" | sed "s|^$root/||; s|[^A-Za-z0-9._-]|_|g")
  {
    byte "$kind"
    if [[ $kind == 0 ]]; then
      byte $((year << 1))
    else
      byte $(((year << 1) | 1))
      cat "$muni"
      byte 0
    fi
    # kind 7: the path (after the municipality folder) on the first line, then the file.
    [[ $kind == 7 ]] && printf '%s\n' "$rest"
    cat "$file"
  } >"$out/$name"
done < <(find "$root/content" "$root/tests/fixtures" -type f \( -name '*.toml' -o -name '*.md' \) -path '*/content/*' -print0 | sort -z)

# Files outside any content/ folder (tests/fixtures/base/kohyo.toml) have no kind: skipped.

i=0
for s in 2024 2024年度 ２０２４年度 2022年 R7 Ｒ７ R9年度 令和6年度 '令和 6 年度' 令和元年 令和元年度 \
  平成31 平成3年度 H29年 S64 昭和64 平成32 1899 2201 \
  2700 2,700 ２，７００ １４１ 0 97.91 85.0 -12 ▲12 △3 255,615 27,00 1.5 0.0000000001 \
  999999999999999999999999999 実施 － — ー \
  '1-(1)' 1-2 '2 - 1' '2-④' '3-⑤' '5 – ②' ５－１０ '1-⑴' 12 '㉑-1' \
  082112 082104 010006 472018 082113 千円 百万円; do
  i=$((i + 1))
  printf '%s' "$s" >"$fuzz/corpus/fiscal_year/seed-$i"
done
# A libFuzzer dictionary for the loader: every field name and enum spelling of src/format.rs, and
# the tokens of front matter and TOML, non-ASCII bytes escaped as libFuzzer wants them. Pass it with
# -dict=corpus/loader.dict.
{
  { grep -oE '^\s*pub [a-z_0-9]+:' "$root/src/format.rs" | sed -E 's/\s*pub ([a-z_0-9]+):/\1/'
    grep -oE '(rename|alias) = "[^"]+"' "$root/src/format.rs" | sed -E 's/.*"([^"]+)"/\1/'
    printf '%s\n' ratio progress 2024 R6 令和 平成 元年度 年度 － ▲ 1-1 082104
  } | sort -u | LC_ALL=C perl -ne 'chomp; s/([^\x20-\x21\x23-\x5b\x5d-\x7e])/sprintf("\\x%02X", ord($1))/ge; print "\"$_\"\n"'
  printf '%s\n' '"+++\x0a"' '"\x0a## "' '"[["' '"]]"' '" = "' '"{ "' '" }"' '"\x22"' '"\x0a"' '"\x00"'
} >"$fuzz/corpus/loader.dict"
echo "seeded $n loader inputs and $i fiscal_year inputs; wrote corpus/loader.dict"
