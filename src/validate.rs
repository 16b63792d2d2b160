//! Turning the raw files into the typed [`model`](crate::model), checking everything a typo or a
//! wrong number could break, and reporting every problem with its file, line and column.
//!
//! Checks: municipality codes (check digit), plan ids and node codes (unique, safe in a URL),
//! references to plans and plan nodes, fiscal years (parseable, matching their folder, inside the
//! plan period), duplicate codes in one year, indicators (a direction; a unit when a value is a
//! number), money (whole 円, no words) and cost totals (実質負担額 = 総事業費 − 特定財源);
//! and, before all of these, the `[limits]` on what one file may hold ([`limits`]). With
//! `[csv] shift_jis = true`, every character of a text bound for a CSV file that Shift_JIS (CP932)
//! cannot hold is an error at its place (`shift_jis.rs`).
//!
//! A municipality is validated in three steps: its own files (`municipality.toml` and the plan
//! files, which depend on each other), then each sheet on its own against them, then the
//! sheets joined, the one check that looks across sheets (one sheet per code and fiscal year).
//! `kohyo build` runs them in a row; `kohyo serve` keeps the first two steps' results and runs
//! again only what a change touched.
//!
//! This module owns the steps and what they share: [`Validator`] (the site's settings, then each
//! municipality), `join`, the diagnostics of one file (`Ctx`), the code and web address checks
//! ([`check_code`], [`check_web_url`]) and the 達成状況 grades. The checks of each kind of file
//! are in submodules:
//! - `plan.rs`: the municipality's own files, its context: `municipality.toml` (code, website,
//!   plans, grades) and the plan files, their nodes validated and attached to their plans, with
//!   roadmap rows' node references;
//! - `sheets.rs`: project sheets and action item reports, each on its own (year, code or
//!   項目番号, plan reference, activities, money and cost, owners, dates, sections, staffing,
//!   review, measures and schedules), and the problem of a key used twice;
//! - `indicators.rs`: indicators wherever they stand, their yearly values, ids, and numbers
//!   written as words;
//! - [`limits`]: the `[limits]` on what one file may hold;
//! - `shift_jis.rs`: characters a Shift_JIS CSV file cannot hold.

use crate::diagnostics::{Diagnostic, Report, display_number};
use crate::fiscal_year::FiscalYear;
use crate::format::{
    ActionFile, MunicipalityFile, PlanNodeDef, ProjectFile, SectionDef, SiteFile, YearText,
};
use crate::load::{Loaded, LoadedMunicipality, Parsed};
use crate::model::*;
use crate::year_map::YearMap;
use plan::context;
use sheets::{action, duplicate_action, duplicate_project, project};
use shift_jis::{FileKind, unencodable};
use std::collections::{BTreeMap, HashMap, hash_map};
use std::ops::Range;
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;

mod indicators;
pub mod limits;
mod plan;
mod sheets;
mod shift_jis;

/// Validates everything loaded, returning the model when there was no error. Files over a
/// `[limits]` count are reported and left out first ([`limits`]).
pub fn validate(loaded: Loaded, report: &mut Report) -> Option<Site> {
    let validator = Validator::new(loaded.config.as_ref(), report);
    let municipalities = loaded
        .municipalities
        .into_iter()
        .filter_map(|m| validator.municipality(m, report))
        .collect();
    validator.finish(municipalities, report)
}

/// Validation one municipality at a time: the site's settings first, then each municipality's
/// raw files into its model (they can be dropped as soon as it is built), then the site.
#[derive(Debug, Clone)]
pub struct Validator {
    config: Config,
    limits: limits::Limits,
}

