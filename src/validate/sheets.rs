//! Project sheets (事務事業評価) and action item reports (アクション項目), each validated on its own
//! against its municipality: fiscal year and folder, code or 項目番号, the plan and node it
//! serves, period, activities, money (whole 円) and cost totals, owners, dates, sections,
//! staffing, review, measures and their schedules; and the problem of a code or 項目番号 used
//! twice in one year, which [`join`](super::join) reports.

use super::indicators::{check_indicator_ids, indicator, indicators};
use super::plan::resolve_plan;
use super::{Ctx, SetHint, check_code, sections};
use crate::diagnostics::{Diagnostic, Report};
use crate::fiscal_year::FiscalYear;
use crate::format::{
    ActionFile, ActivityDef, Cell, MeasureDef, MoneyUnitInput, ProjectFile, ReviewDef, SectionDef,
    StaffingDef, YearText,
};
use crate::load::Parsed;
use crate::model::{
    Action, ActionKey, Activity, Cost, EndYear, Goal, Measure, Method, Municipality, Owner,
    PlanRef, Project, Review, Section, Staffing, Task,
};
use crate::value::{Amount, MoneyUnit, Value, Yen};
use crate::year_map::YearMap;
use std::ops::Range;
use toml::Spanned;

fn money_unit(u: Option<MoneyUnitInput>) -> MoneyUnit {
    match u {
        None | Some(MoneyUnitInput::Yen) => MoneyUnit::Yen,
        Some(MoneyUnitInput::ThousandYen) => MoneyUnit::ThousandYen,
        Some(MoneyUnitInput::TenThousandYen) => MoneyUnit::TenThousandYen,
        Some(MoneyUnitInput::MillionYen) => MoneyUnit::MillionYen,
        Some(MoneyUnitInput::HundredMillionYen) => MoneyUnit::HundredMillionYen,
    }
}

fn amount(
    c: Option<&Cell>,
    span: Option<Range<usize>>,
    unit: MoneyUnit,
    field: &str,
    cx: &mut Ctx,
) -> Amount {
    let Some(c) = c else {
        return Amount::NotReported;
    };
    match &c.value {
        Value::NotReported => Amount::NotReported,
        Value::NotApplicable => Amount::NotApplicable,
        Value::Measured(n) => match Yen::from_unit(*n, unit) {
            Some(y) => Amount::Yen(y),
            None => {
                cx.error(
                    span,
                    field,
                    format!("{} {} is not a whole number of 円", n.plain(), unit.label()),
                );
                Amount::NotReported
            }
        },
        Value::Qualitative(w) => {
            cx.error(span, field, format!("\"{w}\" is not an amount of money"))
                .set_hint("write a number in the sheet's money_unit, \"－\" or \"\"");
            Amount::NotReported
        }
    }
}

fn plan_ref(
    muni: &Municipality,
    plan: &Option<Spanned<String>>,
    node: &Option<Spanned<String>>,
    year: Option<FiscalYear>,
    year_span: Range<usize>,
    cx: &mut Ctx,
) -> Option<PlanRef> {
    if plan.is_none() && node.is_none() && muni.plans.len() != 1 {
        return None;
    }
    let p = resolve_plan(muni, plan, cx);
    let Some(p) = p else {
        if plan.is_none() {
            cx.error(
                node.as_ref().map(|n| n.span()),
                "plan",
                "plan_node is given but no plan",
            )
            .set_hint("add plan = \"…\": the municipality has several plans, or none");
        }
        return None;
    };
    if let (Some((start, end)), Some(y)) = (p.period, year) {
        if y < start || y > end {
            cx.error(
                Some(year_span),
                "fiscal_year",
                format!(
                    "{} is outside the period of {} ({}〜{})",
                    y.long_label(),
                    p.name,
                    start.wareki(),
                    end.wareki()
                ),
            );
        }
    }
    if let Some(n) = node {
        if p.find(n.get_ref()).is_none() {
            let known: Vec<String> = p
                .nodes()
                .iter()
                .take(12)
                .map(|(_, n)| n.code.clone())
                .collect();
            cx.error(
                Some(n.span()),
                "plan_node",
                format!("unknown plan node \"{}\" in {}", n.get_ref(), p.name),
            )
            .set_hint(&if known.is_empty() {
                format!(
                    "{} has no nodes yet (a plan file may have failed to load)",
                    p.name
                )
            } else {
                format!("known codes include: {}", known.join(", "))
            });
        }
    }
    Some(PlanRef {
        plan: p.id.clone(),
        node: node.as_ref().map(|n| n.get_ref().clone()),
    })
}

