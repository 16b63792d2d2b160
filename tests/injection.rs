//! No injection from content: a copy of the sample site with a corpus of XSS, template and
//! formula payloads written into every text field (generated, not hand-edited), built, and every
//! file of the output checked for anything live — a tag, an event handler or a script URL that
//! content opened, template syntax that was evaluated, a CSV cell a spreadsheet would run.
//!
//! Each field also gets a marker of its own (`KOHYOF12X`), so the test knows which fields reach
//! the output at all and fails if one is never shown (a field the check would otherwise miss).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// The inline payloads, on one line. Starts with a formula so CSV cells are tested too.
const INLINE: &str = concat!(
    "=HYPERLINK(\"http://evil.example/\") ",
    "<script>alert(1)</script> ",
    "\"><img src=x onerror=alert(1)> ",
    "'\"><iframe src=//evil.example></iframe> ",
    "<svg onload=alert(1)> <svg><script>alert(1)</script></svg> ",
    "</title><script>alert(1)</script> </textarea></style></desc><script>alert(1)</script> ",
    "javascript:alert(1) [x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) ",
    "[e](&#x6A;avascript:alert(1)) &#x6A;avascript:alert(1) <javascript:alert(1)> ",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ",
    "![i](data:image/svg+xml,<svg onload=alert(1)>) ![j](javascript:alert(1)) ",
    "[v](vbscript:msgbox(1)) <a href=\"javascript:alert(1)\">a</a> ",
    "{{ 7*7 }} {% raw %} {# comment #} {{ config }} ${7*7} <%= 7*7 %> ",
    "&lt;script&gt; &amp; ",
    // A placeholder of a pre-rendered fragment (`render::html`): text must never become one.
    "<!--kohyo:html:0--> ",
);

/// Markdown block payloads: raw HTML blocks, a reference link, a link title breaking out, a table
/// holding HTML, a footnote label with a quote, a comment and a code block.
const BLOCK: &str = concat!(
    "\n\n<script>alert(1)</script>\n\n",
    "<iframe src=//evil.example></iframe>\n\n",
    "<div onmouseover=\"alert(1)\">x</div>\n\n",
    "[ref]\n\n[ref]: javascript:alert(1)\n\n",
    "[t](https://example.jp \"\\\" onmouseover=alert(1) x=\\\"\")\n\n",
    "| <script>h</script> | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [l](javascript:alert(1)) |\n\n",
    "note[^a\"onmouseover=alert(1)]\n\n[^a\"onmouseover=alert(1)]: text\n\n",
    "<!-- <script>alert(1)</script> -->\n\n",
    "```html\n<script>alert(1)</script>\n```\n\n",
);

/// Keys whose strings are not free text (codes, references, years, dates, fixed values); they
/// are checked elsewhere (paths in `untrusted_content.rs`) and left as they are here.
const NOT_TEXT: &[&str] = &[
    "code",
    "fiscal_year",
    "start_year",
    "end_year",
    "start",
    "end",
    "year",
    "years",
    "created",
    "plan",
    "plan_node",
    "parent",
    "node",
    "project",
    "direction",
    "kind",
    "method",
    "money_unit",
    "progress",
    "room_for_improvement",
    "website",
    "base_url",
];

/// Keys whose strings must stay amounts of money.
const MONEY: &[&str] = &[
    "budget",
    "settlement",
    "cost",
    "full_time",
    "part_time",
    "share_percent",
];

/// Gives each text field its own payload and remembers the markers.
struct Injector {
    markers: BTreeMap<String, String>,
}

impl Injector {
    fn payload(&mut self, file: &str, path: &[String], original: &str) -> String {
        let marker = format!("KOHYOF{}X", self.markers.len());
        self.markers
            .insert(marker.clone(), format!("{file}: {}", path.join(".")));
        let (formula, rest) = INLINE.split_at(INLINE.find(' ').unwrap());
        format!("{formula} {marker}{rest}{BLOCK}{original}")
    }

