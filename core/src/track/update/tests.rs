use super::*;

const DEMO: &str = include_str!("../../../../examples/demo/.renn/track.md");
const DECIMAL: &str = include_str!("../../../../tests/fixtures/decimal-stage/.renn/track.md");
const LETTER: &str = include_str!("../../../../tests/fixtures/letter-stage/.renn/track.md");

fn n(s: &str) -> StageNumber {
    StageNumber::parse(s).unwrap()
}

fn runs(ids: &[(&str, bool)]) -> Vec<(RunId, bool)> {
    ids.iter()
        .map(|(id, c)| (RunId::parse(id).unwrap(), *c))
        .collect()
}

/// The (before, after) pairs of lines that differ; both texts must keep their line count.
fn changed<'a>(before: &'a str, after: &'a str) -> Vec<(&'a str, &'a str)> {
    let (b, a): (Vec<_>, Vec<_>) = (before.split('\n').collect(), after.split('\n').collect());
    assert_eq!(b.len(), a.len(), "an edit never adds or removes lines");
    b.into_iter().zip(a).filter(|(x, y)| x != y).collect()
}

#[test]
fn demo_stage_2_touches_only_its_three_kinds_of_line() {
    let all = runs(&[
        ("02-01", true),
        ("02-02", true),
        ("02-03", true),
        ("02-04", true),
        ("02-05", true),
        ("02-06", false),
    ]);
    let out = mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        DEMO,
        &n("2"),
        &all,
        "2026-11-24",
    )
    .unwrap();
    assert_eq!(
        changed(DEMO, &out),
        [
            (
                "- [ ] **Stage 2: Accounts** - Users can sign up, log in, log out and reset their password",
                "- [x] **Stage 2: Accounts** - Users can sign up, log in, log out and reset their password",
            ),
            ("- [ ] 02-02: Server-side session store", "- [x] 02-02: Server-side session store"),
            ("- [ ] 02-03: Signup and login endpoints", "- [x] 02-03: Signup and login endpoints"),
            ("- [ ] 02-04: Password reset by email", "- [x] 02-04: Password reset by email"),
            ("- [ ] 02-05: Logout and session expiry", "- [x] 02-05: Logout and session expiry"),
            (
                "| 2. Accounts | 1/6 | In progress | - |",
                "| 2. Accounts | 5/6 | Complete | 2026-11-24 |",
            ),
        ]
    );
    // The incomplete run keeps its open box; stage 3's placeholder is untouched.
    assert!(out.contains("- [ ] 02-06: Rate-limit"));
    assert!(out.contains("- [ ] TBD (run `/renn.plan-stage 3` to break down)"));
}

#[test]
fn applying_to_its_own_output_changes_nothing() {
    let all = runs(&[("02-01", true), ("02-02", true)]);
    let once = mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        DEMO,
        &n("02"),
        &all,
        "2026-11-24",
    )
    .unwrap();
    let twice = mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        &once,
        &n("2"),
        &all,
        "2026-11-24",
    )
    .unwrap();
    assert_eq!(once, twice);
    // An already complete stage with the same facts is returned byte for byte.
    let stage1 = runs(&[("01-01", true), ("01-02", true), ("01-03", true)]);
    assert_eq!(
        mark_stage_complete(
            crate::layout::Layout::Renn.vocab(),
            DEMO,
            &n("1"),
            &stage1,
            "2026-11-12"
        )
        .unwrap(),
        DEMO
    );
}

#[test]
fn crlf_endings_and_user_notes_survive() {
    let track = "# Track\r\n\r\n> my notes: ask Sam about [x] and | pipes |\r\n\r\n\
        ## Stages\r\n\r\n* [ ] **Stage 03: Auth** - log in\r\n* [ ] **Stage 4: Share**\r\n\r\n\
        Note between sections — keep me.\r\n\r\n### Stage 3: Auth\r\n- [ ] 03-01: model\r\n\
        - [ ] 3-2: endpoints\r\n\r\n## Progress\r\n\r\n| Stage | Runs Complete | Status | Completed |\r\n\
        |---|---|---|---|\r\n| 3. Auth | 0/2 | Not started | - |\r\n| 4. Share | 0/0 | Not started | - |\r\n\
        trailing note without newline";
    let out = mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        track,
        &n("3"),
        &runs(&[("03-01", true), ("03-02", true)]),
        "2026-11-24",
    )
    .unwrap();
    let expected = track
        .replace("* [ ] **Stage 03", "* [x] **Stage 03")
        .replace("- [ ] 03-01", "- [x] 03-01")
        .replace("- [ ] 3-2", "- [x] 3-2")
        .replace(
            "| 3. Auth | 0/2 | Not started | - |",
            "| 3. Auth | 2/2 | Complete | 2026-11-24 |",
        );
    assert_eq!(out, expected);
    assert_eq!(out.matches("\r\n").count(), track.matches("\r\n").count());
}

