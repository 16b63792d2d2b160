//! The KPI page of a fiscal year: one table of every indicator the municipality reports for the
//! year — project output and outcome indicators, action item KPIs and the 目標指標 of plans whose
//! period contains the year — with 達成率, 達成状況 and the formula each rate used.

use super::{canonical, here, muni_trail};
use crate::fiscal_year::FiscalYear;
use crate::model::{Municipality, Site};
use crate::render::html::ChartView;
use crate::render::indicators::{self, Counts, FormulaNote, KpiRow};
use crate::render::theme::Theme;
use crate::render::{Downloads, Meta, PageCx, Rendered, render_template, routes};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct KpiPage {
    muni: String,
    year: String,
    rows: Vec<KpiRow>,
    counts: Counts,
    formulas: Vec<FormulaNote>,
    legend_href: String,
    has_plan_indicators: bool,
    status_chart: ChartView,
}

/// `/{muni}/{fy}/kpi/`; `alias` renders the latest year at `/{muni}/kpi/`.
pub(super) fn page(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    m: &Municipality,
    y: FiscalYear,
    alias: bool,
) -> Result<Rendered> {
    let yeared = routes::kpi(m, Some(y));
    let route = if alias {
        routes::kpi(m, None)
    } else {
        yeared.clone()
    };
    let cx = PageCx::new(site, route);
    let held = indicators::of_year(m, y);
    let mut rows: Vec<KpiRow> = held
        .iter()
        .map(|h| indicators::kpi_row(&cx, m, h, y))
        .collect();
    let formulas = indicators::number_formulas(rows.iter_mut().map(|r| &mut r.assessment));
    let view = KpiPage {
        muni: m.name.clone(),
        year: y.long_label(),
        counts: indicators::counts(held.iter().map(|h| h.indicator), y, &m.achievement),
        rows,
        formulas,
        legend_href: cx.href(&routes::legend()),
        has_plan_indicators: held
            .iter()
            .any(|h| matches!(h.holder, indicators::Holder::PlanNode(..))),
        status_chart: crate::render::charts::status(m, y, &cx)?.into(),
    };
    let heading = format!("{} {}の指標一覧", m.name, y.long_label());
    let mut trail = muni_trail(&cx, m, Some(y));
    trail.push(here(&cx, "指標一覧"));
    let mut meta = Meta::new(&cx, heading, trail)
        .with_muni_nav(&cx, m)
        .with_downloads(&cx, downloads);
    if alias {
        meta.canonical = Some(canonical(&cx, &yeared));
    }
    render_template(theme, &cx, "kpi.html", &meta, &view)
}