impl Validator {
    /// Validates the site's settings (`kohyo.toml`, when it was parsed).
    pub fn new(site: Option<&Parsed<SiteFile>>, report: &mut Report) -> Validator {
        let limits = site
            .map(|p| limits::Limits::from_def(&p.value.limits))
            .unwrap_or_default();
        let config = match site {
            Some(p) => config(&p.value, &p.file, report),
            None => Config {
                title: String::new(),
                description: None,
                base_url: None,
                achievement: AchievementConfig::default(),
                csv: CsvConfig::default(),
            },
        };
        if let Some(p) = site.filter(|_| config.csv.shift_jis) {
            report.extend(shift_jis::unencodable(p, FileKind::Site));
        }
        Validator { config, limits }
    }

    /// Validates one municipality, after leaving out its files over a `[limits]` count;
    /// `None` when it cannot be part of the site (its problems are in the report).
    ///
    /// In three steps, which `kohyo serve` also takes one by one so that it can keep each
    /// step's result: the municipality's own files (`context`), each sheet on its own
    /// (`sheet`), and the sheets joined ([`join`]).
    pub fn municipality(&self, m: LoadedMunicipality, report: &mut Report) -> Option<Municipality> {
        let plan_files: Vec<&Parsed<PlanNodeDef>> = m.plan_nodes.iter().collect();
        let cx = self.context(&m.slug, m.has_file, m.file.as_ref(), &plan_files, report);
        let projects = m.projects.iter().map(|(y, p)| Sheet::Project(*y, p));
        let actions = m.actions.iter().map(|(y, a)| Sheet::Action(*y, a));
        let checked: Vec<Checked> = projects
            .chain(actions)
            .filter_map(|sheet| self.sheet(cx.as_ref(), sheet, report))
            .collect();
        let mut cx = cx?;
        let stands = join(&checked, report);
        for (sheet, stands) in checked.into_iter().zip(stands) {
            if stands {
                cx.put(sheet);
            }
        }
        cx.finish()
    }

    /// Validates a municipality's own files, `municipality.toml` and its plan files (in walk
    /// order): what each of its sheets is checked against. `None` when it has no
    /// `municipality.toml` that can be read (`has_file` says whether one exists; when it does,
    /// its problem is reported where it was read).
    pub(crate) fn context(
        &self,
        slug: &str,
        has_file: bool,
        file: Option<&Parsed<MunicipalityFile>>,
        plan_files: &[&Parsed<PlanNodeDef>],
        report: &mut Report,
    ) -> Option<Context> {
        let file = file.filter(|f| limits::municipality_within(f, &self.limits, report));
        let plan_files: Vec<&Parsed<PlanNodeDef>> = plan_files
            .iter()
            .copied()
            .filter(|p| limits::plan_file_within(p, &self.limits, report))
            .collect();
        if self.config.csv.shift_jis {
            report.extend(
                file.into_iter()
                    .flat_map(|f| unencodable(f, FileKind::Municipality)),
            );
            for p in &plan_files {
                report.extend(unencodable(p, FileKind::PlanFile));
            }
        }
        context(
            slug,
            has_file,
            file,
            &plan_files,
            &self.config.achievement,
            report,
        )
    }

    /// Validates one sheet on its own against its municipality's `context` (`None`: the
    /// municipality cannot be validated, and only the sheet's `[limits]` are checked). Checks
    /// that look across sheets are [`join`]'s.
    pub(crate) fn sheet(
        &self,
        cx: Option<&Context>,
        sheet: Sheet<'_>,
        report: &mut Report,
    ) -> Option<Checked> {
        let method = self.config.achievement.method;
        match sheet {
            Sheet::Project(folder, p) => {
                if !limits::project_within(p, &self.limits, report) {
                    return None;
                }
                if self.config.csv.shift_jis {
                    report.extend(unencodable(p, FileKind::Project));
                }
                project(&cx?.muni, folder, p, method, report)
                    .map(|checked| Checked::Project(checked, Some(p.value.code.span())))
            }
            Sheet::Action(folder, a) => {
                if !limits::action_within(a, &self.limits, report) {
                    return None;
                }
                if self.config.csv.shift_jis {
                    report.extend(unencodable(a, FileKind::Action));
                }
                action(&cx?.muni, folder, a, method, report)
                    .map(|checked| Checked::Action(checked, Some(a.value.number.span())))
            }
        }
    }

