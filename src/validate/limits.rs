//! `[limits]`: how many activities, indicators, plan nodes and list entries one content file may
//! hold. The file size limit (applied while loading) bounds the bytes; these bound the counts, so
//! that a generated or pasted sheet with 100,000 activities is one clear error naming the file and
//! the count, and the rest of validation, rendering and export never see it.

use crate::diagnostics::{Diagnostic, Report};
use crate::format::{
    ActionFile, IndicatorDef, LimitsDef, MunicipalityFile, PlanNodeDef, ProjectFile,
};
use crate::load::Parsed;
use toml::Spanned;

/// The default most activities on one project sheet.
pub const DEFAULT_MAX_ACTIVITIES: u64 = 500;
/// The default most indicators in one file.
pub const DEFAULT_MAX_INDICATORS: u64 = 1000;
/// The default most plan nodes in one plan file.
pub const DEFAULT_MAX_PLAN_NODES: u64 = 2000;
/// The default most entries of any other list in one file.
pub const DEFAULT_MAX_LIST_ITEMS: u64 = 1000;

/// The count limits in force, from `[limits]` with the defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Activities on one project sheet (`max_activities`).
    pub activities: u64,
    /// Indicators in one file (`max_indicators`).
    pub indicators: u64,
    /// Plan nodes in one plan file (`max_plan_nodes`).
    pub plan_nodes: u64,
    /// Entries of any other list in one file (`max_list_items`).
    pub list_items: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::from_def(&LimitsDef::default())
    }
}

impl Limits {
    /// The limits a `[limits]` table sets, with defaults for what it leaves out.
    pub fn from_def(d: &LimitsDef) -> Limits {
        Limits {
            activities: d.max_activities.unwrap_or(DEFAULT_MAX_ACTIVITIES),
            indicators: d.max_indicators.unwrap_or(DEFAULT_MAX_INDICATORS),
            plan_nodes: d.max_plan_nodes.unwrap_or(DEFAULT_MAX_PLAN_NODES),
            list_items: d.max_list_items.unwrap_or(DEFAULT_MAX_LIST_ITEMS),
        }
    }
}

/// What one file holds: the counts the limits apply to, and its longest list.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    activities: u64,
    indicators: u64,
    plan_nodes: u64,
    /// The longest other list: its length and what it lists.
    longest: (u64, &'static str),
}

impl Counts {
    fn list(&mut self, what: &'static str, n: usize) {
        let n = n as u64;
        if n > self.longest.0 {
            self.longest = (n, what);
        }
    }

    fn indicators<'a>(&mut self, defs: impl IntoIterator<Item = &'a Spanned<IndicatorDef>>) {
        for d in defs {
            self.indicators += 1;
            let d = d.get_ref();
            self.list("targets of an indicator", d.targets.len());
            self.list("actuals of an indicator", d.actuals.len());
        }
    }

    fn project(p: &Parsed<ProjectFile>) -> Counts {
        let f = &p.value;
        let mut c = Counts {
            activities: f.activities.len() as u64,
            ..Counts::default()
        };
        c.list("sections", f.sections.len() + p.body_sections.len());
        c.list("owners", f.owners.len());
        for a in &f.activities {
            c.list("years of an activity", a.years.len());
            c.list("related sections of an activity", a.related_sections.len());
            c.indicators(&a.indicators);
        }
        c.indicators(&f.outcomes);
        if let Some(s) = &f.staffing {
            c.list("tasks", s.tasks.len());
        }
        c
    }

    fn action(p: &Parsed<ActionFile>) -> Counts {
        let f = &p.value;
        let mut c = Counts::default();
        c.list("sections", f.sections.len() + p.body_sections.len());
        c.list("owners", f.owners.len());
        c.list("measures", f.measures.len());
        for m in &f.measures {
            c.list("years of a measure's schedule", m.schedule.len());
        }
        c.indicators(f.goal.iter().filter_map(|g| g.kpi.as_ref()));
        c
    }

    fn plan_file(p: &Parsed<PlanNodeDef>) -> Counts {
        let mut c = Counts::default();
        c.list("sections", p.value.sections.len() + p.body_sections.len());
        c.plan_node(&p.value);
        c
    }

    fn plan_node(&mut self, d: &PlanNodeDef) {
        self.plan_nodes += 1;
        self.list("sections", d.sections.len());
        self.list("roadmap rows", d.roadmap.len());
        self.list("children", d.children.len());
        self.list(
            "SDGs goals",
            d.sdgs.as_ref().map_or(0, |s| s.get_ref().len()),
        );
        for r in &d.roadmap {
            self.list("years of a roadmap row", r.years.len());
        }
        self.indicators(&d.indicators);
        for child in &d.children {
            self.plan_node(child);
        }
    }

    fn municipality(f: &MunicipalityFile) -> Counts {
        let mut c = Counts::default();
        c.list("plans", f.plans.len());
        for p in &f.plans {
            c.list("levels of a plan", p.levels.len());
        }
        c
    }

    /// One diagnostic per limit the counts exceed.
    fn over(&self, limits: &Limits, file: &str) -> Vec<Diagnostic> {
        let checks = [
            (
                self.activities,
                limits.activities,
                "activities",
                "max_activities",
                "activities",
            ),
            (
                self.indicators,
                limits.indicators,
                "indicators",
                "max_indicators",
                "indicators",
            ),
            (
                self.plan_nodes,
                limits.plan_nodes,
                "plan nodes",
                "max_plan_nodes",
                "children",
            ),
            (
                self.longest.0,
                limits.list_items,
                self.longest.1,
                "max_list_items",
                "",
            ),
        ];
        checks
            .into_iter()
            .filter(|(n, max, ..)| n > max)
            .map(|(n, max, what, key, field)| {
                let message = if key == "max_list_items" {
                    format!("a list of {n} {what}, over the limit of {max} entries")
                } else {
                    format!("{n} {what} in one file, over the limit of {max}")
                };
                let mut d = Diagnostic::error(message).in_file(file).hint(format!(
                    "split the file, or raise [limits] {key} in kohyo.toml if the sheet really holds that many"
                ));
                if !field.is_empty() {
                    d = d.field(field);
                }
                d
            })
            .collect()
    }
}

