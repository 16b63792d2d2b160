//! 達成率 and 達成状況: `compute::assess` and `compute::grade` on indicators built from arbitrary
//! values — zero, negative, 27-digit, tiny decimals, 「－」, blank and words — in every direction
//! and method.
//!
//! Invariants checked (beyond "never panics"):
//! - a 「－」 actual or effective target → 該当なし; else a blank actual → 未測定; else a target or
//!   actual in words, or no target at all → 評価なし;
//! - two numbers are always assessed (but 減少 by progress without a numeric baseline, and 維持
//!   with a tolerance that is no finite decimal);
//! - 増加: achieved == (actual ≥ target); 減少: achieved == (actual ≤ target);
//! - the target compared against is this year's 目標値 when given, else the final target, and
//!   `source` says which, with the final target's year as the sheet gives it (or none);
//! - a rate, when present, shows as `-?digits.digit`, a finite decimal;
//! - a ratio formula (実績値 ÷ 目標値, 目標値 ÷ 実績値, progress) comes with a rate;
//! - the grade: none when unassessed, the first grade when achieved, else the first grade whose
//!   minimum the rate reaches, else the last.

#![no_main]

use arbitrary::Arbitrary;
use kohyo::compute::{self, Assessment, Formula, Grade, TargetSource, Unassessed};
use kohyo::fiscal_year::FiscalYear;
use kohyo::model::{AchievementConfig, Direction, Entry, Indicator, Method, YearEntry};
use kohyo::value::{Number, Value};
use libfuzzer_sys::fuzz_target;

/// A number as a sheet may write it, always within what the parser accepts (≤ 27 digits).
#[derive(Arbitrary, Debug, Clone)]
enum Num {
    Zero,
    /// 0 with a written scale: 0.000.
    ZeroScaled(u8),
    Small(i32),
    /// 27 digits, the largest the parser accepts.
    Huge {
        negative: bool,
        digits: [u8; 27],
    },
    /// 0.000…d with up to 26 zeros.
    Tiny {
        negative: bool,
        digit: u8,
        zeros: u8,
    },
    /// Any digits, cut to 27 in all.
    Digits {
        negative: bool,
        int: Vec<u8>,
        frac: Vec<u8>,
    },
}

impl Num {
    fn text(&self) -> String {
        let d = |b: &u8| char::from(b'0' + b % 10);
        match self {
            Num::Zero => "0".into(),
            Num::ZeroScaled(s) => format!("0.{}", "0".repeat(usize::from(s % 26) + 1)),
            Num::Small(n) => n.to_string(),
            Num::Huge { negative, digits } => {
                let mut s: String = digits.iter().map(d).collect();
                s.replace_range(0..1, &char::from(b'1' + digits[0] % 9).to_string());
                if *negative { format!("-{s}") } else { s }
            }
            Num::Tiny {
                negative,
                digit,
                zeros,
            } => {
                let s = format!("0.{}{}", "0".repeat(usize::from(zeros % 26)), 1 + digit % 9);
                if *negative { format!("-{s}") } else { s }
            }
            Num::Digits {
                negative,
                int,
                frac,
            } => {
                let mut int: String = int.iter().take(27).map(d).collect();
                if int.is_empty() {
                    int.push('0');
                }
                let frac: String = frac.iter().take(27 - int.len()).map(d).collect();
                let s = if frac.is_empty() {
                    int
                } else {
                    format!("{int}.{frac}")
                };
                if *negative { format!("-{s}") } else { s }
            }
        }
    }

    fn number(&self) -> Number {
        let t = self.text();
        t.parse()
            .unwrap_or_else(|e| panic!("the parser rejects {t:?}: {e}"))
    }
}

#[derive(Arbitrary, Debug, Clone)]
enum Cell {
    Measured(Num),
    NotApplicable,
    NotReported,
    Qualitative,
}