    /// The validated site settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The site, when the report has no error.
    pub fn finish(self, municipalities: Vec<Municipality>, report: &Report) -> Option<Site> {
        if report.has_errors() {
            None
        } else {
            Some(Site {
                config: self.config,
                municipalities,
            })
        }
    }
}

fn config(f: &SiteFile, file: &str, report: &mut Report) -> Config {
    let mut achievement = AchievementConfig::default();
    if let Some(m) = f.achievement.method {
        achievement.method = m;
    }
    if let Some(spanned) = &f.achievement.tolerance_percent {
        let t = *spanned.get_ref();
        if (0.0..=100.0).contains(&t) {
            achievement.tolerance_percent = t;
        } else {
            report.push(
                Diagnostic::error(format!(
                    "tolerance_percent {} must be between 0 and 100",
                    display_number(t)
                ))
                .in_file(file)
                .at(spanned.span())
                .field("achievement.tolerance_percent"),
            );
        }
    }
    if !f.achievement.grades.is_empty() {
        let mut cx = Ctx {
            file,
            report,
            method: achievement.method,
        };
        if let Some(g) = grades(&f.achievement.grades, "achievement.grades", &mut cx) {
            achievement.grades = g;
        }
    }
    let base_url = f.base_url.as_ref().map(|u| {
        if u.ends_with('/') {
            u.clone()
        } else {
            format!("{u}/")
        }
    });
    if let Some(u) = &base_url {
        if let Err(e) = check_web_url(u) {
            report.push(
                Diagnostic::error(format!("base_url \"{u}\" {e}"))
                    .in_file(file)
                    .field("base_url"),
            );
        }
    }
    Config {
        title: f.title.clone(),
        description: f.description.clone(),
        base_url,
        achievement,
        csv: CsvConfig {
            shift_jis: f.csv.shift_jis,
        },
    }
}

/// 達成状況 grades as configured: at least two; the first is for met targets (no min_rate); the
/// others have strictly decreasing min_rate, except that the last may omit it (everything else).
fn grades(
    defs: &[Spanned<crate::format::GradeDef>],
    field: &str,
    cx: &mut Ctx,
) -> Option<Vec<crate::compute::Grade>> {
    // Each problem with the grade it is about, when it is about one.
    let mut problems: Vec<(Option<Range<usize>>, String)> = Vec::new();
    if defs.len() < 2 {
        problems.push((
            defs.first().map(Spanned::span),
            "needs at least two grades: one for met targets and one for the rest".to_string(),
        ));
    }
    let mut last_min = f64::INFINITY;
    for (i, spanned) in defs.iter().enumerate() {
        let g = spanned.get_ref();
        let mut problem = |message: String| problems.push((Some(spanned.span()), message));
        if g.mark.trim().is_empty() || g.label.trim().is_empty() {
            problem(format!("grade {} needs a mark and a label", i + 1));
        }
        match (i, g.min_rate) {
            (0, Some(_)) => problem(format!(
                "the first grade (\"{}\") is for targets that were met and takes no min_rate",
                g.mark
            )),
            (0, None) => {}
            (i, None) if i + 1 == defs.len() => {}
            (_, None) => problem(format!(
                "grade \"{}\" needs a min_rate (only the last may omit it)",
                g.mark
            )),
            (_, Some(m)) if !m.is_finite() || m < 0.0 => problem(format!(
                "grade \"{}\": min_rate {} must be a percentage of 0 or more",
                g.mark,
                display_number(m)
            )),
            (_, Some(m)) if m >= last_min => problem(format!(
                "grade \"{}\": min_rate {} must be lower than the grade before it ({})",
                g.mark,
                display_number(m),
                display_number(last_min)
            )),
            (_, Some(m)) => last_min = m,
        }
    }
    if !problems.is_empty() {
        for (at, p) in problems {
            cx.error(at, field, p).set_hint(
                "[[grades]] best first: { mark = \"A\", label = \"達成\" }, { mark = \"B\", label = \"概ね達成\", min_rate = 80 }, { mark = \"C\", label = \"未達成\" }",
            );
        }
        return None;
    }
    Some(
        defs.iter()
            .map(Spanned::get_ref)
            .map(|g| crate::compute::Grade {
                mark: g.mark.trim().to_string(),
                label: g.label.trim().to_string(),
                min_rate: g.min_rate,
            })
            .collect(),
    )
}

