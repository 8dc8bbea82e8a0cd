//! "No input makes a parser panic", as proptest properties, plus the invariants the
//! parsers and the planner promise for every input: positions are 1-based and inside
//! the file, a usable run has no error, stage numbers round-trip and order totally,
//! and a plan that is produced is executable (every dependency in an earlier batch).

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use renn_core::config::Config;
use renn_core::diagnostic::Diagnostic;
use renn_core::run::{self, RunId};
use renn_core::snapshot::CONFIG_PATH;
use renn_core::{Error, FileContent, PlanOptions, Project, Snapshot, StageNumber};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

const CASES: u32 = 256;

// ---------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------

const KEYS: &[&str] = &[
    "stage",
    "run",
    "type",
    "batch",
    "depends_on",
    "files_modified",
    "autonomous",
    "gap_closure",
    "must_haves",
];

/// A YAML value as it could appear after `key: `, from plausible to hostile.
fn yaml_value() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "",
        "~",
        "null",
        "true",
        "false",
        "yes",
        "0",
        "1",
        "2",
        "-1",
        "1.5",
        ".inf",
        "-.nan",
        "0x1F",
        "0o17",
        "1e3",
        "99999999999999999999999999",
        "-99999999999999999999999999",
        "4294967296",
        "-9223372036854775808",
        "03",
        "03-auth",
        "03-01",
        "3-2",
        "02.1-01",
        "12A-03",
        "04-01",
        "01-01",
        "execute",
        "tdd",
        "\"execute\"",
        "'tdd'",
        "\"03-01\"",
        "'03-02'",
        "\"\"",
        "''",
        "\"unterminated",
        "'unterminated",
        "[",
        "]",
        "{",
        "}",
        "[]",
        "{}",
        "[03-01, \"03-02\"]",
        "[\"03-01\", '03-03', 04-01]",
        "[1, 2, 3]",
        "[[1], {a: b}]",
        "[a, b",
        "{a: 1",
        "{truths: [x], artifacts: [{path: a.rs, provides: b}], key_links: [{from: a, to: b}]}",
        "{artifacts: [{provides: no-path}], key_links: [{from: a}]}",
        "{truths: {a: b}, artifacts: x, key_links: 3}",
        "\n  - 03-01\n  - \"03-02\"",
        "\n  - src/a.rs\n  - src/b.rs",
        "\n  - [nested]\n  - {map: 1}",
        "\n  truths:\n    - x\n  artifacts:\n    - path: a\n      provides: b",
        "\n    - bad indent\n  - worse",
        "&anchor 1",
        "&anchor [03-01]",
        "*anchor",
        "*undefined",
        "&a {x: *a}",
        "!!str 1",
        "!!int x",
        "!custom tag",
        "|\n  block\n  text",
        ">\n  folded",
        "\t1",
        "1\t",
        "\ttab: inside",
        "é✓🦀",
        "\"\\u00e9\\x\"",
        "'it''s'",
        "# comment only",
        "value # trailing comment",
        "a: b: c",
        "- item",
        "? complex",
        "%YAML 1.2",
        "@reserved",
        "`backtick",
        "\u{feff}bom",
        "\r",
        "x\ry",
        "\u{85}nel",
        "\u{2028}ls",
    ]);
    prop_oneof![
        6 => fixed.prop_map(str::to_string),
        2 => any::<i64>().prop_map(|i| i.to_string()),
        1 => any::<u64>().prop_map(|i| format!("{i}{i}")),
        1 => "[ -~]{0,12}",
        1 => "\\PC{0,8}",
        1 => prop::collection::vec("[0-9]{1,2}-[0-9]{1,2}", 0..4)
            .prop_map(|ids| format!("[{}]", ids.join(", "))),
    ]
}

fn yaml_key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(KEYS).prop_map(str::to_string),
        1 => "[a-z_]{1,8}",
        1 => prop::sample::select(vec!["\"batch\"", "'run'", "? batch", "- run", "batch ", " run", "\tstage", "[a]", "{b: 1}", "&k stage", "*k"])
            .prop_map(str::to_string),
    ]
}

