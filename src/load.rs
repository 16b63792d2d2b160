//! Reading a site from disk: walk `content/`, read each file, split Markdown front matter from its
//! body, and parse the TOML into the raw [`format`](crate::format) types, in parallel.
//!
//! The layout of `content/`:
//!
//! ```text
//! content/
//!   {municipality}/municipality.toml           団体 and its plans
//!   {municipality}/plan/*.toml | *.md           plan nodes (any depth, any number of files)
//!   {municipality}/{年度}/projects/*.toml | *.md  事務事業 sheets of that fiscal year (西暦 folder)
//!   {municipality}/{年度}/actions/*.md | *.toml   アクション項目 reports of that fiscal year
//! ```
//!
//! A `.md` file starts with TOML front matter between `+++` lines; its body is Markdown whose `## `
//! headings become the sheet's narrative sections. Every problem becomes a diagnostic; nothing
//! here panics or stops at the first bad file.

use crate::diagnostics::{Diagnostic, Report, Source, display_path};
use crate::format::{ActionFile, MunicipalityFile, PlanNodeDef, ProjectFile, SiteFile};
use crate::model::Section;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod controls;
mod recover;

pub(crate) use recover::{MAX_ERRORS, too_many};

/// The name of the site configuration file.
pub const CONFIG_FILE: &str = "kohyo.toml";
/// The name of a municipality's file inside its folder.
pub const MUNICIPALITY_FILE: &str = "municipality.toml";
/// The default largest content file accepted.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A parsed file with where it came from.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// The file as shown to the user (relative to the site root).
    pub file: String,
    /// The parsed content.
    pub value: T,
    /// Sections from a Markdown body (empty for `.toml`).
    pub body_sections: Vec<Section>,
    /// The file's text as read (shared with its [`Source`]), for a check that needs to point
    /// inside a value ([`crate::validate`]'s Shift_JIS check).
    pub text: Arc<str>,
}

/// The kinds of content file, by where they stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Municipality,
    PlanNode,
    Project { year: u16 },
    Action { year: u16 },
}

/// A municipality folder as read.
#[derive(Debug, Default)]
pub struct LoadedMunicipality {
    /// The folder name.
    pub slug: String,
    /// `municipality.toml`, when present and parsed.
    pub file: Option<Parsed<MunicipalityFile>>,
    /// Plan node files.
    pub plan_nodes: Vec<Parsed<PlanNodeDef>>,
    /// Project sheets with the fiscal-year folder they stand in.
    pub projects: Vec<(u16, Parsed<ProjectFile>)>,
    /// Action item reports with the fiscal-year folder they stand in.
    pub actions: Vec<(u16, Parsed<ActionFile>)>,
    /// Whether `municipality.toml` exists (parsed or not), so a parse error is not reported twice.
    pub has_file: bool,
}

impl LoadedMunicipality {
    /// Files a parsed file where it belongs, or its problem in the report.
    fn add(&mut self, parsed: FileResult, report: &mut Report) {
        match parsed {
            Ok(AnyFile::Municipality(p)) => self.file = Some(p),
            Ok(AnyFile::PlanNode(p)) => self.plan_nodes.push(p),
            Ok(AnyFile::Project(y, p)) => self.projects.push((y, p)),
            Ok(AnyFile::Action(y, p)) => self.actions.push((y, p)),
            Err(ds) => report.extend(ds),
        }
    }
}

/// Everything read from a site root.
#[derive(Debug, Default)]
pub struct Loaded {
    /// `kohyo.toml`, when present and parsed.
    pub config: Option<Parsed<SiteFile>>,
    /// Municipality folders, sorted by slug.
    pub municipalities: Vec<LoadedMunicipality>,
}

/// A content file parsed, as what its place says it is.
#[derive(Debug, Clone)]
pub(crate) enum AnyFile {
    /// `municipality.toml`.
    Municipality(Parsed<MunicipalityFile>),
    /// A plan file.
    PlanNode(Parsed<PlanNodeDef>),
    /// A project sheet, with its fiscal-year folder.
    Project(u16, Parsed<ProjectFile>),
    /// An action item report, with its fiscal-year folder.
    Action(u16, Parsed<ActionFile>),
}