/// Diagnostics for one file.
struct Ctx<'a> {
    file: &'a str,
    report: &'a mut Report,
    /// The site's 達成率 method, to check indicators that rely on it.
    method: Method,
}

impl Ctx<'_> {
    fn error(
        &mut self,
        span: Option<Range<usize>>,
        field: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.located(Diagnostic::error(message), span, field)
    }

    fn warn(
        &mut self,
        span: Option<Range<usize>>,
        field: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.located(Diagnostic::warning(message), span, field)
    }

    /// Reports `d` in this file, about `field`, at `span` when there is one.
    fn located(
        &mut self,
        d: Diagnostic,
        span: Option<Range<usize>>,
        field: &str,
    ) -> &mut Diagnostic {
        self.push(d.in_file(self.file).field(field).at_maybe(span))
    }

    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.report.push_mut(d)
    }

    fn year(&mut self, y: &Spanned<YearText>, field: &str) -> Option<FiscalYear> {
        match y.get_ref().0.parse::<FiscalYear>() {
            Ok(fy) => Some(fy),
            Err(e) => {
                self.error(Some(y.span()), field, e.to_string());
                None
            }
        }
    }

    fn year_key(&mut self, k: &Spanned<String>, field: &str) -> Option<FiscalYear> {
        match k.get_ref().parse::<FiscalYear>() {
            Ok(fy) => Some(fy),
            Err(e) => {
                self.error(Some(k.span()), field, e.to_string())
                    .set_hint("keys are fiscal years: R6 = 1, 2024 = 1, \"令和6年度\" = 1");
                None
            }
        }
    }
}

trait SetHint {
    fn set_hint(&mut self, h: &str);
}

impl SetHint for Diagnostic {
    fn set_hint(&mut self, h: &str) {
        self.hint = Some(h.to_string());
    }
}

/// A web address the site publishes under (`base_url`) or links to (a municipality's `website`)
/// must be an absolute http(s) URL with nothing in it that could end an attribute or hide a
/// scheme: no spaces, quotes, angle brackets, backslashes or control characters (a browser shows
/// such characters percent-encoded, and that is how to write them).
pub fn check_web_url(url: &str) -> Result<(), String> {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Err("must start with https:// or http://".into());
    };
    if let Some(c) = url.chars().find(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
    }) {
        return Err(format!(
            "contains {c:?}; write the address as the browser's address bar shows it (percent-encoded)"
        ));
    }
    if rest.is_empty() || rest.starts_with('/') {
        return Err("has no host name".into());
    }
    Ok(())
}

/// A code that becomes part of a path and URL must be safe there: NFC, no separators, no `..`,
/// no control, space or reserved characters, and a portable file name everywhere
/// ([`segment::check`](crate::segment::check): no Windows device name such as `CON`, no trailing
/// `.`, no invisible characters).
pub fn check_code(code: &str) -> Result<(), String> {
    if code.is_empty() {
        return Err("is empty".into());
    }
    if code.chars().count() > 64 {
        return Err("is longer than 64 characters".into());
    }
    if code.nfc().collect::<String>() != code {
        return Err("is not in Unicode NFC form".into());
    }
    if code == "." || code == ".." || code.contains("..") {
        return Err("contains \"..\"".into());
    }
    if let Some(c) = code.chars().find(|c| {
        c.is_control()
            || c.is_whitespace()
            || matches!(
                c,
                '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' | '#' | '%' | '&' | '\'' | '`'
            )
    }) {
        return Err(format!("contains {c:?}, which cannot stand in a URL path"));
    }
    if code.starts_with('.') || code.starts_with('-') {
        return Err("starts with '.' or '-'".into());
    }
    crate::segment::check(code)
}

