//! Inputs found by the fuzz targets in `fuzz/` (see fuzz/README.md), kept as plain tests so that
//! `cargo test` replays them without a fuzzer.
//!
//! Each test names the target that found it. The indicator tests build values through the parser
//! (`"…".parse::<Number>()`), as the loader does; should the parser come to reject such a value,
//! the input can no longer reach `assess` and the test passes trivially.

use kohyo::compute::{self, Assessment, Formula, Unassessed};
use kohyo::fiscal_year::FiscalYear;
use kohyo::model::{AchievementConfig, Direction, Entry, Indicator, Method, YearEntry};
use kohyo::value::{Number, Value};

fn fy(y: i64) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

/// A value as the loader would read it; `None` when the parser rejects the text.
fn cell(text: &str) -> Option<Value> {
    text.parse::<Number>().ok().map(Value::Measured)
}

fn indicator(direction: Direction, target: Value, actual: Value) -> Indicator {
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
        targets: [(fy(2024), e(target))].into(),
        actuals: [(fy(2024), e(actual))].into(),
        final_target: None,
        method: None,
        tolerance_percent: None,
        note: None,
    }
}

fn assess(ind: &Indicator) -> Assessment {
    compute::assess(ind, fy(2024), &AchievementConfig::default())
}

/// A rate as shown: digits, a point, one digit.
fn shows_one_decimal(shown: &str) -> bool {
    let Some((int, frac)) = shown.trim_start_matches('-').split_once('.') else {
        return false;
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() == 1
        && frac.bytes().all(|b| b.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// Invariants the fuzz targets check, on the extreme values they found; these hold today.

/// achievement: 27-digit and 1e-26 values in every direction never panic, and 増加/減少 are judged
/// by plain comparison whatever the rate does.
#[test]
fn extreme_values_are_compared_not_panicked_on() {
    let values = [
        "999999999999999999999999999",
        "-999999999999999999999999999",
        "999999999999999999999999998",
        "0.00000000000000000000000001",
        "-0.00000000000000000000000002",
        "5550",
        "0",
        "0.000",
    ];
    for t in values {
        for a in values {
            let (tv, av) = (cell(t).unwrap(), cell(a).unwrap());
            let (tn, an) = (tv.number().unwrap(), av.number().unwrap());
            for d in [Direction::Up, Direction::Down, Direction::Keep] {
                let r = assess(&indicator(d, tv.clone(), av.clone()));
                let _ = compute::grade(&r, &compute::default_grades());
                if let Some(shown) = r.rate_display() {
                    assert!(shown.parse::<f64>().is_ok_and(f64::is_finite), "{shown}");
                }
                match d {
                    Direction::Up => assert!(
                        matches!(r, Assessment::Assessed { achieved, .. } if achieved == (an >= tn)),
                        "増加 {t} / {a}: {r:?}"
                    ),
                    Direction::Down => assert!(
                        matches!(r, Assessment::Assessed { achieved, .. } if achieved == (an <= tn)),
                        "減少 {t} / {a}: {r:?}"
                    ),
                    Direction::Keep => {}
                }
            }
        }
    }
}

/// achievement: blank, 「－」 and words stay states next to extreme numbers.
#[test]
fn states_next_to_extreme_numbers() {
    let huge = cell("999999999999999999999999999").unwrap();
    let s = |t: Value, a: Value| assess(&indicator(Direction::Down, t, a));
    assert_eq!(
        s(huge.clone(), Value::NotReported),
        Assessment::Unassessed(Unassessed::NotMeasured)
    );
    assert_eq!(
        s(Value::NotApplicable, Value::NotReported),
        Assessment::Unassessed(Unassessed::NotApplicable)
    );
    assert_eq!(
        s(huge.clone(), Value::NotApplicable),
        Assessment::Unassessed(Unassessed::NotApplicable)
    );
    assert_eq!(
        s(Value::Qualitative("実施".into()), huge),
        Assessment::Unassessed(Unassessed::NotAssessable)
    );
}

// ---------------------------------------------------------------------------------------------
// Found by the achievement target on 033e7ca and fixed in 55f953e: `percent` multiplied by 100
// before dividing, the 維持 band multiplied |target| by the tolerance before dividing by 100, and
// `round1` could not add the decimal place to a rate of 29 digits. Each overflowed rust_decimal
// (max ≈ 7.9e28) on values the parser accepts (27 digits), and the first is reachable from a
// content file: targets = { R6 = "999999999999999999999999999" } with one less as the actual passed
// `kohyo check` and was graded × instead of ○.

/// achievement: 増加, target 999…999 (27 digits), actual one less. The rate is 99.99…% (shown
/// 100.0), not achieved, so ○ (80% or more); `percent` overflows on actual × 100, the rate is
/// lost, the formula still says 実績値 ÷ 目標値, and the grade falls to ×.
#[test]
fn ratio_keeps_its_rate_near_the_largest_values() {
    let (Some(t), Some(a)) = (
        cell("999999999999999999999999999"),
        cell("999999999999999999999999998"),
    ) else {
        return;
    };
    let r = assess(&indicator(Direction::Up, t, a));
    assert!(!r.achieved());
    assert!(
        matches!(
            r,
            Assessment::Assessed {
                rate: Some(_),
                formula: Formula::ActualOverTarget,
                ..
            }
        ),
        "{r:?}"
    );
    assert_eq!(
        compute::grade(&r, &compute::default_grades()).unwrap().mark,
        "○"
    );
}

/// achievement: 減少 by progress, baseline 999…999 (27 digits), target 1, actual 0: past the
/// target, so achieved; (baseline − actual) × 100 overflows and the indicator becomes 評価なし.
#[test]
fn progress_is_assessed_from_a_27_digit_baseline() {
    let (Some(b), Some(t), Some(a)) = (cell("999999999999999999999999999"), cell("1"), cell("0"))
    else {
        return;
    };
    let mut ind = indicator(Direction::Down, t, a);
    ind.method = Some(Method::Progress);
    ind.baseline = Some(YearEntry {
        value: b,
        year: Some(fy(2022)),
        note: None,
    });
    let r = assess(&ind);
    assert!(r.achieved(), "{r:?}");
}

/// achievement: 維持 with target = actual = 999…999 (27 digits) and a tolerance of 100%: the
/// actual equals the target, so achieved; |target| × 100 overflows and it becomes 評価なし.
#[test]
fn keep_band_is_computed_for_a_27_digit_target() {
    let Some(v) = cell("999999999999999999999999999") else {
        return;
    };
    let mut ind = indicator(Direction::Keep, v.clone(), v);
    ind.tolerance_percent = Some(100.0);
    let r = assess(&ind);
    assert!(r.achieved(), "{r:?}");
}

/// achievement: 増加, target 0.00000000000000000000000001, actual 1: the rate is 1e28 %, 29 digits;
/// `round1` cannot rescale it to one decimal, so it shows as "10000000000000000000000000000",
/// without the ".0" every other rate has.
#[test]
fn a_huge_rate_still_shows_one_decimal() {
    let (Some(t), Some(a)) = (cell("0.00000000000000000000000001"), cell("1")) else {
        return;
    };
    let r = assess(&indicator(Direction::Up, t, a));
    if let Some(shown) = r.rate_display() {
        assert!(shows_one_decimal(&shown), "rate shown as {shown:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// These wait on a fix in src/compute.rs `rate`: even dividing first, a rate above ≈ 7.9e28 % does
// not fit rust_decimal. The ratio branches then return a ratio formula with no rate, and the
// progress branch's `percent(…)?` turns the whole assessment into 評価なし. Falling back to
// Formula::Comparison (achieved is already known) when `percent` gives `None` fixes both.

/// achievement: 増加, target 0.1, actual 999…999 (27 digits): achieved, but the rate (≈ 1e30 %)
/// does not fit, and the result still claims 実績値 ÷ 目標値 with no rate to show.
#[test]
fn an_unrepresentable_ratio_is_a_comparison() {
    let (Some(t), Some(a)) = (cell("0.1"), cell("999999999999999999999999999")) else {
        return;
    };
    let r = assess(&indicator(Direction::Up, t, a));
    assert!(r.achieved(), "{r:?}");
    assert!(
        matches!(
            r,
            Assessment::Assessed { rate: Some(_), .. }
                | Assessment::Assessed {
                    formula: Formula::Comparison,
                    ..
                }
        ),
        "a ratio formula without a rate: {r:?}"
    );
}

/// achievement: 減少 by progress, baseline 0, target −0.00000000000000000000000001, actual −1000:
/// past the target, so achieved; (0 + 1000) ÷ 1e-26 × 100 does not fit, `percent(…)?` returns
/// early and the indicator becomes 評価なし.
#[test]
fn an_unrepresentable_progress_is_still_assessed() {
    let (Some(b), Some(t), Some(a)) = (
        cell("0"),
        cell("-0.00000000000000000000000001"),
        cell("-1000"),
    ) else {
        return;
    };
    let mut ind = indicator(Direction::Down, t, a);
    ind.method = Some(Method::Progress);
    ind.baseline = Some(YearEntry {
        value: b,
        year: Some(fy(2022)),
        note: None,
    });
    let r = assess(&ind);
    assert!(r.achieved(), "{r:?}");
}
