//! The indicator chart: 実績値 and 目標値 per fiscal year, the final target with its year and the
//! baseline, for one (joined) indicator.
//!
//! Series differ by shape and line as well as colour: 実績値 a solid blue line with filled
//! circles; 目標値 a dashed orange line with hollow squares; 最終目標 a filled orange triangle with
//! its value written beside it; 現状値 a grey hollow circle with a dotted line. A year without a
//! number is a gap in the line, never a 0, and is listed under the chart in words.

use super::backend::{At, Axes, Backend};
use super::svg::{
    self, BLUE, GREY, GRID, ORANGE, Paint, SUB, Stroke, Svg, TEXT, TextClass, font, tick, wrap,
};
use super::{Chart, direction_phrase, err, push_value_text};
use crate::compute::{self, Assessment, Unassessed};
use crate::fiscal_year::FiscalYear;
use crate::model::{AchievementConfig, Indicator};
use crate::value::Value;
use crate::year_map::YearMap;
use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordi32;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rust_decimal::prelude::ToPrimitive;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// The chart's width in SVG units; pages scale it down (to 320 px) and never up past it.
const W: u32 = 400;
const PAD: i32 = 8;
/// The line above the plot that names the unit.
const UNIT_H: i32 = 32;
const PLOT_H: i32 = 170;
/// Tick labels under the x axis: 「R6」 and 「(2024)」.
const XLAB_H: i32 = 40;
const LEGEND_ROW: i32 = 22;
const NOTE_ROW: i32 = 18;
const LABEL_PX: f64 = 13.0;
const SMALL_PX: f64 = 12.0;

/// Which years of the joined indicator the chart spans, and which of those it labels.
struct Years {
    first: i32,
    last: i32,
    labelled: Vec<i32>,
}

/// The x coordinate of a fiscal year: in half years, so that the axis can reach half a year past
/// the first and last (plotters' custom ticks need an integer axis).
fn x_of(year: i32) -> i32 {
    year * 2
}

/// The numbers of one series by year.
type Points = BTreeMap<i32, f64>;

fn numbers(cells: &YearMap<crate::model::Entry>) -> Points {
    cells
        .iter()
        .filter_map(|(y, e)| Some((i32::from(y.year()), e.value.number()?.decimal().to_f64()?)))
        .collect()
}

/// A value with a year (baseline, final target) when both are there and the value is a number.
fn dated_number(e: Option<&crate::model::YearEntry>) -> Option<(Option<i32>, f64)> {
    let e = e?;
    let v = e.value.number()?.decimal().to_f64()?;
    Some((e.year.map(|y| i32::from(y.year())), v))
}

/// Runs of consecutive fiscal years: a missing year breaks the line.
fn runs(points: &Points) -> Vec<Vec<(i32, f64)>> {
    let mut out: Vec<Vec<(i32, f64)>> = Vec::new();
    let mut prev: Option<i32> = None;
    for (&y, &v) in points {
        match out.last_mut() {
            Some(run) if prev == Some(y - 1) => run.push((x_of(y), v)),
            _ => out.push(vec![(x_of(y), v)]),
        }
        prev = Some(y);
    }
    out
}

/// The y range: from 0 when the data are non-negative and not far from 0 (so that sizes compare),
/// else the data's span with a tenth of it added on either side.
fn y_range(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let (lo, hi) = if lo >= 0.0 && (lo <= hi * 0.5 || lo == hi) {
        (0.0, hi)
    } else {
        (lo, hi)
    };
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.12
    } else {
        (hi.abs() * 0.12).max(1.0)
    };
    let bottom = if lo == 0.0 && span > 0.0 {
        0.0
    } else {
        lo - pad
    };
    (bottom, hi + pad)
}

/// How many y labels to ask plotters for: five, or fewer when every value is a whole number and
/// the range is small, so that a count of 件 is not labelled 0.5.
fn y_label_count(values: &[f64], lo: f64, hi: f64) -> usize {
    if values.iter().all(|v| v.fract() == 0.0) {
        ((hi - lo).floor() as usize + 1).clamp(2, 5)
    } else {
        5
    }
}

