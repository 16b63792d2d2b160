//! Writing a built site: the output folder guard, the manifest, and the atomic swap.
//!
//! A build replaces its output folder as a whole, so the folder must be one kohyo owns. Before
//! anything is written, [`check_output`] refuses:
//!
//! - places the swap would destroy, whatever `--force` says: the root of the file system, the
//!   home folder, the site root or any folder that holds one of these, and the site's input folders
//!   (`content/`, `templates/`, `static/`, `themes/`) or anything inside them;
//! - a folder that is not a folder;
//! - unless forced, a non-empty folder kohyo did not write: one without a [`MANIFEST_FILE`], or
//!   holding a file its manifest does not list, or a listed file that was changed since.
//!
//! A build then writes into a sibling `{output}.kohyo-tmp-{pid}` ([`Staging`]), marked as
//! kohyo's from the start by the manifest's header line: each page and data file is written as
//! soon as it is produced and hashed on the way ([`FileHash`]), the full manifest is written last,
//! and the folder is swapped in with two renames. A crash leaves the previous output as it was; the next build
//! removes the stale sibling, but only one that carries kohyo's manifest and whose process is
//! gone. [`write_atomically`] does the same for a site already in memory.
//!
//! Every path is checked before it is written ([`crate::segment::check`], and unique without
//! regard to case), so that whatever the content says, nothing lands outside the temporary
//! folder and no file replaces another.

mod staging;

pub use staging::{Collected, FileKind, Sink, Staging, Written};

use crate::export::datapackage::sha256_hex;
use crate::render::{Rendered, url::Route};
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The file in an output folder that lists every file kohyo wrote there, with its hash
/// ([`FileHash`]).
pub const MANIFEST_FILE: &str = ".kohyo-manifest";

/// The first line of the manifest kohyo writes (v2); the rest is `{xxh3-128}  {path}` per file,
/// sorted by path.
const MANIFEST_HEADER: &str = "# kohyo manifest v2: the files kohyo wrote into this folder, with their XXH3-128. kohyo replaces this folder only while it holds nothing else (docs/safety.md).";

/// The first line of the manifest a kohyo before v2 wrote, still read: `{sha256}  {path}` per file.
const MANIFEST_HEADER_V1: &str = "# kohyo manifest v1: the files kohyo wrote into this folder, with their SHA-256. kohyo replaces this folder only while it holds nothing else (docs/safety.md).";

/// A manifest's format, named by its header line: how the files it lists were hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ManifestVersion {
    /// v1, written by kohyo before v2: SHA-256.
    Sha256,
    /// v2, what kohyo writes: XXH3-128 ([`FileHash`]).
    Xxh3,
}

impl ManifestVersion {
    /// The version a manifest's first line names; `None` when it is not a kohyo manifest.
    fn of_header(line: &str) -> Option<ManifestVersion> {
        match line {
            MANIFEST_HEADER => Some(ManifestVersion::Xxh3),
            MANIFEST_HEADER_V1 => Some(ManifestVersion::Sha256),
            _ => None,
        }
    }

    /// The hash of `bytes` as a manifest of this version lists it, in lower-case hex.
    fn hash_hex(self, bytes: &[u8]) -> String {
        match self {
            ManifestVersion::Sha256 => sha256_hex(bytes),
            ManifestVersion::Xxh3 => FileHash::of(bytes).to_string(),
        }
    }
}

/// The hash of a file in the manifest: XXH3-128, shown as 32 lower-case hex digits (big-endian,
/// as `xxhsum -H2` prints it).
///
/// Not SHA-256: the manifest only has to notice a file that was edited or added by accident
/// since kohyo wrote the folder, not resist an attacker, who could rewrite the manifest as well.
/// A 128-bit non-cryptographic hash does that (a chance edit goes unnoticed with odds of 2⁻¹²⁸)
/// at over ten times the speed; SHA-256 stays where others check the files (`SHA256SUMS`,
/// `datapackage.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileHash(u128);

impl FileHash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> FileHash {
        FileHash(xxhash_rust::xxh3::xxh3_128(bytes))
    }
}

