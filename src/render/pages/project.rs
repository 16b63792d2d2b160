//! A project sheet (事務事業評価 / 点検シート) page: every part of the sheet in the sheet's order —
//! position in the plan, narrative sections, activities with output indicators, inputs, outcome
//! indicators with 達成率, cost, staffing and the review — with links to the other years.

use super::{PlanPosition, YearLink, owners_label, plan_position, sheet_meta, sheet_routes};
use crate::model::{Improvement, Municipality, Project, Section, Site};
use crate::render::charts;
use crate::render::display::{self, CellView};
use crate::render::html::{ChartView, Html};
use crate::render::indicators::{self, FormulaNote, YearTable};
use crate::render::markdown::{self, Placement};
use crate::render::theme::Theme;
use crate::render::{Downloads, PageCx, Rendered, render_template_at, routes};
use anyhow::Result;
use serde::Serialize;

/// A narrative section as shown.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SectionView {
    /// The heading, when the sheet gives one.
    pub(crate) heading: Option<String>,
    /// Sanitised HTML of the body; empty when the sheet left it blank.
    pub(crate) html: Html,
}

/// Renders narrative sections as h2 sections (text before the first heading sits under the h1).
pub(crate) fn sections(list: &[Section], prefix: &str) -> Vec<SectionView> {
    list.iter()
        .enumerate()
        .map(|(i, s)| SectionView {
            heading: s.heading.clone(),
            html: Html::from(markdown::to_html(
                &s.body,
                Placement {
                    under_level: if s.heading.is_some() { 2 } else { 1 },
                    id_prefix: &format!("{prefix}{i}"),
                    label: s.heading.as_deref().unwrap_or("本文"),
                },
            )),
        })
        .collect()
}

/// Markdown text shown under a heading of `level`. A text that is only 「－」 reads as 該当なし,
/// like a 「－」 cell.
pub(crate) fn text(md: Option<&String>, level: u8, prefix: &str, label: &str) -> Html {
    Html::from(markdown_text(md, level, prefix, label))
}

fn markdown_text(md: Option<&String>, level: u8, prefix: &str, label: &str) -> String {
    if md.is_some_and(|m| crate::value::is_dash(m.trim())) {
        return format!(
            "<p><span class=\"dash\" title=\"{0}\"><span aria-hidden=\"true\">－</span><span class=\"vh\">{0}</span></span></p>\n",
            display::DASH_LABEL
        );
    }
    md.map(|m| {
        markdown::to_html(
            m,
            Placement {
                under_level: level,
                id_prefix: prefix,
                label,
            },
        )
    })
    .unwrap_or_default()
}

#[derive(Serialize)]
struct ProjectPage {
    name: String,
    year: String,
    sheet_no: Option<String>,
    code: String,
    owners: String,
    form: Option<String>,
    created: Option<String>,
    legal_basis: Option<String>,
    period: String,
    money_unit: &'static str,
    position: Option<PlanPosition>,
    years: Vec<YearLink>,
    sections: Vec<SectionView>,
    activities: Vec<ActivityView>,
    outcomes: Option<YearTable>,
    outcome_charts: Vec<ChartView>,
    budget_chart: Option<ChartView>,
    formulas: Vec<FormulaNote>,
    cost: Option<Vec<(String, CellView)>>,
    staffing: Option<StaffingView>,
    review: Option<ReviewView>,
}

#[derive(Serialize)]
struct ActivityView {
    name: String,
    years: String,
    related: String,
    description: Html,
    budget: CellView,
    settlement: CellView,
    table: Option<YearTable>,
    charts: Vec<ChartView>,
}

#[derive(Serialize)]
struct StaffingView {
    full_time: CellView,
    part_time: CellView,
    tasks: Vec<TaskView>,
}

#[derive(Serialize)]
struct TaskView {
    name: String,
    share: CellView,
    routine: String,
    difficulty: String,
}

#[derive(Serialize)]
struct ReviewView {
    reflection: Html,
    improvements: Vec<CheckView>,
    direction: Option<&'static str>,
    direction_text: Html,
}