/// A content file parsed, or every problem that kept it from parsing.
type FileResult = Result<AnyFile, Vec<Diagnostic>>;

/// Reads and parses the site under `root`. Problems go into the returned report.
pub fn load_site(root: &Path) -> (Loaded, Report) {
    let (walked, mut report) = walk_site(root);
    let (config, content) = walked.into_parts();
    let municipalities = content
        .municipalities
        .into_iter()
        .map(|m| {
            let (m, r) = content.reader.load(m);
            report.merge(r);
            m
        })
        .collect();
    let loaded = Loaded {
        config,
        municipalities,
    };
    (loaded, report)
}

/// A site root as walked: `kohyo.toml` read and parsed, and the content files of each
/// municipality listed but not yet read, so that a caller can read, check and drop one
/// municipality's raw files before reading the next ([`crate::check`]).
#[derive(Debug)]
pub struct Walked {
    config: Option<Parsed<SiteFile>>,
    content: Content,
}

/// The content files of a site, by municipality, and how to read them.
#[derive(Debug)]
pub struct Content {
    /// Reads a municipality's files.
    pub reader: Reader,
    /// Municipality folders, sorted by slug.
    pub municipalities: Vec<MuniFiles>,
}

/// What reads content files: the site root and the largest file accepted.
#[derive(Debug, Clone)]
pub struct Reader {
    root: PathBuf,
    max_bytes: u64,
}

/// A municipality folder's content files, in sorted order, not yet read.
#[derive(Debug)]
pub struct MuniFiles {
    slug: String,
    files: Vec<(PathBuf, Kind)>,
}

impl Walked {
    /// `kohyo.toml` as parsed, and the content still to read.
    pub fn into_parts(self) -> (Option<Parsed<SiteFile>>, Content) {
        (self.config, self.content)
    }
}

/// Reads and parses `kohyo.toml` and lists the content files under `root`. Problems go into the
/// returned report.
pub fn walk_site(root: &Path) -> (Walked, Report) {
    let (config, max_bytes, mut report) = load_config(root);
    let mut walked = Walked {
        config,
        content: Content {
            reader: Reader {
                root: root.to_path_buf(),
                max_bytes,
            },
            municipalities: Vec::new(),
        },
    };
    let content = root.join("content");
    if let Err(d) = check_content_dir(root) {
        report.push(d);
        return (walked, report);
    }
    let (files, walk_diags) = walk_content(root, &content);
    report.extend(walk_diags);
    let mut munis: std::collections::BTreeMap<String, Vec<(PathBuf, Kind)>> = Default::default();
    for (path, slug, kind) in files {
        munis.entry(slug).or_default().push((path, kind));
    }
    walked.content.municipalities = munis
        .into_iter()
        .map(|(slug, files)| MuniFiles { slug, files })
        .collect();
    (walked, report)
}

impl Reader {
    /// Reads and parses a municipality's files, in parallel. The report holds each file read as a
    /// source, and every problem.
    pub fn load(&self, m: MuniFiles) -> (LoadedMunicipality, Report) {
        let mut report = Report::new();
        let results: Vec<(Option<Source>, FileResult)> = m
            .files
            .par_iter()
            .map(|(path, kind)| read_and_parse(&self.root, path, *kind, self.max_bytes))
            .collect();
        let mut loaded = LoadedMunicipality {
            has_file: m.files.iter().any(|(_, k)| *k == Kind::Municipality),
            slug: m.slug,
            ..LoadedMunicipality::default()
        };
        for (src, result) in results {
            if let Some(src) = src {
                report.add_source(src);
            }
            loaded.add(result, &mut report);
        }
        (loaded, report)
    }
}

