use super::*;

fn err(text: &str) -> Diagnostic {
    Config::parse(text, false).expect_err(text)
}

fn ok(text: &str) -> Config {
    Config::parse(text, false).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

#[test]
fn missing_file_and_empty_object_give_every_default() {
    let d = Config::default();
    assert_eq!(Config::load(None, false).unwrap(), d);
    assert_eq!(ok("{}"), d);
    assert_eq!(d.horsepower, Horsepower::Balanced);
    assert!(d.commit_docs && d.auditor && d.parallelization.enabled);
    assert_eq!(d.branching_strategy, BranchingStrategy::None);
    assert_eq!(d.stage_branch_template, "renn/stage-{stage}-{slug}");
    assert_eq!(d.milestone_branch_template, "renn/{milestone}-{slug}");
    assert_eq!(d.agent.command[..4], ["claude", "-p", "--model", "{model}"]);
    assert_eq!(d.agent.prompt, PromptMode::Stdin);
    assert_eq!(d.agent.timeout_secs, 3600);
    assert_eq!(d.isolation, Isolation::Worktree);
    assert_eq!(d.max_concurrent(), None);
}

#[test]
fn reads_every_setting() {
    let c = ok(r#"{
        "horsepower": "quality",
        "commit_docs": false,
        "parallelization": {"enabled": true, "max_concurrent_agents": 3},
        "branching_strategy": "milestone",
        "stage_branch_template": "feat/{stage}",
        "milestone_branch_template": "rel/{milestone}",
        "model_overrides": {"renn-runner": "opus", "my-agent": "haiku"},
        "agent": {"command": ["codex", "exec"], "prompt": "argument", "timeout_secs": 60, "max_parallel": 2},
        "auditor": false,
        "isolation": "shared"
    }"#);
    assert_eq!(c.horsepower, Horsepower::Quality);
    assert!(!c.commit_docs && !c.commit_docs_configured && !c.commit_docs_overridden());
    assert_eq!(c.parallelization.max_concurrent_agents, Some(3));
    assert_eq!(c.branching_strategy, BranchingStrategy::Milestone);
    assert_eq!(c.stage_branch_template, "feat/{stage}");
    assert_eq!(c.milestone_branch_template, "rel/{milestone}");
    assert_eq!(c.model_overrides["renn-runner"], "opus");
    assert_eq!(c.model_overrides["my-agent"], "haiku");
    assert_eq!(c.agent.command, ["codex", "exec"]);
    assert_eq!(c.agent.prompt, PromptMode::Argument);
    assert_eq!(c.agent.timeout_secs, 60);
    assert!(!c.auditor);
    assert_eq!(c.isolation, Isolation::Shared);
    assert_eq!(c.max_concurrent(), Some(2));
    assert!(c.extra.is_empty());
}

#[test]
fn parallelization_is_a_bool_or_an_object() {
    assert!(!ok(r#"{"parallelization": false}"#).parallelization.enabled);
    assert_eq!(
        ok(r#"{"parallelization": false}"#).max_concurrent(),
        Some(1)
    );
    let c = ok(r#"{"parallelization": {"max_concurrent_agents": 4}}"#);
    assert_eq!(
        c.parallelization,
        Parallelization {
            enabled: true,
            max_concurrent_agents: Some(4)
        }
    );
    let c = ok(r#"{"parallelization": {"enabled": false, "max_concurrent_agents": 4, "x": [1]}}"#);
    assert_eq!(c.max_concurrent(), Some(1), "disabled wins over any limit");
    let c =
        ok(r#"{"parallelization": {"max_concurrent_agents": null}, "agent": {"max_parallel": 5}}"#);
    assert_eq!(c.max_concurrent(), Some(5));
}

#[test]
fn git_ignored_renn_forces_commit_docs_off_but_keeps_the_configured_value() {
    let c = Config::parse(r#"{"commit_docs": true}"#, true).unwrap();
    assert!(!c.commit_docs && c.commit_docs_configured && c.commit_docs_overridden());
    let c = Config::load(None, true).unwrap();
    assert!(!c.commit_docs && c.commit_docs_overridden());
    let s = Snapshot {
        renn_gitignored: true,
        ..Snapshot::new()
    }
    .with_file(CONFIG_PATH, r#"{"auditor": false}"#);
    let c = Config::from_snapshot(&s).unwrap();
    assert!(!c.auditor && !c.commit_docs);
}

#[test]
fn unknown_keys_are_kept_in_order_and_ignored() {
    let c = ok(r#"{"zeta": 1, "horsepower": "budget", "alpha": {"nested": true}}"#);
    assert_eq!(c.horsepower, Horsepower::Budget);
    let keys: Vec<&str> = c.extra.keys().map(String::as_str).collect();
    assert_eq!(keys, ["zeta", "alpha"]);
    assert_eq!(c.extra["alpha"], serde_json::json!({"nested": true}));
}

#[test]
fn bad_values_name_the_key_what_was_expected_and_where() {
    let cases: &[(&str, &str, u32, u32)] = &[
        (
            "{\n  \"horsepower\": \"fast\"\n}",
            "`horsepower` must be one of quality, balanced, budget, adaptive, inherit; found \"fast\"",
            2,
            22,
        ),
        (
            "{\n  \"commit_docs\": \"yes\"\n}",
            "`commit_docs` must be true or false; found \"yes\"",
            2,
            22,
        ),
        (
            r#"{"branching_strategy": 1}"#,
            "`branching_strategy` must be one of none, stage, milestone, or \"phase\" for stage; found `1`",
            1,
            24,
        ),
        (
            r#"{"parallelization": "yes"}"#,
            "`parallelization` must be true, false or an object {\"enabled\": true, \"max_concurrent_agents\": 4}; found \"yes\"",
            1,
            25,
        ),
        (
            r#"{"parallelization": {"max_concurrent_agents": 0}}"#,
            "`parallelization.max_concurrent_agents` must be a whole number of at least 1, or null; found `0`",
            1,
            47,
        ),
        (
            r#"{"agent": {"command": ["x", 3]}}"#,
            "`agent.command[1]` must be a string; found `3`",
            1,
            29,
        ),
        (
            r#"{"agent": {"timeout_secs": -5}}"#,
            "`agent.timeout_secs` must be a whole number of seconds, at least 1; found `-5`",
            1,
            29,
        ),
        (
            r#"{"agent": {"prompt": "pipe"}}"#,
            "`agent.prompt` must be one of stdin, argument; found \"pipe\"",
            1,
            27,
        ),
        (
            r#"{"model_overrides": {"renn-runner": 3}}"#,
            "`model_overrides.renn-runner` must be a model name such as \"opus\"; found `3`",
            1,
            37,
        ),
        (
            r#"{"isolation": ["worktree"]}"#,
            "`isolation` must be one of worktree, shared, clone; found a list",
            1,
            15,
        ),
        (
            r#"{"stage_branch_template": ""}"#,
            "`stage_branch_template` must be a branch name template such as \"renn/stage-{stage}-{slug}\"; found \"\"",
            1,
            28,
        ),
        (
            "[1]",
            "`config.json` must be a JSON object of settings such as {\"horsepower\": \"balanced\"}; found a list",
            1,
            1,
        ),
    ];
    for (text, message, line, column) in cases {
        let d = err(text);
        assert_eq!(d.code, "config-invalid", "{text}");
        assert_eq!(d.message, *message, "{text}");
        assert_eq!(d.file.as_deref(), Some(CONFIG_PATH));
        assert_eq!((d.line, d.column), (Some(*line), Some(*column)), "{text}");
    }
}

#[test]
fn an_empty_command_is_refused() {
    assert!(err(r#"{"agent": {"command": []}}"#)
        .message
        .ends_with("found []"));
    let d = err(r#"{"agent": {"command": [" ", "-p"]}}"#);
    assert_eq!(
        d.message,
        "`agent.command[0]` must be the program to run; found \" \""
    );
}

#[test]
fn syntax_errors_point_at_the_broken_spot() {
    let d = err("{\n  \"horsepower\": \"budget\",\n}");
    assert_eq!(d.code, "config-syntax");
    assert_eq!(d.message, "invalid JSON: trailing comma");
    assert_eq!((d.line, d.column), (Some(3), Some(1)));

    let d = err("{\"é\": 1 \"x\": 2}");
    assert_eq!(d.message, "invalid JSON: expected `,` or `}`");
    assert_eq!(
        (d.line, d.column),
        (Some(1), Some(9)),
        "columns count characters"
    );

    for empty in ["", "   "] {
        let d = err(empty);
        assert_eq!(d.code, "config-syntax");
        assert_eq!(d.line, Some(1));
        assert!(d.hint.as_deref().unwrap().contains("write {}"));
    }
    assert_eq!(
        err(r#"{"horsepower": "budget", "horsepower": "quality"}"#).code,
        "config-invalid"
    );
}

#[test]
fn errors_render_with_location() {
    let e = crate::Error::from(err("{\"auditor\": \"no\"}"));
    assert_eq!(e.code(), "config-invalid");
    assert_eq!(
        e.to_string(),
        ".renn/config.json:1:16: `auditor` must be true or false; found \"no\""
    );
}

#[test]
fn named_settings_round_trip_through_text() {
    for h in Horsepower::ALL {
        assert_eq!(h.to_string().parse::<Horsepower>().unwrap(), *h);
    }
    assert!("Fast"
        .parse::<Horsepower>()
        .unwrap_err()
        .contains("one of quality"));
    let json = serde_json::to_value(ok(r#"{"horsepower": "budget", "x": 1}"#)).unwrap();
    assert_eq!(json["horsepower"], "budget");
    assert_eq!(json["agent"]["prompt"], "stdin");
    assert_eq!(json["extra"]["x"], 1);
}

#[test]
fn argv_substitutes_or_drops_the_model() {
    let a = AgentConfig::default();
    let with = a.argv(Some("opus"));
    assert_eq!(with[..4], ["claude", "-p", "--model", "opus"]);
    let without = a.argv(None);
    assert_eq!(without[..3], ["claude", "-p", "--output-format"]);
    assert!(!without.iter().any(|s| s.contains("model")));

    let a = AgentConfig {
        command: vec!["x".into(), "--model={model}".into(), "{model}".into()],
        ..AgentConfig::default()
    };
    assert_eq!(a.argv(None), ["x"]);
    assert_eq!(a.argv(Some("m")), ["x", "--model=m", "m"]);
}

fn vars(model: Option<&str>) -> ArgvVars<'_> {
    ArgvVars {
        model,
        agent: "renn-runner",
        run_id: "03-02",
        renn: "/opt/renn/bin/renn",
        ..ArgvVars::default()
    }
}

fn command(args: &[&str]) -> AgentConfig {
    AgentConfig {
        command: args.iter().map(|s| s.to_string()).collect(),
        ..AgentConfig::default()
    }
}

#[test]
fn argv_for_fills_every_placeholder() {
    let a = command(&[
        "{renn}",
        "demo-agent",
        "{agent}",
        "{run_id}",
        "--model={model}",
    ]);
    assert_eq!(
        a.argv_for(&vars(Some("opus"))),
        [
            "/opt/renn/bin/renn",
            "demo-agent",
            "renn-runner",
            "03-02",
            "--model=opus"
        ]
    );
    // Several placeholders in one argument, and the auditor's empty run id kept as an
    // argument so positional agents still see it.
    let a = command(&["x", "{agent}:{run_id}", "{run_id}"]);
    let auditor = ArgvVars {
        agent: "renn-auditor",
        run_id: "",
        ..vars(None)
    };
    assert_eq!(a.argv_for(&auditor), ["x", "renn-auditor:", ""]);
}

#[test]
fn argv_for_keeps_the_model_rules_of_argv() {
    let a = AgentConfig::default();
    assert_eq!(a.argv_for(&vars(Some("opus"))), a.argv(Some("opus")));
    assert_eq!(a.argv_for(&vars(None)), a.argv(None));
    let a = command(&["x", "--model", "{model}", "{agent}"]);
    assert_eq!(a.argv_for(&vars(None)), ["x", "renn-runner"]);
}

#[test]
fn argv_for_leaves_unknown_placeholders_and_values_alone() {
    let a = command(&["x", "{unknown}", "{", "a}b{", "{{model}}", "{agent"]);
    assert_eq!(
        a.argv_for(&vars(Some("m"))),
        ["x", "{unknown}", "{", "a}b{", "{m}", "{agent"]
    );
    // A value is inserted once, never expanded again.
    let a = command(&["{model}", "{renn}"]);
    let tricky = ArgvVars {
        model: Some("{agent}"),
        renn: "/p/{run_id}",
        ..vars(None)
    };
    assert_eq!(a.argv_for(&tricky), ["{agent}", "/p/{run_id}"]);
}

#[test]
fn argv_keeps_other_placeholders_as_written() {
    let a = command(&["x", "{agent}", "{model}"]);
    assert_eq!(a.argv(Some("m")), ["x", "{agent}", "m"]);
}

#[test]
fn the_default_profile_is_claude_with_every_permission() {
    let a = Config::default().agent;
    assert_eq!(
        (a.profile, a.permissions),
        (Profile::Claude, Permissions::Bypass)
    );
    assert!(!a.custom_command);
    assert_eq!(
        a.argv(Some("sonnet")),
        [
            "claude",
            "-p",
            "--model",
            "sonnet",
            "--output-format",
            "text",
            "--permission-mode",
            "bypassPermissions"
        ]
    );
}

#[test]
fn a_profile_brings_its_command_and_args_are_appended() {
    let c = ok(r#"{"agent": {"profile": "codex", "args": ["-c", "model_provider=local"]}}"#);
    let argv = c.agent.argv(Some("gpt-6.2-sol"));
    assert_eq!(argv[..4], ["codex", "exec", "--model", "gpt-6.2-sol"]);
    assert!(argv.contains(&"--dangerously-bypass-approvals-and-sandbox".to_string()));
    assert_eq!(argv[argv.len() - 2..], ["-c", "model_provider=local"]);
    let g = ok(r#"{"agent": {"profile": "gemini"}}"#).agent;
    assert_eq!(g.argv(None)[..2], ["gemini", "--skip-trust"]);
    assert_eq!(g.prompt, PromptMode::Stdin);
}

#[test]
fn a_custom_command_wins_over_the_profile_but_the_models_stay_the_profiles() {
    let c = ok(r#"{"agent": {"profile": "gemini", "command": ["my-agent", "{model}"]}}"#);
    assert!(c.agent.custom_command);
    assert_eq!(c.agent.argv(Some("m")), ["my-agent", "m"]);
    let models = crate::models::resolve(&c);
    assert_eq!(models.get(crate::models::Agent::Runner), Some("flash"));
}

#[test]
fn allowlist_fills_the_allowed_tools_per_run() {
    let a = ok(r#"{"agent": {"permissions": "allowlist"}}"#).agent;
    let argv = a.argv_for(&ArgvVars {
        allowed_tools: "Bash(git add:*)",
        ..vars(Some("opus"))
    });
    assert!(
        argv.contains(&"--allowedTools=Bash(git add:*)".to_string()),
        "{argv:?}"
    );
    assert!(argv.contains(&"acceptEdits".to_string()));
}

#[test]
fn profile_env_yields_to_the_users() {
    let a = ok(r#"{"agent": {"env": {"DISABLE_AUTOUPDATER": "0", "X": "1"}}}"#).agent;
    let env = a.environment(|k| k == "CLAUDE_CODE_MAX_RETRIES");
    assert_eq!(
        env,
        [
            ("DISABLE_AUTOUPDATER".to_string(), "0".to_string()),
            ("X".to_string(), "1".to_string())
        ]
    );
}

#[test]
fn retries_back_off_doubling_up_to_a_cap() {
    let r = ok(
        r#"{"agent": {"retries": {"attempts": 5, "backoff_secs": 10, "max_backoff_secs": 35}}}"#,
    )
    .agent
    .retries;
    assert_eq!(
        (1..=4).map(|n| r.backoff(n)).collect::<Vec<_>>(),
        [10, 20, 35, 35]
    );
    assert!(Config::parse(r#"{"agent": {"profile": "cursor"}}"#, false)
        .unwrap_err()
        .message
        .contains("`agent.profile` must be one of claude, codex, gemini"));
}

#[test]
fn an_unknown_top_level_key_is_a_warning_naming_the_closest_known_key() {
    let text =
        "{\n  \"horsepower\": \"budget\",\n  \"paralellization\": false,\n  \"my_notes\": 1\n}";
    let c = Config::parse(text, false).unwrap();
    assert!(c.parallelization.enabled, "the typo is not read as the key");
    let [typo, notes] = &c.warnings[..] else {
        panic!("{:?}", c.warnings)
    };
    assert_eq!(typo.code, "config-unknown-key");
    assert_eq!((typo.line, typo.column), (Some(3), Some(3)));
    assert_eq!(
        typo.hint.as_deref(),
        Some("did you mean \"parallelization\"?")
    );
    assert!(!notes.hint.as_deref().unwrap_or("").contains("did you mean"));
}

#[test]
fn an_unknown_key_inside_agent_is_an_error_so_the_default_agent_never_runs_instead() {
    let text = "{\"agent\": {\"comand\": [\"my-agent\"]}}";
    let e = Config::parse(text, false).unwrap_err();
    assert_eq!(e.code, "config-invalid");
    assert!(e.message.contains("comand"), "{}", e.message);
    assert_eq!(e.hint.as_deref(), Some("did you mean \"command\"?"));
    assert_eq!(e.line, Some(1));
}

mod gsd;

#[test]
fn a_runtime_that_cannot_start_a_job_is_an_error_at_its_key() {
    let cases = [
        (
            r#"{"agent": {"runtime": {"kind": "slurm"}}}"#,
            "agent.runtime `slurm` runs agents away from this checkout: it needs \"isolation\": \"clone\", found `worktree`",
        ),
        (
            r#"{"isolation": "clone", "agent": {"runtime": {"kind": "kubernetes"}}}"#,
            "agent.runtime `kubernetes` needs an `image` to run",
        ),
        (
            r#"{"isolation": "clone", "agent": {"runtime": {"kind": "ssh", "hosts": []}}}"#,
            "agent.runtime `ssh` needs `hosts`, at least one",
        ),
    ];
    for (text, message) in cases {
        let d = Config::parse(text, false).unwrap_err();
        assert_eq!(d.code, Code::RuntimeConfig, "{text}");
        assert_eq!(d.message, message);
        assert!(d.line.is_some(), "placed at agent.runtime: {d:?}");
    }
    // Local jobs with clone isolation need nothing more; sbatch is a submit mode.
    let c = Config::parse(
        r#"{"isolation": "clone", "agent": {"runtime": {"kind": "slurm", "submit": "sbatch"}}}"#,
        false,
    )
    .unwrap();
    assert_eq!(c.agent.runtime.submit, crate::config::Submit::Sbatch);
    assert!(Config::parse(r#"{"isolation": "clone"}"#, false).is_ok());
}
