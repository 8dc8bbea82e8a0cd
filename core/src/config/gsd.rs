//! GSD's (`get-shit-done-cc`) `.planning/config.json` keys, as data: which ones renn
//! reads as one of its own settings, and which it accepts without a warning but
//! ignores, with why. A GSD project's config.json is then read as is: nothing GSD writes
//! is an "unknown key". Read from get-shit-done-cc 1.42.3 (`templates/config.json`,
//! `bin/lib/config-schema.cjs`, `core.cjs` `loadConfig`, `sdk/shared/model-catalog.json`)
//! and checked against the repository's 1.50.0-canary.0.
//!
//! The table documents; the reading itself is typed (`de/gsd.rs`, `spellings.rs`).
//! docs/spec.md's "GSD config keys" table is generated from it (core/tests/gsd_keys.rs).

/// What renn does with a GSD key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Read as the renn setting the text names.
    Read(&'static str),
    /// Accepted without a warning and ignored; the text says why.
    Ignored(&'static str),
}

/// One GSD key: its dotted path (`<…>` stands for any name) and what renn does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GsdKey {
    pub key: &'static str,
    pub renn: Use,
}

const fn read(key: &'static str, setting: &'static str) -> GsdKey {
    GsdKey {
        key,
        renn: Use::Read(setting),
    }
}

const fn ignored(key: &'static str, why: &'static str) -> GsdKey {
    GsdKey {
        key,
        renn: Use::Ignored(why),
    }
}

// Why renn ignores a key; shared texts, so the spec's table groups their keys.
const PLANNING: &str = "GSD's planning, research and discussion; renn starts from written plans";
const ASKING: &str = "how GSD's commands confirm and ask; renn's gates are in the run files";
const COMMANDS: &str =
    "a GSD command renn has no counterpart of (ship, review, docs, security, UI)";
const MODELS: &str =
    "GSD's model routing for its runtimes; renn's `agent.profile` names the models";
const PROMPTS: &str = "what GSD puts in its own agents' prompts; renn's prompts are its templates";
const LAYOUT: &str =
    "how GSD names phase directories and repositories: the project layout's concern";
const TOOLS: &str = "GSD's own tools and hooks (search, codebase index, stall checks)";
const SCHEDULING: &str =
    "GSD's wave scheduling; renn's batches come from `depends_on` and run as `parallelization` allows";
const GIT: &str = "renn neither tags milestones, opens pull requests nor runs quick tasks";
const AUTO: &str = "GSD chains commands on its own; renn runs one stage and prints what comes next";
const TIMEOUT: &str = "a timeout of GSD's mapping subagents (ms); renn's is `agent.timeout_secs`";
const AGENTS: &str = "GSD's other agents do not run in renn";
const CROSS_AI: &str =
    "GSD hands plans marked `cross_ai: true` to another CLI; renn runs every run with `agent.command`";

