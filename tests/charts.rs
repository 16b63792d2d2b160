//! Charts in the built sample site: every `<svg>` is an accessible image (role, title, desc), the
//! number of indicator charts on each page is exactly the number of the page's indicators that
//! have a number, and the build needs no system font.

mod common;

use common::sample_root;
use kohyo::chart::history;
use kohyo::fiscal_year::FiscalYear;
use kohyo::model::{Municipality, Site};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn build_sample() -> (tempfile::TempDir, PathBuf, Site) {
    let (dir, out) = common::build_sample();
    let (site, _) = kohyo::check(&sample_root());
    (dir, out, site.expect("the sample is valid"))
}

/// Every HTML page under `out`, by path relative to it.
fn html_pages(out: &Path) -> BTreeMap<PathBuf, String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            (
                e.path().strip_prefix(out).unwrap().to_path_buf(),
                fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The `<svg …>…</svg>` elements of a page.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end =
            rest[start..].find("</svg>").expect("every <svg> is closed") + start + "</svg>".len();
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// The text of the element `<{name} id="{id}">…</{name}>` inside `svg`.
fn element_text<'a>(svg: &'a str, name: &str, id: &str) -> Option<&'a str> {
    let open = format!("<{name} id=\"{id}\">");
    let start = svg.find(&open)? + open.len();
    let end = start + svg[start..].find(&format!("</{name}>"))?;
    Some(&svg[start..end])
}

/// Whether an `<svg>` is an indicator chart (the class kohyo::chart gives it).
fn is_indicator_chart(svg: &str) -> bool {
    let root = &svg[..svg.find('>').unwrap()];
    attr(root, "class").is_some_and(|c| c.split(' ').any(|c| c == "chart-indicator"))
}

/// The indicator charts each page should have, by output path: one for each indicator shown on a
/// project page (output and outcome indicators), an action page (its KPI) or a plan node page
/// (目標指標) whose history up to the page's year has a number ([`Indicator::has_number`] on the
/// indicator joined over the sheets up to that year; the sample's histories are one sheet each,
/// so that is the sheet's own indicator). Pages at the latest sheet's short route count again.
/// Every other page has none.
fn expected_indicator_charts(site: &Site) -> BTreeMap<PathBuf, usize> {
    let mut expected = BTreeMap::new();
    let page = |segs: &[&str]| -> PathBuf {
        let mut p = PathBuf::new();
        for s in segs {
            p.push(s);
        }
        p.join("index.html")
    };
    for m in &site.municipalities {
        project_pages(m, &mut expected, &page);
        for (key, h) in &m.actions {
            let latest = h.keys().last().copied();
            for &y in h.keys() {
                let n = usize::from(history::action_kpi(h, y).is_some_and(|k| k.has_number()));
                let slug = key.slug();
                expected.insert(page(&[&m.slug, &y.to_string(), "actions", &slug]), n);
                if Some(y) == latest {
                    expected.insert(page(&[&m.slug, "actions", &slug]), n);
                }
            }
        }
        for plan in &m.plans {
            for (_, node) in plan.nodes() {
                let n = node.indicators.iter().filter(|i| i.has_number()).count();
                expected.insert(page(&[&m.slug, "plan", &node.code]), n);
            }
        }
    }
    expected
}

fn project_pages(
    m: &Municipality,
    expected: &mut BTreeMap<PathBuf, usize>,
    page: &dyn Fn(&[&str]) -> PathBuf,
) {
    for (code, h) in &m.projects {
        let latest: Option<FiscalYear> = h.keys().last().copied();
        for (&y, p) in h {
            let outputs = p.activities.iter().flat_map(|a| {
                a.indicators.iter().filter(move |i| {
                    history::output_indicator(h, y, &a.name, &i.id).is_some_and(|j| j.has_number())
                })
            });
            let outcomes = p.outcomes.iter().filter(|i| {
                history::outcome_indicator(h, y, &i.id).is_some_and(|j| j.has_number())
            });
            let n = outputs.count() + outcomes.count();
            expected.insert(page(&[&m.slug, &y.to_string(), "projects", code]), n);
            if Some(y) == latest {
                expected.insert(page(&[&m.slug, "projects", code]), n);
            }
        }
    }
}

