//! The output folder is kohyo's alone: a build refuses the site's own folders, the home folder,
//! `/` and folders holding files kohyo did not write (unless `--force`, where that is allowed);
//! it records what it wrote in `.kohyo-manifest`; a build killed in the middle of writing leaves
//! the previous output byte for byte as it was; and neither `check` nor `build` changes anything
//! outside the output folder — content least of all.

mod common;

use common::copy_sample_site;
use kohyo::build::{BuildError, BuildOptions, build, build_with};
use kohyo::export::datapackage::sha256_hex;
use kohyo::output::{FileHash, MANIFEST_FILE, Rule, TEST_STALL_ENV};
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Every entry under `dir` by relative path: a folder as `None`, a file as its SHA-256, a
/// symlink as where it points.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<String>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            let t = e.file_type();
            let hash = if t.is_dir() {
                None
            } else if t.is_symlink() {
                Some(format!("-> {}", fs::read_link(e.path()).unwrap().display()))
            } else {
                Some(sha256_hex(&fs::read(e.path()).unwrap()))
            };
            (rel, hash)
        })
        .collect()
}

fn refusal(result: Result<kohyo::build::BuildSummary, BuildError>) -> (Rule, String) {
    match result {
        Err(BuildError::Refused(r)) => (r.rule.clone(), r.to_string()),
        Err(e) => panic!("expected a refusal, got {e}"),
        Ok(s) => panic!(
            "expected a refusal, but it built into {}",
            s.output.display()
        ),
    }
}

fn forced() -> BuildOptions {
    BuildOptions { force: true }
}

#[test]
fn the_site_folders_and_slash_are_refused_even_with_force() {
    let (dir, root) = copy_sample_site();
    fs::create_dir_all(root.join("templates")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("content"), dir.path().join("link")).unwrap();
        // static/ lives elsewhere: the folder that holds it is refused too.
        fs::create_dir_all(dir.path().join("elsewhere/static")).unwrap();
        fs::write(dir.path().join("elsewhere/static/logo.svg"), "<svg/>").unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere/static"), root.join("static"))
            .unwrap();
    }
    let before = snapshot(dir.path());
    let cases: Vec<(PathBuf, Rule)> = vec![
        (PathBuf::from("/"), Rule::FilesystemRoot),
        (root.clone(), Rule::HoldsSite),
        (dir.path().to_path_buf(), Rule::HoldsSite),
        (root.join("public/.."), Rule::HoldsSite),
        (
            root.join("content"),
            Rule::InsideInput { folder: "content" },
        ),
        (
            root.join("content/joso"),
            Rule::InsideInput { folder: "content" },
        ),
        (
            root.join("content/new/out"),
            Rule::InsideInput { folder: "content" },
        ),
        (
            root.join("public/../content/x"),
            Rule::InsideInput { folder: "content" },
        ),
        (
            root.join("templates"),
            Rule::InsideInput {
                folder: "templates",
            },
        ),
        (root.join("kohyo.toml"), Rule::NotAFolder),
    ];
    #[cfg(unix)]
    let cases = [
        cases,
        vec![
            (
                dir.path().join("link"),
                Rule::InsideInput { folder: "content" },
            ),
            (
                dir.path().join("link/new"),
                Rule::InsideInput { folder: "content" },
            ),
            (
                dir.path().join("elsewhere"),
                Rule::InsideInput { folder: "static" },
            ),
        ],
    ]
    .concat();
    for (output, rule) in cases {
        for options in [BuildOptions::default(), forced()] {
            let (got, message) = refusal(build_with(&root, Some(&output), options).1);
            assert_eq!(got, rule, "{}", output.display());
            assert!(message.starts_with("refusing to write into"), "{message}");
            if rule != Rule::NotAFolder {
                assert!(message.contains("cannot be forced"), "{message}");
                assert!(message.contains("--output"), "{message}");
            }
        }
    }
    assert_eq!(
        snapshot(dir.path()),
        before,
        "a refused build wrote something"
    );
}

