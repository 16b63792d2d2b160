//! `[csv] shift_jis`: every character of a content text that a CSV file holds and that Shift_JIS
//! (CP932) cannot encode (𠮷, emoji, a variation selector), each an error at the character itself.
//!
//! Export writes the Shift_JIS copies from the model, where a row repeats texts from other files
//! (the municipality's name, its plan's and plan node's names, the grades of `kohyo.toml`) and no
//! longer knows where a character was written. So the check is made here, on each file's own
//! text, and only on the fields whose text reaches a CSV file ([`FileKind::reaches_csv`]): a
//! character in a comment, a key, a narrative section or a Markdown body is no error, since the
//! copies never hold it. The character test is [`cp932`]'s, the one export uses. The field lists
//! follow export's columns by hand; `tests/shift_jis_fields.rs` holds them to it (every string
//! of the sample that check lets through must build).
//!
//! Nearly every file passes, and costs one pass of the encoder over its text. Only a file that
//! holds an unencodable character somewhere is parsed again (into [`DeTable`], spans kept), to
//! find the field each one is in and its place: the character's own line and column when it is
//! written as is, the string's when a TOML escape (`\U00020BB7`) makes it.

use crate::cp932;
use crate::diagnostics::Diagnostic;
use crate::load::{self, Parsed};
use std::borrow::Cow;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What a file is, for which of its fields reach a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FileKind {
    /// `kohyo.toml`.
    Site,
    /// `municipality.toml`.
    Municipality,
    /// A plan file.
    PlanFile,
    /// A project sheet.
    Project,
    /// An action item report.
    Action,
}

impl FileKind {
    /// Whether the text at `path` (the keys from the file's top, array positions left out)
    /// reaches a CSV file: the columns of `export/{kpi,sheet,projects,actions,cells}.rs`.
    fn reaches_csv(self, path: &[&str]) -> bool {
        match self {
            // 達成状況 is 「{mark} {label}」.
            FileKind::Site => matches!(path, ["achievement", "grades", "mark" | "label"]),
            // 団体名; 計画名; a plan node's シート名 starts with the name of its level.
            FileKind::Municipality => matches!(
                path,
                ["name"] | ["grades", "mark" | "label"] | ["plans", "name" | "levels"]
            ),
            FileKind::PlanFile => plan_node(path),
            FileKind::Project => project(path),
            FileKind::Action => action(path),
        }
    }
}

/// シートコード, シート名 and 計画上の位置 of a plan node, and its 目標指標.
fn plan_node(path: &[&str]) -> bool {
    match path {
        ["code" | "number" | "title"] => true,
        ["indicators", rest @ ..] => indicator(rest),
        ["children", rest @ ..] => plan_node(rest),
        _ => false,
    }
}

/// The texts of `projects.csv`, `activities.csv` and a sheet's `indicators.csv`.
fn project(path: &[&str]) -> bool {
    match path {
        ["code" | "sheet_no" | "name" | "form" | "plan_node" | "legal_basis"] => true,
        ["owners", "department" | "section"] => true,
        ["activities", "name" | "description" | "related_sections"] => true,
        ["activities", "indicators", rest @ ..] | ["outcomes", rest @ ..] => indicator(rest),
        // Only the value: its note is not exported.
        ["staffing", "full_time" | "part_time", rest @ ..] => cell_value(rest),
        ["review", "reflection" | "direction_text"] => true,
        _ => false,
    }
}

/// The texts of `actions.csv` and an item's `indicators.csv`.
fn action(path: &[&str]) -> bool {
    match path {
        ["number" | "title" | "plan_node" | "evaluation"] => true,
        ["owners", "department" | "section"] => true,
        ["goal", "text"] => true,
        ["goal", "kpi", rest @ ..] => indicator(rest),
        ["measures", "title" | "work" | "improvement"] => true,
        ["measures", "schedule", _year] => true,
        _ => false,
    }
}

/// The texts of an indicator's rows.
fn indicator(path: &[&str]) -> bool {
    match path {
        ["name" | "id" | "unit" | "note"] => true,
        ["baseline" | "final_target", "note"] => true,
        ["baseline" | "final_target", "value", rest @ ..] => cell(rest),
        ["targets" | "actuals", _year, rest @ ..] => cell(rest),
        _ => false,
    }
}

/// A cell's words (`"実施"`, `{ value = "実施" }`) and its note.
fn cell(path: &[&str]) -> bool {
    matches!(path, ["note"]) || cell_value(path)
}

/// A cell's words.
fn cell_value(path: &[&str]) -> bool {
    match path {
        [] => true,
        ["value", rest @ ..] => cell_value(rest),
        _ => false,
    }
}

