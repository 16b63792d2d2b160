//! 達成率 and 達成状況: how an indicator did in a fiscal year, computed from its direction, target,
//! actual and (optionally) baseline.
//!
//! The rules, also shown on the site's legend page:
//! - 増加 (more is better): 達成率 = 実績値 ÷ 目標値.
//! - 減少 (fewer is better): 達成率 = 目標値 ÷ 実績値 (method "ratio", the default), or the progress
//!   from the baseline (現状値 − 実績値) ÷ (現状値 − 目標値) (method "progress"). 転出者数 with target
//!   2,700 and actual 3,083 is 87.6%, not achieved — never 114%.
//! - 維持 (keep the level): achieved when the actual is within ± tolerance % of the target; no rate.
//! - The target of a year is that year's 目標値; when the sheet gives none, the final target
//!   (最終目標値, with its own year) is used, and the result says so.
//! - A blank actual is 未測定, a 「－」 is 該当なし, and a target or actual in words, or a ratio that
//!   does not exist (target 0 for 増加), is 評価なし. None of them is ever a computed 0%.
//!
//! Rates are exact decimals, rounded half-up to one decimal place only for display.

use crate::fiscal_year::FiscalYear;
use crate::model::{AchievementConfig, Direction, Indicator, Method};
use crate::value::{Number, Value};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// Which formula produced a rate, for the page and the CSV to state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    /// 実績値 ÷ 目標値 (増加).
    ActualOverTarget,
    /// 目標値 ÷ 実績値 (減少, ratio).
    TargetOverActual,
    /// (現状値 − 実績値) ÷ (現状値 − 目標値) (減少, progress).
    ProgressFromBaseline,
    /// |実績値 − 目標値| ≤ 許容幅 (維持).
    WithinTolerance,
    /// A comparison only (a zero or negative target or actual makes a ratio meaningless).
    Comparison,
}

impl Formula {
    /// The formula in words, as shown on pages.
    pub fn label(self) -> &'static str {
        match self {
            Formula::ActualOverTarget => "実績値 ÷ 目標値",
            Formula::TargetOverActual => "目標値 ÷ 実績値",
            Formula::ProgressFromBaseline => "（現状値 − 実績値）÷（現状値 − 目標値）",
            Formula::WithinTolerance => "目標値との差が許容幅以内なら達成",
            Formula::Comparison => "実績値と目標値の比較",
        }
    }
}

/// Why an indicator has no rate this year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unassessed {
    /// 未測定: the actual is blank.
    NotMeasured,
    /// 該当なし: the actual or the target is 「－」.
    NotApplicable,
    /// 評価なし: no target, a target or actual in words, or no meaningful comparison.
    NotAssessable,
}

impl Unassessed {
    /// The state's name.
    pub fn label(self) -> &'static str {
        match self {
            Unassessed::NotMeasured => "未測定",
            Unassessed::NotApplicable => "該当なし",
            Unassessed::NotAssessable => "評価なし",
        }
    }
}

/// How an indicator did in one fiscal year.
#[derive(Debug, Clone, PartialEq)]
pub enum Assessment {
    /// Target and actual are both numbers.
    Assessed {
        /// The target compared against.
        target: Number,
        /// Which target that is: this year's, or the final target (最終目標値).
        source: TargetSource,
        /// The actual.
        actual: Number,
        /// 達成率 in percent, exact; `None` where the formula gives none (維持, comparisons).
        rate: Option<Decimal>,
        /// Whether the target is met.
        achieved: bool,
        /// The formula used.
        formula: Formula,
    },
    /// No rate, and why.
    Unassessed(Unassessed),
}

impl Assessment {
    /// The rate rounded half-up to one decimal, as shown: `87.6`.
    pub fn rate_display(&self) -> Option<String> {
        match self {
            Assessment::Assessed { rate: Some(r), .. } => {
                let shown = round1(*r).to_string();
                // A rate of 29 digits cannot take a decimal place inside the type; show it anyway.
                Some(if shown.contains('.') {
                    shown
                } else {
                    format!("{shown}.0")
                })
            }
            _ => None,
        }
    }

    /// Whether the target is met (`false` for every unassessed state).
    pub fn achieved(&self) -> bool {
        matches!(self, Assessment::Assessed { achieved: true, .. })
    }
}