#[test]
fn the_home_folder_is_refused_by_the_command() {
    let (dir, root) = copy_sample_site();
    let home = dir.path().join("home");
    fs::create_dir_all(home.join("Documents")).unwrap();
    fs::write(home.join("Documents/letter.txt"), "大切な文書").unwrap();
    let bin = env!("CARGO_BIN_EXE_kohyo");
    for (output, force) in [
        (&home, false),
        (&home, true),
        (&dir.path().to_path_buf(), true),
    ] {
        let mut cmd = Command::new(bin);
        cmd.env("HOME", &home)
            .args(["build", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(output);
        if force {
            cmd.arg("--force");
        }
        let run = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("is your home folder or holds it")
                && stderr.contains("cannot be forced")
                && stderr.contains("nothing was written"),
            "{stderr}"
        );
    }
    assert_eq!(
        fs::read_to_string(home.join("Documents/letter.txt")).unwrap(),
        "大切な文書"
    );
}

#[test]
fn a_folder_kohyo_did_not_write_is_refused_unless_forced() {
    let (dir, root) = copy_sample_site();
    let out = dir.path().join("www");
    fs::create_dir_all(out.join("img")).unwrap();
    fs::write(out.join("index.html"), "<h1>市のトップページ</h1>").unwrap();
    fs::write(out.join("img/logo.png"), [0x89, b'P', b'N', b'G']).unwrap();
    let before = snapshot(&out);
    let (rule, message) = refusal(build(&root, Some(&out)).1);
    assert_eq!(rule, Rule::NoManifest { files: 2 });
    assert!(
        message.contains("holds 2 files but no .kohyo-manifest")
            && message.contains("--force")
            && message.contains("empty or new folder"),
        "{message}"
    );
    assert_eq!(snapshot(&out), before);
    // The command says the same and exits 1.
    let run = Command::new(env!("CARGO_BIN_EXE_kohyo"))
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no .kohyo-manifest"));
    assert_eq!(snapshot(&out), before);
    // --force replaces the folder, and what it held is gone.
    build_with(&root, Some(&out), forced()).1.unwrap();
    assert!(out.join(MANIFEST_FILE).is_file());
    assert!(!out.join("img").exists());
    assert!(
        !fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("市のトップページ")
    );
    // An empty folder is accepted as it is.
    let empty = dir.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    build(&root, Some(&empty)).1.unwrap();
}

#[test]
fn a_file_added_to_or_changed_in_kohyos_folder_is_refused_unless_forced() {
    let (dir, root) = copy_sample_site();
    let out = dir.path().join("public");
    build(&root, Some(&out)).1.unwrap();
    build(&root, Some(&out))
        .1
        .expect("kohyo's own folder is replaced");
    let manifest = fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
    assert!(
        manifest.starts_with("# kohyo manifest v2"),
        "checked with XXH3"
    );
    fs::write(out.join("joso/analytics.js"), "track()").unwrap();
    let (rule, message) = refusal(build(&root, Some(&out)).1);
    assert_eq!(
        rule,
        Rule::Foreign {
            unlisted: vec!["joso/analytics.js".into()],
            changed: vec![]
        }
    );
    assert!(
        message.contains("1 file kohyo did not write (joso/analytics.js)"),
        "{message}"
    );
    fs::remove_file(out.join("joso/analytics.js")).unwrap();
    let index = out.join("index.html");
    let edited = fs::read_to_string(&index)
        .unwrap()
        .replace("</body>", "<p>手で追記</p></body>");
    fs::write(&index, edited).unwrap();
    let (rule, message) = refusal(build(&root, Some(&out)).1);
    assert!(
        matches!(&rule, Rule::Foreign { unlisted, changed } if unlisted.is_empty() && changed == &["index.html"]),
        "{rule:?}"
    );
    assert!(
        message.contains("1 file changed since kohyo wrote it (index.html)"),
        "{message}"
    );
    #[cfg(unix)]
    {
        fs::write(&index, "x").unwrap();
        build_with(&root, Some(&out), forced()).1.unwrap();
        std::os::unix::fs::symlink("/etc/passwd", out.join("passwd")).unwrap();
        let (rule, _) = refusal(build(&root, Some(&out)).1);
        assert!(matches!(&rule, Rule::Foreign { unlisted, .. } if unlisted == &["passwd"]));
    }
    build_with(&root, Some(&out), forced()).1.unwrap();
    assert!(!fs::read_to_string(&index).unwrap().contains("手で追記"));
    assert!(!out.join("passwd").exists());
}

#[test]
fn the_manifest_lists_every_file_with_its_hash_in_order() {
    let (dir, root) = copy_sample_site();
    let out = dir.path().join("public");
    build(&root, Some(&out)).1.unwrap();
    let manifest = fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
    let mut lines = manifest.lines();
    assert!(lines.next().unwrap().starts_with("# kohyo manifest v2"));
    let listed: Vec<(String, String)> = lines
        .map(|l| {
            let (hash, path) = l.split_once("  ").unwrap();
            (path.to_string(), hash.to_string())
        })
        .collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "the manifest is sorted by path");
    // Every file but the manifest, with its XXH3-128 (not its SHA-256).
    let on_disk: BTreeMap<String, String> = files(&out)
        .into_iter()
        .map(|(p, bytes)| (p, FileHash::of(&bytes).to_string()))
        .collect();
    assert_eq!(listed.into_iter().collect::<BTreeMap<_, _>>(), on_disk);
    // Another build gives the same manifest byte for byte.
    let again = dir.path().join("again");
    build(&root, Some(&again)).1.unwrap();
    assert_eq!(
        fs::read(again.join(MANIFEST_FILE)).unwrap(),
        manifest.as_bytes()
    );
}

