//! Control characters in content text: finding every one a file's text holds, raw or written as
//! a TOML escape, and saying where.
//!
//! A control character (Rust's [`char::is_control`]: C0 U+0000–U+001F, DEL U+007F, C1
//! U+0080–U+009F) other than tab, LF and CR is forbidden in HTML ("Forbidden code point"), shows
//! as a box in a browser and breaks CSV files in Japanese Excel. Such characters usually come
//! from text copied out of a PDF or a spreadsheet. Every file is checked as it is loaded, so
//! that no text reaching a page or a CSV file holds one (the render step relies on that: it uses
//! U+0000 as an internal marker).
//!
//! The check must cost nothing on the files that pass, which are nearly all of them: one scan of
//! the bytes looks for a raw control character and for a backslash that could start an escape
//! making one (`\b`, `\e`, `\f`, `\x…`, `\u…`, `\U…`). Only when that scan finds a candidate is
//! the text looked at closely, and only an escape candidate makes the TOML be parsed a second
//! time (into [`DeTable`], spans kept), to tell an escape in a basic string from `\\b` or from a
//! backslash in a literal string or a comment.
//!
//! Markdown makes characters too: a numeric character reference such as `&#12;` becomes the
//! character itself in the page (CommonMark), so one that makes a control character is an error
//! as well, in a Markdown body and in any TOML text (which fields are Markdown is render's
//! business, and such a reference is no real text anywhere).

use crate::diagnostics::{Diagnostic, is_forbidden_control as is_forbidden};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What the hint of a raw control character says.
const RAW_HINT: &str =
    "delete it; such characters often come from text copied out of a PDF or a spreadsheet";

/// What the hint of an escape that makes a control character says.
const ESCAPE_HINT: &str = "delete the escape: TOML turns it into the character itself; \
for a line break in the text, write \\n or use a \"\"\"multi-line string\"\"\"";

/// The control characters found in a file's text, each as an error, and the text with each
/// raw character and escape blanked to spaces (same length, same offsets), so that the rest of
/// the file can still be checked without the parser tripping on them again.
#[derive(Debug)]
pub(super) struct Found {
    /// One error per control character, raw or escaped, in the order of the text.
    pub(super) diagnostics: Vec<Diagnostic>,
    /// The text with every reported character or escape replaced by spaces.
    pub(super) blanked: String,
}

/// What the cheap scan of a text's bytes saw.
#[derive(Debug, Default, Clone, Copy)]
struct Scan {
    /// A raw control character (other than tab, LF and CR).
    raw: bool,
    /// A backslash followed by a letter that starts an escape able to make a control character.
    escape: bool,
    /// `&#`, which may start a numeric character reference.
    reference: bool,
}

/// Scans `text` once, as bytes. Chunks without any byte of interest (a C0 byte other than tab,
/// LF and CR, DEL, the lead byte 0xC2 of U+0080–U+00BF, a backslash, an ampersand) are skipped
/// with a test the compiler vectorises; the rare chunk with one is looked at byte by byte.
fn scan(text: &str) -> Scan {
    const CHUNK: usize = 64;
    let bytes = text.as_bytes();
    let mut found = Scan::default();
    for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
        let interesting = chunk.iter().fold(false, |any, &b| {
            any | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
                | (b == 0x7F)
                | (b == 0xC2)
                | (b == b'\\')
                | (b == b'&')
        });
        if !interesting {
            continue;
        }
        for (i, &b) in chunk.iter().enumerate() {
            let next = bytes.get(n * CHUNK + i + 1).copied();
            match b {
                b'\\' => {
                    found.escape |= matches!(next, Some(b'b' | b'e' | b'f' | b'x' | b'u' | b'U'))
                }
                b'&' => found.reference |= next == Some(b'#'),
                0xC2 => found.raw |= matches!(next, Some(0x80..=0x9F)),
                0x7F => found.raw = true,
                b'\t' | b'\n' | b'\r' => {}
                b if b < 0x20 => found.raw = true,
                _ => {}
            }
        }
    }
    found
}

