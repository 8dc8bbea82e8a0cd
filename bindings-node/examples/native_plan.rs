//! The native side of `bench/plan.mjs`: the same operations on the same project as
//! the bindings, timed in Rust, so the ratios compare like with like. Prints one
//! JSON object of medians in milliseconds.
//!
//! `cargo run --release -p renn-node --example native_plan -- <project dir> <stage> <iterations>`

use renn_core::plan::PlanOptions;
use renn_core::{FileContent, Project, Snapshot};
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, stage, iterations] = &args[..] else {
        panic!("usage: native_plan <project dir> <stage> <iterations>");
    };
    let dir = Path::new(dir);
    let iterations: usize = iterations.parse().expect("iterations is a number");
    let files = read_files(dir);
    let plan = |p: &Project| {
        p.plan(stage, PlanOptions::default())
            .expect("the stage plans")
    };

    let project = Project::new(Snapshot::from_files(files.clone()).unwrap()).unwrap();
    let plan_only = median(iterations, || drop(plan(&project)));
    let from_files = median(iterations, || {
        let snap = Snapshot::from_files(files.clone()).unwrap();
        drop(plan(&Project::new(snap).unwrap()));
    });
    let load = median(iterations, || {
        drop(plan(&renn_host::load_project(dir).unwrap()));
    });
    println!(
        "{{\"plan\": {plan_only:.3}, \"fromFiles+plan\": {from_files:.3}, \"load+plan\": {load:.3}}}"
    );
}

/// The project's files as text, as the JS side hands them to `Project.fromFiles`.
fn read_files(root: &Path) -> Vec<(String, FileContent)> {
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
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((rel, FileContent::Text(text)));
            }
        }
    }
    out
}

/// Median wall time in ms, after one warm-up call.
fn median(iterations: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut samples: Vec<f64> = (0..iterations)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
