//! `renn init`: the files of a new `.renn/` — config.json with every default written
//! out, a track.md and pulse.md to fill in, and the prompt templates renn would use.
//! Pure: the host checks that none of them exists and writes them.

use crate::config::Config;
use crate::layout::{Layout, Vocabulary};
use serde_json::json;

/// `renn init` makes renn's own layout (a GSD project is planned by GSD's tools).
const RENN: &Vocabulary = Layout::Renn.vocab();

/// The stage directories' parent, created empty.
pub const STAGES_DIR: &str = RENN.stages;

/// The files of a new project, `(project-relative path, text)`, in writing order.
/// `name` titles the track (the repository's directory name, say); `templates` adds
/// `.renn/templates/*.md` (copies of the built-in prompts, which they then override).
pub fn skeleton(name: &str, templates: bool) -> Vec<(String, String)> {
    let mut files = vec![
        (RENN.config.to_string(), default_config_text()),
        (RENN.track.to_string(), track_text(name)),
        (RENN.pulse.to_string(), pulse_text(name)),
    ];
    if templates {
        for (file, text) in crate::prompt::embedded_files() {
            files.push((format!("{}/{file}", RENN.templates), text.to_string()));
        }
    }
    files
}

/// config.json with every key at its default value: what renn does with no config.
/// `agent.command` is left out: the profile gives it (a command written here would be
/// the repository's own, which renn runs only once trusted).
pub fn default_config_text() -> String {
    let c = Config::default();
    let a = &c.agent;
    let value = json!({
        "horsepower": c.horsepower,
        "commit_docs": c.commit_docs,
        "parallelization": {
            "enabled": c.parallelization.enabled,
            "max_concurrent_agents": c.parallelization.max_concurrent_agents,
        },
        "branching_strategy": c.branching_strategy,
        "stage_branch_template": c.stage_branch_template,
        "milestone_branch_template": c.milestone_branch_template,
        "model_overrides": c.model_overrides,
        "agent": {
            "profile": a.profile,
            "permissions": a.permissions,
            "prompt": a.prompt,
            "env": a.env,
            "timeout_secs": a.timeout_secs,
            "max_parallel": a.max_parallel,
            "retries": a.retries,
        },
        "auditor": c.auditor,
        "isolation": c.isolation,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

fn track_text(name: &str) -> String {
    format!(
        "# Track: {name}\n\n\
         ## Overview\n\n\
         (What this milestone delivers, in a few sentences.)\n\n\
         ## Stages\n\n\
         - [ ] **Stage 1: First stage** - (what is true when it is done)\n\n\
         ## Stage Details\n\n\
         ### Stage 1: First stage\n\
         **Goal**: (what is true when it is done)\n\
         **Depends on**: Nothing (first stage)\n\n\
         ## Progress\n\n\
         | Stage | Runs Complete | Status | Completed |\n\
         |-------|---------------|--------|-----------|\n\
         | 1. First stage | 0/0 | Not started | - |\n"
    )
}

fn pulse_text(name: &str) -> String {
    format!(
        "# Project Pulse\n\n\
         ## Project Reference\n\n\
         See: .renn/track.md\n\n\
         **Core value:** (what {name} must do well)\n\
         **Current focus:** Stage 1 — First stage\n\n\
         ## Current Position\n\n\
         Stage: 1 of 1 (First stage)\n\
         Run: 0 of 0\n\
         Status: Ready to plan\n\
         Last activity: -\n\n\
         Progress: [░░░░░░░░░░] 0%\n\n\
         ## Accumulated Context\n\n\
         ### Decisions\n\n\
         (none yet)\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Snapshot;
    use crate::Project;

    #[test]
    fn the_default_config_reads_back_as_every_default() {
        let text = default_config_text();
        let parsed = Config::parse(&text, false).unwrap();
        assert_eq!(parsed, Config::default());
        let keys: Vec<String> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
                .unwrap()
                .keys()
                .cloned()
                .collect();
        for key in crate::config::KNOWN_KEYS {
            assert!(keys.iter().any(|k| k == key), "{key} is written out");
        }
    }

    #[test]
    fn a_new_project_opens_and_says_what_comes_next() {
        let mut snap = Snapshot::new();
        for (path, text) in skeleton("demo", true) {
            snap = snap.with_file(path, text);
        }
        let project = Project::new(snap).unwrap();
        let next = project.next().unwrap();
        assert!(next.render_markdown().contains("`/renn.plan-stage 1`"));
        let status = project.status().unwrap();
        assert_eq!(status.stages.len(), 1);
        assert_eq!(
            status.stages[0].state,
            crate::project::StageState::NotPlanned
        );
        // The written templates are the embedded ones, so prompts do not change.
        assert!(crate::prompt::Templates::load(project.snapshot()).is_ok());
        let state = crate::pulse::read(project.snapshot().text(RENN.pulse).unwrap().unwrap());
        assert_eq!(state.stage.as_deref(), Some("1 of 1 (First stage)"));
    }
}
