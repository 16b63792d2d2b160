//! `kohyo build` on the sample site and on small fixture sites: the fixed URLs exist, the KPI
//! table holds every indicator with the right figures, pages are accessible in structure, links
//! resolve, output is deterministic, and a failed build leaves the previous output untouched.

mod common;

use common::{build_sample, copy_sample, sample_root};
use kohyo::build::{BuildError, build};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn page(out: &Path, route: &str) -> String {
    let path = out.join(route).join("index.html");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `dir`, by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            files.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    files
}

fn html_pages(out: &Path) -> Vec<(PathBuf, String)> {
    tree(out)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

/// The `<tr>` of the first table row whose text contains `needle`.
fn row_with<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not found"));
    let start = html[..at].rfind("<tr").expect("row start");
    let end = at + html[at..].find("</tr>").expect("row end");
    &html[start..end]
}

/// The text of some HTML, tags removed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_fixed_urls_exist_for_the_sample() {
    let (_dir, out) = build_sample();
    for route in [
        "",
        "joso",
        "joso/2024",
        "joso/2025",
        "joso/2024/projects/124",
        "joso/2025/projects/koiki-gyosei",
        "joso/projects/koiki-gyosei",
        "joso/projects/124",
        "joso/2024/kpi",
        "joso/kpi",
        "joso/plan/Ⅶ",
        "joso/plan/広域連携の推進",
        "shimotsuma",
        "shimotsuma/plan/6-1",
        "legend",
        "accessibility",
    ] {
        assert!(
            out.join(route).join("index.html").is_file(),
            "/{route}/ is missing"
        );
    }
    assert!(out.join("404.html").is_file());
    assert!(out.join("style.css").is_file());
    // 下妻市 has only its plan: no year pages.
    assert!(!out.join("shimotsuma/kpi").exists());
    // The sample has no base_url, so no sitemap (its <loc> must be absolute).
    assert!(!out.join("sitemap.xml").exists());
    if sample_root()
        .join("content/tsukubamirai/2024/actions")
        .read_dir()
        .unwrap()
        .next()
        .is_some()
    {
        let action = page(&out, "tsukubamirai/2024/actions/1-1");
        assert!(action.contains("人材の育成"));
        let schedule = &action[action.find("<table class=\"data schedule\">").unwrap()..];
        let head = text(&schedule[..schedule.find("</thead>").unwrap()]);
        for (wareki, y) in [("令和6年度", 2024), ("令和10年度", 2028)] {
            assert!(
                head.contains(&format!("{wareki}（{y}年度）")),
                "schedule column {y}: {head}"
            );
        }
        assert!(out.join("tsukubamirai/actions/1-1/index.html").is_file());
    }
}

/// Counts the indicators of a year straight from the model.
fn model_indicator_count(muni: &kohyo::model::Municipality, year: u16) -> usize {
    let fy = kohyo::fiscal_year::FiscalYear::new(year.into()).unwrap();
    let projects: usize = muni.projects_in(fy).map(|p| p.indicators().count()).sum();
    let actions = muni
        .actions_in(fy)
        .filter(|a| a.goal.as_ref().is_some_and(|g| g.kpi.is_some()))
        .count();
    let plans: usize = muni
        .plans
        .iter()
        .filter(|p| p.period.is_some_and(|(a, b)| a <= fy && fy <= b))
        .flat_map(|p| p.nodes())
        .map(|(_, n)| n.indicators.len())
        .sum();
    projects + actions + plans
}

#[test]
fn the_kpi_page_lists_every_indicator_of_the_year() {
    let (_dir, out) = build_sample();
    let (site, _) = kohyo::check(&sample_root());
    let site = site.unwrap();
    for muni in &site.municipalities {
        for fy in muni.fiscal_years() {
            let html = page(&out, &format!("{}/{}/kpi", muni.slug, fy.year()));
            let table = &html[html.find("<table class=\"data kpi\">").unwrap_or(0)..];
            let body = &table[table.find("<tbody>").map_or(0, |i| i)..];
            let body = &body[..body.find("</tbody>").unwrap_or(body.len())];
            let rows = body.matches("<tr>").count();
            assert_eq!(
                rows,
                model_indicator_count(muni, fy.year()),
                "{} {}",
                muni.slug,
                fy
            );
        }
    }
}

