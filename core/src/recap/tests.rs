use super::*;

const R0101: &str =
    include_str!("../../../examples/demo/.renn/stages/01-foundation/01-01-recap.md");
const R0102: &str =
    include_str!("../../../examples/demo/.renn/stages/01-foundation/01-02-recap.md");
const R0103: &str =
    include_str!("../../../examples/demo/.renn/stages/01-foundation/01-03-recap.md");
const R0201: &str = include_str!("../../../examples/demo/.renn/stages/02-accounts/02-01-recap.md");

fn demo(path: &str, text: &str) -> Recap {
    let path = format!(".renn/stages/{path}");
    parse(&path, text).unwrap_or_else(|d| panic!("{}", d.one_line()))
}

#[test]
fn demo_recaps_parse() {
    let recaps = [
        demo("01-foundation/01-01-recap.md", R0101),
        demo("01-foundation/01-02-recap.md", R0102),
        demo("01-foundation/01-03-recap.md", R0103),
        demo("02-accounts/02-01-recap.md", R0201),
    ];
    insta::assert_json_snapshot!(recaps);
}

#[test]
fn one_liner_deviations_and_issues_of_a_recap_with_drift() {
    let r = demo("01-foundation/01-02-recap.md", R0102);
    assert_eq!(r.run.to_string(), "01-02");
    assert_eq!(
        r.one_liner.as_deref(),
        Some("SQLite storage with user_version migrations, Note model and /notes CRUD endpoints")
    );
    let dev = r.deviations.unwrap();
    assert!(dev.starts_with("### Auto-fixed Issues"), "{dev}");
    assert!(dev.contains("check_same_thread=False"));
    assert!(r
        .issues
        .unwrap()
        .starts_with("- `check_same_thread=False` is fine"));
    assert_eq!(r.key_decisions.len(), 2);
    assert_eq!(r.duration.as_deref(), Some("21min"));
    assert_eq!(r.completed.as_deref(), Some("2026-11-11"));
}

#[test]
fn none_sections_are_no_content() {
    let r = demo("01-foundation/01-01-recap.md", R0101);
    assert_eq!(
        r.deviations, None,
        "None - run executed exactly as written."
    );
    assert_eq!(r.issues, None, "None");
    assert!(r.next_stage_readiness.is_some());
    for none in [
        "None",
        "None.",
        "- None",
        "None - run executed exactly as written.",
        "none — all good",
        "N/A",
        "_None_",
    ] {
        assert!(says_none(none), "{none:?}");
    }
    for content in [
        "None of the migrations ran on CI",
        "None. But CI was flaky twice",
        "None - see below\n- flaky test",
        "- a real issue",
    ] {
        assert!(!says_none(content), "{content:?}");
    }
}

#[test]
fn tolerant_of_unknown_and_missing_keys_and_scalar_lists() {
    let text = "---\nrun: 2\nmood: great\ntags: solo\nkey-files:\n  created: src/a.rs\nduration: 12\n---\n\
                # Run\n\n**Task 1:** not it\n**bold** then text\n\n```\n**in a fence**\n```\n**The one-liner**\n\n\
                ## Deviations from Plan\nRenamed a module.\n";
    let r = parse(".renn/stages/03-x/03-02-recap.md", text).unwrap();
    assert_eq!(r.tags, ["solo"]);
    assert_eq!(r.key_files_created, ["src/a.rs"]);
    assert!(r.key_files_modified.is_empty() && r.key_decisions.is_empty());
    assert_eq!(r.duration.as_deref(), Some("12"));
    assert_eq!(r.stage, None);
    assert_eq!(r.one_liner.as_deref(), Some("The one-liner"));
    assert_eq!(r.deviations.as_deref(), Some("Renamed a module."));
    assert_eq!(r.issues, None);
}

#[test]
fn run_id_falls_back_to_the_frontmatter() {
    let text = "---\nstage: 03-auth\nrun: 4\n---\n**x**\n";
    assert_eq!(
        parse("notes/recap.md", text).unwrap().run.to_string(),
        "03-04"
    );
    for (stage, run, id) in [
        ("07-notify", "\"07-01\"", "07-01"),
        ("12-ops", "P01", "12-P01"),
    ] {
        let text = format!("---\nstage: {stage}\nrun: {run}\n---\n**x**\n");
        assert_eq!(parse("notes/recap.md", &text).unwrap().run.to_string(), id);
    }
    let e = parse("notes/recap.md", "---\nsubsystem: a\n---\n").unwrap_err();
    assert_eq!(e.code, "recap-file-name");
}

#[test]
fn malformed_frontmatter_names_file_and_line() {
    let path = ".renn/stages/03-x/03-01-recap.md";
    let e = parse(path, "# Recap\n**x**\n").unwrap_err();
    assert_eq!(
        (e.code.name(), e.file.as_deref(), e.line),
        ("frontmatter-missing", Some(path), Some(1))
    );
    let e = parse(path, "---\nstage: 03-x\ntags: [a, b\n---\n").unwrap_err();
    assert_eq!(
        (e.code.name(), e.file.as_deref()),
        ("yaml-syntax", Some(path))
    );
    assert!(e.line.unwrap() >= 3);
    let e = parse(path, "---\nstage: 03-x\nkey-decisions:\n  - {a: 1}\n---\n").unwrap_err();
    assert_eq!(
        (e.code.name(), e.line, e.column),
        ("recap-field", Some(4), Some(5))
    );
    assert!(e.message.contains("key-decisions"), "{}", e.message);
    let e = parse(path, "---\nkey-files: [a.rs]\n---\n").unwrap_err();
    assert_eq!((e.code.name(), e.line), ("recap-field", Some(2)));
}

#[test]
fn recap_path_sits_next_to_the_run() {
    assert_eq!(
        path_for_run(".renn/stages/2-a/2-3-run.md"),
        ".renn/stages/2-a/2-3-recap.md"
    );
}

proptest::proptest! {
    /// Recaps are written by agents: no text makes the reader panic.
    #[test]
    fn never_panics(text in "(---\n|\\*\\*|## |None|key-files:|\n|[a-z: \\[\\]{}-]){0,40}") {
        let _ = parse(".renn/stages/03-x/03-01-recap.md", &text);
    }
}
