//! `projects.csv` (one row per project sheet of a year: position, owners, money in 円, staffing,
//! review) and `activities.csv` (one row per activity, with its own 予算額 and 決算額).
//!
//! A project's 予算額 and 決算額 are the totals over its activities, given only when every
//! activity has an amount; otherwise the total is left empty with the kind 集計不可, and the
//! amounts that exist are in `activities.csv`. A blank never becomes 0.

use super::cells::{
    self, money_columns, money_fields, muni_columns, muni_fields, sum_fields, value_columns,
    value_fields, year_columns,
};
use super::table::{Column, ColumnType, Field, Table};
use crate::fiscal_year::FiscalYear;
use crate::model::{EndYear, FutureDirection, Improvement, Municipality, PlanRef, Project};
use crate::render::indicators;
use std::rc::Rc;
use std::sync::LazyLock;

/// 改善の余地 in words.
pub(crate) fn improvement_label(i: Improvement) -> &'static str {
    match i {
        Improvement::Cost => "コスト",
        Improvement::Activity => "活動",
        Improvement::Result => "成果",
        Improvement::Other => "その他",
    }
}

/// 今後の方向性 in words.
pub(crate) fn future_label(d: FutureDirection) -> &'static str {
    match d {
        FutureDirection::Expand => "拡充",
        FutureDirection::Continue => "継続",
        FutureDirection::Revise => "見直し",
        FutureDirection::Reduce => "縮小",
        FutureDirection::Merge => "統合",
        FutureDirection::Suspend => "休止",
        FutureDirection::Abolish => "廃止",
        FutureDirection::Complete => "完了",
    }
}

/// A sheet's plan, its path of nodes as one line (「Ⅶ 行財政運営の効率化 > 広域連携の推進」) and
/// the node code.
pub(crate) fn plan_position<'a>(m: &'a Municipality, r: Option<&'a PlanRef>) -> [Field<'a>; 3] {
    let Some((r, plan)) = r.and_then(|r| m.plan(&r.plan).map(|p| (r, p))) else {
        return [Field::Empty, Field::Empty, Field::Empty];
    };
    let path = r
        .node
        .as_deref()
        .and_then(|code| plan.find(code))
        .map(|path| {
            path.iter()
                .map(|n| match indicators::node_number(n) {
                    Some(number) => format!("{number} {}", n.title),
                    None => n.title.clone(),
                })
                .collect::<Vec<_>>()
                .join(" > ")
        });
    [
        Field::text(plan.name.as_str()),
        path.map_or(Field::Empty, Field::text),
        Field::opt_text(r.node.as_deref()),
    ]
}

/// 計画名, 計画上の位置, 施策コード.
pub(crate) fn plan_columns() -> Vec<Column> {
    vec![
        Column::text("計画名", "シートが位置づけられた計画"),
        Column::text(
            "計画上の位置",
            "計画の階層をたどった施策（上位から「 > 」区切り）",
        ),
        Column::text("施策コード", "シートが位置づけられた施策のコード"),
    ]
}