/// One 改善の余地 box, checked or not, in words.
#[derive(Serialize)]
struct CheckView {
    label: &'static str,
    checked: bool,
    state: &'static str,
}

fn improvement_label(i: Improvement) -> &'static str {
    match i {
        Improvement::Cost => "コスト",
        Improvement::Activity => "活動",
        Improvement::Result => "成果",
        Improvement::Other => "その他",
    }
}

fn future_label(d: crate::model::FutureDirection) -> &'static str {
    use crate::model::FutureDirection as F;
    match d {
        F::Expand => "拡充",
        F::Continue => "継続",
        F::Revise => "見直し",
        F::Reduce => "縮小",
        F::Merge => "統合",
        F::Suspend => "休止",
        F::Abolish => "廃止",
        F::Complete => "完了",
    }
}

fn review(p: &Project) -> Option<ReviewView> {
    let r = p.review.as_ref()?;
    let improvements = [
        Improvement::Cost,
        Improvement::Activity,
        Improvement::Result,
        Improvement::Other,
    ]
    .into_iter()
    .map(|i| {
        let checked = r.room_for_improvement.contains(&i);
        CheckView {
            label: improvement_label(i),
            checked,
            state: if checked {
                "チェックあり"
            } else {
                "チェックなし"
            },
        }
    })
    .collect();
    Some(ReviewView {
        reflection: text(r.reflection.as_ref(), 3, "rv-r", "業務の振り返り"),
        improvements,
        direction: r.direction.map(future_label),
        direction_text: text(r.direction_text.as_ref(), 3, "rv-d", "今後の方向性"),
    })
}

fn period(p: &Project) -> String {
    let start = p.start_year.map(|y| y.long_label());
    let end = p.end_year.map(|e| match e {
        crate::model::EndYear::Year(y) => y.long_label(),
        crate::model::EndYear::Ongoing => "終了年度なし".to_string(),
    });
    match (start, end) {
        (None, None) => display::BLANK_TEXT.to_string(),
        (s, e) => format!(
            "{}〜{}",
            s.unwrap_or_else(|| "開始年度の記載なし".into()),
            e.unwrap_or_else(|| "終了年度の記載なし".into())
        ),
    }
}

fn activities(cx: &PageCx<'_>, p: &Project) -> Vec<ActivityView> {
    p.activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let inds: Vec<_> = a.indicators.iter().collect();
            ActivityView {
                name: a.name.clone(),
                years: a
                    .years
                    .iter()
                    .map(|y| y.wareki())
                    .collect::<Vec<_>>()
                    .join("、"),
                related: a.related_sections.join("、"),
                description: text(a.description.as_ref(), 3, &format!("act{i}"), &a.name),
                budget: display::money(a.budget, p.money_unit),
                settlement: display::money(a.settlement, p.money_unit),
                table: (!inds.is_empty()).then(|| {
                    indicators::year_table(
                        format!("{}の活動指標（アウトプット）", a.name),
                        &inds,
                        Some(p.fiscal_year),
                        cx.achievement,
                    )
                }),
                charts: Vec::new(),
            }
        })
        .collect()
}

/// The same project in every year it has a sheet.
fn other_years(cx: &PageCx<'_>, m: &Municipality, p: &Project) -> Vec<YearLink> {
    let years = m.projects.get(&p.code).into_iter().flat_map(|h| h.keys());
    years
        .map(|y| YearLink {
            label: y.long_label(),
            href: cx.href(&routes::project(m, Some(*y), &p.code)),
            current: *y == p.fiscal_year,
        })
        .collect()
}

/// 総事業費, 特定財源, 実質負担額 in the sheet's unit.
fn cost(p: &Project) -> Option<Vec<(String, CellView)>> {
    let unit = p.money_unit;
    p.cost.map(|c| {
        vec![
            ("総事業費".to_string(), display::money(c.total, unit)),
            (
                "特定財源".to_string(),
                display::money(c.specific_revenue, unit),
            ),
            ("実質負担額".to_string(), display::money(c.net, unit)),
        ]
    })
}

