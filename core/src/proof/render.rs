//! The seed's report for each route of a proof, and the warnings met reading it.

use super::{Proof, Route};
use std::fmt::Write as _;

impl Proof {
    /// The seed's report for each route; `stage` is e.g. "3", `title` "Authentication".
    pub fn render_markdown(&self, stage: &str, title: &str) -> String {
        let mut out = String::new();
        let word = self.vocab().stage_word;
        match self.route(stage) {
            Route::UpdateTrack => {
                let _ = writeln!(out, "## ✓ {word} {stage}: {title} — Goal Verified\n");
                if let Some((a, b)) = self.score {
                    let _ = writeln!(out, "**Score:** {a}/{b} must-haves verified");
                }
            }
            Route::AskHuman { checklist } => {
                let _ = writeln!(
                    out,
                    "## ✓ {word} {stage}: {title} — Human Verification Required\n"
                );
                let _ = writeln!(
                    out,
                    "All automated checks passed. {} items need human testing:\n",
                    checklist.len()
                );
                out.push_str("### Human Verification Checklist\n\n");
                for (i, item) in checklist.iter().enumerate() {
                    let _ = writeln!(out, "{}. {item}", i + 1);
                }
                out.push_str("\n---\n\n**After testing:**\n- \"approved\" → continue to update_roadmap\n- Report issues → will route to gap closure planning\n");
                if self.overridden {
                    out.push_str("\n(The proof says `passed`, but it lists human verification items: renn treats it as human_needed.)\n");
                }
            }
            Route::PlanGaps { next_command } => {
                self.render_gaps(&mut out, stage, title, &next_command)
            }
        }
        if !self.warnings.is_empty() {
            out.push('\n');
            out.push_str(&crate::diagnostic::render(&self.warnings));
        }
        out
    }

    fn render_gaps(&self, out: &mut String, stage: &str, title: &str, next: &str) {
        let v = self.vocab();
        let word = v.stage_word;
        let _ = writeln!(out, "## ⚠ {word} {stage}: {title} — Gaps Found\n");
        if let Some((a, b)) = self.score {
            let _ = writeln!(out, "**Score:** {a}/{b} must-haves verified");
        }
        let _ = writeln!(out, "**Report:** {}\n", self.path);
        out.push_str("### What's Missing\n\n");
        if self.gaps.is_empty() && !self.warnings.is_empty() {
            out.push_str(
                "The gaps are in the proof: its frontmatter could not be read (see below).\n",
            );
        }
        for g in &self.gaps {
            let _ = write!(out, "- **{}** ({})", g.truth, g.status);
            if let Some(r) = &g.reason {
                let _ = write!(out, ": {r}");
            }
            out.push('\n');
            for m in &g.missing {
                let _ = writeln!(out, "  - missing: {m}");
            }
            for a in &g.artifacts {
                let _ = writeln!(
                    out,
                    "  - {}{}",
                    a.path,
                    a.issue
                        .as_deref()
                        .map(|i| format!(": {i}"))
                        .unwrap_or_default()
                );
            }
        }
        let _ = writeln!(
            out,
            "\n---\n\n## ▶ Next Up\n\n**Plan gap closure** with your planning workflow (not a renn command) — create additional {}s to complete the {}\n\n`{next}`\n\nthen run them: `renn run-stage {stage} --gaps-only`\n\n<sub>`/clear` first → fresh context window</sub>\n\n---\n\n**Also available:**\n- `cat {}` — see full report\n- `{} {stage}` (planning workflow) — manual testing before planning",
            v.run_lower(),
            v.stage_lower(),
            self.path,
            v.audit_command,
        );
    }
}
