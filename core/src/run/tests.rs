use super::*;

const PATH: &str = ".renn/stages/03-auth/03-02-run.md";

fn run(text: &str) -> Parsed {
    parse(PATH, text)
}

const GOOD: &str = r#"---
stage: 03-auth
run: 02
type: tdd
batch: "2"    # quoted still counts
depends_on: ["03-01", 1]
files_modified:
  - src/auth.rs
  - src/session.rs
autonomous: false
gap_closure: true
must_haves:
  truths: ["user can log in"]
  artifacts: [{path: src/auth.rs, provides: "login handler"}]
  key_links:
    - {from: src/auth.rs, to: src/session.rs, via: create_session}
---
<objective>
Login handler and session creation.

batch: 9
</objective>
<tasks>
<task type="auto">
  <name>Task 1: Login</name>
</task>
<task type="checkpoint:decision" gate="blocking">
  <name>Pick a session store</name>
  <options>redis | postgres</options>
</task>
</tasks>
"#;

#[test]
fn reads_every_field_in_any_yaml_style() {
    let p = run(GOOD);
    assert_eq!(p.diagnostics, vec![]);
    let r = p.run.unwrap();
    assert_eq!(r.id.to_string(), "03-02");
    assert_eq!(r.run_type, RunType::Tdd);
    assert_eq!(r.batch, Some(2));
    let deps: Vec<String> = r.depends_on.iter().map(|d| d.id.to_string()).collect();
    assert_eq!(deps, ["03-01", "03-01"]);
    assert_eq!(r.files_modified, ["src/auth.rs", "src/session.rs"]);
    assert!(!r.autonomous && r.gap_closure);
    assert_eq!(r.must_haves.truths, ["user can log in"]);
    assert_eq!(
        r.must_haves.artifacts[0].provides.as_deref(),
        Some("login handler")
    );
    assert_eq!(
        r.must_haves.key_links[0].via.as_deref(),
        Some("create_session")
    );
    assert!(r
        .objective
        .unwrap()
        .starts_with("Login handler and session creation."));
    assert_eq!(r.tasks.len(), 2);
    assert_eq!(r.tasks[0].name.as_deref(), Some("Task 1: Login"));
    assert_eq!(r.tasks[1].kind, TaskKind::Gate(GateKind::Decision));
    assert_eq!((r.tasks[1].number, r.tasks[1].line), (2, 27));
}

#[test]
fn batch_in_the_body_is_not_frontmatter() {
    let text = "---\nrun: 2\n---\n<objective>x</objective>\nbatch: 7\n<tasks><task type=\"auto\"><name>a</name></task></tasks>";
    let r = run(text).run.unwrap();
    assert_eq!(r.batch, None);
    assert!(r.autonomous, "no gates and no key: autonomous");
}

#[test]
fn bad_values_are_located_and_all_reported() {
    let text = "---\nstage: 03-auth\nrun: 02\nbatch: two\nautonomous: maybe\ndepends_on: [\"../x\"]\n---\n";
    let p = run(text);
    assert!(p.run.is_none());
    let found: Vec<(&str, Option<u32>, Option<u32>)> = p
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code, d.line, d.column))
        .collect();
    assert_eq!(
        found,
        [
            ("batch-not-a-number", Some(4), Some(8)),
            ("field-type", Some(5), Some(13)),
            ("depends-on-format", Some(6), Some(14)),
        ]
    );
    assert!(p
        .diagnostics
        .iter()
        .all(|d| d.file.as_deref() == Some(PATH)));
    assert_eq!(
        p.diagnostics[0].message,
        "`batch` must be a whole number of at least 1, found \"two\""
    );
}

#[test]
fn file_name_and_frontmatter_must_agree() {
    let p = run("---\nstage: 04-other\nrun: 3\n---\n");
    let msgs: Vec<&str> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs[..2],
        [
            "`stage` is \"04-other\" but the file name says this run belongs to stage 03",
            "`run` is `3` but the file name says this is run 02 (03-02)",
        ]
    );
    let p = run("---\nstage: 03-auth\n---\n");
    assert_eq!(p.diagnostics[0].code, "field-missing");
}

#[test]
fn autonomy_contradicting_gates_is_a_warning() {
    let text = "---\nrun: 2\nautonomous: true\n---\n<objective>o</objective><tasks><task type=\"checkpoint:human-action\"><name>Log in</name></task></tasks>";
    let p = run(text);
    assert!(p.run.is_some());
    assert_eq!(p.diagnostics[0].code, "autonomous-mismatch");
    assert_eq!(p.diagnostics[0].line, Some(3));
}

#[test]
fn unknown_gate_types_are_errors() {
    let text = "---\nrun: 2\n---\n<tasks>\n<task type=\"checkpoint:coffee\"></task></tasks>";
    let p = run(text);
    assert_eq!(p.diagnostics[0].code, "unknown-gate-type");
    assert_eq!(p.diagnostics[0].line, Some(5));
}

#[test]
fn run_ids_parse_from_file_names() {
    for (name, id) in [
        ("03-02-run.md", "03-02"),
        ("3-2-run.md", "03-02"),
        ("02.1-01-run.md", "02.1-01"),
        ("12a-03-run.md", "12A-03"),
    ] {
        assert_eq!(RunId::from_file_name(name).unwrap().to_string(), id);
    }
    for bad in [
        "run.md",
        "03-run.md",
        "x-01-run.md",
        "03-01-recap.md",
        "03-1a-run.md",
    ] {
        assert!(RunId::from_file_name(bad).is_none(), "{bad}");
    }
    assert_eq!(run("").diagnostics[0].code, "frontmatter-missing");
    let p = parse(".renn/stages/03-a/notes-run.md", "---\n---\n");
    assert_eq!(p.diagnostics[0].code, "run-file-name");
}
