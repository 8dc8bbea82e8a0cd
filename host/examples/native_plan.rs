//! The one native baseline of the bindings' benchmarks (bindings-node/bench/plan.mjs,
//! bindings-python/bench/plan.py, bindings-wasm/bench/plan.mjs): the operations they
//! time, on the same generated project, in Rust — so each binding's ratio compares
//! like with like. Prints one JSON object of medians in milliseconds:
//!
//! `cargo run --release -p renn-host --example native_plan -- DIR STAGE ITERATIONS [--bytes]`
//!
//! `--bytes` hands the files in as bytes (as Python's benchmark does) instead of text.

use renn_core::{FileContent, PlanOptions, Project, Snapshot};
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, stage, iterations, bytes) = match args.as_slice() {
        [d, s, n] => (d, s, n, false),
        [d, s, n, flag] if flag == "--bytes" => (d, s, n, true),
        _ => panic!("usage: native_plan DIR STAGE ITERATIONS [--bytes]"),
    };
    let dir = Path::new(dir);
    let n: usize = iterations.parse().expect("ITERATIONS is a number");
    let files = read_tree(dir, bytes);
    let plan = |p: &Project| {
        p.plan(stage, PlanOptions::default())
            .expect("the stage plans")
    };
    let project = Project::new(Snapshot::from_files(files.clone()).unwrap()).unwrap();
    let plan_only = median_ms(n, || drop(plan(&project)));
    let from_files = median_ms(n, || {
        drop(Project::new(Snapshot::from_files(files.clone()).unwrap()).unwrap());
    });
    let from_files_plan = median_ms(n, || {
        let snapshot = Snapshot::from_files(files.clone()).unwrap();
        drop(plan(&Project::new(snapshot).unwrap()));
    });
    let load_plan = median_ms(n, || drop(plan(&renn_host::load_project(dir).unwrap())));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{{\"plan\": {plan_only:.3}, \"from_files\": {from_files:.3}, \"from_files_plan\": {from_files_plan:.3}, \"load_plan\": {load_plan:.3}, \"threads\": {threads}}}"
    );
}

/// The project's files as a binding hands them to `fromFiles`: every directory as a
/// `dir/` key, every file as text (or bytes).
fn read_tree(root: &Path, bytes: bool) -> Vec<(String, FileContent)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                out.push((format!("{rel}/"), FileContent::Present));
                dirs.push(path);
            } else if bytes {
                out.push((rel, FileContent::Bytes(std::fs::read(&path).unwrap())));
            } else {
                out.push((
                    rel,
                    FileContent::Text(std::fs::read_to_string(&path).unwrap()),
                ));
            }
        }
    }
    out
}

/// Median wall time in ms, after one warm-up call (page cache, allocator).
fn median_ms(n: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut samples: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
