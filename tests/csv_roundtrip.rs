//! The CSV attachments of the sample site, read back with the `csv` crate and compared with the
//! loaded content: every indicator's values per year, every project's amounts in 円, every
//! measure's schedule and progress — nothing lost, nothing altered. Also: formula payloads are
//! neutralised while negative numbers stay numbers, the Shift_JIS option fails on characters
//! CP932 lacks, and each municipality's package, zip and checksums cover its files.

mod common;

use common::{copy_sample, sample_root};
use kohyo::compute;
use kohyo::export::table::restore;
use kohyo::fiscal_year::FiscalYear;
use kohyo::model::{Indicator, Municipality, Site};
use kohyo::render::{display, indicators};
use kohyo::value::{Amount, Number, Value, Yen};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Builds a site into a fresh temporary folder; the error text when the build fails.
fn try_build(root: &Path) -> Result<(tempfile::TempDir, PathBuf), String> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let (report, result) = kohyo::build::build(root, Some(&out));
    match result {
        Ok(_) => Ok((dir, out)),
        Err(e) => Err(format!("{e}\n{}", report.render(false))),
    }
}

fn build_site(root: &Path) -> (tempfile::TempDir, PathBuf) {
    try_build(root).unwrap_or_else(|e| panic!("build failed: {e}"))
}

fn load(root: &Path) -> Site {
    let (site, report) = kohyo::check(root);
    site.unwrap_or_else(|| panic!("{}", report.render(false)))
}

/// A CSV file read back: BOM stripped, CRLF records, header and rows.
struct Csv {
    path: PathBuf,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> Csv {
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let body = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or_else(|| panic!("{}: no BOM", path.display()));
        assert!(body.ends_with(b"\r\n"), "{}: not CRLF", path.display());
        let mut r = csv::ReaderBuilder::new().from_reader(body);
        let headers = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|rec| rec.unwrap().iter().map(String::from).collect())
            .collect();
        Csv {
            path: path.to_path_buf(),
            headers,
            rows,
        }
    }

    fn col(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", self.path.display()))
    }

    fn get(&self, row: usize, name: &str) -> &str {
        &self.rows[row][self.col(name)]
    }

    /// A text cell as the sheet wrote it (the formula guard undone); `None` when empty.
    fn text(&self, row: usize, name: &str) -> Option<String> {
        let s = self.get(row, name);
        (!s.is_empty()).then(|| restore(s).to_string())
    }

    /// A value column group read back; `None` for 記載なし.
    fn value(&self, row: usize, name: &str) -> Option<Value> {
        let number = self.get(row, name);
        let words = self.get(row, &format!("{name}の文言"));
        let kind = self.get(row, &format!("{name}の種類"));
        let where_ = format!("{} row {} {name}", self.path.display(), row + 2);
        if kind != "数値" {
            assert!(number.is_empty(), "{where_}: {kind} with a number {number}");
        }
        if kind != "文言" {
            assert!(words.is_empty(), "{where_}: {kind} with words {words}");
        }
        match kind {
            "数値" => Some(Value::Measured(
                number
                    .parse::<Number>()
                    .unwrap_or_else(|_| panic!("{where_}: {number:?}")),
            )),
            "該当なし" => Some(Value::NotApplicable),
            "未記入" => Some(Value::NotReported),
            "文言" => Some(Value::Qualitative(restore(words).to_string())),
            "記載なし" => None,
            other => panic!("{where_}: kind {other:?}"),
        }
    }

    fn note(&self, row: usize, name: &str) -> Option<String> {
        self.text(row, &format!("{name}の注記"))
    }

    /// A money column pair read back; `None` for 記載なし or 集計不可.
    fn money(&self, row: usize, name: &str) -> Option<Amount> {
        let yen = self.get(row, &format!("{name}（円）"));
        match self.get(row, &format!("{name}の種類")) {
            "数値" => Some(Amount::Yen(Yen(yen.parse().unwrap()))),
            kind => {
                assert!(yen.is_empty(), "{name}: {kind} with {yen}");
                match kind {
                    "該当なし" => Some(Amount::NotApplicable),
                    "未記入" => Some(Amount::NotReported),
                    _ => None,
                }
            }
        }
    }

    fn year(&self, row: usize, name: &str) -> Option<FiscalYear> {
        let s = self.get(row, name);
        (!s.is_empty()).then(|| FiscalYear::new(s.parse().unwrap()).unwrap())
    }
}

