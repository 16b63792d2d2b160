//! kohyo (公表): turns a Japanese municipality's evaluation sheets — 事務事業評価 / 点検シート,
//! 行政改革アクションプランの実績報告, and the 目標指標 of its 総合計画 — into an accessible static
//! website with KPI tables and CSV attachments.
//!
//! The pipeline runs one way: [`load`] (walk, parse, spans) → [`validate`] (diagnostics) →
//! [`model`] (the joined, typed site) → [`compute`] → [`render`] and [`export`] → [`output`] (the
//! guarded, atomic write). [`check`] runs the first three without writing anything; [`build`]
//! runs them all.

pub mod build;
pub mod chart;
pub mod compute;
pub mod cp932;
pub mod diagnostics;
pub mod escape;
pub mod export;
pub mod fiscal_year;
pub mod format;
pub mod load;
pub mod model;
pub mod muni_code;
pub mod output;
pub mod progress;
pub mod render;
pub mod schema;
pub mod segment;
pub mod serve;
pub mod validate;
pub mod value;
pub mod year_map;

use diagnostics::Report;
use model::Site;
use rayon::prelude::*;
use std::path::Path;

/// Loads and validates the site under `root`. Returns the model when there is no error, and the
/// report of every problem (errors and warnings) either way.
///
/// Municipality by municipality (in parallel, and each one's files read and parsed in parallel):
/// its raw files are dropped once its model is built, and its source texts once they are checked,
/// except those a diagnostic points into, so memory holds the model and the raw files of the few
/// municipalities in progress. Reports are merged in the order of the municipalities.
/// The result is the same as [`load::load_site`] then [`validate::validate`].
pub fn check(root: &Path) -> (Option<Site>, Report) {
    let (walked, mut report) = load::walk_site(root);
    let (config, content) = walked.into_parts();
    let validator = validate::Validator::new(config.as_ref(), &mut report);
    let reader = &content.reader;
    let checked: Vec<(Option<model::Municipality>, Report)> = content
        .municipalities
        .into_par_iter()
        .map(|m| {
            let (loaded, mut checked) = reader.load(m);
            let muni = validator.municipality(loaded, &mut checked);
            checked.drop_uncited_sources();
            (muni, checked)
        })
        .collect();
    let mut municipalities = Vec::with_capacity(checked.len());
    for (muni, checked) in checked {
        municipalities.extend(muni);
        report.merge(checked);
    }
    let site = validator.finish(municipalities, &report);
    (site, report)
}

/// Loads and validates one content file given as text (see [`load::load_text`]).
pub fn check_text(rel_path: &str, text: &str, municipality: &str) -> (Option<Site>, Report) {
    let (loaded, mut report) = load::load_text(rel_path, text, municipality);
    let site = validate::validate(loaded, &mut report);
    (site, report)
}

/// Counts shown in the one-line summary of `kohyo check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Municipalities.
    pub municipalities: usize,
    /// Plan nodes.
    pub plan_nodes: usize,
    /// Project sheets (one per project per year).
    pub projects: usize,
    /// Action item reports.
    pub actions: usize,
    /// Indicators on all sheets and plan nodes.
    pub indicators: usize,
}

impl Summary {
    /// Counts what a site holds.
    pub fn of(site: &Site) -> Summary {
        let mut s = Summary {
            municipalities: site.municipalities.len(),
            ..Summary::default()
        };
        for m in &site.municipalities {
            for p in &m.plans {
                for (_, node) in p.nodes() {
                    s.plan_nodes += 1;
                    s.indicators += node.indicators.len();
                }
            }
            for sheet in m.projects.values().flat_map(|h| h.values()) {
                s.projects += 1;
                s.indicators += sheet.indicators().count();
            }
            for a in m.actions.values().flat_map(|h| h.values()) {
                s.actions += 1;
                s.indicators += a
                    .goal
                    .as_ref()
                    .and_then(|g| g.kpi.as_ref())
                    .map_or(0, |_| 1);
            }
        }
        s
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} municipalities, {} plan nodes, {} sheets ({} projects, {} action items), {} indicators",
            self.municipalities,
            self.plan_nodes,
            self.projects + self.actions,
            self.projects,
            self.actions,
            self.indicators
        )
    }
}