/// The control characters of a Markdown body: raw, or made by a numeric character reference
/// (`&#12;`), as errors in `file` at their offset in `text` plus `base`.
pub(super) fn in_text(file: &str, text: &str, base: usize) -> Vec<Diagnostic> {
    let seen = scan(text);
    let mut found = Vec::new();
    if seen.raw {
        found.extend(raw_chars(text).map(|(at, c)| raw_error(file, c, at..at + c.len_utf8())));
    }
    if seen.reference {
        found.extend(references(text).map(|(span, c)| reference_error(file, c, span, text)));
    }
    for d in &mut found {
        d.span = d.span.take().map(|s| base + s.start..base + s.end);
    }
    found
}

/// The control characters of TOML `text`: raw anywhere, made by an escape in a basic string
/// (a key too), or by a numeric character reference (`&#12;`, which Markdown turns into the
/// character). `None` when there is none, which is nearly always and costs one scan of the
/// bytes.
pub(super) fn in_toml(file: &str, text: &str) -> Option<Found> {
    let seen = scan(text);
    if !seen.raw && !seen.escape && !seen.reference {
        return None;
    }
    let mut diagnostics = Vec::new();
    let mut blanked = text.to_string();
    if seen.raw {
        for (at, c) in raw_chars(text) {
            let span = at..at + c.len_utf8();
            blank(&mut blanked, &span);
            diagnostics.push(raw_error(file, c, span));
        }
    }
    if seen.escape {
        for (span, c, escape) in escaped(&blanked) {
            // Only an escape itself is blanked: a whole string's span would take its quotes.
            if escape.is_some() {
                blank(&mut blanked, &span);
            }
            diagnostics.push(escape_error(file, c, escape.as_deref(), span));
        }
    }
    if seen.reference {
        diagnostics.extend(references(text).map(|(span, c)| reference_error(file, c, span, text)));
    }
    if diagnostics.is_empty() {
        return None;
    }
    diagnostics.sort_by_key(|d| d.span.as_ref().map(|s| s.start));
    Some(Found {
        diagnostics,
        blanked,
    })
}

/// Every numeric character reference of `text` that Markdown turns into a forbidden character,
/// with its span: `&#` then 1–7 decimal digits, or `x`/`X` and 1–6 hexadecimal ones, then `;`
/// (CommonMark's rule; `&#0;` becomes U+FFFD, not U+0000).
fn references(text: &str) -> impl Iterator<Item = (Range<usize>, char)> + '_ {
    text.match_indices("&#").filter_map(|(at, _)| {
        let rest = &text[at + 2..];
        let (radix, digits_at, max) = match rest.as_bytes().first() {
            Some(b'x' | b'X') => (16, 1, 6),
            _ => (10, 0, 7),
        };
        let digits = &rest[digits_at..];
        let len = digits
            .bytes()
            .take_while(|b| b.is_ascii_digit() || (radix == 16 && b.is_ascii_hexdigit()))
            .count();
        if len == 0 || len > max || digits.as_bytes().get(len) != Some(&b';') {
            return None;
        }
        let c = u32::from_str_radix(&digits[..len], radix)
            .ok()
            .and_then(char::from_u32)?;
        let end = at + 2 + digits_at + len + 1;
        Some((at..end, c)).filter(|_| is_forbidden(c) && c != '\0')
    })
}

/// Every raw forbidden character of `text` with its byte offset.
fn raw_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    text.char_indices().filter(|(_, c)| is_forbidden(*c))
}

/// Replaces the bytes of `span` (whole characters, ASCII or a 2-byte C1 character, or an
/// ASCII escape) with spaces.
fn blank(text: &mut String, span: &Range<usize>) {
    let spaces = " ".repeat(span.len());
    text.replace_range(span.clone(), &spaces);
}

/// The error of a raw control character.
fn raw_error(file: &str, c: char, span: Range<usize>) -> Diagnostic {
    Diagnostic::error(format!(
        "a control character ({}) cannot appear in a web page or a CSV file",
        describe(c)
    ))
    .in_file(file)
    .at(span)
    .hint(RAW_HINT)
}

