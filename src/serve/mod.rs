//! `kohyo serve`: a local preview of the site on `127.0.0.1` that follows the files as they are
//! edited.
//!
//! The site is loaded and validated once, then kept in memory ([`state`]); a page is rendered
//! when the browser asks for it, at the URL `kohyo build` would write it to, and kept until a
//! change it depends on. The folders are watched ([`watch`]): a changed sheet is re-read and
//! re-validated on its own, and its municipality's sheets joined again ([`loader`]); a changed
//! template recompiles the theme.
//! Every HTML page served carries a small live-reload script ([`mod@reload`]) that reloads it when
//! the site changes; while the content or the templates have errors, every page shows them
//! instead, and the terminal prints them as `kohyo check` does. Nothing is written to disk.

mod http;
mod loader;
mod reload;
mod state;
mod watch;

use crate::render::{lookup, theme::Theme, url::encode_segment};
use anyhow::{Context as _, Result, bail};
use http::{Refused, Response};
use state::{Answer, State};
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

/// The default port: Zola's (1111), whose `serve` kohyo follows; clear of the ports web
/// development servers usually take (3000, 8000, 8080) and of Hugo's 1313, so both can run.
pub const DEFAULT_PORT: u16 = 1111;

/// What the server threads share.
struct Shared {
    state: RwLock<State>,
    /// The site's version, raised by every reload; live-reload scripts compare it.
    version: Mutex<u64>,
    reloaded: Condvar,
    /// Colour the terminal's diagnostics.
    color: bool,
}

/// Serves the site under `root` on `127.0.0.1:port` (`0`: any free port) until the process is
/// stopped. `ready` is called with the address once the site is loaded and the server listens.
/// Returns only on a startup error (the port in use, a root that is not a folder).
pub fn serve(root: &Path, port: u16, color: bool, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    if !root.is_dir() {
        bail!("the site root {} is not a folder", root.display());
    }
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", root.display()))?;
    let listener = TcpListener::bind(("127.0.0.1", port)).with_context(|| {
        format!("cannot listen on 127.0.0.1:{port} (is another server using it? try --port 0)")
    })?;
    let addr = listener.local_addr()?;
    let mut watcher =
        watch::Watcher::new(&root).with_context(|| format!("cannot watch {}", root.display()))?;
    let started = Instant::now();
    let mut loader = loader::Loader::new(&root);
    let state = State::new(loader.all(&Default::default()), load_theme(&root));
    let shared = Arc::new(Shared {
        state: RwLock::new(state),
        version: Mutex::new(1),
        reloaded: Condvar::new(),
        color,
    });
    report(&shared, &format!("loaded in {}", ms(started.elapsed())));
    ready(addr);
    let worker = Arc::clone(&shared);
    std::thread::spawn(move || {
        while let Some(changes) = watcher.next() {
            reload(&worker, &mut loader, &root, &changes);
        }
    });
    for stream in listener.incoming().flatten() {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || handle(&shared, stream));
    }
    Ok(())
}

/// Applies a burst of changes, tells the terminal, and raises the version.
fn reload(shared: &Shared, loader: &mut loader::Loader, root: &Path, changes: &watch::Changes) {
    let started = Instant::now();
    let content = if changes.all {
        Some(loader.all(&changes.paths))
    } else if !changes.municipalities.is_empty() {
        let mut munis = Vec::new();
        for slug in &changes.municipalities {
            if let loader::Reloaded::Some(m) = loader.municipality(slug, &changes.paths) {
                munis.extend(m);
            }
        }
        Some(loader::Reloaded::Some(munis))
    } else {
        None
    };
    let theme = changes.theme.then(|| load_theme(root));
    let replaced = {
        let mut state = write(&shared.state);
        let replaced = content.map(|content| state.apply(content));
        if let Some(theme) = theme {
            state.set_theme(theme);
        }
        replaced
    };
    let ready = started.elapsed();
    let since = changes.since.map_or(ready, |t| t.elapsed());
    let what: Vec<String> = changes
        .paths
        .iter()
        .map(|p| crate::diagnostics::display_path(root, p))
        .collect();
    report(
        shared,
        &format!(
            "changed {}: ready in {} ({} after the first event, waiting {} for quiet)",
            what.join(", "),
            ms(ready),
            ms(since),
            ms(watch::QUIET)
        ),
    );
    *lock(&shared.version) += 1;
    shared.reloaded.notify_all();
    // Freed once the new version is out: pages need not wait for it.
    drop(replaced);
}

