//! The incremental half of `kohyo serve`: every content file's parse is kept, so that a change
//! re-reads only the files that changed and re-validates only the municipality they belong to
//! (no check looks across municipalities; see [`Validator::municipality`]).

use crate::diagnostics::{Diagnostic, Report};
use crate::load::{self, LoadedFile, LoadedMunicipality};
use crate::model::{Config, Municipality};
use crate::validate::Validator;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// One municipality validated: its model when it has no error, and its report.
pub(crate) struct MuniResult {
    /// The folder name.
    pub(crate) slug: String,
    /// The model, when the municipality has no error (and exists).
    pub(crate) model: Option<Municipality>,
    /// Its diagnostics, with the sources they point into.
    pub(crate) report: Report,
}

/// The outcome of a reload.
pub(crate) enum Reloaded {
    /// Everything was reloaded (the first load, or a change to `kohyo.toml` or `content/`
    /// itself): the site's config and report, and every municipality.
    All {
        /// The validated `kohyo.toml`.
        config: Config,
        /// The problems of `kohyo.toml`, of `content/` itself and of misplaced files.
        report: Report,
        /// Every municipality.
        munis: Vec<MuniResult>,
    },
    /// Only these municipalities were re-validated (removed ones have no model and no report).
    Some(Vec<MuniResult>),
}

/// What the loader keeps between reloads.
pub(crate) struct Loader {
    root: PathBuf,
    config: Option<crate::load::Parsed<crate::format::SiteFile>>,
    /// The validated `kohyo.toml`, with its limits.
    validator: Option<Validator>,
    max_bytes: u64,
    /// Every content file read, by path. Hashed: comparing paths (component by component) made
    /// a sorted map's look-ups the largest cost of a one-sheet reload at 10,000 sheets.
    files: HashMap<PathBuf, LoadedFile>,
    /// The content files of each municipality, in walk order.
    walked: BTreeMap<String, Vec<PathBuf>>,
    /// Problems found while walking each municipality's folder (misplaced files).
    walk_diags: BTreeMap<String, Vec<Diagnostic>>,
}

impl Loader {
    /// A loader of the site under `root`; nothing is read until [`Loader::all`].
    pub(crate) fn new(root: &Path) -> Loader {
        Loader {
            root: root.to_path_buf(),
            config: None,
            validator: None,
            max_bytes: load::DEFAULT_MAX_FILE_BYTES,
            files: HashMap::new(),
            walked: BTreeMap::new(),
            walk_diags: BTreeMap::new(),
        }
    }

    /// Reads `kohyo.toml` and walks `content/` again. Files already read are re-read only when
    /// named in `changed` (every file when `kohyo.toml` changed: its limits apply to all).
    pub(crate) fn all(&mut self, changed: &BTreeSet<PathBuf>) -> Reloaded {
        let (config, max_bytes, mut report) = load::load_config(&self.root);
        let config_changed = self.validator.is_none()
            || max_bytes != self.max_bytes
            || changed.contains(&self.root.join(load::CONFIG_FILE));
        if config_changed {
            self.files.clear();
        }
        self.max_bytes = max_bytes;
        let validator = Validator::new(config.as_ref(), &mut report);
        let site_config = validator.config().clone();
        self.config = config;
        self.validator = Some(validator);
        self.walked.clear();
        self.walk_diags.clear();
        let content = self.root.join("content");
        let mut slugs = BTreeSet::new();
        match load::check_content_dir(&self.root) {
            Err(d) => {
                report.push(d);
                self.files.clear();
            }
            Ok(()) => {
                let (files, diags) = load::walk_under(&self.root, &content, &content);
                for d in diags {
                    match self.slug_of_diag(&d) {
                        Some(slug) => self.walk_diags.entry(slug).or_default().push(d),
                        None => report.push(d),
                    }
                }
                for (path, slug, _) in &files {
                    self.walked
                        .entry(slug.clone())
                        .or_default()
                        .push(path.clone());
                }
                slugs.extend(self.walked.keys().cloned());
                slugs.extend(self.walk_diags.keys().cloned());
                self.read(files, changed, None);
            }
        }
        let munis = self.validate(slugs);
        Reloaded::All {
            config: site_config,
            report,
            munis,
        }
    }