/// The error of a numeric character reference (in `text` at `span`) that makes a control
/// character.
fn reference_error(file: &str, c: char, span: Range<usize>, text: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "the character reference {} makes a control character ({}), which cannot appear in a \
         web page or a CSV file",
        &text[span.clone()],
        describe(c)
    ))
    .in_file(file)
    .at(span)
    .hint("delete it: Markdown turns it into the character itself")
}

/// The error of an escape that makes a control character (`escape` is as written: `\f`), or
/// of a string that holds one where the escape could not be told (`None`).
fn escape_error(file: &str, c: char, escape: Option<&str>, span: Range<usize>) -> Diagnostic {
    let what = match escape {
        Some(escape) => format!("the escape {escape} makes"),
        None => "this string holds".to_string(),
    };
    Diagnostic::error(format!(
        "{what} a control character ({}), which cannot appear in a web page or a CSV file",
        describe(c)
    ))
    .in_file(file)
    .at(span)
    .hint(ESCAPE_HINT)
}

/// The escapes of TOML `text` that make a forbidden character: each one's span, the character
/// and the escape as written. `text` has no raw control character left (they are blanked), so
/// the only parse errors are the file's own; the strings before and after one are still checked.
fn escaped(text: &str) -> Vec<(Range<usize>, char, Option<String>)> {
    let (root, _errors) = DeTable::parse_recoverable(text);
    let mut strings = Vec::new();
    strings_of_table(root.get_ref(), &mut strings);
    let mut found = Vec::new();
    for (span, value) in strings {
        let Some(c) = value.chars().find(|c| is_forbidden(*c)) else {
            continue;
        };
        let raw = text.get(span.clone()).unwrap_or("");
        let before = found.len();
        found.extend(escapes_in(raw).filter_map(|(at, len, c)| {
            let escape = raw[at..at + len].to_string();
            let span = span.start + at..span.start + at + len;
            Some((span, c, Some(escape))).filter(|_| is_forbidden(c))
        }));
        if found.len() == before {
            // Not found in the raw text (a value without a span of its own): point at the value.
            found.push((span, c, None));
        }
    }
    found.sort_by_key(|(span, _, _)| span.start);
    found.dedup_by_key(|(span, _, _)| span.start);
    found
}

/// The spans and values of every string of a table, keys included, at any depth.
fn strings_of_table<'t>(table: &'t DeTable<'_>, out: &mut Vec<(Range<usize>, &'t str)>) {
    for (key, value) in table.iter() {
        out.push((key.span(), key.get_ref()));
        strings_of_value(value, out);
    }
}

/// [`strings_of_table`] of one value.
fn strings_of_value<'t>(value: &'t Spanned<DeValue<'_>>, out: &mut Vec<(Range<usize>, &'t str)>) {
    match value.get_ref() {
        DeValue::String(s) => out.push((value.span(), s)),
        DeValue::Table(t) => strings_of_table(t, out),
        DeValue::Array(a) => a.iter().for_each(|v| strings_of_value(v, out)),
        _ => {}
    }
}

/// The escapes of a basic string as written (`raw` with its quotes): each one's offset in `raw`,
/// length and the character it makes. Nothing for a literal string (`'…'`), which has none.
fn escapes_in(raw: &str) -> impl Iterator<Item = (usize, usize, char)> + '_ {
    let basic = raw.starts_with('"');
    let bytes = raw.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while basic && i < bytes.len() {
            let at = i;
            i += 1;
            if bytes[at] != b'\\' {
                continue;
            }
            let &id = bytes.get(at + 1)?;
            i += 1;
            let digits = match id {
                b'b' => return Some((at, 2, '\u{8}')),
                b'e' => return Some((at, 2, '\u{1b}')),
                b'f' => return Some((at, 2, '\u{c}')),
                b'x' => 2,
                b'u' => 4,
                b'U' => 8,
                // `\\`, `\"`, `\n`, `\r`, `\t`, or a line-ending backslash.
                _ => continue,
            };
            let hex = raw.get(at + 2..at + 2 + digits)?;
            i += digits;
            // `from_str_radix` would take a sign, which TOML does not.
            let hex = Some(hex).filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
            if let Some(c) = hex
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
            {
                return Some((at, 2 + digits, c));
            }
        }
        None
    })
}

