//! The on-disk file formats: what a department may write in `kohyo.toml`, a municipality's
//! `municipality.toml`, a plan node, a project sheet (事務事業) and an action item (アクション項目).
//!
//! These types mirror the files one to one. Every struct denies unknown fields, so a typo is an
//! error and never silently drops data. Fields that later checks point at keep their source span
//! (`Spanned`). The JSON Schema editors use is generated from these types (`kohyo schema`), so the
//! doc comments here are what 企画政策課 staff see while they type.
//!
//! Nothing here interprets the data: `validate` turns these raw files into the typed model.

use crate::value::{Number, Value};
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// A fiscal-year key or field as written: `2024`, `"R6"`, `"令和6年度"`, `"令和元年度"`, `"平成3年度"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, JsonSchema)]
#[schemars(with = "YearSchema")]
pub struct YearText(pub String);

/// Schema stand-in for [`YearText`]: an integer 西暦 year or a 和暦/西暦 string.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum YearSchema {
    /// 西暦: 2024
    Seireki(u16),
    /// 「R6」「令和6年度」「令和元年度」「平成3年度」「2024年度」; for an end year also 「なし」 (ongoing).
    Text(String),
}

impl<'de> Deserialize<'de> for YearText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<YearText, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = YearText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a fiscal year such as 2024 or \"令和6年度\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<YearText, E> {
                Ok(YearText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<YearText, E> {
                Ok(YearText(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<YearText, E> {
                Ok(YearText(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// One cell of a sheet: a number, 「－」 (not applicable), `""` (blank: not reported), or words
/// such as 「実施」; optionally with a note: `{ value = 3083, note = "…" }`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[schemars(with = "CellSchema")]
pub struct Cell {
    /// The value.
    pub value: Value,
    /// A note on this one value (注記).
    pub note: Option<String>,
}

/// Schema stand-in for [`Cell`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum CellSchema {
    /// A number: 2700, 97.91, 0 (a measured zero).
    Number(f64),
    /// 「－」 = not applicable; "" = blank (not reported); "2,700" or "２７００" = a number; any other
    /// words (「実施」「策定」) = a qualitative value.
    Text(String),
    /// A value with a note.
    WithNote {
        /// The value, as above.
        value: Box<CellSchema>,
        /// A note on this value.
        note: Option<String>,
    },
}

fn number_from_f64<E: de::Error>(v: f64) -> Result<Number, E> {
    if !v.is_finite() {
        return Err(E::custom(format!("{v} is not a number a sheet can hold")));
    }
    format!("{v}")
        .parse::<Number>()
        .map_err(|_| E::custom(format!("{v} is too large or too precise to keep exactly")))
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, \"－\", \"\", words such as \"実施\", or { value = …, note = \"…\" }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell {
                    value: Value::Measured(Number::from_i64(v)),
                    note: None,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
                let v = i64::try_from(v).map_err(|_| E::custom("number too large"))?;
                self.visit_i64(v)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
                Ok(Cell {
                    value: Value::Measured(number_from_f64(v)?),
                    note: None,
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell {
                    value: Value::from_text(v),
                    note: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cell, A::Error> {
                let mut value: Option<Cell> = None;
                let mut note: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "value" => {
                            let inner: Cell = map.next_value()?;
                            if inner.note.is_some() {
                                return Err(de::Error::custom("a value cannot itself hold a note"));
                            }
                            value = Some(inner);
                        }
                        "note" => note = Some(map.next_value()?),
                        other => return Err(de::Error::unknown_field(other, &["value", "note"])),
                    }
                }
                let value = value.map(|c| c.value).unwrap_or(Value::NotReported);
                Ok(Cell { value, note })
            }
        }
        d.deserialize_any(V)
    }
}

/// Values per fiscal year: `{ R6 = 1, R7 = 1 }`, `{ 2024 = 3083 }`, `{ "令和6" = "実施" }`.
pub type YearCells = BTreeMap<Spanned<String>, Cell>;

/// A value that belongs to one year: a baseline (現状値) or a final target (最終目標値).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YearValue {
    /// The value: a number, 「－」, "" or words.
    pub value: Cell,
    /// The fiscal year it belongs to (「令和4年」「R9」「2027」).
    #[schemars(with = "Option<YearText>")]
    pub year: Option<Spanned<YearText>>,
    /// A note.
    pub note: Option<String>,
}

/// The direction that counts as better (望ましい方向).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum DirectionInput {
    /// 増加: more is better (参加者数). Also `up`.
    #[serde(rename = "増加", alias = "up", alias = "増")]
    Up,
    /// 減少: fewer is better (転出者数, 市税収入未済額). Also `down`.
    #[serde(rename = "減少", alias = "down", alias = "減")]
    Down,
    /// 維持: keep the level (有形固定資産減価償却率 61% → 61%). Also `keep`.
    #[serde(rename = "維持", alias = "keep")]
    Keep,
}

/// The kind (区分) of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum KindInput {
    /// 活動指標.
    #[serde(rename = "活動", alias = "活動指標")]
    Activity,
    /// 成果指標.
    #[serde(rename = "成果", alias = "成果指標")]
    Result,
    /// アウトプット (output).
    #[serde(rename = "アウトプット", alias = "output")]
    Output,
    /// アウトカム (outcome).
    #[serde(rename = "アウトカム", alias = "outcome")]
    Outcome,
    /// 行政指標 (measured by the administration).
    #[serde(rename = "行政", alias = "行政指標")]
    Administrative,
    /// 市民指標 (measured among citizens).
    #[serde(rename = "市民", alias = "市民指標")]
    Citizen,
}

/// How 達成率 is computed for an indicator whose direction is 減少.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MethodInput {
    /// 目標値 ÷ 実績値 (減少), 実績値 ÷ 目標値 (増加).
    Ratio,
    /// Progress from the baseline: (現状値 − 実績値) ÷ (現状値 − 目標値) for 減少; needs a baseline.
    Progress,
}

/// An indicator (指標): an output or outcome indicator on a sheet, a plan node's 目標指標, or an
/// action item's KPI.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    /// 指標名, as printed: 「転出者数」.
    pub name: String,
    /// An optional stable identifier, to join the same indicator across fiscal years when its name
    /// changes. Defaults to the name.
    pub id: Option<String>,
    /// 単位: 「人」「件」「%」「千円」. Required when any value is a number.
    pub unit: Option<String>,
    /// 区分: 活動/成果/アウトプット/アウトカム/行政/市民.
    pub kind: Option<KindInput>,
    /// Which way is better: 増加 / 減少 / 維持. Required.
    #[schemars(with = "Option<DirectionInput>")]
    pub direction: Option<Spanned<DirectionInput>>,
    /// 現状値 (baseline) with its year: `{ value = 109829, year = "令和4年" }`.
    pub baseline: Option<YearValue>,
    /// 目標値 per fiscal year: `{ R7 = 1, R8 = 1, R9 = "－" }`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Cell>")]
    pub targets: YearCells,
    /// 実績値 per fiscal year: `{ R6 = 3083 }`. Omitted years are not reported.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Cell>")]
    pub actuals: YearCells,
    /// The final target with its own year: 「R9年度 2,700人」 → `{ value = 2700, year = "R9" }`.
    pub final_target: Option<YearValue>,
    /// Overrides the site's 達成率 method for this indicator.
    pub method: Option<MethodInput>,
    /// For 維持: the band (in percent of the target) within which the level counts as kept.
    pub tolerance_percent: Option<f64>,
    /// A note on the indicator (printed remarks, how it is measured).
    pub note: Option<String>,
}