/// Whether `municipality.toml` is within the limits; each limit it exceeds is reported, and a
/// file over one is left out of everything after.
pub(super) fn municipality_within(
    p: &Parsed<MunicipalityFile>,
    limits: &Limits,
    report: &mut Report,
) -> bool {
    within(&p.file, Counts::municipality(&p.value), limits, report)
}

/// Whether a plan file is within the limits (see [`municipality_within`]).
pub(super) fn plan_file_within(
    p: &Parsed<PlanNodeDef>,
    limits: &Limits,
    report: &mut Report,
) -> bool {
    within(&p.file, Counts::plan_file(p), limits, report)
}

/// Whether a project sheet is within the limits (see [`municipality_within`]).
pub(super) fn project_within(
    p: &Parsed<ProjectFile>,
    limits: &Limits,
    report: &mut Report,
) -> bool {
    within(&p.file, Counts::project(p), limits, report)
}

/// Whether an action report is within the limits (see [`municipality_within`]).
pub(super) fn action_within(p: &Parsed<ActionFile>, limits: &Limits, report: &mut Report) -> bool {
    within(&p.file, Counts::action(p), limits, report)
}

fn within(file: &str, counts: Counts, limits: &Limits, report: &mut Report) -> bool {
    let over = counts.over(limits, file);
    let ok = over.is_empty();
    report.extend(over);
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(text: &str) -> Parsed<ProjectFile> {
        Parsed {
            file: "content/x/2024/projects/1.toml".into(),
            value: toml::from_str(text).unwrap(),
            body_sections: Vec::new(),
        }
    }

    #[test]
    fn counts_activities_indicators_and_the_longest_list() {
        let p = project(
            r#"fiscal_year = 2024
code = "1"
name = "x"
owners = [{ section = "a" }, { section = "b" }]
[[activities]]
name = "a"
years = ["R6", "R7", "R8"]
indicators = [{ name = "i", targets = { R6 = 1, R7 = 2 } }, { name = "j" }]
[[activities]]
name = "b"
[[outcomes]]
name = "o"
"#,
        );
        let c = Counts::project(&p);
        assert_eq!(c.activities, 2);
        assert_eq!(c.indicators, 3);
        assert_eq!(c.longest, (3, "years of an activity"));
        let tight = Limits {
            activities: 1,
            indicators: 3,
            plan_nodes: 0,
            list_items: 2,
        };
        let over = c.over(&tight, &p.file);
        assert_eq!(over.len(), 2, "{over:?}");
        assert!(
            over[0]
                .message
                .contains("2 activities in one file, over the limit of 1")
        );
        assert!(over[0].hint.as_deref().unwrap().contains("max_activities"));
        assert!(over[1].message.contains("a list of 3 years of an activity"));
        assert!(c.over(&Limits::default(), &p.file).is_empty());
    }

    #[test]
    fn plan_nodes_count_their_children() {
        let d: PlanNodeDef = toml::from_str(
            r#"code = "1"
title = "t"
[[children]]
code = "1-1"
title = "t"
[[children.children]]
code = "1-1-1"
title = "t"
indicators = [{ name = "i" }]
"#,
        )
        .unwrap();
        let mut c = Counts::default();
        c.plan_node(&d);
        assert_eq!((c.plan_nodes, c.indicators), (3, 1));
    }
}
