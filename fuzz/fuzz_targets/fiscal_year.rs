//! The small parsers of cell text: 年度 spellings, numbers, cells, 項目番号 and 団体コード.
//!
//! Each parser gets the whole input as text. Besides "never panics", an accepted value must
//! round-trip through the form kohyo itself prints, so that what a page shows reads back the same.

#![no_main]

use kohyo::fiscal_year::FiscalYear;
use kohyo::model::ActionKey;
use kohyo::muni_code::MuniCode;
use kohyo::value::{MoneyUnit, Number, Value, Yen, is_dash};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    fiscal_year(text);
    number(text);
    value(text);
    action_key(text);
    muni_code(text);
    let _ = MoneyUnit::parse(text);
    let _ = is_dash(text);
});

fn fiscal_year(text: &str) {
    match text.parse::<FiscalYear>() {
        Ok(y) => {
            assert!((1900..=2200).contains(&y.year()), "{text:?} → {y}");
            for shown in [y.wareki(), y.short_wareki(), y.to_string()] {
                assert_eq!(
                    shown.parse::<FiscalYear>(),
                    Ok(y),
                    "{text:?} shown as {shown:?}"
                );
            }
            let _ = y.long_label();
            if let Some((era, n)) = y.era() {
                assert!(n >= 1);
                assert_eq!(era.first_year() + n - 1, y.year());
            }
            if y.year() < 2200 {
                assert_eq!(y.next().year(), y.year() + 1);
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

fn number(text: &str) {
    match text.parse::<Number>() {
        Ok(n) => {
            let plain = n.plain();
            assert_eq!(plain.parse::<Number>(), Ok(n), "{text:?}: plain {plain:?}");
            let grouped = n.grouped();
            assert_eq!(
                grouped.parse::<Number>(),
                Ok(n),
                "{text:?}: grouped {grouped:?}"
            );
            assert_eq!(n.to_string(), grouped);
            assert_eq!(
                n.is_negative(),
                n.decimal().is_sign_negative() && !n.is_zero()
            );
            for unit in MoneyUnit::ALL {
                if let Some(yen) = Yen::from_unit(n, unit) {
                    // Whole 円 read back in the same unit is the same amount.
                    assert_eq!(
                        yen.in_unit(unit).decimal(),
                        n.decimal(),
                        "{text:?} in {}",
                        unit.label()
                    );
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

fn value(text: &str) {
    let v = Value::from_text(text);
    let t = text.trim();
    match &v {
        Value::NotReported => assert!(t.is_empty(), "{text:?}"),
        Value::NotApplicable => assert!(is_dash(t), "{text:?}"),
        Value::Measured(n) => assert_eq!(t.parse::<Number>().as_ref(), Ok(n), "{text:?}"),
        Value::Qualitative(s) => {
            assert_eq!(s, t);
            assert!(!t.is_empty() && !is_dash(t) && t.parse::<Number>().is_err());
        }
    }
    assert_eq!(v.number().is_some(), matches!(v, Value::Measured(_)));
}

fn action_key(text: &str) {
    if let Some(k) = ActionKey::parse(text) {
        assert!(!k.0.is_empty() && k.0.len() <= 8, "{text:?} → {k:?}");
        let slug = k.slug();
        assert!(
            slug.bytes().all(|b| b.is_ascii_digit() || b == b'-'),
            "{text:?}: slug {slug:?} is not URL-safe"
        );
        assert_eq!(ActionKey::parse(&slug), Some(k), "{text:?}: slug {slug:?}");
    }
}

fn muni_code(text: &str) {
    match text.parse::<MuniCode>() {
        Ok(c) => {
            assert_eq!(c.to_string(), text);
            assert!((1..=47).contains(&c.prefecture()));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}