/// Every key GSD 1.42.3 writes or reads in `.planning/config.json`.
pub const GSD_KEYS: &[GsdKey] = &[
    read(
        "model_profile",
        "`horsepower` (`adaptive`, `inherit`: see [Models](#models))",
    ),
    read("commit_docs", "`commit_docs` (the same key)"),
    read("planning.commit_docs", "`commit_docs`"),
    read("parallelization", "`parallelization` (the same key)"),
    read("parallelization.enabled", "`parallelization.enabled`"),
    read(
        "parallelization.max_concurrent_agents",
        "`parallelization.max_concurrent_agents` (GSD writes it, never reads it)",
    ),
    ignored("parallelization.plan_level", SCHEDULING),
    ignored("parallelization.task_level", SCHEDULING),
    ignored("parallelization.skip_checkpoints", SCHEDULING),
    ignored("parallelization.min_plans_for_parallel", SCHEDULING),
    read(
        "git.branching_strategy",
        "`branching_strategy` (`phase` is `stage`)",
    ),
    read(
        "branching_strategy",
        "`branching_strategy` (GSD's older flat spelling)",
    ),
    read(
        "git.phase_branch_template",
        "`stage_branch_template` (`{phase}` is `{stage}`)",
    ),
    read(
        "phase_branch_template",
        "`stage_branch_template` (GSD's flat spelling)",
    ),
    read(
        "git.milestone_branch_template",
        "`milestone_branch_template`",
    ),
    read(
        "milestone_branch_template",
        "`milestone_branch_template` (the same key)",
    ),
    ignored("git.quick_branch_template", GIT),
    ignored("quick_branch_template", GIT),
    ignored("git.create_tag", GIT),
    ignored("git.base_branch", GIT),
    read("workflow.verifier", "`auditor`"),
    read("verifier", "`auditor` (GSD's flat spelling)"),
    read(
        "workflow.use_worktrees",
        "`isolation` (`false`: `shared`, and one run at a time)",
    ),
    read(
        "model_overrides",
        "`model_overrides`: `gsd-executor` is `renn-runner`, `gsd-verifier` `renn-auditor`",
    ),
    ignored("model_overrides.<other gsd-* agent>", AGENTS),
    ignored("models", MODELS),
    ignored("model_profile_overrides", MODELS),
    ignored("dynamic_routing", MODELS),
    ignored("resolve_model_ids", MODELS),
    ignored("runtime", MODELS),
    ignored("context_window", MODELS),
    ignored("mode", ASKING),
    ignored("gates", ASKING),
    ignored("safety", ASKING),
    ignored("workflow.text_mode", ASKING),
    ignored("text_mode", ASKING),
    ignored("workflow.human_verify_mode", ASKING),
    ignored("manager", ASKING),
    ignored("statusline", ASKING),
    ignored("response_language", ASKING),
    ignored("workflow.auto_advance", AUTO),
    ignored("auto_advance", AUTO),
    ignored("workflow._auto_chain_active", AUTO),
    ignored("_auto_chain_active", AUTO),
    ignored("granularity", PLANNING),
    ignored("depth", PLANNING),
    ignored("workflow.research", PLANNING),
    ignored("research", PLANNING),
    ignored("workflow.plan_check", PLANNING),
    ignored("plan_checker", PLANNING),
    ignored("workflow.nyquist_validation", PLANNING),
    ignored("nyquist_validation", PLANNING),
    ignored("workflow.post_planning_gaps", PLANNING),
    ignored("post_planning_gaps", PLANNING),
    ignored("workflow.tdd_mode", PLANNING),
    ignored("tdd_mode", PLANNING),
    ignored("workflow.mvp_mode", PLANNING),
    ignored("mvp_mode", PLANNING),
    ignored("workflow.discuss_mode", PLANNING),
    ignored("workflow.skip_discuss", PLANNING),
    ignored("workflow.max_discuss_passes", PLANNING),
    ignored("workflow.research_before_questions", PLANNING),
    ignored("workflow.ai_integration_phase", PLANNING),
    ignored("workflow.ui_phase", PLANNING),
    ignored("workflow.ui_safety_gate", PLANNING),
    ignored("workflow.pattern_mapper", PLANNING),
    ignored("workflow.plan_bounce", PLANNING),
    ignored("workflow.plan_bounce_script", PLANNING),
    ignored("workflow.plan_bounce_passes", PLANNING),
    ignored("workflow.plan_chunked", PLANNING),
    ignored("workflow.plan_review_convergence", PLANNING),
    ignored("workflow.context_coverage_gate", PLANNING),
    ignored("workflow.drift_threshold", PLANNING),
    ignored("workflow.drift_action", PLANNING),
    ignored("workflow.auto_prune_state", PLANNING),
    ignored("brave_search", PLANNING),
    ignored("firecrawl", PLANNING),
    ignored("exa_search", PLANNING),
    ignored("workflow.code_review", COMMANDS),
    ignored("workflow.code_review_depth", COMMANDS),
    ignored("workflow.code_review_command", COMMANDS),
    ignored("workflow.security_enforcement", COMMANDS),
    ignored("workflow.security_asvs_level", COMMANDS),
    ignored("workflow.security_block_on", COMMANDS),
    ignored("workflow.ui_review", COMMANDS),
    ignored("workflow.cross_ai_execution", CROSS_AI),
    ignored("workflow.cross_ai_command", CROSS_AI),
    ignored("workflow.cross_ai_timeout", CROSS_AI),
    ignored("ship", COMMANDS),
    ignored("review", COMMANDS),
    ignored("workflow.subagent_timeout", TIMEOUT),
    ignored("subagent_timeout", TIMEOUT),
    ignored("workflow.node_repair", PROMPTS),
    ignored("workflow.node_repair_budget", PROMPTS),
    ignored("workflow.inline_plan_threshold", PROMPTS),
    ignored("agent_skills", PROMPTS),
    ignored("context", PROMPTS),
    ignored("features", PROMPTS),
    ignored("learnings", PROMPTS),
    ignored("claude_md_path", PROMPTS),
    ignored("claude_md_assembly", PROMPTS),
    ignored("project_code", LAYOUT),
    ignored("phase_naming", LAYOUT),
    ignored("planning.sub_repos", LAYOUT),
    ignored("sub_repos", LAYOUT),
    ignored("multiRepo", LAYOUT),
    ignored("planning.search_gitignored", TOOLS),
    ignored("search_gitignored", TOOLS),
    ignored("workflow.worktree_skip_hooks", TOOLS),
    ignored("executor", TOOLS),
    ignored("hooks", TOOLS),
    ignored("intel", TOOLS),
    ignored("graphify", TOOLS),
    ignored("code_quality", TOOLS),
];

