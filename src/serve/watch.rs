//! Watching the site's folders for `kohyo serve` (with `notify`), and sorting what changed into
//! the work it calls for: a municipality reloaded, everything reloaded, or the theme recompiled.
//!
//! Editors save in bursts (a temporary file written, then renamed over the sheet), so events are
//! collected until the folders have been quiet for [`QUIET`] and handled as one change.

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long the folders must be quiet before a burst of events is handled.
pub(crate) const QUIET: Duration = Duration::from_millis(25);
/// The longest a burst is collected before it is handled anyway.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// The folders watched under the root, with everything inside them (`kohyo.toml` is seen by
/// watching the root itself, without its sub-folders).
const FOLDERS: [&str; 4] = ["content", "templates", "static", "themes"];

/// What a burst of changes calls for.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// Reload everything (`kohyo.toml`, or `content/` itself changed).
    pub(crate) all: bool,
    /// Reload these municipalities (folder names under `content/`).
    pub(crate) municipalities: BTreeSet<String>,
    /// Recompile the theme (templates or static files).
    pub(crate) theme: bool,
    /// Every path named by an event.
    pub(crate) paths: BTreeSet<PathBuf>,
    /// When the first event of the burst arrived.
    pub(crate) since: Option<Instant>,
}

impl Changes {
    /// Whether nothing the site uses changed.
    pub(crate) fn is_empty(&self) -> bool {
        !self.all && !self.theme && self.municipalities.is_empty()
    }

    /// Notes one changed path.
    fn add(&mut self, root: &Path, path: &Path) {
        let Ok(rel) = path.strip_prefix(root) else {
            return;
        };
        let parts: Vec<&str> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => s.to_str(),
                _ => None,
            })
            .collect();
        match parts.as_slice() {
            [crate::load::CONFIG_FILE] | ["content"] => self.all = true,
            ["content", name, ..] if name.starts_with('.') => return,
            // A file directly in content/ is reported by the walk of the whole folder.
            ["content", name] if name.contains('.') => self.all = true,
            ["content", slug, ..] => {
                self.municipalities.insert(slug.to_string());
            }
            [first, ..] if FOLDERS[1..].contains(first) => self.theme = true,
            _ => return,
        }
        self.paths.insert(path.to_path_buf());
    }
}

/// The folders of a site being watched.
pub(crate) struct Watcher {
    root: PathBuf,
    inner: notify::RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    watched: BTreeSet<&'static str>,
}

impl Watcher {
    /// Starts watching the site under `root` (an absolute path).
    pub(crate) fn new(root: &Path) -> notify::Result<Watcher> {
        let (tx, events) = channel();
        let mut inner = notify::recommended_watcher(tx)?;
        inner.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = Watcher {
            root: root.to_path_buf(),
            inner,
            events,
            watched: BTreeSet::new(),
        };
        w.watch_folders();
        Ok(w)
    }

    /// Watches the folders that exist and are not watched yet (one may be created later).
    fn watch_folders(&mut self) {
        for name in FOLDERS {
            let dir = self.root.join(name);
            if !self.watched.contains(name)
                && dir.is_dir()
                && self.inner.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(name);
            }
        }
    }

    /// Waits for the next burst of changes that matter; `None` when watching has stopped.
    pub(crate) fn next(&mut self) -> Option<Changes> {
        loop {
            let mut changes = Changes::default();
            let first = self.events.recv().ok()?;
            let since = Instant::now();
            changes.since = Some(since);
            self.take(first, &mut changes);
            while since.elapsed() < MAX_WAIT {
                match self.events.recv_timeout(QUIET) {
                    Ok(event) => self.take(event, &mut changes),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            self.watch_folders();
            if !changes.is_empty() {
                return Some(changes);
            }
        }
    }

    /// Adds an event's paths to `changes`, unless it only reports a read.
    fn take(&self, event: notify::Result<Event>, changes: &mut Changes) {
        let Ok(event) = event else {
            // The watcher lost events (an overflowing queue): reload everything.
            changes.all = true;
            return;
        };
        let counts = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            _ => true,
        };
        if counts {
            for path in &event.paths {
                changes.add(&self.root, path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_paths_into_work() {
        let root = Path::new("/site");
        let mut c = Changes::default();
        c.add(root, Path::new("/site/content/joso/2024/projects/124.toml"));
        c.add(root, Path::new("/site/content/joso/.124.toml.swp"));
        c.add(root, Path::new("/site/content/.hidden/x.toml"));
        c.add(root, Path::new("/site/public/index.html"));
        c.add(root, Path::new("/elsewhere/content/x/y.toml"));
        assert_eq!(c.municipalities, BTreeSet::from(["joso".to_string()]));
        assert!(!c.all && !c.theme);
        c.add(root, Path::new("/site/templates/project.html"));
        assert!(c.theme && !c.all);
        c.add(root, Path::new("/site/kohyo.toml"));
        assert!(c.all);
        let mut d = Changes::default();
        d.add(root, Path::new("/site/content/stray.toml"));
        assert!(d.all && d.municipalities.is_empty());
        let mut e = Changes::default();
        e.add(root, Path::new("/site/themes/default/static/style.css"));
        assert!(e.theme);
    }
}
