//! Progress of a long build, reported to whoever watches it: the CLI draws a bar on a terminal
//! (`indicatif`), the library itself draws nothing. Steps report through [`Progress`], which is
//! `Sync` so that pages rendering in parallel can advance it.

/// Receives a build's progress. Every method has an empty default, so an observer implements only
/// what it shows.
pub trait Progress: Sync {
    /// A step starts (`load`, `validate`, `export`, `render`, `write` …); `total` is how many
    /// items it will report through [`Progress::advance`], when it does.
    fn step(&self, name: &'static str, total: Option<u64>) {
        let _ = (name, total);
    }

    /// `n` more items of the current step are done.
    fn advance(&self, n: u64) {
        let _ = n;
    }
}

/// The observer that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
