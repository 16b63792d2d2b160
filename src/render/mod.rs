//! Rendering: the validated [`Site`] into HTML pages, a sitemap and the theme's static files,
//! each handed to a [`crate::output::Sink`] as soon as it is rendered ([`render_into`]; a build's
//! sink writes it into the output's temporary folder), or all collected in memory
//! ([`render_site`]).
//!
//! Each page kind has a module that turns the model into a view (plain serialisable structs with
//! every number already formatted by [`display`]) and names its template; templates only lay the
//! view out. Pages render in parallel against templates compiled once.
//!
//! Pages and their routes:
//!
//! | route | page |
//! |---|---|
//! | `/` | every municipality with its latest figures |
//! | `/{muni}/` | plan tree, views by department and by 達成状況, counts, years |
//! | `/{muni}/{fy}/` | a fiscal year's sheets |
//! | `/{muni}/{fy}/projects/{code}/` | a project sheet (事務事業) |
//! | `/{muni}/{fy}/actions/{slug}/` | an action item report (アクション項目) |
//! | `/{muni}/{fy}/kpi/` | every indicator of the year in one table |
//! | `/{muni}/projects/{code}/`, `/{muni}/actions/{slug}/`, `/{muni}/kpi/` | the latest year's page, with a canonical link to the yeared one |
//! | `/{muni}/plan/` | 計画の体系: each plan's tree, every node with the sheets on it or beneath it counted |
//! | `/{muni}/plan/{code}/` | a plan node (施策): its 目標指標 and roadmap, the sheets on it and, by child node, beneath it, with their 達成状況 |
//! | `/legend/`, `/accessibility/`, `/404.html` | site pages |
//! | `/sitemap.xml` | only when `kohyo.toml` sets `base_url`: a sitemap must list absolute URLs |

pub mod charts;
pub mod display;
pub mod html;
pub mod indicators;
pub(crate) mod lookup;
pub mod markdown;
mod pages;
mod stream;
pub mod theme;
pub mod url;

pub use stream::{Plan, RenderStats, render_into};

use crate::fiscal_year::FiscalYear;
use crate::model::{ActionKey, Municipality, Site};
use anyhow::{Result, anyhow};
use serde::Serialize;
use std::collections::BTreeMap;
use theme::Theme;
use url::Route;

/// One rendered file.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Where it goes.
    pub route: Route,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Everything a build writes, in route order.
#[derive(Debug, Clone, Default)]
pub struct RenderedSite {
    /// HTML pages, sitemap and static files, sorted by route.
    pub files: Vec<Rendered>,
    /// How many HTML pages there are.
    pub pages: usize,
    /// How many charts were drawn for the pages. A latest sheet's copy at its short route is the
    /// same rendering as the sheet's page, and its charts count once.
    pub charts: usize,
    /// Time spent drawing those charts, summed over the rendering threads (CPU time, not wall
    /// clock: with two threads it can reach twice the render step's wall time).
    pub chart_time: std::time::Duration,
}

/// A file a page offers for download, as Japanese sites list it: 「指標一覧（CSV形式、2KB）」.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Download {
    /// What the file is: 「指標一覧」.
    pub title: String,
    /// 「CSV形式」「ZIP形式」.
    pub format: String,
    /// 「2KB」: the actual size, rounded up.
    pub size: String,
    /// The whole link text: 「指標一覧（CSV形式、2KB）」.
    pub label: String,
    /// Site-relative path of the file: `joso/2024/kpi.csv`.
    pub path: String,
}

/// The downloads each page offers, by the page's route (`joso/2024/kpi/`).
pub type Downloads = BTreeMap<String, Vec<Download>>;

/// A link as templates show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The text.
    pub label: String,
    /// The href (relative to the page).
    pub href: String,
}

impl Link {
    /// A link.
    pub fn new(label: impl Into<String>, href: String) -> Link {
        Link {
            label: label.into(),
            href,
        }
    }
}

