//! (a) run files: generators of YAML/markdown-shaped text, and the run parser's properties.

use super::*;

// ---------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------

pub(crate) const KEYS: &[&str] = &[
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
pub(crate) fn yaml_value() -> impl Strategy<Value = String> {
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

pub(crate) fn yaml_key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(KEYS).prop_map(str::to_string),
        1 => "[a-z_]{1,8}",
        1 => prop::sample::select(vec!["\"batch\"", "'run'", "? batch", "- run", "batch ", " run", "\tstage", "[a]", "{b: 1}", "&k stage", "*k"])
            .prop_map(str::to_string),
    ]
}

/// A frontmatter line: mostly `key: value`, sometimes junk.
pub(crate) fn yaml_line() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (yaml_key(), yaml_value()).prop_map(|(k, v)| format!("{k}: {v}")),
        1 => (yaml_key(), yaml_value()).prop_map(|(k, v)| format!("{k}:{v}")),
        1 => "\\PC{0,16}",
    ]
}

pub(crate) fn body_fragment() -> impl Strategy<Value = String> {
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

pub(crate) fn body() -> impl Strategy<Value = String> {
    (prop::collection::vec(body_fragment(), 0..24), any::<bool>()).prop_map(|(parts, lt_at_end)| {
        let mut s = parts.concat();
        if lt_at_end {
            s.push('<');
        }
        s
    })
}

/// Text shaped like a run file, with ways of getting the shape wrong.
pub(crate) fn run_text() -> impl Strategy<Value = String> {
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

pub(crate) fn any_run_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        1 => "\\PC*",
        6 => run_text(),
    ]
}

pub(crate) fn run_path() -> impl Strategy<Value = String> {
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
pub(crate) fn check_positions(ds: &[Diagnostic], text: &str) -> Result<(), TestCaseError> {
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
        prop_assert!(!d.code.name().is_empty() && !d.message.is_empty(), "{d:?}");
    }
    Ok(())
}

pub(crate) fn check_run_parse(path: &str, text: &str) -> Result<(), TestCaseError> {
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

pub(crate) fn check_stage_number(s: &str) -> Result<(), TestCaseError> {
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
