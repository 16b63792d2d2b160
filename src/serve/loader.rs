//! The incremental half of `kohyo serve`: every content file's parse is kept, so that a change
//! re-reads only the files that changed and re-validates only the municipality they belong to
//! (no check looks across municipalities; see [`Validator::municipality`]).
//!
//! Within a municipality, validation is kept in two parts, each with the versions of the files
//! it came from: the municipality's own files (`municipality.toml` and its plan files: its
//! [`Context`]) and each sheet on its own. A reload validates again only the sheets read again,
//! or all of them when the context's files changed (sheets are checked against its plans); it
//! then joins the kept sheets (one sheet per code and year), which is cheap. The served model
//! is then edited rather than built again: only the sheets that changed are put into it.
//! Edits ([`Model::Edits`]) always apply to the model of the municipality's previous result,
//! which the server holds: the loader remembers what that model was built from ([`Served`]),
//! forgets it with every result that has no model, and [`Loader::all`] sends every model
//! whole.

use crate::diagnostics::{Diagnostic, Report};
use crate::load::{self, AnyFile, Kind, LoadedFile};
use crate::model::{Config, Municipality};
use crate::validate::{self, Checked, Context, Sheet, SheetKey, Validator};
use rayon::prelude::*;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// One municipality validated: its model when it has no error, and its report.
pub(crate) struct MuniResult {
    /// The folder name.
    pub(crate) slug: String,
    /// The model, when the municipality has no error (and exists).
    pub(crate) model: Model,
    /// Its diagnostics, with the sources they point into.
    pub(crate) report: Report,
}

/// A municipality's model after a reload.
pub(crate) enum Model {
    /// None: the municipality has errors, or is gone.
    None,
    /// The whole model.
    Whole(Municipality),
    /// The model of the previous result, which must be served now, with these changes: the
    /// sheets at these keys taken out, then these sheets put in.
    Edits(Vec<SheetKey>, Vec<Checked>),
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
    /// Every content file read, by path as the walk makes it (so its bytes name it). Hashed,
    /// and by bytes: comparing paths component by component made the look-ups the largest
    /// cost of a one-sheet reload at 10,000 sheets, first in a sorted map, then in this one.
    files: HashMap<OsString, Kept>,
    /// The content files of each municipality, in walk order.
    walked: BTreeMap<String, Vec<PathBuf>>,
    /// Problems found while walking each municipality's folder (misplaced files).
    walk_diags: BTreeMap<String, Vec<Diagnostic>>,
    /// What is kept of each municipality's validation, by slug.
    munis: HashMap<String, MuniCache>,
    /// Numbers every read of a file and every validation of a context, so that what was
    /// validated from them can tell whether they are still the same.
    versions: AtomicU64,
}

/// A content file as kept between reloads.
struct Kept {
    file: LoadedFile,
    /// This read of the file (unique).
    version: u64,
}

/// What is kept of a municipality's validation.
#[derive(Default)]
struct MuniCache {
    /// Its own files validated.
    context: Option<KeptContext>,
    /// Each sheet validated on its own, in walk order.
    sheets: Vec<KeptSheet>,
    /// What the model of the last result holds (when it had one), which is the model served.
    served: Option<Served>,
}

/// What a served model was built from.
struct Served {
    /// The [`KeptContext::version`].
    context: u64,
    /// The [`KeptSheet::id`] of each sheet in it, with its key.
    sheets: HashMap<u64, SheetKey>,
}

/// A sheet validated on its own.
struct KeptSheet {
    /// This validation (unique).
    id: u64,
    /// The [`Kept::version`] of the file it was validated from.
    file: u64,
    /// The [`KeptContext::version`] it was validated against.
    context: u64,
    /// Its problems.
    diagnostics: Vec<Diagnostic>,
    /// What the model keeps of it, when it has no error.
    checked: Option<Checked>,
}

