//! A GSD project run as it is: the demo converted to GSD's `.planning/` layout by
//! scripts/gsd/demo.sh, executed with the built-in demo agent. Everything renn writes
//! must be in GSD's names and words, where GSD's own tools look for it
//! (scripts/gsd/roundtrip.sh then asks those tools).

use super::*;
use serde_json::json;

const PHASE: &str = ".planning/phases/02-accounts";

/// A git repository holding the demo in GSD's layout, its agent the demo agent.
fn gsd_demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/gsd/demo.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/gsd/demo.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config_path = dir.path().join(".planning/config.json");
    let mut config: Value =
        serde_json::from_str(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
    config["agent"] = json!({
        "command": ["{renn}", "demo-agent", "{agent}", "{run_id}"],
        "timeout_secs": 120
    });
    std::fs::write(&config_path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
    let p = dir.path();
    git(p, &["init", "-q", "-b", "main"]);
    git(p, &["config", "user.name", "GSD Test"]);
    git(p, &["config", "user.email", "gsd@example.com"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "docs(02): plan phase 2"]);
    dir
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_gsd_demo_runs_phase_2_end_to_end_in_gsd_names() {
    let tmp = gsd_demo();
    let dir = tmp.path();
    let phase_1_before = git(
        dir,
        &["ls-tree", "-r", "HEAD", ".planning/phases/01-foundation"],
    );

    // The plan is read from .planning/: the five plans left, 02-01 summarised already.
    let (code, out, err) = renn_in(dir, &["--json", "plan", "2"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let plan: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plan["stage"]["dir"], PHASE);
    assert_eq!(plan["skipped"]["complete"], json!(["02-01"]));

    // 02-04 ends with a checkpoint:human-verify: the first call stops there (exit 4),
    // the answer finishes the phase.
    let (code, out, err) = renn_in(dir, &["--json", "run-stage", "2"]);
    assert_eq!(code, 4, "stops at 02-04's checkpoint:\n{out}\n{err}");
    let (code, out, err) = renn_in(
        dir,
        &["--json", "run-stage", "2", "--respond", "02-04", "approved"],
    );
    assert_eq!(code, 0, "{out}\n{err}");

    // Every plan summarised as NN-MM-SUMMARY.md, the phase verified in NN-VERIFICATION.md.
    for n in 1..=6 {
        let summary = format!("{PHASE}/02-0{n}-SUMMARY.md");
        assert!(dir.join(&summary).is_file(), "{summary}");
    }
    let verification = read(dir, &format!("{PHASE}/02-VERIFICATION.md"));
    assert!(verification.contains("status: passed"), "{verification}");

    // ROADMAP.md: the phase checked; STATE.md in GSD's words.
    let roadmap = read(dir, ".planning/ROADMAP.md");
    assert!(roadmap.contains("- [x] **Phase 2: Accounts**"), "{roadmap}");
    assert!(
        roadmap.contains("- [x] **Phase 1: Foundation**"),
        "{roadmap}"
    );
    assert!(roadmap.contains("- [ ] **Phase 3: Sharing**"), "{roadmap}");
    let state = read(dir, ".planning/STATE.md");
    assert!(
        state.lines().any(|l| l.starts_with("Phase: ")),
        "STATE.md says Phase: {state}"
    );
    assert!(
        state.contains("\nLast activity: 2026-11-24"),
        "STATE.md updated: {state}"
    );
    assert!(
        state.starts_with("---\ngsd_state_version: 1.0\n"),
        "GSD's YAML header stays first: {state}"
    );
    for renn_word in ["Stage: ", "Run: ", "Last completed run"] {
        assert!(
            !state.lines().any(|l| l.starts_with(renn_word)),
            "no renn words in STATE.md ({renn_word}): {state}"
        );
    }

    // The docs commit as GSD's execute-phase writes it, with GSD's files.
    let subjects = git(dir, &["log", "--format=%s"]);
    assert_eq!(
        subjects.lines().next(),
        Some("docs(phase-02): complete phase execution"),
        "{subjects}"
    );
    let committed = git(dir, &["show", "--name-only", "--format=", "HEAD"]);
    for file in [
        ".planning/ROADMAP.md",
        ".planning/STATE.md",
        ".planning/phases/02-accounts/02-VERIFICATION.md",
    ] {
        assert!(
            committed.lines().any(|l| l == file),
            "{file} in {committed}"
        );
    }

    // Nothing in renn's own layout, nothing GSD would count as a plan or a summary, and
    // phase 1 untouched.
    assert!(!dir.join(".renn").exists(), ".renn/ created");
    for entry in std::fs::read_dir(dir.join(PHASE)).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            assert_ne!(name, "plans", "GSD scans a plans/ subdirectory for plans");
            continue;
        }
        if name.to_lowercase().contains("plan") {
            assert!(name.ends_with("-PLAN.md"), "GSD counts {name} as a plan");
        }
        if name.ends_with("-SUMMARY.md") {
            let id = name.trim_end_matches("-SUMMARY.md");
            assert!(
                dir.join(PHASE).join(format!("{id}-PLAN.md")).is_file(),
                "{name} summarises no plan"
            );
        }
    }
    assert_eq!(
        git(
            dir,
            &["ls-tree", "-r", "HEAD", ".planning/phases/01-foundation"]
        ),
        phase_1_before
    );
    let status = git(dir, &["status", "--porcelain"]);
    assert!(
        status.lines().all(|l| l.contains(&format!("{PHASE}/logs"))),
        "only the agents' logs are left uncommitted: {status}"
    );
}
