//! Every shape and type problem of one file in one run.
//!
//! serde stops at the first problem of a document: a misspelt key, a string where a number
//! belongs or an unknown 方向 would each need their own rebuild. When typed deserialization of
//! text that is valid TOML fails, this module keeps going on the parsed document
//! ([`toml::de::DeTable`], spans kept): it records the diagnostic, removes the innermost key or
//! array element whose span holds the error, and deserializes again, until the rest parses or
//! [`MAX_ERRORS`] are found. The expected shape stays the serde types of
//! [`format`](crate::format); nothing here knows a field.
//!
//! A "missing field" that only the removal caused is not reported: when the user wrote the field
//! with a wrong value, or misspelt it (the unknown-field error then says "did you mean …?"), the
//! first error says everything. A field the user did leave out is reported and gets a placeholder
//! of a type it takes, so that the table's next missing field shows too. The retries only happen
//! on the error path: a valid file is deserialized once, as before.

use super::{closest_expected, toml_diagnostic};
use crate::diagnostics::Diagnostic;
use serde::de::DeserializeOwned;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// The most problems reported for one file; past it a note says there are more.
pub(crate) const MAX_ERRORS: usize = 50;

/// How many deserializations one file may take at most: every report costs one, and so does
/// every "missing field" left unreported, which removes a table; this bounds both.
const MAX_ATTEMPTS: usize = 4 * MAX_ERRORS;

/// A parsed document or one of its values, with its span in the file.
type Node<'i> = Spanned<DeValue<'i>>;

/// One step from a table or array to one of its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// A key of a table.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// A field of a table the user did write (or meant to write, when misspelt) but that was removed
/// to go on: the table's span and the field's name.
type Written = (Range<usize>, String);

/// What [`remove`] took out of the document.
enum Removed {
    /// A table's key: the table's span and the key.
    Field(Written),
    /// An array's element (removing one never makes a field missing).
    Element,
}

/// Deserializes `text` into `T`. On failure, returns every problem found, sorted by position:
/// one syntax error when the text is not TOML, or else each shape and type problem of the file.
pub(super) fn deserialize_all<T: DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<T, Vec<Diagnostic>> {
    let first = match toml::from_str::<T>(text) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(_) => return Err(vec![toml_diagnostic(file, &first)]),
    };
    let mut r = Recovery {
        file,
        doc: Spanned::new(root.span(), DeValue::Table(root.into_inner())),
        found: Vec::new(),
        written: Vec::new(),
    };
    for _ in 0..MAX_ATTEMPTS {
        let error = match deserialize_node::<T>(&r.doc) {
            Ok(value) if r.found.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(e) => e,
        };
        if r.found.len() == MAX_ERRORS {
            r.found.push(too_many(file));
            break;
        }
        if !r.get_past::<T>(&error) {
            break;
        }
    }
    let mut found = r.found;
    found.sort_by_key(|d| {
        d.span
            .as_ref()
            .map_or((usize::MAX, usize::MAX), |s| (s.start, s.end))
    });
    Err(found)
}

/// One file's problems as they are found, and its document as changed so far to get past them.
struct Recovery<'f, 'i> {
    /// The file, as shown to the user.
    file: &'f str,
    /// The parsed document, without the entries that failed and with placeholders for the
    /// fields that were missing.
    doc: Node<'i>,
    /// The problems found.
    found: Vec<Diagnostic>,
    /// The fields removed that the user did write, or meant to.
    written: Vec<Written>,
}

impl Recovery<'_, '_> {
    /// Records `error` (unless it is a "missing field" only a removal caused) and changes the
    /// document so that deserializing it again gets past the error; `false` when it cannot.
    fn get_past<T: DeserializeOwned>(&mut self, error: &toml::de::Error) -> bool {
        let message = error.message();
        let Some(span) = error.span() else {
            self.found.push(toml_diagnostic(self.file, error));
            return false;
        };
        let removed = match named(message, "missing field `") {
            Some(field) => match self.missing::<T>(error, &span, field) {
                Ok(()) => return true,
                Err(removed) => removed,
            },
            None => {
                self.found.push(toml_diagnostic(self.file, error));
                innermost(&self.doc, &span).and_then(|path| remove(&mut self.doc, &path))
            }
        };
        match removed {
            Some(Removed::Field((table, key))) => {
                let misspelt = named(message, "unknown field `") == Some(key.as_str());
                if let Some(meant) = closest_expected(message).filter(|_| misspelt) {
                    self.written.push((table.clone(), meant.to_string()));
                }
                self.written.push((table, key));
                true
            }
            Some(Removed::Element) => true,
            None => false,
        }
    }