/// A narrative section with the heading the city's sheet uses (背景・目的, 現状と課題, 実績報告 …).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    /// The heading, as printed.
    pub heading: String,
    /// The text, in Markdown. Blank means the sheet left it empty.
    #[serde(default)]
    pub body: String,
}

/// A responsible organisation: 部 and/or 課 (主管課, 課等名).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerDef {
    /// 部 (department), e.g. 「市長公室」.
    pub department: Option<String>,
    /// 課 (section), e.g. 「常創戦略課」.
    pub section: Option<String>,
}

/// The site configuration, `kohyo.toml` at the site root.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// The site's title.
    pub title: String,
    /// A one-line description.
    pub description: Option<String>,
    /// The public address the site is published at (for sitemap.xml), e.g. `https://www.example.lg.jp/kohyo/`.
    pub base_url: Option<String>,
    /// How 達成率 and 達成状況 are computed.
    #[serde(default)]
    pub achievement: AchievementDef,
    /// Size limits that protect the build from absurd input.
    #[serde(default)]
    pub limits: LimitsDef,
    /// The CSV attachments.
    #[serde(default)]
    pub csv: CsvDef,
}

/// `[csv]` in kohyo.toml.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CsvDef {
    /// Also write a Shift_JIS (CP932) copy of every CSV (kpi-sjis.csv …) for systems that cannot read UTF-8 (default false). A character CP932 cannot hold (𠮷, emoji) in a text that goes into a CSV is then an error of `kohyo check` and `kohyo build`, at the character's line and column.
    #[serde(default)]
    pub shift_jis: bool,
}