    fn value(&mut self, file: &str, path: &mut Vec<String>, v: &mut toml::Value, action: bool) {
        match v {
            toml::Value::String(s) => {
                let key = path.last().map(String::as_str).unwrap_or("");
                let skip = path
                    .iter()
                    .any(|k| NOT_TEXT.contains(&k.as_str()) || MONEY.contains(&k.as_str()))
                    || (key == "id" && path.first().is_some_and(|k| k == "plans"))
                    || (key == "number" && action);
                if !skip {
                    *s = self.payload(file, path, s);
                }
            }
            toml::Value::Array(items) => {
                for item in items {
                    self.value(file, path, item, action);
                }
            }
            toml::Value::Table(t) => self.table(file, path, t, action),
            _ => {}
        }
    }

    fn table(&mut self, file: &str, path: &mut Vec<String>, t: &mut toml::Table, action: bool) {
        for (k, v) in t.iter_mut() {
            path.push(k.clone());
            self.value(file, path, v, action);
            path.pop();
        }
    }

    /// A content file with every text field injected.
    fn file(&mut self, rel: &str, text: &str) -> String {
        let action = rel.contains("/actions/");
        let (front, body) = match text.strip_prefix("+++\n") {
            Some(rest) => {
                let end = rest.find("\n+++\n").unwrap();
                (&rest[..end], Some(&rest[end + 5..]))
            }
            None => (text, None),
        };
        let mut table: toml::Table = front.parse().unwrap();
        self.table(rel, &mut Vec::new(), &mut table, action);
        let front = toml::to_string(&table).unwrap();
        match body {
            None => front,
            Some(body) => {
                let mut out = format!("+++\n{front}+++\n");
                let top = self.payload(rel, &["(body)".into()], "");
                out.push_str(&top);
                for line in body.lines() {
                    match line.strip_prefix("## ") {
                        Some(h) => {
                            let marker = self.payload(rel, &["(heading)".into()], "");
                            let inline = marker.lines().next().unwrap().to_string();
                            out.push_str(&format!("## {inline} {h}\n"));
                        }
                        None => {
                            out.push_str(line);
                            out.push('\n');
                        }
                    }
                }
                out
            }
        }
    }
}

/// The injected copy of the sample site, with the markers and where each went.
fn injected_site() -> (tempfile::TempDir, BTreeMap<String, String>) {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let mut inj = Injector {
        markers: BTreeMap::new(),
    };
    let config = fs::read_to_string(src.join("kohyo.toml")).unwrap();
    // Every payload is about 1,200 characters: over the default limit of a one-line text.
    let config = format!(
        "base_url = 'https://example.lg.jp/kohyo/'\n{}[csv]\nshift_jis = true\n[limits]\nmax_text_chars = 5000\n",
        inj.file("kohyo.toml", &config)
    );
    fs::write(dir.path().join("kohyo.toml"), config).unwrap();
    // Addresses are checked (`untrusted_content.rs`); what passes is shown as written.
    let websites = [
        (
            "joso",
            "https://example.jp/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        ),
        ("shimotsuma", "https://example.jp/a&b=c#&#x6A;"),
    ];
    for entry in walkdir::WalkDir::new(src.join("content")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&src).unwrap();
        let to = dir.path().join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to).unwrap();
            continue;
        }
        let rel = rel.to_str().unwrap().to_string();
        let mut text = inj.file(&rel, &fs::read_to_string(entry.path()).unwrap());
        if let Some((_, url)) = websites
            .iter()
            .find(|(m, _)| rel == format!("content/{m}/municipality.toml"))
        {
            text = format!("website = '{url}'\n{text}");
        }
        fs::write(&to, text).unwrap();
    }
    (dir, inj.markers)
}

/// A start or end tag with its attributes, as a browser would tokenise it.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// Every tag of an HTML (or XML, or inline SVG) document.
fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        i += at + 1;
        if html[i..].starts_with("!--") {
            i += html[i..].find("-->").map_or(html.len() - i, |e| e + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        if !b.get(start).is_some_and(u8::is_ascii_alphabetic) {
            if matches!(b.get(i), Some(b'!' | b'?')) {
                i += html[i..].find('>').unwrap_or(0);
            }
            continue;
        }
        let mut j = start;
        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
            j += 1;
        }
        let mut tag = Tag {
            name: html[start..j].to_ascii_lowercase(),
            attrs: Vec::new(),
        };
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let name_start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let name = html[name_start..j].to_ascii_lowercase();
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let mut value = String::new();
            if b.get(j) == Some(&b'=') {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                match b.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                        value = html[j + 1..end].to_string();
                        j = end + 1;
                    }
                    _ => {
                        let v0 = j;
                        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                            j += 1;
                        }
                        value = html[v0..j].to_string();
                    }
                }
            }
            tag.attrs.push((name, value));
        }
        i = j.min(b.len());
        out.push(tag);
    }
    out
}

