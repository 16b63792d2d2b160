//! The charts each page embeds, built from the model with [`crate::chart`]: which indicators get
//! one, over which sheets of their history, and the id each chart's SVG uses on its page.
//!
//! Indicator charts go on the pages that show an indicator's own table — project sheets (output
//! and outcome indicators), action items (the KPI) and plan nodes (目標指標) — one for each
//! indicator whose history, up to the page's year, has a number. A sheet's chart joins the
//! sheets of the same project or action item up to the sheet's year: a past year's page shows
//! what was reported by then. The KPI and municipality pages get the status chart instead, and
//! project pages with more than one year or activity the budget chart.

use crate::chart::{self, Chart, history};
use crate::fiscal_year::FiscalYear;
use crate::model::{Action, Indicator, Municipality, PlanNode, Project};
use anyhow::Result;
use std::cell::Cell;
use std::time::{Duration, Instant};

/// How many charts one page drew and how long that took (for the build summary and
/// `KOHYO_TIMINGS`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Charts drawn.
    pub charts: usize,
    /// Time spent drawing them.
    pub time: Duration,
}

thread_local! {
    /// The tally of the page this thread is rendering. A page renders on one thread from start to
    /// end (nothing inside a page runs in parallel), so [`tallied`] around it sees only its charts.
    static TALLY: Cell<Tally> = const { Cell::new(Tally { charts: 0, time: Duration::ZERO }) };
}

/// Runs `render` (one page) and returns its result with the charts it drew.
pub(crate) fn tallied<T>(render: impl FnOnce() -> T) -> (T, Tally) {
    let before = TALLY.with(|t| t.replace(Tally::default()));
    let out = render();
    let tally = TALLY.with(|t| t.replace(before));
    (out, tally)
}

/// Counts the charts `draw` makes and the time it takes, into the current page's tally.
fn timed<T>(draw: impl FnOnce() -> Result<T>, count: impl Fn(&T) -> usize) -> Result<T> {
    let started = Instant::now();
    let out = draw()?;
    let n = count(&out);
    TALLY.with(|t| {
        let mut tally = t.get();
        tally.charts += n;
        tally.time += started.elapsed();
        t.set(tally);
    });
    Ok(out)
}

/// The charts of a project page.
#[derive(Debug, Clone, Default)]
pub struct ProjectCharts {
    /// Per activity, the charts of its output indicators, in the sheet's order.
    pub activities: Vec<Vec<Chart>>,
    /// The charts of the outcome indicators.
    pub outcomes: Vec<Chart>,
    /// 予算額 and 決算額, when there is more than one year or activity.
    pub budget: Option<Chart>,
}

/// The charts of a project sheet's page.
pub fn project(m: &Municipality, p: &Project, cx: &super::PageCx<'_>) -> Result<ProjectCharts> {
    timed(
        || draw_project(m, p, cx),
        |c| {
            c.activities.iter().map(Vec::len).sum::<usize>()
                + c.outcomes.len()
                + usize::from(c.budget.is_some())
        },
    )
}

fn draw_project(m: &Municipality, p: &Project, cx: &super::PageCx<'_>) -> Result<ProjectCharts> {
    let config = cx.achievement;
    let year = p.fiscal_year;
    let Some(history) = m.projects.get(&p.code) else {
        return Ok(ProjectCharts::default());
    };
    let mut out = ProjectCharts::default();
    for (i, a) in p.activities.iter().enumerate() {
        let mut charts = Vec::new();
        for (j, ind) in a.indicators.iter().enumerate() {
            let joined = history::output_indicator(history, year, &a.name, &ind.id);
            let id = format!("chart-act{i}-{j}");
            charts.extend(indicator(joined.as_ref(), year, &id, config)?);
        }
        out.activities.push(charts);
    }
    for (j, ind) in p.outcomes.iter().enumerate() {
        let joined = history::outcome_indicator(history, year, &ind.id);
        let id = format!("chart-out{j}");
        out.outcomes
            .extend(indicator(joined.as_ref(), year, &id, config)?);
    }
    out.budget = chart::budget_chart(
        &history::money_rows(history, year),
        p.money_unit,
        &p.name,
        "chart-budget",
    )?;
    Ok(out)
}

fn indicator(
    joined: Option<&Indicator>,
    year: FiscalYear,
    id: &str,
    config: &crate::model::AchievementConfig,
) -> Result<Option<Chart>> {
    match joined {
        Some(ind) => chart::indicator_chart(ind, Some(year), id, config),
        None => Ok(None),
    }
}

/// The chart of an action item's KPI, joined over its reports up to the page's year.
pub fn action(m: &Municipality, a: &Action, cx: &super::PageCx<'_>) -> Result<Option<Chart>> {
    timed(|| draw_action(m, a, cx), |c| usize::from(c.is_some()))
}

fn draw_action(m: &Municipality, a: &Action, cx: &super::PageCx<'_>) -> Result<Option<Chart>> {
    let Some(history) = m.actions.get(&a.key) else {
        return Ok(None);
    };
    let joined = history::action_kpi(history, a.fiscal_year);
    indicator(joined.as_ref(), a.fiscal_year, "chart-kpi", cx.achievement)
}

/// The charts of a plan node's 目標指標 (a plan's indicators carry their own years).
pub fn plan_node(node: &PlanNode, cx: &super::PageCx<'_>) -> Result<Vec<Chart>> {
    timed(|| draw_plan_node(node, cx), Vec::len)
}

fn draw_plan_node(node: &PlanNode, cx: &super::PageCx<'_>) -> Result<Vec<Chart>> {
    let mut out = Vec::new();
    for (j, ind) in node.indicators.iter().enumerate() {
        let id = format!("chart-node{j}");
        out.extend(chart::indicator_chart(ind, None, &id, cx.achievement)?);
    }
    Ok(out)
}

/// The status chart of every indicator a municipality reports for a year (the KPI table's).
pub fn status(m: &Municipality, year: FiscalYear, cx: &super::PageCx<'_>) -> Result<Chart> {
    timed(|| draw_status(m, year, cx), |_| 1)
}

fn draw_status(m: &Municipality, year: FiscalYear, cx: &super::PageCx<'_>) -> Result<Chart> {
    let held = super::indicators::of_year(m, year);
    let counts = chart::status_counts(held.iter().map(|h| h.indicator), year, cx.achievement);
    chart::status_chart(
        &counts,
        &format!("{} {}", m.name, year.long_label()),
        "chart-status",
    )
}