/// GSD's agents (`model-catalog.json`): a `model_overrides` entry for one is kept
/// without the `unknown-agent-override` warning. Two of them are renn's
/// ([`crate::models::Agent::gsd_name`]); the others never run in renn.
pub const GSD_AGENTS: &[&str] = &[
    "gsd-advisor-researcher",
    "gsd-ai-researcher",
    "gsd-assumptions-analyzer",
    "gsd-code-fixer",
    "gsd-code-reviewer",
    "gsd-codebase-mapper",
    "gsd-debug-session-manager",
    "gsd-debugger",
    "gsd-doc-classifier",
    "gsd-doc-synthesizer",
    "gsd-doc-verifier",
    "gsd-doc-writer",
    "gsd-domain-researcher",
    "gsd-eval-auditor",
    "gsd-eval-planner",
    "gsd-executor",
    "gsd-framework-selector",
    "gsd-integration-checker",
    "gsd-intel-updater",
    "gsd-nyquist-auditor",
    "gsd-pattern-mapper",
    "gsd-phase-researcher",
    "gsd-plan-checker",
    "gsd-planner",
    "gsd-project-researcher",
    "gsd-research-synthesizer",
    "gsd-roadmapper",
    "gsd-security-auditor",
    "gsd-ui-auditor",
    "gsd-ui-checker",
    "gsd-ui-researcher",
    "gsd-user-profiler",
    "gsd-verifier",
];

/// The top-level part of a dotted key.
fn top(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// Whether `key` (top-level) is one of GSD's: accepted without a warning.
pub fn is_gsd_key(key: &str) -> bool {
    GSD_KEYS.iter().any(|k| top(k.key) == key)
}

/// GSD's top-level keys, each once, in the table's order (for "did you mean").
pub fn top_level_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for k in GSD_KEYS {
        if !keys.contains(&top(k.key)) {
            keys.push(top(k.key));
        }
    }
    keys
}

/// docs/spec.md's table: one row per meaning, its keys in the table's order.
pub fn markdown_table() -> String {
    let mut rows: Vec<(Use, Vec<&str>)> = Vec::new();
    for k in GSD_KEYS {
        match rows.iter_mut().find(|(u, _)| *u == k.renn) {
            Some((_, keys)) => keys.push(k.key),
            None => rows.push((k.renn, vec![k.key])),
        }
    }
    let mut out = String::from("| GSD key | renn |\n|---|---|\n");
    for (renn, keys) in rows {
        let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        let meaning = match renn {
            Use::Read(setting) => format!("read as {setting}"),
            Use::Ignored(why) => format!("ignored: {why}"),
        };
        out.push_str(&format!("| {} | {meaning} |\n", keys.join(", ")));
    }
    out
}
