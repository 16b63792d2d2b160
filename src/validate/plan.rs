//! A municipality's own files: `municipality.toml` (its code, website, plans and 達成状況
//! grades) and its plan files, whose node trees (施策) are validated and attached to their plans
//! (node codes unique across the municipality, each node under its parent, roadmap rows naming
//! nodes of their plan). The result, a [`Context`], is what each sheet is validated against.

use super::indicators::{check_indicator_ids, indicators};
use super::{Context, Ctx, SetHint, check_code, check_web_url, grades, sections};
use crate::diagnostics::{Diagnostic, Report};
use crate::format::{MunicipalityFile, PlanNodeDef, RoadmapDef};
use crate::load::Parsed;
use crate::model::{AchievementConfig, Method, Municipality, Plan, PlanNode, RoadmapRow};
use crate::muni_code::MuniCode;
use crate::year_map::YearMap;
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

/// Validates `municipality.toml` (code, website, plans, grades) and attaches its plan files'
/// nodes; `None` when there is no file (reported when there is none at all, `has_file` false).
pub(super) fn context(
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
pub(super) fn resolve_plan<'m>(
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
