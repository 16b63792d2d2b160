//! Indicators as pages show them: every indicator a municipality reports for a fiscal year (the
//! KPI table the publication obligation asks for), the per-year tables of a sheet, the counts of
//! achieved targets, and the footnotes that say which formula each 達成率 used.

use super::display::{self, AssessmentView, CellView};
use super::{Link, PageCx, routes};
use crate::compute::{self, Formula, TargetSource};
use crate::fiscal_year::FiscalYear;
use crate::model::{Action, Indicator, IndicatorKind, Municipality, Plan, PlanNode, Project};
use serde::Serialize;
use std::collections::BTreeSet;

/// Where an indicator stands: which sheet or plan node holds it.
#[derive(Debug, Clone, Copy)]
pub enum Holder<'s> {
    /// A project sheet (output indicator of an activity, or outcome).
    Project(&'s Project),
    /// An action item's KPI.
    Action(&'s Action),
    /// A plan node's 目標指標.
    PlanNode(&'s Plan, &'s PlanNode),
}

/// An indicator with its holder.
#[derive(Debug, Clone, Copy)]
pub struct Held<'s> {
    /// The indicator.
    pub indicator: &'s Indicator,
    /// Where it stands.
    pub holder: Holder<'s>,
    /// The activity an output indicator belongs to (活動名), to tell same-named indicators apart.
    pub activity: Option<&'s str>,
}

/// Whether a plan's period contains a year (a plan without a period contains none).
pub fn plan_covers(plan: &Plan, year: FiscalYear) -> bool {
    plan.period.is_some_and(|(a, b)| a <= year && year <= b)
}

/// Every indicator a municipality reports for a fiscal year: each project sheet's output and
/// outcome indicators (by project code), each action item's KPI (by 項目番号), then the 目標指標
/// of every plan node whose plan period contains the year (plan order, depth first).
pub fn of_year(muni: &Municipality, year: FiscalYear) -> Vec<Held<'_>> {
    let mut out = Vec::new();
    for p in muni.projects_in(year) {
        for a in &p.activities {
            out.extend(a.indicators.iter().map(|i| Held {
                indicator: i,
                holder: Holder::Project(p),
                activity: Some(a.name.as_str()),
            }));
        }
        out.extend(p.outcomes.iter().map(|i| Held {
            indicator: i,
            holder: Holder::Project(p),
            activity: None,
        }));
    }
    for a in muni.actions_in(year) {
        if let Some(kpi) = a.goal.as_ref().and_then(|g| g.kpi.as_ref()) {
            out.push(Held {
                indicator: kpi,
                holder: Holder::Action(a),
                activity: None,
            });
        }
    }
    for plan in muni.plans.iter().filter(|p| plan_covers(p, year)) {
        for (_, node) in plan.nodes() {
            out.extend(node.indicators.iter().map(|i| Held {
                indicator: i,
                holder: Holder::PlanNode(plan, node),
                activity: None,
            }));
        }
    }
    out
}

/// The link to the page of an indicator's holder, for a year's pages.
pub fn holder_link(cx: &PageCx<'_>, muni: &Municipality, h: Holder<'_>) -> Link {
    match h {
        Holder::Project(p) => Link::new(
            format!("事務事業 {}", p.name),
            cx.href(&routes::project(muni, Some(p.fiscal_year), &p.code)),
        ),
        Holder::Action(a) => Link::new(
            format!("アクション項目 {} {}", a.number, a.title),
            cx.href(&routes::action(muni, Some(a.fiscal_year), &a.key)),
        ),
        Holder::PlanNode(plan, n) => Link::new(
            node_title(plan, n),
            cx.href(&routes::plan_node(muni, &n.code)),
        ),
    }
}

/// A plan node as titled on pages: level name, number and title, 「基本施策 1 市民協働・地域活動の推進」;
/// parts the plan does not give are left out (a node without a number shows its title only).
pub fn node_title(plan: &Plan, node: &PlanNode) -> String {
    let depth = plan
        .find(&node.code)
        .map(|path| path.len().saturating_sub(1))
        .unwrap_or(0);
    let level = plan.level_name(depth).filter(|l| !l.is_empty());
    [level, node_number(node), Some(node.title.as_str())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The number a node is shown with: its printed number, or else its code unless the code is just
/// the title again (施策内容 without a printed number are coded by their name).
pub fn node_number(node: &PlanNode) -> Option<&str> {
    node.number
        .as_deref()
        .or((node.code != node.title).then_some(node.code.as_str()))
}

/// 区分 in words.
pub fn kind_label(k: Option<IndicatorKind>) -> &'static str {
    match k {
        Some(IndicatorKind::Activity) => "活動指標",
        Some(IndicatorKind::Result) => "成果指標",
        Some(IndicatorKind::Output) => "アウトプット",
        Some(IndicatorKind::Outcome) => "アウトカム",
        Some(IndicatorKind::Administrative) => "行政指標",
        Some(IndicatorKind::Citizen) => "市民指標",
        None => "",
    }
}

/// A value with the year it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct DatedCell {
    /// The value.
    pub cell: CellView,
    /// 「令和9年度」; empty when no year is stated.
    pub year: String,
}