/// An attribute value as the browser reads it: character references decoded, and the tabs,
/// newlines and controls a URL parser skips removed.
fn attr_text(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|e| *e < 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "colon" => Some(':'),
                "Tab" | "NewLine" => Some(' '),
                _ => name.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok(),
                        None => n.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Tags content must never open.
const FORBIDDEN_TAGS: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "style",
    "template",
    "foreignobject",
    "animate",
    "set",
    "use",
    "image",
    "math",
    "xmp",
    "noscript",
    "portal",
];

/// Attributes that hold a URL.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "xlink:href",
    "action",
    "formaction",
    "poster",
    "data",
    "srcset",
    "background",
];

/// Everything live in one HTML or XML document.
fn live_markup(doc: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = doc.to_ascii_lowercase();
    // `href="javascript:` may stand in text (quotes need no escaping there), so attributes are
    // checked by the tokeniser below, which sees them as a browser does.
    for needle in ["<script", "<iframe", "<object", "<embed"] {
        if lower.contains(needle) {
            found.push(format!("contains {needle}"));
        }
    }
    for tag in tags(doc) {
        if FORBIDDEN_TAGS.contains(&tag.name.as_str()) {
            found.push(format!("<{}>", tag.name));
        }
        for (name, value) in &tag.attrs {
            if name.starts_with("on") {
                found.push(format!("<{} {name}=…>", tag.name));
            }
            if tag.name == "meta" && name == "http-equiv" {
                found.push(format!("<meta http-equiv=\"{value}\">"));
            }
            let url = attr_text(value);
            if URL_ATTRS.contains(&name.as_str())
                && ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| url.starts_with(s))
            {
                found.push(format!("<{} {name}=\"{value}\">", tag.name));
            }
        }
    }
    found
}

/// CSV cells a spreadsheet would read as a formula.
fn live_cells(csv_text: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let mut found = Vec::new();
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            let starts = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            if starts && cell.parse::<f64>().is_err() {
                found.push(cell.chars().take(40).collect());
            }
        }
    }
    found
}

/// Checks one output file by its kind; returns the problems and its text (for the markers).
fn check_file(name: &str, bytes: &[u8]) -> (Vec<String>, String) {
    let ext = name.rsplit('.').next().unwrap_or("");
    let text = if name.ends_with("-sjis.csv") {
        let (t, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
        assert!(!bad, "{name} is not Shift_JIS");
        t.into_owned()
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
            Err(_) => return (Vec::new(), String::new()), // the zip
        }
    };
    let problems = match ext {
        "html" | "xml" | "svg" => live_markup(&text),
        "csv" => live_cells(&text),
        "json" => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(_) => Vec::new(),
            Err(e) => vec![format!("not JSON: {e}")],
        },
        _ => Vec::new(),
    };
    // Template syntax is shown as written wherever the payload is.
    let mut problems = problems;
    if text.contains("KOHYOF") && ext != "csv" && !text.contains("{{ 7*7 }}") {
        problems.push("the payload is there but {{ 7*7 }} is not: was it evaluated?".into());
    }
    (problems, text)
}

/// Every file the output holds, the zips' members included, by path.
fn output_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let bytes = fs::read(entry.path()).unwrap();
        if rel.ends_with(".zip") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
            for i in 0..zip.len() {
                let mut member = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                member.read_to_end(&mut data).unwrap();
                files.insert(format!("{rel}!{}", member.name()), data);
            }
        }
        files.insert(rel, bytes);
    }
    files
}