/// A municipality's own files validated (`municipality.toml` and its plan files): the
/// municipality with its plans, which its sheets are validated against one at a time
/// ([`Validator::sheet`]) and then joined into ([`join`], [`Context::put`]).
#[derive(Debug, Clone)]
pub(crate) struct Context {
    /// The municipality with its plans and plan nodes, and the sheets added so far.
    muni: Municipality,
    /// Whether its code is valid: with a bad one it never reaches the site.
    code_ok: bool,
}

/// One sheet as loaded, borrowed, with the fiscal-year folder it stands in.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sheet<'a> {
    /// A project sheet (事務事業評価).
    Project(u16, &'a Parsed<ProjectFile>),
    /// An action item report (アクション項目).
    Action(u16, &'a Parsed<ActionFile>),
}

/// One sheet validated on its own: what the model keeps of it, and where its key (the project's
/// code, the report's 項目番号) stands in its file, for the error of a key used twice (`None`
/// for a sheet taken back out of a model, which keeps no places).
#[derive(Debug, Clone)]
pub(crate) enum Checked {
    /// A project sheet.
    Project(Project, Option<Range<usize>>),
    /// An action item report.
    Action(Action, Option<Range<usize>>),
}

/// What must be unique among a municipality's sheets: a project's code, or an action report's
/// 項目番号, in one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum SheetKey {
    /// A project's code and fiscal year.
    Project(String, FiscalYear),
    /// An action report's 項目番号 (as sorted) and fiscal year.
    Action(ActionKey, FiscalYear),
}

impl Checked {
    /// The key the sheet must hold alone.
    pub(crate) fn key(&self) -> SheetKey {
        match self {
            Checked::Project(p, _) => SheetKey::Project(p.code.clone(), p.fiscal_year),
            Checked::Action(a, _) => SheetKey::Action(a.key.clone(), a.fiscal_year),
        }
    }

    /// The problem of this sheet when `first`, before it, holds its key already.
    fn duplicate_of(&self, first: &Checked) -> Option<Diagnostic> {
        match (self, first) {
            (Checked::Project(p, at), Checked::Project(first, _)) => {
                Some(duplicate_project(p, first).at_maybe(at.clone()))
            }
            (Checked::Action(a, at), Checked::Action(first, _)) => {
                Some(duplicate_action(a, first).at_maybe(at.clone()))
            }
            _ => None,
        }
    }

    /// Puts the sheet into its municipality's model, in place of the one holding its key.
    pub(crate) fn put_into(self, muni: &mut Municipality) {
        match self {
            Checked::Project(p, _) => {
                let history = muni.projects.entry(p.code.clone()).or_default();
                history.insert(p.fiscal_year, p);
            }
            Checked::Action(a, _) => {
                let history = muni.actions.entry(a.key.clone()).or_default();
                history.insert(a.fiscal_year, a);
            }
        }
    }
}

impl SheetKey {
    /// Takes the sheet holding this key out of a municipality's model.
    pub(crate) fn take_from(&self, muni: &mut Municipality) -> Option<Checked> {
        match self {
            SheetKey::Project(code, year) => {
                take_sheet(&mut muni.projects, code, *year).map(|p| Checked::Project(p, None))
            }
            SheetKey::Action(key, year) => {
                take_sheet(&mut muni.actions, key, *year).map(|a| Checked::Action(a, None))
            }
        }
    }
}

