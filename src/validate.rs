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

use crate::diagnostics::{Diagnostic, Report, display_number};
use crate::fiscal_year::FiscalYear;
use crate::format::{
    ActionFile, ActivityDef, Cell, IndicatorDef, MeasureDef, MoneyUnitInput, MunicipalityFile,
    PlanNodeDef, ProjectFile, ReviewDef, RoadmapDef, SectionDef, SiteFile, StaffingDef, YearCells,
    YearText, YearValue,
};
use crate::load::{Loaded, LoadedMunicipality, Parsed};
use crate::model::*;
use crate::muni_code::MuniCode;
use crate::value::{Amount, MoneyUnit, Value, Yen};
use crate::year_map::YearMap;
use shift_jis::{FileKind, unencodable};
use std::collections::{BTreeMap, BTreeSet, HashMap, hash_map};
use std::ops::Range;
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;

pub mod limits;
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

/// Validates `municipality.toml` (code, website, plans, grades) and attaches its plan files'
/// nodes; `None` when there is no file (reported when there is none at all, `has_file` false).
fn context(
    slug: &str,
    has_file: bool,
    file: Option<&Parsed<MunicipalityFile>>,
    plan_files: &[&Parsed<PlanNodeDef>],
    site: &AchievementConfig,
    report: &mut Report,
) -> Option<Context> {
    let method = site.method;
    let Some(file) = file else {
        if !has_file {
            report_missing_municipality(slug, report);
        }
        return None;
    };
    let Parsed {
        file: fname,
        value: f,
        ..
    } = file;
    let mut cx = Ctx {
        file: fname,
        report,
        method,
    };
    let code = muni_code(&f.code, &mut cx);
    check_website(f, &mut cx);
    let plans = plans(f, &mut cx);
    let achievement = municipality_achievement(f, site, &mut cx);
    // With a bad code the municipality never reaches the model, but its sheets are still checked
    // so that every problem shows in one run; the stand-in code is never output.
    let stand_in = "010006".parse::<MuniCode>().ok()?;
    let mut muni = Municipality {
        slug: slug.to_string(),
        name: f.name.clone(),
        prefecture: f.prefecture.clone(),
        code: code.unwrap_or(stand_in),
        website: f.website.clone(),
        achievement,
        plans,
        projects: BTreeMap::new(),
        actions: BTreeMap::new(),
    };
    attach_plan_nodes(&mut muni, plan_files, method, report);
    Some(Context {
        muni,
        code_ok: code.is_some(),
    })
}

/// A folder under `content/` without `municipality.toml`: its sheets belong to no municipality.
fn report_missing_municipality(slug: &str, report: &mut Report) {
    report.push(
        Diagnostic::error(format!(
            "content/{slug}/ has no municipality.toml, so its sheets belong to no municipality"
        ))
        .in_file(&format!("content/{slug}"))
        .hint(format!(
            "add content/{slug}/municipality.toml with name, prefecture, code and plans"
        )),
    );
}

/// The 全国地方公共団体コード, whose check digit must be right.
fn muni_code(code: &Spanned<String>, cx: &mut Ctx) -> Option<MuniCode> {
    match code.get_ref().parse::<MuniCode>() {
        Ok(c) => Some(c),
        Err(e) => {
            cx.error(Some(code.span()), "code", e.to_string())
                .set_hint("look the code up in 総務省「全国地方公共団体コード」");
            None
        }
    }
}

/// The municipality's own site, linked from its pages, must be a safe web address
/// ([`check_web_url`]).
fn check_website(f: &MunicipalityFile, cx: &mut Ctx) {
    if let Some(w) = &f.website {
        if let Err(e) = check_web_url(w) {
            cx.error(None, "website", format!("website \"{w}\" {e}"))
                .set_hint("the municipality's own site, e.g. https://www.city.joso.lg.jp/");
        }
    }
}

/// The site's 達成率 settings, with the municipality's own 達成状況 grades when it has valid ones.
fn municipality_achievement(
    f: &MunicipalityFile,
    site: &AchievementConfig,
    cx: &mut Ctx,
) -> AchievementConfig {
    let mut achievement = site.clone();
    if !f.grades.is_empty() {
        if let Some(g) = grades(&f.grades, "grades", cx) {
            achievement.grades = g;
        }
    }
    achievement
}

fn plans(f: &MunicipalityFile, cx: &mut Ctx) -> Vec<Plan> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, p) in f.plans.iter().enumerate() {
        let field = format!("plans[{i}]");
        let id = p.id.get_ref();
        if let Err(e) = check_code(id) {
            cx.error(
                Some(p.id.span()),
                &format!("{field}.id"),
                format!("plan id \"{id}\" {e}"),
            );
        }
        if !seen.insert(id.clone()) {
            cx.error(
                Some(p.id.span()),
                &format!("{field}.id"),
                format!("plan id \"{id}\" is used twice"),
            );
        }
        let start = p
            .start
            .as_ref()
            .and_then(|y| cx.year(y, &format!("{field}.start")));
        let end = p
            .end
            .as_ref()
            .and_then(|y| cx.year(y, &format!("{field}.end")));
        let period = match (start, end) {
            (Some(s), Some(e)) if s <= e => Some((s, e)),
            (Some(s), Some(e)) => {
                cx.error(
                    p.start.as_ref().map(|y| y.span()),
                    &format!("{field}.start"),
                    format!(
                        "the plan starts ({}) after it ends ({})",
                        s.wareki(),
                        e.wareki()
                    ),
                );
                None
            }
            (None, None) => None,
            _ => {
                if p.start.is_some() != p.end.is_some() {
                    let span = p.start.as_ref().or(p.end.as_ref()).map(|y| y.span());
                    cx.error(span, &field, "a plan period needs both start and end");
                }
                None
            }
        };
        out.push(Plan {
            id: id.clone(),
            name: p.name.clone(),
            part_of: p.part_of.clone(),
            period,
            levels: p.levels.clone(),
            roots: Vec::new(),
        });
    }
    out
}

