//! Seeded random damage to the sample site, shared by `examples/mutate.rs` (the exploration
//! harness, thousands of cases in release) and `tests/mutations.rs` (a fixed set of seeds).
//!
//! A case copies the sample site (`kohyo.toml` + `content/`), damages one to three of its files
//! with one to three mutations each, byte-level (truncation, bit flips, lines deleted, duplicated
//! or swapped) or structure-aware (a TOML value replaced by one of another type or an extreme one,
//! keys renamed, tables repeated, a thousand indicators, hostile Markdown, plan links bent), runs
//! the library's check and build on it and looks at what came back: a panic, an error that names
//! no file, or one that names the damaged file but no line on a byte-level mutation.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// SplitMix64: small, seedable, good enough to pick mutations.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True one time in `n`.
    pub(crate) fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The sample site's files, by path relative to the site root, read once.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    /// `kohyo.toml` and every file under `content/`.
    pub(crate) files: BTreeMap<String, Vec<u8>>,
}

impl Sample {
    /// Reads the sample site at the repository root.
    pub(crate) fn read() -> Sample {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = BTreeMap::new();
        files.insert(
            "kohyo.toml".to_string(),
            std::fs::read(root.join("kohyo.toml")).unwrap(),
        );
        for entry in walkdir::WalkDir::new(root.join("content")) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(root).unwrap();
                let rel = rel.to_string_lossy().replace('\\', "/");
                files.insert(rel, std::fs::read(entry.path()).unwrap());
            }
        }
        Sample { files }
    }
}

/// One damaged site: its files and what was done to them.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    /// The seed that makes this case again.
    pub(crate) seed: u64,
    /// The site's files after the damage.
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    /// What was done, one line per mutation (`file: mutation`).
    pub(crate) edits: Vec<String>,
    /// Files damaged by a byte-level (syntax) mutation: their errors should carry a line.
    pub(crate) syntax_damaged: Vec<String>,
    /// Files changed in any way (or added).
    pub(crate) touched: Vec<String>,
}