/// The columns of `projects.csv`.
pub fn columns() -> Vec<Column> {
    let mut c = muni_columns();
    c.extend(year_columns("年度", "シートの報告年度"));
    c.push(Column::text(
        "シートコード",
        "事務事業のコード（シートNo.、またはシートに番号がないときkohyoで付けた識別子）。年度をまたいで同じ事業を追うときに使う",
    ));
    c.push(Column::text(
        "シートNo.",
        "シートに印刷された番号（なければ空欄）",
    ));
    c.push(Column::text("事務事業名", "事務事業名"));
    c.push(Column::text("担当課", "担当の部・課（複数は「、」区切り）"));
    c.extend(plan_columns());
    c.push(Column::new(
        "事業開始年度",
        ColumnType::Year,
        "事業開始年度（西暦）。記載がなければ空欄",
    ));
    c.push(Column::new(
        "事業終了年度",
        ColumnType::Year,
        "事業終了年度（西暦）。終了年度がない・記載がないときは空欄で、「事業終了年度の記載」で区別する",
    ));
    c.push(
        Column::text(
            "事業終了年度の記載",
            "年度（終了年度あり）／なし（終了年度を定めない継続事業）／記載なし",
        )
        .one_of(&["年度", "なし", "記載なし"]),
    );
    c.push(Column::text("根拠法令等", "根拠法令・分野別計画等"));
    c.push(
        Column::text(
            "シートの金額の単位",
            "シートが金額を書いた単位（このCSVの金額はすべて円）",
        )
        .one_of(&["円", "千円", "万円", "百万円", "億円"]),
    );
    c.push(Column::new(
        "活動数",
        ColumnType::Integer,
        "シートの活動（アクティビティ）の数",
    ));
    c.extend(money_columns(
        "予算額",
        "予算額（活動の予算額の合計。すべての活動に金額があるときだけ合計する）",
    ));
    c.extend(money_columns(
        "決算額",
        "決算額（活動の決算額の合計。すべての活動に金額があるときだけ合計する）",
    ));
    c.extend(money_columns("総事業費", "総事業費"));
    c.extend(money_columns("特定財源", "特定財源"));
    c.extend(money_columns("実質負担額", "実質負担額"));
    c.extend(value_columns(
        "正職員（人工）",
        "正職員の人工（年間の業務量を職員の人数で表したもの）",
        Some("人工"),
    ));
    c.extend(value_columns(
        "会計年度任用職員等（人工）",
        "会計年度任用職員等の人工",
        Some("人工"),
    ));
    c.push(Column::text("業務の振り返り", "点検・改善：業務の振り返り"));
    c.push(Column::text(
        "改善の余地",
        "点検・改善：チェックされた改善の余地（コスト・活動・成果・その他、「、」区切り。なければ空欄）",
    ));
    c.push(
        Column::text(
            "今後の方向性（区分）",
            "今後の方向性の区分（拡充・継続・見直し・縮小・統合・休止・廃止・完了）",
        )
        .one_of(&[
            "拡充",
            "継続",
            "見直し",
            "縮小",
            "統合",
            "休止",
            "廃止",
            "完了",
        ]),
    );
    c.push(Column::text("今後の方向性（内容）", "今後の方向性の記述"));
    c.push(Column::new("作成日", ColumnType::Date, "シートの作成日"));
    c.push(Column::text("様式", "シートの様式名"));
    c
}

/// One project's row.
fn row<'a>(m: &'a Municipality, p: &'a Project) -> Vec<Field<'a>> {
    let mut f = Vec::with_capacity(COLUMNS.len());
    f.extend(muni_fields(m));
    f.extend(cells::year_fields(Some(p.fiscal_year)));
    f.push(Field::text(p.code.as_str()));
    f.push(Field::opt_text(p.sheet_no.as_deref()));
    f.push(Field::text(p.name.as_str()));
    f.push(Field::text(cells::owners(&p.owners)));
    f.extend(plan_position(m, p.plan.as_ref()));
    f.push(Field::opt_year(p.start_year));
    let (end, end_kind) = match p.end_year {
        Some(EndYear::Year(y)) => (Field::Year(y), "年度"),
        Some(EndYear::Ongoing) => (Field::Empty, "なし"),
        None => (Field::Empty, "記載なし"),
    };
    f.push(end);
    f.push(Field::text(end_kind));
    f.push(Field::opt_text(p.legal_basis.as_deref()));
    f.push(Field::text(p.money_unit.label()));
    f.push(Field::Integer(
        i64::try_from(p.activities.len()).unwrap_or(i64::MAX),
    ));
    let budgets: Vec<_> = p.activities.iter().map(|a| a.budget).collect();
    let settlements: Vec<_> = p.activities.iter().map(|a| a.settlement).collect();
    f.extend(sum_fields(&budgets));
    f.extend(sum_fields(&settlements));
    f.extend(money_fields(p.cost.map(|c| c.total)));
    f.extend(money_fields(p.cost.map(|c| c.specific_revenue)));
    f.extend(money_fields(p.cost.map(|c| c.net)));
    let staffing = p.staffing.as_ref();
    f.extend(value_fields(staffing.map(|s| &s.full_time), None));
    f.extend(value_fields(staffing.map(|s| &s.part_time), None));
    let review = p.review.as_ref();
    f.push(Field::opt_text(
        review.and_then(|r| r.reflection.as_deref()),
    ));
    f.push(Field::text(
        review
            .map(|r| {
                r.room_for_improvement
                    .iter()
                    .map(|i| improvement_label(*i))
                    .collect::<Vec<_>>()
                    .join("、")
            })
            .unwrap_or_default(),
    ));
    f.push(Field::opt_text(
        review.and_then(|r| r.direction).map(future_label),
    ));
    f.push(Field::opt_text(
        review.and_then(|r| r.direction_text.as_deref()),
    ));
    f.push(p.created.clone().map_or(Field::Empty, Field::Date));
    f.push(Field::opt_text(p.form.as_deref()));
    f
}

