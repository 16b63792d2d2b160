//! `kpi.csv` (every indicator a municipality reports for a fiscal year: the rows of the KPI page)
//! and `kpi-all-years.csv` (those rows for every year, so that a series can be followed by 指標ID),
//! and the 達成率 columns both share with the per-sheet indicator files.
//!
//! The set of indicators is the KPI page's own, [`indicators::of_year`]; 達成率 and 達成状況 come
//! from [`compute`] and read exactly as on the page.

use super::cells::{self, muni_columns, muni_fields, value_columns, value_fields, year_columns};
use super::table::{Column, ColumnType, Field, Table};
use crate::compute::{self, Assessment, TargetSource};
use crate::fiscal_year::FiscalYear;
use crate::model::{AchievementConfig, Indicator, Municipality};
use crate::render::display;
use crate::render::indicators::{self, Held, Holder};
use std::borrow::Cow;
use std::rc::Rc;
use std::sync::LazyLock;

/// 判定 values.
pub const VERDICTS: &[&str] = &["目標達成", "目標未達成", "未測定", "該当なし", "評価なし"];
/// 目標値の区分 values.
pub const TARGET_SOURCES: &[&str] = &["当該年度の目標値", "最終目標値"];
/// シート種別 values.
pub const SHEET_KINDS: &[&str] = &["事務事業", "アクション項目", "計画"];

/// What a row says about the sheet or plan node an indicator stands on.
pub(crate) struct Sheet<'a> {
    /// 事務事業 / アクション項目 / 計画.
    pub(crate) kind: &'static str,
    /// シートコード: project code, 項目番号, node code.
    pub(crate) code: &'a str,
    /// シート名.
    pub(crate) name: Cow<'a, str>,
    /// 担当課.
    pub(crate) owners: String,
    /// 計画名.
    pub(crate) plan: &'a str,
    /// Where the row came from, for error messages.
    pub(crate) origin: Rc<str>,
}

impl<'a> Sheet<'a> {
    /// The sheet of a holder.
    pub(crate) fn of(m: &'a Municipality, h: Holder<'a>) -> Sheet<'a> {
        let plan_name = |r: Option<&crate::model::PlanRef>| {
            r.and_then(|r| m.plan(&r.plan))
                .map_or("", |p| p.name.as_str())
        };
        match h {
            Holder::Project(p) => Sheet {
                kind: "事務事業",
                code: &p.code,
                name: Cow::Borrowed(&p.name),
                owners: cells::owners(&p.owners),
                plan: plan_name(p.plan.as_ref()),
                origin: format!("{}（事務事業 {}「{}」）", p.source, p.code, p.name).into(),
            },
            Holder::Action(a) => Sheet {
                kind: "アクション項目",
                code: &a.number,
                name: Cow::Borrowed(&a.title),
                owners: cells::owners(&a.owners),
                plan: plan_name(a.plan.as_ref()),
                origin: format!("{}（アクション項目 {}「{}」）", a.source, a.number, a.title)
                    .into(),
            },
            Holder::PlanNode(plan, n) => Sheet {
                kind: "計画",
                code: &n.code,
                name: Cow::Owned(indicators::node_title(plan, n)),
                owners: String::new(),
                plan: &plan.name,
                origin: format!("{}の{}（{}「{}」）", m.name, plan.name, n.code, n.title).into(),
            },
        }
    }

    /// The columns of [`Sheet::fields`].
    pub(crate) fn columns() -> Vec<Column> {
        vec![
            Column::text("シート種別", "指標が載っているシート：事務事業（事務事業点検シート）／アクション項目（行政改革アクションプランの実績報告）／計画（総合計画などの施策の目標指標）").one_of(SHEET_KINDS),
            Column::text("シートコード", "事務事業はシートのコード（シートNo.またはkohyoで付けた識別子）、アクション項目は項目番号、計画は施策のコード"),
            Column::text("シート名", "事務事業名、実施項目、または施策の階層名・番号・名称"),
            Column::text("担当課", "担当の部・課（複数は「、」区切り）。計画の目標指標では空欄"),
            Column::text("計画名", "シートが位置づけられた計画、または目標指標を定めた計画"),
        ]
    }

    /// シート種別, シートコード, シート名, 担当課, 計画名.
    pub(crate) fn fields(&self) -> [Field<'a>; 5] {
        [
            Field::text(self.kind),
            Field::text(self.code),
            Field::text(self.name.clone()),
            Field::text(self.owners.clone()),
            Field::text(self.plan),
        ]
    }
}

/// 指標ID, 指標名, 区分, 単位, 方向.
pub(crate) fn indicator_columns() -> Vec<Column> {
    vec![
        Column::text(
            "指標ID",
            "シート内で指標を識別する名前（通常は指標名。同名の指標が複数あるときは区別のため付けたもの）。年度をまたいで同じ指標を追うときは 全国地方公共団体コード・シート種別・シートコード・指標ID で結合する",
        ),
        Column::text("指標名", "シートに記載された指標名"),
        Column::text(
            "区分",
            "活動指標／成果指標／アウトプット／アウトカム／行政指標／市民指標（シートに記載がなければ空欄）",
        ),
        Column::text(
            "単位",
            "目標値・実績値・現状値の単位（人、件、%など）。記載がなければ空欄",
        ),
        Column::text(
            "方向",
            "望ましい方向：増加（多いほどよい）／減少（少ないほどよい）／維持",
        )
        .one_of(&["増加", "減少", "維持"]),
    ]
}

/// The fields of [`indicator_columns`].
pub(crate) fn indicator_fields(ind: &Indicator) -> [Field<'_>; 5] {
    [
        Field::text(ind.id.as_str()),
        Field::text(ind.name.as_str()),
        Field::text(indicators::kind_label(ind.kind)),
        Field::opt_text(ind.unit.as_deref()),
        Field::text(display::direction(ind.direction)),
    ]
}