impl Case {
    /// Writes the case's files under `root` (which should be empty).
    pub(crate) fn write(&self, root: &Path) {
        for (rel, bytes) in &self.files {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
}

/// The mutations, by name (for statistics).
pub(crate) const MUTATIONS: &[&str] = &[
    "truncate",
    "flip",
    "insert-byte",
    "delete-bytes",
    "delete-line",
    "duplicate-line",
    "swap-lines",
    "insert-snippet",
    "replace-value",
    "rename-key",
    "repeat-table",
    "many-indicators",
    "hostile-markdown",
    "bend-link",
    "file-level",
    "settings",
    "sjis-char",
];

/// The mutations that keep a file's types: a site damaged by them only may still pass check.
pub(crate) const GENTLE: &[&str] = &[
    "same-type-value",
    "same-type-value",
    "same-type-value",
    "hostile-markdown",
    "many-indicators",
    "settings",
];

/// Whether a mutation is byte-level: it can break the file's syntax anywhere.
fn is_syntax(name: &str) -> bool {
    matches!(
        name,
        "truncate" | "flip" | "insert-byte" | "delete-bytes" | "insert-snippet"
    )
}

/// Damages the sample site with the mutations drawn from `seed`.
pub(crate) fn make_case(sample: &Sample, seed: u64) -> Case {
    let mut rng = Rng::new(seed);
    let mut case = Case {
        seed,
        files: sample.files.clone(),
        edits: Vec::new(),
        syntax_damaged: Vec::new(),
        touched: Vec::new(),
    };
    let names: Vec<String> = case.files.keys().cloned().collect();
    let codes = harvest_codes(sample);
    // Half the cases keep the files valid in type (values replaced by others of their kind,
    // Markdown, many indicators), so that they pass check and reach the charts and pages.
    let gentle = rng.one_in(2);
    let n_files = 1 + rng.below(3);
    for _ in 0..n_files {
        let rel = rng.pick(&names).clone();
        let n_mut = 1 + rng.below(3);
        for _ in 0..n_mut {
            let which = if gentle {
                *rng.pick(GENTLE)
            } else {
                *rng.pick(MUTATIONS)
            };
            if which == "settings" {
                let what = settings(&mut case, &names, &mut rng);
                case.edits.push(format!("settings {what}"));
                continue;
            }
            if which == "sjis-char" {
                shift_jis_on(&mut case);
            }
            if which == "file-level" {
                let what = file_level(&mut case, &rel, &names, &mut rng);
                case.edits.push(format!("{rel}: file-level {what}"));
                continue;
            }
            let Some(bytes) = case.files.get(&rel).cloned() else {
                continue;
            };
            let (out, what) = apply(which, bytes, &rel, &codes, &mut rng);
            case.files.insert(rel.clone(), out);
            case.edits.push(format!("{rel}: {which} {what}"));
            if is_syntax(which) && !case.syntax_damaged.contains(&rel) {
                case.syntax_damaged.push(rel.clone());
            }
            if !case.touched.contains(&rel) {
                case.touched.push(rel.clone());
            }
        }
    }
    case
}

/// Every `code = "…"`, `id = "…"` and `plan = "…"` value in the sample: names a bent link may use.
fn harvest_codes(sample: &Sample) -> Vec<String> {
    let mut out = Vec::new();
    for bytes in sample.files.values() {
        let text = String::from_utf8_lossy(bytes);
        for line in text.lines() {
            for key in ["code", "id", "plan", "parent", "plan_node", "node"] {
                if let Some(rest) = line.strip_prefix(key).map(str::trim_start)
                    && let Some(v) = rest.strip_prefix('=')
                {
                    let v = v.trim();
                    if v.starts_with('"') && !out.iter().any(|o| o == v) {
                        out.push(v.to_string());
                    }
                }
            }
        }
    }
    out
}

fn apply(
    which: &str,
    bytes: Vec<u8>,
    rel: &str,
    codes: &[String],
    rng: &mut Rng,
) -> (Vec<u8>, String) {
    match which {
        "truncate" => {
            let at = rng.below(bytes.len() + 1);
            (bytes[..at].to_vec(), format!("at byte {at}"))
        }
        "flip" => {
            let mut b = bytes;
            if b.is_empty() {
                return (b, "nothing".into());
            }
            let at = rng.below(b.len());
            let bit = rng.below(8);
            b[at] ^= 1 << bit;
            (b, format!("bit {bit} of byte {at}"))
        }
        "insert-byte" => {
            const BYTES: &[u8] = b"\"[]{}=\n\\#',.+-_ \x00\xff\xe3\x80\x0c\r\t";
            let mut b = bytes;
            let at = rng.below(b.len() + 1);
            let byte = *rng.pick(BYTES);
            b.insert(at, byte);
            (b, format!("{byte:#04x} at {at}"))
        }
        "delete-bytes" => {
            let mut b = bytes;
            let at = rng.below(b.len() + 1);
            let n = (1 + rng.below(40)).min(b.len() - at);
            b.drain(at..at + n);
            (b, format!("{n} at {at}"))
        }
        "delete-line" | "duplicate-line" | "swap-lines" => lines_op(which, bytes, rng),
        "insert-snippet" => {
            let mut b = bytes;
            let at = rng.below(b.len() + 1);
            let snippet = snippet(rng);
            let shown = shorten(&snippet);
            b.splice(at..at, snippet.into_bytes());
            (b, format!("{shown} at {at}"))
        }
        "replace-value" => text_op(bytes, |t| replace_value(t, rng)),
        "same-type-value" => text_op(bytes, |t| same_type_value(t, rng)),
        "rename-key" => text_op(bytes, |t| rename_key(t, rng)),
        "repeat-table" => text_op(bytes, |t| repeat_table(t, rng)),
        "many-indicators" => text_op(bytes, |t| many_indicators(t, rel, rng)),
        "hostile-markdown" => text_op(bytes, |t| hostile_markdown(t, rel, rng)),
        "bend-link" => text_op(bytes, |t| bend_link(t, codes, rng)),
        "sjis-char" => text_op(bytes, |t| sjis_char(t, rng)),
        _ => (bytes, "unknown".into()),
    }
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        let _ = write!(out, "…({} chars)", s.chars().count());
    }
    format!("{out:?}")
}

/// Runs a text-level mutation on the file as (lossily decoded) text.
fn text_op(bytes: Vec<u8>, f: impl FnOnce(&mut String) -> String) -> (Vec<u8>, String) {
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    let what = f(&mut text);
    (text.into_bytes(), what)
}

fn lines_op(which: &str, bytes: Vec<u8>, rng: &mut Rng) -> (Vec<u8>, String) {
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let i = rng.below(lines.len());
    let what = match which {
        "delete-line" => {
            lines.remove(i);
            format!("line {}", i + 1)
        }
        "duplicate-line" => {
            let copy = lines[i].clone();
            let to = rng.below(lines.len() + 1);
            lines.insert(to, copy);
            format!("line {} to {}", i + 1, to + 1)
        }
        _ => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
            format!("lines {} and {}", i + 1, j + 1)
        }
    };
    (lines.join(&b'\n'), what)
}