/// Rounds half-up (四捨五入) to one decimal place, keeping the decimal: 87.57 → 87.6, 100 → 100.0.
pub fn round1(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(1);
    r
}

/// Which of a sheet's targets a year is compared against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetSource {
    /// The year's own 目標値.
    OfYear,
    /// The final target (最終目標値), because the year has none; with the year the sheet gives
    /// it, or `None` when the sheet states no year for it.
    Final(Option<FiscalYear>),
}

impl TargetSource {
    /// The final target in words, 「令和9年度の最終目標」 or 「年度の記載のない最終目標」;
    /// `None` for the year's own target.
    pub fn final_label(self) -> Option<String> {
        match self {
            TargetSource::OfYear => None,
            TargetSource::Final(Some(y)) => Some(format!("{}の最終目標", y.wareki())),
            TargetSource::Final(None) => Some("年度の記載のない最終目標".to_string()),
        }
    }
}

/// The target an assessment of `year` compares against: that year's 目標値, or else the final
/// target, with where it came from.
pub fn target_for(ind: &Indicator, year: FiscalYear) -> (Value, TargetSource) {
    match ind.targets.get(&year) {
        Some(e) if !e.value.is_not_reported() => (e.value.clone(), TargetSource::OfYear),
        _ => match &ind.final_target {
            Some(f) => (f.value.clone(), TargetSource::Final(f.year)),
            None => (Value::NotReported, TargetSource::OfYear),
        },
    }
}

/// Assesses an indicator for a fiscal year under the site's settings.
pub fn assess(ind: &Indicator, year: FiscalYear, config: &AchievementConfig) -> Assessment {
    let (target, source) = target_for(ind, year);
    let actual = ind.actual(year);
    let (t, a) = match (&target, actual) {
        (_, Value::NotApplicable) | (Value::NotApplicable, _) => {
            return Assessment::Unassessed(Unassessed::NotApplicable);
        }
        (_, Value::NotReported) => return Assessment::Unassessed(Unassessed::NotMeasured),
        (Value::Measured(t), Value::Measured(a)) => (*t, *a),
        _ => return Assessment::Unassessed(Unassessed::NotAssessable),
    };
    let method = ind.method.unwrap_or(config.method);
    let tolerance = ind.tolerance_percent.unwrap_or(config.tolerance_percent);
    let baseline = ind.baseline.as_ref().and_then(|b| b.value.number());
    let Some((rate, achieved, formula)) = rate(ind.direction, method, t, a, baseline, tolerance)
    else {
        return Assessment::Unassessed(Unassessed::NotAssessable);
    };
    Assessment::Assessed {
        target: t,
        source,
        actual: a,
        rate,
        achieved,
        formula,
    }
}

/// `num ÷ den × 100`. Multiplying first keeps the most precision; near the top of the decimal
/// range (about 7.9e28, reachable with 27-digit values) that overflows, so divide first instead.
fn percent(num: Decimal, den: Decimal) -> Option<Decimal> {
    num.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|n| n.checked_div(den))
        .or_else(|| num.checked_div(den)?.checked_mul(Decimal::ONE_HUNDRED))
}

/// `value × percent ÷ 100`, with the same fallback as [`percent`].
fn part_of(value: Decimal, percent: Decimal) -> Option<Decimal> {
    value
        .checked_mul(percent)
        .map(|v| v / Decimal::ONE_HUNDRED)
        .or_else(|| (value / Decimal::ONE_HUNDRED).checked_mul(percent))
}

