//! Horizontal bar charts: a project's 予算額 and 決算額, and how many indicators are in each
//! 達成状況. Each row's name is written above its bars at full width (long activity names wrap
//! instead of being cut), and every bar carries its value in words, so neither colour nor length
//! is the only way to read it. A value that is blank or 「－」 draws no bar and says so.

use super::backend::{At, Axes, Backend};
use super::history::MoneyRow;
use super::svg::{
    self, BLUE, GREEN, GREY, GRID, ORANGE, Paint, RED, SUB, Stroke, Svg, TEXT, TextClass, font,
    tick, wrap,
};
use super::{Chart, err};
use crate::compute::{self, Assessment, Unassessed};
use crate::fiscal_year::FiscalYear;
use crate::model::{AchievementConfig, Indicator};
use crate::value::{Amount, MoneyUnit};
use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordi64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rust_decimal::prelude::ToPrimitive;
use std::cell::RefCell;

const W: u32 = 400;
const PAD: i32 = 8;
const TITLE_H: i32 = 24;
const LEGEND_H: i32 = 24;
const LABEL_LINE: i32 = 18;
const BAR_H: i32 = 14;
const BAR_GAP: i32 = 4;
const ROW_GAP: i32 = 12;
const XLAB_H: i32 = 28;
const LABEL_PX: f64 = 13.0;
/// Row names start this far right of the axis line, so that the line does not strike them.
const INSET: i32 = 6;
const SMALL_PX: f64 = 12.0;
/// The longest bar ends here (as a share of the plot's width), leaving room for its value.
const LONGEST: f64 = 0.62;
/// The x axis counts hundredths of the unit: plotters' custom ticks need an integer axis.
const SCALE: f64 = 100.0;

fn x_of(v: f64) -> i64 {
    (v * SCALE).round() as i64
}

/// How a bar is drawn.
#[derive(Debug, Clone, Copy)]
enum Fill {
    /// A solid bar.
    Solid(RGBColor),
    /// An outlined bar, white inside.
    Outline(RGBColor),
}

/// One bar: its value (`None` draws none) and what is written after it.
struct Bar {
    fill: Fill,
    value: Option<f64>,
    text: String,
}

/// A row: its name, then its bars.
struct Row {
    label: String,
    bars: Vec<Bar>,
}

/// What a bar chart is: its kind (for the class), the heading and axis title it shows, whether
/// its values are counts, and the legend of its fills.
struct Spec<'a> {
    kind: &'a str,
    heading: &'a str,
    axis_title: &'a str,
    integer: bool,
    legend: &'a [(Fill, &'a str)],
}

/// Where the parts of a bar chart go, top to bottom: heading, axis title and legend, plot, x labels.
struct Layout {
    heading: Vec<String>,
    /// Each row's name, wrapped to the chart's width.
    labels: Vec<Vec<String>>,
    /// The top of the axis title.
    title_top: i32,
    plot_top: i32,
    plot_h: i32,
    /// The chart's height in SVG units.
    height: i32,
}

impl Layout {
    fn of(spec: &Spec<'_>, rows: &[Row]) -> Layout {
        let label_em = (f64::from(W) - 2.0 * f64::from(PAD) - f64::from(INSET)) / LABEL_PX;
        let labels: Vec<Vec<String>> = rows.iter().map(|r| wrap(&r.label, label_em)).collect();
        let legend_h = if spec.legend.is_empty() { 0 } else { LEGEND_H };
        let heading = svg::heading_lines(spec.heading, W, PAD);
        let title_top = PAD + heading.len() as i32 * svg::HEADING_LINE;
        let plot_top = title_top + TITLE_H + legend_h;
        let rows_h: i32 = rows
            .iter()
            .zip(&labels)
            .map(|(r, l)| {
                l.len() as i32 * LABEL_LINE + r.bars.len() as i32 * (BAR_H + BAR_GAP) + ROW_GAP
            })
            .sum();
        let plot_h = rows_h + 4;
        Layout {
            height: plot_top + plot_h + XLAB_H + PAD,
            heading,
            labels,
            title_top,
            plot_top,
            plot_h,
        }
    }
}

