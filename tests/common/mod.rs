//! Helpers the integration tests share: where the sample site is, and fresh copies of it or of a
//! fixture to change without touching the repository. Each test file uses a part of them.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// The repository root, which is the sample site's root (`kohyo.toml`, `content/`).
pub(crate) fn sample_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies everything under `from` into `to`, creating folders as needed (`from` may be a file).
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Copies the sample's `kohyo.toml` and `content/` into `root`.
pub(crate) fn copy_sample_to(root: &Path) {
    let src = sample_root();
    fs::create_dir_all(root).unwrap();
    fs::copy(src.join("kohyo.toml"), root.join("kohyo.toml")).unwrap();
    copy_tree(&src.join("content"), &root.join("content"));
}

/// A fresh temp folder that is a copy of the sample site.
pub(crate) fn copy_sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_sample_to(dir.path());
    dir
}

/// A fresh temp folder holding a copy of the sample site in `site/` (room beside it for output
/// folders), and that site root.
pub(crate) fn copy_sample_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_sample_to(&root);
    (dir, root)
}

/// Builds the sample site into `public/` of a fresh temp folder: the folder (kept alive by the
/// caller) and the output path. Panics with the diagnostics when the build fails.
pub(crate) fn build_sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let (report, result) = kohyo::build::build(&sample_root(), Some(&out));
    if let Err(e) = result {
        panic!("sample build failed: {e}\n{}", report.render(false));
    }
    (dir, out)
}

/// `kohyo check`'s errors on the site at `root`, each with its `file:line:column` as printed,
/// sorted; asserts that the site is made exactly when there is none.
pub(crate) fn check_errors(root: &Path) -> Vec<(String, kohyo::diagnostics::Diagnostic)> {
    let (site, report) = kohyo::check(root);
    let errors: Vec<_> = report
        .sorted()
        .into_iter()
        .filter(|d| d.severity == kohyo::diagnostics::Severity::Error)
        .map(|d| (report.location(d).unwrap_or_default(), d.clone()))
        .collect();
    assert_eq!(site.is_none(), !errors.is_empty(), "{errors:#?}");
    errors
}
