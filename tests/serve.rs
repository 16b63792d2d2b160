//! `kohyo serve` as a person uses it: the preview serves the pages `kohyo build` writes (with a
//! live-reload script added), follows an edited sheet, shows a broken sheet's error with its file
//! and line and recovers when it is fixed, shows errors within and across sheets exactly as
//! `kohyo check` reports them after each edit (the reload keeps each sheet's validation: never a
//! stale one), picks up a template override, refuses `..`, and exits with status 1 when its
//! port is taken. The polling waits are generous timeouts, not
//! timing assertions.

mod common;

use common::copy_sample_site;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PAGE: &str = "/joso/2024/projects/124/";
const SHEET: &str = "content/joso/2024/projects/124.toml";
const MARKER: &str = "kohyo-live-reload";

/// The server process, killed when the test ends, whether it passed or not.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn kohyo() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kohyo"))
}

fn start(root: &Path) -> Server {
    let child = kohyo()
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server {
        child,
        addr: String::new(),
    };
    let stdout = server.child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(url) = line.strip_prefix("serving http://") {
            server.addr = url.trim_end_matches('/').to_string();
            break;
        }
    }
    assert!(!server.addr.is_empty(), "the server printed no URL");
    // Keep reading, so that the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    server
}

/// A response: status and body.
struct Got {
    status: u16,
    head: String,
    body: String,
}