/// A control character as the Unicode standard names it: `U+000C FORM FEED`.
fn describe(c: char) -> String {
    let code = u32::from(c);
    let name = match code {
        0x00..=0x1F => C0_NAMES.get(code as usize).copied(),
        0x7F => Some("DELETE"),
        0x80..=0x9F => C1_NAMES.get(code as usize - 0x80).copied(),
        _ => None,
    };
    match name {
        Some(name) => format!("U+{code:04X} {name}"),
        None => format!("U+{code:04X}"),
    }
}

/// The names (or, where Unicode gives none, the usual alias) of U+0000–U+001F.
const C0_NAMES: [&str; 32] = [
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "BELL",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED",
    "LINE TABULATION",
    "FORM FEED",
    "CARRIAGE RETURN",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "INFORMATION SEPARATOR FOUR",
    "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
];

/// The names (or aliases) of U+0080–U+009F. In text these are most often Windows-1252
/// punctuation read as Latin-1 (U+0085 for "…", U+0091–U+0094 for curly quotes).
const C1_NAMES: [&str; 32] = [
    "PADDING CHARACTER",
    "HIGH OCTET PRESET",
    "BREAK PERMITTED HERE",
    "NO BREAK HERE",
    "INDEX",
    "NEXT LINE",
    "START OF SELECTED AREA",
    "END OF SELECTED AREA",
    "CHARACTER TABULATION SET",
    "CHARACTER TABULATION WITH JUSTIFICATION",
    "LINE TABULATION SET",
    "PARTIAL LINE FORWARD",
    "PARTIAL LINE BACKWARD",
    "REVERSE LINE FEED",
    "SINGLE SHIFT TWO",
    "SINGLE SHIFT THREE",
    "DEVICE CONTROL STRING",
    "PRIVATE USE ONE",
    "PRIVATE USE TWO",
    "SET TRANSMIT STATE",
    "CANCEL CHARACTER",
    "MESSAGE WAITING",
    "START OF GUARDED AREA",
    "END OF GUARDED AREA",
    "START OF STRING",
    "SINGLE GRAPHIC CHARACTER INTRODUCER",
    "SINGLE CHARACTER INTRODUCER",
    "CONTROL SEQUENCE INTRODUCER",
    "STRING TERMINATOR",
    "OPERATING SYSTEM COMMAND",
    "PRIVACY MESSAGE",
    "APPLICATION PROGRAM COMMAND",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The errors of TOML `text`, each as the text its span covers and its message up to " (".
    fn errors(text: &str) -> Vec<(&str, String)> {
        in_toml("f.toml", text)
            .map(|f| f.diagnostics)
            .unwrap_or_default()
            .into_iter()
            .map(|d| {
                let span = d.span.unwrap();
                let message = d.message.split(" (").next().unwrap().to_string();
                (&text[span], message)
            })
            .collect()
    }

    #[test]
    fn every_escape_that_makes_a_control_character_is_found() {
        let forbidden = [
            r"\u0000",
            r"\u0001",
            r"\u0008",
            r"\u000B",
            r"\u000c",
            r"\u001F",
            r"\u007F",
            r"\u0080",
            r"\u0085",
            r"\u009f",
            r"\U00000000",
            r"\U0000001b",
            r"\U0000009F",
            r"\x00",
            r"\x1F",
            r"\x7f",
            r"\x9B",
            r"\b",
            r"\f",
            r"\e",
        ];
        for escape in forbidden {
            for text in [
                format!("a = \"x{escape}y\"\n"),
                format!("a = \"\"\"\nx\\\n  {escape}\"\"\"\n"),
                format!("\"k{escape}\" = 1\n"),
                format!("[t.\"{escape}\"]\n"),
                format!("a = [1, {{ b = [\"{escape}\"] }}]\n"),
            ] {
                let errs = errors(&text);
                assert_eq!(errs.len(), 1, "{text:?}: {errs:?}");
                assert_eq!(errs[0].0, escape, "{text:?}");
                assert_eq!(
                    errs[0].1,
                    format!("the escape {escape} makes a control character"),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn escapes_that_make_no_control_character_are_not_errors() {
        for text in [
            r#"a = "\t\n\r\u0009\u000A\u000d\U0000000a\x09""#,
            r#"a = "\\b \\f \\u0001 \\\\e""#,
            r#"a = "\u3000\u00A0\u00a9\U0001F600\x20\"\\""#,
            "a = 'C:\\bin\\file \\u0001'\nb = '''\\f\\e\\x00'''\n",
            "# \\u0001 \\f in a comment\na = 1 # \\b\n",
            "a = \"\"\"\nline \\\n  next\\\\b\"\"\"\n",
            "a = \"&#9; &#10; &#x0D; &#0; &#12 &amp;#12; &#12345; &#x3000; &#99999999;\"\n",
        ] {
            assert!(DeTable::parse(text).is_ok(), "{text:?} is not valid TOML");
            assert_eq!(errors(text), [], "{text:?}");
        }
    }

    #[test]
    fn raw_characters_are_found_and_blanked() {
        let text = "a = \"x\u{c}y\u{85}z\u{7f}\"\n# \u{1}\nb = 1\t\r\n";
        let found = in_toml("f.toml", text).unwrap();
        let spans: Vec<_> = found
            .diagnostics
            .iter()
            .map(|d| d.span.clone().unwrap())
            .collect();
        assert_eq!(spans, [6..7, 8..10, 11..12, 16..17]);
        assert_eq!(found.blanked, "a = \"x y  z \"\n#  \nb = 1\t\r\n");
        assert!(found.diagnostics[1].message.contains("(U+0085 NEXT LINE)"));
    }

    #[test]
    fn a_syntax_error_elsewhere_does_not_hide_an_escape() {
        let text = "a = \"\\u0001\"\nb = \nc = \"\\f\"\n";
        let errs: Vec<&str> = errors(text).into_iter().map(|e| e.0).collect();
        assert_eq!(errs, [r"\u0001", r"\f"]);
    }

    #[test]
    fn character_references_that_make_a_control_character_are_found() {
        let text = "本文 &#12; と &#x85; と &#X1b; と &#127;";
        let found: Vec<&str> = in_text("f.md", text, 100)
            .iter()
            .map(|d| {
                let span = d.span.clone().unwrap();
                &text[span.start - 100..span.end - 100]
            })
            .collect();
        assert_eq!(found, ["&#12;", "&#x85;", "&#X1b;", "&#127;"]);
        assert_eq!(errors("a = \"&#8;\"\n")[0].0, "&#8;");
    }

    #[test]
    fn the_scan_sees_across_chunk_boundaries() {
        for pad in 60..70 {
            let text = format!("{}\\f", " ".repeat(pad));
            assert!(scan(&text).escape, "{pad}");
            let text = format!("{}\u{85}", " ".repeat(pad));
            assert!(scan(&text).raw, "{pad}");
            let text = format!("{}&#", " ".repeat(pad));
            assert!(scan(&text).reference, "{pad}");
        }
        let clean = scan(&"日本語の本文\t\r\n© ° ± \\n \\\\ \\t\n".repeat(100));
        assert!(!clean.raw && !clean.escape && !clean.reference);
    }

    #[test]
    fn names_are_unicode_s() {
        assert_eq!(describe('\0'), "U+0000 NULL");
        assert_eq!(describe('\u{c}'), "U+000C FORM FEED");
        assert_eq!(describe('\u{7f}'), "U+007F DELETE");
        assert_eq!(describe('\u{9f}'), "U+009F APPLICATION PROGRAM COMMAND");
    }
}
