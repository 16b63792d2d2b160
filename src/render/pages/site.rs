//! Site-wide pages: the home page listing every municipality, the legend (凡例) of 達成率 and
//! marks, the accessibility statement template, and the 404 page.

use super::municipality::{Headline, headline};
use super::{here, routes};
use crate::compute::{self, Unassessed};
use crate::model::{Method, Site};
use crate::render::display::{self, CellView};
use crate::render::theme::Theme;
use crate::render::url::Route;
use crate::render::{Link, Meta, PageCx, Rendered, render_template};
use crate::value::{Number, Value};
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Home {
    municipalities: Vec<MuniCard>,
}

#[derive(Serialize)]
struct MuniCard {
    name: String,
    prefecture: String,
    href: String,
    plans: Vec<String>,
    headline: Option<Headline>,
}

/// `/`.
pub(super) fn home(site: &Site, theme: &Theme) -> Result<Rendered> {
    let cx = PageCx::new(site, Route::root());
    let municipalities = site
        .municipalities
        .iter()
        .map(|m| MuniCard {
            name: m.name.clone(),
            prefecture: m.prefecture.clone(),
            href: cx.href(&routes::muni(m)),
            plans: m.plans.iter().map(|p| p.name.clone()).collect(),
            headline: headline(&cx, m),
        })
        .collect();
    let mut meta = Meta::new(&cx, site.config.title.clone(), Vec::new());
    meta.title = site.config.title.clone();
    meta.breadcrumbs.clear();
    render_template(theme, &cx, "index.html", &meta, &Home { municipalities })
}

#[derive(Serialize)]
struct Legend {
    directions: Vec<Rule>,
    down_method: &'static str,
    tolerance: String,
    grades: Vec<GradeRow>,
    /// Municipalities whose own grades differ from the site's.
    own_grades: Vec<OwnGrades>,
    states: Vec<StateRow>,
    cells: Vec<CellExample>,
}

#[derive(Serialize)]
struct OwnGrades {
    name: String,
    grades: Vec<GradeRow>,
}

#[derive(Serialize)]
struct Rule {
    direction: &'static str,
    formula: String,
    example: String,
}

#[derive(Serialize)]
struct GradeRow {
    mark: String,
    label: String,
    rule: String,
}

#[derive(Serialize)]
struct StateRow {
    mark: &'static str,
    label: &'static str,
    meaning: &'static str,
}

#[derive(Serialize)]
struct CellExample {
    written: &'static str,
    cell: CellView,
    meaning: &'static str,
}

/// The rule of each direction, with the site's tolerance for 維持.
fn direction_rules(tolerance: &str) -> Vec<Rule> {
    vec![
        Rule {
            direction: "増加（多いほどよい）",
            formula: format!(
                "達成率 ＝ {} × 100",
                compute::Formula::ActualOverTarget.label()
            ),
            example: "目標 40人、実績 30人 → 75.0%".into(),
        },
        Rule {
            direction: "減少（少ないほどよい）",
            formula: format!(
                "達成率 ＝ {} × 100（既定）、または {} × 100（現状値からの進捗。設定 method = \"progress\"）",
                compute::Formula::TargetOverActual.label(),
                compute::Formula::ProgressFromBaseline.label()
            ),
            example:
                "転出者数：目標 2,700人、実績 3,083人 → 87.6%（目標未達成。114%とは読みません）"
                    .into(),
        },
        Rule {
            direction: "維持（水準を保つ）",
            formula: format!("実績値が目標値の ±{tolerance}% 以内なら達成。達成率は算出しません"),
            example: format!("目標 61%、実績 62% → 達成（許容幅 ±{tolerance}%）"),
        },
    ]
}

/// The grades (◎○△× unless configured) with the rule that earns each: the first is for met
/// targets, the others by their lowest rate, the last (without a rate) takes the rest.
fn grade_rows(grades: &[compute::Grade]) -> Vec<GradeRow> {
    grades
        .iter()
        .enumerate()
        .map(|(i, g)| GradeRow {
            rule: match g.min_rate {
                _ if i == 0 => "目標値に達した".into(),
                Some(m) if m.is_finite() => format!("目標未達成で、達成率が{m}%以上"),
                _ => "目標未達成で、それ以外（率のない比較を含む）".into(),
            },
            mark: g.mark.clone(),
            label: g.label.clone(),
        })
        .collect()
}

