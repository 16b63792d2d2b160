//! Streaming a build into its temporary folder: the [`Sink`] that export and render hand each
//! file to as soon as it is produced, its on-disk form [`Staging`], and the in-memory
//! [`Collected`] (tests, and anything that shows a site without writing it).
//!
//! [`Staging`] is created once the output folder is accepted ([`super::check_output`]) with the
//! route of every page, checked there before anything is written (portable names, unique without
//! regard to case). Data files are not known until exported, so each is checked as it arrives
//! against every path already taken: a data file can never silently replace a page, another data
//! file, or a page on a system that does not tell case apart. Each file is hashed on its way to
//! the disk; only its path, size and [`FileHash`] are kept, for the manifest that
//! [`Staging::finish`] writes before the swap.

use super::{
    FileHash, MANIFEST_FILE, MANIFEST_HEADER, TEST_STALL_ENV, manifest_text, relative_name,
};
use crate::render::{Rendered, url::Route};
use anyhow::{Context as _, Result, anyhow, bail};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// What a produced file is: the checks differ (a page is announced before rendering starts, a
/// data file is checked when it arrives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// An HTML page, the sitemap or a static file of the theme: on the list of routes given to
    /// [`Staging::create`].
    Page,
    /// An exported data file (CSV, data package, zip, checksums).
    Data,
}

/// Where a build's files go as they are produced. Called from the rendering and exporting threads
/// in any order.
pub trait Sink: Sync {
    /// Takes one file at `route`.
    fn put(&self, kind: FileKind, route: &Route, bytes: &[u8]) -> Result<()>;

    /// Takes a second copy of a file already taken at `original`, with the same `bytes`. A sink
    /// writing to a disk may make it a hard link to the first: each new file costs the file
    /// system far more than a link to an existing one.
    fn put_copy(
        &self,
        kind: FileKind,
        route: &Route,
        original: &Route,
        bytes: &[u8],
    ) -> Result<()> {
        let _ = original;
        self.put(kind, route, bytes)
    }
}

/// A sink that keeps every file in memory, in the order they arrive.
#[derive(Debug, Default)]
pub struct Collected(Mutex<Vec<Rendered>>);

impl Collected {
    /// The files taken, in the order they arrived.
    pub fn into_files(self) -> Vec<Rendered> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Collected {
    fn put(&self, _: FileKind, route: &Route, bytes: &[u8]) -> Result<()> {
        let file = Rendered {
            route: route.clone(),
            bytes: bytes.to_vec(),
        };
        self.0.lock().map_err(|_| anyhow!("poisoned"))?.push(file);
        Ok(())
    }
}

/// One path taken in the temporary folder.
#[derive(Debug)]
struct Slot {
    /// The relative path as written: `joso/2024/kpi.csv`.
    name: String,
    /// Whether the path was announced as a page.
    page: bool,
    /// The file's hash for the manifest, once written.
    hash: Option<FileHash>,
}

/// A build's temporary folder `{output}.kohyo-tmp-{pid}`, written file by file. Dropped before
/// [`Staging::finish`] (an error anywhere, a panic), it removes the folder, so a failed build
/// leaves only the previous output; a killed one leaves the folder, marked with the manifest's
/// header line, for the next build to remove.
#[derive(Debug)]
pub struct Staging {
    tmp: PathBuf,
    output: PathBuf,
    old: PathBuf,
    /// Every path taken, by its lower-case form (one file on Windows and macOS).
    taken: Mutex<HashMap<String, Slot>>,
    files: AtomicUsize,
    bytes: AtomicU64,
    stall_after: Option<usize>,
    finished: bool,
}

/// What [`Staging::finish`] put in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Files, without the manifest.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
}