impl Cell {
    fn value(&self) -> Value {
        match self {
            Cell::Measured(n) => Value::Measured(n.number()),
            Cell::NotApplicable => Value::NotApplicable,
            Cell::NotReported => Value::NotReported,
            Cell::Qualitative => Value::Qualitative("実施".into()),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Dir {
    Up,
    Down,
    Keep,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Meth {
    Ratio,
    Progress,
}

impl Meth {
    fn model(self) -> Method {
        match self {
            Meth::Ratio => Method::Ratio,
            Meth::Progress => Method::Progress,
        }
    }
}

/// A tolerance band: mostly what the validator lets through (0–100 %), sometimes any f64.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Tol {
    Valid(u16),
    Any(f64),
}

impl Tol {
    fn percent(self) -> f64 {
        match self {
            Tol::Valid(n) => f64::from(n % 10_001) / 100.0,
            Tol::Any(f) => f,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    direction: Dir,
    method: Option<Meth>,
    config_method: Meth,
    tolerance: Option<Tol>,
    config_tolerance: Tol,
    /// This year's 目標値, when the sheet has an entry.
    target: Option<Cell>,
    /// The final target and its year (offset from the assessed year, −3…+3), when given.
    final_target: Option<(Cell, Option<i8>)>,
    /// This year's 実績値, when the sheet has an entry.
    actual: Option<Cell>,
    baseline: Option<Cell>,
    /// Grades with arbitrary minimum rates; `None` uses the default ◎○△×.
    grades: Option<Vec<Option<f64>>>,
}

fn fy(y: i64) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fuzz_target!(|input: Input| {
    let year = fy(2024);
    let entry = |c: &Cell| Entry {
        value: c.value(),
        note: None,
    };
    let final_year = |off: &Option<i8>| off.map(|o| fy(2024 + i64::from(o % 4)));
    let ind = Indicator {
        id: "x".into(),
        name: "x".into(),
        unit: Some("人".into()),
        kind: None,
        direction: match input.direction {
            Dir::Up => Direction::Up,
            Dir::Down => Direction::Down,
            Dir::Keep => Direction::Keep,
        },
        baseline: input.baseline.as_ref().map(|c| YearEntry {
            value: c.value(),
            year: Some(fy(2022)),
            note: None,
        }),
        targets: input.target.iter().map(|c| (year, entry(c))).collect(),
        actuals: input.actual.iter().map(|c| (year, entry(c))).collect(),
        final_target: input.final_target.as_ref().map(|(c, off)| YearEntry {
            value: c.value(),
            year: final_year(off),
            note: None,
        }),
        method: input.method.map(Meth::model),
        tolerance_percent: input.tolerance.map(Tol::percent),
        note: None,
    };
    let config = AchievementConfig {
        method: input.config_method.model(),
        tolerance_percent: input.config_tolerance.percent(),
        ..AchievementConfig::default()
    };
    let grades: Vec<Grade> = match &input.grades {
        None => compute::default_grades(),
        Some(mins) => mins
            .iter()
            .map(|m| Grade {
                mark: "g".into(),
                label: "g".into(),
                min_rate: *m,
            })
            .collect(),
    };

    let a = compute::assess(&ind, year, &config);
    let g = compute::grade(&a, &grades);
    let _ = (a.rate_display(), a.achieved(), ind.has_number());

    // The target compared against, worked out independently of compute::target_for.
    let (target, from_final) = match &input.target {
        Some(c) if !matches!(c, Cell::NotReported) => (c.value(), TargetSource::OfYear),
        _ => match &input.final_target {
            Some((c, off)) => (c.value(), TargetSource::Final(final_year(off))),
            None => (Value::NotReported, TargetSource::OfYear),
        },
    };
    assert_eq!(
        compute::target_for(&ind, year),
        (target.clone(), from_final)
    );
    let actual = input
        .actual
        .as_ref()
        .map_or(Value::NotReported, Cell::value);
    let unassessed = |u| assert_eq!(a, Assessment::Unassessed(u), "{input:?}");
    let (t, x) = match (&target, &actual) {
        (Value::NotApplicable, _) | (_, Value::NotApplicable) => {
            return unassessed(Unassessed::NotApplicable);
        }
        (_, Value::NotReported) => return unassessed(Unassessed::NotMeasured),
        (Value::Measured(t), Value::Measured(x)) => (t.decimal(), x.decimal()),
        _ => return unassessed(Unassessed::NotAssessable),
    };
    let method = ind.method.unwrap_or(config.method);
    let tolerance = ind.tolerance_percent.unwrap_or(config.tolerance_percent);
    let numeric_baseline = ind
        .baseline
        .as_ref()
        .and_then(|b| b.value.number())
        .is_some();
    let Assessment::Assessed {
        target: at,
        source,
        actual: ax,
        rate,
        achieved,
        formula,
    } = &a
    else {
        let excused = match ind.direction {
            Direction::Down => method == Method::Progress && !numeric_baseline,
            Direction::Keep => !(0.0..=100.0).contains(&tolerance),
            Direction::Up => false,
        };
        assert!(excused, "two numbers left unassessed: {a:?} for {input:?}");
        return;
    };
    assert_eq!((at.decimal(), ax.decimal()), (t, x));
    assert_eq!(*source, from_final, "{input:?}");
    match ind.direction {
        Direction::Up => assert_eq!(*achieved, x >= t, "増加 {input:?}"),
        Direction::Down => assert_eq!(*achieved, x <= t, "減少 {input:?}"),
        Direction::Keep => {
            assert_eq!(*formula, Formula::WithinTolerance);
            assert!(rate.is_none());
        }
    }
    if let Some(shown) = a.rate_display() {
        let (int, frac) = shown
            .trim_start_matches('-')
            .split_once('.')
            .unwrap_or_else(|| panic!("rate {shown:?} has no decimal point"));
        assert!(
            !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.len() == 1
                && frac.bytes().all(|b| b.is_ascii_digit()),
            "rate shown as {shown:?}"
        );
        // Not necessarily a kohyo Number: a rate may have more than the 27 digits a cell may.
        assert!(
            shown.parse::<f64>().is_ok_and(f64::is_finite),
            "rate shown as {shown:?}"
        );
    }
    if matches!(
        formula,
        Formula::ActualOverTarget | Formula::TargetOverActual | Formula::ProgressFromBaseline
    ) {
        assert!(rate.is_some(), "{formula:?} without a rate: {input:?}");
    }

    // The grade, worked out on the rate read as f64; where the rate lies within rounding of a
    // grade's minimum, f64 conversions may differ, so either side of it is accepted.
    if *achieved {
        assert_eq!(
            g.map(|g| g as *const Grade),
            grades.first().map(|g| g as *const Grade)
        );
        return;
    }
    let r = rate
        .map(|r| r.to_string().parse::<f64>().unwrap())
        .unwrap_or(f64::NEG_INFINITY);
    let expected = grades
        .iter()
        .skip(1)
        .find(|g| g.min_rate.is_some_and(|m| r >= m))
        .or_else(|| grades.last());
    if g.map(|g| g as *const Grade) != expected.map(|g| g as *const Grade) {
        let near = |g: Option<&Grade>| {
            g.and_then(|g| g.min_rate)
                .is_some_and(|m| (r - m).abs() <= 1e-9 * m.abs().max(1.0))
        };
        assert!(
            near(g) || near(expected),
            "grade {:?} for rate {r}, expected {:?}: {input:?}",
            g.map(|g| g.min_rate),
            expected.map(|g| g.min_rate)
        );
    }
});
