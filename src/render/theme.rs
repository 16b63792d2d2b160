//! The theme: Tera templates and static files. The default theme (`themes/default/`) is compiled
//! into the binary, so `kohyo build` works from any folder; a site overrides any template by
//! putting a file of the same name in `{root}/templates/` (first) or
//! `{root}/themes/default/templates/`, and any static file likewise in `{root}/static/` or
//! `{root}/themes/default/static/` — as in Zola.
//!
//! Templates are compiled once per build and shared by every rendering thread. Autoescaping is on
//! for every `.html` and `.xml` template.

use anyhow::{Context as _, Result};
use std::collections::BTreeMap;
use std::path::Path;

macro_rules! embedded {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/", $dir, "/", $name)))),*]
    };
}

/// The default templates, by name.
const TEMPLATES: &[(&str, &str)] = embedded!("templates":
    "base.html",
    "macros.html",
    "index.html",
    "municipality.html",
    "year.html",
    "project.html",
    "action.html",
    "plan_node.html",
    "plans.html",
    "kpi.html",
    "legend.html",
    "accessibility.html",
    "404.html",
    "sitemap.xml",
);

/// The default static files, by name, copied to the output root.
const STATIC: &[(&str, &str)] = embedded!("static": "style.css");

/// The folders a site's own templates and static files are read from, strongest first.
const OVERRIDE_DIRS: [&str; 2] = ["", "themes/default/"];

/// The compiled templates and the static files of a build.
pub struct Theme {
    /// Compiled templates.
    pub tera: tera::Tera,
    /// Static files: name → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Compiles the default theme with the site's overrides under `root`.
    pub fn load(root: &Path) -> Result<Theme> {
        let mut templates: BTreeMap<String, String> = TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        for dir in OVERRIDE_DIRS.iter().rev() {
            read_dir_into(&root.join(dir).join("templates"), &mut templates, |b| {
                String::from_utf8(b).ok()
            })?;
        }
        // Pages shown at several routes are rendered once with a control character for their way
        // back to the root (`render::ROOT_MARK`); a template must not print one of its own.
        if let Some((name, _)) = templates.iter().find(|(_, t)| t.contains(super::ROOT_MARK)) {
            anyhow::bail!("the template {name} holds a NUL character (U+0000): delete it");
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on([".html", ".xml"]);
        tera.set_escape_fn(escape_to);
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| {
                let mut message = super::error_chain(&e);
                if let Some(hint) = tera1_hint(&templates) {
                    message.push('\n');
                    message.push_str(&hint);
                }
                anyhow::anyhow!(message)
            })
            .context("cannot compile the templates")?;
        let mut statics: BTreeMap<String, Vec<u8>> = STATIC
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .collect();
        for dir in OVERRIDE_DIRS.iter().rev() {
            read_dir_into(&root.join(dir).join("static"), &mut statics, Some)?;
        }
        Ok(Theme { tera, statics })
    }
}

/// Tags of Tera 1 that Tera 2 no longer has: a site's template overrides written for kohyo's
/// earlier themes use them.
const TERA1_TAGS: [&str; 4] = ["{% macro ", "{%- macro ", "{% import ", "{%- import "];

/// A hint for a template that fails to compile because it was written for Tera 1.
fn tera1_hint(templates: &BTreeMap<String, String>) -> Option<String> {
    let (name, _) = templates
        .iter()
        .find(|(_, t)| TERA1_TAGS.iter().any(|tag| t.contains(tag)))?;
    Some(format!(
        "hint: {name} is written for Tera 1 ({{% macro %}} or {{% import %}}); kohyo's templates \
         are Tera 2, where a macro is a component called as {{{{ <name arg={{value}}/> }}}} without \
         an import: see the README on changing a template"
    ))
}

/// Reads every regular file directly inside `dir` (when it exists) into `out`, by file name.
fn read_dir_into<T>(
    dir: &Path,
    out: &mut BTreeMap<String, T>,
    convert: impl Fn(Vec<u8>) -> Option<T>,
) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    for path in paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let value =
            convert(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))?;
        out.insert(name.to_string(), value);
    }
    Ok(())
}

/// HTML/XML escaping for template output. Unlike Tera's default it leaves `/` alone, so links
/// read as written; `&`, `<`, `>`, `"` and `'` are escaped, which is what attribute and text
/// contexts need ([`crate::escape`], which the charts use too).
pub fn escape(input: &str) -> String {
    crate::escape::escape(input)
}

/// [`escape`], written to `out`: the form Tera calls while it renders a page.
fn escape_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    crate::escape::escaped_pieces(input, |piece| out.write_all(piece.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_with_a_nul_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(templates.join("legend.html"), "ok").unwrap();
        assert!(Theme::load(dir.path()).is_ok());
        std::fs::write(templates.join("legend.html"), "a\0b").unwrap();
        let e = Theme::load(dir.path()).err().unwrap().to_string();
        assert!(e.contains("legend.html") && e.contains("U+0000"), "{e}");
    }

    #[test]
    fn a_template_written_for_tera_1_gets_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::write(
            templates.join("legend.html"),
            "{% macro a() %}a{% endmacro a %}",
        )
        .unwrap();
        let e = format!("{:#}", Theme::load(dir.path()).err().unwrap());
        assert!(e.contains("legend.html is written for Tera 1"), "{e}");
        // Any other compile error gets no such hint.
        std::fs::write(templates.join("legend.html"), "{% if %}").unwrap();
        let e = format!("{:#}", Theme::load(dir.path()).err().unwrap());
        assert!(e.contains("legend.html") && !e.contains("Tera 1"), "{e}");
    }

    #[test]
    fn html_and_xml_templates_escape_the_five_characters_and_not_slashes() {
        let mut theme = Theme::load(Path::new("/nonexistent")).unwrap();
        theme
            .tera
            .add_raw_templates([("t.html", "{{ x }}|{{ x | safe }}"), ("t.txt", "{{ x }}")])
            .unwrap();
        let mut context = tera::Context::new();
        let x = "<a href=\"../x/\">&'</a>";
        context.insert("x", x);
        let html = theme.tera.render("t.html", &context).unwrap();
        let escaped = "&lt;a href=&quot;../x/&quot;&gt;&amp;&#39;&lt;/a&gt;";
        assert_eq!(html, format!("{escaped}|{x}"));
        assert_eq!(theme.tera.render("t.txt", &context).unwrap(), x);
    }

    #[test]
    fn escapes_markup_but_not_slashes() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("../joso/2024/"), "../joso/2024/");
        assert_eq!(escape("常総市<b>&'は'"), "常総市&lt;b&gt;&amp;&#39;は&#39;");
        assert_eq!(escape(""), "");
    }
}