/// A frontmatter line: mostly `key: value`, sometimes junk.
fn yaml_line() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (yaml_key(), yaml_value()).prop_map(|(k, v)| format!("{k}: {v}")),
        1 => (yaml_key(), yaml_value()).prop_map(|(k, v)| format!("{k}:{v}")),
        1 => "\\PC{0,16}",
    ]
}

fn body_fragment() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "<objective>",
        "</objective>",
        "<objective >",
        "</objective >",
        "<tasks>",
        "</tasks>",
        "<task type=\"auto\">",
        "<task type=\"tdd\">",
        "<task type='auto'>",
        "<task type=\"checkpoint:human-verify\" gate=\"blocking\">",
        "<task type=\"checkpoint:decision\">",
        "<task type=\"checkpoint:human-action\">",
        "<task type=\"checkpoint:bogus\">",
        "<task type=\"checkpoint:\">",
        "<task type=\"weird\">",
        "<task type=>",
        "<task type=\"unterminated>",
        "<task type='>",
        "<task gate=\"blocking\" type=\"auto\">",
        "<task subtype=\"auto\">",
        "<task>",
        "<task",
        "</task>",
        "<name>",
        "</name>",
        "<name>Task 1: do it</name>",
        "<options>",
        "</options>",
        "<option><name>opt</name></option>",
        "<decision>",
        "</decision>",
        "<what-built>",
        "</what-built>",
        "<action>",
        "</action>",
        "<context>@.renn/track.md</context>",
        "<output>",
        "text",
        "Some words, ending with a period.",
        "**bold** _em_ `code`",
        " ",
        "\n",
        "\r\n",
        "\r",
        "\t",
        "<",
        "</",
        "<>",
        "</>",
        "< task>",
        "<-->",
        "<9>",
        "a < b && c > d",
        "é",
        "🦀",
        "\u{feff}",
        "---",
        "\n---\n",
        "batch: 2",
        "|",
    ]);
    prop_oneof![
        8 => fixed.prop_map(str::to_string),
        1 => "\\PC{0,12}",
        1 => any::<String>(),
    ]
}

fn body() -> impl Strategy<Value = String> {
    (prop::collection::vec(body_fragment(), 0..24), any::<bool>()).prop_map(|(parts, lt_at_end)| {
        let mut s = parts.concat();
        if lt_at_end {
            s.push('<');
        }
        s
    })
}

/// Text shaped like a run file, with ways of getting the shape wrong.
fn run_text() -> impl Strategy<Value = String> {
    let lines = prop::collection::vec(yaml_line(), 0..10);
    let shape = prop::sample::select(vec![
        "normal", "normal", "normal", "normal", "bom", "crlf", "unclosed", "no-open", "spaces",
    ]);
    (lines, body(), shape).prop_map(|(lines, body, shape)| {
        let yaml: String = lines.iter().map(|l| format!("{l}\n")).collect();
        match shape {
            "bom" => format!("\u{feff}---\n{yaml}---\n{body}"),
            "crlf" => format!("---\n{yaml}---\n{body}").replace('\n', "\r\n"),
            "unclosed" => format!("---\n{yaml}{body}"),
            "no-open" => format!("{yaml}---\n{body}"),
            "spaces" => format!("---  \n{yaml}---\t\n{body}"),
            _ => format!("---\n{yaml}---\n{body}"),
        }
    })
}

fn any_run_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        1 => "\\PC*",
        6 => run_text(),
    ]
}

fn run_path() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (1u32..10).prop_map(|n| format!(".renn/stages/03-x/03-{n:02}-run.md")),
        1 => Just("03-01-run.md".to_string()),
        1 => Just(".renn/stages/02.1-hotfix/02.1-01-run.md".to_string()),
        1 => Just(".renn/stages/12A-x/12a-3-run.md".to_string()),
        1 => "\\PC{0,20}",
        1 => "\\PC{0,8}-run\\.md",
    ]
}

// ---------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------