/// Values equal, numbers with the same written scale (85.0 stays 85.0).
fn assert_same(got: Option<&Value>, want: Option<&Value>, what: &str) {
    let plain = |v: Option<&Value>| v.map(|v| (v.clone(), v.number().map(Number::plain)));
    assert_eq!(plain(got), plain(want), "{what}");
}

fn fy(y: u16) -> FiscalYear {
    FiscalYear::new(y.into()).unwrap()
}

/// Checks the value groups of an indicator in a sheet file row for `year`.
fn check_series_row(c: &Csv, row: usize, ind: &Indicator, year: Option<FiscalYear>) {
    let what = |w: &str| format!("{} row {}: {} {w}", c.path.display(), row + 2, ind.name);
    assert_eq!(c.text(row, "指標ID").as_deref(), Some(ind.id.as_str()));
    assert_eq!(c.text(row, "指標名").as_deref(), Some(ind.name.as_str()));
    assert_eq!(c.text(row, "単位"), ind.unit);
    assert_eq!(c.get(row, "方向"), display::direction(ind.direction));
    assert_eq!(c.year(row, "年度（西暦）"), year, "{}", what("year"));
    match year {
        Some(y) => {
            let target = ind.targets.get(&y);
            let actual = ind.actuals.get(&y);
            assert_same(
                c.value(row, "目標値").as_ref(),
                Some(target.map_or(&Value::NotReported, |e| &e.value)),
                &what("目標値"),
            );
            assert_eq!(
                c.note(row, "目標値"),
                target.and_then(|e| e.note.clone()),
                "{}",
                what("目標値の注記")
            );
            assert_same(
                c.value(row, "実績値").as_ref(),
                Some(actual.map_or(&Value::NotReported, |e| &e.value)),
                &what("実績値"),
            );
            assert_eq!(
                c.note(row, "実績値"),
                actual.and_then(|e| e.note.clone()),
                "{}",
                what("実績値の注記")
            );
        }
        None => {
            assert!(ind.targets.is_empty() && ind.actuals.is_empty());
            assert_eq!(c.value(row, "目標値"), None);
        }
    }
    for (name, dated) in [("現状値", &ind.baseline), ("最終目標値", &ind.final_target)] {
        let d = dated.as_ref();
        assert_same(
            c.value(row, name).as_ref(),
            d.map(|d| &d.value),
            &what(name),
        );
        assert_eq!(c.note(row, name), d.and_then(|d| d.note.clone()));
        assert_eq!(
            c.year(row, &format!("{name}の年度")),
            d.and_then(|d| d.year)
        );
    }
    assert_eq!(c.text(row, "備考"), ind.note, "{}", what("備考"));
}

/// The rows a sheet file has for an indicator: the years of its values and the sheet's year.
fn series_years(ind: &Indicator, report: Option<FiscalYear>) -> Vec<Option<FiscalYear>> {
    let mut years: BTreeSet<FiscalYear> = ind
        .targets
        .keys()
        .chain(ind.actuals.keys())
        .copied()
        .collect();
    years.extend(report);
    if years.is_empty() {
        vec![None]
    } else {
        years.into_iter().map(Some).collect()
    }
}

/// Checks a sheet's `indicators.csv` against its indicators in order; absent when it has none.
fn check_sheet_file(path: &Path, inds: &[&Indicator], report: Option<FiscalYear>) -> usize {
    if inds.is_empty() {
        assert!(!path.exists(), "{} should not exist", path.display());
        return 0;
    }
    let c = Csv::read(path);
    let mut row = 0;
    for ind in inds {
        for y in series_years(ind, report) {
            check_series_row(&c, row, ind, y);
            row += 1;
        }
    }
    assert_eq!(row, c.rows.len(), "{}", path.display());
    row
}