/// Reads and parses `kohyo.toml`: the parsed file (when it parses), the largest content file it
/// allows, and the report of its problems.
pub(crate) fn load_config(root: &Path) -> (Option<Parsed<SiteFile>>, u64, Report) {
    let mut report = Report::new();
    let mut max_bytes = DEFAULT_MAX_FILE_BYTES;
    let mut config = None;
    match read_source(root, &root.join(CONFIG_FILE), DEFAULT_MAX_FILE_BYTES) {
        Ok(src) => {
            report.add_source(src.clone());
            match parse_toml::<SiteFile>(&src, &src.text) {
                Ok(cfg) => {
                    if let Some(m) = cfg.limits.max_file_bytes {
                        max_bytes = m;
                    }
                    config = Some(Parsed {
                        file: src.name.clone(),
                        value: cfg,
                        body_sections: Vec::new(),
                        text: src.text.clone(),
                    });
                }
                Err(ds) => report.extend(ds),
            }
        }
        Err(Unreadable { shown, problem }) => {
            let hinted = problem.hint.is_some();
            if let Some(src) = shown {
                report.add_source(src);
            }
            report.push(if hinted {
                problem
            } else {
                problem.hint(format!(
                    "a site root holds {CONFIG_FILE} and content/; pass --root DIR to point at one"
                ))
            });
        }
    }
    (config, max_bytes, report)
}

/// The error of a site root without a `content/` folder.
pub(crate) fn check_content_dir(root: &Path) -> Result<(), Diagnostic> {
    if root.join("content").is_dir() {
        Ok(())
    } else {
        Err(
            Diagnostic::error(format!("no content/ folder in {}", root.display())).hint(
                "create content/{municipality}/municipality.toml; see docs/content-format.md",
            ),
        )
    }
}

/// One content file read and parsed on its own: what `kohyo serve` keeps per file, so that a
/// change re-reads and re-parses only the files that changed.
#[derive(Debug, Clone)]
pub(crate) struct LoadedFile {
    /// What the file is, by where it stands (whether it parsed or not).
    pub(crate) kind: Kind,
    /// Its text, when it could be read (diagnostics show lines and columns from it).
    pub(crate) source: Option<Source>,
    parsed: FileResult,
}

impl LoadedFile {
    /// The parsed file, or every problem that kept it from parsing.
    pub(crate) fn parsed(&self) -> Result<&AnyFile, &[Diagnostic]> {
        self.parsed.as_ref().map_err(Vec::as_slice)
    }
}

/// Reads and parses one content file.
pub(crate) fn load_file(root: &Path, path: &Path, kind: Kind, max_bytes: u64) -> LoadedFile {
    let (source, parsed) = read_and_parse(root, path, kind, max_bytes);
    LoadedFile {
        kind,
        source,
        parsed,
    }
}

/// Reads a content file and parses it as what `kind` says it is.
fn read_and_parse(
    root: &Path,
    path: &Path,
    kind: Kind,
    max_bytes: u64,
) -> (Option<Source>, FileResult) {
    match read_source(root, path, max_bytes) {
        Ok(src) => {
            let parsed = parse_file(&src, kind);
            (Some(src), parsed)
        }
        Err(u) => (u.shown, Err(vec![u.problem])),
    }
}

/// Loads one content file given as text, as if it stood at `rel_path` under `content/` beside a
/// `municipality.toml` given as `municipality` (when the file is not itself that file). No disk is
/// touched: fuzz targets and tests drive the whole loader and validator through this.
pub fn load_text(rel_path: &str, text: &str, municipality: &str) -> (Loaded, Report) {
    let mut report = Report::new();
    let mut loaded = Loaded::default();
    let rel: Vec<String> = rel_path.split('/').map(String::from).collect();
    let (slug, kind) = match classify(&rel) {
        Ok(Some(found)) => found,
        Ok(None) => return (loaded, report),
        Err(hint) => {
            report.push(Diagnostic::error("not a content path").hint(hint));
            return (loaded, report);
        }
    };
    let mut muni = LoadedMunicipality {
        slug: slug.clone(),
        has_file: true,
        ..LoadedMunicipality::default()
    };
    let mut add = |name: String, text: &str, kind: Kind, muni: &mut LoadedMunicipality| {
        let src = Source {
            name,
            text: Arc::from(text),
        };
        let parsed = parse_file(&src, kind);
        report.add_source(src);
        muni.add(parsed, &mut report);
    };
    if kind != Kind::Municipality {
        let name = format!("content/{slug}/{MUNICIPALITY_FILE}");
        add(name, municipality, Kind::Municipality, &mut muni);
    }
    add(format!("content/{rel_path}"), text, kind, &mut muni);
    loaded.municipalities.push(muni);
    (loaded, report)
}

