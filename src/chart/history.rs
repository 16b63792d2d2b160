//! One indicator (or one project's money) followed across the sheets of its history, so that a
//! chart can show every year the history holds.
//!
//! Sheets of a project are joined by code and action items by [`ActionKey`](crate::model::ActionKey)
//! already ([`Municipality::projects`](crate::model::Municipality::projects),
//! [`Municipality::actions`](crate::model::Municipality::actions)); inside them an output indicator
//! is the same indicator from year to year when its activity's name and its
//! [`Indicator::id`] match, an outcome when its id matches, and an action item's KPI is the KPI.
//!
//! The joined indicator is an ordinary [`Indicator`], so [`compute`](crate::compute) assesses it
//! as it would a sheet's. A later sheet's cell wins over an earlier sheet's for the same year,
//! unless the later sheet left it blank: a blank restates nothing.

use crate::fiscal_year::FiscalYear;
use crate::model::{Action, Indicator, Project};
use crate::value::Amount;
use crate::year_map::YearMap;

/// Joins the same indicator as reported by successive sheets (oldest first) into one.
///
/// Names, unit, direction and method come from the latest sheet; per year, the latest sheet that
/// reports the cell (anything but blank) gives the value; baseline and final target come from the
/// latest sheet that states them. `None` when there is no sheet.
pub fn join<'a>(sheets: impl IntoIterator<Item = &'a Indicator>) -> Option<Indicator> {
    let mut it = sheets.into_iter();
    let mut joined = it.next()?.clone();
    for later in it {
        for (mine, theirs) in [
            (&mut joined.targets, &later.targets),
            (&mut joined.actuals, &later.actuals),
        ] {
            for (year, entry) in theirs {
                if !entry.value.is_not_reported() || !mine.contains_key(year) {
                    mine.insert(*year, entry.clone());
                }
            }
        }
        if later.baseline.is_some() {
            joined.baseline.clone_from(&later.baseline);
        }
        if later.final_target.is_some() {
            joined.final_target.clone_from(&later.final_target);
        }
        joined.id.clone_from(&later.id);
        joined.name.clone_from(&later.name);
        joined.unit.clone_from(&later.unit);
        joined.kind = later.kind;
        joined.direction = later.direction;
        joined.method = later.method;
        joined.tolerance_percent = later.tolerance_percent;
        joined.note.clone_from(&later.note);
    }
    Some(joined)
}

/// The sheets of a history up to and including `upto`: what was published by that year's report.
fn through<T>(history: &YearMap<T>, upto: FiscalYear) -> impl Iterator<Item = &T> {
    history.range(..=upto).map(|(_, sheet)| sheet)
}

/// An output indicator of a project's activity, joined over the project's sheets up to `upto`
/// by activity name and indicator id.
pub fn output_indicator(
    history: &YearMap<Project>,
    upto: FiscalYear,
    activity: &str,
    id: &str,
) -> Option<Indicator> {
    join(through(history, upto).filter_map(|p| {
        p.activities
            .iter()
            .find(|a| a.name == activity)
            .and_then(|a| a.indicators.iter().find(|i| i.id == id))
    }))
}

/// An outcome indicator of a project, joined over the project's sheets up to `upto` by id.
pub fn outcome_indicator(
    history: &YearMap<Project>,
    upto: FiscalYear,
    id: &str,
) -> Option<Indicator> {
    join(through(history, upto).filter_map(|p| p.outcomes.iter().find(|i| i.id == id)))
}

/// An action item's KPI, joined over its reports up to `upto`.
pub fn action_kpi(history: &YearMap<Action>, upto: FiscalYear) -> Option<Indicator> {
    join(through(history, upto).filter_map(|a| a.goal.as_ref().and_then(|g| g.kpi.as_ref())))
}

