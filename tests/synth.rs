//! The benchmark generator (`examples/synth.rs`): its sites pass `kohyo check` without a warning,
//! build, hold what it says they hold, and the same N always gives the same bytes.

#[allow(dead_code)]
#[path = "../examples/synth.rs"]
mod synth;

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (rel.display().to_string(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn a_synthetic_site_checks_clean_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let stats = synth::write_sites(1003, &site).unwrap();
    // 1003 rounds down to 1000 sheets: 200 histories × 5 years in 2 municipalities.
    assert_eq!(stats.sheets, 1000);
    assert_eq!(stats.projects + stats.actions, 200);
    assert_eq!(stats.actions, 20);
    assert_eq!(stats.municipalities, 2);

    let (model, report) = kohyo::check(&site);
    assert_eq!(report.error_count(), 0, "{}", report.render(false));
    assert_eq!(report.warning_count(), 0, "{}", report.render(false));
    let summary = kohyo::Summary::of(&model.unwrap());
    assert_eq!(summary.projects, 900);
    assert_eq!(summary.actions, 100);

    let hugo = files(&synth::hugo_dir(&site));
    let pages = hugo.keys().filter(|p| p.starts_with("content/")).count();
    assert_eq!(pages, 1000, "one Hugo page per sheet");
    let page = &hugo["content/city0001/2022/projects/100.md"];
    let text = std::str::from_utf8(page).unwrap();
    let rows = text.lines().filter(|l| l.starts_with("| 令和")).count();
    assert_eq!(rows, 5, "a 5-row KPI table:\n{text}");
    assert!(hugo.contains_key("hugo.toml"));
    assert!(hugo.contains_key("layouts/_default/baseof.html"));
}

#[test]
fn a_small_synthetic_site_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    synth::write_sites(50, &site).unwrap();
    let out = tmp.path().join("public");
    let (report, result) = kohyo::build::build(&site, Some(&out));
    let summary = result.unwrap_or_else(|e| panic!("{e}\n{}", report.render(false)));
    assert_eq!(summary.projects + summary.actions, 50);
    assert!(summary.charts > 0 && summary.csv_files > 0);
    assert!(out.join("city0001/2024/projects/100/index.html").is_file());
}

#[test]
fn the_same_n_writes_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    synth::write_sites(120, &a).unwrap();
    synth::write_sites(120, &b).unwrap();
    assert_eq!(files(&a), files(&b));
    assert_eq!(files(&synth::hugo_dir(&a)), files(&synth::hugo_dir(&b)));
    // A different N is a different site, not a prefix of the same one.
    let c = tmp.path().join("c");
    synth::write_sites(125, &c).unwrap();
    assert_ne!(files(&a).len(), files(&c).len());
}
