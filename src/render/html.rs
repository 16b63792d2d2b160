//! Pre-rendered HTML in page views — chart SVG and sanitised Markdown — and how it reaches the
//! page without passing through the template engine.
//!
//! Such fragments are most of a sheet page's bytes (about 41 KB of charts). Handed to Tera as
//! strings, each would be copied into the page's context and again into the rendered page (under
//! Tera 1 also through every macro that printed it; under Tera 2 the saving is within the noise of
//! a render benchmark). Instead, while a page's context is
//! built, each non-empty [`Html`] stands in the context as a short placeholder comment
//! (`<!--kohyo:html:3-->`); the template prints that (`{{ s.html | safe }}`), and [`splice`] puts
//! the fragments in its place in one pass over the rendered page.
//!
//! A placeholder cannot be forged by content: it starts with `<`, and every text the templates
//! print from content is escaped (`<` becomes `&lt;`); the only unescaped values are [`Html`]
//! fragments, which are copied into the page as they are and never searched for placeholders.
//! An empty fragment stays an empty string, so `{% if s.html %}` still tests for text.

use memchr::memmem;
use serde::{Serialize, Serializer};
use std::cell::RefCell;
use std::rc::Rc;

/// How a placeholder starts; the fragment's number and [`MARKER_END`] follow.
const MARKER_START: &str = "<!--kohyo:html:";
/// How a placeholder ends.
const MARKER_END: &str = "-->";

/// A piece of HTML made by kohyo itself (never by content), printed as it is. Cloning shares it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html(Rc<str>);

impl Html {
    /// The HTML as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Html {
    fn from(html: String) -> Html {
        Html(Rc::from(html))
    }
}

impl From<Rc<str>> for Html {
    fn from(html: Rc<str>) -> Html {
        Html(html)
    }
}

thread_local! {
    /// The fragments of the page whose context this thread is building, when it is building one.
    static COLLECTING: RefCell<Option<Vec<Html>>> = const { RefCell::new(None) };
}

impl Serialize for Html {
    /// A placeholder while a page's context is being built ([`collect`]); the HTML itself
    /// anywhere else.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_empty() {
            return serializer.serialize_str("");
        }
        let marker = COLLECTING.with(|c| {
            c.borrow_mut().as_mut().map(|parts| {
                parts.push(self.clone());
                format!("{MARKER_START}{}{MARKER_END}", parts.len() - 1)
            })
        });
        serializer.serialize_str(marker.as_deref().unwrap_or(self.as_str()))
    }
}

/// Runs `build` (the serialisation of one page's context) with every [`Html`] it serialises
/// replaced by a placeholder, and returns its result with the fragments, in placeholder order.
pub(crate) fn collect<T>(build: impl FnOnce() -> T) -> (T, Vec<Html>) {
    collect_after(Vec::new(), build)
}

/// [`collect`], with the fragments of a part serialised before (`earlier`) kept first: the
/// placeholders `build` makes are numbered after them.
pub(crate) fn collect_after<T>(earlier: Vec<Html>, build: impl FnOnce() -> T) -> (T, Vec<Html>) {
    let outer = COLLECTING.with(|c| c.replace(Some(earlier)));
    let out = build();
    let parts = COLLECTING.with(|c| c.replace(outer)).unwrap_or_default();
    (out, parts)
}

/// `page` with every placeholder replaced by its fragment. A placeholder may appear any number of
/// times (a template may print a fragment twice or not at all); text that only looks like one (no
/// such number) is left as it is.
pub(crate) fn splice(page: Vec<u8>, parts: &[Html]) -> Vec<u8> {
    if parts.is_empty() {
        return page;
    }
    let extra: usize = parts.iter().map(|p| p.0.len()).sum();
    let mut out = Vec::with_capacity(page.len() + extra);
    let start = memmem::Finder::new(MARKER_START);
    let mut rest = page.as_slice();
    while let Some(at) = start.find(rest) {
        out.extend_from_slice(&rest[..at]);
        let after = &rest[at + MARKER_START.len()..];
        let part = memmem::find(after, MARKER_END.as_bytes()).and_then(|end| {
            let number = std::str::from_utf8(&after[..end]).ok()?;
            let part = parts.get(number.parse::<usize>().ok()?)?;
            Some((part, &after[end + MARKER_END.len()..]))
        });
        match part {
            Some((part, tail)) => {
                out.extend_from_slice(part.as_str().as_bytes());
                rest = tail;
            }
            None => {
                out.extend_from_slice(MARKER_START.as_bytes());
                rest = after;
            }
        }
    }
    out.extend_from_slice(rest);
    out
}

