//! `kohyo check` on invalid content: one fixture per kind of error, each asserting the message and
//! the `file:line:column` it points at. Fixtures live in `tests/fixtures/invalid/{case}/` and
//! overlay the valid site in `tests/fixtures/base/`.

mod common;

use common::copy_tree;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Builds the base site with a case's files laid over it in a temp dir.
fn site_for(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("base"), dir.path());
    if !case.is_empty() {
        let overlay = fixtures().join("invalid").join(case);
        assert!(overlay.is_dir(), "missing fixture {case}");
        copy_tree(&overlay, dir.path());
    }
    dir
}

/// Runs check on a case and returns (location, message, hint) of every error.
fn errors(case: &str) -> Vec<(String, String, Option<String>)> {
    let dir = site_for(case);
    let (site, report) = kohyo::check(dir.path());
    assert!(site.is_none(), "{case}: check passed but should fail");
    report
        .sorted()
        .into_iter()
        .filter(|d| d.severity == kohyo::diagnostics::Severity::Error)
        .map(|d| {
            let msg = match &d.field {
                Some(f) => format!("{f}: {}", d.message),
                None => d.message.clone(),
            };
            (report.location(d).unwrap_or_default(), msg, d.hint.clone())
        })
        .collect()
}

/// Asserts a case yields exactly one error, at `location`, whose message contains `message`.
fn assert_one(case: &str, location: &str, message: &str) -> Option<String> {
    let errs = errors(case);
    assert_eq!(errs.len(), 1, "{case}: expected one error, got {errs:#?}");
    let (loc, msg, hint) = &errs[0];
    assert_eq!(loc, location, "{case}: wrong location for {msg}");
    assert!(
        msg.contains(message),
        "{case}: message {msg:?} lacks {message:?}"
    );
    hint.clone()
}

#[test]
fn the_base_fixture_is_valid() {
    let dir = site_for("");
    let (site, report) = kohyo::check(dir.path());
    assert!(site.is_some(), "{}", report.render(false));
    assert_eq!(report.error_count(), 0);
    assert_eq!(report.warning_count(), 0);
}

const PROJECT: &str = "content/testcity/2024/projects/101.toml";

#[test]
fn unknown_field_suggests_the_closest_name() {
    let hint = assert_one(
        "unknown_field",
        &format!("{PROJECT}:17:1"),
        "unknown field `tagret`",
    );
    assert_eq!(hint.as_deref(), Some("did you mean `targets`?"));
}

#[test]
fn duplicate_project_code_in_one_year() {
    assert_one(
        "duplicate_code",
        "content/testcity/2024/projects/101.toml:2:8",
        "project code \"101\" is used twice in 令和6年度（2024年度） (also in content/testcity/2024/projects/101-copy.toml)",
    );
}

#[test]
fn unknown_plan_node() {
    assert_one(
        "unknown_plan_node",
        &format!("{PROJECT}:5:13"),
        "unknown plan node \"9-9\" in 第1次総合計画",
    );
}

#[test]
fn year_outside_the_plan_period() {
    assert_one(
        "year_outside_plan",
        "content/testcity/2030/projects/101.toml:1:15",
        "令和12年度（2030年度） is outside the period of 第1次総合計画 (令和5年度〜令和9年度)",
    );
}

#[test]
fn municipality_code_with_a_bad_check_digit() {
    assert_one(
        "bad_check_digit",
        "content/testcity/municipality.toml:3:8",
        "check digit of 082105 is wrong: the first five digits 08210 call for 4",
    );
}

#[test]
fn inconsistent_cost_totals() {
    assert_one(
        "cost_mismatch",
        &format!("{PROJECT}:20:1"),
        "実質負担額 900 is not 総事業費 1,200 − 特定財源 200 = 1,000 (千円)",
    );
}

#[test]
fn numeric_target_without_a_unit() {
    assert_one(
        "no_unit",
        &format!("{PROJECT}:13:1"),
        "indicator \"参加者数\" has numeric values but no unit",
    );
}

