//! Synthetic content for benchmarks: writes a kohyo site of N sheets, and beside it the same
//! narrative and KPI tables as plain Markdown pages for Hugo, so that both generators can be timed
//! on the same pages.
//!
//! ```text
//! cargo run --release --example synth -- --sheets 10000 --out /dev/shm/site
//! ```
//!
//! **What N counts.** N is the number of sheets: one sheet is one project (事務事業) or one action
//! item (アクション項目) reported for one fiscal year, i.e. one file under
//! `content/{muni}/{year}/projects/` or `…/actions/`. Every project and action item is reported in
//! the same five fiscal years (2020–2024, 令和2〜6年度), so N sheets are N/5 sheet histories × 5
//! years; 1 history in 10 is an action item, the rest are projects. The histories are spread over
//! N/500 municipalities (at least one), about 100 histories each. N is rounded down to a multiple
//! of 5 (at least 5).
//!
//! Written under `--out DIR`:
//! - `DIR/kohyo.toml` and `DIR/content/`: the kohyo site. Each municipality has a valid
//!   全国地方公共団体コード (check digit from [`kohyo::muni_code::check_digit`]), a 総合計画 with a
//!   plan tree of 4 基本目標 × 3 施策 × 2 基本事業 (施策 carry 目標指標), and a 行政改革アクション
//!   プラン for the action items. A project sheet has a few paragraphs of narrative, 1–3
//!   activities with budgets and settlements (千円), 3–6 indicators (output and outcome) with
//!   targets for all five years and actuals up to the sheet's year — some blank, some 「－」,
//!   some 0; directions 増加/減少/維持 — a cost summary, staffing and a review.
//! - `DIR-hugo/`: one Markdown page per sheet (N pages) with the same narrative and a 5-row
//!   Markdown table (one row per year, one column per indicator), a `hugo.toml` and a minimal
//!   layout (`baseof.html`, `single.html`, `list.html`), no theme, no taxonomies.
//!
//! The text comes from a fixed vocabulary and a seeded xorshift generator, so the same N always
//! writes the same bytes. `DIR` and `DIR-hugo` are replaced if they exist.