/// Short pieces of text that stress a TOML or Markdown parser where they land.
fn snippet(rng: &mut Rng) -> String {
    let n = 1 + rng.below(5000);
    match rng.below(16) {
        0 => "[".repeat(n),
        1 => "{a=".repeat(n),
        2 => "\"\"\"".into(),
        3 => "'''".into(),
        4 => "\n+++\n".into(),
        5 => "\u{FFFD}\u{202E}\u{200F}\u{FEFF}".into(),
        6 => "\\u0000\\uD800\\U0010FFFF\\".into(),
        7 => "\n[x]\n[x]\n".into(),
        8 => "\n[[activities]]\n".into(),
        9 => "\r".into(),
        10 => "a".repeat(n * 20),
        11 => "\u{0301}".repeat(n),
        12 => "\n= 1\n".into(),
        13 => "#".repeat(n),
        14 => "\n\"\" = 1\n".into(),
        _ => "\u{0000}".into(),
    }
}

/// Values of other types and extreme values, in TOML syntax.
fn value(rng: &mut Rng) -> String {
    const FIXED: &[&str] = &[
        "0",
        "-0",
        "-1",
        "1e400",
        "-1e400",
        "1e-400",
        "nan",
        "-nan",
        "inf",
        "-inf",
        "1.7976931348623157e308",
        "5e-324",
        "9223372036854775807",
        "-9223372036854775808",
        "0.0000000000000000000000000001",
        "79228162514264337593543950335.0",
        "7922816251426433759354395033.5",
        "123456789.123456789123456789",
        "0x7fffffff",
        "1_000_000",
        "true",
        "false",
        "[]",
        "[[]]",
        "[1, \"a\", { x = 1 }]",
        "{}",
        "{ value = 1e300 }",
        "{ value = -1 }",
        "{ value = \"x\", year = 0 }",
        "{ value = 1, year = \"昭和64年\" }",
        "1979-05-27",
        "0001-01-01",
        "9999-12-31T23:59:59Z",
        "07:32:00",
        "\"\"",
        "\" \"",
        "\"１２３\"",
        "\"－１２\"",
        "\"−5\"",
        "\"‐5\"",
        "\"ー\"",
        "\"1,234.5\"",
        "\"12.5%\"",
        "\"1e400\"",
        "\"NaN\"",
        "\"∞\"",
        "\"―\"",
        "\"—\"",
        "\"－\"",
        "\"昭和64年度\"",
        "\"平成元年度\"",
        "\"令和元年度\"",
        "\"令和999999999999年度\"",
        "\"明治1年度\"",
        "\"R0\"",
        "\"R-1\"",
        "\"H31\"",
        "\"Ｒ６\"",
        "1",
        "9999",
        "-2024",
        "2024",
        "99999999999999999",
        "\"a\\u0301\\u0301\\u0301\"",
        "\"\\u202Eabc\\u200F\"",
        "\"👨‍👩‍👧‍👦\"",
        "\"\\uFFFD\"",
        "\"\\uFEFF\"",
        "\"<script>alert(1)</script>\"",
        "\"../../etc/passwd\"",
        "\"CON\"",
        "\"a/b\"",
        "\"https://example.com/\"",
        "\"javascript:alert(1)\"",
    ];
    match rng.below(10) {
        0 => format!("\"{}\"", "あ".repeat(100_000)),
        1 => format!("\"{}\"", "a".repeat(1 + rng.below(100_000))),
        2 => format!("{}", rng.next() as i64),
        3 => format!("{}.{}", rng.next(), rng.next()),
        4 => format!("\"{}\"", "9".repeat(1 + rng.below(400))),
        _ => rng.pick(FIXED).to_string(),
    }
}

