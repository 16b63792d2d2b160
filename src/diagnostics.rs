//! Problems found in content: what they say, where they point, and how they are printed.
//!
//! Every stage that reads content reports problems as [`Diagnostic`]s into a [`Report`] instead of
//! stopping at the first one, so a user sees all problems of a run at once, sorted by file and line.
//! Printing goes through `codespan-reporting`, which shows `file:line:column` and the source line.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How serious a problem is: errors fail `check` and `build`, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Fails the run.
    Error,
    /// Reported; does not fail the run.
    Warning,
}

/// A source file as read, kept so that diagnostics can show line, column and the line itself.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as shown to the user (relative to the site root where possible).
    pub name: String,
    /// The file's text.
    pub text: Arc<str>,
}

impl Source {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem: where, what, and what to do about it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as shown to the user; `None` for problems with no file (a missing `content/`).
    pub file: Option<String>,
    /// Byte range in the file, when the problem points at a place.
    pub span: Option<Range<usize>>,
    /// The field concerned, as a dotted path (`outcomes[1].direction`), when known.
    pub field: Option<String>,
    /// What is wrong, including what was expected.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            span: None,
            field: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning.
    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the diagnostic at a file.
    pub fn in_file(mut self, file: &str) -> Diagnostic {
        self.file = Some(file.to_string());
        self
    }

    /// Points the diagnostic at a byte range of its file.
    pub fn at(mut self, span: Range<usize>) -> Diagnostic {
        self.span = Some(span);
        self
    }

    /// Points the diagnostic at a byte range of its file, when there is one.
    pub fn at_maybe(self, span: Option<Range<usize>>) -> Diagnostic {
        match span {
            Some(span) => self.at(span),
            None => self,
        }
    }

    /// Names the field concerned.
    pub fn field(mut self, field: impl Into<String>) -> Diagnostic {
        self.field = Some(field.into());
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
}

/// All diagnostics of a run, with the sources they point into.
#[derive(Debug, Default)]
pub struct Report {
    sources: Vec<Source>,
    diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report::default()
    }

    /// Registers a source file so its diagnostics can show lines and columns.
    pub fn add_source(&mut self, source: Source) {
        self.sources.push(source);
    }

    /// Adds a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// Adds a diagnostic and returns it for further detail (a hint).
    pub fn push_mut(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.diagnostics.push(d);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// Adds many diagnostics.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(ds);
    }

    /// Takes another report's sources and diagnostics.
    pub fn merge(&mut self, other: Report) {
        self.sources.extend(other.sources);
        self.diagnostics.extend(other.diagnostics);
    }

    /// Drops the sources no diagnostic points into. Once the files they come from are checked,
    /// only the cited ones can still be shown, and a site's text need not stay in memory.
    pub fn drop_uncited_sources(&mut self) {
        let cited: std::collections::HashSet<&str> = self
            .diagnostics
            .iter()
            .filter_map(|d| d.file.as_deref())
            .collect();
        self.sources.retain(|s| cited.contains(s.name.as_str()));
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// How many errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// How many warnings.
    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// The diagnostics, sorted by file, then position, then message.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.diagnostics.iter().collect();
        v.sort_by(|a, b| {
            (
                &a.file,
                a.span.as_ref().map(|s| s.start),
                a.severity,
                &a.message,
            )
                .cmp(&(
                    &b.file,
                    b.span.as_ref().map(|s| s.start),
                    b.severity,
                    &b.message,
                ))
        });
        v
    }

    /// `file:line:column` of a diagnostic, as printed.
    pub fn location(&self, d: &Diagnostic) -> Option<String> {
        let file = d.file.as_ref()?;
        match (&d.span, self.sources.iter().find(|s| &s.name == file)) {
            (Some(span), Some(src)) => {
                let (line, col) = src.line_col(span.start);
                Some(format!("{file}:{line}:{col}"))
            }
            _ => Some(file.clone()),
        }
    }