impl Staging {
    /// Creates the temporary folder beside `output` (an output folder [`super::check_output`]
    /// has accepted) after removing stale ones a killed build left, and reserves the routes of
    /// `pages`, refusing any that is not a portable relative path or that is one file with
    /// another on a system that does not tell case apart.
    pub fn create(output: &Path, pages: &[Route]) -> Result<Staging> {
        let taken = reserve_pages(pages)?;
        let name = output
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| anyhow!("the output folder {} has no usable name", output.display()))?;
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        super::remove_stale_siblings(&parent, name);
        let pid = std::process::id();
        let tmp = parent.join(format!("{name}.kohyo-tmp-{pid}"));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)
                .with_context(|| format!("cannot remove the stale {}", tmp.display()))?;
        }
        let staging = Staging {
            old: parent.join(format!("{name}.kohyo-old-{pid}")),
            output: output.to_path_buf(),
            taken: Mutex::new(taken),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            stall_after: std::env::var(TEST_STALL_ENV)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok()),
            finished: false,
            tmp,
        };
        std::fs::create_dir_all(&staging.tmp)
            .with_context(|| format!("cannot create {}", staging.tmp.display()))?;
        // The header alone marks the folder as kohyo's from the start, so that the next build may
        // remove it if this one is killed; the full manifest replaces it at the end.
        let marker = staging.tmp.join(MANIFEST_FILE);
        std::fs::write(&marker, format!("{MANIFEST_HEADER}\n"))
            .with_context(|| format!("cannot write {}", marker.display()))?;
        Ok(staging)
    }

    /// Writes the manifest of every file written and swaps the folder in for the output (the
    /// previous output moved aside, then deleted).
    pub fn finish(mut self) -> Result<Written> {
        let lines: Vec<(String, FileHash)> = {
            let taken = self.taken.get_mut().map_err(|_| anyhow!("poisoned"))?;
            taken
                .drain()
                .filter_map(|(_, slot)| Some((slot.name, slot.hash?)))
                .collect()
        };
        let written = Written {
            files: lines.len(),
            bytes: self.bytes.load(Ordering::SeqCst),
        };
        let path = self.tmp.join(MANIFEST_FILE);
        std::fs::write(&path, manifest_text(lines))
            .with_context(|| format!("cannot write {}", path.display()))?;
        super::swap_in(&self.tmp, &self.output, &self.old)?;
        self.finished = true;
        Ok(written)
    }

    /// Takes `name` for a file of `kind` with its hash, or says why it cannot be written.
    fn take(&self, kind: FileKind, name: &str, path: &Path, hash: FileHash) -> Result<()> {
        let mut taken = self.taken.lock().map_err(|_| anyhow!("poisoned"))?;
        match (taken.entry(name.to_lowercase()), kind) {
            (Entry::Occupied(mut e), FileKind::Page) => {
                let slot = e.get_mut();
                if slot.name != name || !slot.page {
                    bail!("/{name} was rendered but is not on the list of pages (a bug in kohyo)");
                }
                if slot.hash.is_some() {
                    bail!(
                        "two pages would be written to /{name}: rename a municipality folder, a plan node code or a static file so that they differ"
                    );
                }
                slot.hash = Some(hash);
            }
            (Entry::Vacant(_), FileKind::Page) => {
                bail!("/{name} was rendered but is not on the list of pages (a bug in kohyo)")
            }
            (Entry::Occupied(e), FileKind::Data) => {
                let first = &e.get().name;
                if first != name {
                    bail!("{}", case_clash(first, name));
                }
                if e.get().page {
                    bail!("the data file /{name} would overwrite a page of the same name");
                }
                bail!(
                    "two data files would be written to /{name}: rename a sheet or plan node code"
                );
            }
            (Entry::Vacant(e), FileKind::Data) => {
                check_name(name, path)?;
                e.insert(Slot {
                    name: name.to_string(),
                    page: false,
                    hash: Some(hash),
                });
            }
        }
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, kind: FileKind, route: &Route, bytes: &[u8]) -> Result<()> {
        let path = self.claim(kind, route, bytes)?;
        in_folder(&path, || std::fs::write(&path, bytes))
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.wrote(bytes);
        Ok(())
    }

    fn put_copy(
        &self,
        kind: FileKind,
        route: &Route,
        original: &Route,
        bytes: &[u8],
    ) -> Result<()> {
        let path = self.claim(kind, route, bytes)?;
        let first = self.tmp.join(original.output_path());
        // A file system without hard links (FAT, some network shares) gets the bytes again.
        in_folder(&path, || std::fs::hard_link(&first, &path))
            .or_else(|_| std::fs::write(&path, bytes))
            .with_context(|| format!("cannot write {}", path.display()))?;
        self.wrote(bytes);
        Ok(())
    }
}

