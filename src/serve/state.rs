//! What `kohyo serve` holds in memory between requests: the validated site, the compiled theme,
//! every report, and the pages and data files rendered so far. A page is rendered when it is
//! first asked for and kept until a change it depends on, with only the data files it links
//! exported for it (it shows their sizes); a municipality's whole export (its zip, data package
//! and checksums need every CSV) is made once, for its own page or a file only it has.

use super::loader::{Model, MuniResult, Reloaded};
use crate::diagnostics::Report;
use crate::export::{self, Export};
use crate::model::{Config, Municipality, Site};
use crate::render::{Downloads, lookup, routes, theme::Theme, url::Route};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// A municipality's export, computed at most once however many requests wait for it.
type ExportCell = Arc<OnceLock<Result<Arc<Export>, String>>>;

/// The served site.
pub(crate) struct State {
    site: Site,
    /// Problems of `kohyo.toml` and of `content/` itself.
    site_report: Report,
    /// Each municipality's problems.
    muni_reports: BTreeMap<String, Report>,
    /// The compiled theme, or why it does not compile.
    theme: Result<Theme, String>,
    /// Pages rendered and data files exported so far, by route.
    pages: Mutex<HashMap<String, Arc<Vec<u8>>>>,
    /// Each municipality's export, by slug.
    exports: Mutex<HashMap<String, ExportCell>>,
}

/// What a request gets.
pub(crate) enum Answer {
    /// A file, with its status (200, or 404 for the not-found page).
    File {
        /// HTTP status.
        status: u16,
        /// The route it stands at, which names its type.
        route: Route,
        /// Its bytes.
        bytes: Arc<Vec<u8>>,
    },
    /// The page is at this route with a slash added.
    Redirect(String),
    /// The site cannot be shown: its problems, as `kohyo check` prints them.
    Broken(String),
}

/// Pages that list every municipality or none: dropped from the cache on any content change.
const SITE_PAGES: [&str; 5] = ["", "404.html", "legend/", "accessibility/", "sitemap.xml"];

impl State {
    /// The state after the first load.
    pub(crate) fn new(loaded: Reloaded, theme: Result<Theme, String>) -> State {
        let mut state = State {
            site: Site {
                config: Config {
                    title: String::new(),
                    description: None,
                    base_url: None,
                    achievement: Default::default(),
                    csv: Default::default(),
                },
                municipalities: Vec::new(),
            },
            site_report: Report::new(),
            muni_reports: BTreeMap::new(),
            theme,
            pages: Mutex::default(),
            exports: Mutex::default(),
        };
        drop(state.apply(loaded));
        state
    }

    /// Takes in a reload, dropping what depends on what changed: everything after a full
    /// reload; else the changed municipalities' pages and data files, and the site-wide pages.
    /// Returns the models replaced, for the caller to drop once the lock is released (freeing
    /// a municipality of 500 sheets takes a millisecond or more).
    #[must_use = "drop the replaced models after releasing the lock"]
    pub(crate) fn apply(&mut self, reloaded: Reloaded) -> Vec<Municipality> {
        let mut replaced = Vec::new();
        let munis = match reloaded {
            Reloaded::All {
                config,
                report,
                munis,
            } => {
                self.site.config = config;
                replaced = std::mem::take(&mut self.site.municipalities);
                self.site_report = report;
                self.muni_reports.clear();
                lock(&self.pages).clear();
                lock(&self.exports).clear();
                munis
            }
            Reloaded::Some(munis) => {
                let mut pages = lock(&self.pages);
                pages.retain(|route, _| {
                    !SITE_PAGES.contains(&route.as_str())
                        && !munis
                            .iter()
                            .any(|m| route.starts_with(&format!("{}/", m.slug)))
                });
                let mut exports = lock(&self.exports);
                for m in &munis {
                    exports.remove(&m.slug);
                }
                munis
            }
        };
        for MuniResult {
            slug,
            model,
            report,
        } in munis
        {
            let list = &mut self.site.municipalities;
            let at = list.binary_search_by(|m| m.slug.as_str().cmp(&slug));
            match (at, model) {
                (Ok(i), Model::Whole(m)) => replaced.push(std::mem::replace(&mut list[i], m)),
                (Err(i), Model::Whole(m)) => list.insert(i, m),
                (Ok(i), Model::Edits(taken, put)) => {
                    let m = &mut list[i];
                    for key in &taken {
                        let found = key.take_from(m);
                        debug_assert!(found.is_some(), "{slug}: no sheet at {key:?}");
                    }
                    for sheet in put {
                        sheet.put_into(m);
                    }
                }
                // The loader sends edits only to the model it sent before, which is here.
                (Err(_), Model::Edits(..)) => debug_assert!(false, "edits to no model: {slug}"),
                (Ok(i), Model::None) => replaced.push(list.remove(i)),
                (Err(_), Model::None) => {}
            }
            self.muni_reports.insert(slug, report);
        }
        replaced
    }