#[test]
fn indicator_without_a_direction() {
    let hint = assert_one(
        "no_direction",
        &format!("{PROJECT}:13:1"),
        "indicator \"参加者数\" has no direction",
    );
    assert!(hint.unwrap().contains("減少"));
}

#[test]
fn toml_syntax_error_points_at_the_line() {
    let errs = errors("toml_syntax");
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].0.starts_with(&format!("{PROJECT}:3:")),
        "{:?}",
        errs[0]
    );
}

#[test]
fn fiscal_year_must_match_its_folder() {
    let hint = assert_one(
        "folder_year_mismatch",
        &format!("{PROJECT}:1:15"),
        "令和7年度（2025年度） does not match the folder 2024/",
    );
    assert!(hint.unwrap().contains("2025/"));
}

#[test]
fn unknown_plan_id() {
    let hint = assert_one(
        "unknown_plan",
        &format!("{PROJECT}:5:8"),
        "unknown plan \"other\"",
    );
    assert_eq!(hint.as_deref(), Some("plans of テスト市: main"));
}

#[test]
fn year_key_that_is_no_year() {
    assert_one(
        "bad_year_key",
        &format!("{PROJECT}:18:13"),
        "\"令和0年\" is not a fiscal year",
    );
}

#[test]
fn file_in_no_known_place_is_not_dropped_silently() {
    assert_one(
        "misplaced_file",
        "content/testcity/notes.toml",
        "expects no content",
    );
}

#[test]
fn money_written_in_words() {
    assert_one(
        "money_as_words",
        &format!("{PROJECT}:11:14"),
        "\"未定\" is not an amount of money",
    );
}

#[test]
fn unclosed_front_matter() {
    assert_one(
        "unclosed_front_matter",
        "content/testcity/2024/actions/1-1.md:1:1",
        "front matter is not closed",
    );
}

#[test]
fn sheets_without_a_municipality_file() {
    let hint = assert_one(
        "missing_municipality",
        "content/othercity",
        "has no municipality.toml",
    );
    // The hint names the folder itself (it once printed a literal `{slug}`).
    assert_eq!(
        hint.as_deref(),
        Some("add content/othercity/municipality.toml with name, prefecture, code and plans")
    );
}

#[test]
fn duplicate_action_number_in_one_year() {
    // "1-(1)" and "1-1" are the same item once normalised.
    assert_one(
        "duplicate_action_number",
        "content/testcity/2024/actions/1-1.md:3:10",
        "項目番号 \"1-(1)\" is used twice in 令和6年度（2024年度） (also \"1-1\"",
    );
}

#[test]
fn parent_that_is_not_in_the_plan() {
    assert_one(
        "unknown_parent",
        "content/testcity/plan/2.toml:1:10",
        "parent \"7\" is not a node of plan \"main\"",
    );
}

#[test]
fn schedule_year_outside_the_plan_period() {
    assert_one(
        "schedule_outside_plan",
        "content/testcity/2024/actions/1-1.md:19:40",
        "令和12年度（2030年度） is outside the plan period",
    );
}

#[test]
fn codes_that_would_escape_the_output_folder() {
    assert_one(
        "bad_unicode_code",
        &format!("{PROJECT}:2:8"),
        "project code \"../101\" contains \"..\"",
    );
}

#[test]
fn all_problems_of_a_run_are_reported_sorted_by_file_and_line() {
    let dir = site_for("cost_mismatch");
    for case in ["unknown_parent", "unclosed_front_matter", "bad_check_digit"] {
        copy_tree(&fixtures().join("invalid").join(case), dir.path());
    }
    let (site, report) = kohyo::check(dir.path());
    assert!(site.is_none());
    let locations: Vec<String> = report
        .sorted()
        .iter()
        .filter_map(|d| report.location(d))
        .collect();
    assert_eq!(
        locations,
        [
            "content/testcity/2024/actions/1-1.md:1:1",
            "content/testcity/2024/projects/101.toml:20:1",
            "content/testcity/municipality.toml:3:8",
            "content/testcity/plan/2.toml:1:10",
        ]
    );
}

