//! `[limits]`: how many activities, indicators, plan nodes and list entries one content file may
//! hold, and how long its one-line texts may be. The file size limit (applied while loading)
//! bounds the bytes; these bound the counts, so that a generated or pasted sheet with 100,000
//! activities is one clear error naming the file and the count, and the rest of validation,
//! rendering and export never see it. The text limit bounds what a file can make the output
//! copy: each CSV row repeats its sheet's, node's and indicator's names, so a title of 800,000
//! characters on a plan node with 1,000 indicators made an 800 MB CSV file from 1 MB of input.

use crate::diagnostics::{Diagnostic, Report};
use crate::format::{
    ActionFile, IndicatorDef, LimitsDef, MunicipalityFile, OwnerDef, PlanNodeDef, ProjectFile,
    SectionDef,
};
use crate::load::Parsed;
use crate::value::Value;
use std::ops::Range;
use toml::Spanned;

/// The default most activities on one project sheet.
pub const DEFAULT_MAX_ACTIVITIES: u64 = 500;
/// The default most indicators in one file.
pub const DEFAULT_MAX_INDICATORS: u64 = 1000;
/// The default most plan nodes in one plan file.
pub const DEFAULT_MAX_PLAN_NODES: u64 = 2000;
/// The default most entries of any other list in one file.
pub const DEFAULT_MAX_LIST_ITEMS: u64 = 1000;
/// The default most characters of a one-line text (a name, title, code, unit …).
pub const DEFAULT_MAX_TEXT_CHARS: u64 = 500;

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
    /// Characters of a one-line text (`max_text_chars`).
    pub text_chars: u64,
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
            text_chars: d.max_text_chars.unwrap_or(DEFAULT_MAX_TEXT_CHARS),
        }
    }
}