/// Every file under `dir` but the manifest, by relative path with `/`, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            let name = rel.to_str().unwrap().replace('\\', "/");
            (name, fs::read(e.path()).unwrap())
        })
        .filter(|(name, _)| name != MANIFEST_FILE)
        .collect()
}

/// The header line of the manifest kohyo wrote before v2, word for word.
const V1_HEADER: &str = "# kohyo manifest v1: the files kohyo wrote into this folder, with their SHA-256. kohyo replaces this folder only while it holds nothing else (docs/safety.md).";

/// Rewrites the manifest of the kohyo folder `out` as a kohyo before v2 wrote it: the v1 header
/// and `{sha256}  {path}` per file, sorted by path.
fn downgrade_to_v1(out: &Path) {
    let mut text = format!("{V1_HEADER}\n");
    for (name, bytes) in files(out) {
        text.push_str(&format!("{}  {name}\n", sha256_hex(&bytes)));
    }
    fs::write(out.join(MANIFEST_FILE), text).unwrap();
}

#[test]
fn a_folder_with_a_v1_manifest_is_checked_with_sha256_and_replaced() {
    let (dir, root) = copy_sample_site();
    let out = dir.path().join("public");
    build(&root, Some(&out)).1.unwrap();
    downgrade_to_v1(&out);
    // An edited file is noticed through its SHA-256.
    let csv = out.join("joso/2025/kpi.csv");
    let original = fs::read(&csv).unwrap();
    fs::write(&csv, [&original[..], b"\n"].concat()).unwrap();
    let (rule, _) = refusal(build(&root, Some(&out)).1);
    assert!(
        matches!(&rule, Rule::Foreign { unlisted, changed } if unlisted.is_empty()
            && changed.contains(&"joso/2025/kpi.csv".to_string())),
        "{rule:?}"
    );
    // As written, the v1 folder is kohyo's: replaced, with a v2 manifest.
    fs::write(&csv, &original).unwrap();
    build(&root, Some(&out)).1.expect("a v1 folder is kohyo's");
    let manifest = fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
    assert!(
        manifest.starts_with("# kohyo manifest v2"),
        "{manifest:.80}"
    );
    // A v1 manifest with a hash that is not the file's SHA-256 (here its XXH3-128) is not
    // accepted: v1 lines are checked with SHA-256 only.
    let mut text = format!("{V1_HEADER}\n");
    for (name, bytes) in files(&out) {
        text.push_str(&format!("{}  {name}\n", FileHash::of(&bytes)));
    }
    fs::write(out.join(MANIFEST_FILE), text).unwrap();
    let (rule, _) = refusal(build(&root, Some(&out)).1);
    assert!(
        matches!(&rule, Rule::Foreign { unlisted, changed } if unlisted.is_empty() && changed.len() > 100),
        "{rule:?}"
    );
}

