//! `indicators.csv` of one sheet page (a project, an action item) or plan node page: every value
//! of every indicator it holds, one row per indicator per year the sheet gives a target or an
//! actual for (and the sheet's own year), with the 現状値 and 最終目標値 repeated on each row.
//!
//! Unlike `kpi.csv`, which gives the target a year is compared against, the 目標値 here is only
//! the target the sheet wrote for that year, so that no value is lost or repeated.

use super::cells::{self, muni_columns, muni_fields, value_columns, value_fields, year_columns};
use super::kpi::{self, Sheet};
use super::table::{Column, ColumnType, Field, Table};
use crate::fiscal_year::FiscalYear;
use crate::model::{Action, Indicator, Municipality, Plan, PlanNode, Project};
use crate::render::indicators::Holder;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// シート上の欄 values.
pub const PLACES: &[&str] = &["活動指標", "成果指標", "目指す姿のKPI", "目標指標"];

/// The columns of a sheet's `indicators.csv`.
pub fn columns() -> Vec<Column> {
    let mut c = muni_columns();
    c.extend(year_columns(
        "報告年度",
        "シートの報告年度（計画の目標指標では空欄）",
    ));
    c.extend(Sheet::columns());
    c.push(
        Column::text(
            "シート上の欄",
            "指標が載っている欄：活動指標（事務事業の活動ごとの指標）／成果指標（事務事業の成果）／目指す姿のKPI（アクション項目）／目標指標（計画の施策）",
        )
        .one_of(PLACES),
    );
    c.push(Column::text(
        "活動名",
        "活動指標のとき、その活動の名称（ほかの欄では空欄）",
    ));
    c.extend(kpi::indicator_columns());
    c.extend(year_columns(
        "年度",
        "目標値・実績値の年度（シートに年度ごとの値がない指標では空欄）",
    ));
    c.extend(value_columns("目標値", "この年度の目標値", None));
    c.extend(value_columns("実績値", "この年度の実績値", None));
    c.extend(value_columns(
        "現状値",
        "現状値（計画策定時などの基準値）",
        None,
    ));
    c.push(Column::new(
        "現状値の年度",
        ColumnType::Year,
        "現状値の年度（西暦）。記載がなければ空欄",
    ));
    c.extend(value_columns("最終目標値", "最終目標値", None));
    c.push(Column::new(
        "最終目標値の年度",
        ColumnType::Year,
        "最終目標値の年度（西暦）。記載がなければ空欄",
    ));
    c.extend(kpi::assessment_columns());
    c.push(Column::text("備考", "シートが指標に付けた注記"));
    c
}

/// [`columns`], made once.
static COLUMNS: LazyLock<Vec<Column>> = LazyLock::new(columns);

/// Where an indicator stands on its sheet.
struct Place<'s, 'a> {
    sheet: &'s Sheet<'a>,
    report_year: Option<FiscalYear>,
    column: &'static str,
    activity: Option<&'a str>,
}

/// Adds one indicator's rows.
fn push<'a>(t: &mut Table<'a>, m: &'a Municipality, at: &Place<'_, 'a>, ind: &'a Indicator) {
    let mut years: BTreeSet<Option<FiscalYear>> = ind
        .targets
        .keys()
        .chain(ind.actuals.keys())
        .copied()
        .map(Some)
        .collect();
    if let Some(y) = at.report_year {
        years.insert(Some(y));
    }
    if years.is_empty() {
        years.insert(None);
    }
    for year in years {
        let mut f = Vec::with_capacity(COLUMNS.len());
        f.extend(muni_fields(m));
        f.extend(cells::year_fields(at.report_year));
        f.extend(at.sheet.fields());
        f.push(Field::text(at.column));
        f.push(Field::opt_text(at.activity));
        f.extend(kpi::indicator_fields(ind));
        f.extend(cells::year_fields(year));
        let entry = |e: Option<&'a crate::model::Entry>| {
            value_fields(
                Some(e.map_or(&crate::value::Value::NotReported, |e| &e.value)),
                e.and_then(|e| e.note.as_deref()),
            )
        };
        match year {
            Some(y) => {
                f.extend(entry(ind.targets.get(&y)));
                f.extend(entry(ind.actuals.get(&y)));
            }
            None => {
                f.extend(value_fields(None, None));
                f.extend(value_fields(None, None));
            }
        }
        for dated in [&ind.baseline, &ind.final_target] {
            let d = dated.as_ref();
            f.extend(value_fields(
                d.map(|d| &d.value),
                d.and_then(|d| d.note.as_deref()),
            ));
            f.push(Field::opt_year(d.and_then(|d| d.year)));
        }
        match year {
            Some(y) => f.extend(kpi::assessment_fields(ind, y, &m.achievement)),
            None => f.extend([Field::Empty, Field::Empty, Field::Empty, Field::Empty]),
        }
        f.push(Field::opt_text(ind.note.as_deref()));
        t.push(at.sheet.origin.clone(), f);
    }
}

/// `indicators.csv` of a project sheet: each activity's output indicators, then the outcomes.
pub fn project<'a>(m: &'a Municipality, p: &'a Project) -> Table<'a> {
    let mut t = Table::new(&*COLUMNS);
    let sheet = Sheet::of(m, Holder::Project(p));
    for a in &p.activities {
        let at = Place {
            sheet: &sheet,
            report_year: Some(p.fiscal_year),
            column: PLACES[0],
            activity: Some(&a.name),
        };
        for ind in &a.indicators {
            push(&mut t, m, &at, ind);
        }
    }
    let at = Place {
        sheet: &sheet,
        report_year: Some(p.fiscal_year),
        column: PLACES[1],
        activity: None,
    };
    for ind in &p.outcomes {
        push(&mut t, m, &at, ind);
    }
    t
}

/// `indicators.csv` of an action item: the KPI of its 目指す姿.
pub fn action<'a>(m: &'a Municipality, a: &'a Action) -> Table<'a> {
    let mut t = Table::new(&*COLUMNS);
    let sheet = Sheet::of(m, Holder::Action(a));
    if let Some(kpi) = a.goal.as_ref().and_then(|g| g.kpi.as_ref()) {
        let at = Place {
            sheet: &sheet,
            report_year: Some(a.fiscal_year),
            column: PLACES[2],
            activity: None,
        };
        push(&mut t, m, &at, kpi);
    }
    t
}

/// `indicators.csv` of a plan node: its 目標指標.
pub fn plan_node<'a>(m: &'a Municipality, plan: &'a Plan, node: &'a PlanNode) -> Table<'a> {
    let mut t = Table::new(&*COLUMNS);
    let sheet = Sheet::of(m, Holder::PlanNode(plan, node));
    let at = Place {
        sheet: &sheet,
        report_year: None,
        column: PLACES[3],
        activity: None,
    };
    for ind in &node.indicators {
        push(&mut t, m, &at, ind);
    }
    t
}