#[test]
fn the_binary_exits_1_on_errors_and_0_with_a_summary_otherwise() {
    let bin = env!("CARGO_BIN_EXE_kohyo");
    let bad = site_for("cost_mismatch");
    let out = std::process::Command::new(bin)
        .args(["check", "--root"])
        .arg(bad.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("┌─ content/testcity/2024/projects/101.toml:20:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 errors, 0 warnings; nothing was written"),
        "{stderr}"
    );

    let good = site_for("");
    let out = std::process::Command::new(bin)
        .args(["check", "--root"])
        .arg(good.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "ok: 1 municipalities, 2 plan nodes, 2 sheets (1 projects, 1 action items), 2 indicators"
    );
}

#[test]
fn a_date_that_is_not_a_date() {
    let hint = assert_one(
        "bad_date",
        &format!("{PROJECT}:4:11"),
        "expected a date such as 2025-05-16",
    );
    assert!(hint.unwrap().contains("2025-05-16"));
}

#[test]
fn site_wide_progress_method_needs_a_baseline_on_fewer_is_better_indicators() {
    assert_one(
        "progress_without_baseline",
        &format!("{PROJECT}:13:1"),
        "the site's method (kohyo.toml [achievement]) is \"progress\"",
    );
}

#[test]
fn a_number_typed_with_its_unit_is_a_warning_not_silence() {
    let dir = site_for("number_with_unit");
    let (site, report) = kohyo::check(dir.path());
    assert!(site.is_some(), "a warning must not fail the check");
    let warnings: Vec<_> = report
        .sorted()
        .into_iter()
        .filter(|d| d.severity == kohyo::diagnostics::Severity::Warning)
        .collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(
        report.location(warnings[0]).unwrap(),
        format!("{PROJECT}:18:13")
    );
    assert!(
        warnings[0]
            .message
            .contains("\"90人\" is read as words, not as a number")
    );
    assert!(
        warnings[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("write the number alone (90)")
    );
}

#[test]
fn a_municipality_folder_may_not_take_a_site_page_name() {
    let hint = assert_one(
        "reserved_slug",
        "content/legend/municipality.toml",
        "expects no content",
    );
    assert!(
        hint.unwrap()
            .contains("is the name of a page the site itself publishes (/legend/)")
    );
}

/// A child node reusing a code is reported at the child's own code, not at its file's top node.
#[test]
fn a_child_node_code_defined_twice_points_at_the_child() {
    assert_one(
        "code_twice_in_children",
        "content/testcity/plan/2.toml:5:8",
        "plan node code \"1-1\" is defined twice (also in content/testcity/plan/1.toml)",
    );
}

#[test]
fn plan_node_codes_are_unique_across_plans() {
    // The base plan "main" has node 1-1; a second plan reuses the code: both would be /testcity/plan/1-1/.
    let errs = errors("code_in_two_plans");
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0]
            .1
            .contains("plan node code \"1-1\" is defined twice"),
        "{errs:#?}"
    );
    assert!(
        errs[0]
            .2
            .as_deref()
            .unwrap()
            .contains("/{municipality}/plan/{code}/")
    );
}

#[test]
fn grades_must_run_from_met_targets_down_by_rate() {
    let errs = errors("bad_grades");
    let messages: Vec<&str> = errs.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(
        messages,
        [
            "grades: the first grade (\"A\") is for targets that were met and takes no min_rate",
            "grades: grade \"C\": min_rate 80 must be lower than the grade before it (60)",
        ],
        "{errs:#?}"
    );
    // Each error points at its grade.
    let at: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        at,
        [
            "content/testcity/municipality.toml:5:3",
            "content/testcity/municipality.toml:7:3"
        ]
    );
}