/// A municipality's own files validated.
struct KeptContext {
    /// The versions of the files it was validated from (`municipality.toml` and the plan
    /// files, in walk order).
    from: Vec<u64>,
    /// This validation (unique).
    version: u64,
    /// Its problems.
    diagnostics: Vec<Diagnostic>,
    /// The municipality to validate sheets against, when it has a `municipality.toml`.
    context: Option<Context>,
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
            munis: HashMap::new(),
            versions: AtomicU64::new(0),
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
            self.munis.clear();
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
                let walked: HashSet<&OsStr> = files.iter().map(|(p, _, _)| p.as_os_str()).collect();
                self.files.retain(|p, _| walked.contains(p.as_os_str()));
                self.read(files, changed);
            }
        }
        // Every model is sent whole, and replaces all that is served.
        self.munis.retain(|slug, _| slugs.contains(slug));
        for cache in self.munis.values_mut() {
            cache.served = None;
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
        let before = self.walked.remove(slug).unwrap_or_default();
        self.walk_diags.remove(slug);
        let (files, diags) = if dir.is_dir() {
            load::walk_under(&self.root, &content, &dir)
        } else {
            Default::default()
        };
        if !diags.is_empty() {
            self.walk_diags.insert(slug.to_string(), diags);
        }
        let paths: Vec<PathBuf> = files.iter().map(|(p, _, _)| p.clone()).collect();
        // Only this municipality's files can be gone: those walked before and not now (most
        // often the same list).
        if before != paths {
            let now: HashSet<&PathBuf> = paths.iter().collect();
            for gone in before.iter().filter(|p| !now.contains(p)) {
                self.files.remove(gone.as_os_str());
            }
        }
        if !paths.is_empty() {
            self.walked.insert(slug.to_string(), paths);
        }
        self.read(files, changed);
        Reloaded::Some(self.validate(BTreeSet::from([slug.to_string()])))
    }

    /// Reads and parses, in parallel, the walked files that are new or changed.
    fn read(&mut self, files: Vec<(PathBuf, String, load::Kind)>, changed: &BTreeSet<PathBuf>) {
        let (root, max_bytes) = (&self.root, self.max_bytes);
        let unread: Vec<(PathBuf, load::Kind)> = files
            .into_iter()
            .filter(|(p, _, _)| changed.contains(p) || !self.files.contains_key(p.as_os_str()))
            .map(|(p, _, kind)| (p, kind))
            .collect();
        let fresh: Vec<(PathBuf, LoadedFile)> = unread
            .into_par_iter()
            .map(|(p, kind)| {
                let file = load::load_file(root, &p, kind, max_bytes);
                (p, file)
            })
            .collect();
        for (path, file) in fresh {
            let version = self.next_version();
            self.files
                .insert(path.into_os_string(), Kept { file, version });
        }
    }

    fn next_version(&self) -> u64 {
        self.versions.fetch_add(1, Ordering::Relaxed)
    }

    /// Validates municipalities from the parsed files kept (in parallel), again only where
    /// what they were validated from changed.
    fn validate(&mut self, slugs: BTreeSet<String>) -> Vec<MuniResult> {
        let jobs: Vec<(String, MuniCache)> = slugs
            .into_iter()
            .map(|slug| {
                let cache = self.munis.remove(&slug).unwrap_or_default();
                (slug, cache)
            })
            .collect();
        let this = &*self;
        let done: Vec<(MuniResult, Option<MuniCache>)> = jobs
            .into_par_iter()
            .map(|(slug, cache)| this.validate_one(slug, cache))
            .collect();
        let mut out = Vec::with_capacity(done.len());
        for (result, cache) in done {
            if let Some(cache) = cache {
                self.munis.insert(result.slug.clone(), cache);
            }
            out.push(result);
        }
        out
    }

    /// Validates one municipality: its context (kept when its files are the same), each sheet
    /// (kept when it and the context are the same), then the sheets joined. `None` for the
    /// cache when the municipality is gone.
    fn validate_one(&self, slug: String, mut cache: MuniCache) -> (MuniResult, Option<MuniCache>) {
        let mut report = Report::new();
        report.extend(self.walk_diags.get(&slug).cloned().unwrap_or_default());
        let paths = self.walked.get(&slug).map_or(&[][..], Vec::as_slice);
        let validator = match &self.validator {
            Some(v) if !paths.is_empty() || report.error_count() > 0 => v,
            // The folder is gone, or holds nothing kohyo reads.
            _ => {
                let model = Model::None;
                return (
                    MuniResult {
                        slug,
                        model,
                        report,
                    },
                    None,
                );
            }
        };
        let files: Vec<&Kept> = paths
            .iter()
            .filter_map(|p| self.files.get(p.as_os_str()))
            .collect();
        let cx = self.context_of(validator, &slug, &files, cache.context.take());
        report.extend(cx.diagnostics.iter().cloned());
        let kept = std::mem::take(&mut cache.sheets);
        cache.sheets = self.sheets_of(validator, &cx, &files, kept, &mut report);
        let winners = join(&cache.sheets, &mut report);
        add_cited_sources(&mut report, &files);
        let model = match &cx.context {
            Some(context) if !report.has_errors() && context.can_finish() => {
                model_of(context, cx.version, &winners, &mut cache.served)
            }
            _ => {
                cache.served = None;
                Model::None
            }
        };
        cache.context = Some(cx);
        (
            MuniResult {
                slug,
                model,
                report,
            },
            Some(cache),
        )
    }

    /// Each sheet among `files` validated on its own: its `kept` validation when it was made
    /// from the same read of the file against the same context, else validated again. The
    /// problems of every file (parse errors too) go into `report`.
    fn sheets_of(
        &self,
        validator: &Validator,
        cx: &KeptContext,
        files: &[&Kept],
        kept: Vec<KeptSheet>,
        report: &mut Report,
    ) -> Vec<KeptSheet> {
        // By the version of the file each was validated from: numbers, quicker to look up than
        // paths.
        let mut before: HashMap<u64, KeptSheet> = kept.into_iter().map(|k| (k.file, k)).collect();
        let mut sheets = Vec::with_capacity(files.len());
        for &f in files {
            let sheet = match f.file.parsed() {
                Err(problems) => {
                    report.extend(problems.iter().cloned());
                    continue;
                }
                Ok(AnyFile::Project(folder, p)) => Sheet::Project(*folder, p),
                Ok(AnyFile::Action(folder, a)) => Sheet::Action(*folder, a),
                Ok(AnyFile::Municipality(_) | AnyFile::PlanNode(_)) => continue,
            };
            let kept = match before.remove(&f.version) {
                Some(k) if k.context == cx.version => k,
                _ => {
                    let mut own = Report::new();
                    let checked = validator.sheet(cx.context.as_ref(), sheet, &mut own);
                    KeptSheet {
                        id: self.next_version(),
                        file: f.version,
                        context: cx.version,
                        diagnostics: own.sorted().into_iter().cloned().collect(),
                        checked,
                    }
                }
            };
            report.extend(kept.diagnostics.iter().cloned());
            sheets.push(kept);
        }
        sheets
    }

    /// The municipality's own files validated: `kept` when it was validated from the same
    /// versions of them, else validated again.
    fn context_of(
        &self,
        validator: &Validator,
        slug: &str,
        files: &[&Kept],
        kept: Option<KeptContext>,
    ) -> KeptContext {
        let own: Vec<&Kept> = files
            .iter()
            .copied()
            .filter(|f| matches!(f.file.kind, Kind::Municipality | Kind::PlanNode))
            .collect();
        let from: Vec<u64> = own.iter().map(|f| f.version).collect();
        if let Some(kept) = kept.filter(|k| k.from == from) {
            return kept;
        }
        let has_file = own.iter().any(|f| f.file.kind == Kind::Municipality);
        let mut file = None;
        let mut plan_files = Vec::new();
        for f in &own {
            match f.file.parsed() {
                Ok(AnyFile::Municipality(p)) => file = Some(p),
                Ok(AnyFile::PlanNode(p)) => plan_files.push(p),
                _ => {}
            }
        }
        let mut report = Report::new();
        let context = validator.context(slug, has_file, file, &plan_files, &mut report);
        KeptContext {
            from,
            version: self.next_version(),
            diagnostics: report.sorted().into_iter().cloned().collect(),
            context,
        }
    }

    /// The municipality a walk diagnostic is about (`content/{slug}/…`), if any.
    fn slug_of_diag(&self, d: &Diagnostic) -> Option<String> {
        let rest = d.file.as_deref()?.strip_prefix("content/")?;
        let (slug, _) = rest.split_once('/')?;
        Some(slug.to_string())
    }
}

