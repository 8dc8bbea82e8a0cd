use super::*;

const PATH: &str = ".renn/stages/03-auth/03-proof.md";

fn proof(front: &str, body: &str) -> Proof {
    parse(PATH, &format!("---\n{front}---\n{body}")).unwrap()
}

#[test]
fn passed_routes_to_the_track() {
    let p = proof(
        "stage: 03-auth\nstatus: passed\nscore: 7/7 must-haves verified\n",
        "# Proof\nAll good.\n",
    );
    assert_eq!(
        (p.status, p.overridden, p.score),
        (ProofStatus::Passed, false, Some((7, 7)))
    );
    assert_eq!(p.route("3"), Route::UpdateTrack);
}

#[test]
fn passed_with_human_items_in_the_body_is_human_needed() {
    let body = "## Human Verification Required\n\n1. Log in on a phone\n- [ ] Check the email arrives\n\n## Other\n- not this\n";
    let p = proof("status: passed\n", body);
    assert_eq!(
        (p.declared_status, p.status, p.overridden),
        (ProofStatus::Passed, ProofStatus::HumanNeeded, true)
    );
    assert_eq!(
        p.route("3"),
        Route::AskHuman {
            checklist: vec!["Log in on a phone".into(), "Check the email arrives".into()]
        }
    );
    // "None" under the heading is not an item.
    let p = proof("status: passed\n", "## Human Verification\n- None\n");
    assert_eq!(p.status, ProofStatus::Passed);
}

#[test]
fn human_needed_prefers_frontmatter_checks() {
    let p = proof(
        "status: human_needed\nhuman_verification:\n  - {test: Open dashboard, expected: charts render, why_human: visual}\n",
        "",
    );
    assert_eq!(p.checklist(), ["Open dashboard — expected: charts render"]);
}

#[test]
fn gaps_found_offers_gap_planning() {
    let front = "status: gaps_found\nscore: 5/7 must-haves verified\ngaps:\n  - truth: \"user can log out\"\n    status: failed\n    reason: no logout route\n    artifacts: [{path: src/routes.rs, issue: missing handler}]\n    missing: [\"POST /logout\"]\n";
    let p = proof(front, "");
    assert_eq!(
        p.route("3"),
        Route::PlanGaps {
            next_command: "/renn.plan-stage 3 --gaps".into()
        }
    );
    assert_eq!(
        p.gaps[0].artifacts[0].issue.as_deref(),
        Some("missing handler")
    );
    assert_eq!(p.gaps[0].missing, ["POST /logout"]);
}

#[test]
fn malformed_proofs_name_file_and_line() {
    let e = parse(PATH, "---\nstatus: done\n---\n").unwrap_err();
    assert_eq!(
        (e.code, e.line, e.file.as_deref()),
        ("proof-invalid", Some(2), Some(PATH))
    );
    assert!(e.message.contains("found \"done\""));
    assert_eq!(
        parse(PATH, "---\nscore: 1/2\n---\n").unwrap_err().code,
        "proof-invalid"
    );
    assert_eq!(
        parse(PATH, "no frontmatter").unwrap_err().code,
        "frontmatter-missing"
    );
}
