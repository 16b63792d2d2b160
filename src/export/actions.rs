//! `actions.csv`: one row per measure (取組内容) of each action item reported in a year, with its
//! schedule as one column per plan year and its 進捗状況. An action item without measures still
//! has one row, with the measure columns empty. Its KPI is in `kpi.csv` and in the item's own
//! `indicators.csv`.

use super::cells::{self, muni_columns, muni_fields, year_columns};
use super::projects::{plan_columns, plan_position};
use super::table::{Column, ColumnType, Field, Table};
use crate::fiscal_year::FiscalYear;
use crate::model::{Action, Municipality};
use crate::render::display;
use std::collections::BTreeSet;
use std::rc::Rc;

/// 進捗状況 values.
pub const PROGRESS: &[&str] = &["達成", "順調", "概ね順調", "遅延", "未着手", "中止"];

/// The years of the schedule columns: every plan year of the actions' plans, widened to any year a
/// measure names (the same years as the schedule tables on the pages).
pub fn schedule_years<'a>(
    m: &Municipality,
    actions: impl IntoIterator<Item = &'a Action>,
) -> Vec<FiscalYear> {
    let mut years = BTreeSet::new();
    for a in actions {
        years.extend(a.measures.iter().flat_map(|ms| ms.schedule.keys().copied()));
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
    }
    years.into_iter().collect()
}

/// The header of a schedule column: 「取組期間（2024年度）」.
pub fn schedule_header(y: FiscalYear) -> String {
    format!("取組期間（{y}年度）")
}

/// The columns of `actions.csv` for these schedule years.
pub fn columns(years: &[FiscalYear]) -> Vec<Column> {
    let mut c = muni_columns();
    c.extend(year_columns("年度", "実績報告の年度"));
    c.push(Column::text(
        "項目番号",
        "アクション項目の番号（シートの表記どおり）",
    ));
    c.push(Column::text(
        "項目番号（正規化）",
        "項目番号を数字とハイフンに正規化したもの（「1-(1)」→「1-1」）。ページのURLにも使う",
    ));
    c.push(Column::text("実施項目", "アクション項目の実施項目"));
    c.push(Column::text("主管課", "主管課（複数は「、」区切り）"));
    c.extend(plan_columns());
    c.push(Column::text("目指す姿", "アクション項目の目指す姿"));
    c.push(Column::new(
        "取組番号",
        ColumnType::Integer,
        "取組内容の順番（1から）。取組内容のない項目では空欄",
    ));
    c.push(Column::text("取組の内容", "取組内容"));
    for y in years {
        c.push(
            Column::text(
                schedule_header(*y),
                format!(
                    "{}の取組予定（検討・実施など、シートの表記どおり。空欄は予定の記載なし）",
                    y.long_label()
                ),
            )
            .titled(format!("取組期間 {}", y.long_label())),
        );
    }
    c.push(
        Column::text(
            "進捗状況",
            "取組の進捗状況（達成・順調・概ね順調・遅延・未着手・中止。記載がなければ空欄）",
        )
        .one_of(PROGRESS),
    );
    c.push(Column::text("実施内容", "その年度の実施内容"));
    c.push(Column::text("次年度に向けた改善点", "次年度に向けた改善点"));
    c.push(Column::text("総括評価", "アクション項目の総括評価"));
    c
}

/// `actions.csv` of a year.
pub fn table(m: &Municipality, year: FiscalYear) -> Table<'_> {
    let years = schedule_years(m, m.actions_in(year));
    let mut t = Table::new(columns(&years));
    for a in m.actions_in(year) {
        let origin: Rc<str> =
            format!("{}（アクション項目 {}「{}」）", a.source, a.number, a.title).into();
        let head = |f: &mut Vec<_>| {
            f.extend(muni_fields(m));
            f.extend(cells::year_fields(Some(a.fiscal_year)));
            f.push(Field::text(a.number.as_str()));
            f.push(Field::text(a.key.slug()));
            f.push(Field::text(a.title.as_str()));
            f.push(Field::text(cells::owners(&a.owners)));
            f.extend(plan_position(m, a.plan.as_ref()));
            f.push(Field::opt_text(a.goal.as_ref().map(|g| g.text.as_str())));
        };
        let evaluation = Field::opt_text(a.evaluation.as_deref());
        if a.measures.is_empty() {
            let mut f = Vec::new();
            head(&mut f);
            f.extend([Field::Empty, Field::Empty]);
            f.extend(years.iter().map(|_| Field::Empty));
            f.extend([Field::Empty, Field::Empty, Field::Empty, evaluation]);
            t.push(origin, f);
            continue;
        }
        for (i, ms) in a.measures.iter().enumerate() {
            let mut f = Vec::new();
            head(&mut f);
            f.push(Field::Integer(i64::try_from(i + 1).unwrap_or(i64::MAX)));
            f.push(Field::text(ms.title.as_str()));
            f.extend(
                years
                    .iter()
                    .map(|y| Field::opt_text(ms.schedule.get(y).map(String::as_str))),
            );
            f.push(Field::opt_text(ms.progress.map(display::progress)));
            f.push(Field::opt_text(ms.work.as_deref()));
            f.push(Field::opt_text(ms.improvement.as_deref()));
            f.push(evaluation.clone());
            t.push(origin.clone(), f);
        }
    }
    t
}
