//! `cargo bench -p renn-cli --bench plan`: prints how fast renn plans big stages.
//!
//! Generates stages of 1,000 and 10,000 runs (~4 KB each) and prints
//! - core inventory + plan from an in-memory snapshot (goal: 10,000 runs < 100 ms),
//! - `renn plan --json` end to end on disk, process included (goal: 1,000 runs < 50 ms),
//! - `renn --version` (goal: < 5 ms),
//! - the seed's own `grep "^batch:"` shell loop on the same files, and the ratio.
//!
//! Figures are medians of several runs; they are printed, never asserted.

use renn_core::plan::PlanOptions;
use renn_core::{FileContent, Project, Snapshot};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS_PER_BATCH: usize = 100;

fn run_file(stage: &str, n: usize) -> String {
    let batch = (n - 1) / RUNS_PER_BATCH + 1;
    let deps = if batch > 1 {
        format!("[\"03-{:02}\"]", n - RUNS_PER_BATCH)
    } else {
        "[]".to_string()
    };
    let mut s = format!(
        "---\nstage: {stage}\nrun: {n:02}\ntype: execute\nbatch: {batch}\ndepends_on: {deps}\n\
         files_modified:\n  - src/module_{n}/mod.rs\n  - src/module_{n}/tests.rs\n\
         autonomous: true\ngap_closure: false\nmust_haves:\n  truths:\n    - \"module {n} works\"\n\
         \x20 artifacts:\n    - path: src/module_{n}/mod.rs\n      provides: \"module {n}\"\n---\n\n\
         <objective>\nModule {n} of the generated benchmark stage.\n\nPurpose: exercise the planner.\n</objective>\n\n\
         <context>\n@.renn/track.md\n</context>\n\n<tasks>\n"
    );
    let mut t = 1;
    while s.len() < 3800 {
        s.push_str(&format!(
            "<task type=\"auto\">\n  <name>Task {t}: build part {t} of module {n}</name>\n  \
             <files>src/module_{n}/mod.rs</files>\n  <action>Write the code for part {t}; keep it small \
             and tested. batch: 99 in prose must never count.</action>\n  <verify>cargo test module_{n}</verify>\n  \
             <done>Part {t} works</done>\n</task>\n"
        ));
        t += 1;
    }
    s.push_str("</tasks>\n\n<verification>cargo test</verification>\n");
    s
}

fn generate(root: &Path, runs: usize) -> Snapshot {
    let stage = "03-generated";
    let dir = root.join(".renn/stages").join(stage);
    std::fs::create_dir_all(&dir).unwrap();
    let mut snap = Snapshot::new();
    for n in 1..=runs {
        let text = run_file(stage, n);
        let name = format!("03-{n:02}-run.md");
        std::fs::write(dir.join(&name), &text).unwrap();
        snap.insert(
            format!(".renn/stages/{stage}/{name}"),
            FileContent::Text(text),
        );
    }
    snap
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(iterations: usize, mut f: impl FnMut()) -> Duration {
    if iterations > 1 {
        f(); // warm-up: page cache, allocator
    }
    median(
        (0..iterations)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:8.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let renn = env!("CARGO_BIN_EXE_renn");
    println!("renn plan benchmark (medians)\n");
    for runs in [1_000usize, 10_000] {
        let tmp = tempfile::tempdir().unwrap();
        let snap = generate(tmp.path(), runs);
        let bytes: usize = snap
            .files
            .values()
            .map(|c| match c {
                FileContent::Text(t) => t.len(),
                _ => 0,
            })
            .sum();
        let iters = if runs > 5_000 { 7 } else { 15 };
        let project = Project::new(snap).unwrap();
        let core = time(iters, || {
            let plan = project.plan("3", PlanOptions::default()).unwrap();
            assert_eq!(plan.batches.len(), runs / RUNS_PER_BATCH);
        });
        println!(
            "{runs:>6} runs, {:.1} MB of run files",
            bytes as f64 / 1_048_576.0
        );
        println!("  core inventory + plan, in memory   {}", ms(core));

        let cli = time(iters, || {
            let out = Command::new(renn)
                .args(["plan", "3", "--json", "--dir"])
                .arg(tmp.path())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        });
        println!("  renn plan --json, process on disk  {}", ms(cli));

        let script = r#"for run in "$1"/*-run.md; do
  batch=$(grep "^batch:" "$run" | cut -d: -f2 | tr -d ' ')
  autonomous=$(grep "^autonomous:" "$run" | cut -d: -f2 | tr -d ' ')
  echo "$run:$batch:$autonomous"
done > /dev/null"#;
        let stage_dir = tmp.path().join(".renn/stages/03-generated");
        let seed_iters = if runs > 5_000 { 1 } else { 3 };
        let seed = time(seed_iters, || {
            let st = Command::new("bash")
                .args(["-c", script, "seed"])
                .arg(&stage_dir)
                .status()
                .unwrap();
            assert!(st.success());
        });
        println!(
            "  seed's grep loop (batch+autonomous) {}  → renn is {:.0}× faster",
            ms(seed),
            seed.as_secs_f64() / cli.as_secs_f64()
        );
    }
    let version = time(30, || {
        let out = Command::new(renn).arg("--version").output().unwrap();
        assert!(out.status.success());
    });
    println!("\nrenn --version                       {}", ms(version));
    println!("\ngoals: 10,000 runs in memory < 100 ms; renn plan on 1,000 runs < 50 ms; --version < 5 ms");
}