impl fmt::Display for FileHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

/// A testing aid: when set to a number n, the writer stops after writing n files into the
/// temporary folder, says so on stderr and waits (at most a minute, then aborts), so that a test
/// can kill the process in the middle of a build.
pub const TEST_STALL_ENV: &str = "KOHYO_TEST_STALL_AFTER_FILES";

/// The site's input folders, which an output folder may neither be nor stand inside.
const INPUT_FOLDERS: [&str; 4] = ["content", "templates", "static", "themes"];

/// Why an output folder was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// `/` (or a drive root).
    FilesystemRoot,
    /// The user's home folder, or a folder that holds it.
    HomeFolder,
    /// The site root, or a folder that holds it.
    HoldsSite,
    /// One of the site's input folders (`content/` …), a folder inside one, or a folder holding
    /// one (when the input folder is a symlink to elsewhere).
    InsideInput {
        /// The input folder: `content`.
        folder: &'static str,
    },
    /// The path exists and is not a folder.
    NotAFolder,
    /// A non-empty folder without a manifest: kohyo did not write it.
    NoManifest {
        /// How many files it holds.
        files: usize,
    },
    /// Files the manifest does not list, or listed files that were changed since.
    Foreign {
        /// Files not in the manifest (and anything that is not a regular file), relative.
        unlisted: Vec<String>,
        /// Listed files whose content differs from what kohyo wrote.
        changed: Vec<String>,
    },
}

impl Rule {
    /// Whether `--force` overrides the rule: only the rules about a folder's contents do. The
    /// others name places a build would destroy.
    pub fn can_force(&self) -> bool {
        matches!(self, Rule::NoManifest { .. } | Rule::Foreign { .. })
    }

    fn why(&self) -> String {
        match self {
            Rule::FilesystemRoot => "it is the root of the file system".into(),
            Rule::HomeFolder => "it is your home folder or holds it".into(),
            Rule::HoldsSite => "it is the site root or holds it (kohyo.toml and content/)".into(),
            Rule::InsideInput { folder } => {
                format!("it is the site's {folder}/ folder, inside it or holds it")
            }
            Rule::NotAFolder => "it exists and is not a folder".into(),
            Rule::NoManifest { files } => format!(
                "it holds {} but no {MANIFEST_FILE}, so kohyo did not write it (or a kohyo older than the manifest did)",
                count(*files)
            ),
            Rule::Foreign { unlisted, changed } => {
                let mut parts = Vec::new();
                if !unlisted.is_empty() {
                    parts.push(format!(
                        "{} kohyo did not write ({})",
                        count(unlisted.len()),
                        examples(unlisted)
                    ));
                }
                if !changed.is_empty() {
                    parts.push(format!(
                        "{} changed since kohyo wrote {} ({})",
                        count(changed.len()),
                        if changed.len() == 1 { "it" } else { "them" },
                        examples(changed)
                    ));
                }
                format!("it holds {}", parts.join(" and "))
            }
        }
    }
}

/// "1 file", "2 files".
fn count(n: usize) -> String {
    if n == 1 {
        "1 file".into()
    } else {
        format!("{n} files")
    }
}

/// The first few paths of a list, for a message.
fn examples(paths: &[String]) -> String {
    let mut s = paths.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if paths.len() > 5 {
        s.push_str(", …");
    }
    s
}

/// An output folder kohyo will not write into, with the rule that refused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The output folder as given.
    pub output: PathBuf,
    /// The rule.
    pub rule: Rule,
    /// The site root, to suggest a folder.
    root: PathBuf,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to write into {}: {}. ",
            self.output.display(),
            self.rule.why()
        )?;
        if self.rule.can_force() {
            write!(
                f,
                "Choose an empty or new folder with --output, move those files elsewhere, or pass --force to replace the folder and everything in it"
            )
        } else {
            write!(
                f,
                "A build replaces its output folder as a whole, so this cannot be forced; choose a folder of its own with --output, such as {}",
                self.root.join("public").display()
            )
        }
    }
}

