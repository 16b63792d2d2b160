//! Indicators (指標) wherever they stand (a project's outcomes and activities, a plan node, an
//! action report's KPI): their yearly cells and values read by fiscal year, a name, a direction,
//! a unit for numbers, the tolerance and baseline 達成率 needs, ids unique where they are joined
//! across years, and numbers written as words (a warning).

use super::{Ctx, SetHint};
use crate::diagnostics::Diagnostic;
use crate::format::{Cell, IndicatorDef, YearCells, YearValue};
use crate::model::{Direction, Entry, Indicator, Method, YearEntry};
use crate::value::Value;
use crate::year_map::YearMap;
use std::collections::BTreeSet;
use std::ops::Range;
use toml::Spanned;

fn entry(c: &Cell) -> Entry {
    Entry {
        value: c.value.clone(),
        note: c.note.clone(),
    }
}

fn year_cells(cells: &YearCells, field: &str, cx: &mut Ctx) -> YearMap<Entry> {
    let mut out = YearMap::new();
    for (k, c) in cells {
        if let Some(y) = cx.year_key(k, field) {
            if out.insert(y, entry(c)).is_some() {
                cx.error(
                    Some(k.span()),
                    field,
                    format!("{} is given twice", y.wareki()),
                )
                .set_hint("R6, 令和6 and 2024 are the same year");
            }
        }
    }
    out
}

fn year_value(v: &YearValue, field: &str, cx: &mut Ctx) -> YearEntry {
    YearEntry {
        value: v.value.value.clone(),
        year: v
            .year
            .as_ref()
            .and_then(|y| cx.year(y, &format!("{field}.year"))),
        note: v.note.clone().or_else(|| v.value.note.clone()),
    }
}

/// A list of indicators, each validated ([`indicator`]) as `{field}[i]`; those without a
/// direction are left out.
pub(super) fn indicators(
    defs: &[Spanned<IndicatorDef>],
    field: &str,
    cx: &mut Ctx,
) -> Vec<Indicator> {
    defs.iter()
        .enumerate()
        .filter_map(|(i, d)| indicator(d, &format!("{field}[{i}]"), cx))
        .collect()
}

/// Validates one indicator (指標) at `field`: its yearly values, a name, a direction, a unit for
/// numbers, its tolerance, a numeric baseline where 達成率 is measured from it, and numbers
/// written as words (a warning). `None` when it has no direction (its 達成率 cannot be computed).
pub(super) fn indicator(s: &Spanned<IndicatorDef>, field: &str, cx: &mut Ctx) -> Option<Indicator> {
    let at = IndicatorAt {
        def: s.get_ref(),
        span: s.span(),
        field,
    };
    let values = at.values(cx);
    at.check_name(cx);
    let direction = at.direction(cx);
    let ind = at.model(values, direction.unwrap_or(Direction::Up));
    at.check_unit(&ind, cx);
    at.check_tolerance(cx);
    at.check_progress_baseline(&ind, direction, cx);
    at.warn_numberish(cx);
    direction.map(|_| ind)
}

/// An indicator's definition with where it stands: its span, and its field (`outcomes[0]` …).
struct IndicatorAt<'a> {
    def: &'a IndicatorDef,
    span: Range<usize>,
    field: &'a str,
}

/// An indicator's values by fiscal year, validated.
struct IndicatorValues {
    targets: YearMap<Entry>,
    actuals: YearMap<Entry>,
    baseline: Option<YearEntry>,
    final_target: Option<YearEntry>,
}

