//! How numbers, cells, money, years and 達成状況 read on a page. Every figure a template shows is
//! formatted here, by functions with unit tests, so templates only lay text out.
//!
//! The four meanings of a cell stay visibly different: a number (0 included) shows the number, a
//! 「－」 shows 「－」 with 「該当なし」 for screen readers, a blank shows 「未記入」, and words show
//! the words.

use crate::compute::{self, Assessment, Formula, Grade, Unassessed};
use crate::fiscal_year::FiscalYear;
use crate::model::{Direction, Indicator, Progress};
use crate::value::{Amount, MoneyUnit, Number, Value};
use serde::Serialize;
use std::borrow::Cow;

/// The text a blank cell shows.
pub const BLANK_TEXT: &str = "未記入";
/// What a 「－」 cell means, read out and shown on hover.
pub const DASH_LABEL: &str = "該当なし";

/// One formatted value cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellView {
    /// What the cell holds: `number`, `dash`, `blank` or `words`.
    pub kind: &'static str,
    /// The visible text: 「2,700」「－」「未記入」「実施」 (the fixed ones not copied).
    pub text: Cow<'static, str>,
    /// The unit after a number: 「人」; empty otherwise.
    pub unit: String,
    /// What a 「－」 or blank means, for screen readers and the tooltip; empty otherwise.
    pub label: &'static str,
    /// A note the sheet attached to the value.
    pub note: Option<String>,
}

impl CellView {
    fn number(n: Number, unit: &str) -> CellView {
        CellView {
            kind: "number",
            text: Cow::Owned(n.grouped()),
            unit: unit.to_string(),
            label: "",
            note: None,
        }
    }

    fn dash() -> CellView {
        CellView {
            kind: "dash",
            text: Cow::Borrowed("－"),
            unit: String::new(),
            label: DASH_LABEL,
            note: None,
        }
    }

    fn blank(label: &'static str) -> CellView {
        CellView {
            kind: "blank",
            text: Cow::Borrowed(BLANK_TEXT),
            unit: String::new(),
            label,
            note: None,
        }
    }

    /// The cell as plain text, as a screen reader would read it: 「2,700人」「該当なし」.
    pub fn plain(&self) -> String {
        match self.kind {
            "dash" => self.label.to_string(),
            _ => format!("{}{}", self.text, self.unit),
        }
    }

    /// Attaches a note.
    pub fn with_note(mut self, note: Option<&String>) -> CellView {
        self.note = note.cloned();
        self
    }
}

/// Formats a value with its unit after a number: 2700 人 → 「2,700人」.
pub fn value(v: &Value, unit: Option<&str>) -> CellView {
    match v {
        Value::Measured(n) => CellView::number(*n, unit.unwrap_or("")),
        Value::NotApplicable => CellView::dash(),
        Value::NotReported => CellView::blank("未記入（空欄）"),
        Value::Qualitative(s) => CellView {
            kind: "words",
            text: Cow::Owned(s.clone()),
            unit: String::new(),
            label: "",
            note: None,
        },
    }
}

/// Formats money in the sheet's unit: 255,615,000 円 in 千円 → 「255,615千円」.
pub fn money(a: Amount, unit: MoneyUnit) -> CellView {
    match a {
        Amount::Yen(y) => CellView::number(y.in_unit(unit), unit.label()),
        Amount::NotApplicable => CellView::dash(),
        Amount::NotReported => CellView::blank("未記入（空欄）"),
    }
}

/// 増加 / 減少 / 維持.
pub fn direction(d: Direction) -> &'static str {
    match d {
        Direction::Up => "増加",
        Direction::Down => "減少",
        Direction::Keep => "維持",
    }
}

/// The direction as a short phrase for pages: 「増加を目指す」.
pub fn direction_phrase(d: Direction) -> String {
    format!("{}を目指す", direction(d))
}

/// A year in the form pages use: 「令和6年度（2024年度）」.
pub fn year(y: FiscalYear) -> String {
    y.long_label()
}

/// A year that may be missing: 「令和4年度」 or empty.
pub fn year_short(y: Option<FiscalYear>) -> String {
    y.map(FiscalYear::wareki).unwrap_or_default()
}

/// A percentage with one decimal, as computed: 「87.6%」.
pub fn percent(display: &str) -> String {
    format!("{display}%")
}

/// The symbol each unassessed state shows, next to its word.
pub fn unassessed_mark(u: Unassessed) -> &'static str {
    match u {
        Unassessed::NotMeasured => "□",
        Unassessed::NotApplicable => "－",
        Unassessed::NotAssessable => "／",
    }
}