/// Where a project row came from.
fn origin(p: &Project) -> String {
    format!("{}（事務事業 {}「{}」）", p.source, p.code, p.name)
}

/// [`columns`], made once.
static COLUMNS: LazyLock<Vec<Column>> = LazyLock::new(columns);
/// [`activity_columns`], made once.
static ACTIVITY_COLUMNS: LazyLock<Vec<Column>> = LazyLock::new(activity_columns);

/// `projects.csv` of a year.
pub fn table(m: &Municipality, year: FiscalYear) -> Table<'_> {
    let mut t = Table::new(&*COLUMNS);
    for p in m.projects_in(year) {
        t.push(origin(p), row(m, p));
    }
    t
}

/// The columns of `activities.csv`.
pub fn activity_columns() -> Vec<Column> {
    let mut c = muni_columns();
    c.extend(year_columns("年度", "シートの報告年度"));
    c.push(Column::text("シートコード", "事務事業のコード"));
    c.push(Column::text("事務事業名", "事務事業名"));
    c.push(Column::new(
        "活動番号",
        ColumnType::Integer,
        "シートでの活動の順番（1から）",
    ));
    c.push(Column::text("活動名", "活動（アクティビティ）の名称"));
    c.push(Column::text(
        "対象年度",
        "活動の対象年度（西暦、「;」区切り）",
    ));
    c.push(Column::text(
        "関係する課",
        "活動に関係する課（「、」区切り）",
    ));
    c.push(Column::text("活動内容", "活動内容"));
    c.extend(money_columns("予算額", "活動の予算額"));
    c.extend(money_columns("決算額", "活動の決算額"));
    c.push(Column::new(
        "活動指標の数",
        ColumnType::Integer,
        "活動指標の数（値は各シートの indicators.csv にある）",
    ));
    c
}

/// `activities.csv` of a year: every activity of every project sheet.
pub fn activities(m: &Municipality, year: FiscalYear) -> Table<'_> {
    let mut t = Table::new(&*ACTIVITY_COLUMNS);
    for p in m.projects_in(year) {
        let origin: Rc<str> = origin(p).into();
        for (i, a) in p.activities.iter().enumerate() {
            let mut f = Vec::with_capacity(ACTIVITY_COLUMNS.len());
            f.extend(muni_fields(m));
            f.extend(cells::year_fields(Some(p.fiscal_year)));
            f.push(Field::text(p.code.as_str()));
            f.push(Field::text(p.name.as_str()));
            f.push(Field::Integer(i64::try_from(i + 1).unwrap_or(i64::MAX)));
            f.push(Field::text(a.name.as_str()));
            f.push(Field::text(
                a.years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(";"),
            ));
            f.push(Field::text(a.related_sections.join("、")));
            f.push(Field::opt_text(a.description.as_deref()));
            f.extend(money_fields(Some(a.budget)));
            f.extend(money_fields(Some(a.settlement)));
            f.push(Field::Integer(
                i64::try_from(a.indicators.len()).unwrap_or(i64::MAX),
            ));
            t.push(origin.clone(), f);
        }
    }
    t
}
