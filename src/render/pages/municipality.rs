//! A municipality's index (plan tree, views by department and by 達成状況, headline counts, its
//! years) and each fiscal year's index.

use super::rollup::{self, Placed};
use super::{
    SheetItem, YearLink, action_item, here, muni_trail, node_title, plan_period, project_item,
    share_text,
};
use crate::fiscal_year::FiscalYear;
use crate::model::{Municipality, Plan, PlanNode, Site};
use crate::render::display::{self, AssessmentView};
use crate::render::html::ChartView;
use crate::render::indicators::{self, Counts};
use crate::render::theme::Theme;
use crate::render::{Downloads, Link, Meta, PageCx, Rendered, render_template, routes};
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;

/// The figures a municipality is summarised by: its latest year's sheets and indicator results.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Headline {
    /// 「令和7年度（2025年度）」.
    year: String,
    /// The year's page, when it has sheets.
    year_href: Option<String>,
    /// The year's KPI table, when it has sheets.
    kpi_href: Option<String>,
    /// Project sheets in the year.
    projects: String,
    /// Action item reports in the year.
    actions: String,
    /// Indicator results.
    counts: Counts,
    /// 「33.3%（評価できた3指標のうち1指標が目標を達成）」.
    share_text: String,
}

/// The year a municipality is summarised by: its latest year with sheets, or else the latest
/// year with an actual on a plan indicator of a plan covering that year.
fn headline_year(m: &Municipality) -> Option<FiscalYear> {
    m.latest_year().or_else(|| {
        m.plans
            .iter()
            .flat_map(|p| {
                p.nodes().into_iter().flat_map(move |(_, n)| {
                    n.indicators
                        .iter()
                        .flat_map(|i| i.actuals.keys().copied())
                        .filter(move |y| indicators::plan_covers(p, *y))
                })
            })
            .max()
    })
}

/// The headline of a municipality, when it has a year to report.
pub(crate) fn headline(cx: &PageCx<'_>, m: &Municipality) -> Option<Headline> {
    let year = headline_year(m)?;
    let held = indicators::of_year(m, year);
    let counts = indicators::counts(held.iter().map(|h| h.indicator), year, cx.achievement);
    let has_sheets = m.fiscal_years().contains(&year);
    let share_text = share_text(&counts);
    Some(Headline {
        year: year.long_label(),
        year_href: has_sheets.then(|| cx.href(&routes::year(m, year))),
        kpi_href: has_sheets.then(|| cx.href(&routes::kpi(m, Some(year)))),
        projects: display::count(m.projects_in(year).count()),
        actions: display::count(m.actions_in(year).count()),
        counts,
        share_text,
    })
}

#[derive(Serialize)]
struct MuniPage {
    name: String,
    prefecture: String,
    code: String,
    website: Option<String>,
    headline: Option<Headline>,
    years: Vec<YearRow>,
    plans: Vec<PlanTree>,
    /// The plan overview (`/{muni}/plan/`).
    plans_href: String,
    by_owner: Vec<OwnerGroup>,
    by_status: Vec<StatusGroup>,
    status_year: String,
    status_chart: Option<ChartView>,
    unplaced: Vec<SheetItem>,
}

#[derive(Serialize)]
struct YearRow {
    label: String,
    href: String,
    kpi_href: String,
    projects: String,
    actions: String,
}

#[derive(Serialize)]
struct PlanTree {
    name: String,
    part_of: Option<String>,
    period: Option<String>,
    levels: String,
    nodes: Vec<TreeNode>,
    /// Sheets that name the plan but no node of it.
    sheets: Vec<SheetItem>,
}

#[derive(Serialize)]
struct TreeNode {
    title: String,
    href: String,
    indicators: usize,
    sheets: Vec<SheetItem>,
    children: Vec<TreeNode>,
}

#[derive(Serialize)]
struct OwnerGroup {
    owner: String,
    sheets: Vec<SheetItem>,
}

#[derive(Serialize)]
struct StatusGroup {
    mark: String,
    label: String,
    count: String,
    items: Vec<StatusItem>,
}