/// Resolves the plan a sheet or node names, or the only plan when it names none.
fn resolve_plan<'m>(
    muni: &'m Municipality,
    plan: &Option<Spanned<String>>,
    cx: &mut Ctx,
) -> Option<&'m Plan> {
    match plan {
        Some(id) => {
            let found = muni.plan(id.get_ref());
            if found.is_none() {
                let known: Vec<&str> = muni.plans.iter().map(|p| p.id.as_str()).collect();
                cx.error(
                    Some(id.span()),
                    "plan",
                    format!("unknown plan \"{}\"", id.get_ref()),
                )
                .set_hint(&format!("plans of {}: {}", muni.name, known.join(", ")));
            }
            found
        }
        None if muni.plans.len() == 1 => muni.plans.first(),
        None => None,
    }
}

/// A plan file's node tree, validated, waiting to be attached to its plan (under its parent,
/// when it names one).
struct PendingNode {
    plan: String,
    parent: Option<Spanned<String>>,
    node: PlanNode,
    file: String,
    /// Every node code the file defines, the top node's first, where it is written.
    codes: Vec<Spanned<String>>,
    /// Roadmap rows' `node` references, checked once the tree is assembled.
    roadmap_refs: Vec<Spanned<String>>,
}

/// Validates a municipality's plan files and attaches their nodes to its plans: each file's
/// node tree against the plan it names, node codes unique across the municipality, each
/// top node under its parent, and roadmap rows naming nodes of their plan.
fn attach_plan_nodes(
    muni: &mut Municipality,
    files: &[&Parsed<PlanNodeDef>],
    method: Method,
    report: &mut Report,
) {
    let mut pending: Vec<PendingNode> = files
        .iter()
        .filter_map(|p| pending_node(muni, p, method, report))
        .collect();
    check_unique_node_codes(&pending, report);
    let refs = take_roadmap_refs(&mut pending);
    let unattached = attach(muni, pending);
    report_unknown_parents(unattached, report);
    check_roadmap_refs(muni, refs, report);
}

/// One plan file's node tree validated, with the plan it belongs to; `None` when it names no
/// plan of the municipality (reported).
fn pending_node(
    muni: &Municipality,
    p: &Parsed<PlanNodeDef>,
    method: Method,
    report: &mut Report,
) -> Option<PendingNode> {
    let mut cx = Ctx {
        file: &p.file,
        report,
        method,
    };
    let Some(plan) = resolve_plan(muni, &p.value.plan, &mut cx) else {
        if p.value.plan.is_none() {
            cx.error(Some(p.value.code.span()), "plan", "this node names no plan")
                .set_hint("add plan = \"…\" (the municipality has several plans, or none)");
        }
        return None;
    };
    let plan = plan.id.clone();
    let mut roadmap_refs = Vec::new();
    collect_roadmap_refs(&p.value, &mut roadmap_refs);
    let mut codes = Vec::new();
    collect_defined_codes(&p.value, &mut codes);
    let mut node = plan_node(&p.value, &mut cx, true);
    node.sections.extend(p.body_sections.iter().cloned());
    Some(PendingNode {
        plan,
        parent: p.value.parent.clone(),
        node,
        file: p.file.clone(),
        codes,
        roadmap_refs,
    })
}

/// The codes of a plan file's node and its children, depth first, with their places.
fn collect_defined_codes(d: &PlanNodeDef, out: &mut Vec<Spanned<String>>) {
    out.push(d.code.clone());
    for c in &d.children {
        collect_defined_codes(c, out);
    }
}

/// Codes are unique across all plans of a municipality: a node's page is /{muni}/plan/{code}/.
/// Each code defined again is reported where the file defining it again writes it.
fn check_unique_node_codes(pending: &[PendingNode], report: &mut Report) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for pn in pending {
        for code in &pn.codes {
            let c = code.get_ref();
            if let Some(first) = seen.insert(c, &pn.file) {
                report.push(
                    Diagnostic::error(format!(
                        "plan node code \"{c}\" is defined twice (also in {first})"
                    ))
                    .in_file(&pn.file)
                    .at(code.span())
                    .field("code")
                    .hint("node codes are unique within a municipality, across its plans: they become the URL /{municipality}/plan/{code}/"),
                );
            }
        }
    }
}

/// A roadmap row's `node`, with the plan and file of the row: checked once every node is
/// attached.
type RoadmapRef = (String, String, Spanned<String>);

/// Takes the roadmap rows' `node` references out of the pending nodes, in file order.
fn take_roadmap_refs(pending: &mut [PendingNode]) -> Vec<RoadmapRef> {
    pending
        .iter_mut()
        .flat_map(|pn| {
            let (plan, file) = (pn.plan.clone(), pn.file.clone());
            std::mem::take(&mut pn.roadmap_refs)
                .into_iter()
                .map(move |r| (plan.clone(), file.clone(), r))
        })
        .collect()
}