    /// A "missing field" error of the table at `span`: one the user made is recorded and gets
    /// a placeholder (`Ok`); otherwise, or when no placeholder fits, the whole table is removed
    /// (`Err` with what was removed, `None` for the document itself, which cannot be).
    fn missing<T: DeserializeOwned>(
        &mut self,
        error: &toml::de::Error,
        span: &Range<usize>,
        field: &str,
    ) -> Result<(), Option<Removed>> {
        let table = find_table(&self.doc, span);
        let user_wrote = self.written.contains(&(span.clone(), field.to_string()));
        if table.is_none() || !user_wrote {
            self.found.push(toml_diagnostic(self.file, error));
        }
        let filled = table
            .as_deref()
            .filter(|_| !user_wrote)
            .and_then(|path| fill::<T>(&self.doc, path, field));
        if let Some(filled) = filled {
            self.doc = filled;
            return Ok(());
        }
        // The table's other entries all deserialized (serde checks for missing fields last),
        // so dropping the whole table leaves nothing in it unchecked.
        Err(table
            .filter(|path| !path.is_empty())
            .and_then(|path| remove(&mut self.doc, &path)))
    }
}

/// A span no value of a file has: the placeholders of [`fill`] carry it, so that an error one of
/// them causes is told from the file's own.
const PLACEHOLDER: Range<usize> = usize::MAX - 1..usize::MAX;

/// The document with a placeholder for the missing `field` of the table at `path`, so that the
/// table's other missing fields and the rest of the file are checked too (serde names one
/// missing field at a time): the first of `""`, `{}`, `[]`, `0` and `false` the field's type
/// takes. `None` when it takes none of them.
fn fill<'i, T: DeserializeOwned>(doc: &Node<'i>, path: &[Step], field: &str) -> Option<Node<'i>> {
    let placeholders = [
        DeValue::String("".into()),
        DeValue::Table(DeTable::new()),
        DeValue::Array(DeArray::new()),
        DeValue::Integer(Default::default()),
        DeValue::Boolean(false),
    ];
    placeholders.into_iter().find_map(|value| {
        let mut filled = doc.clone();
        let mut table = &mut filled;
        for step in path {
            table = child_mut(table, step)?;
        }
        let DeValue::Table(t) = table.get_mut() else {
            return None;
        };
        let key = Spanned::new(PLACEHOLDER, field.to_string().into());
        t.insert(key, Spanned::new(PLACEHOLDER, value));
        match deserialize_node::<T>(&filled) {
            Err(e) if e.span() == Some(PLACEHOLDER) => None,
            _ => Some(filled),
        }
    })
}

/// Deserializes a (possibly pruned) document.
fn deserialize_node<T: DeserializeOwned>(doc: &Node<'_>) -> Result<T, toml::de::Error> {
    let table = match doc.get_ref() {
        DeValue::Table(t) => t.clone(),
        _ => DeTable::new(),
    };
    T::deserialize(toml::de::Deserializer::from(Spanned::new(
        doc.span(),
        table,
    )))
}

/// The note that ends a file's list when it has more problems than [`MAX_ERRORS`].
pub(crate) fn too_many(file: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "more than {MAX_ERRORS} problems in this file; only the first {MAX_ERRORS} found are shown"
    ))
    .in_file(file)
    .hint("fix these and run `kohyo check` again to see the rest")
}

/// The name a serde message quotes after `prefix`: the field of "missing field `name`", the key
/// of "unknown field `nmae`, expected …".
fn named<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message
        .strip_prefix(prefix)?
        .split_once('`')
        .map(|(name, _)| name)
}

/// Whether `outer` holds `inner`. An empty span is held only by an equal one.
fn holds(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    if inner.is_empty() {
        outer == inner
    } else {
        outer.start <= inner.start && inner.end <= outer.end
    }
}

/// The path to the table whose span is `span` (a "missing field" error points at its table);
/// the empty path is the document itself.
fn find_table(node: &Node<'_>, span: &Range<usize>) -> Option<Vec<Step>> {
    let here = matches!(node.get_ref(), DeValue::Table(_)) && node.span() == *span;
    let mut deepest = here.then(Vec::new);
    for (step, _, child) in children(node) {
        if let Some(mut path) = find_table(child, span) {
            path.insert(0, step);
            deepest = Some(path);
        }
    }
    deepest
}

/// The path to the innermost key or array element whose span (its key's or its value's) holds
/// `span`. Tables opened by a `[header]` have the header's span, not their body's, so every
/// branch is searched; the smallest holder wins, and the deeper one on a tie.
fn innermost(doc: &Node<'_>, span: &Range<usize>) -> Option<Vec<Step>> {
    let mut best: Option<(usize, Vec<Step>)> = None;
    search(doc, span, &mut Vec::new(), &mut best);
    best.map(|(_, path)| path)
}