    /// Prints every diagnostic, sorted, in the codespan format (`┌─ file:line:column`).
    pub fn render(&self, color: bool) -> String {
        let mut files = SimpleFiles::new();
        let ids: Vec<(String, usize, Printable)> = self
            .sources
            .iter()
            .map(|s| {
                let shown = Printable::of(&s.text);
                let text = shown.text.clone().unwrap_or_else(|| s.text.clone());
                (s.name.clone(), files.add(s.name.clone(), text), shown)
            })
            .collect();
        let config = Config::default();
        let mut out: Vec<u8> = Vec::new();
        for d in self.sorted() {
            let severity = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
            };
            let mut message = Printable::of(&d.message).into_string(&d.message);
            if let Some(f) = &d.field {
                message = format!("{f}: {message}");
            }
            let mut cs = CsDiagnostic::new(severity).with_message(message);
            let file = d
                .file
                .as_ref()
                .and_then(|f| ids.iter().find(|(n, _, _)| n == f));
            let mut notes = Vec::new();
            match (file, &d.span) {
                (Some((_, id, shown)), Some(span)) => {
                    let span = shown.offset(span.start)..shown.offset(span.end);
                    cs = cs.with_labels(vec![Label::primary(*id, span)]);
                }
                _ => {
                    if let Some(f) = &d.file {
                        notes.push(format!("in {f}"));
                    }
                }
            }
            if let Some(h) = &d.hint {
                notes.push(format!("hint: {h}"));
            }
            cs = cs.with_notes(notes);
            if color {
                let mut w = codespan_reporting::term::termcolor::Ansi::new(&mut out);
                let _ = term::emit_to_write_style(&mut w, &config, &files, &cs);
            } else {
                let mut w = codespan_reporting::term::termcolor::NoColor::new(&mut out);
                let _ = term::emit_to_write_style(&mut w, &config, &files, &cs);
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// A text as printed to a terminal: each control character other than tab, LF and CR (which a
/// terminal would obey: a backspace hides what comes before it, an escape sequence recolours or
/// moves the cursor) replaced by a visible stand-in, the control picture of a C0 character or
/// DEL (`␌`) and U+FFFD for a C1 one, so that the line of a diagnostic about such a character
/// shows where it is.
#[derive(Debug, Default)]
struct Printable {
    /// The text with the stand-ins; `None` when it has no control character (nearly always).
    text: Option<Arc<str>>,
    /// For each character replaced, its end offset in the original text and how many bytes the
    /// stand-ins up to it added (a stand-in is 3 bytes long).
    shifts: Vec<(usize, usize)>,
}

/// Whether a character is a control character other than tab, LF and CR (Rust's
/// [`char::is_control`]: C0, DEL and C1). Content text may not hold one (`load/controls.rs`: a
/// web page or a CSV file cannot show it), and a terminal must not be sent one raw.
pub(crate) fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

impl Printable {
    /// The printable form of `text`.
    fn of(text: &str) -> Printable {
        if !text.chars().any(is_forbidden_control) {
            return Printable::default();
        }
        let mut shown = String::with_capacity(text.len() + 16);
        let mut shifts = Vec::new();
        let mut added = 0;
        for (at, c) in text.char_indices() {
            if !is_forbidden_control(c) {
                shown.push(c);
                continue;
            }
            let stand_in = match u32::from(c) {
                code @ 0..=0x1F => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
                0x7F => '\u{2421}',
                _ => '\u{fffd}',
            };
            shown.push(stand_in);
            added += stand_in.len_utf8() - c.len_utf8();
            shifts.push((at + c.len_utf8(), added));
        }
        Printable {
            text: Some(Arc::from(shown)),
            shifts,
        }
    }

    /// Where an offset of the original text stands in the printable one.
    fn offset(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|(end, _)| *end <= offset);
        offset + before.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }

    /// The printable text as a string (`original` when it needed no change).
    fn into_string(self, original: &str) -> String {
        self.text
            .map_or_else(|| original.to_string(), |t| t.to_string())
    }
}

/// A number from a file as a message shows it: as written for everyday sizes, in exponent form
/// (`1e300`) from 10^15 on, so that a huge value is not printed as hundreds of digits.
pub fn display_number(x: f64) -> String {
    if x.abs() < 1e15 {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

/// Shows a path relative to the site root when it is inside it, with `/` separators.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_messages_stay_short() {
        assert_eq!(display_number(80.0), "80");
        assert_eq!(display_number(-2.5), "-2.5");
        assert_eq!(display_number(999_999_999_999_999.0), "999999999999999");
        assert_eq!(display_number(1e300), "1e300");
        assert_eq!(display_number(-1e15), "-1e15");
        assert_eq!(display_number(f64::INFINITY), "inf");
    }

    #[test]
    fn control_characters_are_printed_as_visible_stand_ins() {
        let mut report = Report::new();
        report.add_source(Source {
            name: "f.toml".into(),
            text: Arc::from("a = \"x\u{8}\u{1b}[31m\u{85}y\"\t# z\n"),
        });
        report.push(Diagnostic::error("bad \u{7f}").in_file("f.toml").at(12..14));
        let out = report.render(false);
        assert!(
            !out.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\t')),
            "{out:?}"
        );
        assert!(out.contains("error: bad \u{2421}"), "{out}");
        let line = "1 │ a = \"x\u{2408}\u{241b}[31m\u{fffd}y\"";
        assert!(out.contains(line), "{out}");
        // The caret stands under U+0085's stand-in, the 13th column.
        assert!(out.contains(&format!("  │ {}^\n", " ".repeat(12))), "{out}");
        assert_eq!(report.location(report.sorted()[0]).unwrap(), "f.toml:1:13");
    }
}