/// The sheets that stand in the model, by id: [`validate::join`] of the kept sheets, in walk
/// order.
fn join<'a>(sheets: &'a [KeptSheet], report: &mut Report) -> HashMap<u64, (SheetKey, &'a Checked)> {
    let checked: Vec<(u64, &Checked)> = sheets
        .iter()
        .filter_map(|kept| Some((kept.id, kept.checked.as_ref()?)))
        .collect();
    let stands = validate::join(checked.iter().map(|(_, c)| *c), report);
    checked
        .into_iter()
        .zip(stands)
        .filter(|(_, stands)| *stands)
        .map(|((id, c), _)| (id, (c.key(), c)))
        .collect()
}

/// The model to serve: edits to the one served when it was built against the same context,
/// else the whole model. `served` is updated to what it will hold.
fn model_of(
    context: &Context,
    version: u64,
    winners: &HashMap<u64, (SheetKey, &Checked)>,
    served: &mut Option<Served>,
) -> Model {
    match served {
        Some(s) if s.context == version => {
            let gone: Vec<u64> = s
                .sheets
                .keys()
                .filter(|id| !winners.contains_key(id))
                .copied()
                .collect();
            let taken = gone.iter().filter_map(|id| s.sheets.remove(id)).collect();
            let mut put = Vec::new();
            for (id, (key, checked)) in winners {
                if let Entry::Vacant(free) = s.sheets.entry(*id) {
                    free.insert(key.clone());
                    put.push((*checked).clone());
                }
            }
            Model::Edits(taken, put)
        }
        _ => {
            let mut muni = context.clone();
            let mut sheets = HashMap::with_capacity(winners.len());
            for (id, (key, checked)) in winners {
                muni.put((*checked).clone());
                sheets.insert(*id, key.clone());
            }
            *served = Some(Served {
                context: version,
                sheets,
            });
            muni.finish().map_or(Model::None, Model::Whole)
        }
    }
}

/// Adds the sources of the files the report's diagnostics point into (only those can be shown).
fn add_cited_sources(report: &mut Report, files: &[&Kept]) {
    if report.error_count() + report.warning_count() == 0 {
        return;
    }
    let cited: HashSet<String> = report
        .sorted()
        .into_iter()
        .filter_map(|d| d.file.clone())
        .collect();
    for f in files {
        if let Some(src) = f.file.source.as_ref().filter(|s| cited.contains(&s.name)) {
            report.add_source(src.clone());
        }
    }
}