/// `kohyo::check` reads and checks one municipality at a time, dropping raw files and source
/// texts it no longer needs; it must report exactly what loading the whole site first reports,
/// with the same lines and columns and the same snippets.
#[test]
fn checking_one_municipality_at_a_time_reports_what_the_whole_site_does() {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases.push(String::new());
    let mut roots: Vec<(String, tempfile::TempDir)> = cases
        .iter()
        .map(|case| (case.clone(), site_for(case)))
        .collect();
    roots.push(("the sample".into(), tempfile::tempdir().unwrap()));
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for (case, dir) in &roots {
        let root = if case == "the sample" {
            sample
        } else {
            dir.path()
        };
        let (site, report) = kohyo::check(root);
        let (loaded, mut whole) = kohyo::load::load_site(root);
        let whole_site = kohyo::validate::validate(loaded, &mut whole);
        assert_eq!(report.render(false), whole.render(false), "{case}");
        assert!(!report.render(false).is_empty() || site.is_some(), "{case}");
        assert_eq!(site.is_some(), whole_site.is_some(), "{case}");
        assert_eq!(
            site.map(|s| kohyo::Summary::of(&s)),
            whole_site.map(|s| kohyo::Summary::of(&s)),
            "{case}"
        );
        checked += 1;
    }
    assert!(checked > 20, "{checked}");
}

/// Asserts a case yields exactly these errors, in order: (location, part of the message, hint).
fn assert_errors(case: &str, expected: &[(&str, &str, Option<&str>)]) {
    let errs = errors(case);
    assert_eq!(errs.len(), expected.len(), "{case}: {errs:#?}");
    for ((loc, msg, hint), (want_loc, want_msg, want_hint)) in errs.iter().zip(expected) {
        assert_eq!(loc, want_loc, "{case}: wrong location for {msg}");
        assert!(msg.contains(want_msg), "{case}: {msg:?} lacks {want_msg:?}");
        assert_eq!(hint.as_deref(), *want_hint, "{case}: hint of {msg}");
    }
}

#[test]
fn every_shape_problem_of_a_sheet_is_reported_in_one_run() {
    // `name` is written with the wrong type and the activity's `name` is misspelt: neither may
    // also show up as a "missing field" the user did not make.
    assert_errors(
        "many_problems",
        &[
            (
                &format!("{PROJECT}:3:8"),
                "invalid type: integer `101`, expected a string",
                None,
            ),
            (
                &format!("{PROJECT}:9:1"),
                "unknown field `nmae`",
                Some("did you mean `name`?"),
            ),
            (
                &format!("{PROJECT}:16:13"),
                "unknown variant `上昇`, expected one of `up`",
                None,
            ),
            (
                &format!("{PROJECT}:17:1"),
                "unknown field `tagret`",
                Some("did you mean `targets`?"),
            ),
        ],
    );
}

#[test]
fn every_shape_problem_of_front_matter_is_reported_at_the_lines_of_the_md_file() {
    // `name` for `title` is no misspelling kohyo can tell, so the measure's missing `title` is
    // reported too; `titel` is, so the item's `title` is not.
    const ACTION: &str = "content/testcity/2024/actions/1-1.md";
    assert_errors(
        "many_problems_md",
        &[
            (
                &format!("{ACTION}:4:1"),
                "unknown field `titel`",
                Some("did you mean `title`?"),
            ),
            (
                &format!("{ACTION}:5:30"),
                "unknown field `division`, expected `department` or `section`",
                None,
            ),
            (
                &format!("{ACTION}:14:30"),
                "unknown field `yaer`",
                Some("did you mean `year`?"),
            ),
            (&format!("{ACTION}:17:1"), "missing field `title`", None),
            (
                &format!("{ACTION}:18:1"),
                "unknown field `name`, expected one of `title`",
                None,
            ),
            (&format!("{ACTION}:20:12"), "unknown variant `完了`", None),
        ],
    );
}