/// Lists the content files with their municipality and kind, in sorted order; files that stand
/// where no content belongs are reported, never skipped silently.
fn walk_content(root: &Path, content: &Path) -> (Vec<(PathBuf, String, Kind)>, Vec<Diagnostic>) {
    walk_under(root, content, content)
}

/// [`walk_content`] of one folder inside `content` (a municipality's, for `kohyo serve`).
pub(crate) fn walk_under(
    root: &Path,
    content: &Path,
    dir: &Path,
) -> (Vec<(PathBuf, String, Kind)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(format!(
                    "cannot read content folder: {e}"
                )));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let rel: Vec<String> = path
            .strip_prefix(content)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match classify(&rel) {
            Ok(Some((slug, kind))) => files.push((path, slug, kind)),
            Ok(None) => diags.push(
                Diagnostic::warning("not a content file (only .toml and .md are read); ignored")
                    .in_file(&display_path(root, &path)),
            ),
            Err(hint) => diags.push(
                Diagnostic::error(
                    "this file stands where kohyo expects no content, so it would be lost",
                )
                .in_file(&display_path(root, &path))
                .hint(hint),
            ),
        }
    }
    (files, diags)
}

const LAYOUT_HINT: &str = "content files go in content/{municipality}/municipality.toml, \
content/{municipality}/plan/*.toml|md, content/{municipality}/{year}/projects/*.toml|md or \
content/{municipality}/{year}/actions/*.toml|md, with {year} the 西暦 fiscal year (2024)";

/// Where a file stands decides what it is. `Ok(None)`: not a content file at all.
fn classify(rel: &[String]) -> Result<Option<(String, Kind)>, String> {
    let name = rel.last().map(String::as_str).unwrap_or("");
    let is_content = name.ends_with(".toml") || name.ends_with(".md");
    if !is_content {
        return Ok(None);
    }
    let slug = match rel.first() {
        Some(s) if rel.len() >= 2 => s.clone(),
        _ => return Err(LAYOUT_HINT.to_string()),
    };
    if let Err(e) = check_slug(&slug) {
        return Err(format!("the municipality folder name \"{slug}\" {e}"));
    }
    match &rel[1..] {
        [f] if f == MUNICIPALITY_FILE => Ok(Some((slug, Kind::Municipality))),
        [plan, ..] if plan == "plan" => Ok(Some((slug, Kind::PlanNode))),
        [year, kind, _file] if kind == "projects" || kind == "actions" => {
            let y: u16 = match year.parse() {
                Ok(y) if year.len() == 4 && (1900..=2200).contains(&y) => y,
                _ => {
                    return Err(format!(
                        "the fiscal-year folder \"{year}\" must be the 西暦 year, e.g. 2024 for 令和6年度"
                    ));
                }
            };
            Ok(Some((
                slug,
                if kind == "projects" {
                    Kind::Project { year: y }
                } else {
                    Kind::Action { year: y }
                },
            )))
        }
        _ => Err(LAYOUT_HINT.to_string()),
    }
}

/// Top-level folders the site itself writes, which no municipality may take.
pub const RESERVED_SLUGS: [&str; 4] = ["legend", "accessibility", "static", "assets"];

/// A municipality slug becomes a URL path segment: lowercase ASCII letters, digits and hyphens,
/// and not a Windows device name (`con`, `nul`, `com1`).
pub fn check_slug(slug: &str) -> Result<(), String> {
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-');
    if RESERVED_SLUGS.contains(&slug) {
        Err(format!(
            "is the name of a page the site itself publishes (/{slug}/); choose another folder name"
        ))
    } else if ok && crate::segment::is_device_name(slug) {
        Err(format!(
            "is a device name on Windows, where the folder /{slug}/ cannot be written; choose another folder name"
        ))
    } else if ok {
        Ok(())
    } else {
        Err(
            "must be lowercase ASCII letters, digits and hyphens (it becomes the URL: /joso/)"
                .into(),
        )
    }
}

/// Why a file could not be read as text: the problem, and the text to show it in when the file
/// was read but is not UTF-8 (decoded with U+FFFD in place of each bad sequence, so that the
/// diagnostic can point at the line and column of the first one).
struct Unreadable {
    shown: Option<Source>,
    problem: Diagnostic,
}

