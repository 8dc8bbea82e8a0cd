//! The API surface: a [`Project`] is a snapshot plus its parsed config, and every
//! question renn answers about a plan is a method on it. Bindings wrap exactly this.

use crate::batch::Concurrency;
use crate::code::Code;
use crate::config::{Config, Isolation};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::inventory::{self, Inventory};
use crate::layout::{Layout, Vocabulary};
use crate::models::{self, Models};
use crate::plan::{self, Plan, PlanOptions};
use crate::proof::{self, Proof, Route};
use crate::snapshot::Snapshot;
use crate::stage::{self, StageDir};
use crate::{branch, track};
use serde::Serialize;

mod retry;
mod session;
mod status;
pub use retry::Retry;
pub use session::StageOptions;
pub use status::{GateWaiting, StageState, StageStatus, Status};

#[derive(Debug, Clone)]
pub struct Project {
    snapshot: Snapshot,
    config: Config,
}

/// What `validate` found: the stage and every diagnostic, errors first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Validation {
    pub stage: StageDir,
    /// How many of `diagnostics` are errors.
    pub error_count: usize,
    /// How many of `diagnostics` are warnings.
    pub warning_count: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl Validation {
    pub fn ok(&self) -> bool {
        self.error_count == 0
    }
}

/// A proof as `renn proof` shows it: the parsed proof, where it routes, and the
/// seed's report for that route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct ProofView {
    #[serde(flatten)]
    pub proof: Proof,
    pub route: Route,
    pub checklist: Vec<String>,
    pub report: String,
}

impl ProofView {
    /// A proof's text read, checked against the safety rule and routed: what a host
    /// shows after the auditor. `stage` is the number as the user types it (`3`).
    pub fn from_text(path: &str, text: &str, stage: &str, title: &str) -> Result<Self> {
        let proof = proof::parse(path, text)?;
        Ok(ProofView {
            checklist: proof.checklist(),
            route: proof.route(stage),
            report: proof.render_markdown(stage, title),
            proof,
        })
    }
}

impl Project {
    /// Finds the layout (`.renn/` or `.planning/`) and reads its config (defaults
    /// when absent).
    pub fn new(mut snapshot: Snapshot) -> Result<Self> {
        snapshot.layout = Layout::detect(&snapshot)?.ok_or(Error::NotInitialized)?;
        let config = Config::from_snapshot(&snapshot)?;
        Ok(Self { snapshot, config })
    }

    /// The project's layout and its words.
    pub fn vocab(&self) -> &'static Vocabulary {
        self.snapshot.vocab()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Every stage directory, in stage order.
    pub fn stages(&self) -> Vec<StageDir> {
        stage::list(
            self.snapshot.children(self.vocab().stages),
            self.vocab().stages,
        )
    }

    pub fn resolve_stage(&self, arg: &str) -> Result<StageDir> {
        stage::resolve(
            arg,
            self.snapshot.children(self.vocab().stages),
            self.vocab().stages,
        )
    }

    pub fn inventory(&self, stage_arg: &str) -> Result<Inventory> {
        let stage = self.resolve_stage(stage_arg)?;
        inventory::take(&self.snapshot, &stage, self.concurrency())
    }

    /// How a batch's runs share the project, from `parallelization` and `isolation`.
    fn concurrency(&self) -> Concurrency {
        match (self.config.parallelization.enabled, self.config.isolation) {
            (false, _) => Concurrency::Sequential,
            (true, Isolation::Shared) => Concurrency::Shared,
            (true, Isolation::Worktree | Isolation::Clone) => Concurrency::Worktrees,
        }
    }

    /// The execution plan; fails with every error when the plan has any.
    pub fn plan(&self, stage_arg: &str, opts: PlanOptions) -> Result<Plan> {
        let inv = self.inventory(stage_arg)?;
        if inv.has_errors() {
            let mut ds = inv.diagnostics;
            ds.sort_by_key(|d| std::cmp::Reverse(d.severity));
            return Err(Error::InvalidPlan(ds));
        }
        let title = self.stage_title(&inv.stage);
        let mut plan = plan::build(inv, title, opts);
        plan.layout = self.snapshot.layout;
        // A typo'd config key is a warning wherever the plan is shown.
        plan.diagnostics
            .extend(self.config.warnings.iter().cloned());
        Ok(plan)
    }

    pub fn validate(&self, stage_arg: &str) -> Result<Validation> {
        let inv = self.inventory(stage_arg)?;
        let mut diagnostics = inv.diagnostics;
        diagnostics.extend(self.config.warnings.iter().cloned());
        diagnostics.sort_by_key(|d| std::cmp::Reverse(d.severity));
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Ok(Validation {
            stage: inv.stage,
            warning_count: diagnostics.len() - errors,
            error_count: errors,
            diagnostics,
        })
    }

    pub fn models(&self) -> Models {
        models::resolve(&self.config)
    }

    /// The branch this stage runs on, or `None` for strategy `none`.
    pub fn branch(&self, stage_arg: &str) -> Result<Option<String>> {
        let stage = self.resolve_stage(stage_arg)?;
        let track = self.snapshot.text(self.vocab().track)?;
        Ok(branch::branch_name(&self.config, &stage, track)?)
    }

    /// The stage's proof, parsed, with the safety rule applied and its route. A stage
    /// without run files has one too (the proof does not need them).
    pub fn proof(&self, stage_arg: &str) -> Result<ProofView> {
        let stage = self.resolve_stage(stage_arg)?;
        let path = self
            .locate_proof(&stage.dir, &stage.number)?
            .ok_or_else(|| {
                let exact = format!(
                    "{}/{}{}",
                    stage.dir,
                    stage.number,
                    self.vocab().proof_suffix
                );
                Diagnostic::error(Code::ProofMissing, "the stage has no proof yet")
                    .in_file(exact)
                    .with_hint("the auditor writes it after every run of the stage is complete")
            })?;
        let text = self.snapshot.text(&path)?.unwrap_or_default();
        let title = self.stage_title(&stage);
        ProofView::from_text(&path, text, &stage.number.unpadded(), &title)
    }

    /// Where the stage's proof is, found as the workflow finds it: `NN-proof.md`, else
    /// the stage directory's one `*-proof.md`; `None` when it has none.
    pub fn proof_path(&self, stage_arg: &str) -> Result<Option<String>> {
        let stage = self.resolve_stage(stage_arg)?;
        Ok(self.locate_proof(&stage.dir, &stage.number)?)
    }

    fn locate_proof(
        &self,
        dir: &str,
        number: &crate::stage::StageNumber,
    ) -> std::result::Result<Option<String>, Diagnostic> {
        let files = (self.snapshot.children(dir).into_iter())
            .filter(|name| self.snapshot.files.contains_key(&format!("{dir}/{name}")));
        proof::locate(self.vocab(), dir, number, files)
    }

    fn stage_title(&self, stage: &StageDir) -> String {
        let track = self.snapshot.text(self.vocab().track).ok().flatten();
        track
            .and_then(|t| track::stage_title(t, &stage.number))
            .unwrap_or_else(|| plan::title_from_slug(&stage.name))
    }
}