impl IndicatorAt<'_> {
    /// The field `what` of this indicator (`outcomes[0].unit`).
    fn field(&self, what: &str) -> String {
        format!("{}.{what}", self.field)
    }

    /// Reports an error about field `what` of this indicator, at the indicator.
    fn error<'c>(
        &self,
        what: &str,
        message: impl Into<String>,
        cx: &'c mut Ctx,
    ) -> &'c mut Diagnostic {
        cx.error(Some(self.span.clone()), &self.field(what), message)
    }

    /// 目標値 and 実績値 by fiscal year, 基準値 and 最終目標値 with their years.
    fn values(&self, cx: &mut Ctx) -> IndicatorValues {
        let d = self.def;
        let targets = year_cells(&d.targets, &self.field("targets"), cx);
        let actuals = year_cells(&d.actuals, &self.field("actuals"), cx);
        let baseline = d
            .baseline
            .as_ref()
            .map(|b| year_value(b, &self.field("baseline"), cx));
        let final_target = d
            .final_target
            .as_ref()
            .map(|b| year_value(b, &self.field("final_target"), cx));
        IndicatorValues {
            targets,
            actuals,
            baseline,
            final_target,
        }
    }

    /// The model's indicator: joined across years by its id (the name unless given), trimmed.
    fn model(&self, values: IndicatorValues, direction: Direction) -> Indicator {
        let d = self.def;
        Indicator {
            id: d.id.as_ref().unwrap_or(&d.name).trim().to_string(),
            name: d.name.clone(),
            unit: d.unit.clone().filter(|u| !u.trim().is_empty()),
            kind: d.kind,
            direction,
            baseline: values.baseline,
            targets: values.targets,
            actuals: values.actuals,
            final_target: values.final_target,
            method: d.method,
            tolerance_percent: d.tolerance_percent,
            note: d.note.clone(),
        }
    }

    /// An indicator needs a name.
    fn check_name(&self, cx: &mut Ctx) {
        if self.def.name.trim().is_empty() {
            self.error("name", "an indicator needs a name", cx);
        }
    }

    /// 増加, 減少 or 維持: which way is better, without which there is no 達成率.
    fn direction(&self, cx: &mut Ctx) -> Option<Direction> {
        let Some(dir) = &self.def.direction else {
            self.error("direction", format!("indicator \"{}\" has no direction", self.def.name), cx)
                .set_hint("add direction = \"増加\" (more is better), \"減少\" (fewer is better) or \"維持\" (keep the level)");
            return None;
        };
        Some(*dir.get_ref())
    }

    /// A number needs a unit to be read.
    fn check_unit(&self, ind: &Indicator, cx: &mut Ctx) {
        if ind.unit.is_none() && ind.has_number() {
            self.error(
                "unit",
                format!("indicator \"{}\" has numeric values but no unit", self.def.name),
                cx,
            )
            .set_hint(
                "add unit = \"人\", \"件\", \"%\", \"千円\" …; a number without a unit cannot be read",
            );
        }
    }

    /// The band of a 維持 indicator is a percentage.
    fn check_tolerance(&self, cx: &mut Ctx) {
        if let Some(t) = self.def.tolerance_percent {
            if !(0.0..=100.0).contains(&t) {
                self.error("tolerance_percent", "must be between 0 and 100", cx);
            }
        }
    }

    /// A 減少 indicator whose 達成率 is measured from the baseline ("progress", its own method or
    /// the site's) needs a numeric baseline.
    fn check_progress_baseline(&self, ind: &Indicator, direction: Option<Direction>, cx: &mut Ctx) {
        let d = self.def;
        let method = d.method.unwrap_or(cx.method);
        let numeric_baseline = ind
            .baseline
            .as_ref()
            .and_then(|b| b.value.number())
            .is_some();
        if direction != Some(Direction::Down) || method != Method::Progress || numeric_baseline {
            return;
        }
        let (msg, from) = if d.method.is_some() {
            ("this indicator's method", "method = \"ratio\" here")
        } else {
            (
                "the site's method (kohyo.toml [achievement])",
                "method = \"ratio\" on the indicator",
            )
        };
        self.error(
            "method",
            format!("{msg} is \"progress\", measured from the baseline, but \"{}\" has no numeric baseline", d.name),
            cx,
        )
        .set_hint(&format!("add baseline = {{ value = …, year = … }}, or set {from}"));
    }

    /// Numbers written as words in any of the indicator's values ([`warn_numberish`]).
    fn warn_numberish(&self, cx: &mut Ctx) {
        let d = self.def;
        for (what, cells) in [("targets", &d.targets), ("actuals", &d.actuals)] {
            for (k, c) in cells {
                warn_numberish(c, k.span(), &self.field(what), cx);
            }
        }
        for (what, v) in [("baseline", &d.baseline), ("final_target", &d.final_target)] {
            if let Some(v) = v {
                warn_numberish(&v.value, self.span.clone(), &self.field(what), cx);
            }
        }
    }
}

/// Indicators are joined across years by id (the name unless given) within their activity (or
/// the outcomes), so two indicators of one activity must not share one.
pub(super) fn check_indicator_ids<'a>(
    defs: impl Iterator<Item = &'a Spanned<IndicatorDef>>,
    cx: &mut Ctx,
) {
    let mut seen = BTreeSet::new();
    for d in defs {
        let id = d
            .get_ref()
            .id
            .as_deref()
            .unwrap_or(&d.get_ref().name)
            .trim()
            .to_string();
        if !seen.insert(id.clone()) {
            cx.error(Some(d.span()), "id", format!("two indicators here are both identified as \"{id}\""))
                .set_hint("give each a distinct id = \"…\" (the name stays as printed); ids join an indicator across years");
        }
    }
}

/// Words that start like a number (「3,083人」「85.0%」「27,00」) are almost always a number typed
/// with its unit or a typo; they would silently become a qualitative value (評価なし).
fn warn_numberish(c: &Cell, span: Range<usize>, field: &str, cx: &mut Ctx) {
    let Value::Qualitative(text) = &c.value else {
        return;
    };
    let numeric: String = text
        .chars()
        .take_while(|ch| {
            ch.is_ascii_digit()
                || matches!(ch, '０'..='９' | ',' | '，' | '.' | '．' | '-' | '－' | '▲')
        })
        .collect();
    if numeric
        .chars()
        .any(|ch| ch.is_ascii_digit() || matches!(ch, '０'..='９'))
    {
        let hint = match numeric.parse::<crate::value::Number>() {
            Ok(n) => format!(
                "write the number alone ({}) and put the unit in unit = \"…\"; words are kept as a qualitative value",
                n.plain()
            ),
            Err(_) => {
                "check the digits and separators; words are kept as a qualitative value".to_string()
            }
        };
        cx.warn(
            Some(span),
            field,
            format!("\"{text}\" is read as words, not as a number"),
        )
        .set_hint(&hint);
    }
}