#[test]
fn fewer_is_better_reads_87_6_percent_and_not_achieved() {
    let (_dir, out) = build_sample();
    let kpi = page(&out, "joso/2024/kpi");
    let row = text(row_with(&kpi, "転出者数"));
    for expected in [
        "2,700人",
        "令和9年度",
        "3,083人",
        "87.6%",
        "目標未達成",
        "減少",
    ] {
        assert!(row.contains(expected), "{expected} missing in: {row}");
    }
    assert!(!row.contains("◎"), "{row}");
    assert!(!row.contains("114"), "{row}");
    // The project page says the same, and names the formula.
    let project = page(&out, "joso/2024/projects/124");
    let row = text(row_with(&project, "転出者数"));
    assert!(row.contains("87.6%") && row.contains("目標未達成"), "{row}");
    assert!(project.contains("目標値 ÷ 実績値"));
}

#[test]
fn money_dash_and_blank_read_as_on_the_sheet() {
    let (_dir, out) = build_sample();
    let html = page(&out, "joso/2025/projects/koiki-gyosei");
    let row = text(row_with(&html, "常総広域事務組合への負担金の支払い</th>"));
    assert!(row.contains("255,615千円"), "{row}");
    assert!(row.contains("未記入"), "blank settlement: {row}");
    // 「－」 targets and blank actuals of the same indicator differ, and both are labelled.
    let row = row_with(&html, "管理者会（管）：出席回数");
    assert!(
        row.contains("<span class=\"dash\" title=\"該当なし\">"),
        "{row}"
    );
    assert!(row.contains("<span class=\"vh\">該当なし</span>"), "{row}");
    assert!(row.contains("<span class=\"blank\">未記入</span>"), "{row}");
    // A measured zero shows 0.
    let project = page(&out, "joso/2024/projects/124");
    assert!(text(row_with(&project, "包括連携協定締結</th>")).contains("0千円"));
    // All four 改善の余地 boxes, in words.
    let review = text(&project[project.find("改善の余地").unwrap()..]);
    for s in [
        "コスト：チェックなし",
        "活動：チェックあり",
        "成果：チェックあり",
        "その他：チェックなし",
    ] {
        assert!(review.contains(s), "{s}");
    }
}

#[test]
fn latest_year_pages_point_to_the_yeared_page() {
    let (_dir, out) = build_sample();
    let alias = page(&out, "joso/projects/koiki-gyosei");
    assert!(
        alias.contains(
            "<link rel=\"canonical\" href=\"../../../joso/2025/projects/koiki-gyosei/\">"
        )
    );
    // A sheet page names itself as canonical at its yeared route, and its short-route copy is the
    // same page one folder higher: only the way back to the root differs.
    let yeared = page(&out, "joso/2025/projects/koiki-gyosei");
    assert!(yeared.contains(
        "<link rel=\"canonical\" href=\"../../../../joso/2025/projects/koiki-gyosei/\">"
    ));
    assert_eq!(alias, yeared.replace("\"../../../../", "\"../../../"));
    assert!(!alias.contains("../../../../") && !alias.contains('\0'));
    let action = |route: &str| {
        let dir = out.join(route);
        let slug = fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .file_name();
        page(&out, &format!("{route}/{}", slug.to_string_lossy()))
    };
    let (short, long) = (
        action("tsukubamirai/actions"),
        action("tsukubamirai/2024/actions"),
    );
    assert!(long.contains("rel=\"canonical\""));
    assert_eq!(short, long.replace("\"../../../../", "\"../../../"));
    let kpi = page(&out, "joso/kpi");
    assert!(kpi.contains("<link rel=\"canonical\" href=\"../../joso/2025/kpi/\">"));
    assert!(!page(&out, "joso/2025/kpi").contains("rel=\"canonical\""));
}

#[test]
fn every_page_has_lang_one_h1_ordered_headings_and_a_main() {
    let (_dir, out) = build_sample();
    let pages = html_pages(&out);
    assert!(pages.len() > 20);
    let mut titles = BTreeMap::new();
    for (path, html) in &pages {
        let p = path.display();
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"),
            "{p}"
        );
        assert_eq!(html.matches("<h1").count(), 1, "{p}");
        assert_eq!(html.matches("<main id=\"main\"").count(), 1, "{p}");
        assert!(html.contains("href=\"#main\""), "{p}");
        let mut previous = 1;
        for (i, _) in html.match_indices("<h") {
            let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
                continue;
            };
            assert!(level <= previous + 1, "{p}: h{level} after h{previous}");
            previous = level;
        }
        let title = &html[html.find("<title>").unwrap()..html.find("</title>").unwrap()];
        // A page repeated at a latest-year route shares its title with the page it repeats.
        if !canonical_elsewhere(&out, path, html)
            && let Some(other) = titles.insert(title.to_string(), p.to_string())
        {
            panic!("{p} and {other} share the title {title}");
        }
        // Content HTML is only ever escaped: no script, no inline event handlers.
        assert!(!html.contains("<script"), "{p}");
        assert!(!html.contains(" onclick="), "{p}");
    }
}

