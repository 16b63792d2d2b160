//! Export: the site's data as open-data attachments beside the pages — CSV files per fiscal year,
//! per sheet and per municipality, a Frictionless `datapackage.json`, a `README.txt`, a zip of it
//! all and `SHA256SUMS` — and the download links each page shows (「指標一覧（CSV形式、2KB）」).
//!
//! The validated model and [`crate::compute`] in, file bytes out: each file goes to a [`Sink`] as
//! soon as it is made ([`export_into`]; a build's sink writes it into the temporary folder), and
//! only a municipality's canonical CSVs stay in memory until its zip and data package are made. The KPI set is the KPI page's own ([`crate::render::indicators::of_year`]) and files
//! sit next to the pages' routes ([`routes`]), so a page and its CSV cannot disagree.
//!
//! Files, per municipality `{muni}`:
//!
//! | path | rows |
//! |---|---|
//! | `{muni}/{fy}/kpi.csv` | every indicator of the year (the KPI page) |
//! | `{muni}/{fy}/projects.csv` | one per project sheet |
//! | `{muni}/{fy}/activities.csv` | one per activity of a project sheet, with its amounts |
//! | `{muni}/{fy}/actions.csv` | one per measure of an action item, schedule and progress |
//! | `{muni}/{fy}/projects/{code}/indicators.csv`, `…/actions/{slug}/indicators.csv` | one per indicator per year of a sheet |
//! | `{muni}/plan/{code}/indicators.csv` | the 目標指標 of a plan node |
//! | `{muni}/kpi.csv`, `projects.csv`, `activities.csv`, `actions.csv`, `projects/{code}/…`, `actions/{slug}/…` | copies of the latest year, beside the latest-year pages |
//! | `{muni}/kpi-all-years.csv` | every year's KPI rows |
//! | `{muni}/README.txt`, `datapackage.json`, `schemas/{kind}.json`, `{muni}-csv.zip`, `SHA256SUMS` | description, package and Table Schemas, bundle, checksums |
//!
//! With `[csv] shift_jis = true`, every CSV also gets a Shift_JIS (CP932) copy `…-sjis.csv`. A
//! character CP932 cannot hold is reported by validation at its place in the file that wrote it
//! (`validate/shift_jis.rs`); the export's own check, naming the sheet and the field, is a
//! backstop that valid content does not reach.

pub mod actions;
pub mod archive;
pub mod cells;
pub mod datapackage;
pub mod kpi;
pub mod projects;
pub mod readme;
pub mod sheet;
pub mod table;

use crate::fiscal_year::FiscalYear;
use crate::model::{Municipality, Site};
use crate::output::{Collected, FileKind, Sink};
use crate::render::routes;
use crate::render::url::Route;
pub use crate::render::{Download, Downloads};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use table::{Column, Table, TableError};

/// Export settings (from `[csv]` in kohyo.toml).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Also write a Shift_JIS (CP932) copy of every CSV, for systems that cannot read UTF-8.
    pub shift_jis: bool,
}

/// One exported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Site-relative path: `joso/2024/kpi.csv`.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Everything the export produced.
#[derive(Debug, Clone, Default)]
pub struct Export {
    /// Every file, in a stable order.
    pub files: Vec<Attachment>,
    /// The downloads each page links, by the page's route (`joso/2024/kpi/`).
    pub downloads: Downloads,
}

impl Export {
    /// The downloads a page links (none for most pages).
    pub fn downloads_for(&self, page: &Route) -> &[Download] {
        self.downloads.get(page.as_str()).map_or(&[], Vec::as_slice)
    }
}

/// Why the export failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError {
    /// The file being written.
    pub path: String,
    /// What went wrong.
    pub error: ExportErrorKind,
}

