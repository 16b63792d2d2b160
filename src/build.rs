//! `kohyo build`: load and validate the site exactly as [`crate::check`] does, export its data
//! files, render it, and write the result atomically.
//!
//! The steps, in order: [`crate::check`] → [`output::check_output`] (the folder is one kohyo may
//! replace) → [`Theme::load`] → [`render::Plan`] (every page's route, checked before anything is
//! written) → [`Staging::create`] (the temporary folder) → [`export::export_into`] (CSV, data
//! package, zip; the pages link them with their sizes) → [`render::render_into`] →
//! [`Staging::finish`] (manifest, swap). Every file is written into the sibling folder
//! `{output}.kohyo-tmp-{pid}` as soon as it is produced, so memory holds only the files in
//! flight; the folder is swapped in with renames only when every step has succeeded, so a failed
//! or killed build leaves the previous output as it was (a failed one also removes its
//! temporary folder).

use crate::diagnostics::Report;
use crate::export;
use crate::model::Site;
use crate::output::{self, Refusal, Staging};
use crate::progress::{Progress, Silent};
use crate::render::{self, Rendered, theme::Theme};
use anyhow::Result;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a successful build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSummary {
    /// HTML pages.
    pub pages: usize,
    /// Data files (CSV, data package, zip, checksums).
    pub attachments: usize,
    /// Of the data files, the CSV files (with their Shift_JIS copies).
    pub csv_files: usize,
    /// Charts embedded in the pages.
    pub charts: usize,
    /// Project sheets (one per project per year).
    pub projects: usize,
    /// Action item reports.
    pub actions: usize,
    /// Every file written (pages, sitemap, static files).
    pub files: usize,
    /// Where.
    pub output: PathBuf,
    /// How long the build took.
    pub elapsed: Duration,
    /// How long each step took.
    pub timings: Timings,
}

impl fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "built {} pages with {} charts and {} data files ({} CSV) from {} sheets ({} projects, {} action items) into {} in {:.2} s",
            self.pages,
            self.charts,
            self.attachments,
            self.csv_files,
            self.projects + self.actions,
            self.projects,
            self.actions,
            self.output.display(),
            self.elapsed.as_secs_f64()
        )
    }
}

/// Why a build wrote nothing.
#[derive(Debug)]
pub enum BuildError {
    /// The content has errors (reported in the [`Report`]).
    Invalid {
        /// Errors.
        errors: usize,
        /// Warnings.
        warnings: usize,
    },
    /// The output folder is not one kohyo may replace (see [`output::check_output`]).
    Refused(Refusal),
    /// Rendering or writing failed.
    Failed(anyhow::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Invalid { errors, warnings } => write!(
                f,
                "{errors} errors, {warnings} warnings; nothing was written"
            ),
            BuildError::Refused(r) => write!(f, "{r}; nothing was written"),
            BuildError::Failed(e) => write!(f, "{e:#}; the previous output was left untouched"),
        }
    }
}

impl std::error::Error for BuildError {}

/// How to build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Replace an output folder even when it holds files kohyo did not write (`--force`). Never
    /// overrides the refusal of the site's own folders, the home folder or `/`.
    pub force: bool,
}

/// Builds the site under `root` into `output` (the default is `{root}/public`) with the default
/// options. Returns the validation report (errors and warnings) whatever happens, and the summary
/// or why nothing was written.
pub fn build(root: &Path, output: Option<&Path>) -> (Report, Result<BuildSummary, BuildError>) {
    build_with(root, output, BuildOptions::default())
}

/// [`build`] with options.
pub fn build_with(
    root: &Path,
    output: Option<&Path>,
    options: BuildOptions,
) -> (Report, Result<BuildSummary, BuildError>) {
    build_observed(root, output, options, &Silent)
}