/// The context a page is built in: the site, and where the page stands.
#[derive(Debug)]
pub struct PageCx<'s> {
    /// The site.
    pub site: &'s Site,
    /// The page's route.
    pub route: Route,
    /// The prefix back to the site root (`../../`), or `/` for pages shown at any depth.
    pub root: String,
    /// The 達成率 settings of the page's municipality (its own grades), or the site's.
    pub achievement: &'s crate::model::AchievementConfig,
}

impl<'s> PageCx<'s> {
    /// The context of a page at `route`.
    pub fn new(site: &'s Site, route: Route) -> PageCx<'s> {
        let root = route.root_prefix();
        let achievement = route
            .as_str()
            .split('/')
            .next()
            .and_then(|slug| site.municipalities.iter().find(|m| m.slug == slug))
            .map_or(&site.config.achievement, |m| &m.achievement);
        PageCx {
            site,
            route,
            root,
            achievement,
        }
    }

    /// The context of one page shown at several routes of different depths (a latest sheet at its
    /// yeared and its short route): links start with [`ROOT_MARK`], which
    /// [`render_template_at`] replaces by each route's own way back to the root. `route` is the
    /// canonical one: the page's downloads, navigation and 達成率 settings are its.
    pub fn at_several_routes(site: &'s Site, route: Route) -> PageCx<'s> {
        PageCx {
            root: ROOT_MARK.to_string(),
            ..PageCx::new(site, route)
        }
    }

    /// The context of a page a server shows at any URL (404.html): links go from the site root
    /// as published (the path of `base_url`, else `/`).
    pub fn rooted(site: &'s Site, route: Route) -> PageCx<'s> {
        let root = site
            .config
            .base_url
            .as_deref()
            .and_then(base_path)
            .unwrap_or_else(|| "/".to_string());
        PageCx {
            site,
            route,
            root,
            achievement: &site.config.achievement,
        }
    }

    /// The link from this page to `to`.
    pub fn href(&self, to: &Route) -> String {
        to.encoded_after(&self.root)
    }

    /// The absolute URL of a route, when the site has a `base_url`.
    pub fn absolute(&self, to: &Route) -> Option<String> {
        let base = self.site.config.base_url.as_deref()?;
        let base = base.strip_suffix('/').unwrap_or(base);
        Some(format!("{base}/{}", to.encoded()))
    }
}

/// The path part of a base URL, ending in `/`: `https://example.jp/kohyo/` → `/kohyo/`.
fn base_path(base_url: &str) -> Option<String> {
    let rest = base_url.split_once("://")?.1;
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    Some(if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    })
}

/// The routes of every page, in one place.
pub mod routes {
    use super::*;

    /// `/{muni}/`.
    pub fn muni(m: &Municipality) -> Route {
        Route::dir(&[m.slug.as_str()])
    }

    /// `/{muni}/{fy}/`.
    pub fn year(m: &Municipality, y: FiscalYear) -> Route {
        Route::dir(&[m.slug.clone(), y.to_string()])
    }

    fn yeared(m: &Municipality, y: Option<FiscalYear>, rest: &[&str]) -> Route {
        let mut segs = vec![m.slug.clone()];
        segs.extend(y.map(|y| y.to_string()));
        segs.extend(rest.iter().map(|s| s.to_string()));
        Route::dir(&segs)
    }

    /// `/{muni}/{fy}/projects/{code}/`, or `/{muni}/projects/{code}/` for the latest sheet.
    pub fn project(m: &Municipality, y: Option<FiscalYear>, code: &str) -> Route {
        yeared(m, y, &["projects", code])
    }

    /// `/{muni}/{fy}/actions/{slug}/`, or without the year for the latest report.
    pub fn action(m: &Municipality, y: Option<FiscalYear>, key: &ActionKey) -> Route {
        yeared(m, y, &["actions", &key.slug()])
    }

    /// `/{muni}/{fy}/kpi/`, or `/{muni}/kpi/` for the latest year.
    pub fn kpi(m: &Municipality, y: Option<FiscalYear>) -> Route {
        yeared(m, y, &["kpi"])
    }

    /// `/{muni}/plan/`: the municipality's plans with their whole trees. No node page can stand
    /// there: a node code is never empty.
    pub fn plans(m: &Municipality) -> Route {
        Route::dir(&[m.slug.as_str(), "plan"])
    }

    /// `/{muni}/plan/{code}/`.
    pub fn plan_node(m: &Municipality, code: &str) -> Route {
        Route::dir(&[m.slug.as_str(), "plan", code])
    }

    /// `/legend/`.
    pub fn legend() -> Route {
        Route::dir(&["legend"])
    }

    /// `/accessibility/`.
    pub fn accessibility() -> Route {
        Route::dir(&["accessibility"])
    }
}

/// Shared parts of every page, as templates see them under `meta`.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// `<title>`: unique per page.
    pub title: String,
    /// The h1.
    pub heading: String,
    /// The prefix back to the site root.
    pub root: String,
    /// `<link rel="canonical">`, on pages that repeat another (latest-year aliases).
    pub canonical: Option<String>,
    /// Breadcrumbs; the last is the page itself.
    pub breadcrumbs: Vec<Link>,
    /// The municipality's own navigation, on its pages.
    pub local_nav: Option<LocalNav>,
    /// Files the page offers for download (its CSV attachments), with format and size.
    pub downloads: Vec<Link>,
}

/// A municipality's navigation: its top page, its years and its KPI table.
#[derive(Debug, Clone, Serialize)]
pub struct LocalNav {
    /// 「常総市のページ」.
    pub label: String,
    /// Links, with whether each is the current page.
    pub links: Vec<NavLink>,
}

/// A navigation link.
#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    /// The text.
    pub label: String,
    /// The href.
    pub href: String,
    /// Whether it is the page shown (`aria-current="page"`).
    pub current: bool,
}