/// What went wrong while exporting a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportErrorKind {
    /// A CSV could not be written or encoded.
    Table(TableError),
    /// The zip could not be written.
    Zip(String),
    /// Two files on one path.
    Duplicate,
    /// The sink refused the file or could not write it.
    Write(String),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            ExportErrorKind::Table(e) => write!(f, "{}: {e}", self.path),
            ExportErrorKind::Zip(e) => write!(f, "cannot write {}: {e}", self.path),
            ExportErrorKind::Duplicate => write!(
                f,
                "two attachments would be written to /{}: rename a sheet or plan node code",
                self.path
            ),
            ExportErrorKind::Write(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ExportError {}

/// The size as Japanese sites show it: kilobytes rounded up, 1KB at least; megabytes with one
/// decimal (rounded up) from 1MB.
pub fn size_label(bytes: usize) -> String {
    const KB: usize = 1024;
    const MB: usize = 1024 * 1024;
    if bytes <= MB {
        format!("{}KB", bytes.div_ceil(KB).max(1))
    } else {
        let tenths = (bytes * 10).div_ceil(MB);
        format!("{}.{}MB", tenths / 10, tenths % 10)
    }
}

/// A download link to `path`.
pub fn download(title: &str, format: &str, path: &str, len: usize) -> Download {
    let size = size_label(len);
    Download {
        label: format!("{title}（{format}、{size}）"),
        title: title.to_string(),
        format: format.to_string(),
        size,
        path: path.to_string(),
    }
}

/// What [`export_into`] handed to its sink.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    /// The downloads each page links, by the page's route (`joso/2024/kpi/`).
    pub downloads: Downloads,
    /// How many files.
    pub files: usize,
    /// Of those, the CSV files (with their Shift_JIS copies).
    pub csv_files: usize,
}

/// Exports every municipality into memory (see [`export_into`]), refusing two files on one path.
pub fn export_site(site: &Site, options: Options) -> Result<Export, ExportError> {
    let sink = Collected::default();
    let exported = export_into(site, options, &sink)?;
    let files = attachments(sink);
    let mut seen = BTreeSet::new();
    for f in &files {
        if !seen.insert(f.path.as_str()) {
            return Err(ExportError {
                path: f.path.clone(),
                error: ExportErrorKind::Duplicate,
            });
        }
    }
    Ok(Export {
        files,
        downloads: exported.downloads,
    })
}

/// Which files of a municipality's export to make. `kohyo serve` makes only what the page asked
/// for links, or the one file asked for: a sheet's page needs its own CSV, not the 500 others and
/// the zip of them all.
#[derive(Debug, Clone, Copy)]
pub enum Part<'r> {
    /// Every file, with README, data package, zip and checksums.
    All,
    /// The CSV files any of these pages links (with each file's other copy, as built), and the
    /// downloads of those pages. Only [`Part::All`] makes the package files, which the
    /// municipality's page links.
    LinkedFrom(&'r [Route]),
    /// The CSV file at this site path (`joso/2024/kpi.csv`, or its `-sjis.csv` copy), with its
    /// other copy; nothing when the path is a package file or none at all.
    File(&'r str),
}

/// Exports one municipality of `site`, or the [`Part`] of it asked for, into memory: its files
/// (all under `{muni}/`) and the downloads of its pages. Nothing in it depends on another
/// municipality, so `kohyo serve` exports only the one whose sheets changed. A file's bytes and
/// its download link are the same whatever part is made.
pub fn export_municipality(
    site: &Site,
    m: &Municipality,
    options: Options,
    part: Part<'_>,
) -> Result<Export, ExportError> {
    let sink = Collected::default();
    let exported = MuniExport::new(site, m, options, &sink, part).run()?;
    Ok(Export {
        files: attachments(sink),
        downloads: exported.downloads,
    })
}

/// The path of a CSV file's Shift_JIS copy: `kpi.csv` → `kpi-sjis.csv`.
fn sjis_path(csv: &str) -> String {
    format!("{}-sjis.csv", csv.trim_end_matches(".csv"))
}

/// The files collected in memory, as attachments.
fn attachments(sink: Collected) -> Vec<Attachment> {
    sink.into_files()
        .into_iter()
        .map(|f| Attachment {
            path: f.route.as_str().to_string(),
            bytes: f.bytes,
        })
        .collect()
}

/// Exports every municipality (in parallel: each one's files depend only on its own sheets),
/// handing each file to `sink` as it is made. The downloads are merged in the order of the
/// municipalities, whatever order the files arrive in.
pub fn export_into(
    site: &Site,
    options: Options,
    sink: &dyn Sink,
) -> Result<Exported, ExportError> {
    let parts = site
        .municipalities
        .par_iter()
        .map(|m| MuniExport::new(site, m, options, sink, Part::All).run())
        .collect::<Result<Vec<Exported>, ExportError>>()?;
    let mut out = Exported::default();
    for part in parts {
        out.files += part.files;
        out.csv_files += part.csv_files;
        for (page, links) in part.downloads {
            out.downloads.entry(page).or_default().extend(links);
        }
    }
    Ok(out)
}

/// A canonical CSV of the package.
struct Resource {
    rel: String,
    title: String,
    /// Path of the schema file relative to the package.
    schema: String,
    bytes: Vec<u8>,
    /// The SHA-256 of `bytes`, in hex.
    sha256: String,
}

/// The export of one municipality.
struct MuniExport<'a> {
    site: &'a Site,
    m: &'a Municipality,
    options: Options,
    sink: &'a dyn Sink,
    /// Which files to make.
    part: Part<'a>,
    /// What was exported so far.
    out: Exported,
    /// Files under the municipality's folder, relative to it, with their SHA-256 (hex), for
    /// SHA256SUMS.
    files: Vec<(String, String)>,
    resources: Vec<Resource>,
    /// Table Schema files by path, with their columns.
    schemas: BTreeMap<String, Vec<Column>>,
    kinds: BTreeMap<&'static str, readme::FileKind>,
}