/// Joins a municipality's sheets validated on their own, in walk order: whether each stands in
/// the model. A sheet stands when it is the first to hold its key (a project's code, an action
/// report's 項目番号, in one fiscal year); every later one with the same key is reported and left
/// out. `kohyo build` and `kohyo serve` both join through here, so they report the same.
pub(crate) fn join<'a>(
    sheets: impl IntoIterator<Item = &'a Checked>,
    report: &mut Report,
) -> Vec<bool> {
    let mut holders: HashMap<SheetKey, &Checked> = HashMap::new();
    let mut stands = Vec::new();
    for sheet in sheets {
        match holders.entry(sheet.key()) {
            hash_map::Entry::Occupied(first) => {
                report.extend(sheet.duplicate_of(first.get()));
                stands.push(false);
            }
            hash_map::Entry::Vacant(free) => {
                free.insert(sheet);
                stands.push(true);
            }
        }
    }
    stands
}

/// Takes a sheet out of a municipality's sheets by key and year, and the key when it has no
/// sheet left.
fn take_sheet<K: Ord, T>(
    sheets: &mut BTreeMap<K, YearMap<T>>,
    key: &K,
    year: FiscalYear,
) -> Option<T> {
    let history = sheets.get_mut(key)?;
    let taken = history.remove(&year);
    if history.is_empty() {
        sheets.remove(key);
    }
    taken
}

impl Context {
    /// Puts a sheet in, in place of the one holding its key: for sheets already joined.
    pub(crate) fn put(&mut self, sheet: Checked) {
        sheet.put_into(&mut self.muni);
    }

    /// Whether the municipality can be part of the site (its code is valid).
    pub(crate) fn can_finish(&self) -> bool {
        self.code_ok
    }

    /// The municipality with the sheets added, when its code is valid.
    pub(crate) fn finish(self) -> Option<Municipality> {
        self.code_ok.then_some(self.muni)
    }
}

fn sections(defs: &[SectionDef]) -> Vec<Section> {
    defs.iter()
        .map(|s| Section {
            heading: Some(s.heading.clone()),
            body: s.body.trim().to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_that_would_escape_a_path_are_rejected() {
        for bad in [
            "", "..", "a/b", "a\\b", "../x", "a b", "a\tb", "x?y", "#1", ".hidden", "-x",
        ] {
            assert!(check_code(bad).is_err(), "{bad:?}");
        }
        for good in ["124", "6-2-6-4", "Ⅶ-1-3", "koiki-gyosei", "広域行政"] {
            assert!(check_code(good).is_ok(), "{good:?}");
        }
        // decomposed が (か + ゛) is not NFC
        assert!(check_code("か\u{3099}").is_err());
    }

    #[test]
    fn web_addresses_are_absolute_http_and_cannot_break_out() {
        for good in [
            "https://www.city.joso.lg.jp/",
            "http://example.jp/kohyo/",
            "https://example.jp/a?b=c&d=%E5%B8%82#x",
        ] {
            assert!(check_web_url(good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            " https://example.jp/",
            "data:text/html,x",
            "//example.jp/",
            "https://",
            "https:///x",
            "https://example.jp/\"><script>",
            "https://example.jp/a b",
            "https://example.jp/\u{0}",
            "https://example.jp\\@evil",
        ] {
            assert!(check_web_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes_that_are_no_portable_folder_name_are_rejected() {
        for bad in [
            "CON",
            "nul",
            "Aux.1",
            "COM1",
            "lpt9",
            "x.",
            "6-2.",
            "a\u{202E}b",
            "\u{200B}1",
            "/etc",
            "C:",
            "..\\x",
            "a/../b",
        ] {
            let e = check_code(bad).unwrap_err();
            assert!(!e.is_empty(), "{bad:?}");
        }
        assert!(check_code("CON").unwrap_err().contains("device name"));
        assert!(check_code("x.").unwrap_err().contains("ends with '.'"));
        for good in ["CONSOLE", "com10", "1.5", "Ⅶ-1-3-2"] {
            assert!(check_code(good).is_ok(), "{good:?}");
        }
    }
}
