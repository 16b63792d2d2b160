//! Snapshots of rendered fragments of the sample site, where reading the whole fragment is the
//! point: a table or a chart's description as a screen reader meets it, and the CSV rows an
//! auditor opens. Each snapshot in `tests/snapshots/` was checked against the seed document it
//! transcribes (`../shared/seeds/`, named in each test); a change to one shows as a diff to review
//! like code (`INSTA_UPDATE=always cargo test --test snapshots`, then read `git diff`).

mod common;

use common::build_sample;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The sample site built once for every test here, into a folder kept for the test run.
fn out() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(build_sample);
    out
}

fn read(route: &str) -> String {
    std::fs::read_to_string(out().join(route)).unwrap()
}

/// The table whose caption starts with `caption`, from `<caption>` to `</table>`.
fn table(html: &str, caption: &str) -> String {
    let start = html
        .find(&format!("<caption>{caption}"))
        .unwrap_or_else(|| panic!("no table captioned {caption}"));
    let end = start + html[start..].find("</table>").unwrap() + "</table>".len();
    html[start..end].to_string()
}

/// The text of every chart's `<desc>`, one a line.
fn descriptions(html: &str) -> String {
    html.split("<desc")
        .skip(1)
        .map(|d| {
            let text = &d[d.find('>').unwrap() + 1..d.find("</desc>").unwrap()];
            format!("{text}\n")
        })
        .collect()
}

/// Seed 002: 常総市 sheet No.124 (令和6年度). 転出者数 is fewer-is-better, with only a final target
/// of 2,700人 for 令和9年度 and an actual of 3,083人: 2,700 ÷ 3,083 = 87.6 %, not achieved, and
/// its 令和6年度 target is blank (未記入), not 0. The two 件 indicators met their targets of 2 and
/// 1; their unit is not printed on the sheet, which the note says.
#[test]
fn joso_124_outcome_table() {
    let html = read("joso/2024/projects/124/index.html");
    insta::assert_snapshot!(table(&html, "成果指標（アウトカム）"));
}

/// Seed 002: the same three outcomes as the charts' text alternatives say them.
#[test]
fn joso_124_outcome_chart_descriptions() {
    let html = read("joso/2024/projects/124/index.html");
    let outcomes = &html[html.find("<caption>成果指標（アウトカム）").unwrap()..];
    let charts = &outcomes[..outcomes.find("<h2").unwrap()];
    insta::assert_snapshot!(descriptions(charts));
}

/// Seed 002: sheet 124's outcome rows of the year's `kpi.csv`, as auditors get them (header
/// first; blank, 「記載なし」 and numbers in their own columns; 87.6 with its formula 目標値 ÷ 実績値).
#[test]
fn joso_2024_kpi_csv_rows_of_sheet_124_outcomes() {
    let csv = read("joso/2024/kpi.csv");
    let rows: Vec<&str> = csv
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || (l.contains(",事務事業,124,") && l.contains(",成果指標,")))
        .map(|(_, l)| l)
        .collect();
    assert_eq!(rows.len(), 4, "{rows:#?}");
    insta::assert_snapshot!(rows.join("\n"));
}

/// Seed 003: つくばみらい市 item 3-1, 【実質公債費比率 7.2%(2027 年度)】 as the goal and 7.1 % in
/// 2024年度決算 as the result: fewer is better, so 7.2 ÷ 7.1 = 101.4 %, achieved; the year's own
/// target is blank.
#[test]
fn tsukubamirai_3_1_kpi_table_and_description() {
    let html = read("tsukubamirai/2024/actions/3-1/index.html");
    insta::assert_snapshot!(format!(
        "{}\n\n{}",
        table(&html, "目指す姿のKPI"),
        descriptions(&html)
    ));
}

/// Seed 004: 下妻市 基本施策 6-2 「自立した行財政運営」, its 目標指標 table: 14 indicators, 現状値 of
/// 令和4年 (平成29年 for the floor area) and 目標値 of 令和9年, with their units as printed.
#[test]
fn shimotsuma_6_2_target_indicators() {
    let html = read("shimotsuma/plan/6-2/index.html");
    insta::assert_snapshot!(table(&html, "自立した行財政運営の目標指標"));
}