impl From<Diagnostic> for Unreadable {
    fn from(problem: Diagnostic) -> Unreadable {
        Unreadable {
            shown: None,
            problem,
        }
    }
}

fn read_source(root: &Path, path: &Path, max_bytes: u64) -> Result<Source, Unreadable> {
    let name = display_path(root, path);
    let meta = std::fs::metadata(path)
        .map_err(|e| Diagnostic::error(format!("cannot read {name}: {e}")).in_file(&name))?;
    if meta.len() > max_bytes {
        return Err(Diagnostic::error(format!(
            "file is {} bytes, over the limit of {max_bytes} bytes",
            meta.len()
        ))
        .in_file(&name)
        .hint("split the sheet, or raise [limits] max_file_bytes in kohyo.toml")
        .into());
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(format!("cannot read {name}: {e}")).in_file(&name))?;
    let text = String::from_utf8(bytes).map_err(|e| not_utf8(&name, e))?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(Source {
        name,
        text: Arc::from(text),
    })
}

/// The error of a file that is not UTF-8, at its first bad byte. The text before that byte is
/// valid, so the offset is the same in the decoded text shown, where the bad sequence is one
/// U+FFFD (three bytes).
fn not_utf8(name: &str, e: std::string::FromUtf8Error) -> Unreadable {
    let at = e.utf8_error().valid_up_to();
    let byte = e.as_bytes()[at];
    let problem = Diagnostic::error(format!(
        "file is not UTF-8 (invalid byte {byte:#04X} at offset {at})"
    ))
    .in_file(name)
    .at(at..at + '\u{fffd}'.len_utf8())
    .hint("save the file as UTF-8; Shift_JIS files must be converted first");
    let shown = Source {
        name: name.to_string(),
        text: Arc::from(String::from_utf8_lossy(e.as_bytes())),
    };
    Unreadable {
        shown: Some(shown),
        problem,
    }
}

/// Parses a content file as what `kind` says it is. Every control character of the file (front
/// matter and Markdown body) is an error of its own, and makes the file an error even when it
/// parses.
fn parse_file(src: &Source, kind: Kind) -> FileResult {
    let is_md = src.name.ends_with(".md");
    let (toml_text, body) = if is_md {
        split_front_matter(&src.text).map_err(|d| vec![d.in_file(&src.name)])?
    } else {
        (src.text.to_string(), None)
    };
    let body_problems = match &body {
        // The body is the end of the file.
        Some(b) => controls::in_text(&src.name, b, src.text.len() - b.len()),
        None => Vec::new(),
    };
    let body_sections = body.map(|b| markdown_sections(&b)).unwrap_or_default();
    let parsed = parse_as(src, &toml_text, kind, body_sections);
    match parsed {
        Ok(_) if !body_problems.is_empty() => Err(body_problems),
        Err(mut problems) => {
            problems.extend(body_problems);
            Err(problems)
        }
        ok => ok,
    }
}

/// Parses the TOML of a content file (its front matter, for a `.md` file) as `kind`.
fn parse_as(src: &Source, toml_text: &str, kind: Kind, body_sections: Vec<Section>) -> FileResult {
    macro_rules! parsed {
        ($v:expr) => {
            Parsed {
                file: src.name.clone(),
                value: $v,
                body_sections,
                text: src.text.clone(),
            }
        };
    }
    Ok(match kind {
        Kind::Municipality => AnyFile::Municipality(parsed!(parse_toml(src, toml_text)?)),
        Kind::PlanNode => AnyFile::PlanNode(parsed!(parse_toml(src, toml_text)?)),
        Kind::Project { year } => AnyFile::Project(year, parsed!(parse_toml(src, toml_text)?)),
        Kind::Action { year } => AnyFile::Action(year, parsed!(parse_toml(src, toml_text)?)),
    })
}