/// Lines a diagnostic may point at: 1 ..= the file's lines + 1 (the end of the file).
fn check_positions(ds: &[Diagnostic], text: &str) -> Result<(), TestCaseError> {
    let max_line = text.lines().count() as u32 + 1;
    for d in ds {
        if let Some(line) = d.line {
            prop_assert!(
                (1..=max_line).contains(&line),
                "{} points at line {line}, outside 1..={max_line}: {d:?}",
                d.code
            );
        }
        if let Some(column) = d.column {
            prop_assert!(column >= 1, "column {column} is not 1-based: {d:?}");
            prop_assert!(d.line.is_some(), "a column without a line: {d:?}");
        }
        prop_assert!(!d.code.is_empty() && !d.message.is_empty(), "{d:?}");
    }
    Ok(())
}

fn check_run_parse(path: &str, text: &str) -> Result<(), TestCaseError> {
    let parsed = run::parse(path, text);
    if parsed.run.is_some() {
        prop_assert!(
            !parsed.diagnostics.iter().any(Diagnostic::is_error),
            "a usable run came with errors: {:?}",
            parsed.diagnostics
        );
    } else {
        prop_assert!(
            parsed.diagnostics.iter().any(Diagnostic::is_error),
            "no run and no error explaining why: {:?}",
            parsed.diagnostics
        );
    }
    for d in &parsed.diagnostics {
        prop_assert_eq!(d.file.as_deref(), Some(path), "{:?}", d);
    }
    check_positions(&parsed.diagnostics, text)
}

fn check_stage_number(s: &str) -> Result<(), TestCaseError> {
    let Some(n) = StageNumber::parse(s) else {
        return Ok(());
    };
    prop_assert_eq!(StageNumber::parse(&n.to_string()), Some(n.clone()));
    prop_assert_eq!(StageNumber::parse(&n.unpadded()), Some(n.clone()));
    prop_assert_eq!(StageNumber::parse(&n.padded()), Some(n.clone()));
    prop_assert_eq!(n.cmp(&n), std::cmp::Ordering::Equal);
    Ok(())
}

// ---------------------------------------------------------------------------------
// (a) run files
// ---------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn run_parse_arbitrary_strings(text in any::<String>()) {
        check_run_parse(".renn/stages/03-x/03-01-run.md", &text)?;
    }

    #[test]
    fn run_parse_frontmatter_shaped(path in run_path(), text in any_run_text()) {
        check_run_parse(&path, &text)?;
    }

    #[test]
    fn run_parse_known_keys_every_value(values in prop::collection::vec(yaml_value(), KEYS.len()), body in body()) {
        // Every real key once, each with a random value: the typed readers see them all.
        let yaml: String = KEYS.iter().zip(&values).map(|(k, v)| format!("{k}: {v}\n")).collect();
        let text = format!("---\n{yaml}---\n{body}");
        check_run_parse(".renn/stages/03-x/03-02-run.md", &text)?;
    }
}

// ---------------------------------------------------------------------------------
// (b) config.json
// ---------------------------------------------------------------------------------

fn json_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![
            "quality",
            "balanced",
            "budget",
            "none",
            "stage",
            "milestone",
            "stdin",
            "argument",
            "worktree",
            "shared",
            "opus",
            "sonnet",
            "{model}",
            "renn/stage-{stage}-{slug}",
            "renn/{milestone}-{slug}",
            "",
            "QUALITY",
            "renn-runner",
        ])
        .prop_map(|s| Value::String(s.into())),
        "\\PC{0,10}".prop_map(Value::String),
    ]
}

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "horsepower", "commit_docs", "parallelization", "branching_strategy",
            "stage_branch_template", "milestone_branch_template", "model_overrides", "agent",
            "auditor", "isolation", "enabled", "max_concurrent_agents", "command", "prompt",
            "timeout_secs", "max_parallel", "renn-runner", "renn-auditor", "general-purpose",
        ])
        .prop_map(str::to_string),
        1 => "\\PC{0,8}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_scalar().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((json_key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((json_key(), json_value()), 0..8)
        .prop_map(|kv| kv.into_iter().collect::<Map<_, _>>())
}