/// A calendar date (YYYY-MM-DD), from a TOML date or a string.
fn date(d: &Spanned<crate::format::DateInput>, field: &str, cx: &mut Ctx) -> Option<String> {
    use crate::format::DateInput;
    let parsed = match d.get_ref() {
        DateInput::Date(dt) => Some(*dt),
        DateInput::Text(t) => t.trim().parse::<toml::value::Datetime>().ok(),
    };
    match parsed {
        Some(dt) if dt.date.is_some() && dt.time.is_none() && dt.offset.is_none() => {
            Some(dt.to_string())
        }
        _ => {
            cx.error(Some(d.span()), field, "expected a date such as 2025-05-16")
                .set_hint("write the date as YYYY-MM-DD (西暦); 令和7年5月16日 → 2025-05-16");
            None
        }
    }
}

fn sheet_year(y: &Spanned<YearText>, folder: u16, cx: &mut Ctx) -> Option<FiscalYear> {
    let fy = cx.year(y, "fiscal_year")?;
    if fy.year() != folder {
        cx.error(
            Some(y.span()),
            "fiscal_year",
            format!("{} does not match the folder {folder}/", fy.long_label()),
        )
        .set_hint(&format!(
            "move the file to the {}/ folder, or correct fiscal_year",
            fy.year()
        ));
        return None;
    }
    Some(fy)
}

fn owners(defs: &[crate::format::OwnerDef], cx: &mut Ctx, span: Range<usize>) -> Vec<Owner> {
    let out: Vec<Owner> = defs
        .iter()
        .map(|o| Owner {
            department: o.department.clone(),
            section: o.section.clone(),
        })
        .collect();
    if out
        .iter()
        .any(|o| o.department.is_none() && o.section.is_none())
    {
        cx.error(
            Some(span.clone()),
            "owners",
            "an owner needs a department (部) or a section (課)",
        );
    }
    if out.is_empty() {
        cx.warn(Some(span), "owners", "no department or section is named")
            .set_hint("add [[owners]] section = \"…課\"");
    }
    out
}

/// Validates a project sheet (事務事業評価) on its own against its municipality: its fiscal year
/// and code, the plan it serves, its period, activities, outcomes, cost, owners and date.
/// `None` when its fiscal year is unusable (the problems are in the report).
pub(super) fn project(
    muni: &Municipality,
    folder: u16,
    p: &Parsed<ProjectFile>,
    method: Method,
    report: &mut Report,
) -> Option<Project> {
    let Parsed {
        file,
        value: f,
        body_sections,
        ..
    } = p;
    let mut cx = Ctx {
        file,
        report,
        method,
    };
    let year = sheet_year(&f.fiscal_year, folder, &mut cx);
    let code = f.code.get_ref().clone();
    check_project_code(&f.code, &mut cx);
    let plan = plan_ref(
        muni,
        &f.plan,
        &f.plan_node,
        year,
        f.fiscal_year.span(),
        &mut cx,
    );
    let (start_year, end_year) = project_period(f, &mut cx);
    let unit = money_unit(f.money_unit);
    let activities = f
        .activities
        .iter()
        .enumerate()
        .map(|(i, a)| activity(a, &format!("activities[{i}]"), unit, &mut cx))
        .collect();
    let outcomes = indicators(&f.outcomes, "outcomes", &mut cx);
    for a in &f.activities {
        check_indicator_ids(a.indicators.iter(), &mut cx);
    }
    check_indicator_ids(f.outcomes.iter(), &mut cx);
    let cost = f.cost.as_ref().map(|c| cost(c, unit, &mut cx));
    let owners = owners(&f.owners, &mut cx, f.code.span());
    let created = f.created.as_ref().and_then(|d| date(d, "created", &mut cx));
    Some(Project {
        fiscal_year: year?,
        code,
        sheet_no: f.sheet_no.clone(),
        name: f.name.clone(),
        form: f.form.clone(),
        created,
        owners,
        plan,
        start_year,
        end_year,
        legal_basis: f.legal_basis.clone(),
        money_unit: unit,
        sections: sheet_sections(&f.sections, body_sections),
        activities,
        outcomes,
        cost,
        staffing: f.staffing.as_ref().map(staffing),
        review: f.review.as_ref().map(review),
        source: file.clone(),
    })
}

/// A project's code becomes part of its pages' paths: it must be safe there ([`check_code`]).
fn check_project_code(code: &Spanned<String>, cx: &mut Ctx) {
    if let Err(e) = check_code(code.get_ref()) {
        cx.error(
            Some(code.span()),
            "code",
            format!("project code \"{}\" {e}", code.get_ref()),
        );
    }
}