/// Attaches the pending nodes to their plans in code order: roots first, then children whose
/// parent is already in the tree, until none move. What is left has a parent in no tree.
fn attach(muni: &mut Municipality, mut pending: Vec<PendingNode>) -> Vec<PendingNode> {
    pending.sort_by_key(|p| natural_key(&p.node.code));
    loop {
        let before = pending.len();
        let mut rest = Vec::new();
        for pn in pending {
            let Some(plan) = muni.plans.iter_mut().find(|p| p.id == pn.plan) else {
                continue;
            };
            match &pn.parent {
                None => plan.roots.push(pn.node),
                Some(parent) => match find_mut(&mut plan.roots, parent.get_ref()) {
                    Some(target) => target.children.push(pn.node),
                    None => rest.push(pn),
                },
            }
        }
        pending = rest;
        if pending.is_empty() || pending.len() == before {
            return pending;
        }
    }
}

/// Reports each node left unattached: its parent is no node of its plan.
fn report_unknown_parents(unattached: Vec<PendingNode>, report: &mut Report) {
    for pn in unattached {
        let Some(parent) = pn.parent.as_ref() else {
            continue;
        };
        report.push(
            Diagnostic::error(format!(
                "parent \"{}\" is not a node of plan \"{}\"",
                parent.get_ref(),
                pn.plan
            ))
            .in_file(&pn.file)
            .at(parent.span())
            .field("parent")
            .hint("parent names the code of another node of the same plan"),
        );
    }
}

/// Reports each roadmap row whose `node` is not a node of the row's plan.
fn check_roadmap_refs(muni: &Municipality, refs: Vec<RoadmapRef>, report: &mut Report) {
    for (plan, file, r) in refs {
        let known = muni
            .plan(&plan)
            .is_some_and(|p| p.find(r.get_ref()).is_some());
        if !known {
            report.push(
                Diagnostic::error(format!(
                    "roadmap row names node \"{}\", which is not in plan \"{plan}\"",
                    r.get_ref()
                ))
                .in_file(&file)
                .at(r.span())
                .field("roadmap.node")
                .hint("node is the code of the plan node (分野施策) the row is grouped under"),
            );
        }
    }
}

fn collect_roadmap_refs(d: &PlanNodeDef, out: &mut Vec<Spanned<String>>) {
    out.extend(d.roadmap.iter().filter_map(|r| r.node.clone()));
    for c in &d.children {
        collect_roadmap_refs(c, out);
    }
}

/// Orders codes as people read them: "6-2" before "6-10".
fn natural_key(code: &str) -> Vec<(u8, u64, String)> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(&c) = chars.peek() {
        let digit = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() != digit {
                break;
            }
            run.push(c);
            chars.next();
        }
        match run.parse::<u64>() {
            Ok(n) if digit => out.push((0, n, run)),
            _ => out.push((1, 0, run)),
        }
    }
    out
}

fn find_mut<'a>(nodes: &'a mut [PlanNode], code: &str) -> Option<&'a mut PlanNode> {
    for n in nodes {
        if n.code == code {
            return Some(n);
        }
        if let Some(found) = find_mut(&mut n.children, code) {
            return Some(found);
        }
    }
    None
}

/// Validates a plan node (施策) and, below it, its children: its code, that a child names no
/// plan or parent of its own (`top` is false for a child), its SDGs goals, its indicators and
/// its roadmap (工程表) rows' years.
fn plan_node(d: &PlanNodeDef, cx: &mut Ctx, top: bool) -> PlanNode {
    let code = d.code.get_ref();
    if let Err(e) = check_code(code) {
        cx.error(
            Some(d.code.span()),
            "code",
            format!("node code \"{code}\" {e}"),
        );
    }
    if !top {
        check_child_inherits(d, cx);
    }
    let sdgs = sdgs(d, cx);
    check_indicator_ids(d.indicators.iter(), cx);
    let indicators = indicators(&d.indicators, "indicators", cx);
    let roadmap = d
        .roadmap
        .iter()
        .enumerate()
        .map(|(i, r)| roadmap_row(r, &format!("roadmap[{i}].years"), cx))
        .collect();
    PlanNode {
        code: code.clone(),
        number: d.number.clone(),
        title: d.title.clone(),
        sdgs,
        sections: sections(&d.sections),
        indicators,
        roadmap,
        children: d.children.iter().map(|c| plan_node(c, cx, false)).collect(),
    }
}

/// A child node takes its plan and parent from the node it is written in, and names neither.
fn check_child_inherits(d: &PlanNodeDef, cx: &mut Ctx) {
    for (f, v) in [("plan", &d.plan), ("parent", &d.parent)] {
        if let Some(v) = v {
            cx.error(
                Some(v.span()),
                f,
                format!("a child node inherits {f} from its parent"),
            )
            .set_hint(&format!("remove {f} here"));
        }
    }
}

/// A node's SDGs goals: each of 1–17, once, in the order given.
fn sdgs(d: &PlanNodeDef, cx: &mut Ctx) -> Vec<u8> {
    let mut sdgs = Vec::new();
    let Some(listed) = &d.sdgs else {
        return sdgs;
    };
    for g in listed.get_ref() {
        match u8::try_from(*g) {
            Ok(g @ 1..=17) if !sdgs.contains(&g) => sdgs.push(g),
            Ok(g @ 1..=17) => {
                cx.error(
                    Some(listed.span()),
                    "sdgs",
                    format!("SDGs goal {g} is listed twice"),
                );
            }
            _ => {
                cx.error(
                    Some(listed.span()),
                    "sdgs",
                    format!("{g} is not an SDGs goal (1–17)"),
                );
            }
        }
    }
    sdgs
}