/// Prints the site's diagnostics (on stderr) and a status line (on stdout).
fn report(shared: &Shared, status: &str) {
    let state = read(&shared.state);
    let (errors, warnings, theme_failed) = state.counts();
    if errors + warnings > 0 || theme_failed {
        eprint!("{}", state.diagnostics(shared.color));
    }
    let health = if errors > 0 || theme_failed {
        format!("{errors} errors, {warnings} warnings: pages show the errors until they are fixed")
    } else {
        format!("{warnings} warnings")
    };
    println!("{status}; {health}");
}

/// Compiles the theme, keeping the error's text for the error page.
fn load_theme(root: &Path) -> Result<Theme, String> {
    Theme::load(root).map_err(|e| format!("{e:#}"))
}

/// Answers one connection.
fn handle(shared: &Shared, mut stream: TcpStream) {
    let request = match http::read_request(&stream) {
        Ok(Some(r)) => r,
        _ => return,
    };
    let request = match request {
        Ok(r) => r,
        Err(Refused::BadRequest(why)) => {
            let _ = http::write_response(&mut stream, &http::text(400, why), false);
            return;
        }
        Err(Refused::Method) => {
            let r = http::text(405, "only GET and HEAD");
            let _ = http::write_response(&mut stream, &r, false);
            return;
        }
    };
    if request.path == reload::EVENTS_PATH {
        let _ = events(shared, &mut stream);
        return;
    }
    let route = match request.path.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => dir,
        _ => request.path.as_str(),
    };
    let version = *lock(&shared.version);
    let answer = read(&shared.state).answer(route);
    let (status, content_type, body, location) = match answer {
        Answer::File {
            status,
            route,
            bytes,
        } => {
            let content_type = http::content_type(route.as_str());
            let html = lookup::is_page(&route) && content_type.starts_with("text/html");
            let body = if html {
                reload::inject(&bytes, version)
            } else {
                bytes.to_vec()
            };
            (status, content_type, body, None)
        }
        Answer::Redirect(to) => {
            let to: Vec<String> = to.split('/').map(encode_segment).collect();
            (
                301,
                "text/plain; charset=utf-8",
                Vec::new(),
                Some(format!("/{}", to.join("/"))),
            )
        }
        Answer::Broken(diagnostics) => (
            500,
            "text/html; charset=utf-8",
            reload::error_page(&diagnostics, version),
            None,
        ),
    };
    let response = Response {
        status,
        content_type,
        body: &body,
        location: location.as_deref(),
    };
    let _ = http::write_response(&mut stream, &response, request.head);
}

/// The live-reload event stream: the version now, then every new version, until the page goes.
fn events(shared: &Shared, stream: &mut TcpStream) -> std::io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n",
    )?;
    let mut sent = 0;
    loop {
        let version = {
            let guard = lock(&shared.version);
            let (guard, _) = shared
                .reloaded
                .wait_timeout_while(guard, Duration::from_secs(15), |v| *v == sent)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *guard
        };
        if version == sent {
            // A comment line: finds out that a closed page's connection is gone.
            stream.write_all(b": ping\n\n")?;
        } else {
            stream.write_all(format!("data: {version}\n\n").as_bytes())?;
            sent = version;
        }
        stream.flush()?;
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read(l: &RwLock<State>) -> std::sync::RwLockReadGuard<'_, State> {
    l.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write(l: &RwLock<State>) -> std::sync::RwLockWriteGuard<'_, State> {
    l.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}