    /// Walks one municipality's folder again, re-reads the files named in `changed` and those not
    /// read before, and re-validates the municipality.
    pub(crate) fn municipality(&mut self, slug: &str, changed: &BTreeSet<PathBuf>) -> Reloaded {
        let content = self.root.join("content");
        let dir = content.join(slug);
        self.walked.remove(slug);
        self.walk_diags.remove(slug);
        if dir.is_dir() {
            let (files, diags) = load::walk_under(&self.root, &content, &dir);
            if !diags.is_empty() {
                self.walk_diags.insert(slug.to_string(), diags);
            }
            let paths = files.iter().map(|(p, _, _)| p.clone()).collect();
            self.walked.insert(slug.to_string(), paths);
            self.read(files, changed, Some(slug));
        } else {
            self.files.retain(|_, f| f.slug != slug);
        }
        Reloaded::Some(self.validate(BTreeSet::from([slug.to_string()])))
    }

    /// Reads and parses, in parallel, the walked files that are new or changed.
    /// Files of the walked scope (one municipality, or all with `None`) that are no longer
    /// there are forgotten.
    fn read(
        &mut self,
        files: Vec<(PathBuf, String, load::Kind)>,
        changed: &BTreeSet<PathBuf>,
        scope: Option<&str>,
    ) {
        let walked: std::collections::HashSet<&PathBuf> = files.iter().map(|(p, _, _)| p).collect();
        self.files
            .retain(|p, f| scope.is_some_and(|s| s != f.slug) || walked.contains(p));
        let (root, max_bytes) = (&self.root, self.max_bytes);
        let fresh: Vec<(PathBuf, LoadedFile)> = files
            .par_iter()
            .filter(|(p, _, _)| changed.contains(p) || !self.files.contains_key(p))
            .map(|(p, slug, kind)| (p.clone(), load::load_file(root, p, slug, *kind, max_bytes)))
            .collect();
        self.files.extend(fresh);
    }

    /// Validates municipalities from the parsed files kept (in parallel).
    fn validate(&self, slugs: BTreeSet<String>) -> Vec<MuniResult> {
        let validator = self.validator.as_ref();
        slugs
            .into_par_iter()
            .map(|slug| {
                let mut report = Report::new();
                report.extend(self.walk_diags.get(&slug).cloned().unwrap_or_default());
                let paths = self.walked.get(&slug).map_or(&[][..], Vec::as_slice);
                if paths.is_empty() && report.error_count() == 0 {
                    // The folder is gone, or holds nothing kohyo reads.
                    return MuniResult {
                        slug,
                        model: None,
                        report,
                    };
                }
                let mut m = LoadedMunicipality {
                    slug: slug.clone(),
                    ..LoadedMunicipality::default()
                };
                for f in paths.iter().filter_map(|p| self.files.get(p)) {
                    f.add_to(&mut m, &mut report);
                }
                let own_file = self
                    .root
                    .join("content")
                    .join(&slug)
                    .join(load::MUNICIPALITY_FILE);
                m.has_file = paths.contains(&own_file);
                let model = validator.and_then(|v| v.municipality(m, &mut report));
                let model = if report.has_errors() { None } else { model };
                MuniResult {
                    slug,
                    model,
                    report,
                }
            })
            .collect()
    }

    /// The municipality a walk diagnostic is about (`content/{slug}/…`), if any.
    fn slug_of_diag(&self, d: &Diagnostic) -> Option<String> {
        let rest = d.file.as_deref()?.strip_prefix("content/")?;
        let (slug, _) = rest.split_once('/')?;
        Some(slug.to_string())
    }
}