#[test]
fn a_v2_folder_with_an_edited_data_file_or_an_unknown_manifest_is_refused() {
    let (dir, root) = copy_sample_site();
    let out = dir.path().join("public");
    build(&root, Some(&out)).1.unwrap();
    let manifest = out.join(MANIFEST_FILE);
    assert!(
        fs::read_to_string(&manifest)
            .unwrap()
            .starts_with("# kohyo manifest v2")
    );
    // One byte changed in a data file, at its end, with its size kept.
    let sums = out.join("joso/SHA256SUMS");
    let original = fs::read(&sums).unwrap();
    let mut edited = original.clone();
    *edited.last_mut().unwrap() ^= 1;
    fs::write(&sums, &edited).unwrap();
    let (rule, message) = refusal(build(&root, Some(&out)).1);
    assert_eq!(
        rule,
        Rule::Foreign {
            unlisted: vec![],
            changed: vec!["joso/SHA256SUMS".into()]
        }
    );
    assert!(
        message.contains("changed since kohyo wrote it"),
        "{message}"
    );
    // Put back, the folder is kohyo's again (a file added to it is refused as well: see
    // a_file_added_to_or_changed_in_kohyos_folder_is_refused_unless_forced, also on v2).
    fs::write(&sums, &original).unwrap();
    build(&root, Some(&out))
        .1
        .expect("as written, it is kohyo's");
    // A manifest of neither version makes the folder one kohyo did not write.
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replacen("manifest v2", "manifest v3", 1)).unwrap();
    let (rule, _) = refusal(build(&root, Some(&out)).1);
    assert!(matches!(rule, Rule::NoManifest { .. }), "{rule:?}");
}

/// Kills the child when dropped, so a failing test leaves no stalled build behind.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `kohyo build` with the stall hook and returns once it has written `n` files into its
/// temporary folder, with the child and the line it printed.
fn stalled_build(root: &Path, out: &Path, n: usize) -> (KillOnDrop, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_kohyo"))
        .env(TEST_STALL_ENV, n.to_string())
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let stderr = child.0.stderr.take().unwrap();
    let mut seen = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("stalled after writing") {
            return (child, line);
        }
    }
    panic!("the build ended without stalling:\n{seen}");
}

#[test]
fn a_build_killed_mid_write_leaves_the_previous_output_intact() {
    let (dir, root) = copy_sample_site();
    let out = dir.path().join("public");
    build(&root, Some(&out)).1.unwrap();
    // The next build differs in every page, so a partial swap could not go unnoticed.
    let config = fs::read_to_string(root.join("kohyo.toml")).unwrap();
    fs::write(
        root.join("kohyo.toml"),
        config.replacen("title = \"", "title = \"改訂 ", 1),
    )
    .unwrap();
    let before = snapshot(dir.path());
    // Not a folder kohyo wrote: a stale-looking sibling without the manifest stays.
    let foreign = dir.path().join("public.kohyo-tmp-999999999");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("notes.txt"), "not kohyo's").unwrap();
    // One a kohyo before v2 left, marked with the v1 header: removed like its own.
    let older = dir.path().join("public.kohyo-old-999999998");
    fs::create_dir_all(&older).unwrap();
    fs::write(older.join(MANIFEST_FILE), format!("{V1_HEADER}\n")).unwrap();
    fs::write(older.join("index.html"), "old").unwrap();
    for n in [0, 25] {
        let (mut child, line) = stalled_build(&root, &out, n);
        let pid = child.0.id();
        let tmp = dir.path().join(format!("public.kohyo-tmp-{pid}"));
        assert!(line.contains(&format!("{n} files")), "{line}");
        child.0.kill().unwrap(); // SIGKILL: no cleanup runs
        child.0.wait().unwrap();
        // The previous output is byte for byte what it was.
        let after = snapshot(dir.path());
        let public = |s: &BTreeMap<PathBuf, Option<String>>| {
            s.iter()
                .filter(|(p, _)| p.starts_with("public"))
                .map(|(p, h)| (p.clone(), h.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            public(&after),
            public(&before),
            "the killed build changed the output"
        );
        // The half-written folder is left beside it, marked as kohyo's.
        assert!(tmp.join(MANIFEST_FILE).is_file(), "{}", tmp.display());
        let written = snapshot(&tmp).values().filter(|h| h.is_some()).count();
        assert!(written > n && written < public(&before).len(), "{written}");
    }
    // The next build succeeds and removes the stale folders it left, but not the foreign one.
    build(&root, Some(&out)).1.unwrap();
    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".kohyo-"))
        .collect();
    assert_eq!(leftovers, ["public.kohyo-tmp-999999999"]);
    assert!(
        fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("改訂 ")
    );
}