/// One row of the KPI table.
#[derive(Debug, Clone, Serialize)]
pub struct KpiRow {
    /// 指標名.
    pub name: String,
    /// 区分.
    pub kind: String,
    /// The activity of an output indicator.
    pub activity: Option<String>,
    /// The sheet or plan node holding it.
    pub holder: Link,
    /// 単位 (「－」 when none).
    pub unit: String,
    /// 増加 / 減少 / 維持.
    pub direction: &'static str,
    /// 現状値 with its year.
    pub baseline: Option<DatedCell>,
    /// The target compared against, with its year.
    pub target: DatedCell,
    /// 実績値 of the year.
    pub actual: CellView,
    /// 達成率 and 達成状況.
    pub assessment: AssessmentView,
    /// The indicator's note.
    pub note: Option<String>,
}

/// A row of the KPI table for an indicator in a year.
pub fn kpi_row(cx: &PageCx<'_>, muni: &Municipality, h: &Held<'_>, year: FiscalYear) -> KpiRow {
    let ind = h.indicator;
    let unit = ind.unit.as_deref();
    let (target, source) = compute::target_for(ind, year);
    KpiRow {
        name: ind.name.clone(),
        kind: kind_label(ind.kind).to_string(),
        activity: h.activity.map(str::to_string),
        holder: holder_link(cx, muni, h.holder),
        unit: unit.unwrap_or("－").to_string(),
        direction: display::direction(ind.direction),
        baseline: ind.baseline.as_ref().map(|b| DatedCell {
            cell: display::value(&b.value, unit).with_note(b.note.as_ref()),
            year: display::year_short(b.year),
        }),
        target: DatedCell {
            cell: display::value(&target, unit),
            year: target_year_label(year, source),
        },
        actual: display::value(ind.actual(year), unit)
            .with_note(ind.actuals.get(&year).and_then(|e| e.note.as_ref())),
        assessment: display::assess(ind, year, cx.achievement),
        note: ind.note.clone(),
    }
}

/// The year of the target a year is compared against: that year, or the final target's year, or
/// 「最終目標（年度の記載なし）」 when the final target states none.
fn target_year_label(year: FiscalYear, source: TargetSource) -> String {
    match source {
        TargetSource::OfYear => display::year_short(Some(year)),
        TargetSource::Final(Some(y)) => display::year_short(Some(y)),
        TargetSource::Final(None) => "最終目標（年度の記載なし）".into(),
    }
}

/// A numbered formula footnote.
#[derive(Debug, Clone, Serialize)]
pub struct FormulaNote {
    /// Its number on the page.
    pub number: usize,
    /// The formula in words.
    pub label: &'static str,
}

/// Numbers the formulas the assessments on a page used, in order of first use, and sets each
/// assessment's reference. Returns the footnotes.
pub fn number_formulas<'a>(
    assessments: impl IntoIterator<Item = &'a mut AssessmentView>,
) -> Vec<FormulaNote> {
    let mut seen: Vec<Formula> = Vec::new();
    for a in assessments {
        if let Some(f) = a.formula_kind {
            let i = match seen.iter().position(|s| *s == f) {
                Some(i) => i,
                None => {
                    seen.push(f);
                    seen.len() - 1
                }
            };
            a.formula_ref = Some(i + 1);
        }
    }
    seen.iter()
        .enumerate()
        .map(|(i, f)| FormulaNote {
            number: i + 1,
            label: f.label(),
        })
        .collect()
}

/// How many indicators of a year reached their target, and why the others have no result.
/// Serialised with every count formatted (「1,234」).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Indicators.
    #[serde(serialize_with = "formatted")]
    pub indicators: usize,
    /// Indicators with a target and an actual that could be compared.
    #[serde(serialize_with = "formatted")]
    pub assessed: usize,
    /// Of those, the ones that met their target.
    #[serde(serialize_with = "formatted")]
    pub achieved: usize,
    /// 未測定.
    #[serde(serialize_with = "formatted")]
    pub not_measured: usize,
    /// 該当なし.
    #[serde(serialize_with = "formatted")]
    pub not_applicable: usize,
    /// 評価なし.
    #[serde(serialize_with = "formatted")]
    pub not_assessable: usize,
    /// 目標を達成した指標の割合 = achieved ÷ assessed: 「33.3%」; `None` when nothing was assessed.
    pub share_achieved: Option<String>,
}

fn formatted<S: serde::Serializer>(n: &usize, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&display::count(*n))
}

/// Counts the results of indicators in a year.
pub fn counts<'a>(
    indicators: impl IntoIterator<Item = &'a Indicator>,
    year: FiscalYear,
    config: &crate::model::AchievementConfig,
) -> Counts {
    counts_each(indicators.into_iter().map(|i| (i, year)), config)
}