/// A roadmap (工程表) row, its years' keys read as fiscal years (`field` is the row's years).
fn roadmap_row(r: &RoadmapDef, field: &str, cx: &mut Ctx) -> RoadmapRow {
    let mut years = YearMap::new();
    for (k, t) in &r.years {
        if let Some(y) = cx.year_key(k, field) {
            years.insert(y, *t);
        }
    }
    RoadmapRow {
        name: r.name.clone(),
        node: r.node.as_ref().map(|n| n.get_ref().clone()),
        project: r.project.clone(),
        leading: r.leading,
        years,
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

fn entry(c: &Cell) -> Entry {
    Entry {
        value: c.value.clone(),
        note: c.note.clone(),
    }
}

fn year_cells(cells: &YearCells, field: &str, cx: &mut Ctx) -> YearMap<Entry> {
    let mut out = YearMap::new();
    for (k, c) in cells {
        if let Some(y) = cx.year_key(k, field) {
            if out.insert(y, entry(c)).is_some() {
                cx.error(
                    Some(k.span()),
                    field,
                    format!("{} is given twice", y.wareki()),
                )
                .set_hint("R6, 令和6 and 2024 are the same year");
            }
        }
    }
    out
}

fn year_value(v: &YearValue, field: &str, cx: &mut Ctx) -> YearEntry {
    YearEntry {
        value: v.value.value.clone(),
        year: v
            .year
            .as_ref()
            .and_then(|y| cx.year(y, &format!("{field}.year"))),
        note: v.note.clone().or_else(|| v.value.note.clone()),
    }
}

/// A list of indicators, each validated ([`indicator`]) as `{field}[i]`; those without a
/// direction are left out.
fn indicators(defs: &[Spanned<IndicatorDef>], field: &str, cx: &mut Ctx) -> Vec<Indicator> {
    defs.iter()
        .enumerate()
        .filter_map(|(i, d)| indicator(d, &format!("{field}[{i}]"), cx))
        .collect()
}

/// Validates one indicator (指標) at `field`: its yearly values, a name, a direction, a unit for
/// numbers, its tolerance, a numeric baseline where 達成率 is measured from it, and numbers
/// written as words (a warning). `None` when it has no direction (its 達成率 cannot be computed).
fn indicator(s: &Spanned<IndicatorDef>, field: &str, cx: &mut Ctx) -> Option<Indicator> {
    let at = IndicatorAt {
        def: s.get_ref(),
        span: s.span(),
        field,
    };
    let values = at.values(cx);
    at.check_name(cx);
    let direction = at.direction(cx);
    let ind = at.model(values, direction.unwrap_or(Direction::Up));
    at.check_unit(&ind, cx);
    at.check_tolerance(cx);
    at.check_progress_baseline(&ind, direction, cx);
    at.warn_numberish(cx);
    direction.map(|_| ind)
}

/// An indicator's definition with where it stands: its span, and its field (`outcomes[0]` …).
struct IndicatorAt<'a> {
    def: &'a IndicatorDef,
    span: Range<usize>,
    field: &'a str,
}

/// An indicator's values by fiscal year, validated.
struct IndicatorValues {
    targets: YearMap<Entry>,
    actuals: YearMap<Entry>,
    baseline: Option<YearEntry>,
    final_target: Option<YearEntry>,
}

impl IndicatorAt<'_> {
    /// The field `what` of this indicator (`outcomes[0].unit`).
    fn field(&self, what: &str) -> String {
        format!("{}.{what}", self.field)
    }

    /// Reports an error about field `what` of this indicator, at the indicator.
    fn error<'c>(
        &self,
        what: &str,
        message: impl Into<String>,
        cx: &'c mut Ctx,
    ) -> &'c mut Diagnostic {
        cx.error(Some(self.span.clone()), &self.field(what), message)
    }

    /// 目標値 and 実績値 by fiscal year, 基準値 and 最終目標値 with their years.
    fn values(&self, cx: &mut Ctx) -> IndicatorValues {
        let d = self.def;
        let targets = year_cells(&d.targets, &self.field("targets"), cx);
        let actuals = year_cells(&d.actuals, &self.field("actuals"), cx);
        let baseline = d
            .baseline
            .as_ref()
            .map(|b| year_value(b, &self.field("baseline"), cx));
        let final_target = d
            .final_target
            .as_ref()
            .map(|b| year_value(b, &self.field("final_target"), cx));
        IndicatorValues {
            targets,
            actuals,
            baseline,
            final_target,
        }
    }

    /// The model's indicator: joined across years by its id (the name unless given), trimmed.
    fn model(&self, values: IndicatorValues, direction: Direction) -> Indicator {
        let d = self.def;
        Indicator {
            id: d.id.as_ref().unwrap_or(&d.name).trim().to_string(),
            name: d.name.clone(),
            unit: d.unit.clone().filter(|u| !u.trim().is_empty()),
            kind: d.kind,
            direction,
            baseline: values.baseline,
            targets: values.targets,
            actuals: values.actuals,
            final_target: values.final_target,
            method: d.method,
            tolerance_percent: d.tolerance_percent,
            note: d.note.clone(),
        }
    }

    /// An indicator needs a name.
    fn check_name(&self, cx: &mut Ctx) {
        if self.def.name.trim().is_empty() {
            self.error("name", "an indicator needs a name", cx);
        }
    }

    /// 増加, 減少 or 維持: which way is better, without which there is no 達成率.
    fn direction(&self, cx: &mut Ctx) -> Option<Direction> {
        let Some(dir) = &self.def.direction else {
            self.error("direction", format!("indicator \"{}\" has no direction", self.def.name), cx)
                .set_hint("add direction = \"増加\" (more is better), \"減少\" (fewer is better) or \"維持\" (keep the level)");
            return None;
        };
        Some(*dir.get_ref())
    }

    /// A number needs a unit to be read.
    fn check_unit(&self, ind: &Indicator, cx: &mut Ctx) {
        if ind.unit.is_none() && ind.has_number() {
            self.error(
                "unit",
                format!("indicator \"{}\" has numeric values but no unit", self.def.name),
                cx,
            )
            .set_hint(
                "add unit = \"人\", \"件\", \"%\", \"千円\" …; a number without a unit cannot be read",
            );
        }
    }

    /// The band of a 維持 indicator is a percentage.
    fn check_tolerance(&self, cx: &mut Ctx) {
        if let Some(t) = self.def.tolerance_percent {
            if !(0.0..=100.0).contains(&t) {
                self.error("tolerance_percent", "must be between 0 and 100", cx);
            }
        }
    }

    /// A 減少 indicator whose 達成率 is measured from the baseline ("progress", its own method or
    /// the site's) needs a numeric baseline.
    fn check_progress_baseline(&self, ind: &Indicator, direction: Option<Direction>, cx: &mut Ctx) {
        let d = self.def;
        let method = d.method.unwrap_or(cx.method);
        let numeric_baseline = ind
            .baseline
            .as_ref()
            .and_then(|b| b.value.number())
            .is_some();
        if direction != Some(Direction::Down) || method != Method::Progress || numeric_baseline {
            return;
        }
        let (msg, from) = if d.method.is_some() {
            ("this indicator's method", "method = \"ratio\" here")
        } else {
            (
                "the site's method (kohyo.toml [achievement])",
                "method = \"ratio\" on the indicator",
            )
        };
        self.error(
            "method",
            format!("{msg} is \"progress\", measured from the baseline, but \"{}\" has no numeric baseline", d.name),
            cx,
        )
        .set_hint(&format!("add baseline = {{ value = …, year = … }}, or set {from}"));
    }

    /// Numbers written as words in any of the indicator's values ([`warn_numberish`]).
    fn warn_numberish(&self, cx: &mut Ctx) {
        let d = self.def;
        for (what, cells) in [("targets", &d.targets), ("actuals", &d.actuals)] {
            for (k, c) in cells {
                warn_numberish(c, k.span(), &self.field(what), cx);
            }
        }
        for (what, v) in [("baseline", &d.baseline), ("final_target", &d.final_target)] {
            if let Some(v) = v {
                warn_numberish(&v.value, self.span.clone(), &self.field(what), cx);
            }
        }
    }
}

