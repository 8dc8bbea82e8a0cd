//! Trust before running someone else's command. A cloned repository's `.renn/config.json`
//! can name any program as its agent, or point the agent at any endpoint: `renn
//! run-stage` would run it. So an agent command line (or environment) that the
//! repository chose runs only once the user has trusted it for that repository — on a
//! terminal by answering renn's question, or with `--trust` (both recorded), or for one
//! execution with `RENN_TRUST=1` (CI). The record lives outside the repository, where a
//! repository cannot write it: `$RENN_CONFIG_DIR`, else `$XDG_CONFIG_HOME/renn`, else
//! `~/.config/renn` (on Windows without `HOME`: `%APPDATA%\renn`), file `trusted.json`,
//! holding for each repository the SHA-256 of each command it trusted. A changed
//! command is a new question.

use crate::fsio::write_atomic;
use crate::Result;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The variable that trusts every command for one execution.
pub const TRUST_VAR: &str = "RENN_TRUST";

/// The fingerprint of what is trusted.
pub fn fingerprint(subject: &str) -> String {
    Sha256::digest(subject.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The user's record of trusted commands.
pub struct TrustStore {
    path: Option<PathBuf>,
}

type Records = BTreeMap<String, Vec<String>>;

impl TrustStore {
    /// The user's store, where the environment says it is (`None` without a home).
    pub fn user() -> TrustStore {
        let var = |k| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dir = var("RENN_CONFIG_DIR")
            .or_else(|| var("XDG_CONFIG_HOME").map(|d| d.join("renn")))
            .or_else(|| var("HOME").map(|h| h.join(".config").join("renn")))
            .or_else(|| {
                cfg!(windows)
                    .then(|| var("APPDATA").map(|d| d.join("renn")))
                    .flatten()
            });
        TrustStore {
            path: dir.map(|d| d.join("trusted.json")),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn records(&self) -> Records {
        self.path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Whether `subject` was trusted for the repository at `root`.
    pub fn trusts(&self, root: &Path, subject: &str) -> bool {
        let print = fingerprint(subject);
        self.records()
            .get(&key(root))
            .is_some_and(|prints| prints.contains(&print))
    }

    /// Records that `subject` is trusted for the repository at `root`.
    pub fn trust(&self, root: &Path, subject: &str) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut records = self.records();
        let prints = records.entry(key(root)).or_default();
        let print = fingerprint(subject);
        if !prints.contains(&print) {
            prints.push(print);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| crate::Error::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let text = serde_json::to_string_pretty(&records).unwrap_or_default();
        let (dir, name) = (
            path.parent().unwrap_or(Path::new(".")),
            path.file_name().unwrap_or_default(),
        );
        write_atomic(dir, name, text.as_bytes())
    }
}

/// Repositories are told apart by their real path.
fn key(root: &Path) -> String {
    root.canonicalize()
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
}