/// Checks `kpi.csv` of a year against the KPI page's indicator set and compute.
fn check_kpi(site: &Site, m: &Municipality, y: FiscalYear, c: &Csv) {
    let held = indicators::of_year(m, y);
    assert_eq!(c.rows.len(), held.len(), "{}", c.path.display());
    let config = &site.config.achievement;
    for (row, h) in held.iter().enumerate() {
        let ind = h.indicator;
        let what = |w: &str| format!("{} {} {w}", c.path.display(), ind.name);
        assert_eq!(c.get(row, "全国地方公共団体コード"), m.code.to_string());
        assert_eq!(c.year(row, "年度（西暦）"), Some(y));
        assert_eq!(c.get(row, "年度（和暦）"), y.wareki());
        assert_eq!(c.text(row, "指標ID").as_deref(), Some(ind.id.as_str()));
        assert_eq!(c.text(row, "指標名").as_deref(), Some(ind.name.as_str()));
        let baseline = ind.baseline.as_ref();
        assert_same(
            c.value(row, "現状値").as_ref(),
            baseline.map(|b| &b.value),
            &what("現状値"),
        );
        assert_eq!(c.year(row, "現状値の年度"), baseline.and_then(|b| b.year));
        let (target, source) = compute::target_for(ind, y);
        assert_same(
            c.value(row, "目標値").as_ref(),
            Some(&target),
            &what("目標値"),
        );
        match source {
            compute::TargetSource::Final(_) => {
                assert_eq!(c.get(row, "目標値の区分"), "最終目標値");
                let fin = ind.final_target.as_ref().unwrap();
                assert_eq!(c.year(row, "目標値の年度"), fin.year);
            }
            compute::TargetSource::OfYear => assert_eq!(c.year(row, "目標値の年度"), Some(y)),
        }
        assert_same(
            c.value(row, "実績値").as_ref(),
            Some(ind.actual(y)),
            &what("実績値"),
        );
        let a = compute::assess(ind, y, config);
        assert_eq!(
            c.get(row, "達成率"),
            a.rate_display().unwrap_or_default(),
            "{}",
            what("達成率")
        );
        assert_eq!(
            c.get(row, "達成状況"),
            display::assess(ind, y, config).summary(),
            "{}",
            what("達成状況")
        );
    }
}

/// The sum the CSV gives for amounts over activities: only when every one has an amount.
fn total(amounts: impl Iterator<Item = Amount>) -> Option<i64> {
    amounts
        .map(|a| a.yen().map(|y| y.0))
        .collect::<Option<Vec<_>>>()
        .map(|v| v.iter().sum())
}