/// A chart as templates see it: the `svg` is an [`Html`] fragment.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// The prefix of every id in the SVG.
    pub id: String,
    /// What the chart is.
    pub title: String,
    /// Its values in words.
    pub desc: String,
    /// The `<svg>` element.
    pub svg: Html,
}

impl From<crate::chart::Chart> for ChartView {
    fn from(c: crate::chart::Chart) -> ChartView {
        ChartView {
            id: c.id,
            title: c.title,
            desc: c.desc,
            svg: Html::from(c.svg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct View {
        a: Html,
        b: Html,
        empty: Html,
        text: String,
    }

    fn view() -> View {
        View {
            a: Html::from("<svg>a</svg>".to_string()),
            b: Html::from("<p>b <!--kohyo:html:0--></p>".to_string()),
            empty: Html::default(),
            text: "<!--kohyo:html:1-->".into(),
        }
    }

    #[test]
    fn fragments_become_placeholders_only_while_collecting() {
        let (value, parts) = collect(|| serde_json::to_value(view()).unwrap());
        assert_eq!(value["a"], "<!--kohyo:html:0-->");
        assert_eq!(value["b"], "<!--kohyo:html:1-->");
        assert_eq!(value["empty"], "");
        assert_eq!(parts.len(), 2);
        let plain = serde_json::to_value(view()).unwrap();
        assert_eq!(plain["a"], "<svg>a</svg>");
    }

    #[test]
    fn fragments_collected_after_earlier_ones_are_numbered_after_them() {
        let (_, earlier) = collect(|| serde_json::to_value(view()).unwrap());
        let later = View {
            a: Html::from("<svg>c</svg>".to_string()),
            ..view()
        };
        let (value, parts) = collect_after(earlier, || serde_json::to_value(later).unwrap());
        assert_eq!(value["a"], "<!--kohyo:html:2-->");
        assert_eq!(value["b"], "<!--kohyo:html:3-->");
        let page = "<!--kohyo:html:0-->|<!--kohyo:html:2-->".to_string();
        assert_eq!(
            splice(page.into_bytes(), &parts),
            b"<svg>a</svg>|<svg>c</svg>"
        );
    }

    #[test]
    fn splicing_replaces_placeholders_and_never_looks_inside_fragments() {
        let (_, parts) = collect(|| serde_json::to_value(view()).unwrap());
        let page = "x<!--kohyo:html:1-->y<!--kohyo:html:0--><!--kohyo:html:0-->z".to_string();
        assert_eq!(
            splice(page.into_bytes(), &parts),
            b"x<p>b <!--kohyo:html:0--></p>y<svg>a</svg><svg>a</svg>z"
        );
    }

    #[test]
    fn text_that_only_looks_like_a_placeholder_stays() {
        let (_, parts) = collect(|| serde_json::to_value(view()).unwrap());
        for page in [
            "<!--kohyo:html:9-->",
            "<!--kohyo:html:x-->",
            "<!--kohyo:html:0",
            "&lt;!--kohyo:html:0--&gt;",
        ] {
            assert_eq!(splice(page.as_bytes().to_vec(), &parts), page.as_bytes());
        }
    }

    #[test]
    fn escaped_text_cannot_hold_a_placeholder() {
        let escaped = crate::render::theme::escape("<!--kohyo:html:0-->");
        assert!(!escaped.contains(MARKER_START));
        let (_, parts) = collect(|| serde_json::to_value(view()).unwrap());
        assert_eq!(
            splice(escaped.clone().into_bytes(), &parts),
            escaped.as_bytes()
        );
    }
}
