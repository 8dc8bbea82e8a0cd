use super::describe::sentences;
use super::*;
use crate::plan::PlanOptions;
use crate::recap;
use crate::{Project, Snapshot};

macro_rules! demo_file {
    ($snap:ident, $($path:literal),*) => {
        $( $snap = $snap.with_file(
            concat!(".renn/", $path),
            include_str!(concat!("../../../examples/demo/.renn/", $path)),
        ); )*
    };
}

fn demo() -> Project {
    let mut s = Snapshot::new();
    demo_file!(
        s,
        "config.json",
        "track.md",
        "pulse.md",
        "stages/02-accounts/02-01-run.md",
        "stages/02-accounts/02-01-recap.md",
        "stages/02-accounts/02-02-run.md",
        "stages/02-accounts/02-03-run.md",
        "stages/02-accounts/02-04-run.md",
        "stages/02-accounts/02-05-run.md",
        "stages/02-accounts/02-06-run.md"
    );
    Project::new(s).unwrap()
}

fn runs(p: &Project) -> Vec<Run> {
    p.plan("2", PlanOptions::default()).unwrap().runs
}

fn find<'a>(runs: &'a [Run], id: &str) -> &'a Run {
    runs.iter().find(|r| r.id.to_string() == id).unwrap()
}

fn recap(id: &str, one_liner: &str, deviations: &str, issues: &str) -> Recap {
    let text = format!(
        "---\nstage: 02-accounts\nrun: {}\n---\n\n# Run {id} Recap\n\n**{one_liner}**\n\n\
         ## Deviations from Run\n{deviations}\n\n## Issues Encountered\n{issues}\n",
        &id[3..]
    );
    recap::parse(&format!(".renn/stages/02-accounts/{id}-recap.md"), &text).unwrap()
}

const DRIFT: &str = "### Auto-fixed Issues\n\n**1. [Rule 1 - Bug] login returned 500 on an empty password**\n\
                     - **Fix:** validate before hashing\n\n**2. [Rule 3 - Blocking] httpx missing from dev extras**\n- added";

#[test]
fn batch_description_names_runs_from_their_objectives() {
    let p = demo();
    let runs = runs(&p);
    let batch2 = [find(&runs, "02-03"), find(&runs, "02-04")];
    let text = batch_description(2, &batch2);
    insta::assert_snapshot!("batch_2_description", text);
    assert!(text.contains("Spawning 2 agents..."));
    let one = batch_description(1, &[find(&runs, "02-02")]);
    insta::assert_snapshot!("batch_1_description", one);
    assert!(one.contains("Spawning 1 agent...\n"));
}

#[test]
fn description_of_a_gap_closure_run_and_of_long_or_missing_objectives() {
    let p = demo();
    let runs = runs(&p);
    let gap = Described::of(find(&runs, "02-06"));
    assert_eq!(
        gap.name,
        "Rate-limit login attempts per email and IP (gap closure)"
    );
    // The Purpose's two sentences, then the Output: three, the most there may be.
    let s = sentences(&gap.text);
    assert_eq!(s.len(), 3, "{}", gap.text);
    assert!(s[0].starts_with("Closes a gap found when reviewing 02-03: POST /auth/login"));
    assert!(s[2].starts_with("Produces middleware limiting failed logins"));

    let mut wordy = find(&runs, "02-02").clone();
    wordy.objective = "Store.\n\nPurpose: One. Two. Three. Four.\nOutput: x.".into();
    assert_eq!(Described::of(&wordy).text, "One. Two. Three.");

    let mut long = find(&runs, "02-02").clone();
    long.objective =
        "A very long first line that goes on and on about what this run builds in detail.\nMore."
            .into();
    long.summary = "A very long first line that goes on…".into();
    let d = Described::of(&long);
    assert_eq!(d.name, "A very long first line that goes on…");
    assert!(d.text.starts_with("A very long first line"), "{}", d.text);

    long.objective = String::new();
    long.summary = String::new();
    assert_eq!(Described::of(&long).name, "Run 02-02");
}

#[test]
fn sentences_do_not_split_abbreviations_or_versions() {
    assert_eq!(
        sentences("Use e.g. Redis v1.2 here. Then stop! ok"),
        ["Use e.g. Redis v1.2 here.", "Then stop! ok."]
    );
}