/// Indicators are joined across years by id (the name unless given) within their activity (or
/// the outcomes), so two indicators of one activity must not share one.
fn check_indicator_ids<'a>(defs: impl Iterator<Item = &'a Spanned<IndicatorDef>>, cx: &mut Ctx) {
    let mut seen = BTreeSet::new();
    for d in defs {
        let id = d
            .get_ref()
            .id
            .as_deref()
            .unwrap_or(&d.get_ref().name)
            .trim()
            .to_string();
        if !seen.insert(id.clone()) {
            cx.error(Some(d.span()), "id", format!("two indicators here are both identified as \"{id}\""))
                .set_hint("give each a distinct id = \"…\" (the name stays as printed); ids join an indicator across years");
        }
    }
}

/// Words that start like a number (「3,083人」「85.0%」「27,00」) are almost always a number typed
/// with its unit or a typo; they would silently become a qualitative value (評価なし).
fn warn_numberish(c: &Cell, span: Range<usize>, field: &str, cx: &mut Ctx) {
    let Value::Qualitative(text) = &c.value else {
        return;
    };
    let numeric: String = text
        .chars()
        .take_while(|ch| {
            ch.is_ascii_digit()
                || matches!(ch, '０'..='９' | ',' | '，' | '.' | '．' | '-' | '－' | '▲')
        })
        .collect();
    if numeric
        .chars()
        .any(|ch| ch.is_ascii_digit() || matches!(ch, '０'..='９'))
    {
        let hint = match numeric.parse::<crate::value::Number>() {
            Ok(n) => format!(
                "write the number alone ({}) and put the unit in unit = \"…\"; words are kept as a qualitative value",
                n.plain()
            ),
            Err(_) => {
                "check the digits and separators; words are kept as a qualitative value".to_string()
            }
        };
        cx.warn(
            Some(span),
            field,
            format!("\"{text}\" is read as words, not as a number"),
        )
        .set_hint(&hint);
    }
}

fn money_unit(u: Option<MoneyUnitInput>) -> MoneyUnit {
    match u {
        None | Some(MoneyUnitInput::Yen) => MoneyUnit::Yen,
        Some(MoneyUnitInput::ThousandYen) => MoneyUnit::ThousandYen,
        Some(MoneyUnitInput::TenThousandYen) => MoneyUnit::TenThousandYen,
        Some(MoneyUnitInput::MillionYen) => MoneyUnit::MillionYen,
        Some(MoneyUnitInput::HundredMillionYen) => MoneyUnit::HundredMillionYen,
    }
}

