//! The values a sheet's cells hold: a measured number, 「－」 (not applicable), a blank (not
//! reported) or a qualitative target such as 「実施」; and money, always integer 円 inside.
//!
//! These are the types the brief asks for by name: four meanings, four variants, so that no later
//! stage can confuse a blank with a zero.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// An exact decimal number as written on the sheet (97.91, 2700, 85.0): no binary rounding, the
/// written scale kept so that 「85.0%」 is shown as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(Decimal);

impl Number {
    /// Wraps an exact decimal.
    pub fn new(d: Decimal) -> Number {
        Number(d)
    }

    /// The exact decimal.
    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// An integer.
    pub fn from_i64(n: i64) -> Number {
        Number(Decimal::from(n))
    }

    /// Whether the number is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Whether the number is below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// The plain machine-readable form: no separators, the written scale (`2700`, `97.91`, `-12`).
    pub fn plain(self) -> String {
        self.0.to_string()
    }

    /// The human form with thousands separators: `2,700`, `1,592,000`, `97.91`.
    pub fn grouped(self) -> String {
        let mut out = String::with_capacity(16);
        self.push_grouped(&mut out);
        out
    }

    /// Appends [`Number::grouped`] to `out`, with no `String` of its own: the digits come from
    /// the decimal's mantissa and scale as `Decimal`'s `Display` writes them (a sign for any
    /// negative, even zero; at least one digit before the point; the scale's digits after it).
    pub fn push_grouped(self, out: &mut String) {
        let d = self.0;
        if d.is_sign_negative() {
            out.push('-');
        }
        let scale = d.scale() as usize;
        // The digits, least significant first, padded with zeros to the scale.
        let mut digits = [0u8; 40];
        let mut len = 0;
        let mantissa = d.mantissa().unsigned_abs();
        match u64::try_from(mantissa) {
            Ok(mut m) => {
                while m != 0 {
                    digits[len] = (m % 10) as u8;
                    m /= 10;
                    len += 1;
                }
            }
            Err(_) => {
                let mut m = mantissa;
                while m != 0 {
                    digits[len] = (m % 10) as u8;
                    m /= 10;
                    len += 1;
                }
            }
        }
        let len = len.max(scale);
        let digit = |i: usize| char::from(b'0' + digits[i]);
        let whole = len - scale;
        if whole == 0 {
            out.push('0');
        }
        for i in 0..whole {
            if i > 0 && (whole - i) % 3 == 0 {
                out.push(',');
            }
            out.push(digit(len - 1 - i));
        }
        if scale > 0 {
            out.push('.');
            for i in whole..len {
                out.push(digit(len - 1 - i));
            }
        }
    }
}

/// Appends an integer in decimal: what `write!(out, "{n}")` writes, without the formatting
/// machinery (charts write hundreds of coordinates each).
pub fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_digits(out, n.unsigned_abs());
}

/// The digits of `v`, most significant first, three at a time.
fn push_digits(out: &mut String, v: u64) {
    if v >= 1000 {
        push_digits(out, v / 1000);
        push_three(out, (v % 1000) as u16, true);
    } else {
        push_three(out, v as u16, false);
    }
}

/// Pushes `n` (below 1000) in three digits, or without its leading zeros when not `padded`.
/// Each digit is computed as it is pushed, so that the compiler sees that it is ASCII and
/// `String::push` takes its one-byte path.
fn push_three(out: &mut String, n: u16, padded: bool) {
    let n = n % 1000;
    if padded || n >= 100 {
        out.push(char::from(b'0' + (n / 100) as u8));
    }
    if padded || n >= 10 {
        out.push(char::from(b'0' + (n / 10 % 10) as u8));
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// Why a cell could not be read as a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError(pub String);

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" is not a number", self.0)
    }
}

impl std::error::Error for NumberError {}

/// Folds the forms numbers take in extracted Japanese text to ASCII: full-width digits, signs and
/// the full stop; drops thousands separators. Spaces and 「、」 inside are kept, so that "1 2" or
/// "1、2" (two numbers, or a typo) is not silently read as 12.
fn fold_numeric(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '．' => '.',
            '－' | '−' | 'ー' | '▲' | '△' => '-',
            '＋' => '+',
            _ => c,
        })
        .collect()
}

impl FromStr for Number {
    type Err = NumberError;

    /// Accepts `2700`, `2,700`, `２，７００`, `97.91`, `-12`, `▲12` (the accounting minus).
    /// Thousands separators must be well placed: `27,00` is rejected as a likely typo.
    fn from_str(input: &str) -> Result<Number, NumberError> {
        let err = || NumberError(input.to_string());
        let trimmed = input.trim();
        check_grouping(trimmed).ok_or_else(err)?;
        let folded = fold_numeric(trimmed);
        let unsigned = folded
            .strip_prefix('-')
            .or_else(|| folded.strip_prefix('+'))
            .unwrap_or(&folded);
        let (int, frac) = match unsigned.split_once('.') {
            Some((i, f)) => (i, f),
            None => (unsigned, ""),
        };
        let digits_ok = !int.is_empty()
            && int.chars().all(|c| c.is_ascii_digit())
            && frac.chars().all(|c| c.is_ascii_digit())
            && !(unsigned.contains('.') && frac.is_empty());
        if !digits_ok || int.len() + frac.len() > 27 {
            return Err(err());
        }
        let d = Decimal::from_str_exact(folded.trim_start_matches('+')).map_err(|_| err())?;
        Ok(Number(d))
    }
}

