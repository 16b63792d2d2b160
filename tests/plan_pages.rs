//! The plan hierarchy on the sample site's pages: a plan node page lists the sheets placed on it
//! and, grouped by child node, those placed beneath it, with counts; `/{muni}/plan/` lists every
//! node of every plan once with its rolled-up counts. Expectations are worked out from the model
//! (each project's and action item's latest sheet and the node it names), not from the pages.

use kohyo::model::{Municipality, Plan, PlanNode, PlanRef, Site};
use kohyo::render::routes;
use kohyo::render::theme::Theme;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

struct Sample {
    site: Site,
    /// Rendered pages by route (`joso/plan/Ⅶ/`).
    pages: BTreeMap<String, String>,
}

fn sample() -> Sample {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (site, report) = kohyo::check(root);
    let site = site.unwrap_or_else(|| panic!("{}", report.render(false)));
    let theme = Theme::load(root).unwrap();
    let rendered = kohyo::render::render_site(&site, &theme).unwrap();
    let pages = rendered
        .files
        .into_iter()
        .map(|f| {
            let html = String::from_utf8(f.bytes).unwrap();
            (f.route.as_str().to_string(), html)
        })
        .collect();
    Sample { site, pages }
}

impl Sample {
    fn muni(&self, slug: &str) -> &Municipality {
        self.site
            .municipalities
            .iter()
            .find(|m| m.slug == slug)
            .unwrap()
    }

    fn page(&self, route: &kohyo::render::url::Route) -> &str {
        self.pages
            .get(route.as_str())
            .unwrap_or_else(|| panic!("no page /{}", route.as_str()))
    }
}

/// The route of each project's and action item's latest sheet that names `plan`, with the node it
/// names (`None`: the plan without a node).
fn latest_placed(m: &Municipality, plan: &Plan) -> Vec<(Option<String>, String)> {
    let in_plan = |r: &Option<PlanRef>| r.as_ref().filter(|r| r.plan == plan.id).cloned();
    let mut out = Vec::new();
    for history in m.projects.values() {
        let p = history.values().last().unwrap();
        if let Some(r) = in_plan(&p.plan) {
            let route = routes::project(m, Some(p.fiscal_year), &p.code);
            out.push((r.node, route.encoded()));
        }
    }
    for history in m.actions.values() {
        let a = history.values().last().unwrap();
        if let Some(r) = in_plan(&a.plan) {
            let route = routes::action(m, Some(a.fiscal_year), &a.key);
            out.push((r.node, route.encoded()));
        }
    }
    out
}

/// The codes of a node and of every node beneath it.
fn subtree(node: &PlanNode) -> BTreeSet<String> {
    let mut codes = BTreeSet::from([node.code.clone()]);
    for c in &node.children {
        codes.extend(subtree(c));
    }
    codes
}

/// The sheets (as routes) placed on a node or beneath it.
fn beneath(placed: &[(Option<String>, String)], node: &PlanNode) -> BTreeSet<String> {
    let codes = subtree(node);
    placed
        .iter()
        .filter(|(n, _)| n.as_ref().is_some_and(|n| codes.contains(n)))
        .map(|(_, r)| r.clone())
        .collect()
}

/// Every `href` in some HTML, with the `../` prefix removed (routes are relative to the root).
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|rest| {
            let href = &rest[..rest.find('"').unwrap()];
            href.trim_start_matches("../").to_string()
        })
        .collect()
}

/// The links to project and action pages in some HTML.
fn sheet_links(html: &str) -> Vec<String> {
    hrefs(html)
        .into_iter()
        .filter(|h| h.contains("/projects/") || h.contains("/actions/"))
        .collect()
}

/// The part of a node page listing the sheets on and beneath it, split at its `<h3>`s: first the
/// summary, then one part per list (the node's own, then one per child).
fn sheet_section(html: &str) -> Vec<&str> {
    let start = html.find("<h2 id=\"sheets\">").expect("sheet section");
    let end = start + html[start..].find("</main>").unwrap();
    html[start..end].split("<h3>").collect()
}

/// 「事務事業 2件、アクション項目 1件」 as the pages write counts.
fn count_label(projects: usize, actions: usize) -> String {
    match (projects, actions) {
        (0, 0) => "事務事業・アクション項目なし".into(),
        (p, 0) => format!("事務事業 {p}件"),
        (0, a) => format!("アクション項目 {a}件"),
        (p, a) => format!("事務事業 {p}件、アクション項目 {a}件"),
    }
}