/// `[achievement]` in kohyo.toml.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AchievementDef {
    /// Method for 減少 indicators: "ratio" (目標値 ÷ 実績値, the default) or "progress" (from the baseline).
    pub method: Option<MethodInput>,
    /// For 維持 indicators: the band in percent within which the level counts as kept (default 3).
    #[schemars(with = "Option<f64>")]
    pub tolerance_percent: Option<Spanned<f64>>,
    /// 達成状況 grades, best first (default ◎ 目標達成, ○ 80%以上, △ 50%以上, × 未達成). The first is
    /// for met targets; each other names the lowest 達成率 that earns it; the last may omit
    /// min_rate and takes the rest.
    #[serde(default)]
    #[schemars(with = "Vec<GradeDef>")]
    pub grades: Vec<Spanned<GradeDef>>,
}

/// One 達成状況 grade: `{ mark = "A", label = "達成", }`, `{ mark = "B", label = "概ね達成", min_rate = 80 }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeDef {
    /// The mark shown: 「◎」「A」「S」.
    pub mark: String,
    /// What it means: 「目標達成」「概ね達成」.
    pub label: String,
    /// The lowest 達成率 (%) for this grade among targets not met; omit on the first (met) and
    /// the last (everything else).
    pub min_rate: Option<f64>,
}

/// `[limits]` in kohyo.toml: how large one content file may be. A file over a limit is an error
/// naming the file and the count, so that a pasted or generated sheet with absurd counts fails
/// clearly instead of exhausting memory. The defaults are far above any real sheet.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitsDef {
    /// The largest content file accepted, in bytes (default 1 MiB). This also bounds the longest text.
    pub max_file_bytes: Option<u64>,
    /// The most activities (活動・事業) one project sheet may list (default 500).
    pub max_activities: Option<u64>,
    /// The most indicators one file may hold: a sheet's output and outcome indicators, or a plan file's 目標指標 over all its nodes (default 1000).
    pub max_indicators: Option<u64>,
    /// The most plan nodes one plan file may hold, its children included (default 2000).
    pub max_plan_nodes: Option<u64>,
    /// The most entries any other list in one file may have: sections, measures, roadmap rows, tasks, owners, plans, the years of an indicator or a schedule (default 1000).
    pub max_list_items: Option<u64>,
    /// The most characters of any one-line text in one file: a name, title, number, code, unit, owner, heading or indicator note (default 500). Every row of a CSV file repeats the names of its sheet, plan node and indicator, so one long name is copied once per row. Longer texts (sections, work, evaluations) are bounded by max_file_bytes only.
    pub max_text_chars: Option<u64>,
}

/// A municipality, `content/{slug}/municipality.toml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityFile {
    /// 団体名: 「常総市」.
    pub name: String,
    /// 都道府県: 「茨城県」.
    pub prefecture: String,
    /// 全国地方公共団体コード, 6 digits with the check digit: "082112".
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// The municipality's own website.
    pub website: Option<String>,
    /// The municipality's own 達成状況 grades, replacing the site's (see kohyo.toml
    /// `[[achievement.grades]]`): e.g. S/A/B/C with its thresholds.
    #[serde(default)]
    #[schemars(with = "Vec<GradeDef>")]
    pub grades: Vec<Spanned<GradeDef>>,
    /// Its plans (総合計画, 基本計画, 行政改革アクションプラン …).
    #[serde(default)]
    pub plans: Vec<PlanDef>,
}

/// A plan: 第6次総合計画 基本計画 (令和5〜9年度), 後期基本計画, 行政改革アクションプラン.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDef {
    /// A short identifier sheets refer to: "kihon".
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The plan's name as published.
    pub name: String,
    /// The larger plan it is part of: 「第2次常総市総合計画」.
    pub part_of: Option<String>,
    /// First fiscal year of the plan period.
    #[schemars(with = "Option<YearText>")]
    pub start: Option<Spanned<YearText>>,
    /// Last fiscal year of the plan period.
    #[schemars(with = "Option<YearText>")]
    pub end: Option<Spanned<YearText>>,
    /// The names of the plan's levels, top first, as the city names them:
    /// ["施策の大綱", "施策の目標", "施策", "施策内容"].
    #[serde(default)]
    pub levels: Vec<String>,
}