/// Byte ranges of `key = value` pairs on a line: (key start, value start, value end).
fn pairs(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let mut i = 0;
        while let Some(eq) = line[i..].find(" = ").map(|e| e + i) {
            let key_start = line[..eq].rfind(['{', ',', ' ', '\t']).map_or(0, |k| k + 1);
            let v_start = eq + 3;
            let mut depth = 0i32;
            let mut in_str = false;
            let mut end = line.trim_end_matches(['\n', '\r']).len();
            for (k, &b) in bytes.iter().enumerate().skip(v_start) {
                match b {
                    b'"' => in_str = !in_str,
                    b'[' | b'{' if !in_str => depth += 1,
                    b']' | b'}' if !in_str => {
                        if depth == 0 {
                            end = k;
                            break;
                        }
                        depth -= 1;
                    }
                    b',' if !in_str && depth == 0 => {
                        end = k;
                        break;
                    }
                    _ => {}
                }
            }
            if end > v_start {
                out.push((
                    line_start + key_start,
                    line_start + v_start,
                    line_start + end,
                ));
            }
            i = v_start;
        }
        line_start += line.len();
    }
    out
}

/// One `key = value` pair whose key and value `keep` accepts: (key, value start, value end).
fn pick_pair(
    text: &str,
    rng: &mut Rng,
    keep: impl Fn(&str, &str) -> bool,
) -> Option<(String, usize, usize)> {
    let all: Vec<(usize, usize, usize)> = pairs(text)
        .into_iter()
        .filter(|&(k, v0, v1)| keep(&text[k..v0 - 3], &text[v0..v1]))
        .collect();
    if all.is_empty() {
        return None;
    }
    let (k, v0, v1) = *rng.pick(&all);
    Some((text[k..v0 - 3].to_string(), v0, v1))
}

fn replace_value(text: &mut String, rng: &mut Rng) -> String {
    let Some((key, v0, v1)) = pick_pair(text, rng, |_, _| true) else {
        return "no pair".into();
    };
    let new = value(rng);
    let shown = shorten(&new);
    text.replace_range(v0..v1.max(v0), &new);
    format!("{key} = {shown}")
}

/// Replaces a number by another number, or a string by another string.
fn same_type_value(text: &mut String, rng: &mut Rng) -> String {
    const STRINGS: &[&str] = &[
        "",
        " ",
        "１２３",
        "－１２",
        "−5",
        "ー",
        "1,234.5",
        "12.5%",
        "1e400",
        "NaN",
        "∞",
        "―",
        "—",
        "－",
        "昭和64年度",
        "平成元年度",
        "令和元年度",
        "令和99年度",
        "R0",
        "R1",
        "R99",
        "H31",
        "Ｒ６",
        "a\\u0301\\u0301\\u0301",
        "\\u202Eabc\\u200F",
        "👨‍👩‍👧‍👦",
        "\\uFFFD",
        "<script>alert(1)</script>",
        "{{ x }}{% raw %}",
        "</svg><svg onload=alert(1)>",
        "増加",
        "減少",
        "維持",
        "成果",
    ];
    const NUMBERS: &[&str] = &[
        "0",
        "-0",
        "-1",
        "1e300",
        "-1e300",
        "1e-300",
        "0.0000000000000000000000000001",
        "79228162514264337593543950335",
        "7922816251426433759354395033.5",
        "123456789.123456789123456789",
        "9223372036854775807",
        "-9223372036854775808",
        "1",
        "2024",
        "9999",
        "0.5",
        "-0.000001",
        "1e20",
    ];
    // Keys whose value is one of a few words or names another file: most cases leave them, so
    // that the file stays valid.
    const NAMED: &[&str] = &[
        "kind",
        "direction",
        "progress",
        "plan",
        "plan_node",
        "parent",
        "node",
        "code",
        "number",
        "fiscal_year",
        "method",
        "money_unit",
        "id",
    ];
    let named_too = rng.one_in(4);
    let picked = pick_pair(text, rng, |k, v| {
        (named_too || !NAMED.contains(&k))
            && ((v.starts_with('"')
                && !v.starts_with("\"\"\"")
                && v.ends_with('"')
                && v.len() >= 2)
                || v.parse::<f64>().is_ok())
    });
    let Some((key, v0, v1)) = picked else {
        return "no value".into();
    };
    let new = if text[v0..v1].starts_with('"') {
        match rng.below(6) {
            // Up to the default max_text_chars, and far over it.
            0 => format!("\"{}\"", "あ".repeat(1 + rng.below(500))),
            1 => format!("\"{}\"", "x".repeat(1 + rng.below(100_000))),
            _ => format!("\"{}\"", rng.pick(STRINGS)),
        }
    } else {
        match rng.below(4) {
            0 => format!("{}", rng.next() as i64 >> rng.below(64)),
            _ => rng.pick(NUMBERS).to_string(),
        }
    };
    let shown = shorten(&new);
    text.replace_range(v0..v1, &new);
    format!("{key} = {shown}")
}