impl Staging {
    /// Takes `route`'s path for a file of `kind` holding `bytes` (stalling first under
    /// [`TEST_STALL_ENV`]) and returns where to write it in the temporary folder.
    fn claim(&self, kind: FileKind, route: &Route, bytes: &[u8]) -> Result<PathBuf> {
        if let Some(n) = self.stall_after {
            if self.files.load(Ordering::SeqCst) >= n {
                stall(n, &self.tmp);
            }
        }
        let rel = route.output_path();
        let name = relative_name(&rel);
        self.take(kind, &name, &rel, FileHash::of(bytes))?;
        Ok(self.tmp.join(&rel))
    }

    /// Counts a file written.
    fn wrote(&self, bytes: &[u8]) {
        self.files.fetch_add(1, Ordering::SeqCst);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    }
}

/// Runs `make` (which creates the file at `path`), creating the file's folder when `make` first
/// misses it: one call per file otherwise.
fn in_folder(path: &Path, make: impl Fn() -> std::io::Result<()>) -> std::io::Result<()> {
    make().or_else(|e| match (e.kind(), path.parent()) {
        (std::io::ErrorKind::NotFound, Some(folder)) => {
            std::fs::create_dir_all(folder).and_then(|()| make())
        }
        _ => Err(e),
    })
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// The pages' paths, checked, by their lower-case form. Checked in route order, so that the same
/// site always names the same clash.
fn reserve_pages(pages: &[Route]) -> Result<HashMap<String, Slot>> {
    let mut sorted: Vec<&Route> = pages.iter().collect();
    sorted.sort();
    let mut taken = HashMap::with_capacity(pages.len());
    for route in sorted {
        let path = route.output_path();
        let name = relative_name(&path);
        check_name(&name, &path)?;
        match taken.entry(name.to_lowercase()) {
            Entry::Occupied(e) => {
                let first: &Slot = e.get();
                bail!("{}", case_clash(&first.name, &name));
            }
            Entry::Vacant(e) => {
                e.insert(Slot {
                    name,
                    page: true,
                    hash: None,
                });
            }
        }
    }
    Ok(taken)
}

/// Refuses a path that is not plain and relative, a segment that is not a portable name, and
/// kohyo's own manifest.
fn check_name(name: &str, path: &Path) -> Result<()> {
    for c in path.components() {
        let Component::Normal(seg) = c else {
            bail!("refusing to write /{name}: it is not a plain relative path");
        };
        let seg = seg.to_string_lossy();
        crate::segment::check(&seg)
            .map_err(|e| anyhow!("refusing to write /{name}: \"{seg}\" {e}"))?;
    }
    if name == MANIFEST_FILE {
        bail!("refusing to write /{name}: the name is kohyo's manifest");
    }
    Ok(())
}

/// The message for two paths that are one file where case does not count, the smaller first.
fn case_clash(a: &str, b: &str) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    format!(
        "/{first} and /{second} would be one file on Windows and macOS, which do not tell case apart; rename one of the codes"
    )
}