/// Splits `+++` front matter from a Markdown body. The returned TOML text has the same byte
/// offsets and lines as the file (the fences and body are blanked to spaces), so spans the TOML
/// parser reports point at the right place in the original file.
pub fn split_front_matter(text: &str) -> Result<(String, Option<String>), Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err(Diagnostic::error(
            "a .md sheet must start with a +++ line (TOML front matter)",
        )
        .at(0..first.len().min(3))
        .hint("put the sheet's fields between two +++ lines, then the Markdown body"));
    }
    let mut offset = first.len();
    for line in lines {
        if line.trim_end() == "+++" {
            let end = offset + line.len();
            let mut toml_text = String::with_capacity(text.len());
            toml_text.push_str(&" ".repeat(first.trim_end().len()));
            toml_text.push_str(&first[first.trim_end().len()..]);
            toml_text.push_str(&text[first.len()..offset]);
            toml_text.extend(
                text[offset..]
                    .bytes()
                    .map(|b| if b == b'\n' { '\n' } else { ' ' }),
            );
            debug_assert_eq!(toml_text.len(), text.len());
            return Ok((toml_text, Some(text[end..].to_string())));
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error("front matter is not closed: no second +++ line")
            .at(0..3)
            .hint("end the TOML front matter with a line holding only +++"),
    )
}

/// Splits a Markdown body into sections at its level-2 (`## `) headings. Text before the first
/// heading becomes a section without a heading; headings inside code fences do not count.
pub fn markdown_sections(body: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut heading: Option<String> = None;
    let mut buf = String::new();
    let mut in_fence = false;
    let flush = |heading: &mut Option<String>, buf: &mut String, out: &mut Vec<Section>| {
        let text = buf.trim().to_string();
        if heading.is_some() || !text.is_empty() {
            out.push(Section {
                heading: heading.take(),
                body: text,
            });
        }
        buf.clear();
    };
    for line in body.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence {
            if let Some(h) = line.strip_prefix("## ") {
                flush(&mut heading, &mut buf, &mut sections);
                heading = Some(h.trim().trim_end_matches('#').trim().to_string());
                continue;
            }
        }
        buf.push_str(line);
        buf.push('\n');
    }
    flush(&mut heading, &mut buf, &mut sections);
    sections
}

/// Parses TOML into `T`, turning parser errors into diagnostics with their spans and, for an
/// unknown field or value, the closest expected name as a hint. A syntax error is the file's only
/// error; on text that is valid TOML, every shape and type problem of the file is returned at
/// once (at most 50, then a note saying there are more), sorted by position.
///
/// A control character in the text (raw, or made by an escape in a basic string) is an error
/// of its own at its place ([`controls`]), and the file is then an error even when it parses:
/// no text holding one reaches a page. The rest of the file is still checked, with each such
/// character blanked, so that the parser does not report it a second time.
pub fn parse_toml<T: DeserializeOwned>(src: &Source, text: &str) -> Result<T, Vec<Diagnostic>> {
    let Some(found) = controls::in_toml(&src.name, text) else {
        return recover::deserialize_all(&src.name, text);
    };
    let mut problems = found.diagnostics;
    if let Err(others) = recover::deserialize_all::<T>(&src.name, &found.blanked) {
        problems.extend(others);
    }
    Err(problems)
}

fn toml_diagnostic(file: &str, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let mut d = Diagnostic::error(message.clone())
        .in_file(file)
        .at_maybe(e.span());
    if let Some(hint) = did_you_mean(&message) {
        d = d.hint(hint);
    }
    d
}

/// From serde's "unknown field `tagret`, expected one of `target`, …" builds
/// "did you mean `target`?".
fn did_you_mean(message: &str) -> Option<String> {
    closest_expected(message).map(|name| format!("did you mean `{name}`?"))
}