fn rename_key(text: &mut String, rng: &mut Rng) -> String {
    let Some((key, v0, _)) = pick_pair(text, rng, |_, _| true) else {
        return "no pair".into();
    };
    let k = v0 - 3 - key.len();
    const KEYS: &[&str] = &[
        "R6",
        "R99",
        "R0",
        "令和元",
        "昭和64",
        "H31",
        "2024",
        "0",
        "-1",
        "9999",
        "Ｒ6",
        "R１",
        "\"\"",
        "\"\u{202E}\"",
        "name",
        "value",
        "year",
        "direction",
        "unit",
        "\"a.b\"",
        "a.b",
        "targets.R6",
    ];
    let new = match rng.below(3) {
        0 if key.chars().count() > 1 => {
            let drop = rng.below(key.chars().count());
            key.chars()
                .enumerate()
                .filter(|&(i, _)| i != drop)
                .map(|(_, c)| c)
                .collect()
        }
        1 => format!("{key}{}", rng.pick(&["s", "_", "1", "ー"])),
        _ => rng.pick(KEYS).to_string(),
    };
    text.replace_range(k..v0 - 3, &new);
    format!("{key} → {new}")
}

/// Repeats a `[table]` or `[[array]]` header with the lines under it, elsewhere in the file.
fn repeat_table(text: &mut String, rng: &mut Rng) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let heads: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with('['))
        .collect();
    if heads.is_empty() {
        return "no table".into();
    }
    let h = *rng.pick(&heads);
    let end = (h + 1..lines.len())
        .find(|&i| lines[i].starts_with('[') || lines[i] == "+++")
        .unwrap_or(lines.len());
    let block: Vec<&str> = lines[h..end].to_vec();
    let to = if rng.one_in(2) {
        end
    } else {
        rng.below(lines.len() + 1)
    };
    let head = lines[h].to_string();
    let mut out: Vec<&str> = lines[..to].to_vec();
    out.extend(&block);
    out.extend(&lines[to..]);
    *text = out.join("\n");
    format!("{head} at line {}", to + 1)
}

/// Adds a thousand (or more) indicators where the file's kind keeps them.
fn many_indicators(text: &mut String, rel: &str, rng: &mut Rng) -> String {
    // Under the default limits (with room for what the file holds), at them, and over them.
    let n = *rng.pick(&[300usize, 950, 1000, 1001, 3000]);
    let header = if text.contains("[[activities]]") {
        "[[activities.indicators]]"
    } else if text.contains("[goal.kpi]") {
        return append_in_front_matter(text, &"[[measures]]\ntitle = \"x\"\n".repeat(n), n);
    } else if rel.contains("/plan/") {
        "[[indicators]]"
    } else {
        "[[outcomes]]"
    };
    let mut block = String::new();
    for i in 0..n {
        let _ = write!(
            block,
            "\n{header}\nname = \"指標{i}\"\nunit = \"件\"\ndirection = \"増加\"\ntargets = {{ R6 = {i} }}\nactuals = {{ R6 = {} }}\n",
            rng.below(1000)
        );
    }
    append_in_front_matter(text, &block, n)
}

