//! Times the charts alone: loads a site (the sample by default), then draws every chart its
//! project sheets, action items and KPI pages would get, several times over, and prints µs and
//! bytes per chart of each kind. A measurement for a person to read, not a test.
//!
//! ```sh
//! cargo run --release --example chart_timing                      # the sample, 20 rounds
//! cargo run --release --example chart_timing -- /dev/shm/s1k 3    # a synthetic site, 3 rounds
//! ```

use kohyo::chart::{self, Chart, history};
use kohyo::model::{AchievementConfig, Indicator, Site};
use kohyo::value::MoneyUnit;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What one chart is drawn from.
enum Job {
    Indicator(Box<Indicator>, kohyo::fiscal_year::FiscalYear),
    Budget(Vec<history::MoneyRow>, MoneyUnit, String),
    Status(Vec<chart::StatusCount>, String),
}

impl Job {
    fn kind(&self) -> usize {
        match self {
            Job::Indicator(..) => 0,
            Job::Budget(..) => 1,
            Job::Status(..) => 2,
        }
    }

    fn draw(&self, config: &AchievementConfig) -> Option<Chart> {
        match self {
            Job::Indicator(ind, y) => chart::indicator_chart(ind, Some(*y), "c", config).unwrap(),
            Job::Budget(rows, unit, subject) => {
                chart::budget_chart(rows, *unit, subject, "b").unwrap()
            }
            Job::Status(counts, subject) => {
                Some(chart::status_chart(counts, subject, "s").unwrap())
            }
        }
    }
}

/// Every chart the site's sheets would draw (one per indicator with a number, a budget chart per
/// project sheet with more than one row, a status chart per municipality and year).
fn jobs(site: &Site) -> (Vec<Job>, usize) {
    let mut jobs = Vec::new();
    let mut sheets = 0;
    for m in &site.municipalities {
        for h in m.projects.values() {
            for (&y, p) in h {
                sheets += 1;
                for a in &p.activities {
                    for i in &a.indicators {
                        if let Some(j) = history::output_indicator(h, y, &a.name, &i.id) {
                            jobs.push(Job::Indicator(Box::new(j), y));
                        }
                    }
                }
                for i in &p.outcomes {
                    if let Some(j) = history::outcome_indicator(h, y, &i.id) {
                        jobs.push(Job::Indicator(Box::new(j), y));
                    }
                }
                let rows = history::money_rows(h, y);
                if rows.len() > 1 {
                    jobs.push(Job::Budget(rows, p.money_unit, p.name.clone()));
                }
            }
        }
        for h in m.actions.values() {
            for &y in h.keys() {
                sheets += 1;
                if let Some(k) = history::action_kpi(h, y) {
                    jobs.push(Job::Indicator(Box::new(k), y));
                }
            }
        }
        for y in m.fiscal_years() {
            let inds: Vec<&Indicator> = m.projects_in(y).flat_map(|p| p.indicators()).collect();
            let counts = chart::status_counts(inds, y, &m.achievement);
            jobs.push(Job::Status(
                counts,
                format!("{} {}", m.name, y.long_label()),
            ));
        }
    }
    (jobs, sheets)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let rounds: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let (site, report) = kohyo::check(&root);
    let Some(site) = site else {
        eprintln!("{}", report.render(false));
        std::process::exit(1);
    };
    let config = site.config.achievement.clone();
    let (jobs, sheets) = jobs(&site);
    let names = ["indicator", "budget", "status"];
    let mut time = [Duration::ZERO; 3];
    let mut count = [0usize; 3];
    let mut bytes = [0usize; 3];
    for round in 0..rounds {
        for job in &jobs {
            let k = job.kind();
            let started = Instant::now();
            let c = job.draw(&config);
            time[k] += started.elapsed();
            if let Some(c) = c {
                if round == 0 {
                    count[k] += 1;
                    bytes[k] += c.svg.len();
                }
                std::hint::black_box(c);
            }
        }
    }
    println!("{} sheets, {} rounds", sheets, rounds);
    let per = |t: Duration, n: usize| t.as_secs_f64() * 1e6 / (n.max(1) as f64 * f64::from(rounds));
    for k in 0..3 {
        println!(
            "{:<9} {:>6} charts  {:>8.1} µs/chart  {:>7.0} bytes/chart",
            names[k],
            count[k],
            per(time[k], count[k]),
            bytes[k] as f64 / count[k].max(1) as f64
        );
    }
    let all: Duration = time.iter().sum();
    let n: usize = count.iter().sum();
    let b: usize = bytes.iter().sum();
    println!(
        "all       {:>6} charts  {:>8.1} µs/chart  {:>7.0} bytes/chart  {:.0} bytes of SVG per sheet",
        n,
        per(all, n),
        b as f64 / n.max(1) as f64,
        b as f64 / sheets.max(1) as f64
    );
}