/// The rate, whether achieved, and the formula; `None` when no comparison is meaningful.
fn rate(
    direction: Direction,
    method: Method,
    target: Number,
    actual: Number,
    baseline: Option<Number>,
    tolerance_percent: f64,
) -> Option<(Option<Decimal>, bool, Formula)> {
    let (t, a) = (target.decimal(), actual.decimal());
    let positive = t > Decimal::ZERO && a >= Decimal::ZERO;
    // A ratio that does not fit the decimal type (beyond about 7.9e28 %) is reported as a
    // comparison: whether the target was met is known without it.
    let ratio = |r: Option<Decimal>, achieved: bool, formula: Formula| match r {
        Some(r) => (Some(r), achieved, formula),
        None => (None, achieved, Formula::Comparison),
    };
    match direction {
        Direction::Up => {
            let achieved = a >= t;
            if positive {
                Some(ratio(percent(a, t), achieved, Formula::ActualOverTarget))
            } else {
                Some((None, achieved, Formula::Comparison))
            }
        }
        Direction::Down => {
            let achieved = a <= t;
            if method == Method::Progress {
                let b = baseline?.decimal();
                if b == t {
                    return Some((None, achieved, Formula::Comparison));
                }
                let progress = b
                    .checked_sub(a)
                    .zip(b.checked_sub(t))
                    .and_then(|(done, whole)| percent(done, whole));
                return Some(ratio(progress, achieved, Formula::ProgressFromBaseline));
            }
            if positive && a > Decimal::ZERO {
                Some(ratio(percent(t, a), achieved, Formula::TargetOverActual))
            } else {
                // target 0 (苦情申立件数 0件) or actual 0: a ratio is 0 or infinite; compare instead.
                Some((None, achieved, Formula::Comparison))
            }
        }
        Direction::Keep => {
            let band = part_of(t.abs(), Decimal::from_f64_retain(tolerance_percent)?)?;
            let achieved = a.checked_sub(t)?.abs() <= band;
            Some((None, achieved, Formula::WithinTolerance))
        }
    }
}

/// A 達成状況 grade: the mark shown, its meaning, and the lowest rate that earns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    /// The mark: 「◎」「A」.
    pub mark: String,
    /// What it means: 「目標達成」.
    pub label: String,
    /// The lowest 達成率 (percent) for this grade; `None` for the grade of achieved targets.
    pub min_rate: Option<f64>,
}

/// The default grades (◎○△×): ◎ achieved; ○ 80% or more; △ 50% or more; × below 50%.
pub fn default_grades() -> Vec<Grade> {
    let g = |mark: &str, label: &str, min: Option<f64>| Grade {
        mark: mark.into(),
        label: label.into(),
        min_rate: min,
    };
    vec![
        g("◎", "目標達成", None),
        g("○", "概ね達成（80%以上）", Some(80.0)),
        g("△", "一部達成（50%以上）", Some(50.0)),
        g("×", "未達成", None),
    ]
}