fn check_municipality(site: &Site, m: &Municipality, out: &Path) -> usize {
    let dir = out.join(&m.slug);
    let mut checked = 0;
    let latest = m.latest_year();
    for y in m.fiscal_years() {
        let ydir = dir.join(y.to_string());
        let kpi = Csv::read(&ydir.join("kpi.csv"));
        check_kpi(site, m, y, &kpi);
        checked += kpi.rows.len();
        if Some(y) == latest {
            for name in ["kpi.csv", "projects.csv", "activities.csv", "actions.csv"] {
                if ydir.join(name).exists() {
                    assert_eq!(
                        fs::read(ydir.join(name)).unwrap(),
                        fs::read(dir.join(name)).unwrap()
                    );
                }
            }
        }

        // projects.csv and activities.csv: money in 円, nothing turned into 0.
        let projects: Vec<_> = m.projects_in(y).collect();
        if projects.is_empty() {
            assert!(!ydir.join("projects.csv").exists());
        } else {
            let c = Csv::read(&ydir.join("projects.csv"));
            let acts = Csv::read(&ydir.join("activities.csv"));
            assert_eq!(c.rows.len(), projects.len());
            let mut arow = 0;
            for (row, p) in projects.iter().enumerate() {
                assert_eq!(
                    c.text(row, "シートコード").as_deref(),
                    Some(p.code.as_str())
                );
                assert_eq!(c.text(row, "事務事業名").as_deref(), Some(p.name.as_str()));
                for (name, amounts) in [
                    (
                        "予算額",
                        p.activities.iter().map(|a| a.budget).collect::<Vec<_>>(),
                    ),
                    (
                        "決算額",
                        p.activities.iter().map(|a| a.settlement).collect(),
                    ),
                ] {
                    let got = c.get(row, &format!("{name}（円）"));
                    match total(amounts.iter().copied()) {
                        Some(sum) if !amounts.is_empty() => {
                            assert_eq!(got, sum.to_string(), "{} {name}", p.code)
                        }
                        _ => assert_eq!(got, "", "{} {name}: a blank never becomes 0", p.code),
                    }
                }
                let cost = p.cost;
                assert_eq!(c.money(row, "総事業費"), cost.map(|c| c.total));
                assert_eq!(c.money(row, "特定財源"), cost.map(|c| c.specific_revenue));
                assert_eq!(c.money(row, "実質負担額"), cost.map(|c| c.net));
                let staffing = p.staffing.as_ref();
                assert_same(
                    c.value(row, "正職員（人工）").as_ref(),
                    staffing.map(|s| &s.full_time),
                    "正職員",
                );
                assert_same(
                    c.value(row, "会計年度任用職員等（人工）").as_ref(),
                    staffing.map(|s| &s.part_time),
                    "会計年度任用職員等",
                );
                assert_eq!(
                    c.text(row, "今後の方向性（内容）"),
                    p.review.as_ref().and_then(|r| r.direction_text.clone())
                );
                for a in &p.activities {
                    assert_eq!(acts.text(arow, "活動名").as_deref(), Some(a.name.as_str()));
                    assert_eq!(acts.money(arow, "予算額"), Some(a.budget), "{}", a.name);
                    assert_eq!(acts.money(arow, "決算額"), Some(a.settlement), "{}", a.name);
                    arow += 1;
                }
                // The sheet's own file: every activity's indicators, then the outcomes.
                let inds: Vec<&Indicator> = p.indicators().collect();
                let file = ydir.join("projects").join(&p.code).join("indicators.csv");
                checked += check_sheet_file(&file, &inds, Some(y));
                if m.projects[&p.code].keys().last() == Some(&y) && file.exists() {
                    let alias = dir.join("projects").join(&p.code).join("indicators.csv");
                    assert_eq!(fs::read(&file).unwrap(), fs::read(alias).unwrap());
                }
            }
            assert_eq!(arow, acts.rows.len());
        }

        // actions.csv: every measure's schedule (a column per plan year) and progress.
        let actions: Vec<_> = m.actions_in(y).collect();
        if actions.is_empty() {
            assert!(!ydir.join("actions.csv").exists());
        } else {
            let c = Csv::read(&ydir.join("actions.csv"));
            let schedule_cols: BTreeMap<FiscalYear, usize> = c
                .headers
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    let y = h.strip_prefix("取組期間（")?.strip_suffix("年度）")?;
                    Some((fy(y.parse().unwrap()), i))
                })
                .collect();
            let mut row = 0;
            for a in &actions {
                let measures = a.measures.len().max(1);
                for i in 0..measures {
                    assert_eq!(c.text(row, "項目番号").as_deref(), Some(a.number.as_str()));
                    assert_eq!(c.text(row, "実施項目").as_deref(), Some(a.title.as_str()));
                    if let Some(ms) = a.measures.get(i) {
                        assert_eq!(c.get(row, "取組番号"), (i + 1).to_string());
                        assert_eq!(
                            c.text(row, "取組の内容").as_deref(),
                            Some(ms.title.as_str())
                        );
                        for y in ms.schedule.keys() {
                            assert!(schedule_cols.contains_key(y), "{} {y}: no column", a.number);
                        }
                        for (y, &col) in &schedule_cols {
                            let cell = &c.rows[row][col];
                            let want = ms.schedule.get(y).filter(|s| !s.is_empty());
                            let got = (!cell.is_empty()).then(|| restore(cell).to_string());
                            assert_eq!(got.as_ref(), want, "{} measure {} {y}", a.number, i + 1);
                        }
                        assert_eq!(
                            c.get(row, "進捗状況"),
                            ms.progress.map(display::progress).unwrap_or_default()
                        );
                        assert_eq!(c.text(row, "実施内容"), ms.work);
                        assert_eq!(c.text(row, "次年度に向けた改善点"), ms.improvement);
                        checked += 1;
                    }
                    row += 1;
                }
                let kpi: Vec<&Indicator> = a.goal.iter().filter_map(|g| g.kpi.as_ref()).collect();
                let file = ydir
                    .join("actions")
                    .join(a.key.slug())
                    .join("indicators.csv");
                checked += check_sheet_file(&file, &kpi, Some(y));
            }
            assert_eq!(row, c.rows.len());
        }
    }
    for plan in &m.plans {
        for (_, node) in plan.nodes() {
            let inds: Vec<&Indicator> = node.indicators.iter().collect();
            let file = dir.join("plan").join(&node.code).join("indicators.csv");
            checked += check_sheet_file(&file, &inds, None);
        }
    }
    // kpi-all-years.csv is every year's kpi.csv, in year order.
    if !m.fiscal_years().is_empty() {
        let all = Csv::read(&dir.join("kpi-all-years.csv"));
        let mut rows = Vec::new();
        for y in m.fiscal_years() {
            let c = Csv::read(&dir.join(y.to_string()).join("kpi.csv"));
            assert_eq!(c.headers, all.headers);
            rows.extend(c.rows);
        }
        assert_eq!(rows, all.rows);
    }
    checked
}