impl Meta {
    /// Meta for a page: title 「{heading} | {site}」, breadcrumbs from Home.
    pub fn new(cx: &PageCx<'_>, heading: impl Into<String>, trail: Vec<Link>) -> Meta {
        let heading = heading.into();
        let mut breadcrumbs = vec![Link::new("ホーム", cx.root.clone())];
        breadcrumbs.extend(trail);
        Meta {
            title: format!("{heading} | {}", cx.site.config.title),
            root: cx.root.clone(),
            canonical: None,
            breadcrumbs,
            local_nav: None,
            downloads: Vec::new(),
            heading,
        }
    }

    /// Adds the files the page offers for download.
    pub fn with_downloads(mut self, cx: &PageCx<'_>, downloads: &Downloads) -> Meta {
        let here = downloads
            .get(cx.route.as_str())
            .map_or(&[][..], Vec::as_slice);
        self.downloads = here
            .iter()
            .map(|d| Link::new(d.label.clone(), cx.href(&Route::file(&d.path))))
            .collect();
        self
    }

    /// Adds the municipality's navigation.
    pub fn with_muni_nav(mut self, cx: &PageCx<'_>, m: &Municipality) -> Meta {
        let mut links = vec![(format!("{}のトップ", m.name), routes::muni(m))];
        if !m.plans.is_empty() {
            links.push(("計画の体系".to_string(), routes::plans(m)));
        }
        // Collected once: the years are searched for in every sheet of the municipality.
        let years = m.fiscal_years();
        for &y in years.iter().rev() {
            links.push((y.long_label(), routes::year(m, y)));
        }
        if !years.is_empty() {
            links.push(("最新年度の指標一覧".to_string(), routes::kpi(m, None)));
        }
        self.local_nav = Some(LocalNav {
            label: format!("{}のページ", m.name),
            links: links
                .into_iter()
                .map(|(label, r)| NavLink {
                    current: r == cx.route,
                    href: cx.href(&r),
                    label,
                })
                .collect(),
        });
        self
    }
}

#[derive(Serialize)]
struct Layout<'a, T: Serialize> {
    site: SiteMeta<'a>,
    meta: &'a Meta,
    page: &'a T,
}

#[derive(Serialize)]
struct SiteMeta<'a> {
    title: &'a str,
    description: Option<&'a str>,
}

