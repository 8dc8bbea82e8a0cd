use super::*;

const ACME: &str = "\
# Track: Acme Notes

## Milestones

- ✅ **v1.0 MVP** - Stages 1-2 (shipped 2026-10-01)
- 🚧 **v1.1 Accounts** - Stages 3-4 (in progress)

## Stages

- [x] **Stage 1: Foundation** - Project skeleton, CI, storage layer
- [x] **Stage 2: Notes CRUD** - Create, edit, delete notes
- [ ] **Stage 3: Authentication** - Users can sign up, log in and log out
- [ ] **Stage 4: Sharing**

## Stage Details

### Stage 3: Authentication
**Goal**: Users can sign up, log in and log out
**Depends on**: Stage 2
**Runs**: 4 runs

Runs:
- [ ] 03-01: User model and password hashing

### Stage 4: Sharing
**Goal:** Share notes with other users
**Depends on**: Stage 3

## Progress

| Stage | Runs Complete | Status | Completed |
|-------|---------------|--------|-----------|
| 1. Foundation | 3/3 | Complete | 2026-09-20 |
| 3. Authentication | 1/4 | In progress | - |
";

fn m(version: &str, name: &str) -> Milestone {
    Milestone {
        version: version.into(),
        name: name.into(),
    }
}

fn n(s: &str) -> StageNumber {
    StageNumber::parse(s).unwrap()
}

#[test]
fn current_milestone_is_the_first_not_shipped() {
    assert_eq!(current_milestone(ACME), m("v1.1", "Accounts"));
}

#[test]
fn milestone_formats() {
    let cases = [
        (
            "- ✅ **v1.0 MVP** - Stages 1-4 (shipped 2026-01-10)\n\
             - 🚧 **v1.1 Accounts & Billing** - Stages 5-6 (in progress)",
            m("v1.1", "Accounts & Billing"),
        ),
        (
            "## v1.0 MVP (Complete)\n\n## v1.1 Accounts & Billing (In Progress)\n",
            m("v1.1", "Accounts & Billing"),
        ),
        (
            "<details>\n<summary>✅ v1.0 MVP (Stages 1-4) - SHIPPED 2026-01-10</summary>\n\
             </details>\n\n### 🚧 v1.1 Accounts (In Progress)\n",
            m("v1.1", "Accounts"),
        ),
        (
            "## Milestone v2.0.1: Payments — Stripe\n",
            m("v2.0.1", "Payments"),
        ),
        (
            "- 📋 **v2.0** - Stages 7-10 (planned)\n",
            m("v2.0", "milestone"),
        ),
        // Every milestone shipped: the first one.
        (
            "- ✅ v1.0 MVP (shipped)\n- v1.1 Polish - completed\n",
            m("v1.0", "MVP"),
        ),
        // "incomplete" is not "complete".
        ("- v3.0 Big (incomplete)\n", m("v3.0", "Big")),
    ];
    for (text, want) in cases {
        assert_eq!(current_milestone(text), want, "{text}");
    }
}

#[test]
fn versions_elsewhere_are_not_milestones() {
    let text = "\
# Track

We target Node v20.1 and Python 3.11 (see notes v1.2).

- [ ] **Stage 1: Upgrade to v2.0 API** - swap the client
- dev1.0 is not a version

| v9.9 | table |

```
## v8.0 In A Code Block
```
";
    assert_eq!(current_milestone(text), Milestone::default());
    assert_eq!(current_milestone(""), m("v1.0", "milestone"));
}

#[test]
fn the_same_milestone_listed_and_headed_is_merged() {
    let text = "\
- **v1.0 MVP** - Stages 1-2
- **v1.1 Next** - Stages 3-4

### ✅ v1.0 MVP (Shipped 2026-01-01)
";
    assert_eq!(current_milestone(text), m("v1.1", "Next"));
}