/// 達成率, 達成状況, 判定, 算出式.
pub(crate) fn assessment_columns() -> Vec<Column> {
    vec![
        Column::new("達成率", ColumnType::Number, "達成率（%）。小数第2位を四捨五入した小数第1位まで。率を出さない場合（未測定・該当なし・評価なし、維持の指標、0で割る比較）は空欄で、理由は「判定」「達成状況」にある。0%と空欄は別物").unit("%"),
        Column::text("達成状況", "ページの表示と同じ達成状況：記号、段階、目標の達成・未達成（例「○ 概ね達成（80%以上）・目標未達成」「□ 未測定」）"),
        Column::text("判定", "目標達成／目標未達成／未測定（実績値が空欄）／該当なし（目標値か実績値が「－」）／評価なし（目標がない、言葉で書かれている、または比べられない）").one_of(VERDICTS),
        Column::text("算出式", "達成率の算出に使った式（評価できない場合は空欄）"),
    ]
}

/// The fields of [`assessment_columns`] for an indicator in a year.
pub(crate) fn assessment_fields(
    ind: &Indicator,
    year: FiscalYear,
    config: &AchievementConfig,
) -> [Field<'static>; 4] {
    let a = compute::assess(ind, year, config);
    let view = display::assessment(&a, &config.grades);
    let rate = a
        .rate_display()
        .and_then(|r| r.parse().ok())
        .map_or(Field::Empty, Field::Number);
    let (verdict, formula) = match &a {
        Assessment::Assessed {
            achieved, formula, ..
        } => (
            if *achieved {
                "目標達成"
            } else {
                "目標未達成"
            },
            Field::text(formula.label()),
        ),
        Assessment::Unassessed(u) => (u.label(), Field::Empty),
    };
    [
        rate,
        Field::text(view.summary()),
        Field::text(verdict),
        formula,
    ]
}

/// The columns of `kpi.csv` and `kpi-all-years.csv`.
pub fn columns() -> Vec<Column> {
    let mut c = muni_columns();
    c.extend(year_columns("年度", "報告の年度"));
    c.extend(Sheet::columns());
    c.extend(indicator_columns());
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
    c.extend(value_columns(
        "目標値",
        "この年度の評価に使う目標値（その年度の目標値、なければ最終目標値）",
        None,
    ));
    c.push(Column::new(
        "目標値の年度",
        ColumnType::Year,
        "目標値の年度（西暦）。最終目標値で年度の記載がなければ空欄",
    ));
    c.push(
        Column::text(
            "目標値の区分",
            "当該年度の目標値／最終目標値（その年度の目標値がシートにないため最終目標値と比べた）",
        )
        .one_of(TARGET_SOURCES),
    );
    c.extend(value_columns("実績値", "この年度の実績値", None));
    c.extend(assessment_columns());
    c.push(Column::text("備考", "シートが指標に付けた注記"));
    c
}

/// The row of one indicator in one year.
fn row<'a>(
    m: &'a Municipality,
    h: &Held<'a>,
    sheet: &Sheet<'a>,
    year: FiscalYear,
    config: &AchievementConfig,
) -> Vec<Field<'a>> {
    let ind = h.indicator;
    let mut f = Vec::with_capacity(COLUMNS.len());
    f.extend(muni_fields(m));
    f.extend(cells::year_fields(Some(year)));
    f.extend(sheet.fields());
    f.extend(indicator_fields(ind));
    let baseline = ind.baseline.as_ref();
    f.extend(value_fields(
        baseline.map(|b| &b.value),
        baseline.and_then(|b| b.note.as_deref()),
    ));
    f.push(Field::opt_year(baseline.and_then(|b| b.year)));
    // The same target compute compares against; say which one it is.
    let (target, from) = compute::target_for(ind, year);
    let (target_year, source, note) = match (from, &ind.final_target) {
        (TargetSource::Final(y), Some(fin)) => (y, TARGET_SOURCES[1], fin.note.as_deref()),
        _ => (
            Some(year),
            TARGET_SOURCES[0],
            ind.targets.get(&year).and_then(|e| e.note.as_deref()),
        ),
    };
    f.extend(value_fields(Some(&target), note).map(Field::into_owned));
    f.push(Field::opt_year(target_year));
    f.push(Field::text(source));
    f.extend(value_fields(
        Some(ind.actual(year)),
        ind.actuals.get(&year).and_then(|e| e.note.as_deref()),
    ));
    f.extend(assessment_fields(ind, year, config));
    f.push(Field::opt_text(ind.note.as_deref()));
    f
}

/// Adds the rows of a year to `table`.
fn push_year<'a>(table: &mut Table<'a>, m: &'a Municipality, year: FiscalYear) {
    for h in indicators::of_year(m, year) {
        let sheet = Sheet::of(m, h.holder);
        let fields = row(m, &h, &sheet, year, &m.achievement);
        table.push(sheet.origin, fields);
    }
}

/// [`columns`], made once.
static COLUMNS: LazyLock<Vec<Column>> = LazyLock::new(columns);

/// `kpi.csv`: the KPI page of a year as a table.
pub fn table(m: &Municipality, year: FiscalYear) -> Table<'_> {
    let mut t = Table::new(&*COLUMNS);
    push_year(&mut t, m, year);
    t
}

/// `kpi-all-years.csv`: every year's KPI rows, oldest year first.
pub fn all_years(m: &Municipality) -> Table<'_> {
    let mut t = Table::new(&*COLUMNS);
    for y in m.fiscal_years() {
        push_year(&mut t, m, y);
    }
    t
}
