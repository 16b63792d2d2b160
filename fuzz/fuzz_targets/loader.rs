//! The whole loader and validator on one content file: `kohyo::check_text`.
//!
//! The input is structured so that mutations stay on deep paths:
//!
//! - byte 0 picks where the file stands (its kind): 0 `municipality.toml`, 1 `plan/x.toml`,
//!   2 `plan/x.md`, 3 `{year}/projects/p.toml`, 4 `{year}/projects/p.md`,
//!   5 `{year}/actions/a.md`, 6 `{year}/actions/a.toml`, 7 a path written by the input itself
//!   (its first line, after `city/`);
//! - byte 1: bit 0 set means the rest holds `municipality.toml` text, a NUL byte, then the content
//!   file (the seeds pair each sheet with its own municipality); clear means the rest is the content
//!   file beside a fixed valid municipality. Bits 1–2 pick the fiscal-year folder (2024, 2025,
//!   2023, 2022);
//! - the rest is the text (invalid UTF-8 is replaced, as a file reader would reject it anyway).
//!
//! Checks: nothing panics, the report renders, every diagnostic has a location, a site comes back
//! exactly when there is no error, and every indicator of a returned site can be assessed.

#![no_main]

use kohyo::compute::{self, Assessment};
use kohyo::fiscal_year::FiscalYear;
use kohyo::model::{Indicator, Site};
use libfuzzer_sys::fuzz_target;

/// A valid municipality with a plan, for content files whose input brings none.
const MUNICIPALITY: &str = r#"name = "テスト市"
prefecture = "茨城県"
code = "082104"

[[plans]]
id = "main"
name = "第1次総合計画"
start = "令和5年度"
end = "令和9年度"
levels = ["基本目標", "基本施策"]
"#;

const YEARS: [&str; 4] = ["2024", "2025", "2023", "2022"];

fuzz_target!(|data: &[u8]| {
    let [kind, flags, rest @ ..] = data else {
        return;
    };
    let year = YEARS[usize::from((flags >> 1) & 3)];
    let (municipality, content) = if flags & 1 == 1 {
        match rest.iter().position(|&b| b == 0) {
            Some(i) => (String::from_utf8_lossy(&rest[..i]), &rest[i + 1..]),
            None => (String::from_utf8_lossy(rest), &[][..]),
        }
    } else {
        (MUNICIPALITY.into(), rest)
    };
    let content = String::from_utf8_lossy(content);
    let (path, text) = match kind % 8 {
        0 => ("city/municipality.toml".to_string(), &content[..]),
        1 => ("city/plan/x.toml".to_string(), &content[..]),
        2 => ("city/plan/x.md".to_string(), &content[..]),
        3 => (format!("city/{year}/projects/p.toml"), &content[..]),
        4 => (format!("city/{year}/projects/p.md"), &content[..]),
        5 => (format!("city/{year}/actions/a.md"), &content[..]),
        6 => (format!("city/{year}/actions/a.toml"), &content[..]),
        _ => {
            let (p, t) = content.split_once('\n').unwrap_or((&content[..], ""));
            (format!("city/{p}"), t)
        }
    };
    let (site, report) = kohyo::check_text(&path, text, &municipality);
    let _ = report.render(false);
    for d in report.sorted() {
        if d.file.is_some() {
            assert!(report.location(d).is_some(), "{d:?}");
        }
    }
    assert_eq!(
        site.is_some(),
        !report.has_errors(),
        "{}",
        report.render(false)
    );
    if let Some(site) = site {
        walk(&site);
    }
});

/// Everything later stages read from a site: summaries, plan trees, and every indicator assessed
/// in every year it has a value, in the year before and after, and in every sheet year.
fn walk(site: &Site) {
    let _ = kohyo::Summary::of(site).to_string();
    for m in &site.municipalities {
        // Each municipality's own settings (the site's, with its grades if it sets them).
        let config = &m.achievement;
        let grades = &config.grades;
        let years = m.fiscal_years();
        assert_eq!(m.latest_year(), years.last().copied());
        let mut indicators: Vec<&Indicator> = Vec::new();
        for p in &m.plans {
            for (depth, node) in p.nodes() {
                let _ = p.level_name(depth);
                let path = p.find(&node.code).expect("a node finds itself");
                assert_eq!(path.last().map(|n| &n.code), Some(&node.code));
                indicators.extend(&node.indicators);
            }
        }
        for sheet in m.projects.values().flat_map(|h| h.values()) {
            indicators.extend(sheet.indicators());
        }
        for a in m.actions.values().flat_map(|h| h.values()) {
            assert_eq!(
                kohyo::model::ActionKey::parse(&a.number).as_ref(),
                Some(&a.key)
            );
            indicators.extend(a.goal.as_ref().and_then(|g| g.kpi.as_ref()));
        }
        for ind in indicators {
            let mut ys: Vec<FiscalYear> = ind
                .targets
                .keys()
                .chain(ind.actuals.keys())
                .chain(&years)
                .copied()
                .collect();
            ys.extend(ind.final_target.as_ref().and_then(|f| f.year));
            let around: Vec<FiscalYear> = ys
                .iter()
                .flat_map(|y| [y.year() as i64 - 1, y.year() as i64 + 1])
                .filter_map(|y| FiscalYear::new(y).ok())
                .collect();
            ys.extend(around);
            for y in ys {
                let a = compute::assess(ind, y, config);
                if let Some(r) = a.rate_display() {
                    assert!(r.parse::<f64>().is_ok_and(f64::is_finite), "{r}");
                }
                let g = compute::grade(&a, &grades);
                assert_eq!(g.is_some(), matches!(a, Assessment::Assessed { .. }));
            }
        }
    }
}