/// A plan node (施策 …) with its children, in `content/{slug}/plan/*.toml` or `.md`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanNodeDef {
    /// The plan this node belongs to (a plan `id`); may be omitted when the municipality has one plan.
    /// Only on a file's top node: children inherit it.
    #[schemars(with = "Option<String>")]
    pub plan: Option<Spanned<String>>,
    /// The code of the parent node, for a top node that is not a root. Children inherit it.
    #[schemars(with = "Option<String>")]
    pub parent: Option<Spanned<String>>,
    /// A unique identifier within the plan, used in references and URLs: "6-2-6-4", "Ⅶ-1-3".
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// The number as printed, when it differs from the code: "4" for 6-2-6-4, "Ⅶ".
    pub number: Option<String>,
    /// The title: 「広域連携の推進」.
    pub title: String,
    /// SDGs goals (1–17).
    #[schemars(with = "Option<Vec<u8>>")]
    pub sdgs: Option<Spanned<Vec<i64>>>,
    /// Narrative sections (現状と課題, 5年間でできたこと, 取り組みの方針, 市民の役割 …).
    #[serde(default)]
    pub sections: Vec<SectionDef>,
    /// 目標指標.
    #[serde(default)]
    #[schemars(with = "Vec<IndicatorDef>")]
    pub indicators: Vec<Spanned<IndicatorDef>>,
    /// ロードマップ: the projects that carry the node, with their cost trend per year.
    #[serde(default)]
    pub roadmap: Vec<RoadmapDef>,
    /// Child nodes.
    #[serde(default)]
    pub children: Vec<PlanNodeDef>,
}

/// The cost trend of a roadmap project in one year (ロードマップの矢印).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum TrendInput {
    /// 前年度と同程度のコスト.
    #[serde(rename = "同程度", alias = "same")]
    Same,
    /// 前年度よりコストを拡大.
    #[serde(rename = "拡大", alias = "up")]
    Up,
    /// 前年度よりコストを縮小.
    #[serde(rename = "縮小", alias = "down")]
    Down,
    /// Carried out this year, trend not stated (the printed arrows could not be told apart).
    #[serde(rename = "実施", alias = "active")]
    Active,
}

/// One row of a ロードマップ.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadmapDef {
    /// The project's name: 「市民協働のまちづくり事業」.
    pub name: String,
    /// The node the row is grouped under (分野施策), when the roadmap groups rows.
    #[schemars(with = "Option<String>")]
    pub node: Option<Spanned<String>>,
    /// The project code, when the project has sheets in kohyo.
    pub project: Option<String>,
    /// リーディングプロジェクト (★).
    #[serde(default)]
    pub leading: bool,
    /// Cost trend per fiscal year: `{ R5 = "同程度", R6 = "拡大" }`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, TrendInput>")]
    pub years: BTreeMap<Spanned<String>, TrendInput>,
}

/// The money unit a sheet's amounts are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum MoneyUnitInput {
    /// 円.
    #[serde(rename = "円")]
    Yen,
    /// 千円.
    #[serde(rename = "千円")]
    ThousandYen,
    /// 万円.
    #[serde(rename = "万円")]
    TenThousandYen,
    /// 百万円.
    #[serde(rename = "百万円")]
    MillionYen,
    /// 億円.
    #[serde(rename = "億円")]
    HundredMillionYen,
}