/// [`innermost`] below `node`, whose path is `path`.
fn search(
    node: &Node<'_>,
    span: &Range<usize>,
    path: &mut Vec<Step>,
    best: &mut Option<(usize, Vec<Step>)>,
) {
    for (step, key_span, child) in children(node) {
        let size = [key_span, Some(child.span())]
            .into_iter()
            .flatten()
            .filter(|s| holds(s, span))
            .map(|s| s.len())
            .min();
        path.push(step);
        if let Some(size) = size {
            if best.as_ref().is_none_or(|(b, _)| size <= *b) {
                *best = Some((size, path.clone()));
            }
        }
        search(child, span, path, best);
        path.pop();
    }
}

/// The entries of a table (with their key's span) or an array; none for other values.
fn children<'a, 'i>(node: &'a Node<'i>) -> Vec<(Step, Option<Range<usize>>, &'a Node<'i>)> {
    match node.get_ref() {
        DeValue::Table(t) => t
            .iter()
            .map(|(k, v)| (Step::Key(k.get_ref().to_string()), Some(k.span()), v))
            .collect(),
        DeValue::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (Step::Index(i), None, v))
            .collect(),
        _ => Vec::new(),
    }
}

/// Removes the entry at `path`; `None` when the path leads nowhere.
fn remove(doc: &mut Node<'_>, path: &[Step]) -> Option<Removed> {
    let (last, parents) = path.split_last()?;
    let mut node = doc;
    for step in parents {
        node = child_mut(node, step)?;
    }
    let span = node.span();
    match (node.get_mut(), last) {
        (DeValue::Table(t), Step::Key(k)) => t
            .remove(k.as_str())
            .map(|_| Removed::Field((span, k.clone()))),
        (DeValue::Array(a), Step::Index(i)) if *i < a.len() => {
            *a = std::mem::replace(a, DeArray::new())
                .into_iter()
                .enumerate()
                .filter(|(j, _)| j != i)
                .map(|(_, v)| v)
                .collect();
            Some(Removed::Element)
        }
        _ => None,
    }
}

