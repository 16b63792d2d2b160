//! The KPI page of a fiscal year: one table of every indicator the municipality reports for the
//! year — project output and outcome indicators, action item KPIs and the 目標指標 of plans whose
//! period contains the year — with 達成率, 達成状況 and the formula each rate used.

use super::{canonical, here, muni_trail};
use crate::fiscal_year::FiscalYear;
use crate::model::{Municipality, Site};
use crate::render::html::ChartView;
use crate::render::indicators::{self, Counts, FormulaNote, KpiRow};
use crate::render::theme::Theme;
use crate::render::{Downloads, Meta, PageCx, PreparedView, Rendered, render_prepared_at, routes};
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

/// `/{muni}/{fy}/kpi/`, and with `with_latest` the same year's table again at `/{muni}/kpi/`,
/// with a canonical link to the yeared route. The two pages differ in more than their way back
/// to the root (the short one marks 「最新年度の指標一覧」 as the current page and links its own
/// CSV), so each has its own meta, but the view — the table, its counts and the chart — is made
/// and handed to the template engine once ([`PreparedView`]).
pub(super) fn pages(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    m: &Municipality,
    y: FiscalYear,
    with_latest: bool,
) -> Result<Vec<Rendered>> {
    let yeared = routes::kpi(m, Some(y));
    let cx = PageCx::at_several_routes(site, yeared.clone());
    let view = PreparedView::new(&cx, &view(&cx, m, y)?)?;
    let short = with_latest.then(|| routes::kpi(m, None));
    let mut pages = Vec::with_capacity(2);
    for route in short.into_iter().chain([yeared.clone()]) {
        let cx = PageCx::at_several_routes(site, route);
        let mut meta = meta(&cx, m, y, downloads);
        if cx.route != yeared {
            meta.canonical = Some(canonical(&cx, &yeared));
        }
        pages.push(render_prepared_at(theme, &cx, "kpi.html", &meta, &view)?);
    }
    Ok(pages)
}

/// The table of every indicator of year `y`, its counts and its chart.
fn view(cx: &PageCx<'_>, m: &Municipality, y: FiscalYear) -> Result<KpiPage> {
    let held = indicators::of_year(m, y);
    let mut rows: Vec<KpiRow> = held
        .iter()
        .map(|h| indicators::kpi_row(cx, m, h, y))
        .collect();
    let formulas = indicators::number_formulas(rows.iter_mut().map(|r| &mut r.assessment));
    Ok(KpiPage {
        muni: m.name.clone(),
        year: y.long_label(),
        counts: indicators::counts(held.iter().map(|h| h.indicator), y, &m.achievement),
        rows,
        formulas,
        legend_href: cx.href(&routes::legend()),
        has_plan_indicators: held
            .iter()
            .any(|h| matches!(h.holder, indicators::Holder::PlanNode(..))),
        status_chart: crate::render::charts::status(m, y, cx)?.into(),
    })
}

/// The meta of the KPI page of year `y` at the route of `cx`: breadcrumbs to the year, the
/// municipality's navigation and the page's downloads.
fn meta(cx: &PageCx<'_>, m: &Municipality, y: FiscalYear, downloads: &Downloads) -> Meta {
    let heading = format!("{} {}の指標一覧", m.name, y.long_label());
    let mut trail = muni_trail(cx, m, Some(y));
    trail.push(here(cx, "指標一覧"));
    Meta::new(cx, heading, trail)
        .with_muni_nav(cx, m)
        .with_downloads(cx, downloads)
}
