//! How the four meanings of a sheet's cell survive in a CSV, and the columns every file shares.
//!
//! A value cell becomes a group of columns: the number itself (typed `number`, empty unless the
//! sheet gave a number), `〜の種類` saying which of the meanings it is, and `〜の文言` holding the
//! words of a qualitative value. So after any CSV or Frictionless load, 0 (種類 数値, value 0),
//! a blank (種類 未記入, value empty), 「－」 (種類 該当なし, value empty) and 「実施」 (種類 文言,
//! 文言 実施) stay four different things, and the only missing-value marker is the empty cell.
//! Money works the same way with integer 円.

use super::table::{Column, ColumnType, Field};
use crate::fiscal_year::FiscalYear;
use crate::model::{Municipality, Owner};
use crate::value::{Amount, Value};
use std::sync::LazyLock;

/// 〜の種類 of a value: what the sheet wrote.
pub const VALUE_KINDS: &[&str] = &[KIND_NUMBER, KIND_NA, KIND_BLANK, KIND_WORDS, KIND_ABSENT];
/// 〜の種類 of an amount of money.
pub const MONEY_KINDS: &[&str] = &[KIND_NUMBER, KIND_NA, KIND_BLANK, KIND_ABSENT, KIND_NO_SUM];

/// A number (0 included).
pub const KIND_NUMBER: &str = "数値";
/// 「－」 on the sheet: does not apply.
pub const KIND_NA: &str = "該当なし";
/// A blank cell on the sheet: not measured or not reported.
pub const KIND_BLANK: &str = "未記入";
/// Words (「実施」), in the 〜の文言 column.
pub const KIND_WORDS: &str = "文言";
/// The sheet has no such item at all (no 現状値 row, no cost table).
pub const KIND_ABSENT: &str = "記載なし";
/// A total over activities that is not given because some activity has no amount.
pub const KIND_NO_SUM: &str = "集計不可";

/// The columns of a value: `{name}`, `{name}の種類`, `{name}の文言`, `{name}の注記`.
pub fn value_columns(name: &str, what: &str, unit: Option<&str>) -> Vec<Column> {
    let unit_text = match unit {
        Some(u) => format!("単位は{u}"),
        None => "単位は「単位」列".to_string(),
    };
    let mut number = Column::new(
        name,
        ColumnType::Number,
        format!(
            "{what}の数値（{unit_text}）。シートが数値を記載したときだけ入り、0は測定値のゼロ。空欄の意味は「{name}の種類」を参照"
        ),
    );
    if let Some(u) = unit {
        number = number.unit(u);
    }
    vec![
        number,
        Column::text(
            format!("{name}の種類"),
            format!(
                "{what}の記載の種類：数値／該当なし（シートに「－」）／未記入（シートが空欄）／文言（「実施」など言葉で記載。「{name}の文言」列に転記）／記載なし（シートにその欄がない）"
            ),
        )
        .one_of(VALUE_KINDS),
        Column::text(
            format!("{name}の文言"),
            format!("{what}が言葉で書かれているときの文言（種類が「文言」のときだけ入る）"),
        ),
        Column::text(
            format!("{name}の注記"),
            format!("シートが{what}に付けた注記"),
        ),
    ]
}

/// The fields of a value (see [`value_columns`]); `None` is 記載なし.
pub fn value_fields<'a>(v: Option<&'a Value>, note: Option<&'a str>) -> [Field<'a>; 4] {
    let (number, kind, words) = match v {
        None => (Field::Empty, KIND_ABSENT, Field::Empty),
        Some(Value::Measured(n)) => (Field::Number(*n), KIND_NUMBER, Field::Empty),
        Some(Value::NotApplicable) => (Field::Empty, KIND_NA, Field::Empty),
        Some(Value::NotReported) => (Field::Empty, KIND_BLANK, Field::Empty),
        Some(Value::Qualitative(s)) => (Field::Empty, KIND_WORDS, Field::text(s.as_str())),
    };
    [number, Field::text(kind), words, Field::opt_text(note)]
}

/// The columns of an amount: `{name}（円）` and `{name}の種類`.
pub fn money_columns(name: &str, what: &str) -> Vec<Column> {
    vec![
        Column::new(
            format!("{name}（円）"),
            ColumnType::Integer,
            format!(
                "{what}。シートの金額の単位（千円など）によらず円の整数。空欄の意味は「{name}の種類」を参照"
            ),
        )
        .titled(format!("{name}（円）"))
        .unit("円"),
        Column::text(
            format!("{name}の種類"),
            format!(
                "{what}の記載の種類：数値／該当なし（「－」）／未記入（空欄）／記載なし（シートにその欄がない）／集計不可（活動の合計で、金額のない活動があるため合計しない）"
            ),
        )
        .one_of(MONEY_KINDS),
    ]
}

/// The fields of an amount; `None` is 記載なし.
pub fn money_fields(a: Option<Amount>) -> [Field<'static>; 2] {
    let (yen, kind) = match a {
        None => (Field::Empty, KIND_ABSENT),
        Some(Amount::Yen(y)) => (Field::Integer(y.0), KIND_NUMBER),
        Some(Amount::NotApplicable) => (Field::Empty, KIND_NA),
        Some(Amount::NotReported) => (Field::Empty, KIND_BLANK),
    };
    [yen, Field::text(kind)]
}