fn amount(
    c: Option<&Cell>,
    span: Option<Range<usize>>,
    unit: MoneyUnit,
    field: &str,
    cx: &mut Ctx,
) -> Amount {
    let Some(c) = c else {
        return Amount::NotReported;
    };
    match &c.value {
        Value::NotReported => Amount::NotReported,
        Value::NotApplicable => Amount::NotApplicable,
        Value::Measured(n) => match Yen::from_unit(*n, unit) {
            Some(y) => Amount::Yen(y),
            None => {
                cx.error(
                    span,
                    field,
                    format!("{} {} is not a whole number of 円", n.plain(), unit.label()),
                );
                Amount::NotReported
            }
        },
        Value::Qualitative(w) => {
            cx.error(span, field, format!("\"{w}\" is not an amount of money"))
                .set_hint("write a number in the sheet's money_unit, \"－\" or \"\"");
            Amount::NotReported
        }
    }
}

fn plan_ref(
    muni: &Municipality,
    plan: &Option<Spanned<String>>,
    node: &Option<Spanned<String>>,
    year: Option<FiscalYear>,
    year_span: Range<usize>,
    cx: &mut Ctx,
) -> Option<PlanRef> {
    if plan.is_none() && node.is_none() && muni.plans.len() != 1 {
        return None;
    }
    let p = resolve_plan(muni, plan, cx);
    let Some(p) = p else {
        if plan.is_none() {
            cx.error(
                node.as_ref().map(|n| n.span()),
                "plan",
                "plan_node is given but no plan",
            )
            .set_hint("add plan = \"…\": the municipality has several plans, or none");
        }
        return None;
    };
    if let (Some((start, end)), Some(y)) = (p.period, year) {
        if y < start || y > end {
            cx.error(
                Some(year_span),
                "fiscal_year",
                format!(
                    "{} is outside the period of {} ({}〜{})",
                    y.long_label(),
                    p.name,
                    start.wareki(),
                    end.wareki()
                ),
            );
        }
    }
    if let Some(n) = node {
        if p.find(n.get_ref()).is_none() {
            let known: Vec<String> = p
                .nodes()
                .iter()
                .take(12)
                .map(|(_, n)| n.code.clone())
                .collect();
            cx.error(
                Some(n.span()),
                "plan_node",
                format!("unknown plan node \"{}\" in {}", n.get_ref(), p.name),
            )
            .set_hint(&if known.is_empty() {
                format!(
                    "{} has no nodes yet (a plan file may have failed to load)",
                    p.name
                )
            } else {
                format!("known codes include: {}", known.join(", "))
            });
        }
    }
    Some(PlanRef {
        plan: p.id.clone(),
        node: node.as_ref().map(|n| n.get_ref().clone()),
    })
}

/// A calendar date (YYYY-MM-DD), from a TOML date or a string.
fn date(d: &Spanned<crate::format::DateInput>, field: &str, cx: &mut Ctx) -> Option<String> {
    use crate::format::DateInput;
    let parsed = match d.get_ref() {
        DateInput::Date(dt) => Some(*dt),
        DateInput::Text(t) => t.trim().parse::<toml::value::Datetime>().ok(),
    };
    match parsed {
        Some(dt) if dt.date.is_some() && dt.time.is_none() && dt.offset.is_none() => {
            Some(dt.to_string())
        }
        _ => {
            cx.error(Some(d.span()), field, "expected a date such as 2025-05-16")
                .set_hint("write the date as YYYY-MM-DD (西暦); 令和7年5月16日 → 2025-05-16");
            None
        }
    }
}

fn sheet_year(y: &Spanned<YearText>, folder: u16, cx: &mut Ctx) -> Option<FiscalYear> {
    let fy = cx.year(y, "fiscal_year")?;
    if fy.year() != folder {
        cx.error(
            Some(y.span()),
            "fiscal_year",
            format!("{} does not match the folder {folder}/", fy.long_label()),
        )
        .set_hint(&format!(
            "move the file to the {}/ folder, or correct fiscal_year",
            fy.year()
        ));
        return None;
    }
    Some(fy)
}

fn owners(defs: &[crate::format::OwnerDef], cx: &mut Ctx, span: Range<usize>) -> Vec<Owner> {
    let out: Vec<Owner> = defs
        .iter()
        .map(|o| Owner {
            department: o.department.clone(),
            section: o.section.clone(),
        })
        .collect();
    if out
        .iter()
        .any(|o| o.department.is_none() && o.section.is_none())
    {
        cx.error(
            Some(span.clone()),
            "owners",
            "an owner needs a department (部) or a section (課)",
        );
    }
    if out.is_empty() {
        cx.warn(Some(span), "owners", "no department or section is named")
            .set_hint("add [[owners]] section = \"…課\"");
    }
    out
}