/// The unassessed states with their marks.
fn state_rows() -> Vec<StateRow> {
    [
        (
            Unassessed::NotMeasured,
            "実績値が空欄（まだ測っていない、または報告されていない）。",
        ),
        (
            Unassessed::NotApplicable,
            "目標値または実績値が「－」（その年度・指標には当てはまらない）。",
        ),
        (
            Unassessed::NotAssessable,
            "目標値がない、目標値や実績値が「実施」などの言葉、または数値で比べられない。",
        ),
    ]
    .into_iter()
    .map(|(u, meaning)| StateRow {
        mark: display::unassessed_mark(u),
        label: u.label(),
        meaning,
    })
    .collect()
}

/// How 0, 「－」, a blank and words are shown, through the same formatter as every page.
fn cell_examples() -> Vec<CellExample> {
    let example = |written, value: Value, meaning| CellExample {
        written,
        cell: display::value(&value, Some("件")),
        meaning,
    };
    vec![
        example(
            "0",
            Value::Measured(Number::from_i64(0)),
            "測った結果がゼロ。実際の値です。",
        ),
        example(
            "－",
            Value::NotApplicable,
            "該当なし。その年度・指標には当てはまりません。",
        ),
        example(
            "（空欄）",
            Value::NotReported,
            "未記入。まだ測っていないか、報告されていません。0ではありません。",
        ),
        example(
            "実施",
            Value::Qualitative("実施".into()),
            "言葉で書かれた目標・実績。数値の達成率は出せません（評価なし）。",
        ),
    ]
}

/// `/legend/`: how 達成率 is computed, the marks and the states (from [`compute`]'s rules).
pub(super) fn legend(site: &Site, theme: &Theme) -> Result<Rendered> {
    let cx = PageCx::new(site, routes::legend());
    let config = &site.config.achievement;
    let tolerance = Number::new(
        rust_decimal::Decimal::from_f64_retain(config.tolerance_percent)
            .unwrap_or_default()
            .normalize(),
    )
    .grouped();
    let view = Legend {
        directions: direction_rules(&tolerance),
        down_method: match config.method {
            Method::Ratio => "目標値 ÷ 実績値",
            Method::Progress => "現状値からの進捗",
        },
        tolerance,
        grades: grade_rows(&config.grades),
        own_grades: site
            .municipalities
            .iter()
            .filter(|m| m.achievement.grades != config.grades)
            .map(|m| OwnGrades {
                name: m.name.clone(),
                grades: grade_rows(&m.achievement.grades),
            })
            .collect(),
        states: state_rows(),
        cells: cell_examples(),
    };
    let meta = Meta::new(&cx, "凡例：達成率と達成状況の見方", vec![here(&cx, "凡例")]);
    render_template(theme, &cx, "legend.html", &meta, &view)
}

#[derive(Serialize)]
struct Empty {}

/// `/accessibility/`: the accessibility statement, for the city to fill in.
pub(super) fn accessibility(site: &Site, theme: &Theme) -> Result<Rendered> {
    let cx = PageCx::new(site, routes::accessibility());
    let meta = Meta::new(
        &cx,
        "ウェブアクセシビリティ方針",
        vec![here(&cx, "ウェブアクセシビリティ方針")],
    );
    render_template(theme, &cx, "accessibility.html", &meta, &Empty {})
}

/// `/404.html`: shown by servers at any URL, so its links start from the site root.
pub(super) fn not_found(site: &Site, theme: &Theme) -> Result<Rendered> {
    let cx = PageCx::rooted(site, Route::file("404.html"));
    let mut meta = Meta::new(&cx, "ページが見つかりません", Vec::new());
    meta.breadcrumbs = vec![
        Link::new("ホーム", cx.root.clone()),
        Link::new("ページが見つかりません", String::new()),
    ];
    render_template(theme, &cx, "404.html", &meta, &Empty {})
}