/// Stands for the way back to the site root (`../../`) in a page rendered once for several
/// routes ([`PageCx::at_several_routes`]). No text of the site can hold it: loading refuses
/// control characters in every content file (`load/controls.rs`), and templates are
/// refused with one too ([`theme::Theme::load`]). Chart SVG and Markdown HTML are made from
/// that text.
pub(crate) const ROOT_MARK: &str = "\0";

/// The first allocation for a page's templated text (before its HTML fragments are spliced in).
const PAGE_CAPACITY: usize = 16 * 1024;

/// Renders a template with a page's meta and view.
pub(crate) fn render_template<T: Serialize>(
    theme: &Theme,
    cx: &PageCx<'_>,
    template: &str,
    meta: &Meta,
    page: &T,
) -> Result<Rendered> {
    Ok(Rendered {
        route: cx.route.clone(),
        bytes: render_bytes(theme, cx, template, meta, page)?,
    })
}

/// Renders a template once for a page shown at each of `routes` (its context made by
/// [`PageCx::at_several_routes`]): the pages differ only in their way back to the site root.
pub(crate) fn render_template_at<T: Serialize>(
    theme: &Theme,
    cx: &PageCx<'_>,
    template: &str,
    meta: &Meta,
    page: &T,
    routes: Vec<Route>,
) -> Result<Vec<Rendered>> {
    debug_assert_eq!(cx.root, ROOT_MARK);
    let marked = render_bytes(theme, cx, template, meta, page)?;
    Ok(routes
        .into_iter()
        .map(|route| Rendered {
            bytes: replace_root_mark(&marked, route.root_prefix().as_bytes()),
            route,
        })
        .collect())
}

/// A page's view turned into the template engine's value once, with its HTML fragments, for a
/// page shown at several routes whose metas differ in more than the way back to the root (the
/// latest year's KPI page: its navigation marks a different current page, its downloads and
/// canonical link are its own). Each route's page is then [`render_prepared_at`], which clones
/// the value (its maps and lists are shared, not copied) instead of serialising the view again.
pub(crate) struct PreparedView {
    /// The view as `page` in the context.
    value: tera::Value,
    /// Its [`html::Html`] fragments, in placeholder order.
    fragments: Vec<html::Html>,
}

impl PreparedView {
    /// The view of a page rendered in `cx` (made by [`PageCx::at_several_routes`]).
    pub(crate) fn new<T: Serialize>(cx: &PageCx<'_>, page: &T) -> Result<PreparedView> {
        debug_assert_eq!(cx.root, ROOT_MARK);
        let (value, fragments) = html::collect(|| tera::Value::try_from_serializable(page));
        let value = value.map_err(|e| anyhow!("{}: {}", cx.route.as_str(), error_chain(&e)))?;
        Ok(PreparedView { value, fragments })
    }
}

/// Renders a template with a prepared view and the meta of the route in `cx` (made by
/// [`PageCx::at_several_routes`] for that route), its links leading back to the root from there.
pub(crate) fn render_prepared_at(
    theme: &Theme,
    cx: &PageCx<'_>,
    template: &str,
    meta: &Meta,
    page: &PreparedView,
) -> Result<Rendered> {
    debug_assert_eq!(cx.root, ROOT_MARK);
    let marked = render_parts(
        theme,
        cx,
        template,
        meta,
        &page.value,
        page.fragments.clone(),
    )?;
    Ok(Rendered {
        bytes: replace_root_mark(&marked, cx.route.root_prefix().as_bytes()),
        route: cx.route.clone(),
    })
}

/// `page` with every [`ROOT_MARK`] replaced by `root`.
fn replace_root_mark(page: &[u8], root: &[u8]) -> Vec<u8> {
    let mark = ROOT_MARK.as_bytes()[0];
    let marks = memchr::memchr_iter(mark, page).count();
    let mut out = Vec::with_capacity(page.len() + marks * root.len());
    let mut copied = 0;
    for at in memchr::memchr_iter(mark, page) {
        out.extend_from_slice(&page[copied..at]);
        out.extend_from_slice(root);
        copied = at + 1;
    }
    out.extend_from_slice(&page[copied..]);
    out
}