/// Why a cell has no point, in the words of the tables.
fn gap_word(v: &Value) -> Option<String> {
    match v {
        Value::Measured(_) => None,
        Value::NotApplicable => Some("該当なし（－）".into()),
        Value::NotReported => Some("未記入".into()),
        Value::Qualitative(w) => Some(format!("「{w}」（数値でないため図示していません）")),
    }
}

/// Notes on what the chart cannot show: gaps in 実績値 up to the reported year, 目標値 cells
/// without a number, a baseline or final target in words. Each is 「series years：why」.
fn gap_notes(ind: &Indicator, reported_through: Option<FiscalYear>) -> Vec<String> {
    let mut notes: Vec<(String, Vec<FiscalYear>)> = Vec::new();
    let mut add = |series: &str, year: FiscalYear, why: String| {
        let key = format!("{series}\u{0}{why}");
        match notes.iter_mut().find(|(k, _)| *k == key) {
            Some((_, years)) => years.push(year),
            None => notes.push((key, vec![year])),
        }
    };
    let reported = ind.targets.keys().chain(ind.actuals.keys()).min().copied();
    if let (Some(first), Some(through)) = (reported, reported_through) {
        let mut y = first;
        while y <= through {
            if let Some(why) = gap_word(ind.actual(y)) {
                add("実績値", y, why);
            }
            if y.year() == u16::MAX {
                break;
            }
            y = y.next();
        }
    }
    for (y, e) in &ind.targets {
        if let Some(why) = gap_word(&e.value) {
            add("目標値", *y, why);
        }
    }
    let mut out: Vec<String> = notes
        .into_iter()
        .map(|(key, years)| {
            let (series, why) = key.split_once('\u{0}').unwrap_or((&key, ""));
            let years: Vec<String> = years.iter().map(|y| y.short_wareki()).collect();
            format!("{series} {}：{why}", years.join("・"))
        })
        .collect();
    for (label, e) in [("現状値", &ind.baseline), ("最終目標", &ind.final_target)] {
        if let Some(e) = e {
            if let Some(why) = gap_word(&e.value) {
                let year = e.year.map(|y| format!(" {}", y.short_wareki()));
                out.push(format!("{label}{}：{why}", year.unwrap_or_default()));
            }
        }
    }
    if ind.actuals.values().all(|e| e.value.number().is_none()) {
        // Nothing of the series is drawn: one note says so instead of one per year.
        out.retain(|n| !n.starts_with("実績値"));
        out.insert(0, "実績値の記載はありません".into());
    }
    out
}

/// The description: every number the chart shows, with 達成率, in a few sentences. Written
/// into one `String`: a chart's description has a dozen values in it.
fn describe(ind: &Indicator, config: &AchievementConfig, notes: &[String]) -> String {
    let unit = ind.unit.as_deref();
    let mut s = String::with_capacity(512);
    s.push_str(&ind.name);
    s.push('（');
    if let Some(u) = unit {
        s.push_str("単位：");
        s.push_str(u);
        s.push('、');
    }
    s.push_str(direction_phrase(ind.direction));
    s.push_str("）。");
    push_actuals(&mut s, ind, config);
    let mut any = false;
    for (y, e) in ind
        .targets
        .iter()
        .filter(|(_, e)| e.value.number().is_some())
    {
        s.push_str(if any { "、" } else { "目標値は" });
        any = true;
        y.push_wareki(&mut s);
        s.push(' ');
        push_value_text(&mut s, &e.value, unit);
    }
    if any {
        s.push('。');
    }
    for (label, e) in [("最終目標", &ind.final_target), ("現状値", &ind.baseline)] {
        if let Some(e) = e.as_ref().filter(|e| e.value.number().is_some()) {
            s.push_str(label);
            s.push('は');
            if let Some(y) = e.year {
                y.push_wareki(&mut s);
                s.push(' ');
            }
            push_value_text(&mut s, &e.value, unit);
            s.push('。');
        }
    }
    if let Some((first, rest)) = notes.split_first() {
        s.push_str("グラフに点のない値：");
        s.push_str(first);
        for n in rest {
            s.push('、');
            s.push_str(n);
        }
        s.push('。');
    }
    s
}