fn kinds(routes: &BTreeSet<String>) -> (usize, usize) {
    let projects = routes.iter().filter(|r| r.contains("/projects/")).count();
    (projects, routes.len() - projects)
}

#[test]
fn the_joso_vii_page_lists_both_projects_under_its_child_with_counts() {
    let s = sample();
    let m = s.muni("joso");
    let plan = &m.plans[0];
    let vii = plan.find("Ⅶ").unwrap()[0];
    let placed = latest_placed(m, plan);
    // The content: both projects name nodes two levels below Ⅶ-1, none names Ⅶ itself.
    assert_eq!(placed.len(), 2);
    assert!(placed.iter().all(|(n, _)| n.as_deref() != Some("Ⅶ")));

    let html = s.page(&routes::plan_node(m, "Ⅶ"));
    let parts = sheet_section(html);
    // The summary, then the one child of Ⅶ: no list of sheets placed on Ⅶ itself.
    assert_eq!(parts.len(), 1 + vii.children.len(), "{parts:#?}");
    assert!(parts[0].contains("<dd>2件</dd>"), "{}", parts[0]);
    assert!(sheet_links(parts[0]).is_empty());
    let group = parts[1];
    let child = &vii.children[0];
    assert_eq!(
        hrefs(group)[0],
        routes::plan_node(m, &child.code).encoded(),
        "the group is headed by a link to the child's page"
    );
    assert!(group.contains("施策の目標 1 市民満足度の高い行財政運営を進める</a>（事務事業 2件）"));
    let listed: BTreeSet<String> = sheet_links(group).into_iter().collect();
    assert_eq!(listed, beneath(&placed, child));
    assert_eq!(sheet_links(group).len(), 2, "each project listed once");
    // Each says which 施策内容 it is placed on, with a link to that node.
    for (node, _) in &placed {
        let node = node.as_deref().unwrap();
        let at = routes::plan_node(m, node).encoded();
        assert!(hrefs(group).contains(&at), "{node}");
        assert!(group.contains(&format!("施策内容 {node}</a>")), "{node}");
    }
    // The breadcrumbs pass through the overview.
    let plans = routes::plans(m).encoded();
    let nav = &html[html.find("<nav").unwrap()..html.find("<main").unwrap()];
    assert!(hrefs(nav).contains(&plans));
    assert!(nav.contains(">計画の体系</a>"));
}

#[test]
fn every_node_page_groups_the_sheets_beneath_it_as_the_model_places_them() {
    let s = sample();
    let mut nodes = 0;
    for m in &s.site.municipalities {
        for plan in &m.plans {
            let placed = latest_placed(m, plan);
            for (_, node) in plan.nodes() {
                nodes += 1;
                let html = s.page(&routes::plan_node(m, &node.code));
                let all = beneath(&placed, node);
                let parts = sheet_section(html);
                if all.is_empty() {
                    assert_eq!(parts.len(), 1, "{}", node.code);
                    assert!(
                        parts[0].contains("位置づけられた事務事業・アクション項目はありません")
                    );
                    continue;
                }
                let (p, a) = kinds(&all);
                assert!(parts[0].contains(&format!("<dt>事務事業</dt><dd>{p}件</dd>")));
                assert!(parts[0].contains(&format!("<dt>アクション項目</dt><dd>{a}件</dd>")));
                let own: BTreeSet<String> = placed
                    .iter()
                    .filter(|(n, _)| n.as_deref() == Some(node.code.as_str()))
                    .map(|(_, r)| r.clone())
                    .collect();
                let mut lists = parts[1..].iter();
                if !own.is_empty() {
                    let list = lists.next().unwrap();
                    assert!(list.contains("に直接位置づけられたもの"));
                    assert_eq!(sheet_links(list).into_iter().collect::<BTreeSet<_>>(), own);
                }
                for child in &node.children {
                    let list = lists.next().expect("a group per child");
                    assert_eq!(hrefs(list)[0], routes::plan_node(m, &child.code).encoded());
                    let expected = beneath(&placed, child);
                    let (p, a) = kinds(&expected);
                    assert!(list.contains(&format!("（{}）", count_label(p, a))));
                    let listed = sheet_links(list);
                    assert_eq!(listed.len(), expected.len(), "{}", child.code);
                    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), expected);
                }
                assert!(lists.next().is_none());
            }
        }
    }
    assert_eq!(nodes, 53, "shimotsuma's 48 nodes and joso's 5");
}