/// 達成率 and 達成状況 of one indicator in one year, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentView {
    /// 「87.6%」; `None` when there is no rate (unassessed, 維持, comparisons).
    pub rate: Option<String>,
    /// Why there is no rate, in words, when there is none: 「未測定」「率なし（比較のみ）」.
    pub no_rate: &'static str,
    /// `achieved`, `not-achieved` or `unassessed` (a CSS class; never the only signal).
    pub state: &'static str,
    /// The mark: 「◎」「○」「□」.
    pub mark: Cow<'static, str>,
    /// The grade or state in words: 「概ね達成（80%以上）」「未測定」.
    pub label: Cow<'static, str>,
    /// Whether the target is met, in words (「目標未達成」), when the grade's label does not say it
    /// already (「概ね達成（80%以上）」 needs it; 「目標達成」「未達成」 do not); empty when
    /// unassessed.
    pub verdict: &'static str,
    /// The formula used, when assessed.
    pub formula: Option<&'static str>,
    /// The footnote number of the formula on the page (set by the page).
    pub formula_ref: Option<usize>,
    /// The final target compared against, in words (「令和9年度の最終目標」), when the year has
    /// no target of its own.
    pub final_target: Option<String>,
    /// `formula` as the enum, to number footnotes.
    #[serde(skip)]
    pub formula_kind: Option<Formula>,
}

impl AssessmentView {
    /// The whole 達成状況 as one line of text: 「○ 概ね達成（80%以上）・目標未達成」.
    pub fn summary(&self) -> String {
        if self.verdict.is_empty() {
            format!("{} {}", self.mark, self.label)
        } else {
            format!("{} {}・{}", self.mark, self.label, self.verdict)
        }
    }
}

/// Formats an assessment with the grades it is judged by.
pub fn assessment(a: &Assessment, grades: &[Grade]) -> AssessmentView {
    match a {
        Assessment::Unassessed(u) => AssessmentView {
            rate: None,
            no_rate: u.label(),
            state: "unassessed",
            mark: Cow::Borrowed(unassessed_mark(*u)),
            label: Cow::Borrowed(u.label()),
            verdict: "",
            formula: None,
            formula_ref: None,
            final_target: None,
            formula_kind: None,
        },
        Assessment::Assessed {
            achieved,
            formula,
            source,
            ..
        } => {
            let g = compute::grade(a, grades);
            let verdict = if *achieved {
                "目標達成"
            } else {
                "目標未達成"
            };
            let label: Cow<'static, str> =
                g.map_or(Cow::Borrowed(verdict), |g| Cow::Owned(g.label.clone()));
            AssessmentView {
                rate: a.rate_display().map(|r| percent(&r)),
                no_rate: match formula {
                    Formula::WithinTolerance => "率なし（許容幅で判定）",
                    _ => "率なし（比較のみ）",
                },
                state: if *achieved {
                    "achieved"
                } else {
                    "not-achieved"
                },
                mark: g.map_or(Cow::Borrowed(""), |g| Cow::Owned(g.mark.clone())),
                // 「概ね達成」 is not achieved: say so, unless the grade's own words already do.
                verdict: if label.contains("未達成") != *achieved && label.contains("達成") {
                    ""
                } else {
                    verdict
                },
                label,
                formula: Some(formula.label()),
                formula_ref: None,
                final_target: source.final_label(),
                formula_kind: Some(*formula),
            }
        }
    }
}

/// Assesses and formats an indicator for a year under the given settings and their grades.
pub fn assess(
    ind: &Indicator,
    y: FiscalYear,
    config: &crate::model::AchievementConfig,
) -> AssessmentView {
    assessment(&compute::assess(ind, y, config), &config.grades)
}

/// 進捗状況 in words.
pub fn progress(p: Progress) -> &'static str {
    match p {
        Progress::Achieved => "達成",
        Progress::OnTrack => "順調",
        Progress::MostlyOnTrack => "概ね順調",
        Progress::Delayed => "遅延",
        Progress::NotStarted => "未着手",
        Progress::Cancelled => "中止",
    }
}

/// The mark shown before a 進捗状況 word, so that the state never rests on colour.
pub fn progress_mark(p: Progress) -> &'static str {
    match p {
        Progress::Achieved => "◎",
        Progress::OnTrack => "○",
        Progress::MostlyOnTrack => "△",
        Progress::Delayed => "×",
        Progress::NotStarted => "□",
        Progress::Cancelled => "－",
    }
}

/// A share in percent with one decimal, rounded half-up: 1 of 3 → 「33.3%」; `None` of nothing.
pub fn share(part: usize, whole: usize) -> Option<String> {
    if whole == 0 {
        return None;
    }
    let r = rust_decimal::Decimal::from(part) * rust_decimal::Decimal::ONE_HUNDRED
        / rust_decimal::Decimal::from(whole);
    Some(percent(&compute::round1(r).to_string()))
}

