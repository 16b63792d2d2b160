//! Control characters in content text (a form feed copied out of a PDF, a `\u0001` escape) are
//! an error at their `file:line:column`, one per character, on every path that loads content:
//! `kohyo check` on a site, `kohyo.toml`, Markdown bodies and `load_text`. Tabs, CRLF line ends
//! and backslashes that make no control character are not. Sites are the `tests/fixtures/base`
//! fixture copied into a temp folder, with one file changed.

mod common;

use common::{check_errors, copy_tree};
use std::fs;
use std::path::{Path, PathBuf};

const PROJECT: &str = "content/testcity/2024/projects/101.toml";
const ACTION: &str = "content/testcity/2024/actions/1-1.md";

fn base() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base")
}

/// The base fixture in a temp folder with `rel` changed by `edit`.
fn site_with(rel: &str, edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&base(), dir.path());
    let path = dir.path().join(rel);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, edit(text)).unwrap();
    dir
}

/// The base fixture with `from` replaced by `to` in `rel` (which must hold `from`).
fn site_replacing(rel: &str, from: &str, to: &str) -> tempfile::TempDir {
    site_with(rel, |text| {
        assert!(text.contains(from), "{rel} lacks {from:?}");
        text.replacen(from, to, 1)
    })
}

/// `kohyo check`'s errors, each as (`file:line:column`, message, hint).
fn errors(root: &Path) -> Vec<(String, String, String)> {
    check_errors(root)
        .into_iter()
        .map(|(at, d)| (at, d.message, d.hint.unwrap_or_default()))
        .collect()
}

/// Asserts that `root` has exactly one error, at `location`, whose message starts with `message`.
fn assert_one(root: &Path, location: &str, message: &str) -> String {
    let errs = errors(root);
    assert_eq!(errs.len(), 1, "expected one error, got {errs:#?}");
    let (loc, msg, hint) = errs.into_iter().next().unwrap();
    assert_eq!(loc, location, "{msg}");
    assert!(
        msg.starts_with(message),
        "{msg:?} does not start with {message:?}"
    );
    hint
}

#[test]
fn a_form_feed_in_a_markdown_body() {
    let site = site_replacing(ACTION, "本文", "本\u{c}文");
    let hint = assert_one(
        site.path(),
        &format!("{ACTION}:24:2"),
        "a control character (U+000C FORM FEED) cannot appear in a web page or a CSV file",
    );
    assert!(hint.contains("copied out of a PDF"), "{hint}");
}

#[test]
fn a_character_reference_in_a_markdown_body() {
    // Markdown turns `&#12;` into the form feed itself.
    let site = site_replacing(ACTION, "本文", "本文&#12;");
    assert_one(
        site.path(),
        &format!("{ACTION}:24:3"),
        "the character reference &#12; makes a control character (U+000C FORM FEED)",
    );
}

#[test]
fn a_raw_control_character_in_a_toml_string_is_one_clear_error() {
    // TOML itself refuses a raw U+0008 in a string; the user sees kohyo's message, not both.
    let site = site_replacing(PROJECT, "活動A", "活動\u{8}A");
    assert_one(
        site.path(),
        &format!("{PROJECT}:9:11"),
        "a control character (U+0008 BACKSPACE)",
    );
    // TOML accepts a raw C1 character (U+0085 NEXT LINE, a Windows-1252 "…" read as Latin-1).
    let site = site_replacing(PROJECT, "テスト事業", "テスト\u{85}事業");
    assert_one(
        site.path(),
        &format!("{PROJECT}:3:12"),
        "a control character (U+0085 NEXT LINE)",
    );
}

#[test]
fn a_u0001_escape_in_a_toml_string() {
    let site = site_replacing(PROJECT, "活動A", "活動\\u0001A");
    let hint = assert_one(
        site.path(),
        &format!("{PROJECT}:9:11"),
        "the escape \\u0001 makes a control character (U+0001 START OF HEADING)",
    );
    assert!(hint.contains("delete the escape"), "{hint}");
}

#[test]
fn a_form_feed_escape_in_front_matter() {
    let site = site_replacing(
        ACTION,
        "title = \"テスト項目\"",
        "title = \"テスト\\f項目\"",
    );
    assert_one(
        site.path(),
        &format!("{ACTION}:4:13"),
        "the escape \\f makes a control character (U+000C FORM FEED)",
    );
}

#[test]
fn a_nul_escape_in_the_site_title() {
    let site = site_with("kohyo.toml", |_| "title = \"fix\\u0000ture\"\n".into());
    assert_one(
        site.path(),
        "kohyo.toml:1:13",
        "the escape \\u0000 makes a control character (U+0000 NULL)",
    );
}

#[test]
fn every_control_character_of_a_file_is_reported_with_its_other_problems() {
    let site = site_with(PROJECT, |text| {
        text.replacen("活動A", "活\u{1}動\\x1fA\\U0000009f", 1)
            .replacen("unit = \"人\"", "unit = \"人\"\ntagret = 1", 1)
    });
    let errs = errors(site.path());
    let got: Vec<(&str, &str)> = errs
        .iter()
        .map(|(loc, msg, _)| {
            (
                loc.as_str(),
                msg.split([',', '(']).next().unwrap().trim_end(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (&*format!("{PROJECT}:9:10"), "a control character"),
            (
                &*format!("{PROJECT}:9:12"),
                "the escape \\x1f makes a control character"
            ),
            (
                &*format!("{PROJECT}:9:17"),
                "the escape \\U0000009f makes a control character"
            ),
            (&*format!("{PROJECT}:16:1"), "unknown field `tagret`"),
        ],
        "{errs:#?}"
    );
}

#[test]
fn tabs_crlf_and_harmless_backslashes_are_not_control_characters() {
    let site = site_with(PROJECT, |text| {
        let text = text
            .replacen(
                "活動A",
                "活動\tA\\t\\n\\r\\u0009\\u000A\\u000d\\\\b\\\\u0001\\u3000",
                1,
            )
            .replacen(
                "money_unit",
                "# a comment with \\u0001 and \\f\nmoney_unit",
                1,
            )
            .replacen(
                "unit = \"人\"",
                "unit = '人 C:\\bin\\file \\u0001'\nnote = '''\\f\\e\\x00'''",
                1,
            );
        text.replace('\n', "\r\n")
    });
    assert_eq!(errors(site.path()), []);
    let site = site_with(ACTION, |text| {
        text.replace("本文", "本\t文\\f \\u0001 &amp;#12; &#9; &#12")
            .replace('\n', "\r\n")
    });
    assert_eq!(errors(site.path()), []);
}

#[test]
fn load_text_checks_too() {
    let municipality =
        fs::read_to_string(base().join("content/testcity/municipality.toml")).unwrap();
    let text = fs::read_to_string(base().join(ACTION))
        .unwrap()
        .replace("本文", "本\u{7f}文");
    let (_, report) = kohyo::load::load_text("testcity/2024/actions/1-1.md", &text, &municipality);
    let errs: Vec<String> = report
        .sorted()
        .into_iter()
        .map(|d| format!("{}: {}", report.location(d).unwrap_or_default(), d.message))
        .collect();
    assert_eq!(
        errs,
        [format!(
            "{ACTION}:24:2: a control character (U+007F DELETE) cannot appear in a web page or a CSV file"
        )]
    );
}

#[test]
fn the_sample_site_has_none() {
    let (site, report) = kohyo::check(&common::sample_root());
    assert!(site.is_some(), "{}", report.render(false));
    assert!(
        report
            .sorted()
            .iter()
            .all(|d| !d.message.contains("control character")),
        "{}",
        report.render(false)
    );
}
