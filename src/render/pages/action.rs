//! An action item report (アクション項目 実績報告) page: 目指す姿 and its KPI, the measures with
//! their schedule over the plan years, 進捗状況, the year's work, next steps, 総括評価 and the
//! narrative sections.

use super::project::{SectionView, sections, text};
use super::{PlanPosition, YearLink, owners_label, plan_position, sheet_meta, sheet_routes};
use crate::fiscal_year::FiscalYear;
use crate::model::{Action, Municipality, Site};
use crate::render::display;
use crate::render::html::ChartView;
use crate::render::indicators::{self, FormulaNote, YearColumn, YearTable};
use crate::render::theme::Theme;
use crate::render::{Downloads, PageCx, Rendered, render_template_at, routes};
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Serialize)]
struct ActionPage {
    number: String,
    title: String,
    year: String,
    owners: String,
    position: Option<PlanPosition>,
    years: Vec<YearLink>,
    sections: Vec<SectionView>,
    goal: Option<GoalView>,
    schedule: Option<Schedule>,
    measures: Vec<MeasureView>,
    evaluation: crate::render::html::Html,
    formulas: Vec<FormulaNote>,
    kpi_chart: Option<ChartView>,
}

#[derive(Serialize)]
struct GoalView {
    text: crate::render::html::Html,
    kpi: Option<YearTable>,
}

#[derive(Serialize)]
struct Schedule {
    years: Vec<YearColumn>,
    rows: Vec<ScheduleRow>,
}

#[derive(Serialize)]
struct ScheduleRow {
    label: String,
    title: String,
    cells: Vec<Option<String>>,
    progress: Option<ProgressView>,
}

#[derive(Clone, Serialize)]
struct ProgressView {
    mark: &'static str,
    word: &'static str,
}

#[derive(Serialize)]
struct MeasureView {
    label: String,
    title: String,
    progress: Option<ProgressView>,
    work: crate::render::html::Html,
    improvement: crate::render::html::Html,
}

/// The years of the schedule table: the plan period, widened to any year a measure names.
fn schedule_years(m: &Municipality, a: &Action) -> Vec<FiscalYear> {
    let mut years: BTreeSet<FiscalYear> = a
        .measures
        .iter()
        .flat_map(|m| m.schedule.keys().copied())
        .collect();
    let period = a
        .plan
        .as_ref()
        .and_then(|r| m.plan(&r.plan))
        .and_then(|p| p.period);
    if let Some((first, last)) = period {
        let mut y = first;
        while y <= last {
            years.insert(y);
            if y.year() == u16::MAX {
                break;
            }
            y = y.next();
        }
    }
    years.into_iter().collect()
}

/// The same action item in every year it has a report.
fn other_years(cx: &PageCx<'_>, m: &Municipality, a: &Action) -> Vec<YearLink> {
    let years = m.actions.get(&a.key).into_iter().flat_map(|h| h.keys());
    years
        .map(|y| YearLink {
            label: y.long_label(),
            href: cx.href(&routes::action(m, Some(*y), &a.key)),
            current: *y == a.fiscal_year,
        })
        .collect()
}

fn progress(p: Option<crate::model::Progress>) -> Option<ProgressView> {
    p.map(|p| ProgressView {
        mark: display::progress_mark(p),
        word: display::progress(p),
    })
}

/// The measures against the years of the plan.
fn schedule(m: &Municipality, a: &Action) -> Option<Schedule> {
    let years = schedule_years(m, a);
    (!a.measures.is_empty()).then(|| Schedule {
        years: years.iter().map(|y| YearColumn::of(*y)).collect(),
        rows: a
            .measures
            .iter()
            .enumerate()
            .map(|(i, ms)| ScheduleRow {
                label: format!("取組内容{}", i + 1),
                title: ms.title.clone(),
                cells: years
                    .iter()
                    .map(|y| ms.schedule.get(y).filter(|s| !s.trim().is_empty()).cloned())
                    .collect(),
                progress: progress(ms.progress),
            })
            .collect(),
    })
}

/// Each measure's progress, work and next steps.
fn measures(a: &Action) -> Vec<MeasureView> {
    a.measures
        .iter()
        .enumerate()
        .map(|(i, ms)| MeasureView {
            label: format!("取組内容{}", i + 1),
            title: ms.title.clone(),
            progress: progress(ms.progress),
            work: text(ms.work.as_ref(), 4, &format!("m{i}w"), "実施内容"),
            improvement: text(ms.improvement.as_ref(), 4, &format!("m{i}i"), "改善点"),
        })
        .collect()
}

fn view(cx: &PageCx<'_>, m: &Municipality, a: &Action) -> Result<ActionPage> {
    let mut goal = a.goal.as_ref().map(|g| GoalView {
        text: text(Some(&g.text), 2, "goal", "目指す姿"),
        kpi: g.kpi.as_ref().map(|k| {
            indicators::year_table(
                "目指す姿のKPI".into(),
                &[k],
                Some(a.fiscal_year),
                cx.achievement,
            )
        }),
    });
    let formulas = indicators::number_formulas(
        goal.iter_mut()
            .filter_map(|g| g.kpi.as_mut())
            .flat_map(|t| t.rows.iter_mut())
            .filter_map(|r| r.assessment.as_mut()),
    );
    let schedule = schedule(m, a);
    let measures = measures(a);
    Ok(ActionPage {
        number: a.number.clone(),
        title: a.title.clone(),
        year: a.fiscal_year.long_label(),
        owners: owners_label(&a.owners),
        position: plan_position(cx, m, a.plan.as_ref()),
        years: other_years(cx, m, a),
        sections: sections(&a.sections, "s"),
        goal,
        schedule,
        measures,
        evaluation: text(a.evaluation.as_ref(), 2, "ev", "総括評価"),
        formulas,
        kpi_chart: crate::render::charts::action(m, a, cx)?.map(ChartView::from),
    })
}

/// An action item's report page, and with `with_latest` the same page again at its short route
/// (the latest report's). Both are one rendering (see [`render_template_at`]), with a canonical
/// link to the yeared route.
pub(super) fn pages(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    m: &Municipality,
    a: &Action,
    with_latest: bool,
) -> Result<Vec<Rendered>> {
    let yeared = routes::action(m, Some(a.fiscal_year), &a.key);
    let shown_at = sheet_routes(
        &yeared,
        with_latest.then(|| routes::action(m, None, &a.key)),
    );
    let cx = PageCx::at_several_routes(site, yeared);
    let heading = format!("{} {}", a.number, a.title);
    let meta = sheet_meta(&cx, m, a.fiscal_year, heading, downloads);
    let view = view(&cx, m, a)?;
    render_template_at(theme, &cx, "action.html", &meta, &view, shown_at)
}
