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
        (e.code.name(), e.line, e.file.as_deref()),
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

fn checklist(front: &str, body: &str) -> (ProofStatus, Vec<String>) {
    let p = proof(front, body);
    (p.status, p.checklist())
}

#[test]
fn numbered_subsections_are_one_check_each_at_any_level() {
    for level in ["###", "####"] {
        let body = format!(
            "# Proof\n\n## Human Verification Required\n\n{level} 1. Welcome screen looks right\n\n**Test:** Open the app on a fresh profile\n**Expected:** The welcome text and the logo show\n**Why human:** Visual\n\n{level} 2) Email arrives\n\n- **Test**: Sign up with a real address\n- **Expected**: A mail within a minute\n\n## Gaps Summary\n\n- not a check\n"
        );
        let (status, list) = checklist("status: passed\n", &body);
        assert_eq!(status, ProofStatus::HumanNeeded, "{level}");
        assert_eq!(
            list,
            [
                "Welcome screen looks right: Open the app on a fresh profile — expected: The welcome text and the logo show",
                "Email arrives: Sign up with a real address — expected: A mail within a minute",
            ],
            "{level}"
        );
    }
}

#[test]
fn bullets_and_numbered_lines_with_their_labelled_details() {
    let body = "### human verification\n\n1) Log in on Safari\n   - Expected: the session survives a reload\n   - a detail that is not a check\n2. Read the signup email\n* [ ] Print the invoice\n+ Check the favicon\n";
    let (_, list) = checklist("status: human_needed\n", body);
    assert_eq!(
        list,
        [
            "Log in on Safari — expected: the session survives a reload",
            "Read the signup email",
            "Print the invoice",
            "Check the favicon",
        ]
    );
    // A flat list of labelled lines is one check per `Test:`.
    let body = "## Human Verification\n\n- **Test:** Open /admin\n- **Expected:** a login prompt\n- **Why human:** needs a browser\n- **Test:** Resize to 320px\n";
    let (_, list) = checklist("status: human_needed\n", body);
    assert_eq!(
        list,
        ["Open /admin — expected: a login prompt", "Resize to 320px"]
    );
}

#[test]
fn frontmatter_checks_make_a_passed_proof_human_needed_and_win_over_the_body() {
    let front = "status: passed\nhuman_verification:\n  - test: Open the app on a fresh profile\n    expected: The welcome text shows\n    why_human: Visual\n  - Print a report\n";
    let body = "## Human Verification Required\n\n### 1. Welcome screen\n**Test:** Open the app on a fresh profile\n**Expected:** The welcome text shows\n\n### 2. Print a report\n**Test:** Print from the menu\n\n### 3. Dark mode\n**Test:** Switch the OS theme\n";
    let p = proof(front, body);
    assert_eq!((p.status, p.overridden), (ProofStatus::HumanNeeded, true));
    assert_eq!(
        p.checklist(),
        [
            "Open the app on a fresh profile — expected: The welcome text shows",
            "Print a report",
            "Dark mode: Switch the OS theme",
        ]
    );
    // The frontmatter alone is enough.
    let (status, list) = checklist("status: passed\nhuman_verification: [Check the PDF]\n", "");
    assert_eq!(
        (status, list),
        (ProofStatus::HumanNeeded, vec!["Check the PDF".into()])
    );
}

#[test]
fn none_in_any_spelling_means_no_checks() {
    let nones = [
        "None",
        "None.",
        "None — all checks are programmatic:\n\n- tests pass\n- the build is green\n",
        "None - everything is covered by tests\n- cargo test\n",
        "None:\n- verified by the integration suite\n",
        "_None_",
        "**None.**",
        "N/A",
        "None required.",
        "No human verification required — all verifiable programmatically.\n\n1. unit tests\n2. e2e tests\n",
        "- None\n",
        "Not applicable: a CLI without UI.\n- reason one\n",
    ];
    for none in nones {
        let body = format!("## Human Verification Required\n\n{none}\n\n## Summary\nok\n");
        assert_eq!(
            checklist("status: passed\n", &body),
            (ProofStatus::Passed, vec![]),
            "{none:?}"
        );
        let body = format!("### HUMAN VERIFICATION\n{none}\n");
        assert_eq!(
            checklist("status: passed\n", &body).0,
            ProofStatus::Passed,
            "{none:?}"
        );
    }
    // "None of …" is a sentence, not "none".
    let body =
        "## Human Verification Required\n\nNone of these can be automated:\n- Log in on a phone\n";
    assert_eq!(
        checklist("status: passed\n", body),
        (ProofStatus::HumanNeeded, vec!["Log in on a phone".into()])
    );
    // A frontmatter list of "None" is empty too.
    assert_eq!(
        checklist("status: passed\nhuman_verification: [None]\n", "").0,
        ProofStatus::Passed
    );
}