/// Validates a project sheet (事務事業評価) on its own against its municipality: its fiscal year
/// and code, the plan it serves, its period, activities, outcomes, cost, owners and date.
/// `None` when its fiscal year is unusable (the problems are in the report).
fn project(
    muni: &Municipality,
    folder: u16,
    p: &Parsed<ProjectFile>,
    method: Method,
    report: &mut Report,
) -> Option<Project> {
    let Parsed {
        file,
        value: f,
        body_sections,
        ..
    } = p;
    let mut cx = Ctx {
        file,
        report,
        method,
    };
    let year = sheet_year(&f.fiscal_year, folder, &mut cx);
    let code = f.code.get_ref().clone();
    check_project_code(&f.code, &mut cx);
    let plan = plan_ref(
        muni,
        &f.plan,
        &f.plan_node,
        year,
        f.fiscal_year.span(),
        &mut cx,
    );
    let (start_year, end_year) = project_period(f, &mut cx);
    let unit = money_unit(f.money_unit);
    let activities = f
        .activities
        .iter()
        .enumerate()
        .map(|(i, a)| activity(a, &format!("activities[{i}]"), unit, &mut cx))
        .collect();
    let outcomes = indicators(&f.outcomes, "outcomes", &mut cx);
    for a in &f.activities {
        check_indicator_ids(a.indicators.iter(), &mut cx);
    }
    check_indicator_ids(f.outcomes.iter(), &mut cx);
    let cost = f.cost.as_ref().map(|c| cost(c, unit, &mut cx));
    let owners = owners(&f.owners, &mut cx, f.code.span());
    let created = f.created.as_ref().and_then(|d| date(d, "created", &mut cx));
    Some(Project {
        fiscal_year: year?,
        code,
        sheet_no: f.sheet_no.clone(),
        name: f.name.clone(),
        form: f.form.clone(),
        created,
        owners,
        plan,
        start_year,
        end_year,
        legal_basis: f.legal_basis.clone(),
        money_unit: unit,
        sections: sheet_sections(&f.sections, body_sections),
        activities,
        outcomes,
        cost,
        staffing: f.staffing.as_ref().map(staffing),
        review: f.review.as_ref().map(review),
        source: file.clone(),
    })
}

/// A project's code becomes part of its pages' paths: it must be safe there ([`check_code`]).
fn check_project_code(code: &Spanned<String>, cx: &mut Ctx) {
    if let Err(e) = check_code(code.get_ref()) {
        cx.error(
            Some(code.span()),
            "code",
            format!("project code \"{}\" {e}", code.get_ref()),
        );
    }
}

/// A project's 事業期間: its start year and its end year (a year, or なし/無し/未定 for an
/// ongoing project), the end not before the start.
fn project_period(f: &ProjectFile, cx: &mut Ctx) -> (Option<FiscalYear>, Option<EndYear>) {
    let start_year = f.start_year.as_ref().and_then(|y| cx.year(y, "start_year"));
    let end_year = f.end_year.as_ref().and_then(|y| {
        if matches!(y.get_ref().0.trim(), "なし" | "無し" | "未定") {
            Some(EndYear::Ongoing)
        } else {
            cx.year(y, "end_year").map(EndYear::Year)
        }
    });
    if let (Some(s), Some(EndYear::Year(e))) = (start_year, end_year) {
        if e < s {
            cx.error(
                f.end_year.as_ref().map(|y| y.span()),
                "end_year",
                "the project ends before it starts",
            );
        }
    }
    (start_year, end_year)
}

/// A sheet's sections: those of its TOML, then those of its Markdown body.
fn sheet_sections(defs: &[SectionDef], body: &[Section]) -> Vec<Section> {
    let mut secs = sections(defs);
    secs.extend(body.iter().cloned());
    secs
}

/// The value of a cell that may be left out (left out: 未記入).
fn cell_value(c: Option<&Cell>) -> Value {
    c.map(|c| c.value.clone()).unwrap_or(Value::NotReported)
}

/// Text that says something: `None` for a blank one.
fn non_blank(t: &Option<String>) -> Option<String> {
    t.clone().filter(|t| !t.trim().is_empty())
}

/// 人員 and 業務分析 as the sheet gives them (nothing here can be wrong).
fn staffing(s: &StaffingDef) -> Staffing {
    Staffing {
        full_time: cell_value(s.full_time.as_ref()),
        part_time: cell_value(s.part_time.as_ref()),
        tasks: s
            .tasks
            .iter()
            .map(|t| Task {
                name: t.name.clone(),
                share_percent: cell_value(t.share_percent.as_ref()),
                routine: t.routine,
                difficulty: t.difficulty.clone(),
            })
            .collect(),
    }
}

/// 点検・改善: blank texts as none, each 改善の余地 box once, in form order.
fn review(r: &ReviewDef) -> Review {
    let mut flags = r.room_for_improvement.clone();
    flags.sort();
    flags.dedup();
    Review {
        reflection: non_blank(&r.reflection),
        room_for_improvement: flags,
        direction: r.direction,
        direction_text: non_blank(&r.direction_text),
    }
}

fn activity(a: &ActivityDef, field: &str, unit: MoneyUnit, cx: &mut Ctx) -> Activity {
    let years = a
        .years
        .iter()
        .filter_map(|y| cx.year(y, &format!("{field}.years")))
        .collect();
    Activity {
        name: a.name.clone(),
        years,
        description: a.description.clone(),
        related_sections: a.related_sections.clone(),
        budget: amount(
            a.budget.as_ref().map(|c| c.get_ref()),
            a.budget.as_ref().map(|c| c.span()),
            unit,
            &format!("{field}.budget"),
            cx,
        ),
        settlement: amount(
            a.settlement.as_ref().map(|c| c.get_ref()),
            a.settlement.as_ref().map(|c| c.span()),
            unit,
            &format!("{field}.settlement"),
            cx,
        ),
        indicators: indicators(&a.indicators, &format!("{field}.indicators"), cx),
    }
}