use kohyo::muni_code::check_digit;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The fiscal years every history is reported in (西暦 of the year's start).
const YEARS: [u16; 5] = [2020, 2021, 2022, 2023, 2024];
/// Sheets per municipality (histories × years).
const SHEETS_PER_MUNI: usize = 500;
/// One history in this many is an action item; the others are projects.
const ACTION_EVERY: usize = 10;
/// 基本目標 × 施策 × 基本事業 of each municipality's plan tree.
const TREE: (usize, usize, usize) = (4, 3, 2);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (sheets, out) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(msg) => {
            eprintln!("error: {msg}");
            eprintln!("usage: synth --sheets N --out DIR   (writes DIR and DIR-hugo)");
            return ExitCode::FAILURE;
        }
    };
    match write_sites(sheets, &out) {
        Ok(stats) => {
            println!(
                "wrote {} sheets ({} projects and {} action items × {} years) in {} municipalities to {} and {} Hugo pages to {}",
                stats.sheets,
                stats.projects,
                stats.actions,
                YEARS.len(),
                stats.municipalities,
                out.display(),
                stats.sheets,
                hugo_dir(&out).display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: &[String]) -> Result<(usize, PathBuf), String> {
    let mut sheets = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sheets" => {
                let v = it.next().ok_or("--sheets needs a number")?;
                let n: usize = v
                    .replace(['_', ','], "")
                    .parse()
                    .map_err(|_| format!("--sheets {v}: not a number"))?;
                sheets = Some(n);
            }
            "--out" => out = Some(PathBuf::from(it.next().ok_or("--out needs a folder")?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((
        sheets.ok_or("--sheets N is required")?,
        out.ok_or("--out DIR is required")?,
    ))
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stats {
    /// Sheets (project sheets and action item reports), one per history per year.
    pub(crate) sheets: usize,
    /// Projects (histories of project sheets).
    pub(crate) projects: usize,
    /// Action items (histories of action item reports).
    pub(crate) actions: usize,
    /// Municipalities.
    pub(crate) municipalities: usize,
}

/// The Hugo site's folder beside `out`: `{out}-hugo`.
pub(crate) fn hugo_dir(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push("-hugo");
    out.with_file_name(name)
}

/// Writes the kohyo site of `sheets` sheets into `out` and the Hugo site into `{out}-hugo`.
pub(crate) fn write_sites(sheets: usize, out: &Path) -> std::io::Result<Stats> {
    let histories = (sheets / YEARS.len()).max(1);
    let munis = (histories * YEARS.len() / SHEETS_PER_MUNI).max(1);
    let hugo = hugo_dir(out);
    for dir in [out, hugo.as_path()] {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
    }
    let mut w = Writer::default();
    w.file(out.join("kohyo.toml"), kohyo_toml(histories * YEARS.len()))?;
    w.file(hugo.join("hugo.toml"), HUGO_TOML.to_string())?;
    for (name, text) in HUGO_LAYOUTS {
        w.file(hugo.join("layouts/_default").join(name), text.to_string())?;
    }
    let mut stats = Stats {
        sheets: histories * YEARS.len(),
        projects: 0,
        actions: 0,
        municipalities: munis,
    };
    for i in 0..munis {
        // Contiguous blocks of histories, the remainder spread over the first municipalities.
        let count = histories / munis + usize::from(i < histories % munis);
        let muni = Muni::new(i);
        muni.write(count, out, &hugo, &mut w, &mut stats)?;
    }
    Ok(stats)
}

/// Creates folders once and writes files.
#[derive(Default)]
struct Writer {
    made: std::collections::HashSet<PathBuf>,
}

impl Writer {
    fn file(&mut self, path: PathBuf, text: String) -> std::io::Result<()> {
        if let Some(parent) = path.parent()
            && !self.made.contains(parent)
        {
            std::fs::create_dir_all(parent)?;
            self.made.insert(parent.to_path_buf());
        }
        std::fs::write(path, text)
    }
}

// ---------------------------------------------------------------------------------------------
// The pseudo-random generator

/// xorshift64* seeded through splitmix64: tiny, deterministic, and good enough for text.
struct Rng(u64);

impl Rng {
    /// A generator for one purpose, named by a few numbers (municipality, history, year …).
    fn new(parts: &[u64]) -> Rng {
        let mut s = 0x6b6f_6879_6f00_0001_u64; // "kohyo"
        for &p in parts {
            s = splitmix(s ^ p);
        }
        Rng(s | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.below(list.len())]
    }

    /// `k` distinct indices into a list of `n`, in random order.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

const NAME_HEADS: [&str; 20] = [
    "青葉",
    "桜",
    "若葉",
    "朝日",
    "緑",
    "泉",
    "松",
    "富士見",
    "白石",
    "高森",
    "清水",
    "大川",
    "北野",
    "南原",
    "東山",
    "西田",
    "新田",
    "中島",
    "小松",
    "竹",
];
const NAME_TAILS: [&str; 10] = ["", "川", "台", "野", "原", "沢", "浜", "丘", "里", "谷"];

const DEPARTMENTS: [(&str, &[&str]); 8] = [
    ("総務部", &["総務課", "人事課", "財政課", "税務課"]),
    ("企画部", &["企画政策課", "デジタル推進課", "広報広聴課"]),
    ("市民生活部", &["市民協働課", "環境課", "防災危機管理課"]),
    ("保健福祉部", &["社会福祉課", "高齢福祉課", "健康増進課"]),
    ("こども部", &["子育て支援課", "保育課"]),
    ("産業振興部", &["農政課", "商工観光課"]),
    ("都市建設部", &["都市計画課", "道路課", "建築住宅課"]),
    ("教育委員会", &["学校教育課", "生涯学習課", "文化財課"]),
];

/// Policy topics: the words projects, goals and narratives are made of.
const TOPICS: [&str; 24] = [
    "子育て世帯への支援",
    "地域公共交通の確保",
    "空き家の利活用",
    "防災意識の向上",
    "健康寿命の延伸",
    "中心市街地の活性化",
    "農業の担い手の確保",
    "行政手続のデジタル化",
    "生涯学習の機会の充実",
    "観光客の誘致",
    "ごみの減量化",
    "道路・橋りょうの長寿命化",
    "移住・定住の促進",
    "地域福祉の推進",
    "文化財の保存と活用",
    "学校施設の改修",
    "高齢者の見守り",
    "地域コミュニティの活性化",
    "創業の支援",
    "公共施設の適正配置",
    "スポーツの振興",
    "自然環境の保全",
    "消費生活の安全",
    "多文化共生の推進",
];
const PROJECT_SUFFIXES: [&str; 6] = [
    "事業",
    "推進事業",
    "支援事業",
    "対策事業",
    "整備事業",
    "促進事業",
];
const GOAL_TITLES: [&str; 6] = [
    "安心して子どもを産み育てられるまち",
    "健やかに暮らせる支え合いのまち",
    "活力ある産業と交流のまち",
    "安全で快適な住みよいまち",
    "豊かな心を育む学びのまち",
    "市民と共に歩む持続可能なまち",
];
const OPENERS: [&str; 10] = [
    "本市では",
    "近年",
    "地域においては",
    "市民ニーズの多様化に伴い",
    "人口減少と少子高齢化が進むなかで",
    "国の制度改正を受けて",
    "これまでの取組により",
    "令和2年度以降",
    "関係機関との協議の結果",
    "市民アンケートによれば",
];
const PREDICATES: [&str; 12] = [
    "が課題となっています",
    "が求められています",
    "に取り組んできました",
    "を進める必要があります",
    "について関係機関と連携して検討しました",
    "の成果が表れつつあります",
    "に対する関心が高まっています",
    "の担い手が不足しています",
    "を計画的に進めています",
    "の効果を検証しました",
    "に向けた体制を整えました",
    "の在り方を見直しました",
];
const CONNECTORS: [&str; 7] = [
    "",
    "また、",
    "一方で、",
    "そのため、",
    "さらに、",
    "引き続き、",
    "特に、",
];
const ACTIVITY_WORDS: [&str; 10] = [
    "説明会の開催",
    "補助金の交付",
    "相談窓口の運営",
    "啓発活動",
    "施設の維持管理",
    "研修会の実施",
    "調査・分析",
    "情報発信",
    "関係団体との連携会議",
    "現地調査",
];

/// An indicator's shape: name, unit, which way is better, a typical level and whether it is
/// measured in tenths (rates).
struct IndicatorKind {
    name: &'static str,
    unit: &'static str,
    direction: &'static str,
    level: (i64, i64),
    tenths: bool,
}

const INDICATORS: [IndicatorKind; 16] = [
    IndicatorKind {
        name: "参加者数",
        unit: "人",
        direction: "増加",
        level: (40, 3000),
        tenths: false,
    },
    IndicatorKind {
        name: "相談件数",
        unit: "件",
        direction: "増加",
        level: (20, 800),
        tenths: false,
    },
    IndicatorKind {
        name: "利用者数",
        unit: "人",
        direction: "増加",
        level: (100, 20000),
        tenths: false,
    },
    IndicatorKind {
        name: "実施回数",
        unit: "回",
        direction: "増加",
        level: (2, 48),
        tenths: false,
    },
    IndicatorKind {
        name: "市民満足度",
        unit: "%",
        direction: "増加",
        level: (300, 800),
        tenths: true,
    },
    IndicatorKind {
        name: "登録者数",
        unit: "人",
        direction: "増加",
        level: (50, 5000),
        tenths: false,
    },
    IndicatorKind {
        name: "認定件数",
        unit: "件",
        direction: "増加",
        level: (5, 300),
        tenths: false,
    },
    IndicatorKind {
        name: "講座の開催回数",
        unit: "回",
        direction: "増加",
        level: (4, 60),
        tenths: false,
    },
    IndicatorKind {
        name: "整備延長",
        unit: "m",
        direction: "増加",
        level: (100, 5000),
        tenths: false,
    },
    IndicatorKind {
        name: "未収金額",
        unit: "千円",
        direction: "減少",
        level: (5000, 120000),
        tenths: false,
    },
    IndicatorKind {
        name: "待機児童数",
        unit: "人",
        direction: "減少",
        level: (5, 80),
        tenths: false,
    },
    IndicatorKind {
        name: "転出者数",
        unit: "人",
        direction: "減少",
        level: (500, 6000),
        tenths: false,
    },
    IndicatorKind {
        name: "事故件数",
        unit: "件",
        direction: "減少",
        level: (10, 400),
        tenths: false,
    },
    IndicatorKind {
        name: "1人1日当たりごみ排出量",
        unit: "g",
        direction: "減少",
        level: (700, 1100),
        tenths: false,
    },
    IndicatorKind {
        name: "有形固定資産減価償却率",
        unit: "%",
        direction: "維持",
        level: (450, 700),
        tenths: true,
    },
    IndicatorKind {
        name: "施設の稼働率",
        unit: "%",
        direction: "維持",
        level: (500, 900),
        tenths: true,
    },
];

// ---------------------------------------------------------------------------------------------
// Text helpers

/// One sentence: 「また、本市では、空き家の利活用が課題となっています。」
fn sentence(r: &mut Rng, topic: &str) -> String {
    let topic = if r.chance(60) { topic } else { r.pick(&TOPICS) };
    format!(
        "{}{}、{}{}。",
        r.pick(&CONNECTORS),
        r.pick(&OPENERS),
        topic,
        r.pick(&PREDICATES)
    )
}

/// A paragraph of 2–4 sentences.
fn paragraph(r: &mut Rng, topic: &str) -> String {
    let n = 2 + r.below(3);
    (0..n).map(|_| sentence(r, topic)).collect()
}

/// `paragraphs` paragraphs separated by blank lines.
fn paragraphs(r: &mut Rng, topic: &str, paragraphs_: usize) -> String {
    (0..paragraphs_)
        .map(|_| paragraph(r, topic))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A fiscal year as the sheets write keys: `R6`.
fn reiwa(y: u16) -> String {
    format!("R{}", y - 2018)
}

/// 「令和6年度」.
fn reiwa_long(y: u16) -> String {
    match y - 2018 {
        1 => "令和元年度".to_string(),
        n => format!("令和{n}年度"),
    }
}

/// A TOML basic string (the vocabulary holds no quote or backslash, but stay safe).
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

// ---------------------------------------------------------------------------------------------
// Values

/// One cell of an indicator as both sites show it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    /// A number, in units or tenths.
    Number(i64, bool),
    /// 「－」.
    NotApplicable,
    /// `""`.
    Blank,
}

impl Cell {
    fn toml(&self) -> String {
        match self {
            Cell::Number(v, false) => v.to_string(),
            Cell::Number(v, true) => format!("{}.{}", v / 10, v % 10),
            Cell::NotApplicable => "\"－\"".into(),
            Cell::Blank => "\"\"".into(),
        }
    }

    fn text(&self) -> String {
        match self {
            Cell::Number(v, false) => group(*v),
            Cell::Number(v, true) => format!("{}.{}", group(v / 10), v % 10),
            Cell::NotApplicable => "－".into(),
            Cell::Blank => String::new(),
        }
    }
}

/// 12345 → 「12,345」.
fn group(v: i64) -> String {
    let digits = v.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

/// An indicator of a history: the same targets and actuals in every year's sheet.
struct Indicator {
    kind: &'static IndicatorKind,
    targets: [Cell; 5],
    actuals: [Cell; 5],
    /// Where it stands: the activity's index, or `None` for an outcome.
    activity: Option<usize>,
}

impl Indicator {
    fn new(r: &mut Rng, kind: &'static IndicatorKind, activity: Option<usize>) -> Indicator {
        let level = r.range(kind.level.0, kind.level.1);
        let mut targets: [Cell; 5] = std::array::from_fn(|_| Cell::Blank);
        let mut actuals: [Cell; 5] = std::array::from_fn(|_| Cell::Blank);
        for i in 0..YEARS.len() {
            let step = level * (i as i64 + 1) / 20; // 5% a year
            let target = match kind.direction {
                "増加" => level + step,
                "減少" => (level - step).max(0),
                _ => level,
            };
            targets[i] = if r.chance(4) {
                Cell::NotApplicable
            } else if r.chance(4) {
                Cell::Blank
            } else {
                Cell::Number(target, kind.tenths)
            };
            let actual = target * r.range(70, 118) / 100;
            actuals[i] = if r.chance(3) {
                Cell::Number(0, kind.tenths)
            } else if r.chance(5) {
                Cell::Blank
            } else if r.chance(3) {
                Cell::NotApplicable
            } else {
                Cell::Number(actual, kind.tenths)
            };
        }
        Indicator {
            kind,
            targets,
            actuals,
            activity,
        }
    }

    /// The indicator as a sheet of year index `upto` writes it: every year's target, actuals up
    /// to that year.
    fn toml(&self, header: &str, upto: usize, out: &mut String) {
        let kind = match self.activity {
            Some(_) => "アウトプット",
            None => "成果",
        };
        let cells = |cells: &[Cell]| -> String {
            let parts: Vec<String> = cells
                .iter()
                .zip(YEARS)
                .map(|(c, y)| format!("{} = {}", reiwa(y), c.toml()))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        };
        let _ = write!(
            out,
            "\n{header}\nname = {}\nunit = {}\nkind = {}\ndirection = {}\ntargets = {}\nactuals = {}\n",
            q(self.kind.name),
            q(self.kind.unit),
            q(kind),
            q(self.kind.direction),
            cells(&self.targets),
            cells(&self.actuals[..=upto]),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Municipalities and their plans

struct Muni {
    index: usize,
    slug: String,
    name: String,
    prefecture: &'static str,
    code: String,
}

impl Muni {
    fn new(i: usize) -> Muni {
        let pref = i % PREFECTURES.len() + 1;
        let local = 201 + i / PREFECTURES.len(); // 市 codes start at 201
        let five = format!("{pref:02}{local:03}");
        let digits: [u8; 5] = std::array::from_fn(|k| five.as_bytes()[k] - b'0');
        let code = format!("{five}{}", check_digit(&digits));
        let head = NAME_HEADS[i % NAME_HEADS.len()];
        let tail = NAME_TAILS[(i / NAME_HEADS.len()) % NAME_TAILS.len()];
        let round = i / (NAME_HEADS.len() * NAME_TAILS.len());
        let name = if round == 0 {
            format!("{head}{tail}市")
        } else {
            format!("第{}{head}{tail}市", round + 1)
        };
        Muni {
            index: i,
            slug: format!("city{:04}", i + 1),
            name,
            prefecture: PREFECTURES[pref - 1],
            code,
        }
    }

    fn write(
        &self,
        histories: usize,
        out: &Path,
        hugo: &Path,
        w: &mut Writer,
        stats: &mut Stats,
    ) -> std::io::Result<()> {
        let dir = out.join("content").join(&self.slug);
        w.file(dir.join("municipality.toml"), self.municipality_toml())?;
        for g in 1..=TREE.0 {
            w.file(dir.join(format!("plan/{g}.toml")), self.plan_toml(g))?;
        }
        let mut action_numbers = vec![0usize; TREE.0];
        for h in 0..histories {
            let mut r = Rng::new(&[self.index as u64, h as u64]);
            if h % ACTION_EVERY == ACTION_EVERY - 1 {
                let goal = h % TREE.0;
                action_numbers[goal] += 1;
                let item = ActionItem::new(&mut r, goal + 1, action_numbers[goal]);
                for (yi, &y) in YEARS.iter().enumerate() {
                    let mut yr = Rng::new(&[self.index as u64, h as u64, y as u64]);
                    let report = item.report(&mut yr, yi);
                    let file = format!("{y}/actions/{}.md", item.number);
                    w.file(dir.join(&file), report.markdown())?;
                    let page = hugo.join("content").join(&self.slug).join(&file);
                    w.file(page, report.hugo(self))?;
                }
                stats.actions += 1;
            } else {
                let project = Project::new(&mut r, 100 + h, h);
                for (yi, &y) in YEARS.iter().enumerate() {
                    let mut yr = Rng::new(&[self.index as u64, h as u64, y as u64]);
                    let sheet = project.sheet(&mut yr, yi);
                    let file = format!("{y}/projects/{}", project.code);
                    w.file(dir.join(format!("{file}.toml")), sheet.toml())?;
                    let page = hugo
                        .join("content")
                        .join(&self.slug)
                        .join(format!("{file}.md"));
                    w.file(page, sheet.hugo(self))?;
                }
                stats.projects += 1;
            }
        }
        Ok(())
    }

    fn municipality_toml(&self) -> String {
        format!(
            r#"#:schema ../../schemas/municipality.schema.json
# Synthetic municipality for benchmarks (examples/synth.rs); the code has a valid check digit.
name = {name}
prefecture = {pref}
code = "{code}"
website = "https://www.{slug}.example.lg.jp/"

[[plans]]
id = "sogo"
name = "第2次{bare}総合計画 基本計画"
part_of = "第2次{bare}総合計画"
start = 2020
end = 2029
levels = ["基本目標", "施策", "基本事業"]

[[plans]]
id = "gyokaku"
name = "{bare}行政改革アクションプラン"
start = 2020
end = 2029
"#,
            name = q(&self.name),
            pref = q(self.prefecture),
            code = self.code,
            slug = self.slug,
            bare = self.name,
        )
    }

    /// 基本目標 `g` with its 施策 and 基本事業; each 施策 has 目標指標 and a narrative.
    fn plan_toml(&self, g: usize) -> String {
        let mut r = Rng::new(&[self.index as u64, 0xffff, g as u64]);
        let mut s = format!(
            "#:schema ../../../schemas/plan-node.schema.json\nplan = \"sogo\"\ncode = \"{g}\"\nnumber = \"{g}\"\ntitle = {}\n",
            q(GOAL_TITLES[(g - 1 + self.index) % GOAL_TITLES.len()])
        );
        for k in 1..=TREE.1 {
            let topic = r.pick(&TOPICS);
            let _ = write!(
                s,
                "\n[[children]]\ncode = \"{g}-{k}\"\nnumber = \"{k}\"\ntitle = {}\n\n[[children.sections]]\nheading = \"現状と課題\"\nbody = \"\"\"\n{}\n\"\"\"\n",
                q(topic),
                paragraphs(&mut r, topic, 2)
            );
            let n = 1 + r.below(2);
            for j in r.distinct(INDICATORS.len(), n) {
                let kind = &INDICATORS[j];
                let level = r.range(kind.level.0, kind.level.1);
                let goal = match kind.direction {
                    "増加" => level * 6 / 5,
                    "減少" => level * 4 / 5,
                    _ => level,
                };
                let actuals: Vec<String> = YEARS
                    .iter()
                    .map(|&y| {
                        let v = Cell::Number(level * r.range(90, 115) / 100, kind.tenths);
                        format!("{} = {}", reiwa(y), v.toml())
                    })
                    .collect();
                let _ = write!(
                    s,
                    "\n[[children.indicators]]\nname = {}\nunit = {}\nkind = \"行政\"\ndirection = {}\nbaseline = {{ value = {}, year = \"R1\" }}\nfinal_target = {{ value = {}, year = \"R11\" }}\nactuals = {{ {} }}\n",
                    q(kind.name),
                    q(kind.unit),
                    q(kind.direction),
                    Cell::Number(level, kind.tenths).toml(),
                    Cell::Number(goal, kind.tenths).toml(),
                    actuals.join(", ")
                );
            }
            for b in 1..=TREE.2 {
                let _ = write!(
                    s,
                    "\n[[children.children]]\ncode = \"{g}-{k}-{b}\"\nnumber = \"{b}\"\ntitle = {}\n",
                    q(&format!("{}の{}", topic, ["推進", "充実", "強化"][b % 3]))
                );
            }
        }
        s
    }
}

/// The leaf 基本事業 a history belongs to.
fn leaf(h: usize) -> String {
    let (g, k, b) = TREE;
    let n = h % (g * k * b);
    format!("{}-{}-{}", n / (k * b) + 1, (n / b) % k + 1, n % b + 1)
}

/// A department and one of its sections.
fn owner(r: &mut Rng) -> (&'static str, &'static str) {
    let (dept, sections) = r.pick(&DEPARTMENTS);
    (dept, r.pick(sections))
}

// ---------------------------------------------------------------------------------------------
// Project sheets

struct Activity {
    name: String,
    budgets: [i64; 5],
}

/// A project: what stays the same in every year's sheet.
struct Project {
    code: String,
    name: String,
    topic: &'static str,
    dept: &'static str,
    section: &'static str,
    node: String,
    start: u16,
    activities: Vec<Activity>,
    indicators: Vec<Indicator>,
    specific_share: i64,
}

/// One year's sheet of a project: the words and amounts that change from year to year. Both
/// sites are written from it, so they hold the same text.
struct ProjectSheet<'p> {
    project: &'p Project,
    /// Index into [`YEARS`].
    yi: usize,
    created_day: usize,
    sections: Vec<(&'static str, String)>,
    /// Per activity: description and settlement (`None` = not yet settled, 「""」).
    activities: Vec<(String, Option<i64>)>,
    staff: (i64, i64),
    reflection: String,
    room: Vec<&'static str>,
    future: &'static str,
    future_text: String,
}

impl Project {
    fn new(r: &mut Rng, code: usize, h: usize) -> Project {
        let topic = r.pick(&TOPICS);
        let (dept, section) = owner(r);
        let n_activities = 1 + r.below(3);
        let words = r.distinct(ACTIVITY_WORDS.len(), n_activities);
        let activities: Vec<Activity> = words
            .iter()
            .map(|&k| {
                let base = r.range(0, 40) * 250;
                Activity {
                    name: format!("{}に関する{}", topic, ACTIVITY_WORDS[k]),
                    budgets: std::array::from_fn(|_| base * r.range(90, 110) / 100),
                }
            })
            .collect();
        let n_indicators = 3 + r.below(4);
        let n_outcomes = 1 + r.below(2);
        let indicators = r
            .distinct(INDICATORS.len(), n_indicators)
            .into_iter()
            .enumerate()
            .map(|(k, j)| {
                let at = (k >= n_outcomes).then(|| (k - n_outcomes) % n_activities);
                Indicator::new(r, &INDICATORS[j], at)
            })
            .collect();
        Project {
            code: code.to_string(),
            name: format!("{}{}", topic, r.pick(&PROJECT_SUFFIXES)),
            topic,
            dept,
            section,
            node: leaf(h),
            start: 2000 + r.below(20) as u16,
            activities,
            indicators,
            specific_share: r.range(0, 50),
        }
    }

    /// The sheet of year index `yi`.
    fn sheet(&self, r: &mut Rng, yi: usize) -> ProjectSheet<'_> {
        let latest = yi + 1 == YEARS.len();
        let sections = [
            ("事務事業の背景・目的", 2),
            ("事務事業の目標", 1),
            ("対象と意図", 1),
        ]
        .into_iter()
        .map(|(heading, n)| (heading, paragraphs(r, self.topic, n)))
        .collect();
        let activities = self
            .activities
            .iter()
            .map(|a| {
                let settled = !(latest && r.chance(50));
                let settlement = settled.then(|| a.budgets[yi] * r.range(85, 100) / 100);
                (sentence(r, self.topic), settlement)
            })
            .collect();
        let rooms = ["コスト", "活動", "成果", "その他"];
        let n_rooms = r.below(3);
        ProjectSheet {
            project: self,
            yi,
            created_day: 1 + r.below(28),
            sections,
            activities,
            staff: (r.range(1, 30), r.range(0, 10)),
            reflection: paragraph(r, self.topic),
            room: r
                .distinct(4, n_rooms)
                .into_iter()
                .map(|k| rooms[k])
                .collect(),
            future: r.pick(&["拡充", "継続", "継続", "見直し", "縮小"]),
            future_text: paragraph(r, self.topic),
        }
    }
}

impl ProjectSheet<'_> {
    /// The kohyo sheet (TOML).
    fn toml(&self) -> String {
        let p = self.project;
        let y = YEARS[self.yi];
        let mut s = format!(
            "#:schema ../../../../schemas/project.schema.json\nfiscal_year = {}\ncode = {}\nname = {}\nform = {}\ncreated = {}-05-{:02}\nowners = [{{ department = {}, section = {} }}]\nplan = \"sogo\"\nplan_node = {}\nstart_year = {}\nend_year = \"なし\"\nlegal_basis = \"—\"\nmoney_unit = \"千円\"\n",
            q(&reiwa_long(y)),
            q(&p.code),
            q(&p.name),
            q(&format!("{}「事務事業評価シート」", reiwa_long(y))),
            y + 1,
            self.created_day,
            q(p.dept),
            q(p.section),
            q(&p.node),
            p.start,
        );
        for (heading, body) in &self.sections {
            let _ = write!(
                s,
                "\n[[sections]]\nheading = {}\nbody = \"\"\"\n{body}\n\"\"\"\n",
                q(heading)
            );
        }
        let years: Vec<String> = YEARS.iter().map(|&y| q(&reiwa(y))).collect();
        for (i, (a, (description, settlement))) in
            p.activities.iter().zip(&self.activities).enumerate()
        {
            let _ = write!(
                s,
                "\n[[activities]]\nname = {}\nyears = [{}]\ndescription = {}\nbudget = {}\nsettlement = {}\n",
                q(&a.name),
                years.join(", "),
                q(description),
                a.budgets[self.yi],
                settlement.map_or("\"\"".to_string(), |v| v.to_string()),
            );
            for ind in p.indicators.iter().filter(|x| x.activity == Some(i)) {
                ind.toml("[[activities.indicators]]", self.yi, &mut s);
            }
        }
        for ind in p.indicators.iter().filter(|x| x.activity.is_none()) {
            ind.toml("[[outcomes]]", self.yi, &mut s);
        }
        let total: i64 = p.activities.iter().map(|a| a.budgets[self.yi]).sum();
        let specific = total * p.specific_share / 100;
        let _ = write!(
            s,
            "\n[cost]\ntotal = {total}\nspecific_revenue = {specific}\nnet = {}\n\n[staffing]\nfull_time = {}\npart_time = {}\n\n[[staffing.tasks]]\nname = \"事業の企画・調整\"\nshare_percent = 40\nroutine = false\ndifficulty = \"高\"\n\n[[staffing.tasks]]\nname = \"補助金等の支出手続き\"\nshare_percent = 60\nroutine = true\ndifficulty = \"低\"\n",
            total - specific,
            Cell::Number(self.staff.0, true).toml(),
            Cell::Number(self.staff.1, true).toml(),
        );
        let room: Vec<String> = self.room.iter().map(|w| q(w)).collect();
        let _ = write!(
            s,
            "\n[review]\nreflection = \"\"\"\n{}\n\"\"\"\nroom_for_improvement = [{}]\ndirection = {}\ndirection_text = \"\"\"\n{}\n\"\"\"\n",
            self.reflection,
            room.join(", "),
            q(self.future),
            self.future_text,
        );
        s
    }

    /// The same sheet as a Hugo page: the narrative and the 5-row KPI table.
    fn hugo(&self, m: &Muni) -> String {
        let p = self.project;
        let y = reiwa_long(YEARS[self.yi]);
        let mut s = format!(
            "+++\ntitle = {}\n+++\n\n{} {y}　{}（{} {}）\n",
            q(&format!("{}（{y}）", p.name)),
            m.name,
            p.name,
            p.dept,
            p.section
        );
        for (heading, body) in &self.sections {
            let _ = write!(s, "\n## {heading}\n\n{body}\n");
        }
        s.push_str("\n## 活動\n\n");
        for (a, (description, _)) in p.activities.iter().zip(&self.activities) {
            let _ = writeln!(
                s,
                "- **{}**（予算額 {}千円）：{description}",
                a.name,
                group(a.budgets[self.yi]),
            );
        }
        s.push_str("\n## 指標\n\n");
        kpi_table(&p.indicators, self.yi, &mut s);
        let _ = write!(
            s,
            "\n## 業務の振り返り\n\n{}\n\n## 今後の方向性（{}）\n\n{}\n",
            self.reflection, self.future, self.future_text
        );
        s
    }
}

/// The 5-row table: one row per year, a column per indicator with 実績値／目標値.
fn kpi_table(indicators: &[Indicator], upto: usize, s: &mut String) {
    s.push_str("| 年度 |");
    for ind in indicators {
        let _ = write!(s, " {}（{}） |", ind.kind.name, ind.kind.unit);
    }
    s.push_str("\n|---|");
    for _ in indicators {
        s.push_str("---:|");
    }
    s.push('\n');
    for (i, &y) in YEARS.iter().enumerate() {
        let _ = write!(s, "| {} |", reiwa_long(y));
        for ind in indicators {
            let actual = if i <= upto {
                ind.actuals[i].text()
            } else {
                String::new()
            };
            let _ = write!(s, " {}／{} |", actual, ind.targets[i].text());
        }
        s.push('\n');
    }
}

// ---------------------------------------------------------------------------------------------
// Action items

/// An action item: what stays the same in every year's report.
struct ActionItem {
    number: String,
    title: &'static str,
    section: &'static str,
    kpi: Indicator,
    /// Title and the word of its first scheduled year.
    measures: Vec<(&'static str, &'static str)>,
}

/// One year's report of an action item.
struct ActionReport<'a> {
    item: &'a ActionItem,
    yi: usize,
    evaluation: String,
    /// Per measure: progress, work, improvement.
    measures: Vec<(&'static str, String, String)>,
    issues: String,
}

const MEASURES: [&str; 6] = [
    "業務の見直しを行い、事務の効率化を図る。",
    "オンライン手続の対象を拡大する。",
    "関係課と連携し、推進体制を整備する。",
    "職員研修を実施し、意識の向上を図る。",
    "受益者負担の適正化について検討する。",
    "民間活力の導入を検討し、実施する。",
];
const SCHEDULE_WORDS: [&str; 3] = ["検討", "導入", "実施"];
const PROGRESS: [&str; 5] = ["達成", "順調", "順調", "概ね順調", "遅延"];

impl ActionItem {
    fn new(r: &mut Rng, goal: usize, k: usize) -> ActionItem {
        let kind = &INDICATORS[r.below(INDICATORS.len())];
        let n = 2 + r.below(2);
        ActionItem {
            number: format!("{goal}-{k}"),
            title: r.pick(&TOPICS),
            section: owner(r).1,
            kpi: Indicator::new(r, kind, None),
            measures: r
                .distinct(MEASURES.len(), n)
                .into_iter()
                .map(|m| (MEASURES[m], r.pick(&SCHEDULE_WORDS)))
                .collect(),
        }
    }

    fn report(&self, r: &mut Rng, yi: usize) -> ActionReport<'_> {
        ActionReport {
            item: self,
            yi,
            evaluation: paragraph(r, self.title),
            measures: self
                .measures
                .iter()
                .map(|_| {
                    let progress = r.pick(&PROGRESS);
                    (progress, sentence(r, self.title), sentence(r, self.title))
                })
                .collect(),
            issues: paragraphs(r, self.title, 2),
        }
    }
}

impl ActionReport<'_> {
    /// The kohyo report: Markdown with TOML front matter.
    fn markdown(&self) -> String {
        let a = self.item;
        let mut s = format!(
            "+++\n#:schema ../../../../schemas/action.schema.json\nfiscal_year = {}\nnumber = \"{}\"\ntitle = {}\nplan = \"gyokaku\"\nowners = [{{ section = {} }}]\nevaluation = \"\"\"\n{}\n\"\"\"\n\n[goal]\ntext = {}\n",
            YEARS[self.yi],
            a.number,
            q(a.title),
            q(a.section),
            self.evaluation,
            q(&format!("{}が進み、市民サービスが向上している。", a.title)),
        );
        a.kpi.toml("[goal.kpi]", self.yi, &mut s);
        for ((title, first), (progress, work, improvement)) in a.measures.iter().zip(&self.measures)
        {
            let schedule: Vec<String> = YEARS
                .iter()
                .enumerate()
                .map(|(i, y)| format!("{y} = \"{}\"", if i == 0 { first } else { "実施" }))
                .collect();
            let _ = write!(
                s,
                "\n[[measures]]\ntitle = {}\nschedule = {{ {} }}\nprogress = {}\nwork = \"\"\"\n{work}\n\"\"\"\nimprovement = \"\"\"\n{improvement}\n\"\"\"\n",
                q(title),
                schedule.join(", "),
                q(progress),
            );
        }
        let _ = write!(s, "+++\n## 現状と課題\n\n{}\n", self.issues);
        s
    }

    /// The same report as a Hugo page.
    fn hugo(&self, m: &Muni) -> String {
        let a = self.item;
        let y = reiwa_long(YEARS[self.yi]);
        let works: Vec<String> = a
            .measures
            .iter()
            .zip(&self.measures)
            .map(|((title, _), (progress, work, _))| format!("- **{title}**（{progress}）{work}"))
            .collect();
        let mut s = format!(
            "+++\ntitle = {}\n+++\n\n{} {y}　{} {}（{}）\n\n## 現状と課題\n\n{}\n\n## 取組内容\n\n{}\n\n## 総括評価\n\n{}\n\n## 指標\n\n",
            q(&format!("{} {}（{y}）", a.number, a.title)),
            m.name,
            a.number,
            a.title,
            a.section,
            self.issues,
            works.join("\n"),
            self.evaluation,
        );
        kpi_table(std::slice::from_ref(&a.kpi), self.yi, &mut s);
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Site files

fn kohyo_toml(sheets: usize) -> String {
    format!(
        r#"#:schema ./schemas/kohyo.schema.json
# Synthetic site for benchmarks, written by `cargo run --release --example synth -- --sheets {sheets}`.
title = "kohyo ベンチマーク用の合成サイト（{sheets}シート）"
description = "架空の市の事務事業評価シートと行政改革アクションプランの実績報告（examples/synth.rs が生成）"
base_url = "https://kohyo.example.lg.jp/"

[achievement]
method = "ratio"
tolerance_percent = 3
"#
    )
}

const HUGO_TOML: &str = r#"# Synthetic site for benchmarks (examples/synth.rs): the same sheets as plain Markdown pages.
baseURL = "https://hugo.example.lg.jp/"
languageCode = "ja"
title = "Hugo ベンチマーク用の合成サイト"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
"#;

const HUGO_LAYOUTS: [(&str, &str); 3] = [
    (
        "baseof.html",
        r#"<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ .Site.Title }}</title>
</head>
<body>
<header><a href="{{ .Site.BaseURL }}">{{ .Site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"#,
    ),
    (
        "single.html",
        r#"{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ .Content }}
</article>
{{ end }}
"#,
    ),
    (
        "list.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
"#,
    ),
];
