//! Content is untrusted input: absurd counts are a clear error naming the file and the count
//! (`[limits]`), and no code, folder name or plan reference can make kohyo write outside the
//! output folder or onto a device name. Sites are small fixtures written into temp folders.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const MUNICIPALITY: &str = r#"name = "テスト市"
prefecture = "茨城県"
code = "082104"

[[plans]]
id = "main"
name = "第1次総合計画"
start = "令和5年度"
end = "令和9年度"
"#;

const PROJECT: &str = "content/testcity/2024/projects/101.toml";

/// A site with one municipality and the given files (`kohyo.toml` extra lines first).
fn site(config_extra: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("kohyo.toml"),
        format!("title = \"fixture\"\n{config_extra}"),
    )
    .unwrap();
    let mut all = vec![("content/testcity/municipality.toml", MUNICIPALITY)];
    all.extend_from_slice(files);
    for (rel, text) in all {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// The errors of `kohyo check`, each as `location: field: message (hint)`.
fn errors(root: &Path) -> Vec<String> {
    let (site, report) = kohyo::check(root);
    assert!(site.is_none(), "check passed but should fail");
    report
        .sorted()
        .into_iter()
        .filter(|d| d.severity == kohyo::diagnostics::Severity::Error)
        .map(|d| {
            format!(
                "{}: {}: {} ({})",
                report.location(d).unwrap_or_default(),
                d.field.as_deref().unwrap_or(""),
                d.message,
                d.hint.as_deref().unwrap_or("")
            )
        })
        .collect()
}

fn sheet_header(code: &str) -> String {
    format!(
        "fiscal_year = 2024\ncode = \"{code}\"\nname = \"事業\"\nowners = [{{ section = \"企画課\" }}]\n"
    )
}

#[test]
fn a_hundred_thousand_activities_are_one_error_naming_the_file_and_the_count() {
    let mut text = sheet_header("101");
    for i in 0..100_000 {
        writeln!(text, "[[activities]]\nname = \"活動{i}\"").unwrap();
    }
    let site = site(
        "[limits]\nmax_file_bytes = 100_000_000\n",
        &[(PROJECT, &text)],
    );
    let errs = errors(site.path());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with(PROJECT)
            && errs[0].contains("100000 activities in one file, over the limit of 500")
            && errs[0].contains("[limits] max_activities"),
        "{}",
        errs[0]
    );
}

#[test]
fn ten_thousand_indicators_in_one_file_are_one_error() {
    let mut text = sheet_header("101");
    for i in 0..10_000 {
        writeln!(
            text,
            "[[outcomes]]\nname = \"指標{i}\"\nunit = \"人\"\ndirection = \"増加\""
        )
        .unwrap();
    }
    let site = site(
        "[limits]\nmax_file_bytes = 10_000_000\n",
        &[(PROJECT, &text)],
    );
    let errs = errors(site.path());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains("10000 indicators in one file, over the limit of 1000"),
        "{}",
        errs[0]
    );
}

#[test]
fn a_ten_megabyte_string_is_stopped_by_the_file_size_limit() {
    let text = format!(
        "{}[[sections]]\nheading = \"背景\"\nbody = \"{}\"\n",
        sheet_header("101"),
        "あ".repeat(10 * 1024 * 1024 / 3)
    );
    let site = site("", &[(PROJECT, &text)]);
    let errs = errors(site.path());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains("over the limit of 1048576 bytes") && errs[0].contains("max_file_bytes"),
        "{}",
        errs[0]
    );
}