#[test]
fn stages_from_the_checklist() {
    let s = stages(ACME);
    let got: Vec<(String, &str, Option<&str>, bool, u32)> = s
        .iter()
        .map(|s| {
            (
                s.number.to_string(),
                s.title.as_str(),
                s.goal.as_deref(),
                s.complete,
                s.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "01".into(),
                "Foundation",
                Some("Project skeleton, CI, storage layer"),
                true,
                10
            ),
            (
                "02".into(),
                "Notes CRUD",
                Some("Create, edit, delete notes"),
                true,
                11
            ),
            (
                "03".into(),
                "Authentication",
                Some("Users can sign up, log in and log out"),
                false,
                12
            ),
            // No goal in the checklist: taken from Stage Details.
            (
                "04".into(),
                "Sharing",
                Some("Share notes with other users"),
                false,
                13
            ),
        ]
    );
}

#[test]
fn checklist_variants() {
    let text = "\
- [x] **Stage 2.1: Hotfix (INSERTED)** - Patch the login crash
* [X] **Stage 12A:** Letters — A lettered stage
- [ ] Stage 3: Plain - No bold here
- [ ] **Stage 4: Bare**
- [ ] 03-01: a run, not a stage
- [ ] **Stage x: Bad number** - skipped
  - [ ] **stage 05: Nested lowercase** - still a stage
";
    let got: Vec<(String, String, Option<String>, bool)> = stages(text)
        .into_iter()
        .map(|s| (s.number.to_string(), s.title, s.goal, s.complete))
        .collect();
    let want = [
        (
            "02.1",
            "Hotfix (INSERTED)",
            Some("Patch the login crash"),
            true,
        ),
        ("12A", "Letters", Some("A lettered stage"), true),
        ("03", "Plain", Some("No bold here"), false),
        ("04", "Bare", None, false),
        ("05", "Nested lowercase", Some("still a stage"), false),
    ]
    .map(|(n, t, g, c)| (n.to_string(), t.to_string(), g.map(String::from), c));
    assert_eq!(got, want);
}

#[test]
fn stage_title_by_number() {
    assert_eq!(
        stage_title(ACME, &n("3")).as_deref(),
        Some("Authentication")
    );
    assert_eq!(
        stage_title(ACME, &n("03")).as_deref(),
        Some("Authentication")
    );
    assert_eq!(stage_title(ACME, &n("5")), None);
    // Only in Stage Details.
    let text = "## Stage Details\n\n### Stage 7: Reports\n**Goal**: Monthly reports\n";
    assert_eq!(stage_title(text, &n("07")).as_deref(), Some("Reports"));
}

#[test]
fn goal_lines_need_a_goal_label() {
    let text = "### Stage 1: A\nGoals for later: none\n**Goal**: The real goal\n";
    assert!(stages(text).is_empty());
    assert_eq!(details(text)[0].2.as_deref(), Some("The real goal"));
}

#[test]
fn progress_suffixes_are_not_part_of_titles() {
    let text = "\
- [x] Stage 1: Foundation (3/3 runs)
- [x] Stage 2: Accounts (2/3 plans) — completed 2026-01-15
- [ ] **Stage 3: Billing (0/1 run)** - Take payments
- [ ] Stage 4: Search (beta)
- [ ] Stage 5: Export (1/2)
- [ ] **Stage 7: Sharing** (0/2 runs) - Share a note by link

### Stage 6: Reports (4/4 runs)
";
    let titles: Vec<(String, Option<String>)> = stages(text)
        .into_iter()
        .map(|s| (s.title, s.goal))
        .collect();
    assert_eq!(
        titles,
        [
            ("Foundation".to_string(), None),
            ("Accounts".into(), Some("completed 2026-01-15".to_string())),
            ("Billing".into(), Some("Take payments".into())),
            ("Search (beta)".into(), None),
            ("Export (1/2)".into(), None),
            ("Sharing".into(), Some("Share a note by link".into())),
        ]
    );
    assert_eq!(stage_title(text, &n("6")).as_deref(), Some("Reports"));
}