/// Appends TOML at the end of a `.toml` file or of a `.md` file's front matter.
fn append_in_front_matter(text: &mut String, block: &str, n: usize) -> String {
    if text.starts_with("+++")
        && let Some(close) = text[3..].find("\n+++").map(|i| i + 3)
    {
        text.insert_str(close, block);
    } else {
        text.push_str(block);
    }
    format!("{n} items")
}

/// Markdown that is deep, wide or raw, as a `.md` file's body or a TOML multi-line string.
fn hostile_markdown(text: &mut String, _rel: &str, rng: &mut Rng) -> String {
    let n = 1 + rng.below(20_000);
    let (name, md) = match rng.below(12) {
        0 => ("quotes", ">".repeat(n) + " x\n"),
        1 => (
            "lists",
            (0..n.min(3000))
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect(),
        ),
        2 => ("brackets", "[".repeat(n) + "x" + &"](u)".repeat(n)),
        3 => (
            "table",
            format!(
                "|{}\n|{}\n{}",
                "a|".repeat(50),
                "-|".repeat(50),
                format!("|{}\n", "1|".repeat(50)).repeat(n.min(2000))
            ),
        ),
        4 => (
            "html",
            "<div><script>alert(1)</script><img src=x onerror=alert(1)><iframe src=//x></iframe>\n"
                .repeat(1 + n / 100),
        ),
        5 => ("emphasis", "*_".repeat(n)),
        6 => ("long-line", "あ".repeat(n * 5)),
        7 => ("code", "```\n".repeat(n.min(5000))),
        8 => (
            "entities",
            "&#0;&#xD800;&amp;&#x10FFFF;&lt;".repeat(1 + n / 10),
        ),
        9 => (
            "links",
            "<javascript:alert(1)> [a](javascript:x) ![i](data:x)\n".repeat(1 + n / 100),
        ),
        10 => ("headings", "# h\n".repeat(n.min(5000))),
        _ => ("backticks", "`".repeat(n)),
    };
    if let Some(close) = text.rfind("\n+++")
        && text.starts_with("+++")
    {
        text.insert_str(text.len().min(close + 5), &format!("\n{md}\n"));
        return format!("{name} in the body");
    }
    // A TOML file: into a multi-line basic string, if any.
    if let Some(open) = text.find("\"\"\"\n") {
        let escaped = md.replace('\\', "\\\\").replace("\"\"\"", "\"\"\\\"");
        text.insert_str(open + 4, &escaped);
        return format!("{name} in a string");
    }
    format!("{name}: no place")
}

/// Points a link (`parent`, `plan`, `plan_node`, `node`, `code`) somewhere else: another code of
/// the site, itself, nothing, or a cycle.
fn bend_link(text: &mut String, codes: &[String], rng: &mut Rng) -> String {
    let picked = pick_pair(text, rng, |k, _| {
        matches!(
            k,
            "parent" | "plan" | "plan_node" | "node" | "code" | "id" | "number"
        )
    });
    let own_code = pairs(text)
        .into_iter()
        .find(|&(k, v0, _)| &text[k..v0 - 3] == "code")
        .map(|(_, v0, v1)| text[v0..v1].to_string());
    let Some((key, v0, v1)) = picked else {
        // No link: add a parent.
        let new = own_code.unwrap_or_else(|| "\"6\"".into());
        return append_in_front_matter(text, &format!("\nparent = {new}\n"), 1);
    };
    let new = match rng.below(4) {
        0 => own_code.unwrap_or_else(|| "\"\"".into()),
        1 => "\"nowhere\"".into(),
        2 => "\"\"".into(),
        _ => rng.pick(codes).clone(),
    };
    text.replace_range(v0..v1, &new);
    format!("{key} = {new}")
}