#[test]
fn malformed_frontmatter_is_routed_by_its_status_line_with_a_warning() {
    let text = "---\nstage: 03-auth\nstatus: gaps_found\nscore: 5/7 truths verified: 2 failed\nverified: 2026-11-20\n---\n# Proof\n";
    let p = parse(PATH, text).unwrap();
    assert_eq!(
        (p.status, p.score, p.verified.as_deref()),
        (ProofStatus::GapsFound, Some((5, 7)), Some("2026-11-20"))
    );
    let w = &p.warnings[0];
    assert_eq!(
        (w.code.name(), w.severity, w.file.as_deref(), w.line),
        (
            "proof-yaml",
            crate::diagnostic::Severity::Warning,
            Some(PATH),
            Some(4)
        )
    );
    assert!(w.column.is_some());
    assert!(p
        .render_markdown("3", "Auth")
        .contains("warning[proof-yaml]"));

    // An indented key after `re_verification: true`; the body's checks still count.
    let text = "---\nstatus: \"passed\"   # after re-verification\nre_verification: true\n  previous_status: gaps_found\n---\n## Human Verification Required\n- Check the logo\n";
    let p = parse(PATH, text).unwrap();
    assert_eq!(
        (p.declared_status, p.status, p.warnings.len()),
        (ProofStatus::Passed, ProofStatus::HumanNeeded, 1)
    );

    // Unreadable stays an error: no status line, an unknown status, an empty file.
    let e = parse(PATH, "---\nscore: 5/7: x\n---\n").unwrap_err();
    assert_eq!(
        (e.code.name(), e.file.as_deref()),
        ("yaml-syntax", Some(PATH))
    );
    let e = parse(PATH, "---\nstatus: PASS\nscore: 5/7: x\n---\n").unwrap_err();
    assert_eq!(
        (e.code.name(), e.line, e.column),
        ("proof-invalid", Some(2), Some(9))
    );
    assert_eq!(parse(PATH, "").unwrap_err().code, "frontmatter-missing");
}

#[test]
fn the_proof_is_found_as_the_workflow_finds_it() {
    let n: StageNumber = "3".parse().unwrap();
    let dir = ".renn/stages/03-auth";
    let found = |names: &[&str]| {
        locate(
            crate::layout::Layout::Renn.vocab(),
            dir,
            &n,
            names.iter().copied(),
        )
    };
    assert_eq!(found(&["03-01-run.md"]), Ok(None));
    assert_eq!(
        found(&["03-01-run.md", "03-verification-proof.md"]),
        Ok(Some(format!("{dir}/03-verification-proof.md")))
    );
    assert_eq!(
        found(&["03-old-proof.md", "03-proof.md", "03-verification-proof.md"]),
        Ok(Some(format!("{dir}/03-proof.md")))
    );
    let e = found(&["03-b-proof.md", "03-a-proof.md"]).unwrap_err();
    assert_eq!(
        (e.code.name(), e.file.as_deref()),
        ("proof-ambiguous", Some(dir))
    );
    assert!(
        e.message.contains("03-a-proof.md, 03-b-proof.md"),
        "{}",
        e.message
    );
}

#[test]
fn an_unnumbered_subsection_over_a_plain_list_groups_its_items() {
    let body = "## Human Verification Required\n\n### Visual checks\n- Welcome screen in dark mode\n- Logo on a retina screen\n\n### Email\nNone — covered by the mail test.\n\n### 3. Print\n- step one\n- step two\n";
    let (_, list) = checklist("status: human_needed\n", body);
    assert_eq!(
        list,
        [
            "Welcome screen in dark mode",
            "Logo on a retina screen",
            "Print"
        ]
    );
}