/// The expected name closest to the unknown one of serde's "unknown field `tagret`, expected one
/// of `target`, …" (or "unknown variant …"), when one is close enough.
fn closest_expected(message: &str) -> Option<&str> {
    let what = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))?;
    let (given, rest) = what.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let best = expected
        .iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(given, c), *c))
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_keeps_offsets() {
        let text = "+++\nname = \"x\"\n+++\n## 現状と課題\n本文\n";
        let (toml_text, body) = split_front_matter(text).unwrap();
        assert_eq!(toml_text.len(), text.len());
        assert_eq!(&toml_text[4..14], "name = \"x\"");
        assert!(toml_text[14..].trim().is_empty());
        assert_eq!(body.unwrap(), "## 現状と課題\n本文\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(split_front_matter("+++\nname = 1\n").is_err());
        assert!(split_front_matter("name = 1\n").is_err());
    }

    #[test]
    fn body_splits_at_level_two_headings() {
        let s = markdown_sections(
            "前文\n\n## 現状と課題\n本文1\n### 小見出し\n本文2\n## 目指す姿\n\n```\n## not a heading\n```\n",
        );
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].heading, None);
        assert_eq!(s[0].body, "前文");
        assert_eq!(s[1].heading.as_deref(), Some("現状と課題"));
        assert_eq!(s[1].body, "本文1\n### 小見出し\n本文2");
        assert_eq!(s[2].heading.as_deref(), Some("目指す姿"));
        assert!(s[2].body.contains("## not a heading"));
    }

    #[test]
    fn suggests_the_closest_field() {
        let m = "unknown field `tagret`, expected one of `name`, `targets`, `actuals`";
        assert_eq!(did_you_mean(m).as_deref(), Some("did you mean `targets`?"));
        assert_eq!(
            did_you_mean("unknown field `zzzzzz`, expected `name`"),
            None
        );
    }

    fn source(name: &str, text: &str) -> Source {
        Source {
            name: name.into(),
            text: Arc::from(text),
        }
    }

    /// The messages of a file's problems, with the text each one points at.
    fn problems(result: FileResult, text: &str) -> Vec<(String, String)> {
        let Err(ds) = result else { panic!("parsed") };
        ds.into_iter()
            .map(|d| {
                let at = d.span.map(|s| text[s].to_string()).unwrap_or_default();
                (at, d.message)
            })
            .collect()
    }

    #[test]
    fn a_raw_control_character_is_one_error_and_the_file_is_an_error() {
        // TOML rejects a raw form feed in a string on its own; only kohyo's error is shown.
        let text = "code = \"1\"\ntitle = \"目\u{c}標\"\n";
        let result = parse_file(&source("plan/1.toml", text), Kind::PlanNode);
        let found = problems(result, text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "\u{c}");
        assert!(found[0].1.contains("(U+000C FORM FEED)"));
        // The rest of the file is still checked.
        let text = "code = \"1\"\ntitle = \"目\u{c}標\"\nttile = 1\n";
        let result = parse_file(&source("plan/1.toml", text), Kind::PlanNode);
        let at: Vec<String> = problems(result, text).into_iter().map(|p| p.0).collect();
        assert_eq!(at, ["\u{c}", "ttile"]);
    }

    #[test]
    fn the_front_matter_and_the_body_of_a_markdown_file_are_both_checked() {
        let text = "+++\ncode = \"1\"\ntitle = \"\\u0085\"\n+++\n## 見出し\u{1}\n本文\u{c}\n";
        let result = parse_file(&source("plan/1.md", text), Kind::PlanNode);
        let at: Vec<String> = problems(result, text).into_iter().map(|p| p.0).collect();
        assert_eq!(at, ["\\u0085", "\u{1}", "\u{c}"]);
        // A body alone makes a file that parses an error.
        let text = "+++\ncode = \"1\"\ntitle = \"t\"\n+++\n本文\u{b}\n";
        let result = parse_file(&source("plan/1.md", text), Kind::PlanNode);
        assert_eq!(problems(result, text).len(), 1);
        let text = "+++\ncode = \"1\"\ntitle = \"t\\\\b\"\n+++\n本\t文\r\n";
        assert!(parse_file(&source("plan/1.md", text), Kind::PlanNode).is_ok());
    }

    #[test]
    fn classifies_by_place() {
        let v = |s: &str| s.split('/').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            classify(&v("joso/municipality.toml")).unwrap(),
            Some(("joso".into(), Kind::Municipality))
        );
        assert_eq!(
            classify(&v("joso/2024/projects/124.toml")).unwrap(),
            Some(("joso".into(), Kind::Project { year: 2024 }))
        );
        assert!(classify(&v("joso/R6/projects/124.toml")).is_err());
        assert!(classify(&v("joso/2024/124.toml")).is_err());
        assert!(classify(&v("Joso/municipality.toml")).is_err());
        assert!(classify(&v("con/municipality.toml")).is_err());
        assert!(classify(&v("com1/2024/projects/1.toml")).is_err());
        assert_eq!(classify(&v("joso/plan/photo.png")).unwrap(), None);
    }
}
