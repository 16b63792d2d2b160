//! Throws seeded random damage at the sample site and reports panics, slow cases (over 2 s) and
//! errors without a location (see `tests/mutate/mod.rs` for the mutations).
//!
//! ```sh
//! cargo run --release --example mutate -- --cases 5000 [--start 0] [--no-build]
//! cargo run --release --example mutate -- --replay 1234     # one seed: its edits and its report
//! ```
//!
//! Each case runs on a worker thread (with the main thread's 8 MiB stack) inside
//! `catch_unwind`; a case still running after 60 s is reported as a hang and ends the run. Every
//! finding prints its seed.

#[path = "../tests/mutate/mod.rs"]
mod mutate;

use mutate::{Case, Finding, Sample};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A case slower than this is a finding.
const SLOW: Duration = Duration::from_secs(2);
/// A case slower than this is a hang: the run stops.
const HANG: Duration = Duration::from_secs(60);

struct Args {
    start: u64,
    cases: u64,
    build: bool,
    replay: Option<u64>,
}

fn args() -> Args {
    let mut a = Args {
        start: 0,
        cases: 1000,
        build: true,
        replay: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut num = || it.next().and_then(|v| v.parse().ok()).expect("a number");
        match arg.as_str() {
            "--start" => a.start = num(),
            "--cases" => a.cases = num(),
            "--replay" => a.replay = Some(num()),
            "--no-build" => a.build = false,
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// What happened to one case.
enum Outcome {
    Done(Vec<Finding>, bool),
    Panicked(String),
}

fn scratch() -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    }
}

fn run_one(case: &Case, build: bool) -> Outcome {
    let dir = tempfile::Builder::new()
        .prefix("kohyo-mutate-")
        .tempdir_in(scratch())
        .unwrap();
    let root = dir.path().join("site");
    case.write(&root);
    let output = dir.path().join("out");
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        mutate::run(case, &root, &output, build)
    }));
    match caught {
        Ok((findings, passed)) => Outcome::Done(findings, passed),
        Err(_) => Outcome::Panicked(LAST_PANIC.lock().unwrap().take().unwrap_or_default()),
    }
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() {
    let args = args();
    panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info.location().map(|l| l.to_string()).unwrap_or_default();
        *LAST_PANIC.lock().unwrap() = Some(format!("{msg} at {at}"));
    }));
    let sample = Arc::new(Sample::read());
    if let Some(seed) = args.replay {
        replay(&sample, seed);
        return;
    }
    let (to_worker, cases) = mpsc::channel::<u64>();
    let (to_main, results) = mpsc::channel::<(u64, Outcome, Duration)>();
    let worker_sample = Arc::clone(&sample);
    let build = args.build;
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            for seed in cases {
                let case = mutate::make_case(&worker_sample, seed);
                let started = Instant::now();
                let outcome = run_one(&case, build);
                if to_main.send((seed, outcome, started.elapsed())).is_err() {
                    return;
                }
            }
        })
        .unwrap();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut distinct: BTreeMap<String, u64> = BTreeMap::new();
    let started = Instant::now();
    for seed in args.start..args.start + args.cases {
        to_worker.send(seed).unwrap();
        let (seed, outcome, took) = match results.recv_timeout(HANG) {
            Ok(r) => r,
            Err(_) => {
                println!("HANG seed {seed}: still running after {HANG:?}");
                std::process::exit(2);
            }
        };
        *counts.entry("cases").or_default() += 1;
        if took > SLOW {
            *counts.entry("slow").or_default() += 1;
            println!("SLOW seed {seed}: {:.1} s", took.as_secs_f64());
        }
        match outcome {
            Outcome::Panicked(msg) => {
                *counts.entry("panic").or_default() += 1;
                println!("PANIC seed {seed}: {msg}");
                *distinct.entry(format!("panic: {msg}")).or_default() += 1;
            }
            Outcome::Done(findings, passed) => {
                *counts
                    .entry(if passed {
                        "check passed"
                    } else {
                        "check failed"
                    })
                    .or_default() += 1;
                for f in findings {
                    *counts.entry(kind(&f)).or_default() += 1;
                    let key = format!("{f:?}");
                    let first = !distinct.contains_key(&key);
                    *distinct.entry(key.clone()).or_default() += 1;
                    if first {
                        println!("FINDING seed {seed}: {key}");
                    }
                }
            }
        }
    }
    println!(
        "{} cases in {:.0} s: {counts:?}",
        args.cases,
        started.elapsed().as_secs_f64()
    );
    for (k, n) in distinct {
        println!("{n:6} × {}", k.chars().take(300).collect::<String>());
    }
}

fn kind(f: &Finding) -> &'static str {
    match f {
        Finding::NoFile(_) => "no file",
        Finding::NoLine(..) => "no line",
        Finding::SilentFailure => "silent failure",
        Finding::BuildFailed(_) => "build failed",
    }
}

fn replay(sample: &Sample, seed: u64) {
    let case = mutate::make_case(sample, seed);
    for e in &case.edits {
        println!("edit: {}", e.chars().take(300).collect::<String>());
    }
    let dir = tempfile::tempdir_in(scratch()).unwrap();
    let root = dir.path().join("site");
    case.write(&root);
    let started = Instant::now();
    let (_, report) = kohyo::check(&root);
    println!("check: {:.3} s", started.elapsed().as_secs_f64());
    let text = report.render(false);
    println!("{}", text.chars().take(20_000).collect::<String>());
    let outcome = run_one(&case, true);
    match outcome {
        Outcome::Panicked(msg) => println!("PANIC: {msg}"),
        Outcome::Done(f, passed) => println!("passed {passed}, findings {f:?}"),
    }
    if std::env::var_os("KEEP").is_some() {
        let keep = dir.keep();
        println!("kept in {}", keep.display());
    }
}
