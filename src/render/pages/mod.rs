//! The list of pages a site has, and the helpers several page kinds share (a sheet's position in
//! its plan, one-line summaries of sheets for lists).

mod action;
mod kpi;
mod municipality;
mod plan;
mod plan_index;
mod project;
mod rollup;
mod site;

use super::display;
use super::indicators::{self, node_title};
use super::theme::Theme;
use super::url::Route;
use super::{Downloads, Link, Meta, PageCx, Rendered, routes};
use crate::fiscal_year::FiscalYear;
use crate::model::{Action, Municipality, Owner, Plan, PlanNode, PlanRef, Project, Site};
use anyhow::Result;
use serde::Serialize;

/// One page to render.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Job<'s> {
    /// `/`.
    Home,
    /// `/legend/`.
    Legend,
    /// `/accessibility/`.
    Accessibility,
    /// `/404.html`.
    NotFound,
    /// `/{muni}/`.
    Municipality(&'s Municipality),
    /// `/{muni}/{fy}/`.
    Year(&'s Municipality, FiscalYear),
    /// `/{muni}/{fy}/kpi/`; `with_latest` for the latest year, whose table is also shown at
    /// `/{muni}/kpi/`: both pages come from one view.
    Kpi(&'s Municipality, FiscalYear, bool),
    /// A project sheet; `with_latest` for the latest sheet, which is also shown at its short
    /// route (`/{muni}/projects/{code}/`): both pages come from one rendering.
    Project(&'s Municipality, &'s Project, bool),
    /// An action item report; `with_latest` for the latest report, which is also shown at its
    /// short route (`/{muni}/actions/{slug}/`), like [`Job::Project`].
    Action(&'s Municipality, &'s Action, bool),
    /// `/{muni}/plan/`, for a municipality with a plan.
    Plans(&'s Municipality),
    /// `/{muni}/plan/{code}/`.
    PlanNode(&'s Municipality, &'s Plan, &'s PlanNode),
}

/// Every page of the site, in a stable order.
pub(crate) fn jobs(site: &Site) -> Result<Vec<Job<'_>>> {
    let mut jobs = vec![Job::Home, Job::Legend, Job::Accessibility, Job::NotFound];
    for m in &site.municipalities {
        jobs.push(Job::Municipality(m));
        let years = m.fiscal_years();
        let latest = years.last().copied();
        for &y in &years {
            jobs.push(Job::Year(m, y));
            jobs.push(Job::Kpi(m, y, Some(y) == latest));
        }
        for history in m.projects.values() {
            let latest = history.keys().last().copied();
            jobs.extend(
                history
                    .values()
                    .map(|p| Job::Project(m, p, Some(p.fiscal_year) == latest)),
            );
        }
        for history in m.actions.values() {
            let latest = history.keys().last().copied();
            jobs.extend(
                history
                    .values()
                    .map(|a| Job::Action(m, a, Some(a.fiscal_year) == latest)),
            );
        }
        if !m.plans.is_empty() {
            jobs.push(Job::Plans(m));
        }
        for plan in &m.plans {
            for (_, node) in plan.nodes() {
                jobs.push(Job::PlanNode(m, plan, node));
            }
        }
    }
    Ok(jobs)
}

impl Job<'_> {
    /// How many pages the job renders.
    pub(crate) fn pages(&self) -> usize {
        match *self {
            Job::Project(_, _, true) | Job::Action(_, _, true) | Job::Kpi(_, _, true) => 2,
            _ => 1,
        }
    }

    /// Renders the job's pages (one, or two for a latest sheet or KPI table with its short-route
    /// copy).
    pub(crate) fn render(
        &self,
        site: &Site,
        theme: &Theme,
        dl: &Downloads,
    ) -> Result<Vec<Rendered>> {
        let page = match *self {
            Job::Project(m, p, with_latest) => {
                return project::pages(site, theme, dl, m, p, with_latest);
            }
            Job::Action(m, a, with_latest) => {
                return action::pages(site, theme, dl, m, a, with_latest);
            }
            Job::Kpi(m, y, with_latest) => return kpi::pages(site, theme, dl, m, y, with_latest),
            Job::Home => site::home(site, theme),
            Job::Legend => site::legend(site, theme),
            Job::Accessibility => site::accessibility(site, theme),
            Job::NotFound => site::not_found(site, theme),
            Job::Municipality(m) => municipality::index(site, theme, dl, m),
            Job::Year(m, y) => municipality::year(site, theme, dl, m, y),
            Job::Plans(m) => plan_index::page(site, theme, dl, m),
            Job::PlanNode(m, plan, node) => plan::page(site, theme, dl, m, plan, node),
        };
        page.map(|page| vec![page])
    }

    /// The routes the job renders, as [`Job::render`] writes them: its canonical route, and
    /// first the short route of a latest sheet or KPI table (the build checks them all before
    /// writing).
    pub(crate) fn routes(&self, out: &mut Vec<Route>) {
        let route = match *self {
            Job::NotFound => Route::file("404.html"),
            Job::Kpi(m, y, with_latest) => {
                if with_latest {
                    out.push(routes::kpi(m, None));
                }
                routes::kpi(m, Some(y))
            }
            Job::Project(m, p, with_latest) => {
                if with_latest {
                    out.push(routes::project(m, None, &p.code));
                }
                routes::project(m, Some(p.fiscal_year), &p.code)
            }
            Job::Action(m, a, with_latest) => {
                if with_latest {
                    out.push(routes::action(m, None, &a.key));
                }
                routes::action(m, Some(a.fiscal_year), &a.key)
            }
            _ => match self.canonical_route() {
                Some(r) => r,
                None => return, // every job without a canonical route is matched above
            },
        };
        out.push(route);
    }

    /// The route a job's page is the canonical page of, for the sitemap (`None` for 404).
    fn canonical_route(&self) -> Option<Route> {
        Some(match *self {
            Job::Home => Route::root(),
            Job::Legend => routes::legend(),
            Job::Accessibility => routes::accessibility(),
            Job::NotFound => return None,
            Job::Municipality(m) => routes::muni(m),
            Job::Year(m, y) => routes::year(m, y),
            Job::Kpi(m, y, _) => routes::kpi(m, Some(y)),
            Job::Project(m, p, _) => routes::project(m, Some(p.fiscal_year), &p.code),
            Job::Action(m, a, _) => routes::action(m, Some(a.fiscal_year), &a.key),
            Job::Plans(m) => routes::plans(m),
            Job::PlanNode(m, _, n) => routes::plan_node(m, &n.code),
        })
    }
}

/// `sitemap.xml`, written only when the site has a `base_url`: the sitemap protocol requires
/// absolute URLs, and a root-relative `<loc>` would be invalid.
pub(crate) fn sitemap(site: &Site, theme: &Theme, jobs: &[Job<'_>]) -> Result<Option<Rendered>> {
    if site.config.base_url.is_none() {
        return Ok(None);
    }
    let cx = PageCx::new(site, Route::file("sitemap.xml"));
    let urls: Vec<String> = jobs
        .iter()
        .filter_map(Job::canonical_route)
        .filter_map(|r| cx.absolute(&r))
        .collect();
    #[derive(Serialize)]
    struct Sitemap {
        urls: Vec<String>,
    }
    let meta = super::Meta::new(&cx, "sitemap", Vec::new());
    super::render_template(theme, &cx, "sitemap.xml", &meta, &Sitemap { urls }).map(Some)
}

/// The breadcrumb trail to a municipality (and a year).
fn muni_trail(cx: &PageCx<'_>, m: &Municipality, year: Option<FiscalYear>) -> Vec<Link> {
    let mut trail = vec![Link::new(m.name.clone(), cx.href(&routes::muni(m)))];
    if let Some(y) = year {
        trail.push(Link::new(y.long_label(), cx.href(&routes::year(m, y))));
    }
    trail
}

/// The page itself as the last breadcrumb.
fn here(cx: &PageCx<'_>, label: impl Into<String>) -> Link {
    Link::new(label, cx.href(&cx.route))
}

/// The canonical link of a page: the yeared route of a latest-year page shown at its short route.
fn canonical(cx: &PageCx<'_>, yeared: &Route) -> String {
    cx.absolute(yeared).unwrap_or_else(|| cx.href(yeared))
}

/// The routes a sheet page is written at: its short route first for the latest sheet
/// (`short` given), then its yeared route.
fn sheet_routes(yeared: &Route, short: Option<Route>) -> Vec<Route> {
    short.into_iter().chain([yeared.clone()]).collect()
}

/// The meta of a sheet page (project or action report) rendered in `cx` at its yeared route:
/// breadcrumbs down to the sheet, the municipality's navigation, the downloads, the title
/// 「{heading}（{year}） | {municipality} | {site}」 and the canonical link to the yeared route.
fn sheet_meta(
    cx: &PageCx<'_>,
    m: &Municipality,
    year: FiscalYear,
    heading: String,
    downloads: &Downloads,
) -> Meta {
    let mut trail = muni_trail(cx, m, Some(year));
    trail.push(here(cx, heading.clone()));
    let mut meta = Meta::new(cx, heading.clone(), trail)
        .with_muni_nav(cx, m)
        .with_downloads(cx, downloads);
    meta.title = format!(
        "{heading}（{}） | {} | {}",
        year.long_label(),
        m.name,
        cx.site.config.title
    );
    meta.canonical = Some(canonical(cx, &cx.route));
    meta
}

/// One step of a sheet's position in a plan.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PlanStep {
    /// The level name: 「施策の大綱」 (empty when the plan names none).
    level: String,
    /// Number and title: 「Ⅶ 行財政運営の効率化」.
    title: String,
    /// Link to the node's page.
    href: String,
}

/// Where a sheet sits: the plan's name and the path of nodes from the top.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PlanPosition {
    /// The plan's name (and link target of nothing: plans have no page of their own).
    plan: String,
    /// The nodes, top first.
    steps: Vec<PlanStep>,
}

/// The steps from a plan's top to a node.
fn plan_steps(cx: &PageCx<'_>, m: &Municipality, plan: &Plan, path: &[&PlanNode]) -> Vec<PlanStep> {
    path.iter()
        .enumerate()
        .map(|(depth, n)| PlanStep {
            level: plan.level_name(depth).unwrap_or("").to_string(),
            title: match indicators::node_number(n) {
                Some(number) => format!("{number} {}", n.title),
                None => n.title.clone(),
            },
            href: cx.href(&routes::plan_node(m, &n.code)),
        })
        .collect()
}

/// A sheet's position in its plan, when it names one.
fn plan_position(cx: &PageCx<'_>, m: &Municipality, r: Option<&PlanRef>) -> Option<PlanPosition> {
    let r = r?;
    let plan = m.plan(&r.plan)?;
    let steps = match &r.node {
        Some(code) => plan
            .find(code)
            .map(|path| plan_steps(cx, m, plan, &path))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Some(PlanPosition {
        plan: plan.name.clone(),
        steps,
    })
}

/// Owners as one line: 「総務部 総務課、市長公室 常創戦略課」 (「未記入」 when none is named).
fn owners_label(owners: &[Owner]) -> String {
    let names: Vec<String> = owners
        .iter()
        .map(Owner::label)
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        display::BLANK_TEXT.to_string()
    } else {
        names.join("、")
    }
}

/// A sheet in a list: project or action item, with a one-line status.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SheetItem {
    /// 「事務事業」 or 「アクション項目」.
    kind: &'static str,
    /// シート No. or 項目番号 (may be empty).
    number: String,
    /// 事業名 or 実施項目.
    title: String,
    /// Link to the sheet's page.
    href: String,
    /// 「令和6年度（2024年度）」.
    year: String,
    /// 担当.
    owners: String,
    /// The one-line status.
    status: String,
    /// The plan node the sheet is placed on, in lists of a node's descendants.
    at: Option<Link>,
}