/// Draws rows of bars with an x axis under them.
fn draw(spec: &Spec<'_>, rows: &[Row], id: &str, title: String, desc: String) -> Result<Chart> {
    let layout = Layout::of(spec, rows);
    let max = rows
        .iter()
        .flat_map(|r| r.bars.iter().filter_map(|b| b.value))
        .fold(0.0_f64, f64::max);
    let x_max = if max > 0.0 { max / LONGEST } else { 1.0 };
    let ticks = key_points(max, x_max, spec.integer);
    let size = (W, layout.height as u32);
    let mut svg = Svg::new(spec.kind, id, &title, &desc, size);
    draw_heading(&mut svg, spec, &layout);
    // plotters lays out the x axis and draws it; the rows are written directly, at the positions
    // its coordinate mapping gives.
    let cell = RefCell::new(svg);
    {
        let root = Backend::new(&cell, size).into_drawing_area();
        let chart = draw_axis(&root, &layout, x_max, ticks)?;
        let at = |x: i64, y: f64| chart.backend_coord(&(x, y));
        draw_rows(&mut cell.borrow_mut(), rows, &layout, &at);
    }
    Ok(Chart::new(id, title, desc, cell.into_inner()))
}

/// The heading, the axis title and the legend of the fills.
fn draw_heading(svg: &mut Svg, spec: &Spec<'_>, layout: &Layout) {
    svg.heading(&layout.heading, PAD);
    svg.text(
        (PAD, layout.title_top + 2),
        TextClass::Label,
        (HPos::Left, VPos::Top),
        spec.axis_title,
    );
    let mut x = PAD;
    for (fill, label) in spec.legend {
        let y = layout.title_top + TITLE_H + LEGEND_H / 2;
        draw_bar(svg, *fill, (x, y - BAR_H / 2), (x + 24, y + BAR_H / 2));
        svg.text(
            (x + 30, y),
            TextClass::Label,
            (HPos::Left, VPos::Center),
            label,
        );
        x += 30 + (super::svg::text_width_em(label) * LABEL_PX) as i32 + 24;
    }
}

/// Lays out the plot in `root` and has plotters draw the x axis up to `x_max`, with its grid
/// lines and labels at `ticks`.
fn draw_axis<'a>(
    root: &DrawingArea<Backend<'a>, Shift>,
    layout: &Layout,
    x_max: f64,
    ticks: Vec<f64>,
) -> Result<Axes<'a, RangedCoordi64>> {
    let (upper, _) = root.split_vertically(layout.plot_top + layout.plot_h + XLAB_H);
    let mut chart = ChartBuilder::on(&upper)
        .margin_top(layout.plot_top as u32)
        .margin_left(PAD as u32)
        .margin_right(24)
        .x_label_area_size(XLAB_H as u32)
        .y_label_area_size(0)
        .build_cartesian_2d(
            (0..x_of(x_max)).with_key_points(ticks.into_iter().map(x_of).collect()),
            0.0..f64::from(layout.plot_h),
        )
        .map_err(err)?;
    let x_label = |v: &i64| tick(*v as f64 / SCALE);
    chart
        .configure_mesh()
        .disable_y_mesh()
        // No light lines: none is drawn, and plotters need not find their key points.
        .max_light_lines(0)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(SUB.stroke_width(1))
        .set_all_tick_mark_size(4)
        .x_label_style(font(SMALL_PX, TEXT))
        .x_label_formatter(&x_label)
        // The y axis has no label area, so its labels would be formatted and never drawn.
        .y_labels(0)
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// The y axis line, then each row: its name, then its bars with their values in words.
fn draw_rows(svg: &mut Svg, rows: &[Row], layout: &Layout, at: At<'_, i64>) {
    // Pixel positions: the plot's left edge (x = 0) and its top.
    let (x0, top) = at(0, f64::from(layout.plot_h));
    let (_, bottom) = at(0, 0.0);
    svg.line([(x0, top), (x0, bottom)], Stroke::solid(SUB, 1));
    let mut y = top + 4;
    for (row, lines) in rows.iter().zip(&layout.labels) {
        for line in lines {
            svg.text(
                (x0 + INSET, y),
                TextClass::Label,
                (HPos::Left, VPos::Top),
                line,
            );
            y += LABEL_LINE;
        }
        for bar in &row.bars {
            let end = match bar.value {
                Some(v) => {
                    let (px, _) = at(x_of(v), 0.0);
                    // A zero is a real value: a sliver, not nothing.
                    let px = px.max(x0 + 2);
                    draw_bar(svg, bar.fill, (x0, y), (px, y + BAR_H));
                    px
                }
                None => x0,
            };
            svg.text(
                (end + 5, y + BAR_H / 2),
                TextClass::Small,
                (HPos::Left, VPos::Center),
                &bar.text,
            );
            y += BAR_H + BAR_GAP;
        }
        y += ROW_GAP;
    }
}