/// 「R4 実績120人（目標100人、達成率120.0%、目標達成）、…。」: each year's 実績値 with how it
/// was assessed, for the chart's description.
fn push_actuals(s: &mut String, ind: &Indicator, config: &AchievementConfig) {
    let unit = ind.unit.as_deref();
    let mut any = false;
    for (y, e) in &ind.actuals {
        let Some(n) = e.value.number() else { continue };
        if any {
            s.push('、');
        }
        any = true;
        y.push_wareki(s);
        s.push_str(" 実績");
        push_value_text(s, &Value::Measured(n), unit);
        push_assessment(s, compute::assess(ind, *y, config), unit);
    }
    if any {
        s.push('。');
    }
}

/// 「（目標100人、達成率120.0%、目標達成）」, or why a year was not assessed.
fn push_assessment(s: &mut String, a: Assessment, unit: Option<&str>) {
    match a {
        Assessment::Assessed {
            target,
            source,
            achieved,
            ..
        } => {
            s.push_str("（目標");
            push_value_text(s, &Value::Measured(target), unit);
            if let Some(l) = source.final_label() {
                s.push('（');
                s.push_str(&l);
                s.push('）');
            }
            if let Some(r) = a.rate_display() {
                s.push_str("、達成率");
                s.push_str(&r);
                s.push('%');
            }
            s.push_str(if achieved {
                "、目標達成）"
            } else {
                "、目標未達成）"
            });
        }
        Assessment::Unassessed(u) => {
            let why = match u {
                Unassessed::NotAssessable => "目標値がないか数値でないため評価なし",
                other => other.label(),
            };
            s.push('（');
            s.push_str(why);
            s.push('）');
        }
    }
}

/// What a legend entry looks like.
#[derive(Clone, Copy)]
enum Key {
    Actual,
    Target,
    Final,
    Baseline,
}

/// 実績値: a solid blue line.
const ACTUAL_LINE: Stroke = Stroke {
    colour: (BLUE.0, BLUE.1, BLUE.2),
    width: 2,
    dash: None,
};
/// 目標値: an orange line, dashed 6 on 4 off.
const TARGET_LINE: Stroke = Stroke {
    colour: (ORANGE.0, ORANGE.1, ORANGE.2),
    width: 2,
    dash: Some((6, 4)),
};
/// 現状値: a grey dotted line.
const BASELINE_LINE: Stroke = Stroke {
    colour: (GREY.0, GREY.1, GREY.2),
    width: 2,
    dash: Some((2, 3)),
};
const TOP_LEFT: (HPos, VPos) = (HPos::Left, VPos::Top);
const TOP_CENTRE: (HPos, VPos) = (HPos::Center, VPos::Top);

/// Draws the sample of a legend entry centred at `(x, y)`.
fn draw_key(svg: &mut Svg, key: Key, (x, y): (i32, i32)) {
    let sample = [(x - 14, y), (x + 14, y)];
    match key {
        Key::Actual => {
            svg.line(sample, ACTUAL_LINE);
            svg.circle((x, y), 4, Paint::filled(BLUE));
        }
        Key::Target => {
            svg.line(sample, TARGET_LINE);
            hollow_square(svg, (x, y));
        }
        Key::Final => svg.triangle((x, y), 6, Paint::filled(ORANGE)),
        Key::Baseline => {
            svg.line(sample, BASELINE_LINE);
            svg.circle((x, y), 4, Paint::outlined(GREY, 2));
        }
    }
}

/// The 目標値 marker: a hollow orange square.
fn hollow_square(svg: &mut Svg, (x, y): (i32, i32)) {
    svg.rect((x - 4, y - 4), (x + 4, y + 4), Paint::outlined(ORANGE, 2));
}

/// What one indicator chart plots: its series, its notes and the span of its axes.
struct Plot<'a> {
    actuals: Points,
    targets: Points,
    final_target: Option<(Option<i32>, f64)>,
    baseline: Option<(Option<i32>, f64)>,
    /// The years without a number, in words, listed under the chart.
    notes: Vec<String>,
    unit: Option<&'a str>,
    years: Years,
    /// Every plotted value, for the y range and its labels.
    values: Vec<f64>,
    y_lo: f64,
    y_hi: f64,
    /// Legend entries, in the order of the series' importance.
    keys: Vec<(Key, Cow<'static, str>)>,
}

