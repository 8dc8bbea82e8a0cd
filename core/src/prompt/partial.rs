//! The instructions the runner and continuation prompts carry instead of pointing at
//! files nothing installs: how to execute a run, the gate protocol, TDD, the recap
//! format. Each is a template of its own (`core/templates/partials/`), which a project
//! may replace with `.renn/templates/<file>`, and knows the runner placeholders.

use super::{runner_value, RunnerContext, Spec, Templates};
use crate::run;

/// A partial: the placeholder that places it, and when a run gets it.
pub(super) struct Partial {
    pub spec: Spec,
    pub slot: &'static str,
    applies: fn(&RunnerContext<'_>) -> bool,
}

pub(super) const PARTIALS: [Partial; 4] = [
    Partial {
        spec: Spec {
            file: "execute.md",
            what: "execute partial",
            embedded: include_str!("../../templates/partials/execute.md"),
        },
        slot: "execution_rules",
        applies: |_| true,
    },
    Partial {
        spec: Spec {
            file: "gates.md",
            what: "gates partial",
            embedded: include_str!("../../templates/partials/gates.md"),
        },
        slot: "gate_protocol",
        applies: |_| true,
    },
    Partial {
        spec: Spec {
            file: "tdd.md",
            what: "tdd partial",
            embedded: include_str!("../../templates/partials/tdd.md"),
        },
        slot: "tdd_notes",
        applies: is_tdd,
    },
    Partial {
        spec: Spec {
            file: "recap.md",
            what: "recap partial",
            embedded: include_str!("../../templates/partials/recap.md"),
        },
        slot: "recap_format",
        applies: |_| true,
    },
];

/// A `type: tdd` run, or one with `type="tdd"` tasks.
fn is_tdd(c: &RunnerContext<'_>) -> bool {
    c.run.run_type == run::RunType::Tdd || c.run.work.iter().any(|t| t.kind == run::TaskKind::Tdd)
}

impl Templates {
    /// Partial `j` for this run: its text, or nothing when it does not apply (the TDD
    /// notes of a run that is not TDD). Optional ones come wrapped in their own tag.
    pub(super) fn partial(&self, j: usize, ctx: &RunnerContext<'_>) -> String {
        let p = &PARTIALS[j];
        let text = self.partials[j].render(|i| runner_value(i, ctx));
        match p.slot {
            _ if !(p.applies)(ctx) => String::new(),
            "tdd_notes" => format!("\n<tdd>\n{}\n</tdd>\n", text.trim_end()),
            _ => text.trim_end().to_string(),
        }
    }
}