fn check_config(text: &str, gitignored: bool) -> Result<Option<Config>, TestCaseError> {
    match Config::parse(text, gitignored) {
        Ok(c) => {
            prop_assert!(
                !(gitignored && c.commit_docs),
                "commit_docs on while .renn is ignored"
            );
            Ok(Some(c))
        }
        Err(d) => {
            prop_assert!(
                ["config-syntax", "config-invalid"].contains(&d.code),
                "unexpected code {}",
                d.code
            );
            prop_assert!(d.is_error());
            prop_assert_eq!(d.file.as_deref(), Some(CONFIG_PATH));
            prop_assert!(d.line.is_some() && d.column.is_some(), "{:?}", d);
            check_positions(std::slice::from_ref(&d), text)?;
            Ok(None)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn config_arbitrary_strings(text in any::<String>(), ignored in any::<bool>()) {
        check_config(&text, ignored)?;
    }

    #[test]
    fn config_json_shaped(obj in json_object(), pretty in any::<bool>(), ignored in any::<bool>()) {
        let value = Value::Object(obj.clone());
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        if let Some(config) = check_config(&text, ignored)? {
            // Unknown top-level keys are kept as written; known ones never land there.
            // (Compared with the text read back: serde_json's float parsing may differ
            // from the generated f64 in the last digit.)
            let obj: Map<String, Value> = serde_json::from_str(&text).unwrap();
            for (k, v) in &obj {
                if renn_core::config::KNOWN_KEYS.contains(&k.as_str()) {
                    prop_assert!(!config.extra.contains_key(k));
                } else {
                    prop_assert_eq!(config.extra.get(k), Some(v));
                }
            }
            prop_assert_eq!(config.extra.len(), obj.keys().filter(|k| !renn_core::config::KNOWN_KEYS.contains(&k.as_str())).count());
        }
    }

    #[test]
    fn config_any_json_value(value in json_value()) {
        let text = serde_json::to_string(&value).unwrap();
        let parsed = check_config(&text, false)?;
        if !value.is_object() {
            prop_assert!(parsed.is_none(), "a non-object config was accepted: {text}");
        }
    }

    #[test]
    fn config_truncated_json(obj in json_object(), cut in any::<prop::sample::Index>()) {
        let text = serde_json::to_string_pretty(&Value::Object(obj)).unwrap();
        let boundaries: Vec<usize> = (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect();
        let at = boundaries[cut.index(boundaries.len())];
        check_config(&text[..at], false)?;
    }
}

// ---------------------------------------------------------------------------------
// (c) stage numbers
// ---------------------------------------------------------------------------------

fn stage_number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[0-9]{1,10}[a-zA-Z]?(\\.[0-9]{1,10}){0,3}",
        1 => "[0-9]{0,3}[a-zA-Z.]{0,3}[0-9]{0,3}",
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn stage_number_arbitrary_strings(s in any::<String>()) {
        check_stage_number(&s)?;
    }

    #[test]
    fn stage_number_round_trip(s in stage_number_text()) {
        check_stage_number(&s)?;
        // The `FromStr` path trims and agrees with `parse` otherwise.
        let via_from_str = s.parse::<StageNumber>().ok();
        prop_assert_eq!(via_from_str, StageNumber::parse(s.trim()));
    }

    #[test]
    fn stage_number_order_is_total(a in stage_number_text(), b in stage_number_text(), c in stage_number_text()) {
        let parsed: Vec<StageNumber> = [&a, &b, &c].iter().filter_map(|s| StageNumber::parse(s)).collect();
        for x in &parsed {
            for y in &parsed {
                prop_assert_eq!(x.cmp(y), y.cmp(x).reverse(), "{} vs {}", x, y);
                prop_assert_eq!(x.cmp(y) == std::cmp::Ordering::Equal, x == y, "{} vs {}", x, y);
                prop_assert_eq!(x.partial_cmp(y), Some(x.cmp(y)));
                for z in &parsed {
                    if x <= y && y <= z {
                        prop_assert!(x <= z, "{} <= {} <= {} but not {} <= {}", x, y, z, x, z);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// (d) whole projects
// ---------------------------------------------------------------------------------

const STAGE_DIR: &str = ".renn/stages/03-x";

/// A run file that is mostly right: real frontmatter fields with small, related values
/// (ids of sibling runs, a shared pool of files), so that many projects plan.
fn plausible_run_text(n: u32) -> impl Strategy<Value = String> {
    let deps = prop::collection::vec(
        prop::sample::select(vec![
            "03-01", "03-02", "03-03", "03-04", "03-05", "03-06", "1", "2", "02-01", "04-01",
            "03-09",
        ]),
        0..3,
    );
    let files = prop::collection::vec(
        prop::sample::select(vec![
            "src/a.rs",
            "./src/a.rs",
            "src/b.rs",
            "src/c.rs",
            "README.md",
        ]),
        0..3,
    );
    let batch = prop::option::weighted(0.3, 1u32..4);
    let gate = prop::sample::select(vec![
        "auto",
        "auto",
        "tdd",
        "checkpoint:human-verify",
        "checkpoint:decision",
    ]);
    (deps, files, batch, any::<bool>(), prop::option::of(any::<bool>()), gate, body())
        .prop_map(move |(deps, files, batch, gap, autonomous, gate, extra)| {
            let mut y = format!("stage: 03-x\nrun: {n:02}\ntype: execute\n");
            if let Some(b) = batch {
                y += &format!("batch: {b}\n");
            }
            let deps: Vec<String> = deps.iter().map(|d| format!("\"{d}\"")).collect();
            y += &format!("depends_on: [{}]\n", deps.join(", "));
            y += &format!("files_modified: [{}]\n", files.join(", "));
            if let Some(a) = autonomous {
                y += &format!("autonomous: {a}\n");
            }
            y += &format!("gap_closure: {gap}\n");
            format!(
                "---\n{y}---\n<objective>\nRun {n} builds a thing.\n</objective>\n<tasks>\n<task type=\"{gate}\"><name>Task {n}</name></task>\n</tasks>\n{extra}"
            )
        })
}

#[derive(Debug, Clone)]
enum RunContent {
    Text(String),
    Bytes(Vec<u8>),
    TooLarge(u64),
}

fn run_content(n: u32) -> impl Strategy<Value = RunContent> {
    prop_oneof![
        6 => plausible_run_text(n).prop_map(RunContent::Text),
        3 => any_run_text().prop_map(RunContent::Text),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(RunContent::Bytes),
        1 => prop::sample::select(vec![0u64, 4 << 20, (4 << 20) + 1, u64::MAX]).prop_map(RunContent::TooLarge),
    ]
}

#[derive(Debug, Clone)]
struct RandomProject {
    runs: Vec<(u32, RunContent)>,
    recaps: Vec<(u32, bool)>,
    extra_files: Vec<String>,
    config: Option<String>,
    track: Option<String>,
    gaps_only: bool,
}

fn random_project() -> impl Strategy<Value = RandomProject> {
    let numbers = prop::sample::subsequence((1u32..=6).collect::<Vec<_>>(), 1..=6);
    let runs = numbers.prop_flat_map(|ns| {
        ns.into_iter()
            .map(|n| run_content(n).prop_map(move |c| (n, c)))
            .collect::<Vec<_>>()
    });
    let recaps = prop::collection::vec((1u32..=9, any::<bool>()), 0..5);
    let extra = prop::collection::vec(
        prop::sample::select(vec![
            "03-proof.md",
            "03-x-run.md",
            "3-1-run.md",
            "04-01-run.md",
            "03-01-recap.md.bak",
            "notes.txt",
            "03-1-recap.md",
        ])
        .prop_map(str::to_string),
        0..3,
    );
    let config = prop_oneof![
        3 => Just(None),
        1 => Just(Some("{}".to_string())),
        2 => Just(Some(r#"{"parallelization": false}"#.to_string())),
        1 => Just(Some(r#"{"parallelization": {"enabled": false, "max_concurrent_agents": 2}}"#.to_string())),
        1 => json_object().prop_map(|o| Some(Value::Object(o).to_string())),
        1 => any::<String>().prop_map(Some),
    ];
    let track = prop_oneof![
        2 => Just(None),
        1 => Just(Some("## Stages\n- [ ] **Stage 3: Authentication** - Users log in\n".to_string())),
        1 => "\\PC{0,40}".prop_map(|t| Some(format!("- [ ] **Stage 3: {t}** - goal\n### Stage 3: {t}\n"))),
        1 => any::<String>().prop_map(Some),
    ];
    (runs, recaps, extra, config, track, any::<bool>()).prop_map(
        |(runs, recaps, extra_files, config, track, gaps_only)| RandomProject {
            runs,
            recaps,
            extra_files,
            config,
            track,
            gaps_only,
        },
    )
}

fn build_snapshot(p: &RandomProject) -> Snapshot {
    let mut snap = Snapshot::new();
    for (n, content) in &p.runs {
        let path = format!("{STAGE_DIR}/03-{n:02}-run.md");
        let content = match content {
            RunContent::Text(t) => FileContent::Text(t.clone()),
            RunContent::Bytes(b) => FileContent::Bytes(b.clone()),
            RunContent::TooLarge(bytes) => FileContent::TooLarge { bytes: *bytes },
        };
        snap.insert(path, content);
    }
    for (n, present_only) in &p.recaps {
        let path = format!("{STAGE_DIR}/03-{n:02}-recap.md");
        let content = if *present_only {
            FileContent::Present
        } else {
            FileContent::Text("---\nstage: 03-x\n---\n# Recap\n".into())
        };
        snap.insert(path, content);
    }
    for name in &p.extra_files {
        snap.insert(
            format!("{STAGE_DIR}/{name}"),
            FileContent::Text("---\nrun: 01\n---\n".into()),
        );
    }
    if let Some(c) = &p.config {
        snap.insert(CONFIG_PATH.into(), FileContent::Text(c.clone()));
    }
    if let Some(t) = &p.track {
        snap.insert(".renn/track.md".into(), FileContent::Text(t.clone()));
    }
    // Another stage next door, which must not leak into stage 3.
    snap.insert(
        ".renn/stages/04-y/04-01-run.md".into(),
        FileContent::Text("---\nstage: 04-y\nrun: 01\n---\n".into()),
    );
    snap
}

fn check_project(p: &RandomProject) -> Result<(), TestCaseError> {
    let snap = build_snapshot(p);
    let project = match Project::new(snap) {
        Ok(project) => project,
        Err(e) => {
            // Only the config can make a project with a `.renn/` dir fail to open.
            prop_assert!(
                ["config-syntax", "config-invalid"].contains(&e.code()),
                "unexpected {e:?}"
            );
            return Ok(());
        }
    };
    let opts = PlanOptions {
        gaps_only: p.gaps_only,
    };
    let plan = project.plan("3", opts);
    let validation = project.validate("3");
    let validation = match validation {
        Ok(v) => v,
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "validate failed outright: {e:?}"
            )))
        }
    };
    prop_assert_eq!(
        validation.errors,
        validation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .count()
    );
    prop_assert_eq!(
        validation.warnings + validation.errors,
        validation.diagnostics.len()
    );
    // Errors first.
    let first_warning = validation
        .diagnostics
        .iter()
        .position(|d| !d.is_error())
        .unwrap_or(validation.diagnostics.len());
    prop_assert!(validation.diagnostics[first_warning..]
        .iter()
        .all(|d| !d.is_error()));
    for d in &validation.diagnostics {
        // Every diagnostic names a file of this stage or the config.
        let file = d.file.as_deref().unwrap_or("");
        prop_assert!(
            file.starts_with(&format!("{STAGE_DIR}/")) || file == CONFIG_PATH,
            "diagnostic outside the stage: {d:?}"
        );
    }
    let plan = match plan {
        Ok(plan) => plan,
        Err(Error::InvalidPlan(ds)) => {
            prop_assert!(!validation.ok(), "plan refused but validate is happy");
            prop_assert!(ds.iter().any(Diagnostic::is_error));
            return Ok(());
        }
        Err(e) => return Err(TestCaseError::fail(format!("plan failed with {e:?}"))),
    };
    prop_assert!(
        validation.ok(),
        "plan made despite errors: {:?}",
        validation.diagnostics
    );
    prop_assert!(plan.diagnostics.iter().all(|d| !d.is_error()));
    prop_assert_eq!(plan.warnings.len(), plan.diagnostics.len());

    let by_id: HashMap<&RunId, &renn_core::inventory::Run> =
        plan.runs.iter().map(|r| (&r.id, r)).collect();
    prop_assert_eq!(by_id.len(), plan.runs.len(), "duplicate run ids in runs");
    prop_assert!(
        plan.runs.windows(2).all(|w| w[0].id < w[1].id),
        "runs not in id order"
    );
    let mut scheduled = BTreeSet::new();
    for w in plan.batches.windows(2) {
        prop_assert!(
            w[0].batch < w[1].batch,
            "batches not strictly ascending: {:?}",
            plan.batches
        );
    }
    for b in &plan.batches {
        prop_assert!(b.batch >= 1);
        prop_assert!(!b.runs.is_empty(), "empty batch {}", b.batch);
        prop_assert!(
            b.runs.windows(2).all(|w| w[0] < w[1]),
            "batch {} not sorted",
            b.batch
        );
        for id in &b.runs {
            let Some(run) = by_id.get(id) else {
                return Err(TestCaseError::fail(format!(
                    "{id} is in a batch but not in runs"
                )));
            };
            prop_assert!(!run.complete, "{id} is complete but scheduled");
            prop_assert_eq!(run.batch, b.batch);
            prop_assert_eq!(&run.id.stage, &plan.stage.number);
            if p.gaps_only {
                prop_assert!(run.gap_closure, "{} is not gap closure", id);
            }
            prop_assert!(scheduled.insert((*id).clone()), "{id} scheduled twice");
            for dep in &run.depends_on {
                if dep.stage != plan.stage.number {
                    prop_assert!(dep.stage < plan.stage.number, "{id} depends on later {dep}");
                    continue;
                }
                let Some(target) = by_id.get(dep) else {
                    return Err(TestCaseError::fail(format!(
                        "{id} depends on missing {dep}"
                    )));
                };
                prop_assert!(
                    target.batch < run.batch,
                    "{id} (batch {}) depends on {dep} (batch {})",
                    run.batch,
                    target.batch
                );
            }
        }
    }
    // Every run is scheduled or skipped, for exactly one reason.
    let complete: BTreeSet<&RunId> = plan.skipped.complete.iter().collect();
    let not_gap: BTreeSet<&RunId> = plan.skipped.not_gap_closure.iter().collect();
    for r in &plan.runs {
        let places = [
            scheduled.contains(&r.id),
            complete.contains(&r.id),
            not_gap.contains(&r.id),
        ];
        prop_assert_eq!(
            places.iter().filter(|x| **x).count(),
            1,
            "{} is in {:?}",
            r.id,
            places
        );
        prop_assert_eq!(r.complete, complete.contains(&r.id));
    }
    prop_assert_eq!(plan.message.is_some(), plan.batches.is_empty());
    let md = plan.render_markdown();
    prop_assert!(md.starts_with("## Execution Plan\n"));
    Ok(())
}

/// How a mostly valid project gives its runs batches.
#[derive(Debug, Clone, Copy)]
enum BatchMode {
    /// No `batch:` anywhere: computed from depends_on.
    Computed,
    /// `batch:` on every run, equal to its dependency level (a valid plan).
    Levels,
    /// `batch:` on every run, chosen at random (often invalid).
    Random,
}

#[derive(Debug, Clone)]
struct RunSpec {
    /// Bit i: depend on the i-th present run with a smaller number.
    deps: u8,
    /// Sometimes a dependency on a later run (a cycle or a later batch).
    forward_dep: bool,
    shared_file: Option<usize>,
    gap_closure: bool,
    autonomous: Option<bool>,
    gate: &'static str,
    random_batch: u32,
    recap: bool,
}

fn run_spec() -> impl Strategy<Value = RunSpec> {
    (
        any::<u8>(),
        prop::bool::weighted(0.08),
        prop::option::weighted(0.2, 0usize..3),
        any::<bool>(),
        prop::option::weighted(0.2, any::<bool>()),
        prop::sample::select(vec![
            "auto",
            "auto",
            "auto",
            "tdd",
            "checkpoint:human-verify",
            "checkpoint:decision",
        ]),
        1u32..5,
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(
                deps,
                forward_dep,
                shared_file,
                gap_closure,
                autonomous,
                gate,
                random_batch,
                recap,
            )| RunSpec {
                deps,
                forward_dep,
                shared_file,
                gap_closure,
                autonomous,
                gate,
                random_batch,
                recap,
            },
        )
}

/// A project whose run files are all well-formed, so that planning usually succeeds
/// and the plan's invariants are exercised, not just the error paths.
fn wellformed_project() -> impl Strategy<Value = RandomProject> {
    let numbers = prop::sample::subsequence((1u32..=6).collect::<Vec<_>>(), 1..=6);
    let specs = numbers.prop_flat_map(|ns| {
        let len = ns.len();
        (Just(ns), prop::collection::vec(run_spec(), len))
    });
    let mode = prop::sample::select(vec![
        BatchMode::Computed,
        BatchMode::Computed,
        BatchMode::Levels,
        BatchMode::Levels,
        BatchMode::Random,
    ]);
    let config = prop::sample::select(vec![
        None,
        Some(r#"{"parallelization": false}"#),
        Some("{}"),
    ]);
    (specs, mode, config, any::<bool>()).prop_map(|((ns, specs), mode, config, gaps_only)| {
        let mut levels: Vec<u32> = Vec::new();
        let mut runs = Vec::new();
        let mut recaps = Vec::new();
        for (i, (n, spec)) in ns.iter().zip(&specs).enumerate() {
            let mut deps: Vec<usize> = (0..i).filter(|j| spec.deps & (1 << j) != 0).collect();
            let level = 1 + deps.iter().map(|&j| levels[j]).max().unwrap_or(0);
            levels.push(level);
            let mut dep_ids: Vec<String> = deps.drain(..).map(|j| format!("\"03-{:02}\"", ns[j])).collect();
            if spec.forward_dep {
                if let Some(later) = ns.get(i + 1) {
                    dep_ids.push(format!("\"03-{later:02}\""));
                }
            }
            let mut files = vec![format!("src/run{n}.rs")];
            if let Some(k) = spec.shared_file {
                files.push(["src/shared.rs", "./src/shared.rs", "README.md"][k].to_string());
            }
            let mut y = format!("stage: 03-x\nrun: {n:02}\ntype: execute\n");
            match mode {
                BatchMode::Computed => {}
                BatchMode::Levels => y += &format!("batch: {level}\n"),
                BatchMode::Random => y += &format!("batch: {}\n", spec.random_batch),
            }
            y += &format!("depends_on: [{}]\n", dep_ids.join(", "));
            y += &format!("files_modified: [{}]\n", files.join(", "));
            if let Some(a) = spec.autonomous {
                y += &format!("autonomous: {a}\n");
            }
            y += &format!("gap_closure: {}\n", spec.gap_closure);
            let text = format!(
                "---\n{y}---\n<objective>\nRun {n} builds part {n} of the stage.\n</objective>\n<tasks>\n<task type=\"{}\"><name>Task 1</name></task>\n</tasks>\n",
                spec.gate
            );
            runs.push((*n, RunContent::Text(text)));
            if spec.recap {
                recaps.push((*n, i % 2 == 0));
            }
        }
        RandomProject {
            runs,
            recaps,
            extra_files: Vec::new(),
            config: config.map(str::to_string),
            track: None,
            gaps_only,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn projects_plan_and_validate_without_panicking(p in random_project()) {
        check_project(&p)?;
    }

    #[test]
    fn wellformed_projects_plan_into_executable_batches(p in wellformed_project()) {
        check_project(&p)?;
    }
}

// ---------------------------------------------------------------------------------
// Found by the properties above
// ---------------------------------------------------------------------------------

/// renn counts lines by `\n` (the fence search, body and task lines, invalid UTF-8),
/// but yaml-rust2's markers also break lines at a lone `\r`, so YAML positions in a
/// frontmatter holding old-Mac line ends point past the end of the file.
#[test]
fn lone_carriage_returns_in_frontmatter_keep_yaml_lines_inside_the_file() {
    let text = "---\na: 1\rb: [\r\r\r\n---\n";
    let parsed = run::parse(".renn/stages/03-x/03-01-run.md", text);
    let d = &parsed.diagnostics[0];
    assert_eq!(d.code, "yaml-syntax");
    let lines = text.lines().count() as u32; // 3
    assert!(
        d.line.is_some_and(|l| l <= lines + 1),
        "yaml-syntax at line {:?} of a {lines}-line file",
        d.line
    );
}
