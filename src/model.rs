//! The typed, validated, joined site: municipalities, their plans, and every sheet of every fiscal
//! year, with sheets of the same project or action item joined into one history.
//!
//! Everything here has been checked by `validate`: codes are valid, references resolve, years are
//! canonical, money is integer 円. Later stages (compute, render, export) read only this model.

use crate::fiscal_year::FiscalYear;
use crate::muni_code::MuniCode;
use crate::value::{Amount, MoneyUnit, Value};
use crate::year_map::YearMap;
use std::collections::BTreeMap;

pub use crate::format::{
    DirectionInput as Direction, FutureInput as FutureDirection, ImprovementInput as Improvement,
    KindInput as IndicatorKind, MethodInput as Method, ProgressInput as Progress,
    TrendInput as CostTrend,
};

/// The whole site.
#[derive(Debug, Clone)]
pub struct Site {
    /// `kohyo.toml`.
    pub config: Config,
    /// Municipalities, sorted by slug.
    pub municipalities: Vec<Municipality>,
}

/// Site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's title.
    pub title: String,
    /// A one-line description.
    pub description: Option<String>,
    /// Where the site is published, ending in `/`.
    pub base_url: Option<String>,
    /// 達成率 settings.
    pub achievement: AchievementConfig,
    /// CSV attachment settings.
    pub csv: CsvConfig,
}

/// How the CSV attachments are written (`[csv]` in kohyo.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CsvConfig {
    /// Also write a Shift_JIS (CP932) copy of every CSV.
    pub shift_jis: bool,
}

/// How 達成率 and 達成状況 are computed: the site's settings, or a municipality's own
/// ([`Municipality::achievement`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AchievementConfig {
    /// Method for 減少 indicators.
    pub method: Method,
    /// Band for 維持 indicators, in percent of the target.
    pub tolerance_percent: f64,
    /// The 達成状況 grades, best first (◎○△× by default).
    pub grades: Vec<crate::compute::Grade>,
}

impl Default for AchievementConfig {
    fn default() -> Self {
        AchievementConfig {
            method: Method::Ratio,
            tolerance_percent: 3.0,
            grades: crate::compute::default_grades(),
        }
    }
}

/// A municipality (地方公共団体) with all it publishes.
#[derive(Debug, Clone)]
pub struct Municipality {
    /// The folder name under `content/`, used in URLs: "joso".
    pub slug: String,
    /// 団体名.
    pub name: String,
    /// 都道府県.
    pub prefecture: String,
    /// 全国地方公共団体コード.
    pub code: MuniCode,
    /// Website.
    pub website: Option<String>,
    /// 達成率 settings in force for this municipality: the site's, with its own grades if it sets
    /// them. Every page, chart and CSV of the municipality uses these.
    pub achievement: AchievementConfig,
    /// Plans, in the order the municipality lists them.
    pub plans: Vec<Plan>,
    /// Project sheets joined by code: code → fiscal year → sheet.
    pub projects: BTreeMap<String, YearMap<Project>>,
    /// Action item reports joined by number: sort key → fiscal year → report.
    pub actions: BTreeMap<ActionKey, YearMap<Action>>,
}

impl Municipality {
    /// Every fiscal year with at least one sheet, ascending.
    pub fn fiscal_years(&self) -> Vec<FiscalYear> {
        // Pages ask for this often, and a municipality has many sheets but few years: a short
        // list searched in place, rather than every sheet's year collected and sorted.
        let mut years: Vec<FiscalYear> = Vec::new();
        let all = self.projects.values().flat_map(|h| h.keys().copied());
        for year in all.chain(self.actions.values().flat_map(|h| h.keys().copied())) {
            if !years.contains(&year) {
                years.push(year);
            }
        }
        years.sort_unstable();
        years
    }

    /// The latest fiscal year with a sheet.
    pub fn latest_year(&self) -> Option<FiscalYear> {
        self.fiscal_years().last().copied()
    }

    /// The projects reported in one fiscal year, by code.
    pub fn projects_in(&self, year: FiscalYear) -> impl Iterator<Item = &Project> {
        self.projects.values().filter_map(move |h| h.get(&year))
    }

    /// The action items reported in one fiscal year, in 項目番号 order.
    pub fn actions_in(&self, year: FiscalYear) -> impl Iterator<Item = &Action> {
        self.actions.values().filter_map(move |h| h.get(&year))
    }

    /// A plan by id.
    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.id == id)
    }
}