/// A total over activities: the sum only when every activity has an amount in 円; 集計不可 when
/// some have and some have not; 該当なし or 未記入 when all are 「－」 or all blank; 記載なし when
/// the sheet has no activity. A blank never becomes 0.
pub fn sum_fields(amounts: &[Amount]) -> [Field<'static>; 2] {
    if amounts.is_empty() {
        return money_fields(None);
    }
    let yen: Option<Vec<i64>> = amounts.iter().map(|a| a.yen().map(|y| y.0)).collect();
    if let Some(yen) = yen {
        return match yen.iter().try_fold(0i64, |acc, y| acc.checked_add(*y)) {
            Some(total) => [Field::Integer(total), Field::text(KIND_NUMBER)],
            None => [Field::Empty, Field::text(KIND_NO_SUM)],
        };
    }
    if amounts.iter().all(|a| *a == Amount::NotApplicable) {
        return money_fields(Some(Amount::NotApplicable));
    }
    if amounts.iter().all(|a| *a == Amount::NotReported) {
        return money_fields(Some(Amount::NotReported));
    }
    [Field::Empty, Field::text(KIND_NO_SUM)]
}

/// 全国地方公共団体コード and 団体名.
pub fn muni_columns() -> Vec<Column> {
    vec![
        Column::text(
            "全国地方公共団体コード",
            "総務省の全国地方公共団体コード（検査数字付き6桁。先頭の0を含む文字列）",
        ),
        Column::text("団体名", "地方公共団体の名称"),
    ]
}

/// The fields of [`muni_columns`].
pub fn muni_fields(m: &Municipality) -> [Field<'_>; 2] {
    [
        Field::text(m.code.to_string()),
        Field::text(m.name.as_str()),
    ]
}

/// `{name}（西暦）` and `{name}（和暦）` of a fiscal year.
pub fn year_columns(name: &str, what: &str) -> Vec<Column> {
    vec![
        Column::new(
            format!("{name}（西暦）"),
            ColumnType::Year,
            format!("{what}（4月1日に始まる年度を、始まる年の西暦で表す。令和6年度＝2024）"),
        ),
        Column::text(
            format!("{name}（和暦）"),
            format!("{what}の和暦表記（令和6年度）"),
        ),
    ]
}

/// The 和暦 of every year from 1900 on, made once: a CSV writes one per row.
static WAREKI: LazyLock<Vec<String>> = LazyLock::new(|| {
    (1900..)
        .map_while(|y| FiscalYear::new(y).ok())
        .map(FiscalYear::wareki)
        .collect()
});

/// The fields of [`year_columns`].
pub fn year_fields(y: Option<FiscalYear>) -> [Field<'static>; 2] {
    let wareki = |y: FiscalYear| match WAREKI.get(usize::from(y.year()).wrapping_sub(1900)) {
        Some(w) => Field::text(w.as_str()),
        None => Field::text(y.wareki()),
    };
    match y {
        Some(y) => [Field::Year(y), wareki(y)],
        None => [Field::Empty, Field::Empty],
    }
}

/// Owners as one cell: 「総務部 総務課、市長公室 常創戦略課」; empty when none is named.
pub fn owners(owners: &[Owner]) -> String {
    owners
        .iter()
        .map(Owner::label)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Yen;

    #[test]
    fn four_meanings_four_kinds() {
        let n = Value::Measured("0".parse().unwrap());
        assert_eq!(
            value_fields(Some(&n), None),
            [
                Field::Number("0".parse().unwrap()),
                Field::text("数値"),
                Field::Empty,
                Field::Empty
            ]
        );
        assert_eq!(
            value_fields(Some(&Value::NotApplicable), None)[1],
            Field::text("該当なし")
        );
        assert_eq!(
            value_fields(Some(&Value::NotReported), Some("注"))[1..],
            [Field::text("未記入"), Field::Empty, Field::text("注")]
        );
        assert_eq!(
            value_fields(Some(&Value::Qualitative("実施".into())), None)[..3],
            [Field::Empty, Field::text("文言"), Field::text("実施")]
        );
        assert_eq!(value_fields(None, None)[1], Field::text("記載なし"));
    }

    #[test]
    fn year_fields_read_as_the_year_says() {
        for y in [1900, 1926, 1989, 2019, 2024, 2200] {
            let fy = FiscalYear::new(y).unwrap();
            assert_eq!(
                year_fields(Some(fy)),
                [Field::Year(fy), Field::text(fy.wareki())]
            );
        }
        assert_eq!(
            year_fields(FiscalYear::new(2019).ok())[1],
            Field::text("令和元年度")
        );
    }

    #[test]
    fn sums_only_when_every_activity_has_an_amount() {
        let y = |n| Amount::Yen(Yen(n));
        assert_eq!(
            sum_fields(&[y(0), y(255_615_000)]),
            [Field::Integer(255_615_000), Field::text("数値")]
        );
        assert_eq!(
            sum_fields(&[y(5), Amount::NotReported]),
            [Field::Empty, Field::text("集計不可")]
        );
        assert_eq!(
            sum_fields(&[y(5), Amount::NotApplicable]),
            [Field::Empty, Field::text("集計不可")]
        );
        assert_eq!(
            sum_fields(&[Amount::NotReported, Amount::NotReported]),
            [Field::Empty, Field::text("未記入")]
        );
        assert_eq!(
            sum_fields(&[Amount::NotApplicable]),
            [Field::Empty, Field::text("該当なし")]
        );
        assert_eq!(sum_fields(&[]), [Field::Empty, Field::text("記載なし")]);
        assert_eq!(
            sum_fields(&[y(i64::MAX), y(1)]),
            [Field::Empty, Field::text("集計不可")]
        );
    }
}