/// The errors of a file's unencodable characters that reach a CSV file, in the order of the
/// text, at most [`load::MAX_ERRORS`] (then a note saying there are more).
pub(super) fn unencodable<T>(p: &Parsed<T>, kind: FileKind) -> Vec<Diagnostic> {
    if cp932::encodes_all(&p.text) && !may_escape_one(&p.text) {
        return Vec::new();
    }
    // A Markdown body never reaches a CSV file: only the front matter is looked at, at the
    // offsets of the file.
    let toml_text: Cow<'_, str> = if p.file.ends_with(".md") {
        match load::split_front_matter(&p.text) {
            Ok((front, _)) => Cow::Owned(front),
            Err(_) => return Vec::new(),
        }
    } else {
        Cow::Borrowed(&p.text)
    };
    // The file parsed once already; this cannot fail.
    let Ok(root) = DeTable::parse(&toml_text) else {
        return Vec::new();
    };
    let mut walk = Walk {
        file: &p.file,
        text: &toml_text,
        kind,
        path: Vec::new(),
        found: Vec::new(),
    };
    walk.table(root.get_ref());
    let mut found = walk.found;
    // Tables iterate by key, not in the order they were written.
    found.sort_by_key(|d| d.span.as_ref().map(|s| s.start));
    if found.len() > load::MAX_ERRORS {
        found.truncate(load::MAX_ERRORS);
        found.push(load::too_many(&p.file));
    }
    found
}

/// Whether `text` has a backslash that may start a TOML escape making a character CP932 lacks
/// (`\u00E9`, `\U0001F600`, `\xE9`). Backslashes are rare in content: one `memchr` pass.
fn may_escape_one(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\\', bytes)
        .any(|at| matches!(bytes.get(at + 1), Some(b'u' | b'U' | b'x')))
}

/// One step from a table or array to one of its entries.
#[derive(Debug)]
enum Step<'t> {
    /// A key of a table.
    Key(&'t str),
    /// An element of an array.
    Index(usize),
}

/// The walk of a parsed file, from its top: where it is, and what it found.
struct Walk<'t> {
    file: &'t str,
    text: &'t str,
    kind: FileKind,
    path: Vec<Step<'t>>,
    found: Vec<Diagnostic>,
}

impl<'t> Walk<'t> {
    fn table(&mut self, table: &'t DeTable<'t>) {
        for (key, value) in table.iter() {
            self.path.push(Step::Key(key.get_ref()));
            self.value(value);
            self.path.pop();
        }
    }

