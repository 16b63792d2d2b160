//! `[csv] shift_jis = true`: a character Shift_JIS (CP932) cannot hold is found by `kohyo check`,
//! as an error at the character's own `file:line:column` in the file that wrote it, in every field
//! whose text reaches a CSV file, and in no other (comments, narrative sections, Markdown bodies).
//! With `shift_jis` off nothing is checked. Sites are copies of the sample in temp folders.

mod common;

use common::{check_errors, copy_sample};
use std::fs;
use std::path::Path;
use std::process::Command;

const PROJECT: &str = "content/joso/2024/projects/124.toml";
const ACTION: &str = "content/tsukubamirai/2024/actions/1-1.md";
const MUNICIPALITY: &str = "content/joso/municipality.toml";

/// Replaces `from` (which must be there) with `to` in `rel`.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn shift_jis_on(root: &Path) {
    let path = root.join("kohyo.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\n[csv]\nshift_jis = true\n")).unwrap();
}

/// `file:line:column` of the first `needle` in `rel` (column in characters, as printed).
fn location_of(root: &Path, rel: &str, needle: &str) -> String {
    let text = fs::read_to_string(root.join(rel)).unwrap();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{rel} lacks {needle:?}"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    format!("{rel}:{line}:{column}")
}

/// `kohyo check`'s errors, each as (`file:line:column`, field, message).
fn errors(root: &Path) -> Vec<(String, String, String)> {
    check_errors(root)
        .into_iter()
        .map(|(at, d)| (at, d.field.unwrap_or_default(), d.message))
        .collect()
}

/// The sample with 𠮷 in a sheet's name, an emoji in an action item's 実施内容 (Markdown, in the
/// front matter), and characters no CSV file holds: in comments, a narrative section and a
/// Markdown body.
fn site_with_characters() -> tempfile::TempDir {
    let site = copy_sample();
    let root = site.path();
    edit(root, PROJECT, "name = \"教育機関", "name = \"𠮷教育機関");
    edit(root, PROJECT, "# 出典:", "# 😀 出典:");
    edit(root, PROJECT, "市民ニーズの多様化", "市民ニーズ😀の多様化");
    edit(
        root,
        ACTION,
        "を受講し、地方公務員",
        "を受講し😀、地方公務員",
    );
    edit(root, ACTION, "# 総括評価:", "# 𠮷 総括評価:");
    edit(root, ACTION, "多様な研修を実施し", "多様な研修😀を実施し");
    site
}

#[test]
fn kohyo_check_prints_each_character_at_its_place_and_fails() {
    let site = site_with_characters();
    let root = site.path();
    shift_jis_on(root);
    let name_at = location_of(root, PROJECT, "𠮷教育機関");
    let work_at = location_of(root, ACTION, "😀、地方公務員");
    let out = Command::new(env!("CARGO_BIN_EXE_kohyo"))
        .args(["check", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let printed = String::from_utf8_lossy(&out.stderr);
    for (at, field, character) in [
        (&name_at, "name", "「𠮷」 (U+20BB7)"),
        (&work_at, "measures[0].work", "「😀」 (U+1F600)"),
    ] {
        let line = format!("error: {field}: {character} cannot be written in Shift_JIS (CP932)");
        assert!(printed.contains(&line), "no {line:?} in {printed}");
        assert!(
            printed.contains(&format!("┌─ {at}\n")),
            "no {at} in {printed}"
        );
    }
    assert!(printed.contains("hint: write 「吉」 instead"), "{printed}");
    assert!(printed.contains("turn off `shift_jis`"), "{printed}");
    assert!(printed.contains("error: 2 errors"), "{printed}");
    // The same two, and only them, from the library.
    let errs = errors(root);
    let at: Vec<(&str, &str)> = errs.iter().map(|e| (e.0.as_str(), e.1.as_str())).collect();
    assert_eq!(
        at,
        [
            (name_at.as_str(), "name"),
            (work_at.as_str(), "measures[0].work")
        ]
    );
}

#[test]
fn with_shift_jis_off_nothing_is_checked() {
    let site = site_with_characters();
    assert_eq!(errors(site.path()), []);
}

#[test]
fn characters_in_comments_sections_and_bodies_are_no_errors() {
    let site = site_with_characters();
    let root = site.path();
    shift_jis_on(root);
    // Put the two characters that reach a CSV file back as they were.
    edit(root, PROJECT, "𠮷教育機関", "教育機関");
    edit(root, ACTION, "を受講し😀、", "を受講し、");
    assert_eq!(errors(root), []);
}

#[test]
fn a_grade_label_of_kohyo_toml_is_an_error_in_kohyo_toml_not_in_the_sheets() {
    let site = copy_sample();
    let root = site.path();
    edit(
        root,
        "kohyo.toml",
        "tolerance_percent = 3\n",
        "tolerance_percent = 3\ngrades = [\n  { mark = \"◎\", label = \"目標達成\" },\n  { mark = \"○\", label = \"概ね達成👍\", min_rate = 80 },\n  { mark = \"×\", label = \"未達成\" },\n]\n",
    );
    shift_jis_on(root);
    let errs = errors(root);
    let want = location_of(root, "kohyo.toml", "👍");
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].0, want);
    assert_eq!(errs[0].1, "achievement.grades[1].label");
}

#[test]
fn a_municipality_name_is_an_error_in_municipality_toml() {
    let site = copy_sample();
    let root = site.path();
    edit(
        root,
        MUNICIPALITY,
        "name = \"常総市\"",
        "name = \"常総市😀\"",
    );
    shift_jis_on(root);
    let errs = errors(root);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].0, location_of(root, MUNICIPALITY, "😀"));
    assert_eq!(errs[0].1, "name");
}

#[test]
fn a_character_made_by_an_escape_points_at_its_string() {
    let site = copy_sample();
    let root = site.path();
    edit(
        root,
        PROJECT,
        "legal_basis = \"—\"",
        "legal_basis = \"法\\U00020BB7\"",
    );
    shift_jis_on(root);
    let errs = errors(root);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].0, location_of(root, PROJECT, "\"法\\U"));
    assert_eq!(errs[0].1, "legal_basis");
    assert!(
        errs[0]
            .2
            .starts_with("an escape in this string makes 「𠮷」 (U+20BB7)"),
        "{}",
        errs[0].2
    );
}

#[test]
fn the_sample_builds_with_shift_jis_copies() {
    let site = copy_sample();
    let root = site.path();
    shift_jis_on(root);
    let out = tempfile::tempdir().unwrap();
    let (report, result) = kohyo::build::build(root, Some(&out.path().join("public")));
    assert!(result.is_ok(), "{}", report.render(false));
    let sjis = fs::read(out.path().join("public/joso/2024/kpi-sjis.csv")).unwrap();
    let (_, _, errors) = encoding_rs::SHIFT_JIS.decode(&sjis);
    assert!(!errors);
}