/// The entry of a table or array one step down.
fn child_mut<'a, 'i>(node: &'a mut Node<'i>, step: &Step) -> Option<&'a mut Node<'i>> {
    match (node.get_mut(), step) {
        (DeValue::Table(t), Step::Key(k)) => t.get_mut(k.as_str()),
        (DeValue::Array(a), Step::Index(i)) => a.get_mut(*i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{ActionFile, MunicipalityFile, PlanNodeDef, ProjectFile, SiteFile};
    use std::fmt::Debug;
    use std::path::Path;

    fn errors<T: DeserializeOwned + Debug>(text: &str) -> Vec<(Range<usize>, String)> {
        match deserialize_all::<T>("f.toml", text) {
            Ok(v) => panic!("parsed: {v:?}"),
            Err(ds) => ds
                .into_iter()
                .map(|d| (d.span.unwrap_or(usize::MAX..usize::MAX), d.message))
                .collect(),
        }
    }

    fn span_of(text: &str, part: &str) -> Range<usize> {
        let start = text.find(part).unwrap();
        start..start + part.len()
    }

    /// For a valid file: what `toml::from_str` gives, what [`deserialize_all`] gives, and what the
    /// retry path (the parsed document) gives, all printed with their spans. Then the same file
    /// with one unknown key added in front must give exactly that one error.
    fn check_valid<T: DeserializeOwned + Debug>(name: &str, text: &str) {
        let direct = format!("{:?}", toml::from_str::<T>(text).expect(name));
        let all = format!("{:?}", deserialize_all::<T>(name, text).expect(name));
        let doc = DeTable::parse(text).unwrap();
        let doc = Spanned::new(doc.span(), DeValue::Table(doc.into_inner()));
        let retried = format!("{:?}", deserialize_node::<T>(&doc).expect(name));
        assert_eq!(direct, all, "{name}");
        assert_eq!(direct, retried, "{name}");
        if !text.starts_with("   ") {
            let bad = format!("kohyo_unknown_key = 1\n{text}");
            let errs = errors::<T>(&bad);
            assert_eq!(errs.len(), 1, "{name}: {errs:?}");
            assert_eq!(errs[0].0, 0..17, "{name}");
            assert!(errs[0].1.starts_with("unknown field `kohyo_unknown_key`"));
        }
    }

    #[test]
    fn every_valid_sample_file_parses_to_exactly_the_same_value() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for dir in ["content", "tests/fixtures/base/content"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let entry = entry.unwrap();
                let path = entry.path();
                let name = path.display().to_string();
                let text = std::fs::read_to_string(path).unwrap_or_default();
                let text = if name.ends_with(".md") {
                    super::super::split_front_matter(&text).unwrap().0
                } else if name.ends_with(".toml") {
                    text
                } else {
                    continue;
                };
                if name.ends_with("municipality.toml") {
                    check_valid::<MunicipalityFile>(&name, &text);
                } else if name.contains("/plan/") {
                    check_valid::<PlanNodeDef>(&name, &text);
                } else if name.contains("/projects/") {
                    check_valid::<ProjectFile>(&name, &text);
                } else {
                    check_valid::<ActionFile>(&name, &text);
                }
                checked += 1;
            }
        }
        let site = std::fs::read_to_string(root.join("kohyo.toml")).unwrap();
        check_valid::<SiteFile>("kohyo.toml", &site);
        assert!(checked >= 25, "only {checked} files");
    }

    #[test]
    fn a_syntax_error_is_the_only_error() {
        let text = "code = \"1\"\nnmae = \n";
        let errs = errors::<PlanNodeDef>(text);
        assert_eq!(errs.len(), 1, "{errs:?}");
    }

    #[test]
    fn each_bad_element_of_an_array_is_reported() {
        let text = "code = \"1\"\ntitle = \"t\"\nsdgs = [1, \"x\", 3, true]\n";
        let errs = errors::<PlanNodeDef>(text);
        let spans: Vec<_> = errs.iter().map(|e| e.0.clone()).collect();
        assert_eq!(
            spans,
            [span_of(text, "\"x\""), span_of(text, "true")],
            "{errs:?}"
        );
    }

    #[test]
    fn a_bad_cell_and_a_bad_sibling_are_both_reported() {
        let text = "fiscal_year = 2024\ncode = \"1\"\nname = \"n\"\n\
                    cost = { total = { value = 1, zz = 1 }, net = true }\n";
        let errs = errors::<ProjectFile>(text);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0].0, span_of(text, "{ value = 1, zz = 1 }"));
        assert!(errs[0].1.starts_with("unknown field `zz`"));
        assert_eq!(errs[1].0, span_of(text, "true"));
    }

    #[test]
    fn a_missing_field_is_reported_only_when_the_user_did_not_write_it() {
        // Misspelt with a close match: the hint says it; no "missing field `name`".
        let text = "fiscal_year = 2024\ncode = \"1\"\nnmae = \"n\"\n";
        let errs = errors::<ProjectFile>(text);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].1.starts_with("unknown field `nmae`"));
        // Written with the wrong type, inside an array of tables.
        let text = "fiscal_year = 2024\ncode = \"1\"\nname = \"n\"\n\
                    [[activities]]\nname = 1\n[[activities]]\nbudget = 1\n";
        let errs = errors::<ProjectFile>(text);
        let one = text.find("= 1\n").unwrap() + 2;
        let second = text.rfind("[[activities]]").unwrap();
        assert_eq!(
            errs,
            [
                (
                    one..one + 1,
                    "invalid type: integer `1`, expected a string".into()
                ),
                (second..second + 14, "missing field `name`".into()),
            ]
        );
        // Not written at all, at the top: reported at the start of the file.
        let errs = errors::<ProjectFile>("code = \"1\"\nname = \"n\"\n");
        assert_eq!(errs, [(0..0, "missing field `fiscal_year`".to_string())]);
    }

    #[test]
    fn every_missing_field_of_a_table_is_reported() {
        // serde names one at a time; a placeholder of the right type lets the next one show.
        let errs = errors::<ProjectFile>("code = \"1\"\n[[outcomes]]\nunit = \"人\"\nid = 7\n");
        let messages: Vec<&str> = errs.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(
            messages,
            [
                "missing field `fiscal_year`",
                "missing field `name`",
                "missing field `name`",
                "invalid type: integer `7`, expected a string",
            ],
            "{errs:?}"
        );
        assert_eq!(errs[2].0, 11..23, "the outcome's header");
        // In an inline table of an array, beside a wrong value of the same table.
        let errs = errors::<MunicipalityFile>(
            "name = \"n\"\nprefecture = \"p\"\ncode = \"1\"\nplans = [{ name = \"x\", start = true }]\n",
        );
        let messages: Vec<&str> = errs.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(messages.len(), 2, "{errs:?}");
        assert!(messages.contains(&"missing field `id`"), "{errs:?}");
    }

    #[test]
    fn past_the_limit_a_note_says_there_are_more() {
        let text: String = (0..MAX_ERRORS + 10)
            .map(|i| format!("unknown_{i:03} = {i}\n"))
            .collect();
        let errs = errors::<SiteFile>(&text);
        assert_eq!(errs.len(), MAX_ERRORS + 1);
        assert!(
            errs[..MAX_ERRORS]
                .iter()
                .all(|e| e.1.starts_with("unknown field"))
        );
        assert!(errs[MAX_ERRORS].1.starts_with("more than 50 problems"));
        let mut starts: Vec<usize> = errs[..MAX_ERRORS].iter().map(|e| e.0.start).collect();
        let sorted = starts.clone();
        starts.sort();
        assert_eq!(starts, sorted, "sorted by position");
    }
}
