//! Fiscal years (年度): parsing 西暦 and 和暦 spellings into one canonical year, and displaying it
//! the way Japanese public documents do.
//!
//! A Japanese fiscal year runs from 1 April to 31 March and is named after the calendar year in
//! which it starts: 令和6年度 = 2024年度 = 1 April 2024 – 31 March 2025. Inside kohyo a fiscal year is
//! always that starting 西暦 year; every spelling the sheets use is accepted on input.

use std::fmt;
use std::str::FromStr;

/// A fiscal year (年度), stored as the 西暦 year in which it starts (令和6年度 → 2024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FiscalYear(u16);

/// The earliest and latest years kohyo accepts; anything outside is a typo, not a plan.
const MIN_YEAR: u16 = 1900;
const MAX_YEAR: u16 = 2200;

/// A Japanese era (元号) with the 西暦 year of its first year (元年).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// 昭和 (S), 1926–1989.
    Showa,
    /// 平成 (H), 1989–2019.
    Heisei,
    /// 令和 (R), 2019–.
    Reiwa,
}

impl Era {
    /// The 西暦 year of 元年.
    pub fn first_year(self) -> u16 {
        match self {
            Era::Showa => 1926,
            Era::Heisei => 1989,
            Era::Reiwa => 2019,
        }
    }

    /// The era's name as written in documents.
    pub fn name(self) -> &'static str {
        match self {
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The last 和暦 year number in which a fiscal year of this era may start (平成31 = 2019).
    fn last_number(self) -> Option<u16> {
        match self {
            Era::Showa => Some(64),
            Era::Heisei => Some(31),
            Era::Reiwa => None,
        }
    }

    /// The era a fiscal year is conventionally written in: the era in force on 1 April.
    /// FY2019 starts on 1 April 2019, still 平成31年, but documents published since call it
    /// 令和元年度; kohyo follows that convention.
    fn of(year: u16) -> Option<Era> {
        if year >= 2019 {
            Some(Era::Reiwa)
        } else if year >= 1989 {
            Some(Era::Heisei)
        } else if year >= 1926 {
            Some(Era::Showa)
        } else {
            None
        }
    }
}

/// Why a fiscal-year spelling was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FiscalYearError {
    /// Nothing that reads as a year.
    Unrecognised(String),
    /// An era year beyond that era's end (平成32).
    BeyondEra {
        /// The era written.
        era: &'static str,
        /// The number written.
        number: u16,
    },
    /// A year outside 1900–2200.
    OutOfRange(i64),
}

impl fmt::Display for FiscalYearError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FiscalYearError::Unrecognised(s) => write!(
                f,
                "\"{s}\" is not a fiscal year; write 2024, 2024年度, R6, 令和6年度, 令和元年度 or H31"
            ),
            FiscalYearError::BeyondEra { era, number } => {
                write!(
                    f,
                    "{era}{number}年 does not exist: the era had ended by then"
                )
            }
            FiscalYearError::OutOfRange(y) => write!(
                f,
                "year {y} is outside the range kohyo accepts ({MIN_YEAR}–{MAX_YEAR})"
            ),
        }
    }
}

impl std::error::Error for FiscalYearError {}

impl FiscalYear {
    /// The fiscal year starting in 西暦 `year`, if it is in the accepted range.
    pub fn new(year: i64) -> Result<FiscalYear, FiscalYearError> {
        if (MIN_YEAR as i64..=MAX_YEAR as i64).contains(&year) {
            Ok(FiscalYear(year as u16))
        } else {
            Err(FiscalYearError::OutOfRange(year))
        }
    }

    /// The 西暦 year in which this fiscal year starts.
    pub fn year(self) -> u16 {
        self.0
    }

    /// The next fiscal year.
    pub fn next(self) -> FiscalYear {
        FiscalYear(self.0 + 1)
    }

    /// The era and the year number within it (令和6 → (Reiwa, 6)); `None` before 昭和.
    pub fn era(self) -> Option<(Era, u16)> {
        Era::of(self.0).map(|era| (era, self.0 - era.first_year() + 1))
    }

    /// 和暦 with 年度: 「令和6年度」, 「令和元年度」.
    pub fn wareki(self) -> String {
        let mut out = String::with_capacity(18);
        self.push_wareki(&mut out);
        out
    }

    /// Appends [`FiscalYear::wareki`] to `out`, without a `String` of its own (charts write
    /// many into one description).
    pub fn push_wareki(self, out: &mut String) {
        match self.era() {
            Some((era, 1)) => {
                out.push_str(era.name());
                out.push('元');
            }
            Some((era, n)) => {
                out.push_str(era.name());
                crate::value::push_int(out, i64::from(n));
            }
            None => crate::value::push_int(out, i64::from(self.0)),
        }
        out.push_str("年度");
    }

    /// The form pages use: 「令和6年度（2024年度）」.
    pub fn long_label(self) -> String {
        format!("{}（{}年度）", self.wareki(), self.0)
    }

    /// The short 和暦 form used in chart axes and table headers: 「R6」.
    pub fn short_wareki(self) -> String {
        let mut out = String::with_capacity(6);
        self.push_short_wareki(&mut out);
        out
    }

