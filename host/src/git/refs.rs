//! Questions about many refs and objects at once, and atomic ref updates: one git
//! process for a whole batch of runs instead of one per run.

use super::Git;
use crate::Result;
use std::collections::BTreeMap;

/// One change of an [`Git::update_refs`] transaction. `old` is the value the ref must
/// still have, so a ref someone else moved meanwhile is never overwritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefUpdate {
    Update {
        name: String,
        new: String,
        old: String,
    },
    Delete {
        name: String,
        old: String,
    },
}

impl Git {
    /// Every ref under `prefix` (e.g. `refs/heads/renn/`), full name → commit hash.
    pub fn refs(&self, prefix: &str) -> Result<BTreeMap<String, String>> {
        let out = self.ok([
            "for-each-ref",
            "--format=%(objectname) %(refname)",
            "--end-of-options",
            prefix,
        ])?;
        Ok(out
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(oid, name)| (name.to_string(), oid.to_string()))
            .collect())
    }

    /// Applies every update in one transaction: all of them, or none when any ref is not
    /// at its expected value.
    pub fn update_refs(&self, updates: &[RefUpdate]) -> Result<()> {
        if updates.is_empty() {
            return Ok(());
        }
        let input: String = updates
            .iter()
            .map(|u| match u {
                RefUpdate::Update { name, new, old } => format!("update {name}\0{new}\0{old}\0"),
                RefUpdate::Delete { name, old } => format!("delete {name}\0{old}\0"),
            })
            .collect();
        self.ok_with_input(["update-ref", "--stdin", "-z"], Some(&input))
            .map(drop)
    }

    /// The type of each named object (`commit`, `blob`, `tree`…), `None` when it does not
    /// exist or is ambiguous. Names are anything `git cat-file` resolves, one per line:
    /// `abc123^{commit}`, `refs/heads/x:./path` (a path relative to ROOT in that commit).
    pub fn object_types(&self, names: &[String]) -> Result<Vec<Option<String>>> {
        let mut types = vec![None; names.len()];
        // A line break would split a name in two for git: such a name names nothing.
        let asked: Vec<usize> = (0..names.len())
            .filter(|&i| !names[i].contains(['\n', '\r']))
            .collect();
        if asked.is_empty() {
            return Ok(types);
        }
        let input: String = asked.iter().map(|&i| format!("{}\n", names[i])).collect();
        let out = self.ok_with_input(["cat-file", "--batch-check"], Some(&input))?;
        // A found object prints "<hash> <type> <size>"; otherwise "<name> missing" or
        // "<name> ambiguous".
        for (&i, line) in asked.iter().zip(out.lines()) {
            if let [size, kind, _] = line.rsplitn(3, ' ').collect::<Vec<_>>()[..] {
                if size.parse::<u64>().is_ok() {
                    types[i] = Some(kind.to_string());
                }
            }
        }
        Ok(types)
    }

    /// Renames the local branch `from` to `to`, also where a worktree has it checked out.
    /// An existing `to` is an error: no branch is overwritten.
    pub fn rename_branch(&self, from: &str, to: &str) -> Result<()> {
        self.ok(["branch", "-m", "--end-of-options", from, to])
            .map(drop)
    }

    /// The text of the file `rev:./path` names (a path relative to ROOT), `None` when
    /// there is none there or it is not text.
    pub fn file_at(&self, rev: &str, path: &str) -> Result<Option<String>> {
        let name = format!("{rev}:./{path}");
        if self.object_types(std::slice::from_ref(&name))?[0].as_deref() != Some("blob") {
            return Ok(None);
        }
        Ok(Some(self.ok(["cat-file", "blob", name.as_str()])?))
    }
}