/// Tick values for an axis from 0 whose data reach `max`: steps of 1, 2 or 5 × 10ⁿ, at most five
/// ticks up to `limit`; whole numbers only for counts.
fn key_points(max: f64, limit: f64, integer: bool) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0];
    }
    let rough = max / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    if integer {
        step = step.max(1.0).round();
    }
    (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|v| *v <= limit)
        .take(12)
        .collect()
}

/// A bar from its upper left to its lower right corner: solid, or white inside an outline drawn
/// within its edges.
fn draw_bar(svg: &mut Svg, fill: Fill, from: (i32, i32), to: (i32, i32)) {
    match fill {
        Fill::Solid(c) => svg.rect(from, to, Paint::filled(c)),
        Fill::Outline(c) => svg.rect(
            (from.0 + 1, from.1 + 1),
            (to.0 - 1, to.1 - 1),
            Paint::outlined(c, 2),
        ),
    }
}

/// An amount in the sheet's unit, as a number to plot and as words: 「255,615千円」「未記入」.
fn money(a: Amount, unit: MoneyUnit) -> (Option<f64>, String) {
    match a {
        Amount::Yen(y) => {
            let n = y.in_unit(unit);
            let mut text = String::with_capacity(24);
            n.push_grouped(&mut text);
            text.push_str(unit.label());
            (n.decimal().to_f64(), text)
        }
        Amount::NotApplicable => (None, "該当なし（－）".into()),
        Amount::NotReported => (None, "未記入".into()),
    }
}

/// The budget chart of a project: 予算額 (solid blue) and 決算額 (outlined orange) for each row,
/// in the sheet's money unit. `subject` names the project in the title. `None` for fewer than two
/// rows.
pub fn budget_chart(
    rows: &[MoneyRow],
    unit: MoneyUnit,
    subject: &str,
    id: &str,
) -> Result<Option<Chart>> {
    if rows.len() < 2 {
        return Ok(None);
    }
    let budget = Fill::Solid(BLUE);
    let settlement = Fill::Outline(ORANGE);
    // The description names every row's amounts: written as the rows are made.
    let mut desc = String::with_capacity(64 + rows.len() * 96);
    desc.push_str(subject);
    desc.push_str("の予算額と決算額（単位：");
    desc.push_str(unit.label());
    desc.push_str("）。");
    let drawn: Vec<Row> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (b, b_text) = money(r.budget, unit);
            let (s, s_text) = money(r.settlement, unit);
            if i > 0 {
                desc.push('、');
            }
            for part in [&r.label, " 予算額", &b_text, "・決算額", &s_text] {
                desc.push_str(part);
            }
            Row {
                label: r.label.clone(),
                bars: vec![
                    Bar {
                        fill: budget,
                        value: b,
                        text: ["予算 ", &b_text].concat(),
                    },
                    Bar {
                        fill: settlement,
                        value: s,
                        text: ["決算 ", &s_text].concat(),
                    },
                ],
            }
        })
        .collect();
    desc.push('。');
    let title = format!("{subject}の予算額と決算額（グラフ）");
    let spec = Spec {
        kind: "budget",
        heading: "予算額と決算額",
        axis_title: &format!("金額（単位：{}）", unit.label()),
        integer: false,
        legend: &[(budget, "予算額"), (settlement, "決算額")],
    };
    draw(&spec, &drawn, id, title, desc).map(Some)
}