impl<'a> Plot<'a> {
    /// The series of `ind`; `reported_through` as for [`indicator_chart`].
    fn of(ind: &'a Indicator, reported_through: Option<FiscalYear>) -> Plot<'a> {
        let actuals = numbers(&ind.actuals);
        let targets = numbers(&ind.targets);
        let final_target = dated_number(ind.final_target.as_ref());
        let baseline = dated_number(ind.baseline.as_ref());
        let through = reported_through.or_else(|| {
            ind.actuals
                .iter()
                .filter(|(_, e)| !e.value.is_not_reported())
                .map(|(y, _)| *y)
                .max()
        });
        // Years: every year with a cell, plus the years of the baseline and the final target.
        let all_years: Vec<i32> = ind
            .targets
            .keys()
            .chain(ind.actuals.keys())
            .map(|y| i32::from(y.year()))
            .chain(final_target.and_then(|f| f.0))
            .chain(baseline.and_then(|b| b.0))
            .collect();
        let mut values: Vec<f64> = actuals.values().chain(targets.values()).copied().collect();
        values.extend(final_target.map(|f| f.1));
        values.extend(baseline.map(|b| b.1));
        let (y_lo, y_hi) = y_range(&values);
        let mut keys: Vec<(Key, Cow<'static, str>)> = Vec::with_capacity(4);
        if !actuals.is_empty() {
            keys.push((Key::Actual, "実績値".into()));
        }
        if !targets.is_empty() {
            keys.push((Key::Target, "目標値".into()));
        }
        if let Some((year, _)) = final_target {
            keys.push((Key::Final, dated_label("最終目標", year).into()));
        }
        if let Some((year, _)) = baseline {
            keys.push((Key::Baseline, dated_label("現状値", year).into()));
        }
        Plot {
            notes: gap_notes(ind, through),
            unit: ind.unit.as_deref(),
            years: Years::spanning(&all_years),
            actuals,
            targets,
            final_target,
            baseline,
            values,
            y_lo,
            y_hi,
            keys,
        }
    }

    /// The x axis's ends: half a year before the first year and after the last.
    fn x_span(&self) -> (i32, i32) {
        (x_of(self.years.first) - 1, x_of(self.years.last) + 1)
    }
}

impl Years {
    /// The years from the earliest to the latest of `years`, labelled every year up to seven
    /// years and less often beyond.
    fn spanning(years: &[i32]) -> Years {
        match (years.iter().min(), years.iter().max()) {
            (Some(&first), Some(&last)) => {
                let count = (last - first + 1) as usize;
                let step = count.div_ceil(7).max(1);
                Years {
                    first,
                    last,
                    labelled: (first..=last).step_by(step).map(x_of).collect(),
                }
            }
            _ => Years {
                first: 0,
                last: 0,
                labelled: Vec::new(),
            },
        }
    }
}

/// Where the parts of an indicator chart go, top to bottom: heading, unit, plot, legend, notes.
struct Frame {
    heading: Vec<String>,
    /// The plot's top edge (below the heading and the unit).
    top: i32,
    /// The bottom of the plot with its x labels.
    plot_bottom: i32,
    legend_rows: i32,
    note_lines: Vec<String>,
    /// The chart's height in SVG units.
    height: i32,
    /// The room left of the plot for the y labels.
    y_labels_width: u32,
}

impl Frame {
    fn of(plot: &Plot<'_>, name: &str) -> Frame {
        let legend_rows = plot.keys.len().div_ceil(2) as i32;
        let note_lines: Vec<String> = plot
            .notes
            .iter()
            .flat_map(|n| {
                wrap(
                    &format!("※{n}"),
                    (f64::from(W) - 2.0 * f64::from(PAD)) / SMALL_PX,
                )
            })
            .collect();
        let heading = svg::heading_lines(name, W, PAD);
        let top = PAD + heading.len() as i32 * svg::HEADING_LINE + UNIT_H;
        let plot_bottom = top + PLOT_H + XLAB_H;
        let height =
            plot_bottom + 8 + legend_rows * LEGEND_ROW + note_lines.len() as i32 * NOTE_ROW + PAD;
        let widest = [plot.y_lo, plot.y_hi, (plot.y_lo + plot.y_hi) / 2.0]
            .iter()
            .map(|v| tick(*v).chars().count())
            .max()
            .unwrap_or(1);
        Frame {
            heading,
            top,
            plot_bottom,
            legend_rows,
            note_lines,
            height,
            y_labels_width: (widest as f64 * LABEL_PX * 0.6).ceil() as u32 + 12,
        }
    }
}

/// The indicator chart of a (joined) indicator, or `None` when it has no number to plot.
///
/// `reported_through` is the fiscal year of the page's report: a year up to it without a 実績値
/// is a gap, a later one is the future. `id` prefixes every id in the SVG; it must be unique on
/// the page.
pub fn indicator_chart(
    ind: &Indicator,
    reported_through: Option<FiscalYear>,
    id: &str,
    config: &AchievementConfig,
) -> Result<Option<Chart>> {
    if !ind.has_number() {
        return Ok(None);
    }
    let plot = Plot::of(ind, reported_through);
    let frame = Frame::of(&plot, &ind.name);
    let title = format!("{}の目標値と実績値の推移（グラフ）", ind.name);
    let desc = describe(ind, config, &plot.notes);
    let size = (W, frame.height as u32);
    let mut svg = Svg::new("indicator", id, &title, &desc, size);
    svg.heading(&frame.heading, PAD);
    let unit_title = match plot.unit {
        Some(u) => format!("単位：{u}"),
        None => "単位の記載なし".into(),
    };
    let unit_y = PAD + frame.heading.len() as i32 * svg::HEADING_LINE + 2;
    svg.text((PAD, unit_y), TextClass::Label, TOP_LEFT, &unit_title);
    // plotters lays out the plot and draws its axes; the rest is written directly, at the
    // positions its coordinate mapping gives.
    let cell = RefCell::new(svg);
    {
        let root = Backend::new(&cell, size).into_drawing_area();
        let chart = draw_axes(&root, &plot, &frame)?;
        let at = |x: i32, y: f64| chart.backend_coord(&(x, y));
        let mut svg = cell.borrow_mut();
        draw_series(&mut svg, &plot, &at);
        draw_legend(&mut svg, &plot.keys, &frame);
    }
    Ok(Some(Chart::new(id, title, desc, cell.into_inner())))
}

/// Lays out the plot in `root` and has plotters draw its grid, axes and 和暦 labels.
fn draw_axes<'a>(
    root: &DrawingArea<Backend<'a>, Shift>,
    plot: &Plot<'_>,
    frame: &Frame,
) -> Result<Axes<'a, RangedCoordi32>> {
    let (upper, _) = root.split_vertically(frame.plot_bottom);
    let (x_start, x_end) = plot.x_span();
    let mut chart = ChartBuilder::on(&upper)
        .margin_top(frame.top as u32)
        .margin_left(PAD as u32)
        .margin_right(16)
        .x_label_area_size(XLAB_H as u32)
        .y_label_area_size(frame.y_labels_width)
        .build_cartesian_2d(
            (x_start..x_end).with_key_points(plot.years.labelled.clone()),
            plot.y_lo..plot.y_hi,
        )
        .map_err(err)?;
    let x_label = |x: &i32| {
        FiscalYear::new(i64::from(*x / 2))
            .map(FiscalYear::short_wareki)
            .unwrap_or_default()
    };
    let y_label = |y: &f64| tick(*y);
    chart
        .configure_mesh()
        .disable_x_mesh()
        // No light lines: none is drawn, and plotters need not find their key points.
        .max_light_lines(0)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(SUB.stroke_width(1))
        .set_all_tick_mark_size(4)
        .x_label_style(font(LABEL_PX, TEXT))
        .y_label_style(font(LABEL_PX, TEXT))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .y_labels(y_label_count(&plot.values, plot.y_lo, plot.y_hi))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// The 西暦 under each 和暦 label, then the series, least important first, so that 実績値 is
/// drawn on top.
fn draw_series(svg: &mut Svg, plot: &Plot<'_>, at: At<'_, i32>) {
    let (x_start, x_end) = plot.x_span();
    let mut label = String::with_capacity(8);
    for x in &plot.years.labelled {
        let (px, py) = at(*x, plot.y_lo);
        label.clear();
        label.push('(');
        svg::int(&mut label, x / 2);
        label.push(')');
        svg.text((px, py + 24), TextClass::Muted, TOP_CENTRE, &label);
    }
    if let Some((year, v)) = plot.baseline {
        let from = year.map_or(x_start, x_of);
        svg.line([at(from, v), at(x_end, v)], BASELINE_LINE);
        if let Some(year) = year {
            svg.circle(at(x_of(year), v), 4, Paint::outlined(GREY, 2));
        }
    }
    for run in runs(&plot.targets) {
        svg.line(run.iter().map(|&(x, v)| at(x, v)), TARGET_LINE);
    }
    for (&y, &v) in &plot.targets {
        hollow_square(svg, at(x_of(y), v));
    }
    if let Some((year, v)) = plot.final_target {
        let (px, py) = match year {
            Some(y) => at(x_of(y), v),
            None => {
                // No year: a line across the plot at the final target.
                svg.line(
                    [at(x_start, v), at(x_end, v)],
                    Stroke::dashed(ORANGE, 1, 8, 4),
                );
                at(x_end, v)
            }
        };
        svg.triangle((px, py), 6, Paint::filled(ORANGE));
        let label = format!("最終目標 {}", value_label(v, plot.unit));
        svg.text(
            (px + 4, py - 10),
            TextClass::Small,
            (HPos::Right, VPos::Bottom),
            &label,
        );
    }
    for run in runs(&plot.actuals) {
        svg.line(run.iter().map(|&(x, v)| at(x, v)), ACTUAL_LINE);
    }
    for (&y, &v) in &plot.actuals {
        svg.circle(at(x_of(y), v), 4, Paint::filled(BLUE));
    }
}

/// The legend, two entries a row, then the notes.
fn draw_legend(svg: &mut Svg, keys: &[(Key, Cow<'static, str>)], frame: &Frame) {
    let col_w = (W as i32 - 2 * PAD) / 2;
    let legend_top = frame.plot_bottom + 8;
    for (i, (key, label)) in keys.iter().enumerate() {
        let col = (i % 2) as i32;
        let row = (i / 2) as i32;
        let x = PAD + col * col_w;
        let y = legend_top + row * LEGEND_ROW + LEGEND_ROW / 2;
        draw_key(svg, *key, (x + 16, y));
        svg.text(
            (x + 38, y),
            TextClass::Label,
            (HPos::Left, VPos::Center),
            label,
        );
    }
    let notes_top = legend_top + frame.legend_rows * LEGEND_ROW;
    for (i, line) in frame.note_lines.iter().enumerate() {
        let y = notes_top + i as i32 * NOTE_ROW + 2;
        svg.text((PAD, y), TextClass::Small, TOP_LEFT, line);
    }
}

/// 「最終目標（R9）」, or without the year when none is stated.
fn dated_label(label: &str, year: Option<i32>) -> String {
    match year.and_then(|y| FiscalYear::new(i64::from(y)).ok()) {
        Some(y) => format!("{label}（{}）", y.short_wareki()),
        None => label.to_string(),
    }
}

/// A plotted value with its unit, grouped: 「2,700人」.
fn value_label(v: f64, unit: Option<&str>) -> String {
    format!("{}{}", tick(v), unit.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_years_break_the_line() {
        let p: Points = [(2021, 1.0), (2022, 2.0), (2024, 4.0)]
            .into_iter()
            .collect();
        let r = runs(&p);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].len(), 2);
        assert_eq!(r[1], vec![(4048, 4.0)]);
    }

    #[test]
    fn y_range_starts_at_zero_only_when_it_helps() {
        assert_eq!(y_range(&[2700.0, 3083.0]).0, 2700.0 - 383.0 * 0.12);
        assert_eq!(y_range(&[1.0, 40.0]).0, 0.0);
        let (lo, hi) = y_range(&[10.0]);
        assert!(lo < 10.0 && hi > 10.0);
        assert_eq!(y_range(&[]), (0.0, 1.0));
    }
}