/// 達成状況 grades with odd thresholds and marks (the site's or a municipality's), the
/// tolerance of 維持, the method of 減少, or the Shift_JIS copies of the CSV files.
fn settings(case: &mut Case, names: &[String], rng: &mut Rng) -> String {
    const RATES: &[&str] = &[
        "-1e300", "-5", "0", "0.05", "50", "79.95", "80", "80", "100", "100.05", "200", "1e300",
    ];
    const MARKS: &[&str] = &["◎", "A", "", " ", "👨‍👩‍👧‍👦", "<b>", "𠮷", "ＳＳ", "\\u202E"];
    let mut grades = Vec::new();
    for i in 0..rng.below(7) {
        // The first grade is for met targets and takes no min_rate.
        let rate = if i == 0 || rng.one_in(3) {
            String::new()
        } else {
            format!(", min_rate = {}", rng.pick(RATES))
        };
        grades.push(format!(
            "{{ mark = \"{}\", label = \"区分{i}\"{rate} }}",
            rng.pick(MARKS)
        ));
    }
    let grades = format!("grades = [{}]\n", grades.join(", "));
    let municipalities: Vec<&String> = names
        .iter()
        .filter(|n| n.ends_with("/municipality.toml"))
        .collect();
    let (rel, after, insert) = match rng.below(5) {
        0 | 1 => ("kohyo.toml".to_string(), "[achievement]\n", grades),
        2 => ((*rng.pick(&municipalities)).clone(), "\ncode = ", grades),
        3 => (
            "kohyo.toml".to_string(),
            "[achievement]\n",
            format!(
                "tolerance_percent = {}\nmethod = \"{}\"\n",
                rng.pick(RATES),
                rng.pick(&["ratio", "progress"])
            ),
        ),
        _ => (
            "kohyo.toml".to_string(),
            "",
            "\n[csv]\nshift_jis = true\n".to_string(),
        ),
    };
    let Some(bytes) = case.files.get_mut(&rel) else {
        return format!("{rel} is gone");
    };
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if insert.starts_with("tolerance_percent") {
        // In place of the sample's own.
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("tolerance_percent") && !l.starts_with("method"))
            .collect();
        text = kept.join("\n") + "\n";
    }
    let at = if after.is_empty() {
        Some(text.len())
    } else {
        // After the line that holds `after`.
        text.find(after)
            .and_then(|i| text[i + 1..].find('\n').map(|j| i + 1 + j + 1))
            .map(|i| i.min(text.len()))
    };
    let Some(at) = at else {
        return format!("{rel}: no place for {}", shorten(&insert));
    };
    text.insert_str(at, &insert);
    *bytes = text.into_bytes();
    if !case.touched.contains(&rel) {
        case.touched.push(rel.clone());
    }
    format!("{rel}: {}", shorten(&insert))
}

/// Appends a character Shift_JIS (CP932) lacks to a one-line string value, with `[csv]
/// shift_jis` on ([`shift_jis_on`]): check must report it where it goes into a CSV, and where
/// it does not, the build must not fail on it (export's own check is only a backstop).
fn sjis_char(text: &mut String, rng: &mut Rng) -> String {
    const CHARS: &[&str] = &["𠮷", "😀", "𡈽", "葛\u{E0100}"];
    let basic = |_: &str, v: &str| v.len() >= 2 && v.starts_with('"') && v.ends_with('"');
    let Some((key, _, v1)) = pick_pair(text, rng, basic) else {
        return "no string".into();
    };
    let c = *rng.pick(CHARS);
    text.insert_str(v1 - 1, c);
    format!("{key} += {c}")
}

/// Turns on `[csv] shift_jis` in `kohyo.toml`, unless it is on already.
fn shift_jis_on(case: &mut Case) {
    let Some(bytes) = case.files.get_mut("kohyo.toml") else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    if text.contains("shift_jis = true") {
        return;
    }
    let text = format!("{text}\n[csv]\nshift_jis = true\n");
    *bytes = text.into_bytes();
    if !case.touched.iter().any(|t| t == "kohyo.toml") {
        case.touched.push("kohyo.toml".into());
    }
}