/// Rejects misplaced thousands separators (`27,00`, `1,2345`) while accepting `2,700`.
fn check_grouping(s: &str) -> Option<()> {
    let has_sep = s.contains([',', '，']);
    if !has_sep {
        return Some(());
    }
    let int_part = s.split(['.', '．']).next().unwrap_or("");
    let groups: Vec<&str> = int_part.split([',', '，']).collect();
    let first = groups
        .first()?
        .trim_start_matches(['-', '－', '▲', '△', '+', '＋']);
    if first.is_empty() || first.chars().count() > 3 {
        return None;
    }
    if groups[1..].iter().all(|g| g.chars().count() == 3) {
        Some(())
    } else {
        None
    }
}

/// A cell of an indicator: 目標値 or 実績値 for one year, a baseline, a final target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A number was measured or set (0 included: a measured zero is a real value).
    Measured(Number),
    /// 「－」: the cell does not apply to this year or indicator.
    NotApplicable,
    /// A blank cell: not yet measured, or not reported.
    NotReported,
    /// A target or result stated in words (「実施」「策定」), which cannot be compared numerically.
    Qualitative(String),
}

impl Value {
    /// The number, when one was measured.
    pub fn number(&self) -> Option<Number> {
        match self {
            Value::Measured(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether the cell was left blank.
    pub fn is_not_reported(&self) -> bool {
        matches!(self, Value::NotReported)
    }

    /// Reads a cell written as text. An empty string is 「not reported」, a dash of any width is
    /// 「not applicable」, a number in any width is a measurement, anything else is qualitative.
    pub fn from_text(text: &str) -> Value {
        let t = text.trim();
        if t.is_empty() {
            Value::NotReported
        } else if is_dash(t) {
            Value::NotApplicable
        } else if let Ok(n) = t.parse::<Number>() {
            Value::Measured(n)
        } else {
            Value::Qualitative(t.to_string())
        }
    }
}

/// The dashes that stand for 「－」 (not applicable) in Japanese forms and their extracted text.
pub fn is_dash(t: &str) -> bool {
    matches!(t, "－" | "-" | "—" | "―" | "‐" | "–" | "ー" | "−" | "─")
}

/// The unit money is written in on a sheet (金額の単位). Amounts are stored in 円 whatever the unit,
/// and shown in the unit the sheet used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MoneyUnit {
    /// 円.
    #[default]
    Yen,
    /// 千円 (thousands of 円), the usual unit of budget tables.
    ThousandYen,
    /// 万円.
    TenThousandYen,
    /// 百万円.
    MillionYen,
    /// 億円.
    HundredMillionYen,
}

impl MoneyUnit {
    /// How many 円 one unit is.
    pub fn factor(self) -> i64 {
        match self {
            MoneyUnit::Yen => 1,
            MoneyUnit::ThousandYen => 1_000,
            MoneyUnit::TenThousandYen => 10_000,
            MoneyUnit::MillionYen => 1_000_000,
            MoneyUnit::HundredMillionYen => 100_000_000,
        }
    }

    /// The unit as written: 「千円」.
    pub fn label(self) -> &'static str {
        match self {
            MoneyUnit::Yen => "円",
            MoneyUnit::ThousandYen => "千円",
            MoneyUnit::TenThousandYen => "万円",
            MoneyUnit::MillionYen => "百万円",
            MoneyUnit::HundredMillionYen => "億円",
        }
    }

    /// Every unit, for error hints.
    pub const ALL: [MoneyUnit; 5] = [
        MoneyUnit::Yen,
        MoneyUnit::ThousandYen,
        MoneyUnit::TenThousandYen,
        MoneyUnit::MillionYen,
        MoneyUnit::HundredMillionYen,
    ];

    /// Reads 「円」「千円」「万円」「百万円」「億円」.
    pub fn parse(label: &str) -> Option<MoneyUnit> {
        MoneyUnit::ALL
            .into_iter()
            .find(|u| u.label() == label.trim())
    }
}

/// An amount of money in integer 円 (金額).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Yen(pub i64);

impl Yen {
    /// Converts a number written in `unit` into 円; `None` when it is not a whole number of 円 or
    /// does not fit.
    pub fn from_unit(n: Number, unit: MoneyUnit) -> Option<Yen> {
        let yen = n.decimal().checked_mul(Decimal::from(unit.factor()))?;
        if !yen.fract().is_zero() {
            return None;
        }
        i64::try_from(yen).ok().map(Yen)
    }