/// A plan (総合計画, 基本計画, アクションプラン).
#[derive(Debug, Clone)]
pub struct Plan {
    /// Identifier.
    pub id: String,
    /// Name as published.
    pub name: String,
    /// The larger plan it belongs to.
    pub part_of: Option<String>,
    /// Plan period (計画期間), first and last fiscal year, when stated.
    pub period: Option<(FiscalYear, FiscalYear)>,
    /// Level names, top first.
    pub levels: Vec<String>,
    /// Root nodes in file order (sorted by code where files are separate).
    pub roots: Vec<PlanNode>,
}

impl Plan {
    /// The level name at a depth (0 = top), when the plan names it.
    pub fn level_name(&self, depth: usize) -> Option<&str> {
        self.levels.get(depth).map(String::as_str)
    }

    /// Finds a node by code anywhere in the tree, with its ancestors (root first).
    pub fn find(&self, code: &str) -> Option<Vec<&PlanNode>> {
        fn walk<'a>(nodes: &'a [PlanNode], code: &str, path: &mut Vec<&'a PlanNode>) -> bool {
            for n in nodes {
                path.push(n);
                if n.code == code || walk(&n.children, code, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let mut path = Vec::new();
        walk(&self.roots, code, &mut path).then_some(path)
    }

    /// Every node, depth first, with its depth.
    pub fn nodes(&self) -> Vec<(usize, &PlanNode)> {
        fn walk<'a>(nodes: &'a [PlanNode], depth: usize, out: &mut Vec<(usize, &'a PlanNode)>) {
            for n in nodes {
                out.push((depth, n));
                walk(&n.children, depth + 1, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.roots, 0, &mut out);
        out
    }
}

/// A node of a plan tree (施策の大綱, 基本施策, 分野施策, 取り組み …).
#[derive(Debug, Clone)]
pub struct PlanNode {
    /// Unique code within the plan.
    pub code: String,
    /// Number as printed.
    pub number: Option<String>,
    /// Title.
    pub title: String,
    /// SDGs goals (1–17).
    pub sdgs: Vec<u8>,
    /// Narrative sections.
    pub sections: Vec<Section>,
    /// 目標指標.
    pub indicators: Vec<Indicator>,
    /// ロードマップ.
    pub roadmap: Vec<RoadmapRow>,
    /// Children.
    pub children: Vec<PlanNode>,
}

/// A row of a ロードマップ.
#[derive(Debug, Clone)]
pub struct RoadmapRow {
    /// Project name.
    pub name: String,
    /// Group node code.
    pub node: Option<String>,
    /// Project code, when it has sheets.
    pub project: Option<String>,
    /// リーディングプロジェクト ★.
    pub leading: bool,
    /// Cost trend per year.
    pub years: YearMap<CostTrend>,
}

/// A narrative section.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Heading as printed; `None` for text before the first heading of a Markdown body.
    pub heading: Option<String>,
    /// Markdown text; empty when the sheet left it blank.
    pub body: String,
}

/// 部・課.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Owner {
    /// 部.
    pub department: Option<String>,
    /// 課.
    pub section: Option<String>,
}

impl Owner {
    /// 「市長公室 常創戦略課」.
    pub fn label(&self) -> String {
        match (&self.department, &self.section) {
            (Some(d), Some(s)) => format!("{d} {s}"),
            (Some(d), None) => d.clone(),
            (None, Some(s)) => s.clone(),
            (None, None) => String::new(),
        }
    }
}

/// Where a sheet sits in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRef {
    /// Plan id.
    pub plan: String,
    /// Node code, when the sheet names one.
    pub node: Option<String>,
}

/// One value cell with its optional note.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The value.
    pub value: Value,
    /// A note on it.
    pub note: Option<String>,
}

/// A value with the year it belongs to (baseline, final target).
#[derive(Debug, Clone, PartialEq)]
pub struct YearEntry {
    /// The value.
    pub value: Value,
    /// Its year, when stated.
    pub year: Option<FiscalYear>,
    /// A note.
    pub note: Option<String>,
}

/// An indicator (指標).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Stable id (the name unless given).
    pub id: String,
    /// 指標名.
    pub name: String,
    /// 単位.
    pub unit: Option<String>,
    /// 区分.
    pub kind: Option<IndicatorKind>,
    /// Which way is better.
    pub direction: Direction,
    /// 現状値.
    pub baseline: Option<YearEntry>,
    /// 目標値 per year. Years absent are not reported.
    pub targets: YearMap<Entry>,
    /// 実績値 per year. Years absent are not reported.
    pub actuals: YearMap<Entry>,
    /// Final target with its own year.
    pub final_target: Option<YearEntry>,
    /// Per-indicator 達成率 method.
    pub method: Option<Method>,
    /// Per-indicator 維持 band.
    pub tolerance_percent: Option<f64>,
    /// Note.
    pub note: Option<String>,
}

