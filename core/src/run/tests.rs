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
    let found: Vec<(&str, bool, Option<u32>, Option<u32>)> = p
        .diagnostics
        .iter()
        .filter(|d| d.line.is_some())
        .map(|d| (d.code.name(), d.is_error(), d.line, d.column))
        .collect();
    // A bool renn cannot read is a warning (the default applies); a batch or a
    // dependency it cannot read would execute the run in the wrong order.
    assert_eq!(
        found,
        [
            ("batch-not-a-number", true, Some(4), Some(8)),
            ("field-type", false, Some(5), Some(13)),
            ("depends-on-format", true, Some(6), Some(14)),
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
    assert!(
        !p.diagnostics[0].is_error(),
        "the file name says which run it is"
    );
    assert!(p.run.is_some());
}

#[test]
fn run_may_be_written_as_the_full_id_or_with_a_letter_prefix() {
    for run_field in ["2", "02", "\"02\"", "03-02", "\"3-02\""] {
        let p = run(&format!("---\nrun: {run_field}\n---\n<objective>o</objective><tasks><task><name>a</name></task></tasks>"));
        assert!(p.diagnostics.is_empty(), "{run_field}: {:?}", p.diagnostics);
    }
    for run_field in ["03-03", "04-02", "P02", "two"] {
        let p = run(&format!("---\nrun: {run_field}\n---\n"));
        assert_eq!(p.diagnostics[0].code, "run-id-mismatch", "{run_field}");
        assert!(p.run.is_none());
    }
    let path = ".renn/stages/12-ops/12-P01-run.md";
    for run_field in ["P01", "p1", "12-P01"] {
        let p = parse(path, &format!("---\nrun: {run_field}\n---\n<objective>o</objective><tasks><task><name>a</name></task></tasks>"));
        assert!(p.diagnostics.is_empty(), "{run_field}: {:?}", p.diagnostics);
        assert_eq!(p.run.unwrap().id.to_string(), "12-P01");
    }
    let p = parse(path, "---\nrun: 01\n---\n");
    assert_eq!(
        p.diagnostics[0].message,
        "`run` is `1` but the file name says this is run P01 (12-P01)"
    );
}

#[test]
fn letter_prefixed_run_ids_order_after_numbered_runs_and_round_trip() {
    let mut ids: Vec<RunId> = ["12-P02", "12-02", "12-Q01", "12-P01", "12-10", "11-P01"]
        .iter()
        .map(|s| RunId::parse(s).unwrap())
        .collect();
    ids.sort();
    let shown: Vec<String> = ids.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        ["11-P01", "12-02", "12-10", "12-P01", "12-P02", "12-Q01"]
    );
    for id in &ids {
        let json = serde_json::to_string(id).unwrap();
        assert_eq!(&serde_json::from_str::<RunId>(&json).unwrap(), id);
    }
    assert_eq!(RunId::parse("12-p1").unwrap().to_string(), "12-P01");
    assert_eq!(RunId::parse("12-P01").unwrap().run_number(), "P01");
    for bad in ["12-P", "12-PQRS1", "12-P1a", "12-1P"] {
        assert!(RunId::parse(bad).is_none(), "{bad}");
    }
}

#[test]
fn field_shapes_that_do_not_affect_scheduling_are_warnings() {
    let text = "---\nrun: 2\ntype: auto\nbatch: 0\nmust_haves:\n  artifacts:\n    - \"src/auth.rs: JWT helpers\"\n    - path: src/db.rs\n    - provides: nothing\n  key_links:\n    - \"LoginForm → /api/login via fetch\"\n    - the form posts to the API\n---\n<objective>o</objective><tasks><task><name>a</name></task></tasks>";
    let p = run(text);
    let found: Vec<(&str, bool, Option<u32>)> = p
        .diagnostics
        .iter()
        .map(|d| (d.code.name(), d.is_error(), d.line))
        .collect();
    assert_eq!(
        found,
        [
            ("run-type", false, Some(3)),
            ("batch-zero", false, Some(4)),
            ("field-missing", false, Some(9)),
        ]
    );
    let r = p.run.unwrap();
    assert_eq!((r.run_type, r.batch), (RunType::Execute, Some(1)));
    let paths: Vec<(&str, Option<&str>)> = r
        .must_haves
        .artifacts
        .iter()
        .map(|a| (a.path.as_str(), a.provides.as_deref()))
        .collect();
    assert_eq!(
        paths,
        [("src/auth.rs", Some("JWT helpers")), ("src/db.rs", None)]
    );
    let links = &r.must_haves.key_links;
    assert_eq!(
        (
            links[0].from.as_str(),
            links[0].to.as_str(),
            links[0].via.as_deref()
        ),
        ("LoginForm", "/api/login", Some("fetch"))
    );
    assert_eq!(
        (links[1].from.as_str(), links[1].to.as_str()),
        ("the form posts to the API", "")
    );
    assert_eq!(
        run("---\nrun: 2\ntype: TDD\n---\n").run.unwrap().run_type,
        RunType::Tdd
    );
}

#[test]
fn task_headings_count_as_tasks_with_a_warning() {
    let text = "---\nrun: 2\n---\n## Objective\n\n### Task 1: Add the model\n\nText.\n\n```md\n### Task 9: in a fence\n```\n#### Task 2 - Wire it up\n### Task list\n## Task 3\n";
    let p = run(text);
    let codes: Vec<(&str, Option<u32>)> = p
        .diagnostics
        .iter()
        .map(|d| (d.code.name(), d.line))
        .collect();
    assert_eq!(
        codes,
        [("task-headings", Some(6)), ("objective-missing", None)]
    );
    let r = p.run.unwrap();
    let tasks: Vec<(u32, Option<&str>, u32)> = r
        .tasks
        .iter()
        .map(|t| (t.number, t.name.as_deref(), t.line))
        .collect();
    assert_eq!(
        tasks,
        [
            (1, Some("Add the model"), 6),
            (2, Some("Wire it up"), 13),
            (3, None, 15)
        ]
    );
    assert!(r.tasks.iter().all(|t| t.kind == TaskKind::Auto));
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
