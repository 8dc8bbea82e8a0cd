//! (e) proofs: frontmatter lines (valid or not) and human-verification bodies in the
//! shapes auditors write; the proof parser never panics, its positions are inside the
//! file, and the safety rule holds: `passed` is kept only with an empty checklist.

use super::*;
use renn_core::proof::{self, ProofStatus};

fn proof_line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "status: passed",
            "status: gaps_found",
            "status: human_needed",
            "status: PASS",
            "status: \"passed\" # re-verified",
            "score: 4/4 must-haves verified",
            "score: 5/7 verified: 2 failed",
            "re_verification: true",
            "  previous_status: gaps_found",
            "human_verification:",
            "  - test: Open the app",
            "    expected: it opens",
            "  - None",
            "gaps: [{truth: x, artifacts: [a.rs]}]",
        ])
        .prop_map(str::to_string),
        2 => yaml_line(),
    ]
}

fn proof_body_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "## Human Verification Required",
            "### human verification",
            "### 1. Welcome screen",
            "#### 2) Email",
            "### Test 3: Print",
            "**Test:** Open it",
            "- **Expected:** it shows",
            "**Why human:** visual",
            "Expected:",
            "None",
            "None — all programmatic:",
            "_None_",
            "N/A",
            "No human verification required.",
            "- a reason",
            "1. Log in",
            "2) Log out",
            "   - Expected: gone",
            "* [ ] Check",
            "```",
            "",
            "## Gaps",
        ])
        .prop_map(str::to_string),
        1 => "\\PC{0,24}",
    ]
}

fn proof_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(proof_line(), 0..8),
        prop::collection::vec(proof_body_line(), 0..16),
        any::<bool>(),
    )
        .prop_map(|(front, body, fenced)| {
            let fence = if fenced { "---\n" } else { "" };
            format!("{fence}{}\n---\n{}\n", front.join("\n"), body.join("\n"))
        })
}

fn check_proof(text: &str) -> Result<(), TestCaseError> {
    match proof::parse(".renn/stages/03-x/03-proof.md", text) {
        Err(d) => check_positions(&[d], text)?,
        Ok(p) => {
            check_positions(&p.warnings, text)?;
            let checks = p.checklist();
            prop_assert_eq!(
                p.overridden,
                p.declared_status == ProofStatus::Passed && !checks.is_empty()
            );
            prop_assert!(p.status != ProofStatus::Passed || checks.is_empty());
            prop_assert!(checks.iter().all(|c| !c.trim().is_empty()), "{checks:?}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn proof_parse_arbitrary_strings(text in any::<String>()) {
        check_proof(&text)?;
    }

    #[test]
    fn proof_parse_proof_shaped(text in proof_text()) {
        check_proof(&text)?;
    }

    #[test]
    fn proof_locate_never_panics(names in prop::collection::vec("[0-9a-z.-]{0,12}(-proof\\.md)?", 0..6)) {
        let n: StageNumber = "3".parse().unwrap();
        let found = proof::locate(renn_core::Layout::Renn.vocab(), ".renn/stages/03-x", &n, names.iter().map(String::as_str));
        if let Ok(Some(path)) = found {
            prop_assert!(path.ends_with("-proof.md"));
        }
    }
}