#[derive(Serialize)]
struct StatusItem {
    indicator: String,
    holder: Link,
    rate: Option<String>,
}

/// The nodes with the sheets placed on each (not its descendants).
fn tree(
    cx: &PageCx<'_>,
    m: &Municipality,
    plan: &Plan,
    placed: &Placed<'_>,
    nodes: &[PlanNode],
) -> Vec<TreeNode> {
    nodes
        .iter()
        .map(|n| TreeNode {
            title: node_title(plan, n),
            href: cx.href(&routes::plan_node(m, &n.code)),
            indicators: n.indicators.len(),
            sheets: rollup::plain_items(cx, m, placed.at(Some(&n.code))),
            children: tree(cx, m, plan, placed, &n.children),
        })
        .collect()
}

fn plan_trees(cx: &PageCx<'_>, m: &Municipality) -> Vec<PlanTree> {
    m.plans
        .iter()
        .map(|p| {
            let placed = Placed::new(m, p);
            PlanTree {
                name: p.name.clone(),
                part_of: p.part_of.clone(),
                period: plan_period(p),
                levels: p.levels.join(" → "),
                nodes: tree(cx, m, p, &placed, &p.roots),
                sheets: rollup::plain_items(cx, m, placed.at(None)),
            }
        })
        .collect()
}

/// Every project's and action item's latest sheet.
fn latest_sheets(cx: &PageCx<'_>, m: &Municipality) -> Vec<(Vec<String>, bool, SheetItem)> {
    let projects = m
        .projects
        .values()
        .filter_map(|h| h.values().last())
        .map(|p| {
            let owners = p.owners.iter().map(|o| o.label()).collect();
            (owners, p.plan.is_some(), project_item(cx, m, p))
        });
    let actions = m
        .actions
        .values()
        .filter_map(|h| h.values().last())
        .map(|a| {
            let owners = a.owners.iter().map(|o| o.label()).collect();
            (owners, a.plan.is_some(), action_item(cx, m, a))
        });
    projects.chain(actions).collect()
}

fn by_owner(sheets: &[(Vec<String>, bool, SheetItem)]) -> Vec<OwnerGroup> {
    let mut groups: BTreeMap<String, Vec<SheetItem>> = BTreeMap::new();
    for (owners, _, item) in sheets {
        let named: Vec<&String> = owners.iter().filter(|o| !o.is_empty()).collect();
        if named.is_empty() {
            groups
                .entry("担当課の記載なし".into())
                .or_default()
                .push(item.clone());
        }
        for o in named {
            groups.entry(o.clone()).or_default().push(item.clone());
        }
    }
    groups
        .into_iter()
        .map(|(owner, sheets)| OwnerGroup { owner, sheets })
        .collect()
}

/// Indicators of the year grouped by 達成状況, in the order of the legend.
fn by_status(cx: &PageCx<'_>, m: &Municipality, year: FiscalYear) -> Vec<StatusGroup> {
    let mut groups: Vec<(AssessmentView, Vec<StatusItem>)> = Vec::new();
    for h in indicators::of_year(m, year) {
        let a = display::assess(h.indicator, year, cx.achievement);
        let item = StatusItem {
            indicator: match h.activity {
                Some(activity) => format!("{}（活動：{activity}）", h.indicator.name),
                None => h.indicator.name.clone(),
            },
            holder: indicators::holder_link(cx, m, h.holder),
            rate: a.rate.clone(),
        };
        match groups
            .iter_mut()
            .find(|(g, _)| g.mark == a.mark && g.label == a.label)
        {
            Some((_, items)) => items.push(item),
            None => groups.push((a, vec![item])),
        }
    }
    groups.sort_by_key(|(a, _)| status_order(a, &m.achievement.grades));
    groups
        .into_iter()
        .map(|(a, items)| StatusGroup {
            mark: a.mark.into_owned(),
            label: a.label.into_owned(),
            count: display::count(items.len()),
            items,
        })
        .collect()
}