/// Whether the page at `path` (relative to `out`) names another page as canonical.
fn canonical_elsewhere(out: &Path, path: &Path, html: &str) -> bool {
    let Some(at) = html.find("<link rel=\"canonical\" href=\"") else {
        return false;
    };
    let rest = &html[at + "<link rel=\"canonical\" href=\"".len()..];
    let href = &rest[..rest.find('"').unwrap()];
    let dir = out.join(path).parent().unwrap().to_path_buf();
    let target = dir.join(percent_decode(href));
    fs::canonicalize(target).unwrap() != fs::canonicalize(dir).unwrap()
}

/// Decodes %XX escapes in a link.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn every_internal_link_resolves() {
    let (_dir, out) = build_sample();
    for (path, html) in html_pages(&out) {
        if path == Path::new("404.html") {
            continue; // root-relative on purpose: servers show it at any depth
        }
        let dir = out.join(&path).parent().unwrap().to_path_buf();
        for (i, _) in html.match_indices("href=\"") {
            let href = &html[i + 6..i + 6 + html[i + 6..].find('"').unwrap()];
            if href.starts_with("http") || href.starts_with("mailto:") || href.starts_with('#') {
                continue;
            }
            assert!(
                !href.starts_with('/'),
                "{}: root-relative {href}",
                path.display()
            );
            let target = percent_decode(href.split('#').next().unwrap());
            let mut resolved = dir.join(&target);
            if target.is_empty() || target.ends_with('/') {
                resolved = resolved.join("index.html");
            }
            assert!(
                resolved.is_file(),
                "{}: {href} does not resolve ({})",
                path.display(),
                resolved.display()
            );
        }
    }
}

#[test]
fn building_twice_gives_identical_output() {
    let (_a, first) = build_sample();
    let (_b, second) = build_sample();
    let (x, y) = (tree(&first), tree(&second));
    assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
    for (path, bytes) in &x {
        assert!(bytes == &y[path], "{} differs", path.display());
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = copy_sample();
    let out = site.path().join("public");
    let (_, first) = build(site.path(), None);
    first.unwrap();
    fs::write(out.join("marker.txt"), "previous build").unwrap();
    let before = tree(&out);
    fs::write(
        site.path().join("content/joso/2024/projects/124.toml"),
        "fiscal_year = \"令和6年度\"\ncode = 124 this is not toml\n",
    )
    .unwrap();
    let (report, second) = build(site.path(), None);
    assert!(matches!(second, Err(BuildError::Invalid { errors, .. }) if errors > 0));
    assert!(report.has_errors());
    assert_eq!(tree(&out), before, "the previous output changed");
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kohyo-tmp") || n.contains("kohyo-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_render_error_also_leaves_the_previous_output_untouched() {
    let site = copy_sample();
    let out = site.path().join("public");
    build(site.path(), None).1.unwrap();
    let before = tree(&out);
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/legend.html"),
        "{% extends \"base.html\" %}{% block content %}{{ page.no_such_field.deeper }}{% endblock content %}",
    )
    .unwrap();
    let (_, result) = build(site.path(), None);
    let err = result.unwrap_err().to_string();
    assert!(err.contains("legend"), "{err}");
    assert_eq!(tree(&out), before);
}

#[test]
fn a_site_overrides_templates_and_the_build_refuses_the_site_folder() {
    let site = copy_sample();
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>{{ meta.heading }}</h1><p>独自の404</p>{% endblock content %}",
    )
    .unwrap();
    let out = site.path().join("public");
    build(site.path(), None).1.unwrap();
    assert!(
        fs::read_to_string(out.join("404.html"))
            .unwrap()
            .contains("独自の404")
    );
    let (_, refused) = build(site.path(), Some(site.path()));
    assert!(refused.unwrap_err().to_string().contains("refusing"));
    assert!(site.path().join("content").is_dir());
}