#[test]
fn plan_files_and_lists_have_their_own_limits() {
    let mut plan = String::from("plan = \"main\"\ncode = \"1\"\ntitle = \"目標\"\n");
    for i in 0..30 {
        writeln!(plan, "[[children]]\ncode = \"1-{i}\"\ntitle = \"施策\"").unwrap();
    }
    let mut action = String::from(
        "+++\nfiscal_year = 2024\nnumber = \"1-1\"\ntitle = \"項目\"\nowners = [{ section = \"課\" }]\n",
    );
    for i in 0..12 {
        writeln!(action, "[[measures]]\ntitle = \"取組{i}\"").unwrap();
    }
    action.push_str("+++\n");
    let site = site(
        "[limits]\nmax_plan_nodes = 20\nmax_list_items = 10\n",
        &[
            ("content/testcity/plan/1.toml", &plan),
            ("content/testcity/2024/actions/1-1.md", &action),
        ],
    );
    let errs = errors(site.path());
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(
        errs[0].starts_with("content/testcity/2024/actions/1-1.md")
            && errs[0].contains("a list of 12 measures, over the limit of 10 entries")
    );
    assert!(errs[1].contains("31 plan nodes in one file, over the limit of 20"));
    assert!(errs[2].contains("a list of 30 children") && errs[2].contains("max_list_items"));
}

/// Found by examples/mutate (seed 210265, a case over 2 s): a plan node's title of 48,242
/// characters on a node with 1,000 indicators made 100 MB of output, as every CSV row repeats
/// it; at 800,000 characters (a 0.9 MB file) an 800 MB CSV file, 22 s and 2.2 GB of memory. A
/// one-line text over `max_text_chars` is now one error per file, pointing at the indicator
/// when the text is an indicator's.
#[test]
fn a_long_one_line_text_is_one_error_and_the_limit_can_be_raised() {
    let plan = format!(
        "plan = \"main\"\ncode = \"1\"\ntitle = \"{}\"\n",
        "目".repeat(501)
    );
    let project = format!(
        "{}[[outcomes]]\nname = \"指標\"\nunit = \"{}\"\ndirection = \"増加\"\n",
        sheet_header("101"),
        "人".repeat(600)
    );
    let files = [
        ("content/testcity/plan/1.toml", plan.as_str()),
        (PROJECT, project.as_str()),
    ];
    let errs = errors(site("", &files).path());
    assert_eq!(
        errs,
        [
            format!(
                "{PROJECT}:5:1: : a unit of an indicator of 600 characters, over the limit of 500 for a one-line text (shorten it (a long text belongs in a section's body), or raise [limits] max_text_chars in kohyo.toml)"
            ),
            "content/testcity/plan/1.toml: : a title of a plan node of 501 characters, over the limit of 500 for a one-line text (shorten it (a long text belongs in a section's body), or raise [limits] max_text_chars in kohyo.toml)".to_string(),
        ]
    );
    let raised = site("[limits]\nmax_text_chars = 600\n", &files);
    let (checked, report) = kohyo::check(raised.path());
    assert!(checked.is_some() && !report.has_errors());
}

