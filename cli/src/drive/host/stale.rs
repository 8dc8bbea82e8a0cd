//! Crash safety for agents: renn records which agent processes it started, so that
//! after `kill -9` the next execution stops the ones still running before it plans —
//! otherwise a resumed stage could run a run twice at the same time.

use super::*;
use std::collections::BTreeMap;

#[derive(serde::Serialize, serde::Deserialize, Default)]
pub(super) struct Registry {
    /// label → (pid, program)
    agents: BTreeMap<String, (u32, String)>,
}

impl Host<'_> {
    fn registry_path(&self) -> String {
        format!("{}/logs/agents.json", self.plan.stage.dir)
    }

    fn registry(&self) -> Registry {
        self.read(&self.registry_path())
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Replaced atomically (a killed renn leaves the old registry or the new one), but
    /// not flushed to disk like renn's other files: it matters only while its agents
    /// live, and a power cut ends them too. Two fsyncs per agent sat on the path of
    /// every spawn and every exit.
    fn save(&self, r: &Registry) -> Result<()> {
        let text = serde_json::to_string_pretty(r).unwrap_or_default();
        crate::fsio::write_atomic_unsynced(&self.root, self.registry_path(), text.as_bytes())
    }

    pub(super) fn remember_agent(&self, label: &str, pid: u32, program: &str) -> Result<()> {
        let mut r = self.registry();
        r.agents
            .insert(label.to_string(), (pid, program.to_string()));
        self.save(&r)
    }

    pub(super) fn forget_agent(&self, label: &str) -> Result<()> {
        let mut r = self.registry();
        if r.agents.remove(label).is_some() {
            self.save(&r)?;
        }
        Ok(())
    }

    /// Stops agents an interrupted renn left behind, and says so.
    pub(super) fn stop_stale_agents(&mut self) -> Result<()> {
        let r = self.registry();
        for (label, (pid, program)) in &r.agents {
            if agent::stop_stale(*pid, program) {
                self.ui.text(&format!("Stopped {label}'s agent (pid {pid}), left running by an interrupted renn; it runs again."));
                self.ui
                    .event("stale_agent_stopped", json!({ "run": label, "pid": pid }));
            }
        }
        if !r.agents.is_empty() {
            self.save(&Registry::default())?;
        }
        Ok(())
    }
}