/// How many indicators are in one 達成状況.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    /// The mark: 「◎」「□」.
    pub mark: String,
    /// The grade or state: 「目標達成」「未測定」.
    pub label: String,
    /// How many indicators.
    pub count: usize,
    /// Whether it is a grade (assessed) rather than a reason for no assessment.
    pub graded: bool,
}

/// Counts indicators by 達成状況 in a year: each default grade (◎○△×) in order, then 未測定,
/// 該当なし and 評価なし — every state, zeros included, so the chart always has the same rows.
pub fn status_counts<'a>(
    indicators: impl IntoIterator<Item = &'a Indicator>,
    year: FiscalYear,
    config: &AchievementConfig,
) -> Vec<StatusCount> {
    let grades = &config.grades;
    let unassessed = [
        Unassessed::NotMeasured,
        Unassessed::NotApplicable,
        Unassessed::NotAssessable,
    ];
    let mut counts: Vec<StatusCount> = grades
        .iter()
        .map(|g| StatusCount {
            mark: g.mark.clone(),
            label: g.label.clone(),
            count: 0,
            graded: true,
        })
        .chain(unassessed.iter().map(|u| StatusCount {
            mark: crate::render::display::unassessed_mark(*u).to_string(),
            label: u.label().to_string(),
            count: 0,
            graded: false,
        }))
        .collect();
    for ind in indicators {
        let a = compute::assess(ind, year, config);
        let slot = match &a {
            Assessment::Unassessed(u) => unassessed
                .iter()
                .position(|x| x == u)
                .map(|i| grades.len() + i),
            Assessment::Assessed { .. } => {
                compute::grade(&a, grades).and_then(|g| grades.iter().position(|x| x == g))
            }
        };
        if let Some(i) = slot {
            counts[i].count += 1;
        }
    }
    counts
}

/// The status chart: one bar per 達成状況 with its count. `subject` says whose indicators and
/// which year: 「常総市 令和6年度（2024年度）」.
pub fn status_chart(counts: &[StatusCount], subject: &str, id: &str) -> Result<Chart> {
    let colours = [GREEN, BLUE, ORANGE, RED];
    let total: usize = counts.iter().map(|c| c.count).sum();
    let rows: Vec<Row> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| Row {
            label: format!("{} {}", c.mark, c.label),
            bars: vec![Bar {
                fill: if c.graded {
                    Fill::Solid(colours.get(i).copied().unwrap_or(GREY))
                } else {
                    Fill::Outline(GREY)
                },
                value: Some(c.count as f64),
                text: format!("{}件", c.count),
            }],
        })
        .collect();
    let parts: Vec<String> = counts
        .iter()
        .map(|c| format!("{} {}件", c.label, c.count))
        .collect();
    let title = format!("{subject}の達成状況別の指標数（グラフ）");
    let desc = format!("{subject}の指標{total}件の達成状況：{}。", parts.join("、"));
    let spec = Spec {
        kind: "status",
        heading: "達成状況別の指標数",
        axis_title: "指標の数（件）",
        integer: true,
        legend: &[],
    };
    draw(&spec, &rows, id, title, desc)
}