/// A count with thousands separators: 「1,234」.
pub fn count(n: usize) -> String {
    Number::from_i64(i64::try_from(n).unwrap_or(i64::MAX)).grouped()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AchievementConfig, YearEntry};
    use crate::value::Yen;

    fn fy(y: i64) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn num(s: &str) -> Value {
        Value::Measured(s.parse().unwrap())
    }

    #[test]
    fn the_four_cells_read_differently() {
        let n = value(&num("3083"), Some("人"));
        assert_eq!((n.kind, n.plain().as_str()), ("number", "3,083人"));
        let z = value(&num("0"), Some("件"));
        assert_eq!(z.plain(), "0件");
        let d = value(&Value::NotApplicable, Some("件"));
        assert_eq!(
            (d.kind, &*d.text, d.plain().as_str()),
            ("dash", "－", "該当なし")
        );
        let b = value(&Value::NotReported, Some("件"));
        assert_eq!((b.kind, &*b.text), ("blank", "未記入"));
        let w = value(&Value::Qualitative("実施".into()), Some("件"));
        assert_eq!((w.kind, w.plain().as_str()), ("words", "実施"));
        assert_eq!(value(&num("85.0"), Some("%")).plain(), "85.0%");
    }

    #[test]
    fn money_is_shown_in_the_sheets_unit() {
        let m = money(Amount::Yen(Yen(255_615_000)), MoneyUnit::ThousandYen);
        assert_eq!(m.plain(), "255,615千円");
        assert_eq!(
            money(Amount::Yen(Yen(0)), MoneyUnit::ThousandYen).plain(),
            "0千円"
        );
        assert_eq!(
            money(Amount::Yen(Yen(1500)), MoneyUnit::ThousandYen).plain(),
            "1.5千円"
        );
        assert_eq!(
            money(Amount::Yen(Yen(1_592_000)), MoneyUnit::Yen).plain(),
            "1,592,000円"
        );
        assert_eq!(money(Amount::NotReported, MoneyUnit::Yen).text, "未記入");
        assert_eq!(money(Amount::NotApplicable, MoneyUnit::Yen).kind, "dash");
    }

    #[test]
    fn years_directions_and_shares() {
        assert_eq!(year(fy(2024)), "令和6年度（2024年度）");
        assert_eq!(year(fy(2019)), "令和元年度（2019年度）");
        assert_eq!(year_short(Some(fy(2027))), "令和9年度");
        assert_eq!(year_short(None), "");
        assert_eq!(direction(Direction::Down), "減少");
        assert_eq!(direction_phrase(Direction::Keep), "維持を目指す");
        assert_eq!(share(1, 3).as_deref(), Some("33.3%"));
        assert_eq!(share(2, 3).as_deref(), Some("66.7%"));
        assert_eq!(share(0, 0), None);
        assert_eq!(share(4, 4).as_deref(), Some("100.0%"));
        assert_eq!(count(12345), "12,345");
    }

    fn tenshutsu() -> Indicator {
        Indicator {
            id: "転出者数".into(),
            name: "転出者数".into(),
            unit: Some("人".into()),
            kind: None,
            direction: Direction::Down,
            baseline: None,
            targets: crate::year_map::YearMap::new(),
            actuals: crate::year_map::YearMap::from([(
                fy(2024),
                crate::model::Entry {
                    value: num("3083"),
                    note: None,
                },
            )]),
            final_target: Some(YearEntry {
                value: num("2700"),
                year: Some(fy(2027)),
                note: None,
            }),
            method: None,
            tolerance_percent: None,
            note: None,
        }
    }

    #[test]
    fn fewer_is_better_reads_as_not_achieved() {
        let v = assess(&tenshutsu(), fy(2024), &AchievementConfig::default());
        assert_eq!(v.rate.as_deref(), Some("87.6%"));
        assert_eq!(v.state, "not-achieved");
        assert_eq!(v.mark, "○");
        assert_eq!(v.verdict, "目標未達成");
        assert_eq!(v.final_target.as_deref(), Some("令和9年度の最終目標"));
        assert_eq!(v.formula, Some("目標値 ÷ 実績値"));
        assert_eq!(v.summary(), "○ 概ね達成（80%以上）・目標未達成");
    }

    #[test]
    fn unassessed_states_have_words_and_marks_never_zero() {
        let mut i = tenshutsu();
        i.actuals.clear();
        let v = assess(&i, fy(2024), &AchievementConfig::default());
        assert_eq!((&*v.mark, &*v.label), ("□", "未測定"));
        assert_eq!(v.rate, None);
        assert_eq!(v.summary(), "□ 未測定");
        i.final_target = None;
        i.targets.insert(
            fy(2024),
            crate::model::Entry {
                value: Value::NotApplicable,
                note: None,
            },
        );
        let v = assess(&i, fy(2024), &AchievementConfig::default());
        assert_eq!((&*v.mark, &*v.label), ("－", "該当なし"));
        assert_eq!(unassessed_mark(Unassessed::NotAssessable), "／");
    }

    #[test]
    fn verdicts_are_not_repeated() {
        let mut i = tenshutsu();
        i.actuals.get_mut(&fy(2024)).unwrap().value = num("2500");
        let v = assess(&i, fy(2024), &AchievementConfig::default());
        assert_eq!((v.summary().as_str(), v.state), ("◎ 目標達成", "achieved"));
        i.actuals.get_mut(&fy(2024)).unwrap().value = num("6000");
        let v = assess(&i, fy(2024), &AchievementConfig::default());
        assert_eq!(v.summary(), "× 未達成");
        assert_eq!(v.state, "not-achieved");
    }

    #[test]
    fn progress_has_a_mark_and_a_word() {
        assert_eq!(progress(Progress::OnTrack), "順調");
        assert_eq!(progress_mark(Progress::NotStarted), "□");
    }
}