impl std::error::Error for Refusal {}

/// Checks that `output` is a folder a build of the site at `root` may replace (see the module
/// documentation for the rules). `force` overrides only the rules about its contents.
pub fn check_output(root: &Path, output: &Path, force: bool) -> Result<(), Refusal> {
    let refuse = |rule: Rule| Refusal {
        output: output.to_path_buf(),
        rule,
        root: root.to_path_buf(),
    };
    let site = root.canonicalize().unwrap_or_else(|_| absolute(root));
    let out = resolve(output);
    if out.parent().is_none() {
        return Err(refuse(Rule::FilesystemRoot));
    }
    if home_folder().is_some_and(|home| home.starts_with(&out)) {
        return Err(refuse(Rule::HomeFolder));
    }
    if site.starts_with(&out) {
        return Err(refuse(Rule::HoldsSite));
    }
    for folder in INPUT_FOLDERS {
        // Both ways: an input folder may be a symlink to somewhere the output holds.
        let input = resolve(&site.join(folder));
        if out.starts_with(&input) || input.starts_with(&out) {
            return Err(refuse(Rule::InsideInput { folder }));
        }
    }
    let Ok(meta) = std::fs::metadata(output) else {
        return Ok(()); // nothing there yet
    };
    if !meta.is_dir() {
        return Err(refuse(Rule::NotAFolder));
    }
    if force {
        return Ok(());
    }
    match contents_rule(output) {
        Some(rule) => Err(refuse(rule)),
        None => Ok(()),
    }
}

/// The contents rule an existing folder breaks, if any.
fn contents_rule(dir: &Path) -> Option<Rule> {
    let mut found: Vec<(String, PathBuf, bool)> = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false) {
        let Ok(entry) = entry else {
            // Unreadable: not something kohyo wrote.
            return Some(Rule::Foreign {
                unlisted: vec!["(an unreadable entry)".into()],
                changed: Vec::new(),
            });
        };
        if entry.file_type().is_dir() {
            continue;
        }
        found.push((
            relative_name(entry.path().strip_prefix(dir).unwrap_or(entry.path())),
            entry.path().to_path_buf(),
            entry.file_type().is_file(),
        ));
    }
    if found.is_empty() {
        return None;
    }
    let manifest = std::fs::read_to_string(dir.join(MANIFEST_FILE))
        .ok()
        .and_then(|text| parse_manifest(&text));
    let Some(manifest) = manifest else {
        return Some(Rule::NoManifest { files: found.len() });
    };
    let (version, listed_files) = manifest;
    let verdicts: Vec<(String, bool, bool)> = found
        .par_iter()
        .filter(|(name, ..)| name != MANIFEST_FILE)
        .map(|(name, path, regular)| {
            let listed = listed_files.get(name);
            let same = *regular
                && listed.is_some_and(|hash| {
                    std::fs::read(path).is_ok_and(|bytes| version.hash_hex(&bytes) == *hash)
                });
            (name.clone(), listed.is_some() && *regular, same)
        })
        .collect();
    let unlisted: Vec<String> = verdicts
        .iter()
        .filter(|(_, listed, _)| !listed)
        .map(|v| v.0.clone())
        .collect();
    let changed: Vec<String> = verdicts
        .iter()
        .filter(|(_, listed, same)| *listed && !same)
        .map(|v| v.0.clone())
        .collect();
    if unlisted.is_empty() && changed.is_empty() {
        None
    } else {
        Some(Rule::Foreign { unlisted, changed })
    }
}

