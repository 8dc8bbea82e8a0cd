//! Crash safety for agents: renn records each agent it starts — its token first, before
//! the process exists, then its pid and start time — so that after `kill -9` the next
//! execution stops the ones still running before it plans. Otherwise a resumed stage
//! could run a run twice at the same time.
//!
//! An agent is recognised by its token ([`agent::new_token`]), which every process it
//! started carries in its environment: not by pid (reused) or program name (`bash` for
//! a script, `node` for an npm shim). A registry that names a token no process carries
//! (stale, or crafted) stops nothing.
//!
//! On Windows the same registry and tokens apply (sysinfo reads environments and start
//! times there too), but there is usually less to find: each agent's job object is
//! closed when renn dies, however it dies, and `JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`
//! ends everything in it; what is found is what escaped the job (see `agent/sys`).
//! A job by name, to be opened again after a crash, would not outlive renn either, so
//! none is named. Compiled for Windows, not run there.

use super::*;
use std::collections::BTreeMap;

/// One agent renn started (or was about to start).
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug)]
pub(super) struct Entry {
    pub token: String,
    /// Known once the process exists.
    #[serde(default)]
    pub pid: Option<u32>,
    /// Seconds since the epoch, when the process started (sysinfo), for people.
    #[serde(default)]
    pub started: Option<u64>,
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
pub(super) struct Registry {
    /// label → the agent
    agents: BTreeMap<String, Entry>,
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

    /// Records the agent `label` is about to become: before it can do any work, so a
    /// `kill -9` of renn at any moment leaves it findable.
    pub(super) fn intend_agent(&self, label: &str, token: &str) -> Result<()> {
        let mut r = self.registry();
        let entry = Entry {
            token: token.to_string(),
            pid: None,
            started: None,
        };
        r.agents.insert(label.to_string(), entry);
        self.save(&r)
    }

    /// Adds the pid and start time once the agent runs.
    pub(super) fn remember_agent(&self, label: &str, pid: u32) -> Result<()> {
        let mut r = self.registry();
        if let Some(e) = r.agents.get_mut(label) {
            e.pid = Some(pid);
            e.started = agent::start_time(pid);
            self.save(&r)?;
        }
        Ok(())
    }

    pub(super) fn forget_agent(&self, label: &str) -> Result<()> {
        let mut r = self.registry();
        if r.agents.remove(label).is_some() {
            self.save(&r)?;
        }
        Ok(())
    }

    /// Stops agents an interrupted renn left behind — all at once, one grace period for
    /// all — and says so. Returns the labels of the agents an interrupted renn had
    /// working (still running or not: their runs may have changed on disk since the
    /// plan was read, and what they left half-done is theirs).
    pub(super) fn stop_stale_agents(&mut self) -> Result<Vec<String>> {
        let r = self.registry();
        if r.agents.is_empty() {
            return Ok(Vec::new());
        }
        let tokens: Vec<&str> = r.agents.values().map(|e| e.token.as_str()).collect();
        let stopped = agent::stop_marked(&tokens, agent::GRACE);
        for (label, e) in &r.agents {
            if stopped.contains(&e.token) {
                let pid = e.pid.map_or("?".into(), |p| p.to_string());
                self.ui.text(&format!("Stopped {label}'s agent (pid {pid}), left running by an interrupted renn; it runs again."));
                self.ui.emit(&event::StaleAgentStopped {
                    run: label.clone(),
                    pid: e.pid,
                });
            }
        }
        self.save(&Registry::default())?;
        Ok(r.agents.into_keys().collect())
    }
}
