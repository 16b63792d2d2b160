//! The sheets beneath a plan node: each project's and action item's latest sheet placed on a node
//! or on any node below it, as node pages, the plan overview and the municipality's plan tree
//! list and count them, with the 達成状況 of their indicators.

use super::{SheetItem, action_item, node_title, project_item, share_text};
use crate::chart::{StatusCount, status_counts};
use crate::fiscal_year::FiscalYear;
use crate::model::{Action, Indicator, Municipality, Plan, PlanNode, Project};
use crate::render::indicators::{self, Counts};
use crate::render::{Link, PageCx, display, routes};
use serde::Serialize;
use std::collections::BTreeMap;

/// Latest sheets: projects by code, then action items by 項目番号.
#[derive(Debug, Clone, Default)]
pub(super) struct Sheets<'s> {
    /// Each project's latest sheet.
    pub(super) projects: Vec<&'s Project>,
    /// Each action item's latest report.
    pub(super) actions: Vec<&'s Action>,
}

impl Sheets<'_> {
    /// How many sheets.
    pub(super) fn len(&self) -> usize {
        self.projects.len() + self.actions.len()
    }
}

/// The latest sheets of a municipality that name one plan, by the node they name (`None`: the
/// plan without a node). Built once per page, so that a page with many nodes reads each sheet
/// once.
#[derive(Debug)]
pub(super) struct Placed<'s> {
    by_node: BTreeMap<&'s str, Sheets<'s>>,
    no_node: Sheets<'s>,
    empty: Sheets<'s>,
}

impl<'s> Placed<'s> {
    /// Indexes the latest sheets of `m` placed in `plan`.
    pub(super) fn new(m: &'s Municipality, plan: &Plan) -> Placed<'s> {
        let mut placed = Placed {
            by_node: BTreeMap::new(),
            no_node: Sheets::default(),
            empty: Sheets::default(),
        };
        let in_plan = |r: &'s Option<crate::model::PlanRef>| {
            r.as_ref()
                .filter(|r| r.plan == plan.id)
                .map(|r| r.node.as_deref())
        };
        for p in m.projects.values().filter_map(|h| h.values().last()) {
            if let Some(node) = in_plan(&p.plan) {
                placed.entry(node).projects.push(p);
            }
        }
        for a in m.actions.values().filter_map(|h| h.values().last()) {
            if let Some(node) = in_plan(&a.plan) {
                placed.entry(node).actions.push(a);
            }
        }
        placed
    }

    fn entry(&mut self, node: Option<&'s str>) -> &mut Sheets<'s> {
        match node {
            Some(code) => self.by_node.entry(code).or_default(),
            None => &mut self.no_node,
        }
    }

    /// The sheets naming the node `code` (or, with `None`, the plan and no node).
    pub(super) fn at(&self, code: Option<&str>) -> &Sheets<'s> {
        match code {
            Some(code) => self.by_node.get(code).unwrap_or(&self.empty),
            None => &self.no_node,
        }
    }

    /// The nodes of the subtree at `node` (the node first, then depth first in plan order) that
    /// have sheets, each with its sheets.
    pub(super) fn beneath<'n>(&self, node: &'n PlanNode) -> Vec<(&'n PlanNode, &Sheets<'s>)> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            let here = self.at(Some(&n.code));
            if here.len() > 0 {
                out.push((n, here));
            }
            stack.extend(n.children.iter().rev());
        }
        out
    }

    /// Every sheet naming the plan, with or without a node.
    pub(super) fn all(&self) -> impl Iterator<Item = &Sheets<'s>> + Clone {
        self.by_node.values().chain([&self.no_node])
    }
}

/// How many projects and action items some groups of sheets hold.
pub(super) fn tally<'a, 's: 'a>(
    groups: impl IntoIterator<Item = &'a Sheets<'s>>,
) -> (usize, usize) {
    groups.into_iter().fold((0, 0), |(p, a), s| {
        (p + s.projects.len(), a + s.actions.len())
    })
}

/// 「事務事業 2件、アクション項目 1件」, leaving out a kind with none; 「事務事業・アクション項目なし」
/// when there are neither.
pub(super) fn count_label((projects, actions): (usize, usize)) -> String {
    let parts: Vec<String> = [(projects, "事務事業"), (actions, "アクション項目")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, kind)| format!("{kind} {}件", display::count(n)))
        .collect();
    if parts.is_empty() {
        "事務事業・アクション項目なし".into()
    } else {
        parts.join("、")
    }
}