/// A project sheet (事務事業評価 / 点検シート) for one fiscal year,
/// `content/{slug}/{year}/projects/{code}.toml` or `.md`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    /// The fiscal year the sheet reports on: 2024 or "令和6年度".
    #[schemars(with = "YearText")]
    pub fiscal_year: Spanned<YearText>,
    /// The project code, stable across years (URLs and the history join on it): "124".
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// The sheet number as printed (シート No.), when it differs from the code.
    pub sheet_no: Option<String>,
    /// 事務事業名.
    pub name: String,
    /// The form's title as printed: 「実施計画 兼 まちづくり達成状況報告書」(事務事業点検シート).
    pub form: Option<String>,
    /// 作成日: 2025-05-16 (a TOML date, or the same in quotes).
    #[schemars(with = "Option<String>")]
    pub created: Option<Spanned<DateInput>>,
    /// 担当 (部・課), one or more.
    #[serde(default)]
    pub owners: Vec<OwnerDef>,
    /// The plan (id) the project sits in; may be omitted when the municipality has one plan.
    #[schemars(with = "Option<String>")]
    pub plan: Option<Spanned<String>>,
    /// The plan node (code) the project sits under: "Ⅶ-1-3-2".
    #[schemars(with = "Option<String>")]
    pub plan_node: Option<Spanned<String>>,
    /// 事業開始年度: "平成3年度".
    #[schemars(with = "Option<YearText>")]
    pub start_year: Option<Spanned<YearText>>,
    /// 事業終了年度: "令和8年度", or "なし" for an ongoing project.
    #[schemars(with = "Option<YearText>")]
    pub end_year: Option<Spanned<YearText>>,
    /// その他、根拠法令及び分野別計画等.
    pub legal_basis: Option<String>,
    /// The unit the sheet writes money in: "千円" (default "円"). Amounts are stored in 円.
    pub money_unit: Option<MoneyUnitInput>,
    /// Narrative sections in the sheet's order and headings (背景・目的, 目標, 対象, 意図 …).
    #[serde(default)]
    pub sections: Vec<SectionDef>,
    /// ② アクティビティ (活動・事業) with their output indicators and ③ inputs.
    #[serde(default)]
    pub activities: Vec<ActivityDef>,
    /// ④ アウトカム (成果) indicators.
    #[serde(default)]
    #[schemars(with = "Vec<IndicatorDef>")]
    pub outcomes: Vec<Spanned<IndicatorDef>>,
    /// Cost summary (総事業費, 特定財源, 実質負担額) in `money_unit`.
    #[schemars(with = "Option<CostDef>")]
    pub cost: Option<Spanned<CostDef>>,
    /// Staffing and work analysis.
    pub staffing: Option<StaffingDef>,
    /// ⑤ 点検・改善.
    pub review: Option<ReviewDef>,
}

/// A date written as a TOML date (`2025-05-16`) or as a string (`"2025-05-16"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DateInput {
    /// A TOML date.
    Date(toml::value::Datetime),
    /// A string, checked by the validator.
    Text(String),
}

/// An activity (活動・事業) of a project.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityDef {
    /// 活動名・事業名.
    pub name: String,
    /// 対象年: ["R7", "R8", "R9"].
    #[serde(default)]
    #[schemars(with = "Vec<YearText>")]
    pub years: Vec<Spanned<YearText>>,
    /// 活動・事業内容 (Markdown).
    pub description: Option<String>,
    /// Other sections that take part, printed in 【】: ["指導課"].
    #[serde(default)]
    pub related_sections: Vec<String>,
    /// 予算額 for the sheet's year, in `money_unit`.
    #[schemars(with = "Option<Cell>")]
    pub budget: Option<Spanned<Cell>>,
    /// 決算額 for the sheet's year, in `money_unit`.
    #[schemars(with = "Option<Cell>")]
    pub settlement: Option<Spanned<Cell>>,
    /// Output indicators (アウトプット).
    #[serde(default)]
    #[schemars(with = "Vec<IndicatorDef>")]
    pub indicators: Vec<Spanned<IndicatorDef>>,
}

/// Cost summary. 実質負担額 must equal 総事業費 − 特定財源 when all three are given.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CostDef {
    /// 総事業費.
    pub total: Option<Cell>,
    /// 特定財源 (国県支出金, 地方債 …).
    pub specific_revenue: Option<Cell>,
    /// 実質負担額 (一般財源).
    pub net: Option<Cell>,
}

/// Staffing (人員) and work analysis.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffingDef {
    /// 正職員 (full-time), in persons (人工), may be fractional.
    pub full_time: Option<Cell>,
    /// 会計年度任用職員等 (part-time), in persons.
    pub part_time: Option<Cell>,
    /// 業務分析: the tasks and their share.
    #[serde(default)]
    pub tasks: Vec<TaskDef>,
}

/// One task of the work analysis (業務分析).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskDef {
    /// 業務名.
    pub name: String,
    /// 業務割合 (%).
    pub share_percent: Option<Cell>,
    /// 定型業務 (true) or 非定型 (false).
    pub routine: Option<bool>,
    /// 難易度 as the city grades it (高/中/低).
    pub difficulty: Option<String>,
}