    fn value(&mut self, value: &'t Spanned<DeValue<'t>>) {
        match value.get_ref() {
            DeValue::String(s) => self.string(s, value.span()),
            DeValue::Table(t) => self.table(t),
            DeValue::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    self.path.push(Step::Index(i));
                    self.value(v);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    /// The errors of a string `value` written at `span`, when it reaches a CSV file.
    fn string(&mut self, value: &str, span: Range<usize>) {
        if cp932::encodes_all(value) {
            return;
        }
        let keys: Vec<&str> = self
            .path
            .iter()
            .filter_map(|s| match s {
                Step::Key(k) => Some(*k),
                Step::Index(_) => None,
            })
            .collect();
        if !self.kind.reaches_csv(&keys) {
            return;
        }
        let field = self.field();
        // Each character written as is, at its place; what is left of the value's came from
        // escapes, which point at the string.
        let mut escaped: Vec<char> = cp932::unencodable(value).map(|(_, c)| c).collect();
        let raw = self.text.get(span.clone()).unwrap_or("");
        for (at, c) in cp932::unencodable(raw) {
            if let Some(i) = escaped.iter().position(|e| *e == c) {
                escaped.remove(i);
            }
            let at = span.start + at;
            self.found
                .push(error(self.file, &field, c, false).at(at..at + c.len_utf8()));
        }
        for c in escaped {
            self.found
                .push(error(self.file, &field, c, true).at(span.clone()));
        }
    }

    /// The field being walked, as validation names fields: `activities[0].indicators[1].name`.
    fn field(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) if out.is_empty() => out.push_str(k),
                Step::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// The error of an unencodable character `c` in `field`, written as is or made by an escape.
fn error(file: &str, field: &str, c: char, escaped: bool) -> Diagnostic {
    let what = if escaped {
        format!(
            "an escape in this string makes 「{c}」 (U+{:04X})",
            u32::from(c)
        )
    } else {
        format!("「{c}」 (U+{:04X})", u32::from(c))
    };
    Diagnostic::error(format!(
        "{what} cannot be written in Shift_JIS (CP932), and this text goes into the CSV files' \
         Shift_JIS copies ([csv] shift_jis = true)"
    ))
    .in_file(file)
    .field(field)
    .hint(hint(c))
}

/// What to do about an unencodable character.
fn hint(c: char) -> String {
    const OFF: &str = "or turn off `shift_jis` under [csv] in kohyo.toml";
    let variation_selector = matches!(u32::from(c), 0xFE00..=0xFE0F | 0xE0100..=0xE01EF);
    match cp932::common_form(c) {
        Some(form) => {
            format!("write 「{form}」 instead (its 常用 form, which Shift_JIS holds), {OFF}")
        }
        None if variation_selector => format!(
            "delete the variation selector (invisible, after the character it varies; the character stays in its usual form), {OFF}"
        ),
        None => format!(
            "replace it with a character Shift_JIS holds (a kanji's 常用 form; words for an emoji), {OFF}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(file: &str, text: &str) -> Parsed<()> {
        Parsed {
            file: file.into(),
            value: (),
            body_sections: Vec::new(),
            text: text.into(),
        }
    }

    /// The errors of `text` as a project sheet: each one's field and the text it points at.
    fn found(file: &str, text: &str, kind: FileKind) -> Vec<(String, String)> {
        unencodable(&parsed(file, text), kind)
            .into_iter()
            .map(|d| {
                let span = d.span.unwrap();
                (d.field.unwrap(), text[span].to_string())
            })
            .collect()
    }

    #[test]
    fn finds_each_character_of_a_field_that_reaches_a_csv_at_its_place() {
        let text = r#"# 𠮷 in a comment
code = "1"
name = "𠮷野家の😀事業"
"𠮷" = 1
sections = [{ heading = "𠮷", body = "😀" }]
[[activities]]
name = "a"
related_sections = ["課", "𠮷課"]
indicators = [{ name = "i", targets = { R6 = { value = "😀", note = "注𠮷" } } }]
[review]
reflection = "x\U0001F600y"
"#;
        let got = found("p.toml", text, FileKind::Project);
        let want = [
            ("name", "𠮷"),
            ("name", "😀"),
            ("activities[0].related_sections[1]", "𠮷"),
            ("activities[0].indicators[0].targets.R6.value", "😀"),
            ("activities[0].indicators[0].targets.R6.note", "𠮷"),
            ("review.reflection", "\"x\\U0001F600y\""),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_markdown_body_and_fields_no_csv_holds_are_not_errors() {
        let text = "+++\ncode = \"1\"\nname = \"事業\"\n# 😀\n[[staffing.tasks]]\nname = \"𠮷\"\n+++\n## 現状と課題\n😀𠮷\n";
        assert_eq!(found("p.md", text, FileKind::Project), []);
        let text = "+++\ncode = \"1\"\nname = \"事業😀\"\n+++\n😀\n";
        assert_eq!(
            found("p.md", text, FileKind::Project),
            [("name".to_string(), "😀".to_string())]
        );
    }

    #[test]
    fn the_fields_of_each_kind_of_file() {
        let site = "title = \"😀\"\n[[achievement.grades]]\nmark = \"😀\"\nlabel = \"𠮷\"\n";
        let got: Vec<String> = found("kohyo.toml", site, FileKind::Site)
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(
            got,
            ["achievement.grades[0].mark", "achievement.grades[0].label"]
        );
        let plan = "code = \"1\"\ntitle = \"😀\"\n[[roadmap]]\nname = \"😀\"\n[[children]]\ncode = \"𠮷\"\ntitle = \"t\"\nindicators = [{ name = \"😀\" }]\n";
        let got: Vec<String> = found("plan/1.toml", plan, FileKind::PlanFile)
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(
            got,
            [
                "title",
                "children[0].code",
                "children[0].indicators[0].name"
            ]
        );
        let action = "number = \"1\"\ntitle = \"t\"\ngoal = { text = \"😀\", kpi = { name = \"𠮷\" } }\n[[measures]]\ntitle = \"m\"\nschedule = { 2024 = \"😀\" }\n";
        let got: Vec<String> = found("a.toml", action, FileKind::Action)
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(
            got,
            ["goal.text", "goal.kpi.name", "measures[0].schedule.2024"]
        );
    }

    #[test]
    fn a_file_whose_only_such_character_is_an_escape_is_looked_at() {
        let text = "code = \"1\"\nname = 'caf\\xE9'\nform = \"caf\\xE9\"\n";
        assert_eq!(
            found("p.toml", text, FileKind::Project),
            [("form".to_string(), "\"caf\\xE9\"".to_string())]
        );
    }

    #[test]
    fn too_many_end_with_a_note() {
        let text = format!("name = \"{}\"\n", "😀".repeat(load::MAX_ERRORS + 5));
        let ds = unencodable(&parsed("p.toml", &text), FileKind::Project);
        assert_eq!(ds.len(), load::MAX_ERRORS + 1);
        assert!(ds[load::MAX_ERRORS].message.contains("more than"));
    }
}