#[test]
fn decimal_and_letter_stages_never_touch_their_neighbours() {
    let out = mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        DECIMAL,
        &n("2.1"),
        &runs(&[("02.1-01", true)]),
        "d",
    )
    .unwrap();
    assert_eq!(
        changed(DECIMAL, &out),
        [
            (
                "- [ ] **Stage 2.1: Hotfix** - Concurrent saves never lose data (INSERTED)",
                "- [x] **Stage 2.1: Hotfix** - Concurrent saves never lose data (INSERTED)",
            ),
            (
                "| 2.1. Hotfix | 0/1 | Not started | - |",
                "| 2.1. Hotfix | 1/1 | Complete | d |",
            ),
        ]
    );
    let out = mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        LETTER,
        &n("12a"),
        &[],
        "2026-11-24",
    )
    .unwrap();
    assert_eq!(
        changed(LETTER, &out),
        [
            (
                "- [ ] **Stage 12A: Polish** - Small UX fixes before the 1.0 release",
                "- [x] **Stage 12A: Polish** - Small UX fixes before the 1.0 release",
            ),
            // No runs given: the count is left as written, not claimed as 0/0.
            (
                "| 12A. Polish | 0/2 | Not started | - |",
                "| 12A. Polish | 0/2 | Complete | 2026-11-24 |",
            ),
        ]
    );
}

#[test]
fn aligned_tables_stay_aligned_and_columns_are_found_by_name() {
    let track = "- [ ] **Stage 3: Auth**\n\n\
        | Completed  | Stage             | Status      | Runs Complete | Owner |\n\
        |------------|-------------------|-------------|---------------|-------|\n\
        | -          | 3. Auth           | In progress | 1/4           | sam   |\n\
        |            | 4. Share          |             |               |       |\n";
    let out = mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        track,
        &n("3"),
        &runs(&[("03-01", true)]),
        "2026-11-24",
    )
    .unwrap();
    assert_eq!(
        changed(track, &out)[1],
        (
            "| -          | 3. Auth           | In progress | 1/4           | sam   |",
            "| 2026-11-24 | 3. Auth           | Complete    | 1/1           | sam   |",
        )
    );
    // A value longer than the cell widens it by what it needs, one space after.
    let narrow = "- [ ] **Stage 3: A**\n\n|Stage|Status|\n|-|-|\n|3|Planned|\n";
    let out = mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        narrow,
        &n("3"),
        &[],
        "x",
    )
    .unwrap();
    assert!(out.ends_with("|3|Complete|\n"), "{out}");
}

#[test]
fn only_the_stage_s_own_details_and_real_tables_are_edited() {
    let track = "- [ ] **Stage 3: Auth**\n\n```\n- [ ] **Stage 3: Auth**\n| 3. Auth | 0/1 |\n```\n\n\
        ### Stage 4: Share\n- [ ] 03-01: listed under the wrong stage\n\n\
        ### Stage 3: Auth\n#### Runs\n- [ ] 03-01: model\n\n## Notes\n- [ ] 03-01: a todo of mine\n\n\
        | Stage | Owner |\n|---|---|\n| 3. Auth | sam |\n";
    let out = mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        track,
        &n("3"),
        &runs(&[("03-01", true)]),
        "d",
    )
    .unwrap();
    assert_eq!(
        changed(track, &out),
        [
            ("- [ ] **Stage 3: Auth**", "- [x] **Stage 3: Auth**"),
            ("- [ ] 03-01: model", "- [x] 03-01: model"),
        ]
    );
}

#[test]
fn a_stage_missing_from_the_checklist_is_an_error() {
    let err = mark_stage_complete(crate::layout::Layout::Renn.vocab(), DEMO, &n("4"), &[], "d")
        .unwrap_err();
    assert_eq!(err.code, "track-stage-missing");
    assert_eq!(err.file.as_deref(), Some(".renn/track.md"));
    assert!(err.message.contains("stage 4"), "{}", err.message);
    assert!(err.hint.unwrap().contains("**Stage 4:"));
    // A Stage Details heading alone does not make a checklist entry.
    let only_details = "### Stage 3: Auth\n**Goal**: x\n";
    assert!(mark_stage_complete(
        crate::layout::Layout::Renn.vocab(),
        only_details,
        &n("3"),
        &[],
        "d"
    )
    .is_err());
}

#[test]
fn progress_counts_checked_stages() {
    assert_eq!(progress(DEMO), (1, 3));
    assert_eq!(progress(DECIMAL), (1, 4));
    assert_eq!(progress("no checklist"), (0, 0));
}

#[test]
fn cells_and_delimiters() {
    let line = "| a | b \\| c |d|";
    let cells: Vec<&str> = cell_ranges(line).into_iter().map(|r| &line[r]).collect();
    assert_eq!(cells, [" a ", " b \\| c ", "d"]);
    let bare = "a | b";
    let cells: Vec<&str> = cell_ranges(bare).into_iter().map(|r| &bare[r]).collect();
    assert_eq!(cells, ["a ", " b"]);
    assert!(is_delimiter("|---|:--:|"));
    assert!(is_delimiter("--- | ---"));
    assert!(!is_delimiter("---"));
    assert!(!is_delimiter(""));
    assert!(!is_delimiter("| a | - |"));
    assert_eq!(row_stage(" **Stage 2.1: Hotfix** "), Some(n("2.1")));
    assert_eq!(row_stage("03-authentication"), Some(n("3")));
    assert_eq!(row_stage("Total"), None);
}
