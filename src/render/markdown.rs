//! Markdown from sheets (section bodies, descriptions, 実施内容 …) into safe HTML.
//!
//! Content is written by municipal staff and copied from PDFs, so it is never trusted as HTML:
//! raw HTML becomes visible text, links and images keep only http, https, mailto and relative
//! targets, and headings are shifted below the heading the text sits under so that a page keeps
//! one h1 and no skipped levels. Tables get a caption, column scopes and a scrolling wrapper;
//! footnote ids are prefixed so that several bodies can share a page.

use super::url::is_safe_link;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Where a Markdown body is shown.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    /// The level of the heading the body sits under (2 for a section under an h2); the body's
    /// own top headings become one level below.
    pub under_level: u8,
    /// A prefix unique on the page, for footnote ids: `s3`.
    pub id_prefix: &'a str,
    /// What the body is, naming its tables: 「事務事業の背景・目的」.
    pub label: &'a str,
}

/// Renders Markdown to sanitised HTML.
pub fn to_html(markdown: &str, at: Placement<'_>) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut levels = HeadingShift::new(at.under_level);
    let mut in_dropped_link = 0usize;
    let mut events = Vec::new();
    for event in Parser::new_ext(markdown, options) {
        let e = match event {
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
            Event::Start(Tag::Heading { level, .. }) => Event::Start(Tag::Heading {
                level: levels.open(level),
                id: None,
                classes: Vec::new(),
                attrs: Vec::new(),
            }),
            Event::End(TagEnd::Heading(_)) => Event::End(TagEnd::Heading(levels.close())),
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. })
                if !is_safe_link(dest_url) =>
            {
                in_dropped_link += 1;
                continue;
            }
            Event::End(TagEnd::Link | TagEnd::Image) if in_dropped_link > 0 => {
                in_dropped_link -= 1;
                continue;
            }
            Event::FootnoteReference(label) => {
                Event::FootnoteReference(prefixed(at.id_prefix, &label))
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                Event::Start(Tag::FootnoteDefinition(prefixed(at.id_prefix, &label)))
            }
            other => other,
        };
        events.push(e);
    }
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    decorate_tables(&html, at.label)
}

fn prefixed(prefix: &str, label: &str) -> CowStr<'static> {
    CowStr::from(format!("{prefix}-fn-{label}"))
}

/// Maps the body's heading levels onto the page: the first level of nesting becomes
/// `under + 1`, the next `under + 2`, whatever levels the author wrote, so none is skipped.
struct HeadingShift {
    under: u8,
    open_stack: Vec<HeadingLevel>,
    current: HeadingLevel,
}

impl HeadingShift {
    fn new(under: u8) -> HeadingShift {
        HeadingShift {
            under,
            open_stack: Vec::new(),
            current: HeadingLevel::H6,
        }
    }

    fn open(&mut self, written: HeadingLevel) -> HeadingLevel {
        while self.open_stack.last().is_some_and(|l| *l >= written) {
            self.open_stack.pop();
        }
        self.open_stack.push(written);
        let depth = u8::try_from(self.open_stack.len()).unwrap_or(u8::MAX);
        self.current = level(self.under.saturating_add(depth));
        self.current
    }

    fn close(&self) -> HeadingLevel {
        self.current
    }
}

fn level(n: u8) -> HeadingLevel {
    match n {
        0..=1 => HeadingLevel::H2,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Gives each table a caption, header scopes and a focusable scrolling wrapper. Only tags the
/// Markdown renderer wrote can match: content's own `<` is escaped by then.
fn decorate_tables(html: &str, label: &str) -> String {
    if !html.contains("<table>") {
        return html.to_string();
    }
    let label = escape(label);
    let mut out = String::with_capacity(html.len() + 256);
    let mut n = 0;
    let mut rest = html;
    while let Some(i) = rest.find("<table>") {
        n += 1;
        out.push_str(&rest[..i]);
        out.push_str(&format!(
            "<div class=\"table-wrap\" role=\"region\" aria-label=\"{label}の表{n}\" tabindex=\"0\"><table><caption>{label}の表{n}</caption>"
        ));
        rest = &rest[i + "<table>".len()..];
    }
    out.push_str(rest);
    out.replace("</table>", "</table></div>")
        .replace("<th>", "<th scope=\"col\">")
        .replace("<th style=", "<th scope=\"col\" style=")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        to_html(
            s,
            Placement {
                under_level: 2,
                id_prefix: "s1",
                label: "背景",
            },
        )
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let h = md("<script>alert(1)</script>\n\nこんにちは<b>太字</b>");
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
        assert!(h.contains("&lt;b&gt;太字&lt;/b&gt;"), "{h}");
    }

    #[test]
    fn unsafe_links_lose_their_target_but_keep_their_text() {
        let h = md(
            "[押す](javascript:alert(1)) と [市](https://www.city.joso.lg.jp/) と [計画](../plan/6/)",
        );
        assert!(!h.contains("javascript"), "{h}");
        assert!(h.contains("押す"), "{h}");
        assert!(h.contains("href=\"https://www.city.joso.lg.jp/\""), "{h}");
        assert!(h.contains("href=\"../plan/6/\""), "{h}");
        let img = md("![図](data:image/png;base64,xx)");
        assert!(!img.contains("<img"), "{img}");
        assert!(img.contains('図'), "{img}");
    }

    #[test]
    fn headings_are_shifted_below_the_section_without_gaps() {
        let h = md("## 現状\n\n本文\n\n#### 詳細\n\n# 大見出し");
        assert!(h.contains("<h3>現状</h3>"), "{h}");
        assert!(h.contains("<h4>詳細</h4>"), "{h}");
        assert!(h.contains("<h3>大見出し</h3>"), "{h}");
        let deep = to_html(
            "# a\n## b\n### c",
            Placement {
                under_level: 5,
                id_prefix: "x",
                label: "x",
            },
        );
        assert!(
            deep.contains("<h6>a</h6>") && deep.contains("<h6>c</h6>"),
            "{deep}"
        );
    }

    #[test]
    fn tables_get_caption_scope_and_wrapper() {
        let h = md("| 年度 | 件数 |\n|---|--:|\n| R6 | 3 |");
        assert!(h.contains("<caption>背景の表1</caption>"), "{h}");
        assert!(h.contains("<th scope=\"col\">年度</th>"), "{h}");
        assert!(
            h.contains("<th scope=\"col\" style=\"text-align: right\">件数</th>"),
            "{h}"
        );
        assert!(h.contains("role=\"region\""), "{h}");
        assert!(
            h.ends_with("</table></div>\n") || h.contains("</table></div>"),
            "{h}"
        );
    }

    #[test]
    fn footnotes_are_prefixed_and_empty_is_empty() {
        let h = md("本文[^1]\n\n[^1]: 注記");
        assert!(h.contains("href=\"#s1-fn-1\""), "{h}");
        assert!(h.contains("id=\"s1-fn-1\""), "{h}");
        assert_eq!(md("  \n"), "");
    }
}