/// What one file holds: the counts the limits apply to, its longest list and its longest
/// one-line text.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    activities: u64,
    indicators: u64,
    plan_nodes: u64,
    /// The longest other list: its length and what it lists.
    longest: (u64, &'static str),
    /// The longest one-line text: its length in characters, what it is, and where it is (or the
    /// indicator holding it) when the file keeps that place.
    longest_text: (u64, &'static str, Option<Range<usize>>),
}

impl Counts {
    fn list(&mut self, what: &'static str, n: usize) {
        let n = n as u64;
        if n > self.longest.0 {
            self.longest = (n, what);
        }
    }

    /// Notes a one-line text, and where it is when known.
    fn text(&mut self, what: &'static str, s: &str, at: Option<Range<usize>>) {
        // A text's bytes are at least its characters: most texts are skipped without counting.
        if s.len() as u64 <= self.longest_text.0 {
            return;
        }
        let n = s.chars().count() as u64;
        if n > self.longest_text.0 {
            self.longest_text = (n, what, at);
        }
    }

    /// Notes the texts of a spanned string field.
    fn spanned(&mut self, what: &'static str, s: Option<&Spanned<String>>) {
        if let Some(s) = s {
            self.text(what, s.get_ref(), Some(s.span()));
        }
    }

    fn owners(&mut self, owners: &[OwnerDef]) {
        for o in owners {
            self.text("department", o.department.as_deref().unwrap_or(""), None);
            self.text("section", o.section.as_deref().unwrap_or(""), None);
        }
    }

    fn headings(&mut self, sections: &[SectionDef]) {
        for s in sections {
            self.text("section heading", &s.heading, None);
        }
    }

    fn indicators<'a>(&mut self, defs: impl IntoIterator<Item = &'a Spanned<IndicatorDef>>) {
        for spanned in defs {
            self.indicators += 1;
            let d = spanned.get_ref();
            self.list("targets of an indicator", d.targets.len());
            self.list("actuals of an indicator", d.actuals.len());
            let at = || Some(spanned.span());
            self.text("name of an indicator", &d.name, at());
            self.text("id of an indicator", d.id.as_deref().unwrap_or(""), at());
            self.text(
                "unit of an indicator",
                d.unit.as_deref().unwrap_or(""),
                at(),
            );
            // Repeated on the row of each of the indicator's years.
            self.text(
                "note of an indicator",
                d.note.as_deref().unwrap_or(""),
                at(),
            );
            let cells = d.targets.iter().chain(&d.actuals);
            for (year, cell) in cells {
                self.text("year of an indicator", year.get_ref(), Some(year.span()));
                if let Value::Qualitative(t) = &cell.value {
                    self.text("value of an indicator", t, Some(year.span()));
                }
            }
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
        c.spanned("code", Some(&f.code));
        c.text("sheet_no", f.sheet_no.as_deref().unwrap_or(""), None);
        c.text("name", &f.name, None);
        c.text("form", f.form.as_deref().unwrap_or(""), None);
        c.spanned("plan", f.plan.as_ref());
        c.spanned("plan_node", f.plan_node.as_ref());
        c.text("legal_basis", f.legal_basis.as_deref().unwrap_or(""), None);
        c.owners(&f.owners);
        c.headings(&f.sections);
        for a in &f.activities {
            c.list("years of an activity", a.years.len());
            c.list("related sections of an activity", a.related_sections.len());
            c.text("name of an activity", &a.name, None);
            for r in &a.related_sections {
                c.text("related section of an activity", r, None);
            }
            c.indicators(&a.indicators);
        }
        c.indicators(&f.outcomes);
        if let Some(s) = &f.staffing {
            c.list("tasks", s.tasks.len());
            for t in &s.tasks {
                c.text("name of a task", &t.name, None);
            }
        }
        c
    }

    fn action(p: &Parsed<ActionFile>) -> Counts {
        let f = &p.value;
        let mut c = Counts::default();
        c.list("sections", f.sections.len() + p.body_sections.len());
        c.list("owners", f.owners.len());
        c.list("measures", f.measures.len());
        c.spanned("number", Some(&f.number));
        c.text("title", &f.title, None);
        c.spanned("plan", f.plan.as_ref());
        c.spanned("plan_node", f.plan_node.as_ref());
        c.owners(&f.owners);
        c.headings(&f.sections);
        for m in &f.measures {
            c.list("years of a measure's schedule", m.schedule.len());
            c.text("title of a measure", &m.title, None);
            for (year, cell) in &m.schedule {
                c.text(
                    "year of a measure's schedule",
                    year.get_ref(),
                    Some(year.span()),
                );
                c.text("schedule of a measure", cell, Some(year.span()));
            }
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
        self.spanned("plan", d.plan.as_ref());
        self.spanned("parent", d.parent.as_ref());
        self.spanned("code of a plan node", Some(&d.code));
        self.text(
            "number of a plan node",
            d.number.as_deref().unwrap_or(""),
            None,
        );
        self.text("title of a plan node", &d.title, None);
        self.headings(&d.sections);
        for r in &d.roadmap {
            self.text("name of a roadmap row", &r.name, None);
            self.spanned("node of a roadmap row", r.node.as_ref());
            self.text(
                "project of a roadmap row",
                r.project.as_deref().unwrap_or(""),
                None,
            );
        }
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
        c.text("name", &f.name, None);
        c.text("prefecture", &f.prefecture, None);
        c.spanned("code", Some(&f.code));
        c.text("website", f.website.as_deref().unwrap_or(""), None);
        for p in &f.plans {
            c.list("levels of a plan", p.levels.len());
            c.spanned("id of a plan", Some(&p.id));
            c.text("name of a plan", &p.name, None);
            c.text(
                "part_of of a plan",
                p.part_of.as_deref().unwrap_or(""),
                None,
            );
            for l in &p.levels {
                c.text("level of a plan", l, None);
            }
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
            .chain(self.text_over(limits, file))
            .collect()
    }

    /// The diagnostic of a one-line text over `max_text_chars`, pointing at it (or at the
    /// indicator holding it) when the file keeps where it is.
    fn text_over(&self, limits: &Limits, file: &str) -> Option<Diagnostic> {
        let (n, what, at) = &self.longest_text;
        if *n <= limits.text_chars {
            return None;
        }
        let d = Diagnostic::error(format!(
            "a {what} of {n} characters, over the limit of {} for a one-line text",
            limits.text_chars
        ))
        .in_file(file)
        .hint(
            "shorten it (a long text belongs in a section's body), or raise [limits] max_text_chars in kohyo.toml",
        );
        Some(d.at_maybe(at.clone()))
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
            text: text.into(),
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
            text_chars: 500,
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
