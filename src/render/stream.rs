//! Rendering the whole site into a [`Sink`], page by page: the [`Plan`] (every page's route,
//! known and checked before anything is rendered) and the parallel loop that hands each page to
//! the sink as soon as it is rendered, so that no more than the pages in flight are ever held.

use super::pages::{self, Job};
use super::{Downloads, Rendered, charts, theme::Theme, url::Route};
use crate::model::Site;
use crate::output::{FileKind, Sink};
use crate::progress::Progress;
use anyhow::{Result, anyhow};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;

/// What the site's rendering will write: its jobs and the route of every file, pages, sitemap and
/// static files, each route once.
#[derive(Debug)]
pub struct Plan<'s> {
    jobs: Vec<Job<'s>>,
    routes: Vec<Route>,
}

impl<'s> Plan<'s> {
    /// Lists the pages of `site` with `theme`'s static files, refusing two on one route.
    pub fn new(site: &'s Site, theme: &Theme) -> Result<Plan<'s>> {
        let jobs = pages::jobs(site)?;
        let mut routes: Vec<Route> = Vec::with_capacity(jobs.len() * 5 / 4 + theme.statics.len());
        for job in &jobs {
            job.routes(&mut routes);
        }
        if site.config.base_url.is_some() {
            routes.push(Route::file("sitemap.xml"));
        }
        routes.extend(theme.statics.keys().map(|name| Route::file(name)));
        check_unique(&routes)?;
        Ok(Plan { jobs, routes })
    }

    /// The route of every file, in the order of the jobs.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }
}

/// What rendering handed to the sink.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// HTML pages.
    pub pages: usize,
    /// Every file: pages, sitemap and static files.
    pub files: usize,
    /// Charts drawn (a latest sheet's short-route copy shares the sheet's, which count once).
    pub charts: usize,
    /// Time spent drawing them, summed over the rendering threads (CPU time, not wall clock).
    pub chart_time: Duration,
}

/// Renders every page of `plan` in parallel, then the sitemap, and hands each file with the
/// theme's static files to `sink` as soon as it is ready; pages link the files `downloads`
/// lists for them.
pub fn render_into(
    plan: &Plan<'_>,
    site: &Site,
    theme: &Theme,
    downloads: &Downloads,
    progress: &dyn Progress,
    sink: &dyn Sink,
) -> Result<RenderStats> {
    let total: usize = plan.jobs.iter().map(Job::pages).sum();
    progress.step("render", Some(total as u64));
    let put = |page: &Rendered| sink.put(FileKind::Page, &page.route, &page.bytes);
    let stats = plan
        .jobs
        .par_iter()
        .map(|job| -> Result<RenderStats> {
            let (pages, tally) = charts::tallied(|| job.render(site, theme, downloads));
            let pages = pages?;
            pages.iter().try_for_each(put)?;
            progress.advance(job.pages() as u64);
            Ok(RenderStats {
                pages: pages.len(),
                files: pages.len(),
                charts: tally.charts,
                chart_time: tally.time,
            })
        })
        .try_reduce(RenderStats::default, |a, b| {
            Ok(RenderStats {
                pages: a.pages + b.pages,
                files: a.files + b.files,
                charts: a.charts + b.charts,
                chart_time: a.chart_time + b.chart_time,
            })
        })?;
    let mut files = stats.files;
    if let Some(sitemap) = pages::sitemap(site, theme, &plan.jobs)? {
        put(&sitemap)?;
        files += 1;
    }
    for (name, bytes) in &theme.statics {
        sink.put(FileKind::Page, &Route::file(name), bytes)?;
        files += 1;
    }
    Ok(RenderStats { files, ..stats })
}

/// Two pages on one route would silently overwrite each other (a municipality folder named
/// `legend`, two plans sharing a node code); refuse instead.
pub(super) fn check_unique(routes: &[Route]) -> Result<()> {
    let mut seen: BTreeMap<std::path::PathBuf, &Route> = BTreeMap::new();
    for route in routes {
        if let Some(first) = seen.insert(route.output_path(), route) {
            return Err(anyhow!(
                "two pages would be written to /{}: rename a municipality folder, a plan node code or a static file so that they differ",
                first.as_str()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Collected;
    use std::path::Path;

    /// The plan must name exactly the routes the pages are rendered at: the output checks every
    /// page against it before writing.
    #[test]
    fn the_plan_lists_every_rendered_route_once() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, report) = crate::check(root);
        let site = site.unwrap_or_else(|| panic!("{report:?}"));
        let theme = Theme::load(root).unwrap();
        let plan = Plan::new(&site, &theme).unwrap();
        let sink = Collected::default();
        let stats = render_into(
            &plan,
            &site,
            &theme,
            &Downloads::new(),
            &crate::progress::Silent,
            &sink,
        )
        .unwrap();
        let mut rendered: Vec<Route> = sink.into_files().into_iter().map(|f| f.route).collect();
        rendered.sort();
        let mut planned = plan.routes().to_vec();
        planned.sort();
        assert_eq!(rendered, planned);
        assert_eq!(stats.files, planned.len());
        assert!(stats.pages > 100 && stats.pages < stats.files, "{stats:?}");
        // Every kind of page is there, aliases included.
        for route in ["", "404.html", "legend/", "joso/kpi/"] {
            assert!(planned.iter().any(|r| r.as_str() == route), "{route}");
        }
    }

    #[test]
    fn two_pages_on_one_route_are_refused() {
        let a = Route::dir(&["legend"]);
        assert!(check_unique(&[a.clone(), Route::root()]).is_ok());
        let e = check_unique(&[a.clone(), Route::root(), a]).unwrap_err();
        assert!(
            e.to_string()
                .contains("two pages would be written to /legend/")
        );
    }
}
