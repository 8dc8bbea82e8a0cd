//! "No input makes a parser panic", as proptest properties, plus the invariants the
//! parsers and the planner promise for every input: positions are 1-based and inside
//! the file, a usable run has no error, stage numbers round-trip and order totally,
//! and a plan that is produced is executable (every dependency in an earlier batch).

mod config;
mod projects;
mod proofs;
mod run_files;
mod stage_numbers;
mod wellformed;

use {config::*, projects::*, run_files::*, wellformed::*};

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use renn_core::config::Config;
use renn_core::diagnostic::Diagnostic;
use renn_core::run::{self, RunId};
const CONFIG_PATH: &str = renn_core::Layout::Renn.vocab().config;
use renn_core::{Error, FileContent, PlanOptions, Project, Snapshot, StageNumber};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

const CASES: u32 = 256;
// ---------------------------------------------------------------------------------
// Found by the properties above
// ---------------------------------------------------------------------------------

/// renn counts lines by `\n` (the fence search, body and task lines, invalid UTF-8),
/// but yaml-rust2's markers also break lines at a lone `\r`, so YAML positions in a
/// frontmatter holding old-Mac line ends point past the end of the file.
#[test]
fn lone_carriage_returns_in_frontmatter_keep_yaml_lines_inside_the_file() {
    let text = "---\na: 1\rb: [\r\r\r\n---\n";
    let parsed = run::parse(".renn/stages/03-x/03-01-run.md", text);
    let d = &parsed.diagnostics[0];
    assert_eq!(d.code, "yaml-syntax");
    let lines = text.lines().count() as u32; // 3
    assert!(
        d.line.is_some_and(|l| l <= lines + 1),
        "yaml-syntax at line {:?} of a {lines}-line file",
        d.line
    );
}
