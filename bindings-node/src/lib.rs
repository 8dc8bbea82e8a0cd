//! renn for Node.js: renn-core's API (docs/api.md) as a napi-rs addon, with
//! renn-cli's disk loading for `Project.load`. This crate only converts: JS values
//! to the core's inputs, results to plain objects, failures to the RennError classes.

mod convert;
mod error;
mod execution;
mod project;
mod stage;

use convert::{located, Json, Located};
use error::OrThrow;
use napi::Env;
use napi_derive::napi;
use renn_core::project::ProofView;
use renn_core::returns::{self, AgentReturn};

// Exported to JS like every #[napi] item; public so that builds without the addon
// registration (clippy's test target) see it used.
pub use error::set_error_classes;

/// renn's version.
#[allow(non_upper_case_globals)] // the JS name, without an alias export
#[napi]
pub const version: &str = env!("CARGO_PKG_VERSION");

/// What renn makes of an agent's output: its RUN COMPLETE or GATE REACHED block.
/// `file` names the output in errors.
/// Positions in errors count UTF-16 code units of `output`.
#[napi(ts_return_type = "AgentReturn")]
pub fn parse_return(
    env: Env,
    output: String,
    file: Option<String>,
) -> napi::Result<Json<AgentReturn>> {
    let parsed = returns::parse_output(file.as_deref(), &output);
    Ok(Json(parsed.or_throw_in(&env, &|_| Some(output.as_str()))?))
}

/// Where a proof's text came from (`routeProof`'s second argument).
#[napi(object)]
pub struct ProofSource {
    /// Where the proof is (named in errors and in the view).
    pub path: String,
    /// The stage number as a person types it (`3`).
    pub stage: String,
    /// The stage's title (from track.md).
    pub title: String,
}

/// A proof's text read, checked against the safety rule, and routed.
/// Positions (in `warnings` and errors) count UTF-16 code units of `text`.
#[napi(ts_return_type = "ProofView")]
pub fn route_proof(
    env: Env,
    text: String,
    source: ProofSource,
) -> napi::Result<Json<Located<ProofView>>> {
    let view = ProofView::from_text(&source.path, &text, &source.stage, &source.title);
    let text_of = |_: Option<&str>| Some(text.as_str());
    let view = view.or_throw_in(&env, &text_of)?;
    located(view, text.is_ascii(), &text_of)
}