#[test]
fn no_payload_in_any_text_field_comes_out_live() {
    let (site, markers) = injected_site();
    assert!(
        markers.len() > 300,
        "only {} fields injected",
        markers.len()
    );
    let out = site.path().join("public");
    let (report, result) = kohyo::build::build(site.path(), Some(&out));
    if let Err(e) = result {
        panic!(
            "the injected sample does not build: {e}\n{}",
            report.render(false)
        );
    }
    let files = output_files(&out);
    let mut problems = BTreeMap::new();
    let mut shown = String::new();
    for (name, bytes) in &files {
        let (p, text) = check_file(name, bytes);
        if !p.is_empty() {
            problems.insert(name.clone(), p);
        }
        shown.push_str(&text);
    }
    if !problems.is_empty() {
        if let Ok(dump) = std::env::var("KOHYO_INJECTION_DUMP") {
            let _ = fs::remove_dir_all(&dump);
            fs::rename(&out, &dump).unwrap();
        }
    }
    assert!(problems.is_empty(), "live payloads: {problems:#?}");

    // The payloads did reach the pages, escaped, in text, attributes and charts.
    let page =
        |route: &str| String::from_utf8(files[&format!("{route}index.html")].clone()).unwrap();
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
    for route in [
        "",
        "joso/",
        "joso/2024/projects/124/",
        "joso/2024/kpi/",
        "joso/plan/Ⅶ/",
        "shimotsuma/plan/6-1/",
        "tsukubamirai/2024/actions/1-1/",
        "legend/",
    ] {
        let html = page(route);
        assert!(html.contains(escaped), "/{route}: no escaped payload");
        assert!(
            html.contains("{{ 7*7 }}") && html.contains("{% raw %}"),
            "/{route}"
        );
        assert!(
            html.contains("&lt;!--kohyo:html:0--&gt;") && !html.contains("<!--kohyo:html:"),
            "/{route}: a fragment placeholder came from text or was left in the page"
        );
    }
    let kpi = page("joso/2024/kpi/");
    let svg = &kpi[kpi.find("<svg").expect("a chart")..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert!(
        svg.contains("&lt;script&gt;") && svg.contains("KOHYOF"),
        "{svg}"
    );
    assert!(
        page("joso/")
            .contains("href=\"https://example.jp/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E\"")
    );
    assert!(page("shimotsuma/").contains("href=\"https://example.jp/a&amp;b=c#&amp;#x6A;\""));
    let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains("<loc>https://example.lg.jp/kohyo/joso/</loc>"));
    let csv = String::from_utf8(files["joso/2024/kpi.csv"].clone()).unwrap();
    assert!(
        csv.contains("'=HYPERLINK("),
        "CSV cells are neutralised, not dropped"
    );

    // Every text field reaches the output somewhere (page, CSV or data package).
    let seen: BTreeSet<&str> = shown
        .match_indices("KOHYOF")
        .filter_map(|(i, _)| {
            let end = i + shown[i..].find('X')?;
            Some(&shown[i..=end])
        })
        .collect();
    let missing: Vec<&String> = markers
        .iter()
        .filter(|(m, _)| !seen.contains(m.as_str()))
        .map(|(_, field)| field)
        .collect();
    assert!(missing.is_empty(), "fields never shown: {missing:#?}");
}

#[test]
fn the_tokeniser_finds_what_it_must() {
    for live in [
        "<p><script>alert(1)</script></p>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
        "<a href=' java\tscript:alert(1)'>x</a>",
        "<svg><a xlink:href=\"data:text/html,x\">y</a></svg>",
        "<p title=\"\" onmouseover=\"alert(1)\">",
        "<IFRAME SRC=//evil>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    ] {
        assert!(!live_markup(live).is_empty(), "{live}");
    }
    for dead in [
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "<p title=\"&quot; onerror=alert(1)\">x</p>",
        "<a href=\"https://example.jp/?q=javascript:alert(1)\">x</a>",
        "<!-- x --><p>a &lt; b</p>",
    ] {
        assert!(
            live_markup(dead).is_empty(),
            "{dead}: {:?}",
            live_markup(dead)
        );
    }
    assert_eq!(live_cells("a,'=1+1,-5,=1+1\n"), ["=1+1"]);
    let names: BTreeSet<String> = tags("<a href=x><b>t</b></a>")
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["a", "b"].into_iter().map(String::from).collect());
}