impl Indicator {
    /// The target for a year (explicit), or `NotReported`.
    pub fn target(&self, year: FiscalYear) -> &Value {
        self.targets
            .get(&year)
            .map(|e| &e.value)
            .unwrap_or(&Value::NotReported)
    }

    /// The actual for a year, or `NotReported`.
    pub fn actual(&self, year: FiscalYear) -> &Value {
        self.actuals
            .get(&year)
            .map(|e| &e.value)
            .unwrap_or(&Value::NotReported)
    }

    /// Whether any value of this indicator is a number.
    pub fn has_number(&self) -> bool {
        let cells = self.targets.values().chain(self.actuals.values());
        cells.map(|e| &e.value).any(|v| v.number().is_some())
            || [&self.baseline, &self.final_target]
                .into_iter()
                .flatten()
                .any(|e| e.value.number().is_some())
    }
}

/// A project sheet (事務事業) for one fiscal year.
#[derive(Debug, Clone)]
pub struct Project {
    /// Fiscal year reported on.
    pub fiscal_year: FiscalYear,
    /// Stable project code.
    pub code: String,
    /// シート No. as printed.
    pub sheet_no: Option<String>,
    /// 事務事業名.
    pub name: String,
    /// Form title.
    pub form: Option<String>,
    /// 作成日 (YYYY-MM-DD).
    pub created: Option<String>,
    /// 部・課.
    pub owners: Vec<Owner>,
    /// Position in a plan.
    pub plan: Option<PlanRef>,
    /// 事業開始年度.
    pub start_year: Option<FiscalYear>,
    /// 事業終了年度.
    pub end_year: Option<EndYear>,
    /// 根拠法令等.
    pub legal_basis: Option<String>,
    /// The unit money is shown in.
    pub money_unit: MoneyUnit,
    /// Narrative sections.
    pub sections: Vec<Section>,
    /// Activities.
    pub activities: Vec<Activity>,
    /// Outcome indicators.
    pub outcomes: Vec<Indicator>,
    /// Cost summary.
    pub cost: Option<Cost>,
    /// Staffing.
    pub staffing: Option<Staffing>,
    /// Review.
    pub review: Option<Review>,
    /// Source file, relative to the site root.
    pub source: String,
}

impl Project {
    /// Every indicator of the sheet: output indicators of each activity, then outcomes.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.activities
            .iter()
            .flat_map(|a| a.indicators.iter())
            .chain(self.outcomes.iter())
    }
}

/// 事業終了年度.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndYear {
    /// A last year.
    Year(FiscalYear),
    /// 「なし」: ongoing.
    Ongoing,
}

/// An activity of a project.
#[derive(Debug, Clone)]
pub struct Activity {
    /// 活動名.
    pub name: String,
    /// 対象年.
    pub years: Vec<FiscalYear>,
    /// 活動内容.
    pub description: Option<String>,
    /// Related sections in 【】.
    pub related_sections: Vec<String>,
    /// 予算額.
    pub budget: Amount,
    /// 決算額.
    pub settlement: Amount,
    /// Output indicators.
    pub indicators: Vec<Indicator>,
}

/// Cost summary, in 円.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// 総事業費.
    pub total: Amount,
    /// 特定財源.
    pub specific_revenue: Amount,
    /// 実質負担額.
    pub net: Amount,
}

/// Staffing.
#[derive(Debug, Clone, PartialEq)]
pub struct Staffing {
    /// 正職員 (人工).
    pub full_time: Value,
    /// 会計年度任用職員等 (人工).
    pub part_time: Value,
    /// Work analysis.
    pub tasks: Vec<Task>,
}

/// A task of the work analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// 業務名.
    pub name: String,
    /// 業務割合 (%).
    pub share_percent: Value,
    /// 定型.
    pub routine: Option<bool>,
    /// 難易度.
    pub difficulty: Option<String>,
}

/// ⑤ 点検・改善.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// 業務の振り返り.
    pub reflection: Option<String>,
    /// Checked 改善の余地 boxes, in form order.
    pub room_for_improvement: Vec<Improvement>,
    /// 今後の方向性 category.
    pub direction: Option<FutureDirection>,
    /// 今後の方向性 text.
    pub direction_text: Option<String>,
}