    /// Takes in a recompiled theme; every page is rendered again.
    pub(crate) fn set_theme(&mut self, theme: Result<Theme, String>) {
        self.theme = theme;
        lock(&self.pages).clear();
    }

    /// Every diagnostic, as `kohyo check` prints them (site first, then each municipality), and
    /// the theme's error.
    pub(crate) fn diagnostics(&self, color: bool) -> String {
        let mut out = self.site_report.render(color);
        for report in self.muni_reports.values() {
            out.push_str(&report.render(color));
        }
        if let Err(e) = &self.theme {
            out.push_str(&format!("error: {e}\n"));
        }
        out
    }

    /// How many errors and warnings the content has, and whether the theme failed.
    pub(crate) fn counts(&self) -> (usize, usize, bool) {
        let reports = std::iter::once(&self.site_report).chain(self.muni_reports.values());
        let (errors, warnings) = reports.fold((0, 0), |(e, w), r| {
            (e + r.error_count(), w + r.warning_count())
        });
        (errors, warnings, self.theme.is_err())
    }

    /// The answer to a request for `route` (a site-relative route as [`Route`] writes them:
    /// `joso/2024/`, `style.css`).
    pub(crate) fn answer(&self, route: &str) -> Answer {
        // The theme's static files do not depend on the content: served while the content has
        // errors too, so that a page open in another tab keeps its look.
        if let Some(bytes) = self.theme.as_ref().ok().and_then(|t| t.statics.get(route)) {
            return file(200, route, Arc::new(bytes.clone()));
        }
        let (errors, _, theme_failed) = self.counts();
        let theme = match &self.theme {
            Ok(theme) if errors == 0 && !theme_failed => theme,
            _ => return Answer::Broken(self.diagnostics(false)),
        };
        match self.page(theme, route) {
            Ok(Some(bytes)) => return file(200, route, bytes),
            Ok(None) => {}
            Err(e) => return Answer::Broken(format!("error: {e}\n")),
        }
        match self.data_file(route) {
            Ok(Some(bytes)) => return file(200, route, bytes),
            Ok(None) => {}
            Err(e) => return Answer::Broken(format!("error: {e}\n")),
        }
        let with_slash = format!("{route}/");
        if !route.is_empty() && lookup::job(&self.site, &with_slash).is_some() {
            return Answer::Redirect(with_slash);
        }
        match self.page(theme, "404.html") {
            Ok(Some(bytes)) => file(404, "404.html", bytes),
            Ok(None) => file(404, "404.html", Arc::new(b"404".to_vec())),
            Err(e) => Answer::Broken(format!("error: {e}\n")),
        }
    }