#[test]
fn limits_are_typo_checked_like_every_table() {
    let site = site("[limits]\nmax_activites = 3\n", &[]);
    let errs = errors(site.path());
    assert!(
        errs.iter()
            .any(|e| e.contains("unknown field `max_activites`")
                && e.contains("did you mean `max_activities`?")),
        "{errs:#?}"
    );
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

#[test]
fn no_code_can_name_a_path_outside_the_output_or_a_device() {
    // Each code is tried as a project code and as a plan node code; every one must be refused
    // by `check`, and a build must write nothing at all, anywhere.
    let codes = [
        "..",
        "../../escape",
        "a/b",
        "/etc/passwd",
        "a\\\\..\\\\b",
        "C:\\\\x",
        "C:x",
        "\\\\\\\\server\\\\share",
        "か\u{3099}",
        "CON",
        "nul",
        "Aux.html",
        "COM1",
        "lpt9",
        "x.",
        "..hidden",
        ".",
        "a\\u0000b",
        "a\\u202Eb",
        "%2e%2e",
    ];
    for code in codes {
        let project = format!(
            "fiscal_year = 2024\ncode = \"{code}\"\nname = \"事業\"\nowners = [{{ section = \"課\" }}]\n"
        );
        let plan = format!("plan = \"main\"\ncode = \"{code}\"\ntitle = \"目標\"\n");
        let site = site(
            "",
            &[(PROJECT, &project), ("content/testcity/plan/1.toml", &plan)],
        );
        let errs = errors(site.path());
        // A NUL is refused as the files are read, as any control character in any text is.
        let (project_error, node_error) = if code.contains("\\u0000") {
            let nul = "the escape \\u0000 makes a control character (U+0000 NULL)";
            (nul, nul)
        } else {
            (": code: project code", ": code: node code")
        };
        let (p, n) = (
            errs.iter()
                .any(|e| e.starts_with(PROJECT) && e.contains(project_error)),
            errs.iter()
                .any(|e| e.starts_with("content/testcity/plan/1.toml") && e.contains(node_error)),
        );
        assert!(p && n, "{code:?} was accepted: {errs:#?}");
        // The whole temp folder holds exactly what it held before the build.
        let before = files_under(site.path());
        let out = site.path().join("public");
        let (_, result) = kohyo::build::build(site.path(), Some(&out));
        assert!(result.is_err(), "{code:?} built");
        assert_eq!(files_under(site.path()), before, "{code:?} wrote something");
        assert!(!out.exists());
    }
}

#[test]
fn no_municipality_folder_can_be_a_device_name() {
    for slug in ["con", "nul", "com1", "lpt3", "aux", "prn"] {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("kohyo.toml"), "title = \"x\"\n").unwrap();
        let m = dir.path().join("content").join(slug);
        fs::create_dir_all(&m).unwrap();
        fs::write(m.join("municipality.toml"), MUNICIPALITY).unwrap();
        let errs = errors(dir.path());
        assert!(
            errs.iter().any(|e| e.contains("device name on Windows")),
            "{slug}: {errs:#?}"
        );
    }
}

#[test]
fn web_addresses_that_are_not_plain_http_are_errors() {
    for (url, message) in [
        ("javascript:alert(1)", "must start with https:// or http://"),
        (
            "&#x6A;avascript:alert(1)",
            "must start with https:// or http://",
        ),
        (
            " https://example.jp/",
            "must start with https:// or http://",
        ),
        (
            "https://example.jp/\"><script>alert(1)</script>",
            "contains '\"'",
        ),
        ("https://example.jp/a b", "contains ' '"),
    ] {
        let muni = format!("website = '{url}'\n{MUNICIPALITY}");
        let dir = tempfile::tempdir().unwrap();
        let base = format!("base_url = '{url}'\ntitle = \"x\"\n");
        fs::write(dir.path().join("kohyo.toml"), base).unwrap();
        let m = dir.path().join("content/testcity");
        fs::create_dir_all(&m).unwrap();
        fs::write(m.join("municipality.toml"), muni).unwrap();
        let errs = errors(dir.path());
        for field in ["base_url", "website"] {
            assert!(
                errs.iter()
                    .any(|e| e.contains(&format!(": {field}: {field} ")) && e.contains(message)),
                "{url}: {field}: {errs:#?}"
            );
        }
    }
}

#[test]
fn codes_that_differ_only_in_case_do_not_overwrite_each_other() {
    // On Windows and macOS /plan/a/ and /plan/A/ are one folder: the second page would silently
    // replace the first, so the build refuses and writes nothing.
    let plan = "plan = \"main\"\ncode = \"a\"\ntitle = \"目標\"\n[[children]]\ncode = \"A\"\ntitle = \"施策\"\n";
    let site = site("", &[("content/testcity/plan/1.toml", plan)]);
    assert!(
        kohyo::check(site.path()).0.is_some(),
        "both codes are valid"
    );
    let out = site.path().join("public");
    let (_, result) = kohyo::build::build(site.path(), Some(&out));
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("/testcity/plan/A/index.html and /testcity/plan/a/index.html")
            && message.contains("one file on Windows and macOS"),
        "{message}"
    );
    assert!(!out.exists());
    assert_eq!(files_under(site.path()).len(), 3, "nothing was written");
}