#[test]
fn every_value_survives_the_csv_files() {
    let root = sample_root();
    let site = load(&root);
    let (_dir, out) = build_site(&root);
    let mut checked = 0;
    for m in &site.municipalities {
        checked += check_municipality(&site, m, &out);
    }
    assert!(checked > 100, "only {checked} rows checked");
}

#[test]
fn tenshutsu_reads_87_6_percent_not_achieved_as_on_the_page() {
    let root = sample_root();
    let (_dir, out) = build_site(&root);
    let c = Csv::read(&out.join("joso/2024/kpi.csv"));
    let row = (0..c.rows.len())
        .find(|&r| c.get(r, "指標名") == "転出者数" && c.get(r, "シートコード") == "124")
        .expect("転出者数 row");
    assert_eq!(c.get(row, "目標値"), "2700");
    assert_eq!(c.get(row, "目標値の年度"), "2027");
    assert_eq!(c.get(row, "目標値の区分"), "最終目標値");
    assert_eq!(c.get(row, "実績値"), "3083");
    assert_eq!(c.get(row, "方向"), "減少");
    assert_eq!(c.get(row, "達成率"), "87.6");
    assert_eq!(c.get(row, "判定"), "目標未達成");
    let status = c.get(row, "達成状況");
    assert_eq!(status, "○ 概ね達成（80%以上）・目標未達成");
    // The KPI page shows the same grade and verdict for the row.
    let html = fs::read_to_string(out.join("joso/2024/kpi/index.html")).unwrap();
    let at = html.find("転出者数").unwrap();
    let row_html = &html[at..at + html[at..].find("</tr>").unwrap()];
    for part in ["○", "概ね達成（80%以上）", "目標未達成", "87.6%"] {
        assert!(
            row_html.contains(part),
            "{part} not on the page: {row_html}"
        );
    }
}

/// Replaces the first `from` in a file of a copied site.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file}: {from} not found");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The column types of a municipality's package: header → Table Schema type.
fn column_types(muni_dir: &Path) -> BTreeMap<String, String> {
    let mut types = BTreeMap::new();
    for entry in fs::read_dir(muni_dir.join("schemas")).unwrap() {
        let schema: serde_json::Value =
            serde_json::from_slice(&fs::read(entry.unwrap().path()).unwrap()).unwrap();
        for f in schema["fields"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap().to_string();
            let kind = f["type"].as_str().unwrap().to_string();
            if let Some(old) = types.insert(name.clone(), kind.clone()) {
                assert_eq!(old, kind, "{name} has two types");
            }
        }
    }
    types
}

fn csv_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect()
}