/// [`build_with`], telling `progress` which step runs and how far rendering is (the CLI's
/// progress bar).
pub fn build_observed(
    root: &Path,
    output: Option<&Path>,
    options: BuildOptions,
    progress: &dyn Progress,
) -> (Report, Result<BuildSummary, BuildError>) {
    let started = Instant::now();
    let mut timings = Timings::default();
    let output = output.map_or_else(|| root.join("public"), Path::to_path_buf);
    progress.step("load", None);
    let (site, report) = timings.time("load+validate", || crate::check(root));
    let site = match site {
        Some(site) if !report.has_errors() => site,
        _ => {
            let e = BuildError::Invalid {
                errors: report.error_count(),
                warnings: report.warning_count(),
            };
            return (report, Err(e));
        }
    };
    if let Err(refusal) = output::check_output(root, &output, options.force) {
        return (report, Err(BuildError::Refused(refusal)));
    }
    let to = Destination {
        root,
        output: &output,
        progress,
        started,
    };
    let result = write_site(&site, &to, &mut timings)
        .map_err(BuildError::Failed)
        .map(|mut summary| {
            summary.timings = timings;
            summary
        });
    (report, result)
}

/// Where and how a valid site is written.
struct Destination<'a> {
    /// The site root, holding the theme.
    root: &'a Path,
    /// The output folder, replaced as a whole.
    output: &'a Path,
    progress: &'a dyn Progress,
    /// When the build started.
    started: Instant,
}

/// Writes a valid site: the theme, every page's route checked, the temporary folder, the data
/// files, the pages, then the manifest and the swap. The summary's timings are left empty.
fn write_site(site: &Site, to: &Destination<'_>, timings: &mut Timings) -> Result<BuildSummary> {
    let theme = timings.time("theme", || Theme::load(to.root))?;
    // Every page's route is known and checked before anything is written.
    let (plan, staging) = timings.time("plan", || -> Result<_> {
        let plan = render::Plan::new(site, &theme)?;
        let staging = Staging::create(to.output, plan.routes())?;
        Ok((plan, staging))
    })?;
    to.progress.step("export", None);
    let export_options = export::Options {
        shift_jis: site.config.csv.shift_jis,
    };
    let exported = timings.time("export+write", || {
        export::export_into(site, export_options, &staging)
    })?;
    let rendered = timings.time("render+write", || {
        render::render_into(
            &plan,
            site,
            &theme,
            &exported.downloads,
            to.progress,
            &staging,
        )
    })?;
    timings.chart_time = rendered.chart_time;
    to.progress.step("write", None);
    let written = timings.time("manifest+swap", || staging.finish())?;
    let summary = crate::Summary::of(site);
    Ok(BuildSummary {
        pages: rendered.pages,
        attachments: exported.files,
        csv_files: exported.csv_files,
        charts: rendered.charts,
        projects: summary.projects,
        actions: summary.actions,
        files: written.files,
        output: to.output.to_path_buf(),
        elapsed: to.started.elapsed(),
        timings: Timings::default(),
    })
}

/// How long each step of a build took, for `kohyo build --timings` (or `KOHYO_TIMINGS=1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timings {
    /// Wall-clock time of each step, in order: load+validate (one municipality after another),
    /// theme, plan (every page's
    /// route, checked, and the temporary folder created), export+write (the data files, written as they are made), render+write
    /// (the pages, likewise), manifest+swap.
    pub steps: Vec<(&'static str, Duration)>,
    /// Time spent drawing charts inside the render step, summed over the rendering threads.
    pub chart_time: Duration,
}

impl Timings {
    fn time<T>(&mut self, step: &'static str, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let out = f();
        self.steps.push((step, started.elapsed()));
        out
    }
}

impl fmt::Display for Timings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|(name, d)| format!("{name} {:.3} s", d.as_secs_f64()))
            .collect();
        write!(
            f,
            "{}; charts {:.3} s of render CPU time",
            steps.join(", "),
            self.chart_time.as_secs_f64()
        )
    }
}

/// Writes `files` into `output` atomically, refusing an output folder that is not kohyo's (see
/// [`output::write_atomically`], which this calls without `--force`).
pub fn write_atomically(root: &Path, output: &Path, files: &[Rendered]) -> Result<()> {
    output::write_atomically(root, output, files, false)
}