/// The list items of some sheets, projects first.
pub(super) fn plain_items(
    cx: &PageCx<'_>,
    m: &Municipality,
    sheets: &Sheets<'_>,
) -> Vec<SheetItem> {
    sheets
        .projects
        .iter()
        .map(|p| project_item(cx, m, p))
        .chain(sheets.actions.iter().map(|a| action_item(cx, m, a)))
        .collect()
}

/// The list items of the sheets placed on `node`, each saying so with a link to the node (for
/// lists that gather the sheets of several nodes).
pub(super) fn items_at(
    cx: &PageCx<'_>,
    m: &Municipality,
    plan: &Plan,
    node: &PlanNode,
    sheets: &Sheets<'_>,
) -> Vec<SheetItem> {
    let at = Link::new(
        node_title(plan, node),
        cx.href(&routes::plan_node(m, &node.code)),
    );
    plain_items(cx, m, sheets)
        .into_iter()
        .map(|item| item.placed_at(Some(at.clone())))
        .collect()
}

/// One 達成状況 with how many indicators are in it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct StatusLine {
    /// 「◎」「□」.
    mark: String,
    /// 「目標達成」「未測定」.
    label: String,
    /// 「3」.
    count: String,
}

/// The figures of the sheets beneath a node (or in a plan): how many, and the 達成状況 of their
/// indicators, each sheet in its latest year.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Summary {
    /// 「事務事業 2件、アクション項目 1件」.
    label: String,
    /// 「2」.
    projects: String,
    /// 「1」.
    actions: String,
    /// The years of the sheets: 「令和6年度（2024年度）〜令和7年度（2025年度）」.
    years: String,
    /// Results of their indicators (every indicator of a project sheet, an action item's KPI).
    counts: Counts,
    /// 「50.0%（評価できた2指標のうち1指標が目標を達成）」.
    share_text: String,
    /// Every 達成状況 in the legend's order (grades, then 未測定, 該当なし, 評価なし), zeros included.
    statuses: Vec<StatusLine>,
}

/// The indicators of a sheet with the year they are reported for.
fn indicators_of<'s>(
    sheets: &Sheets<'s>,
) -> impl Iterator<Item = (FiscalYear, Vec<&'s Indicator>)> {
    let projects = sheets
        .projects
        .iter()
        .map(|p| (p.fiscal_year, p.indicators().collect()));
    let actions = sheets.actions.iter().map(|a| {
        let kpi = a.goal.as_ref().and_then(|g| g.kpi.as_ref());
        (a.fiscal_year, kpi.into_iter().collect())
    });
    projects.chain(actions)
}

/// The summary of some groups of sheets.
pub(super) fn summary<'a, 's: 'a>(
    cx: &PageCx<'_>,
    groups: impl IntoIterator<Item = &'a Sheets<'s>> + Clone,
) -> Summary {
    let config = cx.achievement;
    let held: Vec<(FiscalYear, Vec<&Indicator>)> =
        groups.clone().into_iter().flat_map(indicators_of).collect();
    let counts = indicators::counts_each(
        held.iter()
            .flat_map(|(y, inds)| inds.iter().map(move |i| (*i, *y))),
        config,
    );
    // Each sheet counted in its own year; every count has the same rows in the same order.
    let mut statuses: Vec<StatusCount> = Vec::new();
    for (year, inds) in &held {
        let these = status_counts(inds.iter().copied(), *year, config);
        if statuses.is_empty() {
            statuses = these;
        } else {
            for (total, c) in statuses.iter_mut().zip(these) {
                total.count += c.count;
            }
        }
    }
    let years = held.iter().map(|(y, _)| *y);
    let years = match (years.clone().min(), years.max()) {
        (Some(a), Some(b)) if a == b => a.long_label(),
        (Some(a), Some(b)) => format!("{}〜{}", a.long_label(), b.long_label()),
        _ => String::new(),
    };
    let (projects, actions) = tally(groups);
    Summary {
        label: count_label((projects, actions)),
        projects: display::count(projects),
        actions: display::count(actions),
        years,
        share_text: share_text(&counts),
        counts,
        statuses: statuses
            .into_iter()
            .map(|s| StatusLine {
                mark: s.mark,
                label: s.label,
                count: display::count(s.count),
            })
            .collect(),
    }
}