/// Where a 達成状況 stands in the legend's order: the grades (◎○△×), then 未測定, 該当なし, 評価なし.
fn status_order(a: &AssessmentView, grades: &[crate::compute::Grade]) -> usize {
    let unassessed = ["未測定", "該当なし", "評価なし"];
    if a.state == "unassessed" {
        grades.len()
            + unassessed
                .iter()
                .position(|l| *l == a.label)
                .unwrap_or(unassessed.len())
    } else {
        grades
            .iter()
            .position(|g| g.mark == a.mark)
            .unwrap_or(grades.len())
    }
}

/// `/{muni}/`.
pub(super) fn index(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    m: &Municipality,
) -> Result<Rendered> {
    let cx = PageCx::new(site, routes::muni(m));
    let years = m
        .fiscal_years()
        .into_iter()
        .rev()
        .map(|y| YearRow {
            label: y.long_label(),
            href: cx.href(&routes::year(m, y)),
            kpi_href: cx.href(&routes::kpi(m, Some(y))),
            projects: display::count(m.projects_in(y).count()),
            actions: display::count(m.actions_in(y).count()),
        })
        .collect();
    let sheets = latest_sheets(&cx, m);
    let status_year = headline_year(m);
    let view = MuniPage {
        name: m.name.clone(),
        prefecture: m.prefecture.clone(),
        code: m.code.to_string(),
        website: m
            .website
            .clone()
            .filter(|w| crate::render::url::is_safe_link(w)),
        headline: headline(&cx, m),
        years,
        plans: plan_trees(&cx, m),
        plans_href: cx.href(&routes::plans(m)),
        by_owner: by_owner(&sheets),
        by_status: status_year
            .map(|y| by_status(&cx, m, y))
            .unwrap_or_default(),
        status_year: status_year.map(FiscalYear::long_label).unwrap_or_default(),
        status_chart: status_year
            .map(|y| crate::render::charts::status(m, y, &cx).map(ChartView::from))
            .transpose()?,
        unplaced: sheets
            .iter()
            .filter(|(_, placed, _)| !placed)
            .map(|(_, _, s)| s.clone())
            .collect(),
    };
    let meta = Meta::new(&cx, m.name.clone(), vec![here(&cx, m.name.clone())])
        .with_muni_nav(&cx, m)
        .with_downloads(&cx, downloads);
    render_template(theme, &cx, "municipality.html", &meta, &view)
}

#[derive(Serialize)]
struct YearPage {
    muni: String,
    year: String,
    kpi_href: String,
    headline: Counts,
    share_text: String,
    project_count: String,
    action_count: String,
    projects: Vec<SheetItem>,
    actions: Vec<SheetItem>,
    years: Vec<YearLink>,
}

/// `/{muni}/{fy}/`.
pub(super) fn year(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    m: &Municipality,
    y: FiscalYear,
) -> Result<Rendered> {
    let cx = PageCx::new(site, routes::year(m, y));
    let held = indicators::of_year(m, y);
    let counts = indicators::counts(held.iter().map(|h| h.indicator), y, &m.achievement);
    let share_text = share_text(&counts);
    let view = YearPage {
        muni: m.name.clone(),
        year: y.long_label(),
        kpi_href: cx.href(&routes::kpi(m, Some(y))),
        headline: counts,
        share_text,
        project_count: display::count(m.projects_in(y).count()),
        action_count: display::count(m.actions_in(y).count()),
        projects: m.projects_in(y).map(|p| project_item(&cx, m, p)).collect(),
        actions: m.actions_in(y).map(|a| action_item(&cx, m, a)).collect(),
        years: m
            .fiscal_years()
            .into_iter()
            .map(|o| YearLink {
                label: o.long_label(),
                href: cx.href(&routes::year(m, o)),
                current: o == y,
            })
            .collect(),
    };
    let mut trail = muni_trail(&cx, m, None);
    trail.push(here(&cx, y.long_label()));
    let meta = Meta::new(&cx, format!("{} {}の評価", m.name, y.long_label()), trail)
        .with_muni_nav(&cx, m)
        .with_downloads(&cx, downloads);
    render_template(theme, &cx, "year.html", &meta, &view)
}
