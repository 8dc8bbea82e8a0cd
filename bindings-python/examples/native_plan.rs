//! The native side of `bench/plan.py`: the same operations as the Python benchmark,
//! on the same generated stage, without Python. Prints medians in milliseconds as
//! JSON: `cargo run --release -p renn-python --example native_plan -- DIR STAGE N`.

use renn_core::{FileContent, PlanOptions, Project, Snapshot};
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, stage, iterations] = args.as_slice() else {
        panic!("usage: native_plan DIR STAGE ITERATIONS");
    };
    let dir = Path::new(dir);
    let n: usize = iterations.parse().expect("ITERATIONS is a number");
    let files = read_tree(dir, dir);
    let load = median_ms(n, || {
        let project = renn_host::load_project(dir).unwrap();
        project.plan(stage, PlanOptions::default()).unwrap();
    });
    let from_files = median_ms(n, || {
        let snapshot = Snapshot::from_files(files.clone()).unwrap();
        let project = Project::new(snapshot).unwrap();
        project.plan(stage, PlanOptions::default()).unwrap();
    });
    let project = renn_host::load_project(dir).unwrap();
    let plan = median_ms(n, || {
        project.plan(stage, PlanOptions::default()).unwrap();
    });
    println!(
        "{{\"load_plan\": {load:.3}, \"from_files_plan\": {from_files:.3}, \"plan\": {plan:.3}}}"
    );
}

/// The project as `Project.from_files` gets it in the Python benchmark: bytes.
fn read_tree(root: &Path, dir: &Path) -> Vec<(String, FileContent)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            out.push((format!("{rel}/"), FileContent::Present));
            out.extend(read_tree(root, &path));
        } else {
            out.push((rel, FileContent::Bytes(std::fs::read(&path).unwrap())));
        }
    }
    out
}

fn median_ms(n: usize, mut f: impl FnMut()) -> f64 {
    f(); // warm-up: page cache, allocator
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