/// Staff in 人 and the work analysis.
fn staffing(p: &Project) -> Option<StaffingView> {
    let blank = || display::BLANK_TEXT.to_string();
    p.staffing.as_ref().map(|s| StaffingView {
        full_time: display::value(&s.full_time, Some("人")),
        part_time: display::value(&s.part_time, Some("人")),
        tasks: s
            .tasks
            .iter()
            .map(|t| TaskView {
                name: t.name.clone(),
                share: display::value(&t.share_percent, Some("%")),
                routine: match t.routine {
                    Some(true) => "定型".into(),
                    Some(false) => "非定型".into(),
                    None => blank(),
                },
                difficulty: t.difficulty.clone().unwrap_or_else(blank),
            })
            .collect(),
    })
}

/// A project page's charts as templates see them.
struct Charts {
    activities: Vec<Vec<ChartView>>,
    outcomes: Vec<ChartView>,
    budget: Option<ChartView>,
}

impl From<charts::ProjectCharts> for Charts {
    fn from(c: charts::ProjectCharts) -> Charts {
        let views = |list: Vec<_>| list.into_iter().map(ChartView::from).collect();
        Charts {
            activities: c.activities.into_iter().map(views).collect(),
            outcomes: views(c.outcomes),
            budget: c.budget.map(ChartView::from),
        }
    }
}

fn view(cx: &PageCx<'_>, m: &Municipality, p: &Project, charts: Charts) -> Result<ProjectPage> {
    let mut activities = activities(cx, p);
    for (a, c) in activities.iter_mut().zip(charts.activities) {
        a.charts = c;
    }
    let outcomes: Vec<_> = p.outcomes.iter().collect();
    let mut outcomes = (!outcomes.is_empty()).then(|| {
        indicators::year_table(
            "成果指標（アウトカム）".into(),
            &outcomes,
            Some(p.fiscal_year),
            cx.achievement,
        )
    });
    let tables = activities
        .iter_mut()
        .filter_map(|a| a.table.as_mut())
        .chain(outcomes.as_mut());
    let formulas = indicators::number_formulas(
        tables
            .flat_map(|t| t.rows.iter_mut())
            .filter_map(|r| r.assessment.as_mut()),
    );
    Ok(ProjectPage {
        name: p.name.clone(),
        year: p.fiscal_year.long_label(),
        sheet_no: p.sheet_no.clone(),
        code: p.code.clone(),
        owners: owners_label(&p.owners),
        form: p.form.clone(),
        created: p.created.clone(),
        legal_basis: p.legal_basis.clone(),
        period: period(p),
        money_unit: p.money_unit.label(),
        position: plan_position(cx, m, p.plan.as_ref()),
        years: other_years(cx, m, p),
        sections: sections(&p.sections, "s"),
        activities,
        outcomes,
        outcome_charts: charts.outcomes,
        budget_chart: charts.budget,
        formulas,
        cost: cost(p),
        staffing: staffing(p),
        review: review(p),
    })
}

/// A project sheet's page, and with `with_latest` the same page again at its short route (the
/// latest year's). Both are one rendering (see [`render_template_at`]), with a canonical link to
/// the yeared route.
pub(super) fn pages(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    m: &Municipality,
    p: &Project,
    with_latest: bool,
) -> Result<Vec<Rendered>> {
    let yeared = routes::project(m, Some(p.fiscal_year), &p.code);
    let shown_at = sheet_routes(
        &yeared,
        with_latest.then(|| routes::project(m, None, &p.code)),
    );
    let cx = PageCx::at_several_routes(site, yeared);
    let charts = Charts::from(charts::project(m, p, &cx)?);
    let meta = sheet_meta(&cx, m, p.fiscal_year, p.name.clone(), downloads);
    let view = view(&cx, m, p, charts)?;
    render_template_at(theme, &cx, "project.html", &meta, &view, shown_at)
}