#[test]
fn batch_complete_reports_one_liners_drift_and_the_next_batch() {
    let p = demo();
    let runs = runs(&p);
    let r03 = recap(
        "02-03",
        "Signup, login and /auth/me with a session cookie",
        DRIFT,
        "None",
    );
    let r04 = recap(
        "02-04",
        "Password reset by one-time emailed link, verified with MailHog",
        "None - run executed exactly as written.",
        "- MailHog drops mail over 1 MB; fine for reset emails.",
    );
    let done = [
        (find(&runs, "02-03"), Some(&r03), &[][..]),
        (find(&runs, "02-04"), Some(&r04), &[][..]),
    ];
    let next = [find(&runs, "02-05"), find(&runs, "02-06")];
    let text = batch_complete(2, &done, Some(&next));
    insta::assert_snapshot!("batch_2_complete", text);
    assert!(text.contains(
        "Deviations: [Rule 1 - Bug] login returned 500 on an empty password; [Rule 3 - Blocking] httpx missing from dev extras"
    ));
    assert!(text.contains("Issues: MailHog drops mail"));

    let unchanged = ["Task 2 \"Checks\" changed nothing: only ran the suite".to_string()];
    let last = batch_complete(3, &[(find(&runs, "02-05"), None, &unchanged[..])], None);
    insta::assert_snapshot!("batch_3_complete_without_recap", last);
    assert!(!last.contains("Next"));
}

fn outcome(id: &str, batch: u32, status: RunStatus, recap: Option<Recap>) -> RunOutcome {
    RunOutcome {
        id: RunId::parse(id).unwrap(),
        batch,
        status,
        recap,
        failure: None,
        gates_passed: 0,
    }
}

#[test]
fn aggregate_with_a_failed_run_a_verified_gate_and_issues() {
    let p = demo();
    let stage = p.plan("2", PlanOptions::default()).unwrap().stage;
    let mut gate = outcome(
        "02-04",
        2,
        RunStatus::Done,
        Some(recap(
            "02-04",
            "Password reset by emailed link",
            "None",
            "- SMTP creds only in staging",
        )),
    );
    gate.gates_passed = 1;
    let mut failed = outcome("02-05", 3, RunStatus::Failed, None);
    failed.failure = Some("the runner exited with code 1\nand no RUN COMPLETE block".into());
    let outcomes = [
        outcome(
            "02-02",
            1,
            RunStatus::Done,
            Some(recap("02-02", "In-process session store", "None", "None")),
        ),
        outcome(
            "02-03",
            2,
            RunStatus::Done,
            Some(recap(
                "02-03",
                "Signup and login",
                DRIFT,
                "Flaky TestClient cookie jar; pinned httpx.",
            )),
        ),
        gate,
        failed,
        outcome("02-06", 3, RunStatus::Skipped, None),
    ];
    let text = aggregate(crate::layout::Layout::Renn.vocab(), &stage, &outcomes);
    insta::assert_snapshot!("aggregate_failed", text);
    assert!(text.starts_with("## Stage 2: Accounts Execution Incomplete\n"));
    assert!(text.contains("**Batches executed:** 3\n**Runs completed:** 3 of 5\n"));
    assert!(text.contains("| 2 | 02-04 | ✓ Verified |"));
    assert!(text.contains(
        "4. **02-05**: ✗ failed — the runner exited with code 1 and no RUN COMPLETE block"
    ));
}

#[test]
fn aggregate_all_complete_without_issues() {
    let p = demo();
    let stage = p.plan("2", PlanOptions::default()).unwrap().stage;
    let outcomes = [
        outcome(
            "02-02",
            1,
            RunStatus::Done,
            Some(recap("02-02", "Session store", "None", "None.")),
        ),
        outcome(
            "02-03",
            2,
            RunStatus::Done,
            Some(recap("02-03", "Signup and login", "None", "None")),
        ),
        outcome(
            "02-05",
            3,
            RunStatus::Done,
            Some(recap("02-05", "Logout and idle expiry", "None", "None")),
        ),
        outcome(
            "02-06",
            3,
            RunStatus::Done,
            Some(recap("02-06", "Login rate limit", "None", "None")),
        ),
    ];
    let text = aggregate(crate::layout::Layout::Renn.vocab(), &stage, &outcomes);
    insta::assert_snapshot!("aggregate_clean", text);
    assert!(text.starts_with("## Stage 2: Accounts Execution Complete\n"));
    assert!(text.contains("| 3 | 02-05, 02-06 | ✓ Complete |"));
    assert!(text.ends_with("### Issues Encountered\n\nNone\n"));
}

#[test]
fn status_serialises_snake_case() {
    assert_eq!(
        serde_json::to_string(&RunStatus::AtGate).unwrap(),
        "\"at_gate\""
    );
    assert!(RunStatus::Checking.is_active() && RunStatus::Skipped.is_settled());
}
