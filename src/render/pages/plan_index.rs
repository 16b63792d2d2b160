//! A municipality's plans at `/{muni}/plan/` (計画の体系): each plan's name, period and level
//! names with its whole tree, each node linked to its page with how many sheets are placed on it
//! or beneath it, and the figures of every sheet that names the plan.

use super::rollup::{self, Placed, Summary};
use super::{SheetItem, here, muni_trail, node_title, plan_period};
use crate::model::{Municipality, Plan, PlanNode, Site};
use crate::render::theme::Theme;
use crate::render::{Downloads, Meta, PageCx, Rendered, render_template, routes};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct PlansPage {
    plans: Vec<PlanView>,
}

#[derive(Serialize)]
struct PlanView {
    name: String,
    part_of: Option<String>,
    period: Option<String>,
    levels: String,
    /// 「53」.
    node_count: String,
    /// Figures of every sheet naming the plan, when there is one.
    summary: Option<Summary>,
    nodes: Vec<TreeNode>,
    /// Sheets that name the plan but no node of it.
    unplaced: Vec<SheetItem>,
    /// 「アクション項目 23件」 for `unplaced`.
    unplaced_count: String,
}

#[derive(Serialize)]
struct TreeNode {
    title: String,
    href: String,
    /// 「事務事業 2件」: on the node or beneath it.
    count: String,
    children: Vec<TreeNode>,
}

/// A node's tree entry, with the projects and action items on it or beneath it.
fn tree_node(
    cx: &PageCx<'_>,
    m: &Municipality,
    plan: &Plan,
    placed: &Placed<'_>,
    node: &PlanNode,
) -> (TreeNode, (usize, usize)) {
    let mut total = rollup::tally([placed.at(Some(&node.code))]);
    let children = node
        .children
        .iter()
        .map(|c| {
            let (child, (p, a)) = tree_node(cx, m, plan, placed, c);
            total = (total.0 + p, total.1 + a);
            child
        })
        .collect();
    let entry = TreeNode {
        title: node_title(plan, node),
        href: cx.href(&routes::plan_node(m, &node.code)),
        count: rollup::count_label(total),
        children,
    };
    (entry, total)
}

fn plan_view(cx: &PageCx<'_>, m: &Municipality, plan: &Plan) -> PlanView {
    let placed = Placed::new(m, plan);
    let unplaced = placed.at(None);
    let any = placed.all().any(|s| s.len() > 0);
    PlanView {
        name: plan.name.clone(),
        part_of: plan.part_of.clone(),
        period: plan_period(plan),
        levels: plan.levels.join(" → "),
        node_count: crate::render::display::count(plan.nodes().len()),
        summary: any.then(|| rollup::summary(cx, placed.all())),
        nodes: plan
            .roots
            .iter()
            .map(|n| tree_node(cx, m, plan, &placed, n).0)
            .collect(),
        unplaced: rollup::plain_items(cx, m, unplaced),
        unplaced_count: rollup::count_label(rollup::tally([unplaced])),
    }
}

/// `/{muni}/plan/`.
pub(super) fn page(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    m: &Municipality,
) -> Result<Rendered> {
    let cx = PageCx::new(site, routes::plans(m));
    let view = PlansPage {
        plans: m.plans.iter().map(|p| plan_view(&cx, m, p)).collect(),
    };
    let mut trail = muni_trail(&cx, m, None);
    trail.push(here(&cx, "計画の体系"));
    let meta = Meta::new(&cx, format!("{}の計画の体系", m.name), trail)
        .with_muni_nav(&cx, m)
        .with_downloads(&cx, downloads);
    render_template(theme, &cx, "plans.html", &meta, &view)
}