    /// Appends [`FiscalYear::short_wareki`] to `out`.
    pub fn push_short_wareki(self, out: &mut String) {
        match self.era() {
            Some((era, n)) => {
                out.push(match era {
                    Era::Reiwa => 'R',
                    Era::Heisei => 'H',
                    Era::Showa => 'S',
                });
                crate::value::push_int(out, i64::from(n));
            }
            None => crate::value::push_int(out, i64::from(self.0)),
        }
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Folds full-width digits and letters to ASCII and drops spaces, so that 「Ｒ６」「令和 6 年度」
/// parse like 「R6」「令和6年度」.
fn fold(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

impl FromStr for FiscalYear {
    type Err = FiscalYearError;

    /// Accepts 2024, 2024年度, 2024年, R6, R6年度, 令和6, 令和6年度, 令和元年度, H31, 平成3年度, S64.
    fn from_str(input: &str) -> Result<FiscalYear, FiscalYearError> {
        let folded = fold(input);
        let unrecognised = || FiscalYearError::Unrecognised(input.to_string());
        let body = folded
            .strip_suffix("年度")
            .or_else(|| folded.strip_suffix('年'))
            .or_else(|| folded.strip_suffix("度"))
            .unwrap_or(&folded);
        if body.is_empty() {
            return Err(unrecognised());
        }
        if body.chars().all(|c| c.is_ascii_digit()) {
            if body.len() != 4 {
                return Err(unrecognised());
            }
            let year: i64 = body.parse().map_err(|_| unrecognised())?;
            return FiscalYear::new(year);
        }
        let (era, number) = split_era(body).ok_or_else(unrecognised)?;
        let number: u16 = if number == "元" {
            1
        } else if !number.is_empty()
            && number.len() <= 3
            && number.chars().all(|c| c.is_ascii_digit())
        {
            number.parse().map_err(|_| unrecognised())?
        } else {
            return Err(unrecognised());
        };
        if number == 0 {
            return Err(unrecognised());
        }
        if era.last_number().is_some_and(|last| number > last) {
            return Err(FiscalYearError::BeyondEra {
                era: era.name(),
                number,
            });
        }
        FiscalYear::new(era.first_year() as i64 + number as i64 - 1)
    }
}

fn split_era(body: &str) -> Option<(Era, &str)> {
    const PREFIXES: [(&str, Era); 9] = [
        ("令和", Era::Reiwa),
        ("平成", Era::Heisei),
        ("昭和", Era::Showa),
        ("R", Era::Reiwa),
        ("H", Era::Heisei),
        ("S", Era::Showa),
        ("r", Era::Reiwa),
        ("h", Era::Heisei),
        ("s", Era::Showa),
    ];
    PREFIXES
        .iter()
        .find_map(|(prefix, era)| body.strip_prefix(prefix).map(|rest| (*era, rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(s: &str) -> u16 {
        s.parse::<FiscalYear>().unwrap().year()
    }

    #[test]
    fn seireki_spellings() {
        assert_eq!(fy("2024"), 2024);
        assert_eq!(fy("2024年度"), 2024);
        assert_eq!(fy("２０２４年度"), 2024);
        assert_eq!(fy("2022年"), 2022);
    }

    #[test]
    fn wareki_spellings_from_the_seeds() {
        assert_eq!(fy("R7"), 2025);
        assert_eq!(fy("Ｒ７"), 2025);
        assert_eq!(fy("R9年度"), 2027);
        assert_eq!(fy("令和6年度"), 2024);
        assert_eq!(fy("令和 6 年度"), 2024);
        assert_eq!(fy("令和元年"), 2019);
        assert_eq!(fy("令和元年度"), 2019);
        assert_eq!(fy("平成31"), 2019);
        assert_eq!(fy("平成3年度"), 1991);
        assert_eq!(fy("H29年"), 2017);
        assert_eq!(fy("令和4年"), 2022);
        assert_eq!(fy("昭和64"), 1989);
    }

    #[test]
    fn rejects_what_is_not_a_year() {
        for bad in [
            "",
            "年度",
            "R",
            "令和",
            "令和0年",
            "平成32",
            "24",
            "20245",
            "R6.5",
            "なし",
            "R-1",
            "X6",
            "1899",
            "2201",
        ] {
            assert!(
                bad.parse::<FiscalYear>().is_err(),
                "{bad:?} should be rejected"
            );
        }
        assert_eq!(
            "平成32".parse::<FiscalYear>(),
            Err(FiscalYearError::BeyondEra {
                era: "平成",
                number: 32
            })
        );
    }

    #[test]
    fn displays_wareki_with_gannen() {
        let y = FiscalYear::new(2024).unwrap();
        assert_eq!(y.wareki(), "令和6年度");
        assert_eq!(y.long_label(), "令和6年度（2024年度）");
        assert_eq!(y.short_wareki(), "R6");
        assert_eq!(FiscalYear::new(2019).unwrap().wareki(), "令和元年度");
        assert_eq!(FiscalYear::new(2018).unwrap().wareki(), "平成30年度");
        assert_eq!(FiscalYear::new(1989).unwrap().wareki(), "平成元年度");
        assert_eq!(
            FiscalYear::new(1991).unwrap().long_label(),
            "平成3年度（1991年度）"
        );
    }

    #[test]
    fn round_trips_every_year_through_its_wareki() {
        for year in 1926..=2200 {
            let y = FiscalYear::new(year).unwrap();
            assert_eq!(y.wareki().parse::<FiscalYear>().unwrap(), y, "{year}");
            assert_eq!(y.short_wareki().parse::<FiscalYear>().unwrap(), y, "{year}");
        }
    }
}