/// The grade of an assessment: the achieved grade when the target is met, else the first grade
/// whose minimum the rate reaches. An assessment without a rate that is not achieved (維持 out of
/// band, a comparison) gets the lowest grade. Unassessed indicators have no grade.
pub fn grade<'g>(a: &Assessment, grades: &'g [Grade]) -> Option<&'g Grade> {
    let Assessment::Assessed { rate, achieved, .. } = a else {
        return None;
    };
    if *achieved {
        return grades.first();
    }
    let r = rate.and_then(|r| r.to_f64()).unwrap_or(f64::NEG_INFINITY);
    grades
        .iter()
        .skip(1)
        .find(|g| g.min_rate.is_some_and(|m| r >= m))
        .or_else(|| grades.last())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, YearEntry};

    fn fy(y: i64) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn num(s: &str) -> Value {
        Value::Measured(s.parse().unwrap())
    }

    fn ind(direction: Direction, target: Value, actual: Value) -> Indicator {
        let e = |v: Value| Entry {
            value: v,
            note: None,
        };
        Indicator {
            id: "x".into(),
            name: "x".into(),
            unit: Some("人".into()),
            kind: None,
            direction,
            baseline: None,
            targets: crate::year_map::YearMap::from([(fy(2024), e(target))]),
            actuals: crate::year_map::YearMap::from([(fy(2024), e(actual))]),
            final_target: None,
            method: None,
            tolerance_percent: None,
            note: None,
        }
    }

    fn cfg() -> AchievementConfig {
        AchievementConfig::default()
    }

    #[test]
    fn fewer_is_better_is_never_read_as_over_achievement() {
        // 転出者数: final target R9 2,700人, R6 actual 3,083人.
        let mut i = ind(Direction::Down, Value::NotReported, num("3083"));
        i.targets.clear();
        i.final_target = Some(YearEntry {
            value: num("2700"),
            year: Some(fy(2027)),
            note: None,
        });
        let a = assess(&i, fy(2024), &cfg());
        assert_eq!(a.rate_display().as_deref(), Some("87.6"));
        assert!(!a.achieved());
        assert!(
            matches!(a, Assessment::Assessed { source: TargetSource::Final(Some(y)), formula: Formula::TargetOverActual, .. } if y == fy(2027))
        );
        assert_eq!(grade(&a, &default_grades()).unwrap().mark, "○");
    }

    #[test]
    fn a_final_target_without_a_year_is_not_taken_for_the_years_own() {
        // A final target the sheet gives no year for, and no target for the year assessed.
        let mut i = ind(Direction::Up, Value::NotReported, num("30"));
        i.final_target = Some(YearEntry {
            value: num("40"),
            year: None,
            note: None,
        });
        assert_eq!(
            target_for(&i, fy(2024)),
            (num("40"), TargetSource::Final(None))
        );
        let a = assess(&i, fy(2024), &cfg());
        assert!(matches!(
            a,
            Assessment::Assessed {
                source: TargetSource::Final(None),
                ..
            }
        ));
        assert_eq!(
            TargetSource::Final(None).final_label().as_deref(),
            Some("年度の記載のない最終目標")
        );
        // With a target of its own, the year uses it.
        i.targets.get_mut(&fy(2024)).unwrap().value = num("35");
        assert_eq!(target_for(&i, fy(2024)), (num("35"), TargetSource::OfYear));
    }

    #[test]
    fn more_is_better() {
        let a = assess(&ind(Direction::Up, num("40"), num("30")), fy(2024), &cfg());
        assert_eq!(a.rate_display().as_deref(), Some("75.0"));
        assert_eq!(grade(&a, &default_grades()).unwrap().mark, "△");
        let a = assess(&ind(Direction::Up, num("2"), num("2")), fy(2024), &cfg());
        assert_eq!(a.rate_display().as_deref(), Some("100.0"));
        assert!(a.achieved());
        assert_eq!(grade(&a, &default_grades()).unwrap().mark, "◎");
        // 市税徴収率 97.91% → 98.36%: an actual of 98.00 is 99.6% of the target, not achieved.
        let a = assess(
            &ind(Direction::Up, num("98.36"), num("98.00")),
            fy(2024),
            &cfg(),
        );
        assert_eq!(a.rate_display().as_deref(), Some("99.6"));
        assert!(!a.achieved());
    }

    #[test]
    fn blank_dash_and_words_are_states_not_zero() {
        let s = |t: Value, a: Value| assess(&ind(Direction::Up, t, a), fy(2024), &cfg());
        assert_eq!(
            s(num("5"), Value::NotReported),
            Assessment::Unassessed(Unassessed::NotMeasured)
        );
        assert_eq!(
            s(num("5"), Value::NotApplicable),
            Assessment::Unassessed(Unassessed::NotApplicable)
        );
        assert_eq!(
            s(Value::NotApplicable, num("5")),
            Assessment::Unassessed(Unassessed::NotApplicable)
        );
        assert_eq!(
            s(Value::Qualitative("実施".into()), num("1")),
            Assessment::Unassessed(Unassessed::NotAssessable)
        );
        assert_eq!(
            s(Value::NotReported, num("1")),
            Assessment::Unassessed(Unassessed::NotAssessable)
        );
        // A measured zero is a real value: 0 of 5 is 0.0%, not a blank.
        let zero = s(num("5"), num("0"));
        assert_eq!(zero.rate_display().as_deref(), Some("0.0"));
        assert_eq!(grade(&zero, &default_grades()).unwrap().mark, "×");
    }

    #[test]
    fn zero_targets_compare_instead_of_dividing() {
        // 苦情申立件数 0件: actual 0 is achieved, with no rate.
        let a = assess(&ind(Direction::Down, num("0"), num("0")), fy(2024), &cfg());
        assert!(a.achieved());
        assert_eq!(a.rate_display(), None);
        // 360時間超過者数 target 0, actual 5: not achieved, lowest grade.
        let a = assess(&ind(Direction::Down, num("0"), num("5")), fy(2024), &cfg());
        assert!(!a.achieved());
        assert_eq!(grade(&a, &default_grades()).unwrap().mark, "×");
        // パブリック・コメントに対する意見数 baseline 0: an up target of 0 is met by anything ≥ 0.
        let a = assess(&ind(Direction::Up, num("0"), num("3")), fy(2024), &cfg());
        assert!(a.achieved());
        assert_eq!(a.rate_display(), None);
        // Actual 0 on a down indicator with a positive target: achieved, no infinite rate.
        let a = assess(&ind(Direction::Down, num("10"), num("0")), fy(2024), &cfg());
        assert!(a.achieved());
        assert_eq!(a.rate_display(), None);
    }

    #[test]
    fn keep_is_judged_within_the_tolerance_band() {
        let k = |a: &str| assess(&ind(Direction::Keep, num("61"), num(a)), fy(2024), &cfg());
        assert!(k("61").achieved());
        assert!(k("62.8").achieved()); // 61 × 3% = 1.83
        assert!(!k("62.9").achieved());
        assert!(k("59.17").achieved());
        assert_eq!(k("61").rate_display(), None);
        let mut i = ind(Direction::Keep, num("61"), num("62.9"));
        i.tolerance_percent = Some(5.0);
        assert!(assess(&i, fy(2024), &cfg()).achieved());
    }

    #[test]
    fn progress_from_the_baseline_when_configured() {
        // 市税収入未済額 109,829 → 83,194 千円; an actual of 96,511.5 is halfway.
        let mut i = ind(Direction::Down, num("83194"), num("96511.5"));
        i.baseline = Some(YearEntry {
            value: num("109829"),
            year: Some(fy(2022)),
            note: None,
        });
        let c = AchievementConfig {
            method: Method::Progress,
            ..cfg()
        };
        let a = assess(&i, fy(2024), &c);
        assert_eq!(a.rate_display().as_deref(), Some("50.0"));
        assert!(matches!(
            a,
            Assessment::Assessed {
                formula: Formula::ProgressFromBaseline,
                ..
            }
        ));
        // Per-indicator override back to ratio: 83194 / 96511.5 = 86.2%.
        i.method = Some(Method::Ratio);
        assert_eq!(
            assess(&i, fy(2024), &c).rate_display().as_deref(),
            Some("86.2")
        );
    }

    #[test]
    fn negative_and_huge_values_do_not_panic() {
        for (t, a) in [
            ("-5", "3"),
            ("5", "-3"),
            ("999999999999999999999999999", "0.0000000001"),
            ("0.0000000001", "999999999999999999999999999"),
            (
                "-999999999999999999999999999",
                "999999999999999999999999999",
            ),
        ] {
            for d in [Direction::Up, Direction::Down, Direction::Keep] {
                let _ = assess(&ind(d, num(t), num(a)), fy(2024), &cfg());
            }
        }
    }

    #[test]
    fn configured_grades_replace_the_marks_and_thresholds() {
        let g = |mark: &str, min: Option<f64>| Grade {
            mark: mark.into(),
            label: mark.into(),
            min_rate: min,
        };
        let sabc = vec![
            g("S", None),
            g("A", Some(90.0)),
            g("B", Some(70.0)),
            g("C", None),
        ];
        let mark = |t: &str, a: &str| {
            let x = assess(&ind(Direction::Up, num(t), num(a)), fy(2024), &cfg());
            grade(&x, &sabc).map(|g| g.mark.clone())
        };
        assert_eq!(mark("100", "100").as_deref(), Some("S"));
        assert_eq!(mark("100", "95").as_deref(), Some("A"));
        assert_eq!(mark("100", "90").as_deref(), Some("A"));
        assert_eq!(mark("100", "89.9").as_deref(), Some("B"));
        assert_eq!(mark("100", "10").as_deref(), Some("C"));
        // 転出者数 87.6% is B under these grades; 維持 out of band (no rate) takes the last.
        let mut t = ind(Direction::Down, Value::NotReported, num("3083"));
        t.targets.clear();
        t.final_target = Some(YearEntry {
            value: num("2700"),
            year: Some(fy(2027)),
            note: None,
        });
        assert_eq!(
            grade(&assess(&t, fy(2024), &cfg()), &sabc).unwrap().mark,
            "B"
        );
        let keep = assess(
            &ind(Direction::Keep, num("61"), num("70")),
            fy(2024),
            &cfg(),
        );
        assert_eq!(grade(&keep, &sabc).unwrap().mark, "C");
    }

    #[test]
    fn rounds_half_up() {
        assert_eq!(round1("87.55".parse().unwrap()).to_string(), "87.6");
        assert_eq!(round1("87.549".parse().unwrap()).to_string(), "87.5");
        assert_eq!(round1("100".parse().unwrap()).to_string(), "100.0");
    }
}
