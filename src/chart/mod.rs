//! Charts: the model and compute results in, an accessible inline SVG string out. This module owns
//! the three kinds of chart pages embed —
//!
//! - the **indicator chart** ([`indicator_chart`]): 実績値 against 目標値 per fiscal year, with the
//!   final target and the baseline, over every year the indicator's history holds
//!   ([`history`] joins it across sheets);
//! - the **budget chart** ([`budget_chart`]): a project's 予算額 and 決算額 in the sheet's money unit;
//! - the **status chart** ([`status_chart`]): how many indicators are in each 達成状況;
//!
//! and what makes them accessible: `role="img"`, a `<title>` and a `<desc>` (the values in words)
//! referenced by `aria-labelledby`, a viewBox so the SVG scales, text kept as `<text>`, series
//! told apart by shape and line as well as colour, and every string escaped.
//!
//! Drawing uses plotters for the coordinate mapping and the axes, through a backend of kohyo's own
//! ([`backend`]) that writes compact SVG straight into one string ([`svg::Svg`]): lines of one
//! style merged into one `<path>`, dashes as `stroke-dasharray`, text as `<text>` with a class
//! that the theme's stylesheet styles (`.chart .tl` …) for the browser to lay out, so no system
//! font is needed at build time. Coordinates are whole units (or one decimal), so output is
//! byte-identical between runs. The SVG is meant to go into a page as it is (`| safe` in Tera):
//! everything in it was escaped here.

mod backend;
mod bars;
pub mod history;
mod indicator;
mod svg;

pub use bars::{StatusCount, budget_chart, status_chart, status_counts};
pub use indicator::indicator_chart;
pub use svg::{DATA_COLOURS, contrast_ratio, escape};

use crate::model::Direction;
use crate::value::Value;
use serde::Serialize;
use std::rc::Rc;

/// A finished chart. Its root `<svg>` has the classes `chart` and `chart-indicator`,
/// `chart-budget` or `chart-status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chart {
    /// The prefix of every id in the SVG (the `<title>` is `{id}-title`, the `<desc>` `{id}-desc`).
    pub id: String,
    /// What the chart is: 「転出者数の目標値と実績値の推移（グラフ）」.
    pub title: String,
    /// Its values in words.
    pub desc: String,
    /// The `<svg>` element, escaped and ready to embed; shared, not copied, by the page that
    /// shows it.
    #[serde(serialize_with = "serialize_str")]
    pub svg: Rc<str>,
}

/// Serialises shared text as a string.
fn serialize_str<S: serde::Serializer>(s: &Rc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(s)
}

impl Chart {
    /// The chart whose SVG `svg` wrote.
    fn new(id: &str, title: String, desc: String, svg: svg::Svg) -> Chart {
        Chart {
            id: id.to_string(),
            title,
            desc,
            svg: svg.finish(),
        }
    }
}

/// plotters' drawing errors, which cannot happen when drawing into a string, as an error.
fn err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("cannot draw a chart: {e:?}")
}

/// Appends a value as the description reads it: 「3,083人」「該当なし」「未記入」「「実施」」.
fn push_value_text(out: &mut String, v: &Value, unit: Option<&str>) {
    match v {
        Value::Measured(n) => {
            n.push_grouped(out);
            out.push_str(unit.unwrap_or(""));
        }
        Value::NotApplicable => out.push_str("該当なし"),
        Value::NotReported => out.push_str("未記入"),
        Value::Qualitative(w) => {
            out.push('「');
            out.push_str(w);
            out.push('」');
        }
    }
}

/// Which way is better, as the description says it.
fn direction_phrase(d: Direction) -> &'static str {
    match d {
        Direction::Up => "多いほど良い指標",
        Direction::Down => "少ないほど良い指標",
        Direction::Keep => "目標の水準を保つ指標",
    }
}

#[cfg(test)]
mod tests {
    use super::history::MoneyRow;
    use super::*;
    use crate::fiscal_year::FiscalYear;
    use crate::model::{AchievementConfig, Entry, Indicator, YearEntry};
    use crate::value::{Amount, MoneyUnit, Yen};
    use crate::year_map::YearMap;

    fn fy(y: i64) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn cells(list: &[(i64, &str)]) -> YearMap<Entry> {
        list.iter()
            .map(|(y, t)| {
                (
                    fy(*y),
                    Entry {
                        value: Value::from_text(t),
                        note: None,
                    },
                )
            })
            .collect()
    }