fn cost(c: &Spanned<crate::format::CostDef>, unit: MoneyUnit, cx: &mut Ctx) -> Cost {
    let span = Some(c.span());
    let d = c.get_ref();
    let total = amount(d.total.as_ref(), span.clone(), unit, "cost.total", cx);
    let specific = amount(
        d.specific_revenue.as_ref(),
        span.clone(),
        unit,
        "cost.specific_revenue",
        cx,
    );
    let net = amount(d.net.as_ref(), span.clone(), unit, "cost.net", cx);
    if let (Some(t), Some(s), Some(n)) = (total.yen(), specific.yen(), net.yen()) {
        if t.0.checked_sub(s.0) != Some(n.0) {
            let show = |y: Yen| y.in_unit(unit).grouped();
            cx.error(
                span,
                "cost.net",
                format!(
                    "実質負担額 {} is not 総事業費 {} − 特定財源 {} = {} ({})",
                    show(n),
                    show(t),
                    show(s),
                    t.0.checked_sub(s.0)
                        .map(|v| show(Yen(v)))
                        .unwrap_or_else(|| "overflow".into()),
                    unit.label()
                ),
            )
            .set_hint("correct one of the three amounts; the sheet's totals must add up");
        }
    }
    Cost {
        total,
        specific_revenue: specific,
        net,
    }
}

/// The problem of project sheet `p` when `first` holds its code in its fiscal year already.
fn duplicate_project(p: &Project, first: &Project) -> Diagnostic {
    Diagnostic::error(format!(
        "project code \"{}\" is used twice in {} (also in {})",
        p.code,
        p.fiscal_year.long_label(),
        first.source
    ))
    .in_file(&p.source)
    .field("code")
    .hint("each project has one sheet per fiscal year; codes stay the same across years")
}

/// Validates an action item report (アクション項目) on its own against its municipality: its
/// fiscal year and 項目番号, the plan it serves, its goal (KPI), its measures' schedules and its
/// owners. `None` when its fiscal year or 項目番号 is unusable (the problems are in the report).
fn action(
    muni: &Municipality,
    folder: u16,
    p: &Parsed<ActionFile>,
    method: Method,
    report: &mut Report,
) -> Option<Action> {
    let Parsed {
        file,
        value: f,
        body_sections,
        ..
    } = p;
    let mut cx = Ctx {
        file,
        report,
        method,
    };
    let year = sheet_year(&f.fiscal_year, folder, &mut cx);
    let key = action_key(&f.number, &mut cx);
    let plan = plan_ref(
        muni,
        &f.plan,
        &f.plan_node,
        year,
        f.fiscal_year.span(),
        &mut cx,
    );
    let period = plan
        .as_ref()
        .and_then(|r| muni.plan(&r.plan))
        .and_then(|p| p.period);
    let goal = f.goal.as_ref().map(|g| Goal {
        text: g.text.clone(),
        kpi: g
            .kpi
            .as_ref()
            .and_then(|k| indicator(k, "goal.kpi", &mut cx)),
    });
    let measures = f
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| measure(m, &format!("measures[{i}]"), period, &mut cx))
        .collect();
    let owners = owners(&f.owners, &mut cx, f.number.span());
    Some(Action {
        fiscal_year: year?,
        number: f.number.get_ref().clone(),
        key: key?,
        title: f.title.clone(),
        plan,
        owners,
        sections: sheet_sections(&f.sections, body_sections),
        goal,
        measures,
        evaluation: non_blank(&f.evaluation),
        source: file.clone(),
    })
}

/// The sort key of a report's 項目番号, which must have one.
fn action_key(number: &Spanned<String>, cx: &mut Ctx) -> Option<ActionKey> {
    let key = ActionKey::parse(number.get_ref());
    if key.is_none() {
        cx.error(
            Some(number.span()),
            "number",
            format!(
                "項目番号 \"{}\" has no number kohyo can sort by",
                number.get_ref()
            ),
        )
        .set_hint("write it as printed: \"1-(1)\", \"3-⑤\", \"2-1\"");
    }
    key
}

/// One measure (取組) of an action report, its schedule checked ([`schedule`]).
fn measure(
    m: &MeasureDef,
    field: &str,
    period: Option<(FiscalYear, FiscalYear)>,
    cx: &mut Ctx,
) -> Measure {
    Measure {
        title: m.title.clone(),
        schedule: schedule(m, &format!("{field}.schedule"), period, cx),
        progress: m.progress,
        work: non_blank(&m.work),
        improvement: non_blank(&m.improvement),
    }
}

/// A measure's schedule (年次計画): fiscal years inside the plan period (when the report's plan
/// has one), each with a word for the work planned.
fn schedule(
    m: &MeasureDef,
    field: &str,
    period: Option<(FiscalYear, FiscalYear)>,
    cx: &mut Ctx,
) -> YearMap<String> {
    let mut schedule = YearMap::new();
    for (k, v) in &m.schedule {
        let Some(y) = cx.year_key(k, field) else {
            continue;
        };
        if let Some((s, e)) = period {
            if y < s || y > e {
                cx.error(
                    Some(k.span()),
                    field,
                    format!(
                        "{} is outside the plan period ({}〜{})",
                        y.long_label(),
                        s.wareki(),
                        e.wareki()
                    ),
                );
            }
        }
        if v.trim().is_empty() {
            cx.error(
                Some(k.span()),
                field,
                "a scheduled year needs a word (検討/導入/実施 …)",
            )
            .set_hint("leave years without work out of the schedule");
        }
        schedule.insert(y, v.trim().to_string());
    }
    schedule
}

/// The problem of action report `a` when `first` holds its 項目番号 in its fiscal year already.
fn duplicate_action(a: &Action, first: &Action) -> Diagnostic {
    Diagnostic::error(format!(
        "項目番号 \"{}\" is used twice in {} (also \"{}\" in {})",
        a.number,
        a.fiscal_year.long_label(),
        first.number,
        first.source
    ))
    .in_file(&a.source)
    .field("number")
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