/// A project's 事業期間: its start year and its end year (a year, or なし/無し/未定 for an
/// ongoing project), the end not before the start.
fn project_period(f: &ProjectFile, cx: &mut Ctx) -> (Option<FiscalYear>, Option<EndYear>) {
    let start_year = f.start_year.as_ref().and_then(|y| cx.year(y, "start_year"));
    let end_year = f.end_year.as_ref().and_then(|y| {
        if matches!(y.get_ref().0.trim(), "なし" | "無し" | "未定") {
            Some(EndYear::Ongoing)
        } else {
            cx.year(y, "end_year").map(EndYear::Year)
        }
    });
    if let (Some(s), Some(EndYear::Year(e))) = (start_year, end_year) {
        if e < s {
            cx.error(
                f.end_year.as_ref().map(|y| y.span()),
                "end_year",
                "the project ends before it starts",
            );
        }
    }
    (start_year, end_year)
}

/// A sheet's sections: those of its TOML, then those of its Markdown body.
fn sheet_sections(defs: &[SectionDef], body: &[Section]) -> Vec<Section> {
    let mut secs = sections(defs);
    secs.extend(body.iter().cloned());
    secs
}

/// The value of a cell that may be left out (left out: 未記入).
fn cell_value(c: Option<&Cell>) -> Value {
    c.map(|c| c.value.clone()).unwrap_or(Value::NotReported)
}

/// Text that says something: `None` for a blank one.
fn non_blank(t: &Option<String>) -> Option<String> {
    t.clone().filter(|t| !t.trim().is_empty())
}

/// 人員 and 業務分析 as the sheet gives them (nothing here can be wrong).
fn staffing(s: &StaffingDef) -> Staffing {
    Staffing {
        full_time: cell_value(s.full_time.as_ref()),
        part_time: cell_value(s.part_time.as_ref()),
        tasks: s
            .tasks
            .iter()
            .map(|t| Task {
                name: t.name.clone(),
                share_percent: cell_value(t.share_percent.as_ref()),
                routine: t.routine,
                difficulty: t.difficulty.clone(),
            })
            .collect(),
    }
}

/// 点検・改善: blank texts as none, each 改善の余地 box once, in form order.
fn review(r: &ReviewDef) -> Review {
    let mut flags = r.room_for_improvement.clone();
    flags.sort();
    flags.dedup();
    Review {
        reflection: non_blank(&r.reflection),
        room_for_improvement: flags,
        direction: r.direction,
        direction_text: non_blank(&r.direction_text),
    }
}

fn activity(a: &ActivityDef, field: &str, unit: MoneyUnit, cx: &mut Ctx) -> Activity {
    let years = a
        .years
        .iter()
        .filter_map(|y| cx.year(y, &format!("{field}.years")))
        .collect();
    Activity {
        name: a.name.clone(),
        years,
        description: a.description.clone(),
        related_sections: a.related_sections.clone(),
        budget: amount(
            a.budget.as_ref().map(|c| c.get_ref()),
            a.budget.as_ref().map(|c| c.span()),
            unit,
            &format!("{field}.budget"),
            cx,
        ),
        settlement: amount(
            a.settlement.as_ref().map(|c| c.get_ref()),
            a.settlement.as_ref().map(|c| c.span()),
            unit,
            &format!("{field}.settlement"),
            cx,
        ),
        indicators: indicators(&a.indicators, &format!("{field}.indicators"), cx),
    }
}

fn cost(c: &Spanned<crate::format::CostDef>, unit: MoneyUnit, cx: &mut Ctx) -> Cost {
    let span = Some(c.span());
    let d = c.get_ref();
    let total = amount(d.total.as_ref(), span.clone(), unit, "cost.total", cx);
    let specific = amount(
        d.specific_revenue.as_ref(),
        span.clone(),
        unit,
        "cost.specific_revenue",
        cx,
    );
    let net = amount(d.net.as_ref(), span.clone(), unit, "cost.net", cx);
    if let (Some(t), Some(s), Some(n)) = (total.yen(), specific.yen(), net.yen()) {
        if t.0.checked_sub(s.0) != Some(n.0) {
            let show = |y: Yen| y.in_unit(unit).grouped();
            cx.error(
                span,
                "cost.net",
                format!(
                    "実質負担額 {} is not 総事業費 {} − 特定財源 {} = {} ({})",
                    show(n),
                    show(t),
                    show(s),
                    t.0.checked_sub(s.0)
                        .map(|v| show(Yen(v)))
                        .unwrap_or_else(|| "overflow".into()),
                    unit.label()
                ),
            )
            .set_hint("correct one of the three amounts; the sheet's totals must add up");
        }
    }
    Cost {
        total,
        specific_revenue: specific,
        net,
    }
}