/// A kind of CSV file as the README describes it: its key (ordering the README), the heading
/// naming its files and what one row is.
type KindText = (&'static str, &'static str, &'static str);

const KPI_KIND: KindText = (
    "1-kpi",
    "kpi.csv・kpi-all-years.csv（指標一覧）",
    "1指標の1報告年度（指標一覧のページの1行）",
);
const PROJECTS_KIND: KindText = (
    "2-projects",
    "projects.csv（事務事業一覧）",
    "1事務事業シート",
);
const ACTIVITIES_KIND: KindText = (
    "2-activities",
    "activities.csv（活動別の予算額・決算額）",
    "事務事業シートの1活動",
);
const ACTIONS_KIND: KindText = (
    "2-actions",
    "actions.csv（アクション項目の取組一覧）",
    "アクション項目の1取組内容（取組内容のない項目は1行）。「取組期間（YYYY年度）」の列は計画期間の年度ごとに1列",
);
const SHEET_KIND: KindText = (
    "3-sheet",
    "projects/{シートコード}/indicators.csv・actions/{項目番号}/indicators.csv・plan/{施策コード}/indicators.csv（シートの指標）",
    "シートの1指標の1年度（シートに目標値・実績値のある年度と、シートの報告年度）。年度ごとの値のない指標は年度を空欄にした1行",
);

/// Where a CSV goes and which pages link it.
struct Placement {
    /// Path relative to the municipality folder.
    rel: String,
    /// The name of the table's shape, naming its schema file: `kpi`, `actions-2024`.
    schema: String,
    /// The title in the data package and README.
    title: String,
    /// Pages linking the file, with the link text each shows.
    pages: Links,
    /// The latest-year copy: its path and the pages linking it.
    latest: Option<(String, Links)>,
    /// How the README describes the file, if it does.
    kind: Option<KindText>,
}

/// Pages and the link text each shows.
type Links = Vec<(Route, String)>;

/// Every page in `routes` showing the same link text.
fn links(routes: impl IntoIterator<Item = Route>, text: &str) -> Links {
    routes.into_iter().map(|r| (r, text.to_string())).collect()
}

impl<'a> MuniExport<'a> {
    fn new(
        site: &'a Site,
        m: &'a Municipality,
        options: Options,
        sink: &'a dyn Sink,
        part: Part<'a>,
    ) -> Self {
        MuniExport {
            site,
            m,
            options,
            sink,
            part,
            out: Exported::default(),
            files: Vec::new(),
            resources: Vec::new(),
            schemas: BTreeMap::new(),
            kinds: BTreeMap::new(),
        }
    }

    /// A page route's folder relative to the municipality folder: `joso/2024/kpi/` → `2024/kpi/`.
    fn rel(&self, route: &Route) -> String {
        let prefix = format!("{}/", self.m.slug);
        route
            .as_str()
            .strip_prefix(&prefix)
            .unwrap_or(route.as_str())
            .to_string()
    }

    fn site_path(&self, rel: &str) -> String {
        format!("{}/{rel}", self.m.slug)
    }

    /// Adds a file under the municipality folder, linked from `pages` as a `format` file, and
    /// hands it to the sink.
    fn add_file(
        &mut self,
        rel: &str,
        bytes: &[u8],
        format: &str,
        pages: &[(Route, String)],
    ) -> Result<(), ExportError> {
        let sha256 = Sha256::digest(bytes).into();
        self.add_hashed(rel, bytes, &sha256, format, pages, None)
    }

    /// [`Self::add_file`] for bytes whose SHA-256 is known: a file is hashed once for SHA256SUMS
    /// (and the data package), however many places it is written to. `copy_of` names the file
    /// (`rel`) these bytes were already added as, so that the sink may link to it.
    fn add_hashed(
        &mut self,
        rel: &str,
        bytes: &[u8],
        sha256: &[u8; 32],
        format: &str,
        pages: &[(Route, String)],
        copy_of: Option<&str>,
    ) -> Result<(), ExportError> {
        let path = self.site_path(rel);
        let route = Route::file(&path);
        let put = match copy_of {
            Some(original) => {
                let original = Route::file(&self.site_path(original));
                self.sink.put_copy(FileKind::Data, &route, &original, bytes)
            }
            None => self.sink.put(FileKind::Data, &route, bytes),
        };
        put.map_err(|e| ExportError {
            path: path.clone(),
            error: ExportErrorKind::Write(format!("{e:#}")),
        })?;
        for (page, title) in pages {
            self.out
                .downloads
                .entry(page.as_str().to_string())
                .or_default()
                .push(download(title, format, &path, bytes.len()));
        }
        self.files.push((rel.to_string(), datapackage::hex(sha256)));
        self.out.files += 1;
        if rel.ends_with(".csv") {
            self.out.csv_files += 1;
        }
        Ok(())
    }

    fn table_error(&self, rel: &str, e: TableError) -> ExportError {
        ExportError {
            path: self.site_path(rel),
            error: ExportErrorKind::Table(e),
        }
    }

    /// Whether the part asked for has the CSV placed `at` (either copy).
    fn wants(&self, at: &Placement) -> bool {
        match self.part {
            Part::All => true,
            Part::LinkedFrom(pages) => at
                .pages
                .iter()
                .chain(at.latest.iter().flat_map(|(_, links)| links))
                .any(|(page, _)| pages.contains(page)),
            Part::File(path) => std::iter::once(&at.rel)
                .chain(at.latest.as_ref().map(|(rel, _)| rel))
                .any(|rel| {
                    let at = self.site_path(rel);
                    path == at || path == sjis_path(&at)
                }),
        }
    }

    /// Writes the table `make` makes as UTF-8 (and Shift_JIS when asked) where `at` says, and
    /// its latest copy; when the part asked for has it.
    fn add_csv(
        &mut self,
        at: Placement,
        make: impl FnOnce() -> Table<'a>,
    ) -> Result<(), ExportError> {
        if !self.wants(&at) {
            return Ok(());
        }
        let table = make();
        if table.rows.is_empty() {
            return Ok(());
        }
        if let Some(kind) = at.kind {
            self.kind(kind, &table.columns);
        }
        let utf8 = table.to_utf8().map_err(|e| self.table_error(&at.rel, e))?;
        let sjis = if self.options.shift_jis {
            Some(
                table
                    .to_shift_jis()
                    .map_err(|e| self.table_error(&at.rel, e))?,
            )
        } else {
            None
        };
        let utf8_sha256: [u8; 32] = Sha256::digest(&utf8).into();
        let sjis = sjis.map(|b| (Sha256::digest(&b).into(), b));
        let mut places = vec![(at.rel.clone(), at.pages.clone())];
        places.extend(at.latest.clone());
        // Each encoding's bytes, their SHA-256, its format and where it goes.
        type Encoding<'b> = (&'b [u8], [u8; 32], &'static str, fn(&str) -> String);
        let mut encodings: Vec<Encoding> = vec![(&utf8, utf8_sha256, "CSV形式", str::to_string)];
        if let Some((sha256, bytes)) = &sjis {
            encodings.push((bytes, *sha256, "CSV形式・Shift_JIS", sjis_path));
        }
        for (i, (rel, pages)) in places.iter().enumerate() {
            for (bytes, sha256, format, path) in &encodings {
                // The latest-year copy is the yeared file again: the sink may link it.
                let copy_of = (i > 0).then(|| path(&at.rel));
                self.add_hashed(&path(rel), bytes, sha256, format, pages, copy_of.as_deref())?;
            }
        }
        let schema = format!("schemas/{}.json", at.schema);
        self.schemas
            .entry(schema.clone())
            .or_insert_with(|| table.columns.to_vec());
        self.resources.push(Resource {
            rel: at.rel,
            title: at.title,
            schema,
            bytes: utf8,
            sha256: datapackage::hex(&utf8_sha256),
        });
        Ok(())
    }

    /// Describes a kind of file in the README, with the columns of its first table.
    fn kind(&mut self, (key, heading, row): KindText, columns: &[Column]) {
        self.kinds.entry(key).or_insert_with(|| readme::FileKind {
            heading: heading.to_string(),
            row: row.to_string(),
            columns: columns.to_vec(),
        });
    }

    fn run(mut self) -> Result<Exported, ExportError> {
        let m = self.m;
        let years = m.fiscal_years();
        let latest = years.last().copied();
        for &y in &years {
            self.year(y, latest == Some(y))?;
        }
        for plan in &m.plans {
            for (_, node) in plan.nodes() {
                let route = routes::plan_node(m, &node.code);
                let at = Placement {
                    rel: format!("{}indicators.csv", self.rel(&route)),
                    schema: "indicators".into(),
                    title: format!(
                        "{} {}の目標指標",
                        plan.name,
                        crate::render::indicators::node_title(plan, node)
                    ),
                    pages: links([route], "この施策の目標指標"),
                    latest: None,
                    kind: Some(SHEET_KIND),
                };
                self.add_csv(at, || sheet::plan_node(m, plan, node))?;
            }
        }
        let at = Placement {
            rel: "kpi-all-years.csv".into(),
            schema: "kpi".into(),
            title: "全年度の指標一覧".into(),
            pages: links([routes::muni(m)], "全年度の指標一覧"),
            latest: None,
            kind: None,
        };
        self.add_csv(at, || kpi::all_years(m))?;
        if !self.resources.is_empty() && matches!(self.part, Part::All) {
            self.package()?;
        }
        Ok(self.out)
    }

    /// The files of one fiscal year.
    fn year(&mut self, y: FiscalYear, is_latest: bool) -> Result<(), ExportError> {
        let m = self.m;
        let label = y.long_label();
        let year_page = routes::year(m, y);
        let year_rel = self.rel(&year_page);
        // Latest-year copies sit in the municipality folder, linked from its page.
        let latest = |name: &str, title: &str, mut pages: Links| {
            pages.push((
                routes::muni(m),
                format!("最新年度（{}）の{title}", y.wareki()),
            ));
            is_latest.then(|| (name.to_string(), pages))
        };

        let at = Placement {
            rel: format!("{year_rel}kpi.csv"),
            schema: "kpi".into(),
            title: format!("{label}の指標一覧"),
            pages: links([routes::kpi(m, Some(y)), year_page.clone()], "指標一覧"),
            latest: latest(
                "kpi.csv",
                "指標一覧",
                links([routes::kpi(m, None)], "指標一覧"),
            ),
            kind: Some(KPI_KIND),
        };
        self.add_csv(at, || kpi::table(m, y))?;
        let at = Placement {
            rel: format!("{year_rel}projects.csv"),
            schema: "projects".into(),
            title: format!("{label}の事務事業一覧"),
            pages: links([year_page.clone()], "事務事業一覧"),
            latest: latest("projects.csv", "事務事業一覧", Vec::new()),
            kind: Some(PROJECTS_KIND),
        };
        self.add_csv(at, || projects::table(m, y))?;
        let at = Placement {
            rel: format!("{year_rel}activities.csv"),
            schema: "activities".into(),
            title: format!("{label}の事務事業の活動別予算額・決算額"),
            pages: links([year_page.clone()], "活動別の予算額・決算額"),
            latest: latest("activities.csv", "活動別の予算額・決算額", Vec::new()),
            kind: Some(ACTIVITIES_KIND),
        };
        self.add_csv(at, || projects::activities(m, y))?;
        let at = Placement {
            rel: format!("{year_rel}actions.csv"),
            schema: format!("actions-{y}"),
            title: format!("{label}のアクション項目の取組一覧"),
            pages: links([year_page.clone()], "アクション項目の取組一覧"),
            latest: latest("actions.csv", "アクション項目の取組一覧", Vec::new()),
            kind: Some(ACTIONS_KIND),
        };
        self.add_csv(at, || actions::table(m, y))?;

        for (code, history) in &m.projects {
            let Some(p) = history.get(&y) else { continue };
            let is_last = history.keys().last() == Some(&y);
            self.sheet_indicators(
                routes::project(m, Some(y), code),
                is_last.then(|| routes::project(m, None, code)),
                format!("{label} 事務事業「{}」の指標", p.name),
                "この事務事業の指標",
                || sheet::project(m, p),
            )?;
        }
        for history in m.actions.values() {
            let Some(a) = history.get(&y) else { continue };
            let is_last = history.keys().last() == Some(&y);
            self.sheet_indicators(
                routes::action(m, Some(y), &a.key),
                is_last.then(|| routes::action(m, None, &a.key)),
                format!("{label} アクション項目 {} {}のKPI", a.number, a.title),
                "このアクション項目のKPI",
                || sheet::action(m, a),
            )?;
        }
        Ok(())
    }

    /// A sheet's `indicators.csv` beside its yeared `page`, linked from it as `link`, and for the
    /// latest sheet the same file at its short route `alias`: a stable URL for the latest sheet's
    /// data. (The short-route page is a copy of the yeared one and links the yeared file.)
    fn sheet_indicators(
        &mut self,
        page: Route,
        alias: Option<Route>,
        title: String,
        link: &str,
        make: impl FnOnce() -> Table<'a>,
    ) -> Result<(), ExportError> {
        let at = Placement {
            rel: format!("{}indicators.csv", self.rel(&page)),
            schema: "indicators".into(),
            title,
            pages: links([page], link),
            latest: alias.map(|alias| (format!("{}indicators.csv", self.rel(&alias)), Vec::new())),
            kind: Some(SHEET_KIND),
        };
        self.add_csv(at, make)
    }

    /// The data package of the municipality's CSV files: README.txt, datapackage.json and the
    /// Table Schema files, one zip of them with every CSV file, and SHA256SUMS of all the files.
    fn package(&mut self) -> Result<(), ExportError> {
        let readme = self.readme();
        let package = self.descriptor();
        let schemas = self.schema_files();
        let zip_name = format!("{}-csv.zip", self.m.slug);
        let zip = self.zip(&zip_name, &readme, &package, &schemas)?;
        self.add_file(
            &zip_name,
            &zip,
            "ZIP形式",
            &self.muni_page("CSVファイル一式"),
        )?;
        self.add_file(
            "datapackage.json",
            &package,
            "JSON形式",
            &self.muni_page("データパッケージの定義"),
        )?;
        for (path, bytes) in &schemas {
            self.add_file(path, bytes, "JSON形式", &[])?;
        }
        self.add_file(
            "README.txt",
            &readme,
            "テキスト形式",
            &self.muni_page("CSVファイルの説明"),
        )?;
        let sums = archive::sha256sums_of(std::mem::take(&mut self.files));
        self.add_file(
            "SHA256SUMS",
            &sums,
            "テキスト形式",
            &self.muni_page("SHA-256チェックサム"),
        )
    }

    /// The municipality's page, linking a file of the package with `text`.
    fn muni_page(&self, text: &str) -> Links {
        links([routes::muni(self.m)], text)
    }

    /// README.txt: the package's files and what each kind of CSV file holds.
    fn readme(&self) -> Vec<u8> {
        let listed: Vec<readme::Listed> = self
            .resources
            .iter()
            .map(|r| readme::Listed {
                path: r.rel.clone(),
                title: r.title.clone(),
            })
            .collect();
        let kinds: Vec<readme::FileKind> = self.kinds.values().cloned().collect();
        readme::bytes(&readme::text(
            self.site,
            self.m,
            &listed,
            &kinds,
            self.options.shift_jis,
        ))
    }

    /// datapackage.json: the package's descriptor, listing every CSV file.
    fn descriptor(&self) -> Vec<u8> {
        let resources: Vec<datapackage::Resource<'_>> = self
            .resources
            .iter()
            .map(|r| datapackage::Resource {
                path: &r.rel,
                title: &r.title,
                schema: &r.schema,
                bytes: &r.bytes,
                sha256: &r.sha256,
            })
            .collect();
        datapackage::descriptor(self.m, &self.site.config.title, &resources)
    }

    /// The Table Schema files by path.
    fn schema_files(&self) -> Vec<(String, Vec<u8>)> {
        self.schemas
            .iter()
            .map(|(path, columns)| (path.clone(), datapackage::schema(columns)))
            .collect()
    }

    /// The zip (`zip_name`) of the package: README.txt, datapackage.json, the schemas, the CSV
    /// files.
    fn zip(
        &self,
        zip_name: &str,
        readme: &[u8],
        package: &[u8],
        schemas: &[(String, Vec<u8>)],
    ) -> Result<Vec<u8>, ExportError> {
        let mut entries: Vec<(&str, &[u8])> =
            vec![("README.txt", readme), ("datapackage.json", package)];
        entries.extend(schemas.iter().map(|(p, b)| (p.as_str(), b.as_slice())));
        entries.extend(
            self.resources
                .iter()
                .map(|r| (r.rel.as_str(), r.bytes.as_slice())),
        );
        archive::zip(&entries).map_err(|e| ExportError {
            path: self.site_path(zip_name),
            error: ExportErrorKind::Zip(e),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every word kohyo itself writes into a CSV file (headers, the fixed values of a column, the
    /// labels of 区分, 方向, 判定, 達成状況, 算出式, 和暦 …) encodes in Shift_JIS: only content can
    /// make a Shift_JIS copy fail, and validation reports that first (`validate/shift_jis.rs`).
    #[test]
    fn kohyo_s_own_words_and_headers_encode_in_shift_jis() {
        use crate::compute::{Formula, TargetSource, Unassessed, default_grades};
        use crate::model::{Direction, FutureDirection, Improvement, IndicatorKind, Progress};
        use crate::render::{display, indicators};
        let years: Vec<FiscalYear> = (1900..=2200).map(|y| FiscalYear::new(y).unwrap()).collect();
        let tables = [
            kpi::columns(),
            sheet::columns(),
            projects::columns(),
            projects::activity_columns(),
            actions::columns(&years),
        ];
        let mut words: Vec<String> = Vec::new();
        for c in tables.iter().flatten() {
            words.push(c.name.clone());
            words.extend(c.values.unwrap_or(&[]).iter().map(|v| v.to_string()));
        }
        for y in &years {
            words.extend([
                y.wareki(),
                TargetSource::Final(Some(*y)).final_label().unwrap(),
            ]);
        }
        words.push(TargetSource::Final(None).final_label().unwrap());
        for g in default_grades() {
            words.push(format!("{} {}・目標未達成・目標達成", g.mark, g.label));
        }
        for u in [
            Unassessed::NotMeasured,
            Unassessed::NotApplicable,
            Unassessed::NotAssessable,
        ] {
            words.extend([
                u.label().to_string(),
                display::unassessed_mark(u).to_string(),
            ]);
        }
        for f in [
            Formula::ActualOverTarget,
            Formula::TargetOverActual,
            Formula::ProgressFromBaseline,
            Formula::WithinTolerance,
            Formula::Comparison,
        ] {
            words.push(f.label().to_string());
        }
        for d in [Direction::Up, Direction::Down, Direction::Keep] {
            words.push(display::direction(d).to_string());
        }
        for k in [
            IndicatorKind::Activity,
            IndicatorKind::Result,
            IndicatorKind::Output,
            IndicatorKind::Outcome,
            IndicatorKind::Administrative,
            IndicatorKind::Citizen,
        ] {
            words.push(indicators::kind_label(Some(k)).to_string());
        }
        for i in [
            Improvement::Cost,
            Improvement::Activity,
            Improvement::Result,
            Improvement::Other,
        ] {
            words.push(format!("{}、", projects::improvement_label(i)));
        }
        for d in [
            FutureDirection::Expand,
            FutureDirection::Continue,
            FutureDirection::Revise,
            FutureDirection::Reduce,
            FutureDirection::Merge,
            FutureDirection::Suspend,
            FutureDirection::Abolish,
            FutureDirection::Complete,
        ] {
            words.push(projects::future_label(d).to_string());
        }
        for p in [
            Progress::Achieved,
            Progress::OnTrack,
            Progress::MostlyOnTrack,
            Progress::Delayed,
            Progress::NotStarted,
            Progress::Cancelled,
        ] {
            words.push(display::progress(p).to_string());
        }
        // Joiners: 担当課, 計画上の位置, 対象年度.
        words.extend([" > ".to_string(), ";".to_string()]);
        assert!(words.len() > 1000, "{}", words.len());
        for w in &words {
            assert!(crate::cp932::encodes_all(w), "{w:?}");
        }
        // The test can fail.
        assert!(!crate::cp932::encodes_all("達成😀"));
    }

    #[test]
    fn sizes_round_up_to_whole_kilobytes() {
        assert_eq!(size_label(0), "1KB");
        assert_eq!(size_label(1), "1KB");
        assert_eq!(size_label(1024), "1KB");
        assert_eq!(size_label(1025), "2KB");
        assert_eq!(size_label(2048), "2KB");
        assert_eq!(size_label(1024 * 1024), "1024KB");
        assert_eq!(size_label(1024 * 1024 + 1), "1.1MB");
        assert_eq!(size_label(5 * 1024 * 1024), "5.0MB");
    }

    /// Each page's downloads and each CSV's bytes are the same whether the whole municipality is
    /// exported or only what the page links or the file asked for; only the whole export makes
    /// the package files.
    #[test]
    fn a_part_of_the_export_agrees_with_the_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, report) = crate::check(root);
        let site = site.unwrap_or_else(|| panic!("{}", report.render(false)));
        let options = Options { shift_jis: true };
        let mut parts = 0;
        for m in &site.municipalities {
            let all = export_municipality(&site, m, options, Part::All).unwrap();
            for (page, links) in &all.downloads {
                let pages = [Route::file(page)];
                let part = export_municipality(&site, m, options, Part::LinkedFrom(&pages));
                let part = part.unwrap();
                let want = if *page == routes::muni(m).as_str() {
                    // Its package links need the whole export.
                    let csv = |d: &&Download| d.path.ends_with(".csv");
                    links.iter().filter(csv).cloned().collect()
                } else {
                    links.clone()
                };
                assert_eq!(part.downloads_for(&pages[0]), want, "/{page}");
                parts += 1;
            }
            for f in &all.files {
                let part = export_municipality(&site, m, options, Part::File(&f.path)).unwrap();
                let found = part.files.iter().find(|g| g.path == f.path);
                if f.path.ends_with(".csv") {
                    assert!(found == Some(f), "{}", f.path);
                    assert!(
                        part.files.len() <= 4,
                        "{}: {} files",
                        f.path,
                        part.files.len()
                    );
                } else {
                    assert!(found.is_none(), "{}", f.path);
                }
            }
        }
        // Every sheet page, year, KPI and municipality page of the sample links a download.
        assert!(parts > 30, "{parts} pages");
    }

    #[test]
    fn links_read_as_japanese_sites_write_them() {
        let d = download("指標一覧", "CSV形式", "joso/2024/kpi.csv", 1500);
        assert_eq!(d.label, "指標一覧（CSV形式、2KB）");
    }
}
