//! Renders a site's pages several times in memory (no export, no write), for profiling the render
//! step alone: `cargo run --release --example render_bench -- DIR [RUNS] [THEME_ROOT…]`. Prints
//! the CPU time of the process (user + system, from `/proc/self/stat`) per run. With `THEME_ROOT`s,
//! runs alternate between the site's own theme and the ones under each `THEME_ROOT` (its
//! `templates/` overriding the default), so that versions of the templates can be compared on a
//! busy machine. Run it under `perf record` to split the time further.

use kohyo::render::theme::Theme;
use std::path::PathBuf;

/// The process's CPU time so far (all threads, user + system), in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12th and 13th after the `)`.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let (site, report) = kohyo::check(&root);
    let site =
        site.ok_or_else(|| anyhow::anyhow!("the site has {} errors", report.error_count()))?;
    let mut themes = vec![("site".to_string(), Theme::load(&root)?)];
    for other in args {
        themes.push((other.clone(), Theme::load(&PathBuf::from(other))?));
    }
    let mut totals = vec![0.0; themes.len()];
    for run in 0..runs {
        for (i, (name, theme)) in themes.iter().enumerate() {
            let cpu = cpu_seconds();
            let started = std::time::Instant::now();
            let out = kohyo::render::render_site(&site, theme)?;
            let used = cpu_seconds() - cpu;
            totals[i] += used;
            println!(
                "run {run} {name}: {} pages, wall {:.3} s, cpu {used:.2} s",
                out.pages,
                started.elapsed().as_secs_f64(),
            );
        }
    }
    for (i, (name, _)) in themes.iter().enumerate() {
        println!("mean cpu {name}: {:.3} s", totals[i] / runs as f64);
    }
    Ok(())
}
