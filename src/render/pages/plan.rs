//! A plan node page (施策の大綱, 基本施策, 分野施策, 取り組み …): narrative sections, children,
//! 目標指標 with yearly actuals, the ロードマップ grouped by node, and the sheets placed on the node
//! and beneath it, grouped by child node and summarised by 達成状況.

use super::project::{SectionView, sections};
use super::rollup::{self, Placed, Summary};
use super::{PlanStep, SheetItem, here, muni_trail, node_title, plan_period, plan_steps};
use crate::model::{CostTrend, Municipality, Plan, PlanNode, Site};
use crate::render::html::ChartView;
use crate::render::indicators::{self, FormulaNote, YearColumn, YearTable};
use crate::render::theme::Theme;
use crate::render::{Downloads, Link, Meta, PageCx, Rendered, render_template, routes};
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Serialize)]
struct PlanNodePage {
    plan: String,
    period: Option<String>,
    level: String,
    code: String,
    title: String,
    sdgs: String,
    path: Vec<PlanStep>,
    sections: Vec<SectionView>,
    children_heading: String,
    children: Vec<Link>,
    indicators: Option<YearTable>,
    charts: Vec<ChartView>,
    formulas: Vec<FormulaNote>,
    roadmap: Vec<RoadmapGroup>,
    sheets: NodeSheets,
}

/// The sheets placed on a node and beneath it.
#[derive(Serialize)]
struct NodeSheets {
    /// Their figures, when there is any sheet.
    summary: Option<Summary>,
    /// The sheets placed on the node itself.
    direct: Vec<SheetItem>,
    /// 「事務事業 1件」 for `direct`.
    direct_count: String,
    /// Per child node, in plan order, the sheets placed on it or beneath it.
    groups: Vec<ChildGroup>,
}

/// A child node with the sheets placed on it or beneath it.
#[derive(Serialize)]
struct ChildGroup {
    /// 「施策の目標 1 市民満足度の高い行財政運営を進める」.
    title: String,
    /// Its page.
    href: String,
    /// 「事務事業 2件」.
    count: String,
    /// The sheets, each saying which node it is placed on when that is below the child.
    sheets: Vec<SheetItem>,
}

#[derive(Serialize)]
struct RoadmapGroup {
    heading: String,
    href: Option<String>,
    years: Vec<YearColumn>,
    rows: Vec<RoadmapRowView>,
}

#[derive(Serialize)]
struct RoadmapRowView {
    name: String,
    href: Option<String>,
    leading: bool,
    cells: Vec<Option<&'static str>>,
}

/// The cost trend of a roadmap year in words (the printed arrows carry it only by shape).
fn trend(t: CostTrend) -> &'static str {
    match t {
        CostTrend::Same => "前年度と同程度",
        CostTrend::Up => "拡大",
        CostTrend::Down => "縮小",
        CostTrend::Active => "実施",
    }
}

fn roadmap(cx: &PageCx<'_>, m: &Municipality, plan: &Plan, node: &PlanNode) -> Vec<RoadmapGroup> {
    let years: Vec<_> = node
        .roadmap
        .iter()
        .flat_map(|r| r.years.keys().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut groups: Vec<(Option<&str>, Vec<RoadmapRowView>)> = Vec::new();
    for r in &node.roadmap {
        let row = RoadmapRowView {
            name: r.name.clone(),
            href: r
                .project
                .as_ref()
                .filter(|code| m.projects.contains_key(*code))
                .map(|code| cx.href(&routes::project(m, None, code))),
            leading: r.leading,
            cells: years
                .iter()
                .map(|y| r.years.get(y).map(|t| trend(*t)))
                .collect(),
        };
        let key = r.node.as_deref();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((key, vec![row])),
        }
    }
    groups
        .into_iter()
        .map(|(key, rows)| {
            let target = key
                .and_then(|code| plan.find(code))
                .and_then(|p| p.last().copied());
            RoadmapGroup {
                heading: match (target, key) {
                    (Some(n), _) => node_title(plan, n),
                    (None, Some(code)) => code.to_string(),
                    (None, None) => "事業".to_string(),
                },
                href: target.map(|n| cx.href(&routes::plan_node(m, &n.code))),
                years: years.iter().map(|y| YearColumn::of(*y)).collect(),
                rows,
            }
        })
        .collect()
}