/// A page's bytes: the template rendered, its HTML fragments spliced in.
fn render_bytes<T: Serialize>(
    theme: &Theme,
    cx: &PageCx<'_>,
    template: &str,
    meta: &Meta,
    page: &T,
) -> Result<Vec<u8>> {
    render_parts(theme, cx, template, meta, page, Vec::new())
}

/// [`render_bytes`] with the fragments of a view serialised before (`fragments`, empty when
/// none): placeholders made now are numbered after them.
fn render_parts<T: Serialize>(
    theme: &Theme,
    cx: &PageCx<'_>,
    template: &str,
    meta: &Meta,
    page: &T,
    fragments: Vec<html::Html>,
) -> Result<Vec<u8>> {
    let layout = Layout {
        site: SiteMeta {
            title: &cx.site.config.title,
            description: cx.site.config.description.as_deref(),
        },
        meta,
        page,
    };
    // Pre-rendered HTML (charts, Markdown) stays out of the context: see [`html`].
    let (context, fragments) =
        html::collect_after(fragments, || tera::Context::from_serialize(&layout));
    let context = context.map_err(|e| anyhow!("{}: {}", cx.route.as_str(), error_chain(&e)))?;
    // Rendered as bytes, not as a `String`: `Tera::render` would check the whole page as UTF-8
    // again (every piece Tera writes is already a `str`). Most pages' templated part fits here.
    let mut page = Vec::with_capacity(PAGE_CAPACITY);
    theme
        .tera
        .render_to(template, &context, &mut page)
        .map_err(|e| {
            anyhow!(
                "cannot render /{} with {template}: {}",
                cx.route.as_str(),
                error_chain(&e)
            )
        })?;
    Ok(html::splice(page, &fragments))
}

/// An error with its causes, one per line: Tera hides the useful part in the source chain.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

/// Renders the whole site with a compiled theme, without download links.
pub fn render_site(site: &Site, theme: &Theme) -> Result<RenderedSite> {
    render_site_with(site, theme, &Downloads::new())
}

/// Renders the whole site with a compiled theme; pages link the files `downloads` lists for them.
pub fn render_site_with(site: &Site, theme: &Theme, downloads: &Downloads) -> Result<RenderedSite> {
    render_site_observed(site, theme, downloads, &crate::progress::Silent)
}

/// [`render_site_with`], reporting each page to `progress` as it is rendered (step `render`).
/// Built on [`render_into`] with a sink that keeps every file in memory; a build streams instead.
pub fn render_site_observed(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    progress: &dyn crate::progress::Progress,
) -> Result<RenderedSite> {
    let plan = Plan::new(site, theme)?;
    let sink = crate::output::Collected::default();
    let stats = render_into(&plan, site, theme, downloads, progress, &sink)?;
    let mut files = sink.into_files();
    files.sort_by(|a, b| a.route.cmp(&b.route));
    Ok(RenderedSite {
        files,
        pages: stats.pages,
        charts: stats.charts,
        chart_time: stats.chart_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_mark_becomes_each_routes_way_back() {
        let page = b"<a href=\"\0\">x</a><a href=\"\0joso/\">\0";
        assert_eq!(
            replace_root_mark(page, b"../../"),
            b"<a href=\"../../\">x</a><a href=\"../../joso/\">../../".to_vec()
        );
        assert_eq!(replace_root_mark(b"none", b"../"), b"none".to_vec());
        assert_eq!(replace_root_mark(b"", b"../"), b"".to_vec());
    }

    #[test]
    fn base_paths() {
        assert_eq!(
            base_path("https://example.jp/kohyo/").as_deref(),
            Some("/kohyo/")
        );
        assert_eq!(base_path("https://example.jp").as_deref(), Some("/"));
        assert_eq!(base_path("https://example.jp/a").as_deref(), Some("/a/"));
        assert_eq!(base_path("nonsense"), None);
    }
}