#[test]
fn formula_payloads_are_neutralised_and_negative_numbers_stay_numbers() {
    let site = copy_sample();
    let root = site.path();
    let p124 = "content/joso/2024/projects/124.toml";
    edit(
        root,
        p124,
        "name = \"教育機関・民間企業との連携事業\"",
        "name = '=HYPERLINK(\"http://x\")'",
    );
    edit(
        root,
        p124,
        "owners = [{ section = \"常創戦略課\" }]",
        "owners = [{ section = \"@SUM(A1)\" }]",
    );
    edit(
        root,
        p124,
        "targets = { R6 = 2 }",
        "targets = { R6 = -12, R7 = \"-cmd\" }",
    );
    edit(
        root,
        p124,
        "note = \"単位はシートに印刷されていない（件数として転記）\"",
        "note = \"+81-3-1234-5678\"",
    );
    edit(
        root,
        "content/tsukubamirai/2024/actions/1-1.md",
        "title = \"人材育成基本方針の見直しを行う。\"",
        "title = \"-cmd\"",
    );
    edit(
        root,
        "content/tsukubamirai/2024/actions/1-1.md",
        "schedule = { 2024 = \"実施\", 2025",
        "schedule = { 2024 = \"=1+1\", 2025",
    );
    let loaded = load(root);
    let (_dir, out) = build_site(root);
    let payloads = [
        "=HYPERLINK(\"http://x\")",
        "@SUM(A1)",
        "+81-3-1234-5678",
        "-cmd",
        "=1+1",
    ];
    let mut seen = BTreeSet::new();
    let mut negative = 0;
    for muni in ["joso", "tsukubamirai", "shimotsuma"] {
        let dir = out.join(muni);
        let types = column_types(&dir);
        for path in csv_files(&dir) {
            let c = Csv::read(&path);
            for row in &c.rows {
                for (cell, header) in row.iter().zip(&c.headers) {
                    let kind = types.get(header).map(String::as_str).unwrap_or("string");
                    if kind == "string" {
                        assert!(
                            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                            "{}: {header} = {cell:?} is not neutralised",
                            path.display()
                        );
                        for p in payloads {
                            if cell == &format!("'{p}") {
                                seen.insert(p);
                            }
                        }
                    } else if !cell.is_empty() {
                        assert!(
                            cell.parse::<Number>().is_ok() || kind == "date",
                            "{}: {header} = {cell:?} is not a number",
                            path.display()
                        );
                        if cell == "-12" {
                            negative += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(seen.len(), payloads.len(), "payloads found: {seen:?}");
    assert!(
        negative >= 2,
        "-12 should stay a number in kpi.csv and indicators.csv"
    );
    // And the values still read back as the sheets wrote them.
    for m in &loaded.municipalities {
        check_municipality(&loaded, m, &out);
    }
}

#[test]
fn shift_jis_copies_fail_on_characters_cp932_lacks() {
    let site = copy_sample();
    let root = site.path();
    let p124 = "content/joso/2024/projects/124.toml";
    edit(root, p124, "legal_basis = \"—\"", "legal_basis = \"𠮷😀\"");
    // Off: the build passes and writes no Shift_JIS copy.
    let (_dir, out) = build_site(root);
    assert!(!out.join("joso/2024/kpi-sjis.csv").exists());
    // On: the build fails naming the sheet and the field.
    let config = fs::read_to_string(root.join("kohyo.toml")).unwrap();
    fs::write(
        root.join("kohyo.toml"),
        format!("{config}\n[csv]\nshift_jis = true\n"),
    )
    .unwrap();
    // Validation finds it (`tests/shift_jis.rs`), at the character, before any file is made.
    let err = try_build(root).map(|_| ()).unwrap_err();
    assert!(err.contains(&format!("{p124}:")), "{err}");
    assert!(err.contains("legal_basis"), "{err}");
    assert!(err.contains("𠮷"), "{err}");
    assert!(err.contains("Shift_JIS"), "{err}");
    // Without the character it passes and writes CP932 copies that decode to the same table.
    edit(root, p124, "𠮷😀", "—");
    let (_dir, out) = build_site(root);
    let sjis = fs::read(out.join("joso/2024/kpi-sjis.csv")).unwrap();
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&sjis);
    assert!(!errors);
    let utf8 = fs::read_to_string(out.join("joso/2024/kpi.csv")).unwrap();
    let utf8 = utf8.trim_start_matches('\u{feff}');
    assert_eq!(
        text.replace('～', "〜").replace('―', "—"),
        utf8.replace('～', "〜").replace('―', "—")
    );
}

#[test]
fn each_municipality_has_a_package_zip_and_checksums_over_its_files() {
    let root = sample_root();
    let (_dir, out) = build_site(&root);
    for muni in ["joso", "shimotsuma", "tsukubamirai"] {
        let dir = out.join(muni);
        let package: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join("datapackage.json")).unwrap()).unwrap();
        let resources: BTreeMap<String, Vec<u8>> = package["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let path = r["path"].as_str().unwrap().to_string();
                assert!(!path.starts_with('/') && !path.contains(".."), "{path}");
                let bytes = fs::read(dir.join(&path)).unwrap();
                assert_eq!(r["bytes"].as_u64().unwrap() as usize, bytes.len());
                assert_eq!(
                    r["hash"].as_str().unwrap(),
                    format!("sha256:{}", kohyo::export::datapackage::sha256_hex(&bytes)),
                    "{path}: hash of its bytes"
                );
                assert!(dir.join(r["schema"].as_str().unwrap()).is_file());
                (path, bytes)
            })
            .collect();
        // Every CSV is in the package, or is a latest-year copy of one that is.
        for path in csv_files(&dir) {
            let rel = path
                .strip_prefix(&dir)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let bytes = fs::read(&path).unwrap();
            assert!(
                resources.contains_key(&rel) || resources.values().any(|b| *b == bytes),
                "{muni}/{rel} is not described"
            );
        }
        // SHA256SUMS: every file of the folder but itself, hashes right.
        let sums = fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
        let mut listed = BTreeSet::new();
        for line in sums.lines() {
            let (hex, rel) = line.split_once("  ").unwrap();
            assert_eq!(
                hex,
                kohyo::export::datapackage::sha256_hex(&fs::read(dir.join(rel)).unwrap())
            );
            listed.insert(rel.to_string());
        }
        for entry in walkdir::WalkDir::new(&dir) {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(&dir)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            if entry.file_type().is_file()
                && !entry.path().ends_with("index.html")
                && rel != "SHA256SUMS"
            {
                assert!(listed.contains(&rel), "{muni}/{rel} not in SHA256SUMS");
            }
        }
        // The zip holds the package, its schemas, README.txt and every resource.
        let zip = fs::read(dir.join(format!("{muni}-csv.zip"))).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let names: BTreeSet<String> = archive.file_names().map(String::from).collect();
        assert!(names.contains("README.txt") && names.contains("datapackage.json"));
        for path in resources.keys() {
            assert!(names.contains(path), "{path} not in the zip");
        }
        let mut readme = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("README.txt").unwrap(), &mut readme)
            .unwrap();
        // The 達成率 rules in Japanese, from the site's settings (減少 divides the target by
        // the actual), and no English left in the body.
        for must in [
            "該当なし",
            "未記入",
            "集計不可",
            "'",
            "達成率",
            "目標値 ÷ 実績値",
            "±3%",
        ] {
            assert!(readme.contains(must), "README.txt lacks {must}");
        }
        assert!(
            !readme.contains("The rules"),
            "README.txt quotes English rules"
        );
    }
}

/// Decodes %XX escapes of a link.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn pages_link_their_files_with_format_and_actual_size() {
    let root = sample_root();
    let (_dir, out) = build_site(&root);
    let mut links = 0;
    for page in [
        "joso",
        "joso/2024",
        "joso/2024/kpi",
        "joso/kpi",
        "joso/2024/projects/124",
        "joso/projects/koiki-gyosei",
        "shimotsuma",
        "shimotsuma/plan/6-1",
        "tsukubamirai/2024",
        "tsukubamirai/2024/actions/1-1",
    ] {
        let html = fs::read_to_string(out.join(page).join("index.html")).unwrap();
        let at = html
            .find("<section class=\"downloads\"")
            .unwrap_or_else(|| panic!("/{page}/ has no download section"));
        let section = &html[at..at + html[at..].find("</section>").unwrap()];
        let mut found = 0;
        for (i, _) in section.match_indices("<a href=\"") {
            let rest = &section[i + 9..];
            let href = &rest[..rest.find('"').unwrap()];
            let label = &rest[rest.find('>').unwrap() + 1..rest.find("</a>").unwrap()];
            let file = out.join(page).join(percent_decode(href));
            let len = fs::metadata(&file)
                .unwrap_or_else(|e| panic!("/{page}/: {href}: {e}"))
                .len() as usize;
            let size = kohyo::export::size_label(len);
            assert!(
                label.ends_with(&format!("、{size}）")),
                "/{page}/: {label} for {len} bytes"
            );
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            let format = match ext {
                "csv" => "（CSV形式",
                "zip" => "（ZIP形式",
                "json" => "（JSON形式",
                _ => "（テキスト形式",
            };
            assert!(label.contains(format), "/{page}/: {label} for .{ext}");
            found += 1;
        }
        assert!(found > 0, "/{page}/ links no file");
        links += found;
    }
    // The KPI page's link reads as Japanese sites write it.
    let kpi = fs::read_to_string(out.join("joso/2024/kpi/index.html")).unwrap();
    let len = fs::metadata(out.join("joso/2024/kpi.csv")).unwrap().len() as usize;
    let label = format!("指標一覧（CSV形式、{}KB）", len.div_ceil(1024).max(1));
    assert!(
        kpi.contains(&format!(">{label}</a>")),
        "{label} not on the KPI page"
    );
    assert!(links >= 20, "{links} links");
}