/// The page of a node at `path` (root first, the node last).
fn view(
    cx: &PageCx<'_>,
    m: &Municipality,
    plan: &Plan,
    node: &PlanNode,
    path: &[&PlanNode],
) -> Result<PlanNodePage> {
    let depth = path.len().saturating_sub(1);
    let (indicators, formulas) = indicator_table(cx, node);
    Ok(PlanNodePage {
        plan: plan.name.clone(),
        period: plan_period(plan),
        level: plan.level_name(depth).unwrap_or("").to_string(),
        code: node.code.clone(),
        title: node.title.clone(),
        sdgs: node
            .sdgs
            .iter()
            .map(|g| format!("目標{g}"))
            .collect::<Vec<_>>()
            .join("、"),
        path: plan_steps(cx, m, plan, path),
        sections: sections(&node.sections, "s"),
        children_heading: plan
            .level_name(depth + 1)
            .map(|l| format!("この施策の{l}"))
            .unwrap_or_else(|| "下位の施策".into()),
        children: node
            .children
            .iter()
            .map(|c| Link::new(node_title(plan, c), cx.href(&routes::plan_node(m, &c.code))))
            .collect(),
        indicators,
        charts: crate::render::charts::plan_node(node, cx)?
            .into_iter()
            .map(ChartView::from)
            .collect(),
        formulas,
        roadmap: roadmap(cx, m, plan, node),
        sheets: node_sheets(cx, m, plan, node),
    })
}

/// The sheets placed on a node, and per child those placed on it or beneath it.
fn node_sheets(cx: &PageCx<'_>, m: &Municipality, plan: &Plan, node: &PlanNode) -> NodeSheets {
    let placed = Placed::new(m, plan);
    let beneath = placed.beneath(node);
    let all = beneath.iter().map(|(_, s)| *s);
    let here = placed.at(Some(&node.code));
    NodeSheets {
        summary: (!beneath.is_empty()).then(|| rollup::summary(cx, all)),
        direct: rollup::plain_items(cx, m, here),
        direct_count: rollup::count_label(rollup::tally([here])),
        groups: node
            .children
            .iter()
            .map(|child| {
                let under = placed.beneath(child);
                ChildGroup {
                    title: node_title(plan, child),
                    href: cx.href(&routes::plan_node(m, &child.code)),
                    count: rollup::count_label(rollup::tally(under.iter().map(|(_, s)| *s))),
                    sheets: under
                        .iter()
                        .flat_map(|(n, s)| {
                            if n.code == child.code {
                                rollup::plain_items(cx, m, s)
                            } else {
                                rollup::items_at(cx, m, plan, n, s)
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// The 目標指標 with a column per year they hold, assessed for the latest year with an actual.
fn indicator_table(cx: &PageCx<'_>, node: &PlanNode) -> (Option<YearTable>, Vec<FormulaNote>) {
    let inds: Vec<_> = node.indicators.iter().collect();
    let latest_actual = inds.iter().flat_map(|i| i.actuals.keys().copied()).max();
    let mut table = (!inds.is_empty()).then(|| {
        indicators::year_table(
            format!("{}の目標指標", node.title),
            &inds,
            latest_actual,
            cx.achievement,
        )
    });
    let formulas = indicators::number_formulas(
        table
            .iter_mut()
            .flat_map(|t| t.rows.iter_mut())
            .filter_map(|r| r.assessment.as_mut()),
    );
    (table, formulas)
}

/// `/{muni}/plan/{code}/`.
pub(super) fn page(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    m: &Municipality,
    plan: &Plan,
    node: &PlanNode,
) -> Result<Rendered> {
    let cx = PageCx::new(site, routes::plan_node(m, &node.code));
    let path = plan.find(&node.code).unwrap_or_else(|| vec![node]);
    let depth = path.len().saturating_sub(1);
    let view = view(&cx, m, plan, node, &path)?;
    let heading = node_title(plan, node);
    let mut trail = muni_trail(&cx, m, None);
    trail.push(Link::new("計画の体系", cx.href(&routes::plans(m))));
    for ancestor in &path[..depth] {
        trail.push(Link::new(
            node_title(plan, ancestor),
            cx.href(&routes::plan_node(m, &ancestor.code)),
        ));
    }
    trail.push(here(&cx, heading.clone()));
    let mut meta = Meta::new(&cx, heading.clone(), trail)
        .with_muni_nav(&cx, m)
        .with_downloads(&cx, downloads);
    meta.title = format!(
        "{heading} | {} {} | {}",
        m.name, plan.name, site.config.title
    );
    render_template(theme, &cx, "plan_node.html", &meta, &view)
}