/// 改善の余地: the boxes a sheet can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
pub enum ImprovementInput {
    /// コスト.
    #[serde(rename = "コスト")]
    Cost,
    /// 活動.
    #[serde(rename = "活動")]
    Activity,
    /// 成果.
    #[serde(rename = "成果")]
    Result,
    /// その他.
    #[serde(rename = "その他")]
    Other,
}

/// 今後の方向性 as a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum FutureInput {
    /// 拡充.
    #[serde(rename = "拡充")]
    Expand,
    /// 継続 (現状維持).
    #[serde(rename = "継続", alias = "現状維持")]
    Continue,
    /// 見直し (改善).
    #[serde(rename = "見直し", alias = "改善")]
    Revise,
    /// 縮小.
    #[serde(rename = "縮小")]
    Reduce,
    /// 統合.
    #[serde(rename = "統合")]
    Merge,
    /// 休止.
    #[serde(rename = "休止")]
    Suspend,
    /// 廃止.
    #[serde(rename = "廃止")]
    Abolish,
    /// 完了.
    #[serde(rename = "完了")]
    Complete,
}

/// ⑤ 点検・改善.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDef {
    /// 業務の振り返り (Markdown). Omitted = left blank.
    pub reflection: Option<String>,
    /// 改善の余地: the checked boxes (コスト/活動/成果/その他). The others were left unchecked.
    #[serde(default)]
    pub room_for_improvement: Vec<ImprovementInput>,
    /// 今後の方向性 as a category (拡充/継続/見直し/縮小/統合/休止/廃止/完了), when the sheet gives one.
    pub direction: Option<FutureInput>,
    /// 今後の方向性 as text (Markdown).
    pub direction_text: Option<String>,
}

/// 進捗状況 of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum ProgressInput {
    /// 達成.
    #[serde(rename = "達成")]
    Achieved,
    /// 順調.
    #[serde(rename = "順調")]
    OnTrack,
    /// 概ね順調.
    #[serde(rename = "概ね順調")]
    MostlyOnTrack,
    /// 遅延.
    #[serde(rename = "遅延", alias = "遅れ")]
    Delayed,
    /// 未着手.
    #[serde(rename = "未着手")]
    NotStarted,
    /// 中止.
    #[serde(rename = "中止")]
    Cancelled,
}

/// An action item report (アクション項目 実績報告) for one fiscal year,
/// `content/{slug}/{year}/actions/{number}.md` or `.toml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionFile {
    /// The fiscal year reported on (「2024年度報告」 → 2024).
    #[schemars(with = "YearText")]
    pub fiscal_year: Spanned<YearText>,
    /// 項目番号 as written: "1-(1)", "3-⑤", "2-1".
    #[schemars(with = "String")]
    pub number: Spanned<String>,
    /// 実施項目.
    pub title: String,
    /// The plan (id); may be omitted when the municipality has one plan.
    #[schemars(with = "Option<String>")]
    pub plan: Option<Spanned<String>>,
    /// The plan node (code) the item sits under.
    #[schemars(with = "Option<String>")]
    pub plan_node: Option<Spanned<String>>,
    /// 主管課, one or more.
    #[serde(default)]
    pub owners: Vec<OwnerDef>,
    /// Narrative sections (現状と課題 …); in a `.md` file the body's `## ` headings add more.
    #[serde(default)]
    pub sections: Vec<SectionDef>,
    /// 目指す姿 with its KPI.
    pub goal: Option<GoalDef>,
    /// 取組内容 1..n.
    #[serde(default)]
    pub measures: Vec<MeasureDef>,
    /// 総括評価 (Markdown). The KPI's actual goes into `goal.kpi.actuals`.
    pub evaluation: Option<String>,
}

/// 目指す姿.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalDef {
    /// The text.
    pub text: String,
    /// The KPI printed in 【】: 【外部研修受講率50%】.
    #[schemars(with = "Option<IndicatorDef>")]
    pub kpi: Option<Spanned<IndicatorDef>>,
}

/// A measure (取組内容) of an action item.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureDef {
    /// 取組の内容.
    pub title: String,
    /// 取組期間: what is planned each year: `{ 2024 = "検討", 2025 = "実施" }`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub schedule: BTreeMap<Spanned<String>, String>,
    /// 進捗状況: 達成/順調/概ね順調/遅延/未着手/中止.
    pub progress: Option<ProgressInput>,
    /// The year's work (2024年度の実施内容), Markdown.
    pub work: Option<String>,
    /// 次年度に向けた改善点, Markdown.
    pub improvement: Option<String>,
}
