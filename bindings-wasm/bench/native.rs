//! The native baseline of bindings-wasm/bench/plan.mjs (`cargo bench -p renn-wasm
//! --bench wasm_baseline`, a bench of renn-wasm declared in bindings-wasm/Cargo.toml): the same
//! work as the WASM module, in Rust. plan.mjs writes the generated stage to
//! `RENN_BENCH_DIR`; this reads it into memory once and prints, as JSON, the medians
//! of building the project from the files and of planning it (inventory + plan, the
//! figure cli/benches/plan.rs reports as "in memory").

use renn_core::plan::PlanOptions;
use renn_core::{FileContent, Project, Snapshot};
use std::path::Path;
use std::time::{Duration, Instant};

fn read(root: &Path, dir: &Path, out: &mut Vec<(String, FileContent)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            read(root, &path, out);
        } else {
            out.push((
                rel,
                FileContent::Text(std::fs::read_to_string(&path).unwrap()),
            ));
        }
    }
}

fn median(iterations: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up: allocator, caches
    let mut samples: Vec<Duration> = (0..iterations)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let Some(dir) = std::env::var_os("RENN_BENCH_DIR") else {
        println!("wasm_baseline: run by bindings-wasm/bench/plan.mjs (RENN_BENCH_DIR unset)");
        return;
    };
    let root = Path::new(&dir);
    let mut files = Vec::new();
    read(root, root, &mut files);
    let iterations = 15;
    // What `Project.fromFiles` does with the JavaScript strings once they are Rust's.
    let from_files = median(iterations, || {
        let snapshot = Snapshot::from_files(files.clone()).unwrap();
        Project::new(snapshot).unwrap();
    });
    let project = Project::new(Snapshot::from_files(files.clone()).unwrap()).unwrap();
    let plan = median(iterations, || {
        project.plan("3", PlanOptions::default()).unwrap();
    });
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{{\"from_files_ms\": {:.3}, \"plan_ms\": {:.3}, \"threads\": {}}}",
        ms(from_files),
        ms(plan),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
}