/// A relative path with `/` separators, as the manifest lists it.
fn relative_name(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The manifest (v2) of files given by relative path and hash, in any order: the header line,
/// then `{xxh3-128}  {path}` per file, sorted by path. The same files give the same bytes.
fn manifest_text(mut lines: Vec<(String, FileHash)>) -> Vec<u8> {
    use std::fmt::Write as _;
    lines.sort_unstable();
    let mut out = String::with_capacity(100 * (lines.len() + 2));
    out.push_str(MANIFEST_HEADER);
    out.push('\n');
    for (path, hash) in lines {
        let _ = writeln!(out, "{hash}  {path}"); // writing to a String cannot fail
    }
    out.into_bytes()
}

/// A manifest's version and the files it lists, with their hashes (hex) by relative path.
type Manifest = (ManifestVersion, BTreeMap<String, String>);

/// The files a manifest (v1 or v2) lists; `None` when it is not a kohyo manifest.
fn parse_manifest(text: &str) -> Option<Manifest> {
    let mut lines = text.lines();
    let version = ManifestVersion::of_header(lines.next()?)?;
    let files = lines
        .map(|l| {
            let (hash, path) = l.split_once("  ")?;
            Some((path.to_string(), hash.to_string()))
        })
        .collect::<Option<_>>()?;
    Some((version, files))
}

/// A path made absolute against the current folder, without touching the disk.
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// Where a path really points, even when it does not exist yet: its longest existing ancestor
/// resolved with symlinks, then the rest with `.` and `..` applied.
fn resolve(path: &Path) -> PathBuf {
    let path = absolute(path);
    let mut existing = path.as_path();
    let mut rest: Vec<Component<'_>> = Vec::new();
    let base = loop {
        if let Ok(c) = existing.canonicalize() {
            break c;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => break existing.to_path_buf(),
        }
    };
    let mut out = base;
    for c in rest.into_iter().rev() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The home folder, resolved, when the environment names one.
fn home_folder() -> Option<PathBuf> {
    ["HOME", "USERPROFILE"]
        .iter()
        .filter_map(std::env::var_os)
        .find(|h| !h.is_empty())
        .and_then(|h| PathBuf::from(h).canonicalize().ok())
}

/// Checks the output folder, then writes `files` into it atomically: the previous output is
/// replaced only once every file is written, and stays as it was if anything fails or the
/// process dies. `force` is as for [`check_output`].
pub fn write_atomically(root: &Path, output: &Path, files: &[Rendered], force: bool) -> Result<()> {
    check_output(root, output, force)?;
    write_checked(output, files)
}

/// [`write_atomically`] for an output folder [`check_output`] has just accepted: every file is
/// checked as a page would be ([`Staging::create`]), then written in parallel.
pub(crate) fn write_checked(output: &Path, files: &[Rendered]) -> Result<()> {
    let routes: Vec<Route> = files.iter().map(|f| f.route.clone()).collect();
    let staging = Staging::create(output, &routes)?;
    files
        .par_iter()
        .try_for_each(|f| staging.put(FileKind::Page, &f.route, &f.bytes))?;
    staging.finish().map(|_| ())
}

/// Removes `{name}.kohyo-tmp-{pid}` and `{name}.kohyo-old-{pid}` folders beside the output that
/// a killed build left: only those holding kohyo's manifest, and only when their process is gone.
/// Best effort: a folder that cannot be removed stays for the next build.
fn remove_stale_siblings(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| stale_pid(n, name)) else {
            continue;
        };
        let path = entry.path();
        if pid == own || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        // Either version: the sibling may be from a kohyo before v2.
        let marked = std::fs::read_to_string(path.join(MANIFEST_FILE)).is_ok_and(|t| {
            t.lines()
                .next()
                .and_then(ManifestVersion::of_header)
                .is_some()
        });
        if marked && process_is_gone(pid, &path) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The process id in `{name}.kohyo-tmp-{pid}` or `{name}.kohyo-old-{pid}`.
fn stale_pid(file_name: &str, name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix(name)?;
    let digits = rest
        .strip_prefix(".kohyo-tmp-")
        .or_else(|| rest.strip_prefix(".kohyo-old-"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether the build that made a sibling folder has ended: on Linux, its process is gone from
/// /proc; elsewhere, the folder has not been touched for an hour.
fn process_is_gone(pid: u32, folder: &Path) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return !proc.join(pid.to_string()).exists();
    }
    std::fs::metadata(folder)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > std::time::Duration::from_secs(3600))
}

/// Moves `tmp` to `output`, moving a previous `output` aside first and deleting it after.
fn swap_in(tmp: &Path, output: &Path, old: &Path) -> Result<()> {
    if !output.exists() {
        return std::fs::rename(tmp, output).with_context(|| {
            let _ = std::fs::remove_dir_all(tmp);
            format!("cannot move the new site into {}", output.display())
        });
    }
    if old.exists() {
        std::fs::remove_dir_all(old)
            .with_context(|| format!("cannot remove the stale {}", old.display()))?;
    }
    if let Err(e) = std::fs::rename(output, old) {
        let _ = std::fs::remove_dir_all(tmp);
        return Err(e)
            .with_context(|| format!("cannot move the previous {} aside", output.display()));
    }
    if let Err(e) = std::fs::rename(tmp, output) {
        let _ = std::fs::rename(old, output);
        let _ = std::fs::remove_dir_all(tmp);
        return Err(e)
            .with_context(|| format!("cannot move the new site into {}", output.display()));
    }
    std::fs::remove_dir_all(old).with_context(|| {
        format!(
            "the new site is in place, but {} could not be removed",
            old.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_sorted_and_reads_back() {
        let files = [
            ("joso/index.html", "b"),
            ("404.html", "a"),
            ("index.html", "c"),
        ];
        let text = manifest_text(
            files
                .iter()
                .map(|(path, text)| (path.to_string(), FileHash::of(text.as_bytes())))
                .collect(),
        );
        let m = String::from_utf8(text).unwrap();
        let lines: Vec<&str> = m.lines().collect();
        assert_eq!(lines[0], MANIFEST_HEADER);
        let paths: Vec<&str> = lines[1..].iter().map(|l| &l[34..]).collect();
        assert_eq!(paths, ["404.html", "index.html", "joso/index.html"]);
        assert_eq!(&lines[1][..32], FileHash::of(b"a").to_string());
        let (version, parsed) = parse_manifest(&m).unwrap();
        assert_eq!(version, ManifestVersion::Xxh3);
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed["joso/index.html"], version.hash_hex(b"b"));
        assert!(parse_manifest("something else\n").is_none());
        assert!(parse_manifest(&format!("{MANIFEST_HEADER}\nno-two-spaces\n")).is_none());
    }

    #[test]
    fn a_v1_manifest_reads_back_with_sha256() {
        let v1 = format!("{MANIFEST_HEADER_V1}\n{}  index.html\n", sha256_hex(b"c"));
        let (version, parsed) = parse_manifest(&v1).unwrap();
        assert_eq!(version, ManifestVersion::Sha256);
        assert_eq!(parsed["index.html"], version.hash_hex(b"c"));
        assert_ne!(version.hash_hex(b"c"), ManifestVersion::Xxh3.hash_hex(b"c"));
    }

    #[test]
    fn the_file_hash_is_xxh3_128_as_xxhsum_prints_it() {
        // The reference values of XXH3-128 with seed 0 (xxHash's own test vectors).
        assert_eq!(
            FileHash::of(b"").to_string(),
            "99aa06d3014798d86001c324468d497f"
        );
        assert_eq!(FileHash::of(b"a").to_string().len(), 32);
        assert_ne!(FileHash::of(b"a"), FileHash::of(b"b"));
    }

    #[test]
    fn stale_siblings_are_recognised_by_name() {
        assert_eq!(stale_pid("public.kohyo-tmp-123", "public"), Some(123));
        assert_eq!(stale_pid("public.kohyo-old-9", "public"), Some(9));
        assert_eq!(stale_pid("public.kohyo-tmp-", "public"), None);
        assert_eq!(stale_pid("public.kohyo-tmp-1x", "public"), None);
        assert_eq!(stale_pid("other.kohyo-tmp-1", "public"), None);
    }

    #[test]
    fn resolve_applies_dot_dot_after_the_existing_part() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(resolve(&dir.path().join("a/b/../c")), real.join("a/c"));
        assert_eq!(resolve(&dir.path().join("a/../..")), real.parent().unwrap());
        assert_eq!(resolve(&dir.path().join("./x/.")), real.join("x"));
    }
}