/// The problem of project sheet `p` when `first` holds its code in its fiscal year already.
pub(super) fn duplicate_project(p: &Project, first: &Project) -> Diagnostic {
    Diagnostic::error(format!(
        "project code \"{}\" is used twice in {} (also in {})",
        p.code,
        p.fiscal_year.long_label(),
        first.source
    ))
    .in_file(&p.source)
    .field("code")
    .hint("each project has one sheet per fiscal year; codes stay the same across years")
}

/// Validates an action item report (アクション項目) on its own against its municipality: its
/// fiscal year and 項目番号, the plan it serves, its goal (KPI), its measures' schedules and its
/// owners. `None` when its fiscal year or 項目番号 is unusable (the problems are in the report).
pub(super) fn action(
    muni: &Municipality,
    folder: u16,
    p: &Parsed<ActionFile>,
    method: Method,
    report: &mut Report,
) -> Option<Action> {
    let Parsed {
        file,
        value: f,
        body_sections,
        ..
    } = p;
    let mut cx = Ctx {
        file,
        report,
        method,
    };
    let year = sheet_year(&f.fiscal_year, folder, &mut cx);
    let key = action_key(&f.number, &mut cx);
    let plan = plan_ref(
        muni,
        &f.plan,
        &f.plan_node,
        year,
        f.fiscal_year.span(),
        &mut cx,
    );
    let period = plan
        .as_ref()
        .and_then(|r| muni.plan(&r.plan))
        .and_then(|p| p.period);
    let goal = f.goal.as_ref().map(|g| Goal {
        text: g.text.clone(),
        kpi: g
            .kpi
            .as_ref()
            .and_then(|k| indicator(k, "goal.kpi", &mut cx)),
    });
    let measures = f
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| measure(m, &format!("measures[{i}]"), period, &mut cx))
        .collect();
    let owners = owners(&f.owners, &mut cx, f.number.span());
    Some(Action {
        fiscal_year: year?,
        number: f.number.get_ref().clone(),
        key: key?,
        title: f.title.clone(),
        plan,
        owners,
        sections: sheet_sections(&f.sections, body_sections),
        goal,
        measures,
        evaluation: non_blank(&f.evaluation),
        source: file.clone(),
    })
}

/// The sort key of a report's 項目番号, which must have one.
fn action_key(number: &Spanned<String>, cx: &mut Ctx) -> Option<ActionKey> {
    let key = ActionKey::parse(number.get_ref());
    if key.is_none() {
        cx.error(
            Some(number.span()),
            "number",
            format!(
                "項目番号 \"{}\" has no number kohyo can sort by",
                number.get_ref()
            ),
        )
        .set_hint("write it as printed: \"1-(1)\", \"3-⑤\", \"2-1\"");
    }
    key
}

/// One measure (取組) of an action report, its schedule checked ([`schedule`]).
fn measure(
    m: &MeasureDef,
    field: &str,
    period: Option<(FiscalYear, FiscalYear)>,
    cx: &mut Ctx,
) -> Measure {
    Measure {
        title: m.title.clone(),
        schedule: schedule(m, &format!("{field}.schedule"), period, cx),
        progress: m.progress,
        work: non_blank(&m.work),
        improvement: non_blank(&m.improvement),
    }
}

/// A measure's schedule (年次計画): fiscal years inside the plan period (when the report's plan
/// has one), each with a word for the work planned.
fn schedule(
    m: &MeasureDef,
    field: &str,
    period: Option<(FiscalYear, FiscalYear)>,
    cx: &mut Ctx,
) -> YearMap<String> {
    let mut schedule = YearMap::new();
    for (k, v) in &m.schedule {
        let Some(y) = cx.year_key(k, field) else {
            continue;
        };
        if let Some((s, e)) = period {
            if y < s || y > e {
                cx.error(
                    Some(k.span()),
                    field,
                    format!(
                        "{} is outside the plan period ({}〜{})",
                        y.long_label(),
                        s.wareki(),
                        e.wareki()
                    ),
                );
            }
        }
        if v.trim().is_empty() {
            cx.error(
                Some(k.span()),
                field,
                "a scheduled year needs a word (検討/導入/実施 …)",
            )
            .set_hint("leave years without work out of the schedule");
        }
        schedule.insert(y, v.trim().to_string());
    }
    schedule
}

/// The problem of action report `a` when `first` holds its 項目番号 in its fiscal year already.
pub(super) fn duplicate_action(a: &Action, first: &Action) -> Diagnostic {
    Diagnostic::error(format!(
        "項目番号 \"{}\" is used twice in {} (also \"{}\" in {})",
        a.number,
        a.fiscal_year.long_label(),
        first.number,
        first.source
    ))
    .in_file(&a.source)
    .field("number")
}