#[test]
fn check_and_build_never_change_content_or_write_outside_the_output() {
    let (dir, root) = copy_sample_site();
    // A theme override, a static file and an extra file in content/ are inputs too.
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/extra.css"), "p { color: #000 }").unwrap();
    fs::write(root.join("content/joso/memo.txt"), "読まれないメモ").unwrap();
    let before = snapshot(dir.path());
    let bin = env!("CARGO_BIN_EXE_kohyo");
    let run = |args: &[&str]| {
        let out = Command::new(bin)
            .args(args)
            .arg("--root")
            .arg(&root)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["check"]);
    assert!(kohyo::check(&root).0.is_some());
    assert_eq!(snapshot(dir.path()), before, "check changed something");

    // Into the default output inside the site, then into a folder beside it, twice each.
    run(&["build", "--quiet"]);
    build(&root, None).1.unwrap();
    let sibling = dir.path().join("www");
    build(&root, Some(&sibling)).1.unwrap();
    let out = Command::new(bin)
        .args(["build", "--quiet", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&sibling)
        .output()
        .unwrap();
    assert!(out.status.success());
    let after = snapshot(dir.path());
    let (public, www) = (Path::new("site/public"), Path::new("www"));
    let unchanged: BTreeMap<_, _> = after
        .iter()
        .filter(|(p, _)| !p.starts_with(public) && !p.starts_with(www))
        .map(|(p, h)| (p.clone(), h.clone()))
        .collect();
    assert_eq!(
        unchanged, before,
        "something outside the output folders changed"
    );
    // Both outputs are the same site, and every file written is inside them.
    let strip = |under: &Path| -> BTreeMap<PathBuf, Option<String>> {
        after
            .iter()
            .filter_map(|(p, h)| Some((p.strip_prefix(under).ok()?.to_path_buf(), h.clone())))
            .collect()
    };
    assert_eq!(strip(public), strip(www));
    assert!(strip(www).len() > 100);
    // Content and the other inputs are byte for byte as before.
    for (p, h) in &before {
        assert_eq!(after.get(p), Some(h), "{} changed", p.display());
    }
}

#[cfg(unix)]
#[test]
fn a_latest_year_csv_copy_is_a_link_to_the_yeared_file() {
    use std::os::unix::fs::MetadataExt;
    let (dir, root) = copy_sample_site();
    let out = dir.path().join("public");
    build(&root, Some(&out)).1.unwrap();
    let manifest = fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
    // joso's latest year is 2025: its year lists are also at joso/*.csv, the stable URLs.
    for name in ["kpi.csv", "projects.csv", "activities.csv"] {
        let yeared = out.join("joso/2025").join(name);
        let latest = out.join("joso").join(name);
        let (a, b) = (
            fs::metadata(&yeared).unwrap(),
            fs::metadata(&latest).unwrap(),
        );
        assert_eq!((a.dev(), a.ino()), (b.dev(), b.ino()), "{name}");
        assert_eq!(a.nlink(), 2, "{name}: linked once, not to anything else");
        assert!(manifest.contains(&format!("  joso/{name}\n")), "{name}");
        assert!(
            manifest.contains(&format!("  joso/2025/{name}\n")),
            "{name}"
        );
    }
    // Files that are not copies stand alone.
    assert_eq!(
        fs::metadata(out.join("joso/index.html")).unwrap().nlink(),
        1
    );
    assert_eq!(
        fs::metadata(out.join("joso/2024/kpi.csv")).unwrap().nlink(),
        1
    );
    // A later build into the same folder replaces both, still linked.
    build(&root, Some(&out)).1.unwrap();
    assert_eq!(fs::metadata(out.join("joso/kpi.csv")).unwrap().nlink(), 2);
}