    /// The amount expressed in `unit`, exactly (255,615,000 円 in 千円 → 255615).
    pub fn in_unit(self, unit: MoneyUnit) -> Number {
        Number(Decimal::from(self.0) / Decimal::from(unit.factor())).normalized()
    }
}

impl Number {
    fn normalized(self) -> Number {
        Number(self.0.normalize())
    }
}

/// A money cell: an amount, 「－」, or blank. Money has no qualitative form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Amount {
    /// An amount in 円 (0 included).
    Yen(Yen),
    /// 「－」.
    NotApplicable,
    /// Blank: not yet settled or not reported.
    NotReported,
}

impl Amount {
    /// The amount in 円, when there is one.
    pub fn yen(self) -> Option<Yen> {
        match self {
            Amount::Yen(y) => Some(y),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        s.parse().unwrap()
    }

    #[test]
    fn parses_numbers_as_the_sheets_write_them() {
        assert_eq!(n("2,700").plain(), "2700");
        assert_eq!(n("２，７００").plain(), "2700");
        assert_eq!(n("１４１").plain(), "141");
        assert_eq!(n("０").plain(), "0");
        assert_eq!(n("97.91").plain(), "97.91");
        assert_eq!(n("85.0").plain(), "85.0");
        assert_eq!(n("-12").plain(), "-12");
        assert_eq!(n("▲12").plain(), "-12");
        assert_eq!(n("255,615").plain(), "255615");
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for bad in [
            "",
            "実施",
            "1.2.3",
            "27,00",
            "1,2345",
            "12a",
            ".5",
            "5.",
            "--1",
            "1e5",
            "NaN",
            "inf",
            "1 2",
            "1、2",
            "1\u{3000}2",
            "99999999999999999999999999999999",
        ] {
            assert!(bad.parse::<Number>().is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn groups_thousands_for_display() {
        assert_eq!(n("3083").grouped(), "3,083");
        assert_eq!(n("1592000").grouped(), "1,592,000");
        assert_eq!(n("-1234567.5").grouped(), "-1,234,567.5");
        assert_eq!(n("100").grouped(), "100");
        assert_eq!(n("0.25").grouped(), "0.25");
    }

    /// [`Number::grouped`] as it was first written, from `Decimal`'s own text.
    fn grouped_from_display(d: Decimal) -> String {
        let plain = d.to_string();
        let (sign, digits) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain.as_str()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let mut out = sign.to_string();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if digits.contains('.') {
            out.push('.');
            out.push_str(frac);
        }
        out
    }

    #[test]
    fn grouping_reads_as_decimal_text_for_every_sign_scale_and_size() {
        let mut cases: Vec<Decimal> = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "0.005",
            "-0.5",
            "1",
            "12",
            "123",
            "1234",
            "-1234.5670",
            "999999",
            "1000000",
            "97.91",
            "85.0",
            "3083",
            "1592000",
        ]
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
        cases.extend([
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_parts(0, 0, 0, true, 3),
        ]);
        // Mantissas across the whole 96 bits, at every scale.
        let mut m: u128 = 7;
        while m < (1u128 << 96) {
            for scale in [0, 1, 2, 5, 10, 20, 28] {
                let lo = m as u32;
                let mid = (m >> 32) as u32;
                let hi = (m >> 64) as u32;
                cases.push(Decimal::from_parts(lo, mid, hi, false, scale));
                cases.push(Decimal::from_parts(lo, mid, hi, true, scale));
            }
            m = m * 13 + 5;
        }
        for d in cases {
            let mut out = String::from("x");
            Number::new(d).push_grouped(&mut out);
            assert_eq!(out[1..], grouped_from_display(d), "{d:?}");
        }
    }

    #[test]
    fn integers_read_as_formatted_by_std() {
        for v in [
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            12_345,
            -98_765,
            i64::MAX,
            i64::MIN,
        ] {
            let mut out = String::from("x");
            push_int(&mut out, v);
            assert_eq!(out, format!("x{v}"));
        }
    }

    #[test]
    fn blank_dash_zero_and_words_are_four_different_values() {
        assert_eq!(Value::from_text(""), Value::NotReported);
        assert_eq!(Value::from_text("  "), Value::NotReported);
        assert_eq!(Value::from_text("－"), Value::NotApplicable);
        assert_eq!(Value::from_text("—"), Value::NotApplicable);
        assert_eq!(Value::from_text("０"), Value::Measured(n("0")));
        assert_eq!(Value::from_text("実施"), Value::Qualitative("実施".into()));
    }

    #[test]
    fn money_is_integer_yen_whatever_the_unit() {
        let y = Yen::from_unit(n("255615"), MoneyUnit::ThousandYen).unwrap();
        assert_eq!(y, Yen(255_615_000));
        assert_eq!(y.in_unit(MoneyUnit::ThousandYen).plain(), "255615");
        assert_eq!(
            Yen::from_unit(n("1.5"), MoneyUnit::ThousandYen),
            Some(Yen(1500))
        );
        assert_eq!(Yen::from_unit(n("0.5"), MoneyUnit::Yen), None);
        assert_eq!(Yen(1500).in_unit(MoneyUnit::ThousandYen).plain(), "1.5");
        assert_eq!(MoneyUnit::parse("千円"), Some(MoneyUnit::ThousandYen));
        assert_eq!(MoneyUnit::parse("ドル"), None);
    }
}