impl SheetItem {
    /// The item, saying which plan node it is placed on.
    fn placed_at(self, at: Option<Link>) -> SheetItem {
        SheetItem { at, ..self }
    }
}

/// A project in a list, with the results of its outcome indicators (all indicators when it has
/// no outcomes).
fn project_item(cx: &PageCx<'_>, m: &Municipality, p: &Project) -> SheetItem {
    let config = cx.achievement;
    let (label, c) = if p.outcomes.is_empty() {
        (
            "指標",
            indicators::counts(p.indicators(), p.fiscal_year, config),
        )
    } else {
        (
            "成果指標",
            indicators::counts(&p.outcomes, p.fiscal_year, config),
        )
    };
    SheetItem {
        kind: "事務事業",
        number: p.sheet_no.clone().unwrap_or_default(),
        title: p.name.clone(),
        href: cx.href(&routes::project(m, Some(p.fiscal_year), &p.code)),
        year: p.fiscal_year.long_label(),
        owners: owners_label(&p.owners),
        status: counts_line(label, &c),
        at: None,
    }
}

/// 「成果指標 3件：目標達成 2件、未達成 1件」.
fn counts_line(label: &str, c: &indicators::Counts) -> String {
    if c.indicators == 0 {
        return format!("{label}なし");
    }
    let mut parts = Vec::new();
    if c.assessed > 0 {
        parts.push(format!("目標達成 {}件", c.achieved));
        if c.assessed > c.achieved {
            parts.push(format!("目標未達成 {}件", c.assessed - c.achieved));
        }
    }
    for (n, word) in [
        (c.not_measured, "未測定"),
        (c.not_applicable, "該当なし"),
        (c.not_assessable, "評価なし"),
    ] {
        if n > 0 {
            parts.push(format!("{word} {n}件"));
        }
    }
    format!("{label} {}件：{}", c.indicators, parts.join("、"))
}