/// One group of bars of a budget chart: an activity, or a fiscal year's total.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyRow {
    /// 「常総広域事務組合への負担金の支払い」 or 「令和6年度」.
    pub label: String,
    /// 予算額.
    pub budget: Amount,
    /// 決算額.
    pub settlement: Amount,
}

/// The rows of a project's budget chart, from its sheets up to `upto`: one row per fiscal year
/// (the total of its activities) when the history holds more than one year, else one row per
/// activity of the sheet. Empty when neither gives more than one row: one bar pair needs no
/// chart beside its table.
pub fn money_rows(history: &YearMap<Project>, upto: FiscalYear) -> Vec<MoneyRow> {
    let sheets: Vec<&Project> = through(history, upto).collect();
    let rows: Vec<MoneyRow> = match sheets.as_slice() {
        [] => Vec::new(),
        [only] => only
            .activities
            .iter()
            .map(|a| MoneyRow {
                label: a.name.clone(),
                budget: a.budget,
                settlement: a.settlement,
            })
            .collect(),
        many => many
            .iter()
            .map(|p| MoneyRow {
                label: p.fiscal_year.wareki(),
                budget: total(p.activities.iter().map(|a| a.budget)),
                settlement: total(p.activities.iter().map(|a| a.settlement)),
            })
            .collect(),
    };
    if rows.len() > 1 { rows } else { Vec::new() }
}

/// The total of a year's amounts: blank when any amount is blank (a partial sum would read as the
/// total), 「－」 when every amount is 「－」 (or there is none), else the sum of the amounts.
pub fn total(amounts: impl IntoIterator<Item = Amount>) -> Amount {
    let mut sum: Option<i64> = None;
    for a in amounts {
        match a {
            Amount::NotReported => return Amount::NotReported,
            Amount::NotApplicable => {}
            Amount::Yen(y) => match sum.unwrap_or(0).checked_add(y.0) {
                Some(s) => sum = Some(s),
                None => return Amount::NotReported,
            },
        }
    }
    sum.map_or(Amount::NotApplicable, |s| Amount::Yen(crate::value::Yen(s)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Entry};
    use crate::value::{Value, Yen};

    fn fy(y: i64) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn ind(actuals: &[(i64, Value)]) -> Indicator {
        Indicator {
            id: "x".into(),
            name: "x".into(),
            unit: Some("人".into()),
            kind: None,
            direction: Direction::Up,
            baseline: None,
            targets: crate::year_map::YearMap::new(),
            actuals: actuals
                .iter()
                .map(|(y, v)| {
                    (
                        fy(*y),
                        Entry {
                            value: v.clone(),
                            note: None,
                        },
                    )
                })
                .collect(),
            final_target: None,
            method: None,
            tolerance_percent: None,
            note: None,
        }
    }

    #[test]
    fn later_sheets_win_unless_they_leave_the_cell_blank() {
        let n = |s: &str| Value::Measured(s.parse().unwrap());
        let r6 = ind(&[(2023, n("5")), (2024, n("6"))]);
        let r7 = ind(&[
            (2023, Value::NotReported),
            (2024, n("7")),
            (2025, Value::NotApplicable),
        ]);
        let j = join([&r6, &r7]).unwrap();
        assert_eq!(j.actual(fy(2023)), &n("5"));
        assert_eq!(j.actual(fy(2024)), &n("7"));
        assert_eq!(j.actual(fy(2025)), &Value::NotApplicable);
        assert!(join(std::iter::empty()).is_none());
    }

    #[test]
    fn totals_never_pass_a_partial_sum_off_as_the_total() {
        let y = |n| Amount::Yen(Yen(n));
        assert_eq!(total([y(1), y(2)]), y(3));
        assert_eq!(total([y(1), Amount::NotApplicable]), y(1));
        assert_eq!(total([y(1), Amount::NotReported]), Amount::NotReported);
        assert_eq!(total([Amount::NotApplicable]), Amount::NotApplicable);
        assert_eq!(total([y(i64::MAX), y(1)]), Amount::NotReported);
    }
}
