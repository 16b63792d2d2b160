//! `kohyo build`: load and validate the site exactly as [`crate::check`] does, export its data
//! files, render it, and write the result atomically.
//!
//! The steps, in order: [`crate::check`] → [`export::export_site`] (CSV, data package, zip; the
//! pages link them with their sizes) → [`Theme::load`] → [`render::render_site_with`] →
//! [`write_atomically`]. Nothing is written unless every step succeeds: the site is rendered into
//! memory, written into a sibling folder `{output}.kohyo-tmp-{pid}`, and only then swapped in
//! with renames, so a failed build leaves the previous output as it was.

use crate::diagnostics::Report;
use crate::export::{self, Export};
use crate::render::{self, Rendered, RenderedSite, theme::Theme, url::Route};
use anyhow::{Context as _, Result, anyhow, bail};
use rayon::prelude::*;
use std::collections::BTreeSet;
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
}

impl fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "built {} pages and {} data files from {} sheets ({} projects, {} action items) into {} in {:.2} s",
            self.pages,
            self.attachments,
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
            BuildError::Failed(e) => write!(f, "{e:#}; the previous output was left untouched"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds the site under `root` into `output` (the default is `{root}/public`). Returns the
/// validation report (errors and warnings) whatever happens, and the summary or why nothing was
/// written.
pub fn build(root: &Path, output: Option<&Path>) -> (Report, Result<BuildSummary, BuildError>) {
    let started = Instant::now();
    let output = output.map_or_else(|| root.join("public"), Path::to_path_buf);
    let (site, report) = crate::check(root);
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
    let options = export::Options {
        shift_jis: site.config.csv.shift_jis,
    };
    let result = export::export_site(&site, options)
        .map_err(anyhow::Error::from)
        .and_then(|export| {
            let theme = Theme::load(root)?;
            let rendered = render::render_site_with(&site, &theme, &export.downloads)?;
            with_attachments(rendered, export)
        })
        .and_then(|(rendered, attachments)| {
            write_atomically(root, &output, &rendered.files)?;
            Ok((rendered, attachments))
        })
        .map(|(rendered, attachments)| {
            let summary = crate::Summary::of(&site);
            BuildSummary {
                pages: rendered.pages,
                attachments,
                projects: summary.projects,
                actions: summary.actions,
                files: rendered.files.len(),
                output: output.clone(),
                elapsed: started.elapsed(),
            }
        })
        .map_err(BuildError::Failed);
    (report, result)
}

/// Adds the exported files to the rendered site, refusing one that would overwrite a page (a plan
/// node coded `kpi.csv` …). Returns the site and how many files were added.
fn with_attachments(mut site: RenderedSite, export: Export) -> Result<(RenderedSite, usize)> {
    let taken: BTreeSet<PathBuf> = site.files.iter().map(|f| f.route.output_path()).collect();
    let count = export.files.len();
    for a in export.files {
        let route = Route::file(&a.path);
        if taken.contains(&route.output_path()) {
            bail!(
                "the data file /{} would overwrite a page of the same name",
                a.path
            );
        }
        site.files.push(Rendered {
            route,
            bytes: a.bytes,
        });
    }
    site.files.sort_by(|a, b| a.route.cmp(&b.route));
    Ok((site, count))
}

/// Writes `files` into `output`, replacing what was there only once every file is written.
///
/// Refuses an output folder that holds the site itself (`--output .`), which the swap would
/// otherwise move away.
pub fn write_atomically(root: &Path, output: &Path, files: &[Rendered]) -> Result<()> {
    let name = output
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| anyhow!("the output folder {} has no usable name", output.display()))?;
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    refuse_site_folder(root, output)?;
    if output.exists() && !output.is_dir() {
        bail!("{} exists and is not a folder", output.display());
    }
    let pid = std::process::id();
    let tmp = parent.join(format!("{name}.kohyo-tmp-{pid}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)
            .with_context(|| format!("cannot remove the stale {}", tmp.display()))?;
    }
    if let Err(e) = write_tree(&tmp, files) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    swap_in(
        &tmp,
        output,
        &parent.join(format!("{name}.kohyo-old-{pid}")),
    )
}

/// The output folder must not be the site root or hold it: the swap moves the folder away.
fn refuse_site_folder(root: &Path, output: &Path) -> Result<()> {
    let (Ok(root), Ok(out)) = (root.canonicalize(), output.canonicalize()) else {
        return Ok(()); // the output does not exist yet, so it holds nothing
    };
    if root.starts_with(&out) {
        bail!(
            "refusing to write into {}: it holds the site itself; choose an output folder such as {}/public",
            output.display(),
            root.display()
        );
    }
    Ok(())
}

/// Writes every file under `dir` (folders first, then files in parallel).
fn write_tree(dir: &Path, files: &[Rendered]) -> Result<()> {
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|f| dir.join(f.route.output_path()))
        .collect();
    let folders: BTreeSet<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for folder in folders {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    paths
        .par_iter()
        .zip(files.par_iter())
        .try_for_each(|(path, f)| {
            std::fs::write(path, &f.bytes)
                .with_context(|| format!("cannot write {}", path.display()))
        })
}

/// Moves `tmp` to `output`, moving a previous `output` aside first and deleting it after.
fn swap_in(tmp: &Path, output: &Path, old: &Path) -> Result<()> {
    if !output.exists() {
        return std::fs::rename(tmp, output).with_context(|| {
            let _ = std::fs::remove_dir_all(tmp);
            format!("cannot move the new site into {}", output.display())
        });
    }
    if old.exists() {
        std::fs::remove_dir_all(old)
            .with_context(|| format!("cannot remove the stale {}", old.display()))?;
    }
    if let Err(e) = std::fs::rename(output, old) {
        let _ = std::fs::remove_dir_all(tmp);
        return Err(e)
            .with_context(|| format!("cannot move the previous {} aside", output.display()));
    }
    if let Err(e) = std::fs::rename(tmp, output) {
        let _ = std::fs::rename(old, output);
        let _ = std::fs::remove_dir_all(tmp);
        return Err(e)
            .with_context(|| format!("cannot move the new site into {}", output.display()));
    }
    std::fs::remove_dir_all(old).with_context(|| {
        format!(
            "the new site is in place, but {} could not be removed",
            old.display()
        )
    })
}