/// An action item in a list, with its KPI result and the progress of its measures.
fn action_item(cx: &PageCx<'_>, m: &Municipality, a: &Action) -> SheetItem {
    let mut parts = Vec::new();
    if let Some(kpi) = a.goal.as_ref().and_then(|g| g.kpi.as_ref()) {
        let v = display::assess(kpi, a.fiscal_year, cx.achievement);
        parts.push(format!("KPI {}", v.summary()));
    }
    let mut progress: Vec<(crate::model::Progress, usize)> = Vec::new();
    for p in a.measures.iter().filter_map(|m| m.progress) {
        match progress.iter_mut().find(|(q, _)| *q == p) {
            Some((_, n)) => *n += 1,
            None => progress.push((p, 1)),
        }
    }
    if !progress.is_empty() {
        let words: Vec<String> = progress
            .iter()
            .map(|(p, n)| format!("{} {n}件", display::progress(*p)))
            .collect();
        parts.push(format!("取組 {}", words.join("・")));
    }
    SheetItem {
        kind: "アクション項目",
        number: a.number.clone(),
        title: a.title.clone(),
        href: cx.href(&routes::action(m, Some(a.fiscal_year), &a.key)),
        year: a.fiscal_year.long_label(),
        owners: owners_label(&a.owners),
        status: if parts.is_empty() {
            "KPI・進捗の記載なし".into()
        } else {
            parts.join("、")
        },
        at: None,
    }
}

/// Links to the same sheet in every year it has (the current year marked).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct YearLink {
    /// 「令和6年度（2024年度）」.
    label: String,
    /// Link.
    href: String,
    /// Whether it is the year shown.
    current: bool,
}

/// 「33.3%（評価できた3指標のうち1指標が目標を達成）」, or that nothing could be assessed.
fn share_text(counts: &indicators::Counts) -> String {
    match &counts.share_achieved {
        Some(s) => format!(
            "{s}（評価できた{}指標のうち{}指標が目標を達成）",
            counts.assessed, counts.achieved
        ),
        None => "評価できた指標がありません".into(),
    }
}

/// A plan's period: 「令和3年度（2021年度）〜令和7年度（2025年度）」, when it states one.
fn plan_period(plan: &Plan) -> Option<String> {
    plan.period
        .map(|(a, b)| format!("{}〜{}", a.long_label(), b.long_label()))
}