/// The sort key of a 項目番号: "3-⑤" → [3, 5], "1-(1)" → [1, 1].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActionKey(pub Vec<u32>);

impl ActionKey {
    /// The URL slug: "3-5".
    pub fn slug(&self) -> String {
        self.0
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Normalises a 項目番号 as written: digits in any width, circled (①–⑳) and parenthesised
    /// ("(1)", "（１）", "⑴") numbers; any dash or space separates. `None` when no number is found
    /// or when something other than numbers and separators is written.
    pub fn parse(number: &str) -> Option<ActionKey> {
        let mut parts = Vec::new();
        let mut current: Option<u32> = None;
        for c in number.chars() {
            let digit = match c {
                '0'..='9' => Some(c as u32 - '0' as u32),
                '０'..='９' => Some(c as u32 - '０' as u32),
                _ => None,
            };
            if let Some(d) = digit {
                current = Some(current.unwrap_or(0).checked_mul(10)?.checked_add(d)?);
                continue;
            }
            if let Some(n) = current.take() {
                parts.push(n);
            }
            let enclosed = match c {
                '①'..='⑳' => Some(c as u32 - '①' as u32 + 1),
                '⑴'..='⒇' => Some(c as u32 - '⑴' as u32 + 1),
                '㉑'..='㉟' => Some(c as u32 - '㉑' as u32 + 21),
                _ => None,
            };
            if let Some(n) = enclosed {
                parts.push(n);
                continue;
            }
            let separator = matches!(
                c,
                '-' | '－'
                    | '–'
                    | '—'
                    | '―'
                    | '‐'
                    | 'ー'
                    | '('
                    | ')'
                    | '（'
                    | '）'
                    | ' '
                    | '\u{3000}'
                    | '.'
                    | '．'
            );
            if !separator {
                return None;
            }
        }
        if let Some(n) = current {
            parts.push(n);
        }
        (!parts.is_empty() && parts.len() <= 8).then_some(ActionKey(parts))
    }
}

/// An action item report (アクション項目) for one fiscal year.
#[derive(Debug, Clone)]
pub struct Action {
    /// Fiscal year reported on.
    pub fiscal_year: FiscalYear,
    /// 項目番号 as written.
    pub number: String,
    /// Normalised sort key.
    pub key: ActionKey,
    /// 実施項目.
    pub title: String,
    /// Position in a plan.
    pub plan: Option<PlanRef>,
    /// 主管課.
    pub owners: Vec<Owner>,
    /// Narrative sections.
    pub sections: Vec<Section>,
    /// 目指す姿.
    pub goal: Option<Goal>,
    /// 取組内容.
    pub measures: Vec<Measure>,
    /// 総括評価.
    pub evaluation: Option<String>,
    /// Source file.
    pub source: String,
}

/// 目指す姿 and its KPI.
#[derive(Debug, Clone)]
pub struct Goal {
    /// Text.
    pub text: String,
    /// KPI.
    pub kpi: Option<Indicator>,
}

/// A measure (取組内容).
#[derive(Debug, Clone)]
pub struct Measure {
    /// 取組の内容.
    pub title: String,
    /// Plan per year (検討/導入/実施 …).
    pub schedule: YearMap<String>,
    /// 進捗状況.
    pub progress: Option<Progress>,
    /// 実施内容.
    pub work: Option<String>,
    /// 次年度に向けた改善点.
    pub improvement: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_numbers_from_the_seeds_normalise() {
        for (written, key) in [
            ("1-(1)", vec![1, 1]),
            ("1-2", vec![1, 2]),
            ("2 - 1", vec![2, 1]),
            ("2-(2)", vec![2, 2]),
            ("2-④", vec![2, 4]),
            ("3-⑤", vec![3, 5]),
            ("5 – ②", vec![5, 2]),
            ("５－１０", vec![5, 10]),
            ("1-⑴", vec![1, 1]),
            ("12", vec![12]),
        ] {
            assert_eq!(ActionKey::parse(written), Some(ActionKey(key)), "{written}");
        }
        assert_eq!(ActionKey::parse("3-⑤").unwrap().slug(), "3-5");
    }

    #[test]
    fn action_numbers_reject_words_and_path_tricks() {
        for bad in ["", "-", "a-1", "1/2", "../1", "1-X", "99999999999"] {
            assert_eq!(ActionKey::parse(bad), None, "{bad}");
        }
        assert!(ActionKey::parse("1-(1)") < ActionKey::parse("1-2"));
        assert!(ActionKey::parse("2-4") < ActionKey::parse("10-1"));
    }
}