#[test]
fn every_svg_is_an_image_with_a_title_and_a_description() {
    let (_dir, out, _) = build_sample();
    let mut seen = 0;
    for (path, html) in html_pages(&out) {
        let mut ids = std::collections::BTreeSet::new();
        for svg in svgs(&html) {
            seen += 1;
            let root = &svg[..svg.find('>').unwrap()];
            let p = path.display();
            assert_eq!(attr(root, "role"), Some("img"), "{p}: {root}");
            assert!(attr(root, "width").is_none() && attr(root, "height").is_none());
            assert!(attr(root, "viewBox").is_some(), "{p}: no viewBox");
            let labelled = attr(root, "aria-labelledby").expect("aria-labelledby");
            let refs: Vec<&str> = labelled.split(' ').collect();
            assert_eq!(refs.len(), 2, "{p}: {labelled}");
            let title = element_text(svg, "title", refs[0]).expect("a <title> it names");
            let desc = element_text(svg, "desc", refs[1]).expect("a <desc> it names");
            assert!(!title.trim().is_empty(), "{p}: empty title");
            assert!(!desc.trim().is_empty(), "{p}: empty desc");
            assert!(!svg.contains("<script"), "{p}");
            for id in refs {
                assert!(ids.insert(id.to_string()), "{p}: id {id} twice");
            }
        }
        // ids are unique across the whole page, charts and the rest.
        let all: Vec<&str> = html
            .match_indices(" id=\"")
            .map(|(i, _)| {
                let rest = &html[i + 5..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        let unique: std::collections::BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(unique.len(), all.len(), "{}: duplicate ids", path.display());
    }
    assert!(seen > 0, "the sample has charts");
}

#[test]
fn one_indicator_chart_per_indicator_with_a_number() {
    let (_dir, out, site) = build_sample();
    let expected = expected_indicator_charts(&site);
    let pages = html_pages(&out);
    let mut total = 0;
    for (path, html) in &pages {
        let found = svgs(html)
            .into_iter()
            .filter(|s| is_indicator_chart(s))
            .count();
        let want = expected.get(path).copied().unwrap_or(0);
        assert_eq!(found, want, "{}", path.display());
        total += found;
    }
    for path in expected.keys() {
        assert!(pages.contains_key(path), "{} was not built", path.display());
    }
    let want: usize = expected.values().sum();
    assert_eq!(total, want);
    // The sample's count, for the record: change it when the sample changes.
    assert_eq!(total, 93, "indicator charts on the sample");
}

#[test]
fn status_and_budget_charts_are_where_they_belong() {
    let (_dir, out, site) = build_sample();
    let pages = html_pages(&out);
    let count = |path: &Path, kind: &str| {
        let needle = format!("chart-{kind}\"");
        svgs(&pages[path])
            .into_iter()
            .filter(|s| s[..s.find('>').unwrap()].contains(&needle))
            .count()
    };
    for m in &site.municipalities {
        let muni = Path::new(&m.slug);
        let years = m.fiscal_years();
        // The municipality page: with the list of indicators by 達成状況, when it has one.
        let index = muni.join("index.html");
        let has_status = pages[&index].contains("<h2>達成状況別の指標");
        assert_eq!(
            count(&index, "status"),
            usize::from(has_status),
            "{}",
            m.slug
        );
        if !years.is_empty() {
            assert!(has_status, "{}", m.slug);
            assert_eq!(count(&muni.join("kpi/index.html"), "status"), 1);
        }
        for y in &years {
            let kpi = muni.join(y.to_string()).join("kpi/index.html");
            assert_eq!(count(&kpi, "status"), 1, "{}", kpi.display());
        }
        for (code, h) in &m.projects {
            for &y in h.keys() {
                let page = muni.join(y.to_string()).join("projects").join(code);
                let want = usize::from(history::money_rows(h, y).len() > 1);
                assert_eq!(count(&page.join("index.html"), "budget"), want, "{code}");
            }
        }
    }
}

#[test]
fn charts_render_without_any_system_font() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = dir.path().join("fonts.conf");
    fs::write(
        &fonts,
        "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n",
    )
    .unwrap();
    let out = dir.path().join("public");
    let status = Command::new(env!("CARGO_BIN_EXE_kohyo"))
        .arg("build")
        .arg("--root")
        .arg(sample_root())
        .arg("--output")
        .arg(&out)
        .env("FONTCONFIG_FILE", &fonts)
        .env_remove("FONTCONFIG_PATH")
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let page = fs::read_to_string(out.join("joso/2024/projects/124/index.html")).unwrap();
    assert!(page.contains("class=\"chart chart-indicator\""));
    assert!(
        page.contains(">\n転出者数の目標値と実績値の推移（グラフ）")
            || page.contains("転出者数の目標値と実績値の推移（グラフ）")
    );
}

#[test]
fn a_chart_says_which_target_a_year_is_compared_with() {
    let (_dir, out, _) = build_sample();
    let read = |p: &str| fs::read_to_string(out.join(p)).unwrap();
    // 転出者数: no 令和6年度 target, so the final target of 令和9年度 (2,700人), never 114%.
    let joso = read("joso/2024/projects/124/index.html");
    assert!(
        joso.contains("実績3,083人（目標2,700人（令和9年度の最終目標）、達成率87.6%、目標未達成）"),
        "joso 124"
    );
    // つくばみらい 3-④: a final target of 5% that the plan gives no year for is not passed off
    // as the year's own target.
    let action = read("tsukubamirai/2024/actions/3-4/index.html");
    assert!(
        action.contains("実績2.0%（目標5%（年度の記載のない最終目標）、達成率40.0%、目標未達成）"),
        "tsukubamirai 3-4"
    );
}