/// The [`TEST_STALL_ENV`] hook: announce once, then wait to be killed.
fn stall(n: usize, dir: &Path) -> ! {
    static ANNOUNCED: std::sync::Once = std::sync::Once::new();
    ANNOUNCED.call_once(|| {
        eprintln!(
            "kohyo: {TEST_STALL_ENV}={n}: stalled after writing {n} files into {}",
            dir.display()
        );
    });
    std::thread::sleep(std::time::Duration::from_secs(60));
    std::process::abort()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staged(dir: &Path, pages: &[Route]) -> Result<Staging> {
        Staging::create(&dir.join("public"), pages)
    }

    #[test]
    fn page_paths_are_portable_and_unique_without_case() {
        let dir = tempfile::tempdir().unwrap();
        let ok = [Route::dir(&["joso", "plan", "Ⅶ"])];
        assert!(staged(dir.path(), &ok).is_ok());
        for bad in [
            vec![Route::dir(&["joso", ".."])],
            vec![Route::dir(&["CON"])],
            vec![Route::file(MANIFEST_FILE)],
            vec![
                Route::dir(&["joso", "plan", "a"]),
                Route::dir(&["joso", "plan", "A"]),
            ],
        ] {
            assert!(staged(dir.path(), &bad).is_err(), "{bad:?}");
        }
        // Refused before anything was created.
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_data_file_never_replaces_another_file() {
        let dir = tempfile::tempdir().unwrap();
        let s = staged(dir.path(), &[Route::dir(&["joso", "kpi.csv"])]).unwrap();
        s.put(FileKind::Data, &Route::file("joso/2024/kpi.csv"), b"a")
            .unwrap();
        for (route, message) in [
            (
                "joso/kpi.csv/index.html",
                "would overwrite a page of the same name",
            ),
            ("joso/2024/kpi.csv", "two data files would be written"),
            ("joso/2024/KPI.csv", "one file on Windows and macOS"),
            ("joso/2024/a\u{0}b.csv", "refusing to write"),
        ] {
            let e = s
                .put(FileKind::Data, &Route::file(route), b"b")
                .unwrap_err()
                .to_string();
            assert!(e.contains(message), "{route}: {e}");
        }
        let page = Route::dir(&["joso", "kpi.csv"]);
        s.put(FileKind::Page, &page, b"p").unwrap();
        let again = s.put(FileKind::Page, &page, b"p").unwrap_err();
        assert!(again.to_string().contains("two pages"), "{again}");
        assert!(s.put(FileKind::Page, &Route::root(), b"").is_err());
        // The first file is as written; the refused ones never reached the disk.
        let tmp = s.tmp.clone();
        assert_eq!(std::fs::read(tmp.join("joso/2024/kpi.csv")).unwrap(), b"a");
        assert!(!tmp.join("joso/2024/KPI.csv").exists());
    }

    #[test]
    fn finishing_swaps_in_the_files_with_their_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = Staging::create(&out, &[Route::root()]).unwrap();
        let tmp = s.tmp.clone();
        assert!(tmp.join(MANIFEST_FILE).is_file(), "marked from the start");
        s.put(FileKind::Page, &Route::root(), b"home").unwrap();
        s.put(FileKind::Data, &Route::file("a/b.csv"), b"x,y")
            .unwrap();
        let written = s.finish().unwrap();
        assert_eq!(written, Written { files: 2, bytes: 7 });
        assert!(!tmp.exists());
        assert_eq!(std::fs::read(out.join("a/b.csv")).unwrap(), b"x,y");
        let manifest = std::fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
        let lines: Vec<&str> = manifest.lines().skip(1).collect();
        let home = FileHash::of(b"home");
        assert_eq!(
            lines,
            [
                format!("{}  a/b.csv", FileHash::of(b"x,y")),
                format!("{home}  index.html")
            ]
        );
    }

    #[test]
    fn dropped_unfinished_it_removes_its_folder_and_leaves_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "old").unwrap();
        let s = Staging::create(&out, &[Route::root()]).unwrap();
        let tmp = s.tmp.clone();
        s.put(FileKind::Page, &Route::root(), b"new").unwrap();
        drop(s);
        assert!(!tmp.exists());
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"old");
    }
}