    /// The page at `route`, from the cache or rendered now (with the other pages of its job).
    fn page(&self, theme: &Theme, route: &str) -> anyhow::Result<Option<Arc<Vec<u8>>>> {
        if let Some(bytes) = lock(&self.pages).get(route) {
            return Ok(Some(bytes.clone()));
        }
        let export = match (
            lookup::municipality_of(&self.site, route),
            lookup::routes_of(&self.site, route),
        ) {
            (Some(m), Some(pages)) => Some(self.downloads_of(m, pages)?),
            _ => None,
        };
        let none = Downloads::new();
        let downloads = export.as_ref().map_or(&none, |e| &e.downloads);
        let Some(rendered) = lookup::render(&self.site, theme, downloads, route) else {
            return Ok(None);
        };
        let mut found = None;
        let mut pages = lock(&self.pages);
        for r in rendered? {
            let bytes = Arc::new(r.bytes);
            if r.route.as_str() == route {
                found = Some(bytes.clone());
            }
            pages.insert(r.route.as_str().to_string(), bytes);
        }
        Ok(found)
    }

    /// An export holding the downloads of `pages` (one job's) of municipality `m`: its whole
    /// export when it is made already or the page is the municipality's own (which links the
    /// zip of every CSV), else only the files those pages link.
    fn downloads_of(&self, m: &Municipality, pages: Vec<Route>) -> anyhow::Result<Arc<Export>> {
        if let Some(done) = self.export_done(&m.slug) {
            return Ok(done);
        }
        if pages.contains(&routes::muni(m)) {
            return self.export(&m.slug);
        }
        self.export_part(m, export::Part::LinkedFrom(&pages))
    }

    /// A data file (CSV, zip, data package) of a municipality's export: the one CSV alone when
    /// the whole export is not made yet, else from the whole export. Kept like a page.
    fn data_file(&self, route: &str) -> anyhow::Result<Option<Arc<Vec<u8>>>> {
        if let Some(bytes) = lock(&self.pages).get(route) {
            return Ok(Some(bytes.clone()));
        }
        let Some(m) = lookup::municipality_of(&self.site, route) else {
            return Ok(None);
        };
        let find = |e: Arc<Export>| {
            e.files
                .iter()
                .find(|f| f.path == route)
                .map(|f| Arc::new(f.bytes.clone()))
        };
        let found = match self.export_done(&m.slug) {
            Some(all) => find(all),
            None => match find(self.export_part(m, export::Part::File(route))?) {
                Some(bytes) => Some(bytes),
                None => find(self.export(&m.slug)?),
            },
        };
        if let Some(bytes) = &found {
            lock(&self.pages).insert(route.to_string(), bytes.clone());
        }
        Ok(found)
    }

    /// Part of a municipality's export, made now.
    fn export_part(&self, m: &Municipality, part: export::Part<'_>) -> anyhow::Result<Arc<Export>> {
        let options = self.export_options();
        Ok(Arc::new(export::export_municipality(
            &self.site, m, options, part,
        )?))
    }

    fn export_options(&self) -> export::Options {
        export::Options {
            shift_jis: self.site.config.csv.shift_jis,
        }
    }

    /// A municipality's whole export, if it is made already.
    fn export_done(&self, slug: &str) -> Option<Arc<Export>> {
        let cell = lock(&self.exports).get(slug)?.clone();
        cell.get()?.as_ref().ok().cloned()
    }

    /// A municipality's whole export, computed on first use.
    fn export(&self, slug: &str) -> anyhow::Result<Arc<Export>> {
        let cell = lock(&self.exports)
            .entry(slug.to_string())
            .or_default()
            .clone();
        let result =
            cell.get_or_init(
                || match self.site.municipalities.iter().find(|m| m.slug == slug) {
                    Some(m) => export::export_municipality(
                        &self.site,
                        m,
                        self.export_options(),
                        export::Part::All,
                    )
                    .map(Arc::new)
                    .map_err(|e| e.to_string()),
                    None => Ok(Arc::default()),
                },
            );
        result.clone().map_err(|e| anyhow::anyhow!(e))
    }
}

/// A file answer.
fn file(status: u16, route: &str, bytes: Arc<Vec<u8>>) -> Answer {
    Answer::File {
        status,
        route: Route::file(route),
        bytes,
    }
}

/// Locks a cache; a thread that panicked while holding it left nothing half-written that
/// matters (entries are inserted whole), so a poisoned lock is used as it is.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