#[test]
fn content_html_is_escaped_and_a_base_url_gives_a_sitemap() {
    let site = copy_sample();
    let config = fs::read_to_string(site.path().join("kohyo.toml")).unwrap();
    let config = format!("base_url = \"https://example.lg.jp/kohyo/\"\n{config}");
    fs::write(site.path().join("kohyo.toml"), config).unwrap();
    let sheet = site.path().join("content/joso/2024/projects/124.toml");
    let text = fs::read_to_string(&sheet).unwrap().replacen(
        "市民ニーズの多様化",
        "<script>alert(1)</script>\n\n[押す](javascript:alert(1))市民ニーズの多様化",
        1,
    );
    fs::write(&sheet, text).unwrap();
    let out = site.path().join("public");
    build(site.path(), None).1.unwrap();
    let html = page(&out, "joso/2024/projects/124");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("押す"), "the link text stays");
    assert!(!html.contains("href=\"javascript"));
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.lg.jp/kohyo/joso/2024/projects/124/</loc>"));
    assert!(sitemap.contains("<loc>https://example.lg.jp/kohyo/joso/plan/%E2%85%A6/</loc>"));
    assert!(
        !sitemap.contains("<loc>https://example.lg.jp/kohyo/joso/kpi/</loc>"),
        "aliases are not listed"
    );
    // 404 links from the published root; aliases link canonically to the absolute URL.
    assert!(
        fs::read_to_string(out.join("404.html"))
            .unwrap()
            .contains("href=\"/kohyo/legend/\"")
    );
    assert!(page(&out, "joso/kpi").contains("href=\"https://example.lg.jp/kohyo/joso/2025/kpi/\""));
}

#[test]
fn the_command_builds_quietly_and_fails_with_status_1() {
    let site = copy_sample();
    let bin = env!("CARGO_BIN_EXE_kohyo");
    let ok = std::process::Command::new(bin)
        .args(["build", "--quiet", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(ok.stdout.is_empty());
    assert!(site.path().join("public/index.html").is_file());
    let loud = std::process::Command::new(bin)
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(site.path().join("elsewhere"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&loud.stdout).contains("pages"));
    fs::write(
        site.path().join("content/joso/municipality.toml"),
        "name = 1",
    )
    .unwrap();
    let bad = std::process::Command::new(bin)
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nothing was written"));
}

#[test]
fn every_part_of_a_full_project_sheet_is_shown() {
    let site = copy_sample();
    fs::write(
        site.path().join("content/joso/2024/projects/full.toml"),
        r#"fiscal_year = 2024
code = "full"
name = "全項目テスト事業"
owners = [{ department = "総務部", section = "総務課" }]
plan = "kouki"
plan_node = "Ⅶ-1-3"
start_year = "平成3年度"
end_year = "なし"
money_unit = "円"

[[sections]]
heading = "概要"
body = """
## 小見出し

| 年度 | 件数 |
|---|--:|
| R6 | 3 |

本文[^1]

[^1]: 注記
"""

[[activities]]
name = "活動A"
years = ["R6"]
budget = 1592000
settlement = "－"

[[outcomes]]
name = "維持する指標"
unit = "%"
direction = "維持"
targets = { R6 = 61 }
actuals = { R6 = 62 }

[[outcomes]]
name = "言葉の目標"
direction = "増加"
targets = { R6 = "実施" }
actuals = { R6 = "実施" }

[cost]
total = 1592000
specific_revenue = 592000
net = 1000000

[staffing]
full_time = 1.5
part_time = 0
tasks = [{ name = "窓口受付", share_percent = 60, routine = true, difficulty = "低" }]

[review]
reflection = "振り返りの本文"
room_for_improvement = ["コスト"]
direction = "拡充"
direction_text = "方向性の本文"
"#,
    )
    .unwrap();
    let out = site.path().join("public");
    let (report, result) = build(site.path(), None);
    result.unwrap_or_else(|e| panic!("{e}\n{}", report.render(false)));
    let html = page(&out, "joso/2024/projects/full");
    let all = text(&html);
    for expected in [
        "平成3年度（1991年度）〜終了年度なし",
        "総務部 総務課",
        "1,592,000円",
        "1,000,000円",
        "592,000円",
        "1.5人",
        "0人",
        "窓口受付",
        "60%",
        "定型",
        "コスト：チェックあり",
        "活動：チェックなし",
        "区分：拡充",
        "方向性の本文",
        "振り返りの本文",
        "率なし（許容幅で判定）",
        "評価なし",
        "概要の表1",
    ] {
        assert!(all.contains(expected), "{expected} missing");
    }
    assert!(
        html.contains("<h3>小見出し</h3>"),
        "Markdown headings sit below the section"
    );
    assert!(html.contains("<th scope=\"col\">年度</th>"));
    assert!(html.contains("id=\"s0-fn-1\""));
    assert!(text(row_with(&html, "維持する指標")).contains("◎ 目標達成"));
    // The settlement 「－」 is 該当なし, not blank.
    let input = row_with(&html, "活動A</th>");
    assert!(
        input.contains("<span class=\"vh\">該当なし</span>"),
        "{input}"
    );
    // The plan node lists the sheet.
    assert!(page(&out, "joso/plan/Ⅶ-1-3").contains("全項目テスト事業"));
}