/// One request, written by hand: `GET {target} HTTP/1.1`.
fn request(addr: &str, method: &str, target: &str) -> Got {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Got {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn get(addr: &str, target: &str) -> Got {
    request(addr, "GET", target)
}

/// Asks for `target` until `ok` holds, for at most 30 s.
fn poll(addr: &str, target: &str, what: &str, ok: impl Fn(&Got) -> bool) -> Got {
    let started = Instant::now();
    loop {
        let got = get(addr, target);
        if ok(&got) {
            return got;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{target} never showed {what}; last answer {}:\n{}",
            got.status,
            got.body
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A page without the live-reload script.
fn without_script(html: &str) -> String {
    let start = html
        .find(&format!("<script id=\"{MARKER}\">"))
        .expect("no live-reload script");
    let end = start + html[start..].find("</script>\n").unwrap() + "</script>\n".len();
    format!("{}{}", &html[..start], &html[end..])
}

/// Writes a file the way editors do: into a temporary file, renamed over the original.
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("toml.tmp~");
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

#[test]
fn serves_the_built_pages_and_follows_edits() {
    let (dir, root) = copy_sample_site();
    let out = dir.path().join("out");
    let (_, built) = kohyo::build::build(&root, Some(&out));
    built.unwrap();
    // The live-reload script is a thing of the preview only.
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(MARKER) && !text.contains("__kohyo"),
                "{}",
                entry.path().display()
            );
        }
    }
    let server = start(&root);
    let addr = server.addr.as_str();

    // The page served is the page built, plus the script.
    let page = get(addr, PAGE);
    assert_eq!(page.status, 200);
    assert!(page.head.contains("Content-Type: text/html; charset=utf-8"));
    assert!(page.head.contains("Cache-Control: no-store"));
    let built_page = fs::read_to_string(out.join("joso/2024/projects/124/index.html")).unwrap();
    assert!(
        without_script(&page.body) == built_page,
        "{PAGE} differs from the built page"
    );
    let home = get(addr, "/");
    assert!(without_script(&home.body) == fs::read_to_string(out.join("index.html")).unwrap());
    let csv = get(addr, "/joso/2024/kpi.csv");
    assert_eq!(csv.status, 200);
    assert!(csv.head.contains("Content-Type: text/csv; charset=utf-8"));
    assert_eq!(
        csv.body,
        fs::read_to_string(out.join("joso/2024/kpi.csv")).unwrap()
    );
    let css = get(addr, "/style.css");
    assert!(css.head.contains("Content-Type: text/css"));
    assert!(!css.body.contains(MARKER));
    let missing = get(addr, "/nowhere/");
    assert_eq!(missing.status, 404);
    assert!(without_script(&missing.body) == fs::read_to_string(out.join("404.html")).unwrap());
    assert_eq!(get(addr, "/joso/2024").status, 301);

    // `..`, plain or encoded, is refused; the server reads nothing from disk for a request anyway.
    for target in [
        "/../kohyo.toml",
        "/%2e%2e/kohyo.toml",
        "/joso/%2E%2E/%2E%2E/kohyo.toml",
    ] {
        let got = get(addr, target);
        assert_eq!(got.status, 400, "{target}");
        assert!(!got.body.contains("title ="), "{target}");
    }
    assert_eq!(request(addr, "POST", "/").status, 405);

    // An edited sheet shows on its page, and on its year's list.
    let sheet = root.join(SHEET);
    let original = fs::read_to_string(&sheet).unwrap();
    let edited = original.replace(
        "name = \"教育機関・民間企業との連携事業\"",
        "name = \"教育機関・民間企業との連携事業（改訂版）\"",
    );
    assert_ne!(edited, original);
    save(&sheet, &edited);
    poll(addr, PAGE, "the new title", |g| {
        g.body.contains("連携事業（改訂版）")
    });
    let year = get(addr, "/joso/2024/");
    assert!(year.body.contains("連携事業（改訂版）"));
    // What the preview serves after the edit is what a build of the edited site writes: pages
    // rendered with only the downloads they link exported, the sheet's own CSV exported alone,
    // and the municipality's page and package files from its whole export.
    let built = [
        (PAGE, "joso/2024/projects/124/index.html"),
        ("/joso/projects/124/", "joso/projects/124/index.html"),
        ("/joso/2024/", "joso/2024/index.html"),
        ("/joso/2024/kpi/", "joso/2024/kpi/index.html"),
        (
            "/joso/2024/projects/124/indicators.csv",
            "joso/2024/projects/124/indicators.csv",
        ),
        ("/joso/2024/projects.csv", "joso/2024/projects.csv"),
        ("/joso/", "joso/index.html"),
        ("/joso/SHA256SUMS", "joso/SHA256SUMS"),
        ("/joso/datapackage.json", "joso/datapackage.json"),
    ];
    serves_as_built(addr, &root, &dir.path().join("out2"), &built);

    // A syntax error shows on every page, with its file and line.
    save(&sheet, &format!("{edited}\nname = \n"));
    let broken = poll(addr, PAGE, "the error page", |g| g.status == 500);
    let line = edited.lines().count() + 2;
    assert!(
        broken.body.contains(&format!("{SHEET}:{line}:")),
        "no {SHEET}:{line} in\n{}",
        broken.body
    );
    assert!(broken.body.contains("<html lang=\"ja\">"));
    assert!(broken.body.contains(MARKER));
    assert_eq!(get(addr, "/").status, 500);
    assert_eq!(get(addr, "/joso/2024/kpi.csv").status, 500);
    // The theme's files do not depend on the content: served as they are.
    let css = get(addr, "/style.css");
    assert_eq!(css.status, 200);
    assert!(css.head.contains("Content-Type: text/css"));

    // Fixing it brings the page back without a restart.
    save(&sheet, &edited);
    poll(addr, PAGE, "the fixed page", |g| {
        g.status == 200 && g.body.contains("連携事業（改訂版）")
    });

    // A template override is picked up.
    let base = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    let overridden = base.replace("</footer>", "<p>上書きテンプレート</p></footer>");
    assert_ne!(overridden, base);
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(root.join("templates/base.html"), overridden).unwrap();
    poll(addr, PAGE, "the override", |g| {
        g.body.contains("上書きテンプレート")
    });
    drop(server);
}

/// The diagnostics an error page shows, as text.
fn shown_diagnostics(html: &str) -> String {
    let start = html.find("<pre>").expect("no <pre> on the error page") + "<pre>".len();
    let end = start + html[start..].find("</pre>").unwrap();
    html[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Waits until the sheet's page shows the diagnostics `kohyo check` prints for the site as it
/// is on disk now (at most 30 s), and returns them.
fn shows_check(addr: &str, root: &Path, what: &str) -> String {
    let (site, report) = kohyo::check(root);
    assert!(site.is_none(), "{what}: the site has no error");
    let expected = report.render(false).trim_end().to_string();
    let started = Instant::now();
    loop {
        let got = get(addr, PAGE);
        let shown = (got.status == 500).then(|| shown_diagnostics(&got.body));
        if shown.as_deref() == Some(expected.as_str()) {
            return expected;
        }
        if started.elapsed() > Duration::from_secs(30) {
            assert_eq!(
                shown.unwrap_or(got.body),
                expected,
                "{what}: the preview never showed what kohyo check reports"
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Asserts that the preview serves each `(target, file)` as a build of the site as it is now
/// writes the file (pages without their live-reload script).
fn serves_as_built(addr: &str, root: &Path, out: &Path, files: &[(&str, &str)]) {
    kohyo::build::build(root, Some(out)).1.unwrap();
    for (target, file) in files {
        let got = get(addr, target);
        assert_eq!(got.status, 200, "{target}");
        let body = if file.ends_with(".html") {
            without_script(&got.body)
        } else {
            got.body
        };
        assert!(
            body == fs::read_to_string(out.join(file)).unwrap(),
            "{target} differs from the built {file}"
        );
    }
}

#[test]
fn errors_within_and_across_sheets_show_as_check_reports_them_and_clear() {
    let (dir, root) = copy_sample_site();
    let server = start(&root);
    let addr = server.addr.as_str();
    assert_eq!(get(addr, PAGE).status, 200);
    let sheet = root.join(SHEET);
    let original = fs::read_to_string(&sheet).unwrap();
    let node = "plan_node = \"教育機関・民間企業との連携\"";
    assert!(original.contains(node));

    // An error in one sheet.
    save(
        &sheet,
        &original.replace(node, "plan_node = \"存在しない施策\""),
    );
    let shown = shows_check(addr, &root, "an unknown plan node");
    assert!(shown.contains("存在しない施策"), "{shown}");

    // A second sheet with the same code, before it in the folder: the duplicate is reported on
    // the first sheet, which did not change, beside its own error.
    let other = root.join("content/joso/2024/projects/100.toml");
    save(&other, &original);
    let shown = shows_check(addr, &root, "a duplicate code");
    assert!(shown.contains("存在しない施策"), "{shown}");
    assert!(
        shown.contains("project code \"124\" is used twice")
            && shown.contains(&format!("  ┌─ {SHEET}:")),
        "{shown}"
    );

    // The first sheet fixed: only the duplicate is left.
    save(&sheet, &original);
    let shown = shows_check(addr, &root, "the duplicate alone");
    assert!(!shown.contains("存在しない施策"), "{shown}");
    assert!(shown.contains("is used twice"), "{shown}");

    // The second sheet given its own code: the site is back, with both sheets.
    save(
        &other,
        &original.replace("code = \"124\"", "code = \"100\""),
    );
    poll(addr, PAGE, "the page again", |g| g.status == 200);
    let both = [
        (PAGE, "joso/2024/projects/124/index.html"),
        (
            "/joso/2024/projects/100/",
            "joso/2024/projects/100/index.html",
        ),
        ("/joso/2024/", "joso/2024/index.html"),
    ];
    serves_as_built(addr, &root, &dir.path().join("out1"), &both);

    // The second sheet edited, then removed, with no error: the model served is edited in
    // place, one sheet taken out and put back, then taken out.
    let second = original
        .replace("code = \"124\"", "code = \"100\"")
        .replace(
            "name = \"教育機関・民間企業との連携事業\"",
            "name = \"別紙の事業\"",
        );
    assert!(second.contains("別紙の事業"));
    save(&other, &second);
    poll(
        addr,
        "/joso/2024/projects/100/",
        "the second sheet's name",
        |g| g.status == 200 && g.body.contains("別紙の事業"),
    );
    serves_as_built(addr, &root, &dir.path().join("out1b"), &both);
    fs::remove_file(&other).unwrap();
    poll(addr, "/joso/2024/projects/100/", "the sheet gone", |g| {
        g.status == 404
    });
    let one = [
        (PAGE, "joso/2024/projects/124/index.html"),
        ("/joso/2024/", "joso/2024/index.html"),
    ];
    serves_as_built(addr, &root, &dir.path().join("out1c"), &one);

    // A plan file that loses the node the sheet names: the sheet, unchanged, is checked
    // against the new plan.
    let plan = root.join("content/joso/plan/VII.toml");
    let plan_text = fs::read_to_string(&plan).unwrap();
    let renamed = plan_text.replace(
        "code = \"教育機関・民間企業との連携\"",
        "code = \"教育機関との連携\"",
    );
    assert_ne!(renamed, plan_text);
    save(&plan, &renamed);
    let shown = shows_check(addr, &root, "a plan node gone");
    assert!(shown.contains(&format!("  ┌─ {SHEET}:")), "{shown}");

    // The plan fixed: the site is as it was.
    save(&plan, &plan_text);
    poll(addr, PAGE, "the page again", |g| g.status == 200);
    let pages = [
        (PAGE, "joso/2024/projects/124/index.html"),
        ("/joso/2024/", "joso/2024/index.html"),
        (
            "/joso/plan/%E6%95%99%E8%82%B2%E6%A9%9F%E9%96%A2%E3%83%BB%E6%B0%91%E9%96%93%E4%BC%81%E6%A5%AD%E3%81%A8%E3%81%AE%E9%80%A3%E6%90%BA/",
            "joso/plan/教育機関・民間企業との連携/index.html",
        ),
    ];
    serves_as_built(addr, &root, &dir.path().join("out2"), &pages);

    // A municipality's folder removed: its pages are gone, and the home page lists the others.
    fs::remove_dir_all(root.join("content/shimotsuma")).unwrap();
    poll(addr, "/shimotsuma/", "the municipality gone", |g| {
        g.status == 404
    });
    serves_as_built(
        addr,
        &root,
        &dir.path().join("out3"),
        &[("/", "index.html")],
    );
    drop(server);
}

#[test]
fn a_taken_port_is_a_startup_error() {
    let (_dir, root) = copy_sample_site();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = kohyo()
        .args(["serve", "--port", &port, "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("serving"));
}