/// Deletes, empties, copies or adds a file.
fn file_level(case: &mut Case, rel: &str, names: &[String], rng: &mut Rng) -> String {
    fn touch(case: &mut Case, r: &str) {
        if !case.touched.iter().any(|t| t == r) {
            case.touched.push(r.to_string());
        }
    }
    match rng.below(6) {
        0 => {
            case.files.remove(rel);
            "deleted".into()
        }
        1 => {
            case.files.insert(rel.to_string(), Vec::new());
            touch(case, rel);
            "emptied".into()
        }
        2 => {
            case.files
                .insert(rel.to_string(), b"\xEF\xBB\xBF+++\n+++\n".to_vec());
            touch(case, rel);
            "bom and empty front matter".into()
        }
        3 => {
            // Copy into another file's folder under a new name.
            let other = rng.pick(names);
            let dir = other.rsplit_once('/').map_or("content", |(d, _)| d);
            let ext = rel.rsplit_once('.').map_or("toml", |(_, e)| e);
            let to = format!("{dir}/copy-{}.{ext}", rng.below(100));
            let bytes = case.files.get(rel).cloned().unwrap_or_default();
            case.files.insert(to.clone(), bytes);
            touch(case, &to);
            format!("copied to {to}")
        }
        4 => {
            // Change the extension.
            let Some(bytes) = case.files.remove(rel) else {
                return "gone".into();
            };
            let to = match rel.rsplit_once('.') {
                Some((stem, "md")) => format!("{stem}.toml"),
                Some((stem, _)) => format!("{stem}.md"),
                None => format!("{rel}.toml"),
            };
            case.files.insert(to.clone(), bytes);
            touch(case, &to);
            format!("renamed to {to}")
        }
        _ => {
            // A year folder far away.
            let Some((muni, rest)) = rel.strip_prefix("content/").and_then(|r| r.split_once('/'))
            else {
                return "not content".into();
            };
            let year = rng.pick(&[
                "0",
                "1",
                "9999",
                "1925",
                "R6",
                "令和6",
                "2024x",
                "99999999999999999999",
            ]);
            let tail = rest.split_once('/').map_or(rest, |(_, t)| t);
            let to = format!("content/{muni}/{year}/{tail}");
            let bytes = case.files.get(rel).cloned().unwrap_or_default();
            case.files.insert(to.clone(), bytes);
            touch(case, &to);
            format!("copied to {to}")
        }
    }
}

/// What a case did wrong, if anything.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Finding {
    /// An error with no file.
    NoFile(String),
    /// An error on a syntax-damaged file with no line.
    NoLine(String, String),
    /// Check failed without a single error.
    SilentFailure,
    /// Check passed but the build failed.
    BuildFailed(String),
}

/// Problems of a whole file, which have no line: its size, its counts over the limits, a file
/// gone (a byte flip in a name is not a mutation here, but a deleted `kohyo.toml` is).
fn about_the_whole_file(message: &str) -> bool {
    message.contains("over the limit")
        || message.starts_with("cannot read")
        || message.starts_with("more than")
}

/// Runs check, prints the report, and builds into `output` when check passed. Returns the
/// findings and whether check passed. Panics propagate (the caller catches them).
pub(crate) fn run(case: &Case, root: &Path, output: &Path, build: bool) -> (Vec<Finding>, bool) {
    let (site, report) = kohyo::check(root);
    let _ = report.render(false);
    let mut findings = Vec::new();
    for d in report.sorted() {
        if d.severity != kohyo::diagnostics::Severity::Error {
            continue;
        }
        match &d.file {
            None => findings.push(Finding::NoFile(d.message.clone())),
            Some(f)
                if d.span.is_none()
                    && case.syntax_damaged.iter().any(|s| s == f)
                    && !about_the_whole_file(&d.message) =>
            {
                findings.push(Finding::NoLine(f.clone(), d.message.clone()));
            }
            Some(_) => {}
        }
    }
    let passed = site.is_some() && !report.has_errors();
    if site.is_none() && !report.has_errors() {
        findings.push(Finding::SilentFailure);
    }
    if passed && build {
        let (_, result) = kohyo::build::build(root, Some(output));
        if let Err(e) = result {
            findings.push(Finding::BuildFailed(e.to_string()));
        }
    }
    (findings, passed)
}
