//! Agents cannot corrupt renn's state. pulse.md and track.md are renn's: a runner that
//! rewrites them would replace the user's text and renn's record in one stroke. The main
//! tree's branch is the stage's: a runner that checks out another one would make renn
//! commit the stage there. And `.renn/` is the plan itself. After every agent that worked
//! in the main tree renn checks all three: changed documents are restored (and said), a
//! moved branch fails the run, a vanished `.renn/` stops the stage.

use super::*;
use renn_core::Code;
use std::cell::RefCell;

/// What renn last knew of what it owns in the main tree.
#[derive(Default)]
pub(super) struct Guard {
    /// The branch checked out when the stage started (`None`: detached).
    branch: Option<String>,
    /// pulse.md and track.md as renn last read or wrote them (`None`: absent).
    docs: Vec<(&'static str, Option<String>)>,
}

/// What an agent did that renn does not allow.
pub(super) enum Breach {
    /// The run fails with this reason.
    Run(String),
}

impl Host<'_> {
    /// Records the branch and renn's documents as the stage starts.
    pub(super) fn guard_start(&mut self) -> Result<()> {
        let branch = self.git.current_branch()?;
        let docs = [self.vocab().pulse, self.vocab().track]
            .into_iter()
            .map(|p| (p, self.read(p)))
            .collect();
        self.guard = RefCell::new(Guard { branch, docs });
        Ok(())
    }

    /// renn wrote `rel`: that is now the version to keep.
    pub(super) fn guard_wrote(&self, rel: &str, text: &str) {
        let mut g = self.guard.borrow_mut();
        if let Some(entry) = g.docs.iter_mut().find(|(p, _)| *p == rel) {
            entry.1 = Some(text.to_string());
        }
    }

    /// After an agent that worked in the main tree: restores renn's documents, says so,
    /// and tells whether the run must fail. A vanished `.renn/` is an error: nothing
    /// renn would do next could be right.
    pub(super) fn guard_check(&mut self, label: &str) -> Result<Option<Breach>> {
        if !self.root.join(self.vocab().dir).is_dir() {
            let d = Diagnostic::error(
                Code::RennDirVanished,
                format!("`.renn/` disappeared while {label}'s agent worked; renn stops"),
            )
            .with_hint("restore it (`git checkout -- .renn` or from your last commit), then run the same command again");
            return Err(renn_core::Error::from(d).into());
        }
        let docs = self.guard.borrow().docs.clone();
        for (path, kept) in docs {
            let now = self.read(path);
            if now == kept {
                continue;
            }
            match &kept {
                Some(text) => write_atomic(&self.root, path, text.as_bytes())?,
                None => {
                    let _ = std::fs::remove_file(self.root.join(path));
                }
            }
            self.ui.text(&format!(
                "warning: {label}'s agent changed {path}; renn restored it (pulse.md and track.md are renn's to edit)."
            ));
            self.ui.emit(&event::StateRestored {
                run: label.to_string(),
                path: path.to_string(),
            });
        }
        let expected = self.guard.borrow().branch.clone();
        let now = self.git.current_branch()?;
        if now != expected {
            let show = |b: &Option<String>| b.clone().unwrap_or_else(|| "a detached HEAD".into());
            return Ok(Some(Breach::Run(format!(
                "its agent switched the main tree from {} to {}; renn commits nothing there — switch back (`git switch {}`) and run the stage again",
                show(&expected),
                show(&now),
                show(&expected)
            ))));
        }
        Ok(None)
    }
}
