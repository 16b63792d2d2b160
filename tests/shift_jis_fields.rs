//! The fields `[csv] shift_jis` checks are listed by hand (`src/validate/shift_jis.rs`), after the
//! columns export writes. This test holds the list to the export: in a copy of the sample, 𠮷
//! (which Shift_JIS lacks) is appended to every string value of every content file and of
//! `kohyo.toml`; each value `kohyo check` then refuses (as a Shift_JIS error, or because the
//! value no longer means anything: a direction, a code, a date) gets its old text back, until
//! check passes. What is left with 𠮷 is what validation lets through, and the build must then
//! write every Shift_JIS copy: export's own check would fail it if any such value reached a CSV.

mod common;

use common::copy_sample;
use std::collections::BTreeMap;
use std::fs;
use std::ops::Range;
use std::path::Path;
use toml::de::{DeTable, DeValue};

const CHARACTER: &str = "𠮷";

/// A string value of a file: where its text ends (before the closing quotes), in the file as
/// read from the sample, and whether it carries the character now.
struct Value {
    insert_at: usize,
    /// The value's span, quotes included, in the sample's file.
    span: Range<usize>,
    on: bool,
}

/// Every string value of a TOML document that starts at `offset` in its file.
fn string_values(toml: &str, offset: usize, out: &mut Vec<Value>) {
    fn walk(v: &toml::Spanned<DeValue<'_>>, toml: &str, offset: usize, out: &mut Vec<Value>) {
        match v.get_ref() {
            DeValue::String(_) => {
                let span = v.span();
                let raw = &toml[span.clone()];
                let close = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
                    3
                } else {
                    1
                };
                out.push(Value {
                    insert_at: offset + span.end - close,
                    span: offset + span.start..offset + span.end,
                    on: true,
                });
            }
            DeValue::Table(t) => t.iter().for_each(|(_, v)| walk(v, toml, offset, out)),
            DeValue::Array(a) => a.iter().for_each(|v| walk(v, toml, offset, out)),
            _ => {}
        }
    }
    let doc = DeTable::parse(toml).expect("the sample parses");
    for (_, v) in doc.get_ref().iter() {
        walk(v, toml, offset, out);
    }
}

/// The TOML of a content file and where it starts: the whole file, or a Markdown file's front
/// matter between its `+++` lines.
fn toml_part(rel: &str, text: &str) -> (usize, usize) {
    if rel.ends_with(".md") {
        let start = text.find('\n').unwrap() + 1;
        let end = start + text[start..].find("\n+++").unwrap() + 1;
        (start, end)
    } else {
        (0, text.len())
    }
}

/// The file's text with the character appended to each value that is on.
fn with_character(text: &str, values: &[Value]) -> String {
    let mut out = text.to_string();
    for v in values.iter().rev().filter(|v| v.on) {
        out.insert_str(v.insert_at, CHARACTER);
    }
    out
}

/// Where a byte of the edited file was in the sample's file (the character inserted before it
/// counted out), to find the value an error points at.
fn original_offset(at: usize, values: &[Value]) -> usize {
    let mut shift = 0;
    for v in values.iter().filter(|v| v.on) {
        if v.insert_at + shift + CHARACTER.len() <= at {
            shift += CHARACTER.len();
        } else if v.insert_at + shift <= at {
            // Inside the inserted character: the value it was appended to.
            return v.insert_at.saturating_sub(1);
        }
    }
    at - shift
}

#[test]
fn every_text_check_lets_through_stays_out_of_the_shift_jis_csv_files() {
    let site = copy_sample();
    let root = site.path();
    let config = root.join("kohyo.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{text}\n[csv]\nshift_jis = true\n")).unwrap();

    // The sample's files and their string values.
    let mut files: BTreeMap<String, (String, Vec<Value>)> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !entry.file_type().is_file() || !(rel.ends_with(".toml") || rel.ends_with(".md")) {
            continue;
        }
        let text = fs::read_to_string(entry.path()).unwrap();
        let (start, end) = toml_part(&rel, &text);
        let mut values = Vec::new();
        string_values(&text[start..end], start, &mut values);
        // In the order of the text (tables iterate by key).
        values.sort_by_key(|v| v.insert_at);
        files.insert(rel, (text, values));
    }
    let all: usize = files.values().map(|f| f.1.len()).sum();
    assert!(all > 1000, "only {all} string values in the sample");

    let write = |root: &Path, files: &BTreeMap<String, (String, Vec<Value>)>| {
        for (rel, (text, values)) in files {
            fs::write(root.join(rel), with_character(text, values)).unwrap();
        }
    };
    let mut shift_jis_errors = 0;
    let mut rounds = 0;
    loop {
        write(root, &files);
        let (site, report) = kohyo::check(root);
        let errors: Vec<_> = report
            .sorted()
            .into_iter()
            .filter(|d| d.severity == kohyo::diagnostics::Severity::Error)
            .collect();
        if errors.is_empty() {
            assert!(site.is_some());
            break;
        }
        rounds += 1;
        assert!(
            rounds <= 200,
            "check still fails after 200 rounds: {:#?}",
            errors
                .iter()
                .take(20)
                .map(|d| (report.location(d), &d.message))
                .collect::<Vec<_>>()
        );
        let mut reverted = 0;
        for d in &errors {
            if d.span.is_none() && d.message.starts_with("more than") {
                // A file's list is cut at 50: the rest shows in the next round.
                continue;
            }
            let (Some(file), Some(span)) = (&d.file, &d.span) else {
                panic!("an error without a place: {d:?}");
            };
            let Some((_, values)) = files.get_mut(file.as_str()) else {
                panic!("an error in {file}, which is no content file: {d:?}");
            };
            let at = original_offset(span.start, values);
            let hit = values
                .iter_mut()
                .filter(|v| v.on && v.span.start <= at && at < v.span.end)
                .last();
            if let Some(v) = hit {
                v.on = false;
                reverted += 1;
                shift_jis_errors += usize::from(d.message.contains("Shift_JIS"));
            }
        }
        assert!(
            reverted > 0,
            "errors that point at no edited value: {:#?}",
            errors
                .iter()
                .map(|d| report.location(d))
                .collect::<Vec<_>>()
        );
    }
    let kept: usize = files
        .values()
        .map(|f| f.1.iter().filter(|v| v.on).count())
        .sum();
    eprintln!(
        "check passed after {rounds} rounds: {shift_jis_errors} Shift_JIS errors, {kept} of {all} values kept {CHARACTER}"
    );
    // Both sides are large: validation refused many values as bound for a CSV file, and let
    // many others through (narrative sections, bodies of measures' text that no CSV holds …).
    assert!(
        shift_jis_errors > 300,
        "{shift_jis_errors} Shift_JIS errors"
    );
    assert!(kept > 100, "{kept} of {all} values kept the character");

    let out = tempfile::tempdir().unwrap();
    let (report, result) = kohyo::build::build(root, Some(&out.path().join("public")));
    if let Err(e) = result {
        panic!(
            "check passed with {kept} values holding {CHARACTER}, but the build failed: {e}\n{}",
            report.render(false)
        );
    }
}