#[test]
fn the_summary_counts_the_indicators_of_the_latest_sheets_by_status() {
    let s = sample();
    let m = s.muni("joso");
    let config = &m.achievement;
    let html = s.page(&routes::plan_node(m, "Ⅶ"));
    let summary = sheet_section(html)[0];
    // Every indicator of each project's latest sheet, assessed in that sheet's year.
    let mut by_label: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    for history in m.projects.values() {
        let p = history.values().last().unwrap();
        for ind in p.indicators() {
            total += 1;
            let a = kohyo::compute::assess(ind, p.fiscal_year, config);
            let label = match &a {
                kohyo::compute::Assessment::Unassessed(u) => u.label().to_string(),
                _ => kohyo::compute::grade(&a, &config.grades)
                    .unwrap()
                    .label
                    .clone(),
            };
            *by_label.entry(label).or_default() += 1;
        }
    }
    assert!(summary.contains(&format!(
        "<dt>指標</dt><dd>{total}件（令和6年度（2024年度）〜令和7年度（2025年度）のシート）"
    )));
    // 未測定, 該当なし and 評価なし each have their own line, as do the grades.
    let lines: Vec<&str> = summary.split("<li>").skip(1).collect();
    assert_eq!(lines.len(), config.grades.len() + 3);
    for (line, label) in lines
        .iter()
        .zip(config.grades.iter().map(|g| g.label.as_str()).chain([
            "未測定",
            "該当なし",
            "評価なし",
        ]))
    {
        let n = by_label.get(label).copied().unwrap_or(0);
        assert!(line.contains(&format!(" {label} {n}件</li>")), "{line}");
    }
    // The sample has both blanks and dashes among these sheets' actuals: the lines differ.
    assert!(by_label.get("未測定").is_some_and(|n| *n > 0));
    assert!(by_label.get("該当なし").is_some_and(|n| *n > 0));
}

#[test]
fn the_overview_lists_every_node_of_every_plan_once_with_its_counts() {
    let s = sample();
    for m in &s.site.municipalities {
        let route = routes::plans(m);
        let html = s.page(&route);
        let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
        let links = hrefs(main);
        let mut listed = 0;
        for plan in &m.plans {
            assert!(main.contains(&format!("<h2>{}</h2>", plan.name)));
            let placed = latest_placed(m, plan);
            for (_, node) in plan.nodes() {
                listed += 1;
                let href = routes::plan_node(m, &node.code).encoded();
                assert_eq!(
                    links.iter().filter(|h| **h == href).count(),
                    1,
                    "{} in /{}",
                    node.code,
                    route.as_str()
                );
                let (p, a) = kinds(&beneath(&placed, node));
                let at = main.find(&format!("href=\"../../{href}\"")).unwrap();
                let entry = &main[at..at + main[at..].find("</span>").unwrap()];
                assert!(
                    entry.ends_with(&format!("（{}）", count_label(p, a))),
                    "{entry}"
                );
            }
            // Sheets naming the plan and no node are listed with the plan.
            let unplaced = placed.iter().filter(|(n, _)| n.is_none()).count();
            if unplaced > 0 {
                assert!(main.contains(&format!("（{}）</h3>", count_label(0, unplaced))));
            }
        }
        assert_eq!(main.matches("<li><a href=\"../../").count(), listed);
        // The municipality's navigation leads to the overview.
        let muni = s.page(&routes::muni(m));
        assert!(hrefs(muni).contains(&route.encoded()));
    }
    // The sample: 48 nodes in shimotsuma (6.toml, 13 in 6-1.md, 34 in 6-2.md) and no sheet, 23
    // action items in tsukubamirai's plan without a node.
    let shimotsuma = s.muni("shimotsuma");
    assert_eq!(
        shimotsuma
            .plans
            .iter()
            .map(|p| p.nodes().len())
            .sum::<usize>(),
        48
    );
    let overview = s.page(&routes::plans(shimotsuma));
    assert_eq!(
        overview.matches("（事務事業・アクション項目なし）").count(),
        48
    );
    let tsukubamirai = s.muni("tsukubamirai");
    let overview = s.page(&routes::plans(tsukubamirai));
    assert!(overview.contains("の施策の指定がない項目（アクション項目 23件）</h3>"));
    assert_eq!(sheet_links(overview).len(), 23);
}