/// Counts the results of indicators, each in its own year (the sheets beneath a plan node, each
/// in its latest year).
pub fn counts_each<'a>(
    indicators: impl IntoIterator<Item = (&'a Indicator, FiscalYear)>,
    config: &crate::model::AchievementConfig,
) -> Counts {
    let mut c = Counts::default();
    for (ind, year) in indicators {
        c.indicators += 1;
        match compute::assess(ind, year, config) {
            compute::Assessment::Assessed { achieved, .. } => {
                c.assessed += 1;
                c.achieved += usize::from(achieved);
            }
            compute::Assessment::Unassessed(u) => match u {
                compute::Unassessed::NotMeasured => c.not_measured += 1,
                compute::Unassessed::NotApplicable => c.not_applicable += 1,
                compute::Unassessed::NotAssessable => c.not_assessable += 1,
            },
        }
    }
    c.share_achieved = display::share(c.achieved, c.assessed);
    c
}

/// A year as a column header: 「令和6年度」 over 「（2024年度）」, so narrow columns wrap well.
#[derive(Debug, Clone, Serialize)]
pub struct YearColumn {
    /// 「令和6年度」.
    pub wareki: String,
    /// 「2024」.
    pub seireki: String,
}

impl YearColumn {
    /// The header of a year.
    pub fn of(y: FiscalYear) -> YearColumn {
        YearColumn {
            wareki: y.wareki(),
            seireki: y.year().to_string(),
        }
    }
}

/// An indicator table with one 目標値/実績値 column pair per year the indicators hold.
#[derive(Debug, Clone, Serialize)]
pub struct YearTable {
    /// The caption.
    pub caption: String,
    /// The years, ascending.
    pub years: Vec<YearColumn>,
    /// The label of the year the assessment is for: 「令和6年度（2024年度）」; empty when the
    /// table has no assessment column.
    pub assessed_year: String,
    /// Whether any row has a 現状値.
    pub has_baseline: bool,
    /// How many header rows the table has (2 when there are year columns).
    pub header_rows: u8,
    /// Whether any row has a 最終目標値.
    pub has_final: bool,
    /// Rows.
    pub rows: Vec<YearRow>,
}

/// A row of a [`YearTable`].
#[derive(Debug, Clone, Serialize)]
pub struct YearRow {
    /// 指標名.
    pub name: String,
    /// 区分.
    pub kind: &'static str,
    /// 単位.
    pub unit: String,
    /// 方向.
    pub direction: &'static str,
    /// 現状値.
    pub baseline: Option<DatedCell>,
    /// Per year: (目標値, 実績値).
    pub cells: Vec<(CellView, CellView)>,
    /// 最終目標値.
    pub final_target: Option<DatedCell>,
    /// 達成率 and 達成状況 in the assessed year, when the table assesses one.
    pub assessment: Option<AssessmentView>,
    /// Note.
    pub note: Option<String>,
}

/// Builds a per-year table of indicators, assessed for `year` when given.
pub fn year_table(
    caption: String,
    indicators: &[&Indicator],
    year: Option<FiscalYear>,
    config: &crate::model::AchievementConfig,
) -> YearTable {
    let years: BTreeSet<FiscalYear> = indicators
        .iter()
        .flat_map(|i| i.targets.keys().chain(i.actuals.keys()).copied())
        .collect();
    let rows = indicators
        .iter()
        .map(|ind| {
            let unit = ind.unit.as_deref();
            let cell = |e: Option<&crate::model::Entry>| match e {
                Some(e) => display::value(&e.value, unit).with_note(e.note.as_ref()),
                None => display::value(&crate::value::Value::NotReported, unit),
            };
            YearRow {
                name: ind.name.clone(),
                kind: kind_label(ind.kind),
                unit: unit.unwrap_or("－").to_string(),
                direction: display::direction(ind.direction),
                baseline: ind.baseline.as_ref().map(|b| DatedCell {
                    cell: display::value(&b.value, unit).with_note(b.note.as_ref()),
                    year: display::year_short(b.year),
                }),
                cells: years
                    .iter()
                    .map(|y| (cell(ind.targets.get(y)), cell(ind.actuals.get(y))))
                    .collect(),
                final_target: ind.final_target.as_ref().map(|f| DatedCell {
                    cell: display::value(&f.value, unit).with_note(f.note.as_ref()),
                    year: display::year_short(f.year),
                }),
                assessment: year.map(|y| display::assess(ind, y, config)),
                note: ind.note.clone(),
            }
        })
        .collect::<Vec<_>>();
    YearTable {
        caption,
        years: years.iter().map(|y| YearColumn::of(*y)).collect(),
        assessed_year: year.map(display::year).unwrap_or_default(),
        has_baseline: rows.iter().any(|r| r.baseline.is_some()),
        header_rows: if years.is_empty() { 1 } else { 2 },
        has_final: rows.iter().any(|r| r.final_target.is_some()),
        rows,
    }
}
