//! From a route to the page job that renders it, for `kohyo serve`, which renders a page when it
//! is asked for instead of rendering the whole site. The routes are those of [`super::routes`]
//! and the jobs those of [`pages::jobs`]; a test renders every route of the sample site both ways
//! and compares the bytes.

use super::pages::{self, Job};
use super::theme::Theme;
use super::url::Route;
use super::{Downloads, Rendered};
use crate::model::{Municipality, Site};
use anyhow::Result;

/// The municipality a route belongs to (its first segment), when there is one.
pub(crate) fn municipality_of<'s>(site: &'s Site, route: &str) -> Option<&'s Municipality> {
    let slug = route.split('/').next()?;
    site.municipalities.iter().find(|m| m.slug == slug)
}

/// The job rendering the page at `route` (`joso/2024/projects/124/`), if the site has one.
pub(crate) fn job<'s>(site: &'s Site, route: &str) -> Option<Job<'s>> {
    let Some(dir) = route.strip_suffix('/') else {
        return match route {
            "" => Some(Job::Home),
            "404.html" => Some(Job::NotFound),
            _ => None,
        };
    };
    let segs: Vec<&str> = dir.split('/').collect();
    match segs.as_slice() {
        ["legend"] => return Some(Job::Legend),
        ["accessibility"] => return Some(Job::Accessibility),
        _ => {}
    }
    let m = municipality_of(site, route)?;
    let year = |s: &str| m.fiscal_years().into_iter().find(|y| y.to_string() == s);
    match segs[1..] {
        [] => Some(Job::Municipality(m)),
        ["kpi"] => m.latest_year().map(|y| Job::Kpi(m, y, true)),
        ["projects", code] => {
            let p = m.projects.get(code)?.values().last()?;
            Some(Job::Project(m, p, true))
        }
        ["actions", slug] => {
            let a = m.actions.iter().find(|(k, _)| k.slug() == slug)?.1;
            Some(Job::Action(m, a.values().last()?, true))
        }
        ["plan"] => (!m.plans.is_empty()).then_some(Job::Plans(m)),
        ["plan", code] => m.plans.iter().find_map(|plan| {
            let node = *plan.find(code)?.last()?;
            Some(Job::PlanNode(m, plan, node))
        }),
        [y] => year(y).map(|y| Job::Year(m, y)),
        [y, "kpi"] => year(y).map(|y| Job::Kpi(m, y, m.latest_year() == Some(y))),
        [y, "projects", code] => {
            let history = m.projects.get(code)?;
            let p = history.get(&year(y)?)?;
            let latest = history.keys().last() == Some(&p.fiscal_year);
            Some(Job::Project(m, p, latest))
        }
        [y, "actions", slug] => {
            let history = m.actions.iter().find(|(k, _)| k.slug() == slug)?.1;
            let a = history.get(&year(y)?)?;
            let latest = history.keys().last() == Some(&a.fiscal_year);
            Some(Job::Action(m, a, latest))
        }
        _ => None,
    }
}

/// The pages the job for `route` renders, if the site has one: that route, and for a latest
/// sheet (project or action report) its other route too (one job renders both). `kohyo serve`
/// exports the downloads these pages link.
pub(crate) fn routes_of(site: &Site, route: &str) -> Option<Vec<Route>> {
    let mut routes = Vec::new();
    job(site, route)?.routes(&mut routes);
    Some(routes)
}

/// Renders the page at `route` with the job that owns it: `None` when the site has no such page,
/// else every page the job renders (a latest sheet's or KPI table's job renders its short-route
/// copy too), the asked one among them.
pub(crate) fn render(
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    route: &str,
) -> Option<Result<Vec<Rendered>>> {
    if route == "sitemap.xml" {
        let jobs = match pages::jobs(site) {
            Ok(jobs) => jobs,
            Err(e) => return Some(Err(e)),
        };
        return pages::sitemap(site, theme, &jobs)
            .map(|s| s.map(|s| vec![s]))
            .transpose();
    }
    let job = job(site, route)?;
    Some(job.render(site, theme, downloads))
}

/// Whether a route is one of the site's HTML pages (not a data or static file).
pub(crate) fn is_page(route: &Route) -> bool {
    let r = route.as_str();
    r.is_empty() || r.ends_with('/') || r.ends_with(".html")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Every page `kohyo build` renders for the sample site is found from its route, and the job
    /// found renders the same bytes.
    #[test]
    fn every_built_route_renders_the_same_page() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, report) = crate::check(root);
        let site = site.unwrap_or_else(|| panic!("{}", report.render(false)));
        let theme = Theme::load(root).unwrap();
        let export = crate::export::export_site(&site, crate::export::Options::default()).unwrap();
        let built = super::super::render_site_with(&site, &theme, &export.downloads).unwrap();
        let mut pages = 0;
        for file in built.files.iter().filter(|f| is_page(&f.route)) {
            let route = file.route.as_str();
            let rendered = render(&site, &theme, &export.downloads, route)
                .unwrap_or_else(|| panic!("no job for /{route}"))
                .unwrap();
            let page = rendered
                .iter()
                .find(|r| r.route == file.route)
                .unwrap_or_else(|| panic!("the job for /{route} does not render it"));
            let said = routes_of(&site, route).unwrap();
            for r in &rendered {
                assert!(
                    said.contains(&r.route),
                    "/{route}: routes_of misses /{}",
                    r.route.as_str()
                );
            }
            assert!(page.bytes == file.bytes, "/{route} differs");
            pages += 1;
        }
        assert_eq!(pages, built.pages);
        for missing in [
            "nowhere/",
            "joso/1999/",
            "joso/2024/projects/nope/",
            "joso/plan/nope/",
            "joso/extra/deep/path/here/x/",
            "style.css",
        ] {
            assert!(job(&site, missing).is_none(), "{missing}");
        }
    }
}