    fn indicator(name: &str, targets: &[(i64, &str)], actuals: &[(i64, &str)]) -> Indicator {
        Indicator {
            id: name.into(),
            name: name.into(),
            unit: Some("人".into()),
            kind: None,
            direction: Direction::Up,
            baseline: None,
            targets: cells(targets),
            actuals: cells(actuals),
            final_target: None,
            method: None,
            tolerance_percent: None,
            note: None,
        }
    }

    fn chart(ind: &Indicator, id: &str) -> Chart {
        indicator_chart(ind, Some(fy(2025)), id, &AchievementConfig::default())
            .unwrap()
            .expect("a chart")
    }

    /// The filled blue circles in the plot: one per plotted 実績値 (the legend's, the lowest of
    /// all, sits below the plot).
    fn actual_points(svg: &str) -> Vec<&str> {
        let mut circles: Vec<&str> = svg
            .lines()
            .filter(|l| l.starts_with("<circle") && l.contains("fill=\"#0031D8\""))
            .collect();
        circles.sort_by_key(|l| attr(l, "cy").parse::<i32>().unwrap());
        circles.pop();
        circles
    }

    fn attr<'a>(line: &'a str, name: &str) -> &'a str {
        let key = format!(" {name}=\"");
        let start = line.find(&key).unwrap() + key.len();
        &line[start..start + line[start..].find('"').unwrap()]
    }

    #[test]
    fn the_fewer_is_better_example_reads_as_on_the_sheet() {
        let mut ind = indicator("転出者数", &[], &[(2024, "3083")]);
        ind.direction = Direction::Down;
        ind.final_target = Some(YearEntry {
            value: Value::from_text("2700"),
            year: Some(fy(2027)),
            note: None,
        });
        let c = indicator_chart(&ind, Some(fy(2024)), "i1", &AchievementConfig::default())
            .unwrap()
            .unwrap();
        assert_eq!(c.title, "転出者数の目標値と実績値の推移（グラフ）");
        assert!(
            c.desc.contains(
                "令和6年度 実績3,083人（目標2,700人（令和9年度の最終目標）、達成率87.6%、目標未達成）"
            ),
            "{}",
            c.desc
        );
        assert!(c.desc.contains("少ないほど良い指標"));
        assert!(c.svg.contains(">\n最終目標 2,700人\n</text>"), "{}", c.svg);
        // Years from the actual to the final target, 和暦 with 西暦.
        for label in ["R6", "(2024)", "R9", "(2027)"] {
            assert!(c.svg.contains(&format!(">\n{label}\n</text>")), "{label}");
        }
        assert!(c.svg.contains(">\n単位：人\n</text>"));
    }

    #[test]
    fn blanks_and_dashes_are_gaps_with_a_note_never_zero() {
        let ind = indicator(
            "参加人数",
            &[(2021, "10"), (2022, "10"), (2023, "10"), (2024, "10")],
            &[(2021, "8"), (2022, ""), (2023, "－"), (2024, "12")],
        );
        let c = chart(&ind, "g");
        let points = actual_points(&c.svg);
        assert_eq!(points.len(), 2, "{}", c.svg);
        // No point at 2022 or 2023: the two points are the outer years, far apart.
        let xs: Vec<i32> = points
            .iter()
            .map(|l| attr(l, "cx").parse().unwrap())
            .collect();
        let ys: Vec<i32> = points
            .iter()
            .map(|l| attr(l, "cy").parse().unwrap())
            .collect();
        assert!((xs[1] - xs[0]).abs() > 150, "{xs:?}");
        // The points are the values 8 and 12 (sorted by height: 12 is the upper one), not a 0.
        assert!(ys[0] < ys[1], "{ys:?}");
        assert!(
            !c.svg.contains(">\n0\n</text>"),
            "the axis does not reach 0 here"
        );
        // Two runs of actual line, so no line crosses the gap. Lines of one style share a
        // `<path>`; each line starts with a move (`M`).
        let lines: usize = c
            .svg
            .lines()
            .filter(|l| l.starts_with("<path") && l.contains("stroke=\"#0031D8\""))
            .map(|l| attr(l, "d").matches('M').count())
            .sum();
        assert_eq!(
            lines, 1,
            "only the legend's line: single points draw no segment"
        );
        // R7 (2025) is the page's year, with no actual: a gap too.
        for note in ["実績値 R4・R7：未記入", "実績値 R5：該当なし（－）"] {
            assert!(c.desc.contains(note), "desc lacks {note}: {}", c.desc);
            assert!(c.svg.contains(note), "svg lacks {note}");
        }
        // 2025 is the page's year with no actual reported at all: also a gap.
        let ind2 = indicator("x", &[(2024, "1"), (2025, "2")], &[(2024, "1")]);
        assert!(chart(&ind2, "h").desc.contains("実績値 R7：未記入"));
    }

    #[test]
    fn a_qualitative_target_is_stated_not_plotted() {
        let ind = indicator("協定締結", &[(2024, "1"), (2025, "実施")], &[(2024, "1")]);
        let c = chart(&ind, "q");
        assert!(
            c.desc
                .contains("目標値 R7：「実施」（数値でないため図示していません）")
        );
        let squares = c
            .svg
            .lines()
            .filter(|l| l.starts_with("<rect") && l.contains("stroke=\"#B34A00\""))
            .count();
        // One square for the plotted 2024 target, one in the legend: none for 「実施」.
        assert_eq!(squares, 2, "{}", c.svg);
        // A qualitative-only indicator has nothing to plot.
        let words = indicator("実施", &[(2024, "実施")], &[(2024, "実施")]);
        assert!(
            indicator_chart(&words, None, "w", &AchievementConfig::default())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let mut ind = indicator(
            "<script>alert('x')</script>",
            &[(2024, "1")],
            &[(2024, "1")],
        );
        ind.unit = Some("<b>&\"".into());
        let c = chart(&ind, "e\"><script>");
        assert!(!c.svg.contains("<script"), "{}", c.svg);
        assert!(!c.svg.contains("<b>"));
        assert!(c.svg.contains("&lt;script&gt;alert("));
        assert!(c.svg.contains("&lt;b&gt;&amp;&quot;"));
        let rows = [
            MoneyRow {
                label: "<script>".into(),
                budget: Amount::Yen(Yen(1000)),
                settlement: Amount::NotReported,
            },
            MoneyRow {
                label: "b&b".into(),
                budget: Amount::Yen(Yen(0)),
                settlement: Amount::Yen(Yen(0)),
            },
        ];
        let b = budget_chart(&rows, MoneyUnit::ThousandYen, "<i>", "b")
            .unwrap()
            .unwrap();
        assert!(!b.svg.contains("<script") && !b.svg.contains("<i>"));
        assert!(b.svg.contains("b&amp;b"));
    }

    #[test]
    fn output_is_deterministic() {
        let mut ind = indicator(
            "市税徴収率",
            &[(2023, "98.0"), (2024, "98.2")],
            &[(2023, "97.91"), (2024, "98.36")],
        );
        ind.baseline = Some(YearEntry {
            value: Value::from_text("97.91"),
            year: Some(fy(2022)),
            note: None,
        });
        ind.unit = Some("%".into());
        let a = chart(&ind, "d");
        let b = chart(&ind, "d");
        assert_eq!(a, b);
        // No float noise in coordinates or sizes.
        for l in a.svg.lines() {
            for name in [
                "x",
                "y",
                "cx",
                "cy",
                "x1",
                "y1",
                "width",
                "height",
                "font-size",
            ] {
                if let Some(i) = l.find(&format!(" {name}=\"")) {
                    let v = &l[i + name.len() + 3..];
                    let v = &v[..v.find('"').unwrap()];
                    assert!(v.len() <= 6, "{name}={v} in {l}");
                }
            }
        }
    }

    #[test]
    fn lines_are_single_paths_and_text_is_styled_by_class() {
        let years: Vec<(i64, &str)> = (2020..=2024).map(|y| (y, "10")).collect();
        let c = chart(&indicator("a", &years, &years[..4]), "p");
        // The dashed 目標値 line is one path with a dash pattern (plus the legend's), not one
        // element per dash; the four actuals make one solid run.
        let orange: Vec<&str> = c
            .svg
            .lines()
            .filter(|l| l.starts_with("<path") && l.contains("stroke=\"#B34A00\""))
            .collect();
        assert_eq!(orange.len(), 2, "{}", c.svg);
        assert!(
            orange
                .iter()
                .all(|l| l.contains("stroke-dasharray=\"6 4\""))
        );
        let blue = c
            .svg
            .lines()
            .filter(|l| l.starts_with("<path") && l.contains("stroke=\"#0031D8\""))
            .map(|l| attr(l, "d").matches('M').count())
            .collect::<Vec<_>>();
        assert_eq!(blue, [1, 1], "the series and the legend: {}", c.svg);
        assert!(!c.svg.contains("<polyline"));
        // Text has a class and no font attributes; the theme sizes it.
        assert!(!c.svg.contains("font-"), "{}", c.svg);
        let texts = c.svg.matches("<text ").count();
        assert!(texts > 10);
        assert_eq!(c.svg.matches("<text x=\"").count(), texts);
        assert_eq!(c.svg.matches("\" class=\"t").count(), texts);
    }

    #[test]
    fn ids_are_unique_with_two_charts_on_a_page() {
        let ind = indicator("a", &[(2024, "1")], &[(2024, "1")]);
        let page = format!("{}\n{}", chart(&ind, "ind-1").svg, chart(&ind, "ind-2").svg);
        let ids: Vec<&str> = page
            .match_indices(" id=\"")
            .map(|(i, _)| {
                let rest = &page[i + 5..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect();
        assert_eq!(ids.len(), 4);
        let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
        for svg in page.split("</svg>").filter(|s| s.contains("<svg")) {
            let labelled = attr(svg.trim_start().lines().next().unwrap(), "aria-labelledby");
            for id in labelled.split(' ') {
                assert!(svg.contains(&format!(" id=\"{id}\"")), "{id}");
            }
        }
    }

    #[test]
    fn the_root_is_an_accessible_scalable_image() {
        let c = chart(&indicator("a", &[(2024, "1")], &[(2024, "1")]), "x");
        let root = c.svg.lines().next().unwrap();
        assert!(root.starts_with("<svg "));
        assert!(root.contains("role=\"img\""));
        assert!(root.contains("class=\"chart chart-indicator\""));
        assert!(root.contains("aria-labelledby=\"x-title x-desc\""));
        assert!(root.contains("viewBox=\"0 0 400 "));
        assert!(!root.contains(" width=") && !root.contains(" height="));
        assert!(c.svg.ends_with("</svg>"));
        assert!(
            c.svg.contains("<title id=\"x-title\">a の")
                || c.svg.contains("<title id=\"x-title\">aの")
        );
    }

    #[test]
    fn budget_and_status_charts_show_every_row_in_words() {
        let rows = [
            MoneyRow {
                label: "常総広域事務組合への負担金の支払い".into(),
                budget: Amount::Yen(Yen(255_615_000)),
                settlement: Amount::NotReported,
            },
            MoneyRow {
                label: "出席".into(),
                budget: Amount::Yen(Yen(0)),
                settlement: Amount::NotApplicable,
            },
        ];
        let b = budget_chart(&rows, MoneyUnit::ThousandYen, "広域行政", "b")
            .unwrap()
            .unwrap();
        assert!(
            b.desc
                .contains("常総広域事務組合への負担金の支払い 予算額255,615千円・決算額未記入")
        );
        assert!(b.svg.contains("決算 未記入") && b.svg.contains("決算 該当なし（－）"));
        assert!(b.svg.contains("予算 0千円"));
        assert!(
            budget_chart(&rows[..1], MoneyUnit::Yen, "x", "b")
                .unwrap()
                .is_none()
        );

        let ind = indicator("a", &[(2024, "10")], &[(2024, "9")]);
        let blank = indicator("b", &[(2024, "10")], &[]);
        let counts = status_counts([&ind, &blank], fy(2024), &AchievementConfig::default());
        assert_eq!(counts.len(), 7);
        assert_eq!(counts[1].count, 1, "9 of 10 is ○");
        assert_eq!(counts[4].label, "未測定");
        assert_eq!(counts[4].count, 1);
        let s = status_chart(&counts, "常総市 令和6年度", "s").unwrap();
        assert!(
            s.desc
                .starts_with("常総市 令和6年度の指標2件の達成状況：目標達成 0件")
        );
        assert!(s.svg.contains("○ 概ね達成（80%以上）"));
    }
}
