//! (b) config.json: arbitrary, JSON-shaped and truncated input.

use super::*;

// ---------------------------------------------------------------------------------
// (b) config.json
// ---------------------------------------------------------------------------------

pub(crate) fn json_scalar() -> impl Strategy<Value = Value> {
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
            // GSD's values.
            "phase",
            "adaptive",
            "inherit",
            "gsd/phase-{phase}-{slug}",
            "gsd-executor",
        ])
        .prop_map(|s| Value::String(s.into())),
        "\\PC{0,10}".prop_map(Value::String),
    ]
}

pub(crate) fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "horsepower", "commit_docs", "parallelization", "branching_strategy",
            "stage_branch_template", "milestone_branch_template", "model_overrides", "agent",
            "auditor", "isolation", "enabled", "max_concurrent_agents", "command", "prompt",
            "timeout_secs", "max_parallel", "renn-runner", "renn-auditor", "general-purpose",
            // GSD's spellings and sections.
            "model_profile", "git", "planning", "workflow", "verifier", "phase_branch_template",
            "use_worktrees", "gsd-executor", "gsd-verifier", "gsd-planner", "mode", "gates",
        ])
        .prop_map(str::to_string),
        1 => "\\PC{0,8}",
    ]
}

pub(crate) fn json_value() -> impl Strategy<Value = Value> {
    json_scalar().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((json_key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

pub(crate) fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((json_key(), json_value()), 0..8)
        .prop_map(|kv| kv.into_iter().collect::<Map<_, _>>())
}

pub(crate) fn check_config(text: &str, gitignored: bool) -> Result<Option<Config>, TestCaseError> {
    match Config::parse(text, gitignored) {
        Ok(c) => {
            prop_assert!(
                !(gitignored && c.commit_docs),
                "commit_docs on while .renn is ignored"
            );
            // Unknown keys and conflicts are about keys written in the text: each is found.
            for w in &c.warnings {
                prop_assert!(w.line.is_some() && w.column.is_some(), "{:?}", w);
            }
            check_positions(&c.warnings, text)?;
            Ok(Some(c))
        }
        Err(d) => {
            prop_assert!(
                ["config-syntax", "config-invalid"].contains(&d.code.name()),
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
