//! The `kohyo` command: a thin layer over the library that parses arguments, runs a command and
//! sets the exit status (1 on any error).

use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a build makes and drops millions of small strings
/// and template contexts, and glibc's malloc spent a third of the CPU on them (see
/// docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "kohyo",
    version,
    about = "公表: evaluation sheets into an accessible website"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load and validate the site without writing anything.
    Check {
        /// The site root, holding kohyo.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Load, validate and render the site into a folder of static pages.
    Build {
        /// The site root, holding kohyo.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: {root}/public). Replaced only when the build succeeds.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Print nothing but diagnostics and errors.
        #[arg(long)]
        quiet: bool,
        /// Replace the output folder even when it holds files kohyo did not write (they are
        /// deleted). Never allowed for the site's own folders, the home folder or /.
        #[arg(long)]
        force: bool,
        /// Print how long each step took (load, validate, export, render, write) and the time
        /// spent on charts. Also on with the environment variable KOHYO_TIMINGS=1.
        #[arg(long)]
        timings: bool,
    },
    /// Preview the site on 127.0.0.1, rebuilding and reloading the browser as files change.
    Serve {
        /// The site root, holding kohyo.toml and content/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on; 0 takes any free port.
        #[arg(long, default_value_t = kohyo::serve::DEFAULT_PORT)]
        port: u16,
    },
    /// Write the JSON Schemas of the content files into a folder (for editors).
    Schema {
        /// Where to write the schemas.
        #[arg(long, default_value = "schemas")]
        output: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { root } => check(&root),
        Command::Build {
            root,
            output,
            quiet,
            force,
            timings,
        } => build(&root, output.as_deref(), quiet, force, timings),
        Command::Serve { root, port } => {
            let served = kohyo::serve::serve(&root, port, color(), |addr| {
                println!("serving http://{addr}/");
            });
            match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Schema { output } => match write_schemas(&output) {
            Ok(n) => {
                println!("wrote {n} schemas to {}", output.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write schemas to {}: {e}", output.display());
                ExitCode::FAILURE
            }
        },
    }
}

/// Whether diagnostics on stderr are coloured: on a terminal, unless `NO_COLOR` is set.
fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// `kohyo check`: every diagnostic, then a one-line verdict.
fn check(root: &Path) -> ExitCode {
    let (site, report) = kohyo::check(root);
    eprint!("{}", report.render(color()));
    match site {
        Some(site) if !report.has_errors() => {
            let warnings = report.warning_count();
            println!(
                "ok: {}{}",
                kohyo::Summary::of(&site),
                if warnings > 0 {
                    format!(", {warnings} warnings")
                } else {
                    String::new()
                }
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "error: {} errors, {} warnings; nothing was written",
                report.error_count(),
                report.warning_count()
            );
            ExitCode::FAILURE
        }
    }
}

/// `kohyo build`: the build with its progress bar, its diagnostics, then its summary.
fn build(root: &Path, output: Option<&Path>, quiet: bool, force: bool, timings: bool) -> ExitCode {
    let options = kohyo::build::BuildOptions { force };
    let bar = Bar::new(!quiet && std::io::stderr().is_terminal());
    let (report, result) = kohyo::build::build_observed(root, output, options, &bar);
    bar.finish();
    eprint!("{}", report.render(color()));
    match result {
        Ok(summary) => {
            let env = std::env::var("KOHYO_TIMINGS").is_ok_and(|v| !v.is_empty() && v != "0");
            if timings || env {
                eprintln!("timings: {}", summary.timings);
            }
            if !quiet {
                println!("ok: {summary}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write_schemas(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let all = kohyo::schema::all();
    for (name, json) in &all {
        std::fs::write(dir.join(name), json)?;
    }
    Ok(all.len())
}

/// The progress bar of `kohyo build`: drawn on stderr, and only once a build has taken more than
/// a moment, so that a small site prints nothing but its summary.
struct Bar {
    bar: indicatif::ProgressBar,
    visible: bool,
    shown: std::sync::atomic::AtomicBool,
    started: std::time::Instant,
}

impl Bar {
    /// How long a build runs before the bar appears.
    const DELAY: std::time::Duration = std::time::Duration::from_millis(300);

    fn new(visible: bool) -> Bar {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        Bar::style(&bar, true);
        Bar {
            bar,
            visible,
            shown: std::sync::atomic::AtomicBool::new(false),
            started: std::time::Instant::now(),
        }
    }

    /// A bar of pages for a step that counts them, else the step's name and the time.
    fn style(bar: &indicatif::ProgressBar, counted: bool) {
        let template = if counted {
            "{prefix:>8} [{bar:30}] {pos}/{len} pages {elapsed}"
        } else {
            "{prefix:>8} {elapsed}"
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
    }

    /// Starts drawing once the build has run for [`Bar::DELAY`].
    fn show_when_slow(&self) {
        use std::sync::atomic::Ordering;
        if self.visible
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= Self::DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            // Redraw the time during steps that report no count (load, export, write).
            self.bar
                .enable_steady_tick(std::time::Duration::from_millis(250));
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl kohyo::progress::Progress for Bar {
    fn step(&self, name: &'static str, total: Option<u64>) {
        self.bar.set_prefix(name);
        Bar::style(&self.bar, total.is_some());
        if let Some(total) = total {
            self.bar.set_length(total);
            self.bar.set_position(0);
        }
        self.show_when_slow();
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
        self.show_when_slow();
    }
}
