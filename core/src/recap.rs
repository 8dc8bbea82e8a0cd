//! A run's recap (`03-02-recap.md`): what the runner says it built. renn reads it for
//! the batch-complete and aggregate reports — the one-liner, deviations and issues.
//!
//! Recaps are written by agents, so the reader is tolerant: unknown keys are ignored,
//! every field is optional, and a list may be written as a single string. What it
//! refuses is frontmatter it cannot read at all, or a field of the wrong shape (a
//! mapping where a list of strings belongs): those are diagnostics with file and line.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::frontmatter::{self, Node, Value};
use crate::layout::{self, Layout};
use crate::markdown;
use crate::run::RunId;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recap {
    pub path: String,
    /// From the file name; the frontmatter's `stage`/`run` only when the name has none.
    pub run: RunId,
    pub stage: Option<String>,
    pub subsystem: Option<String>,
    pub tags: Vec<String>,
    pub key_files_created: Vec<String>,
    pub key_files_modified: Vec<String>,
    pub key_decisions: Vec<String>,
    /// As written (`14min`, `1h 5m`): renn reports it, never computes with it.
    pub duration: Option<String>,
    pub completed: Option<String>,
    /// The first line of the body that is entirely bold, without the `**`.
    pub one_liner: Option<String>,
    /// Section texts, trimmed; `None` when absent or saying "None".
    pub accomplishments: Option<String>,
    pub deviations: Option<String>,
    pub issues: Option<String>,
    pub next_stage_readiness: Option<String>,
}

/// Where a failed run's recap is set aside: `…/03-02-recap.md` → `…/03-02-recap.rejected.md`.
/// Not a `-recap.md` name, so the inventory neither counts it as a recap (the run is not
/// complete) nor reports it as an orphan.
pub fn rejected_path(recap_path: &str) -> String {
    match recap_path.strip_suffix(".md") {
        Some(stem) => format!("{stem}.rejected.md"),
        None => format!("{recap_path}.rejected"),
    }
}

/// The recap next to a run file, in its layout: `…/03-02-run.md` → `…/03-02-recap.md`,
/// `…/03-02-PLAN.md` → `…/03-02-SUMMARY.md`.
pub fn path_for_run(run_path: &str) -> String {
    let vocab = layout::by_suffix(run_path, |v| v.run_suffix);
    match vocab.and_then(|v| Some((run_path.strip_suffix(v.run_suffix)?, v.recap_suffix))) {
        Some((stem, recap)) => format!("{stem}{recap}"),
        None => format!("{run_path}{}", Layout::Renn.vocab().recap_suffix),
    }
}

/// Reads a recap. Errors name the file and, where there is one, the line.
pub fn parse(path: &str, text: &str) -> Result<Recap, Diagnostic> {
    let split = frontmatter::split(text).map_err(|d| d.in_file(path))?;
    let root = frontmatter::parse_yaml(split.yaml, split.yaml_line).map_err(|d| d.in_file(path))?;
    if !matches!(root.value, Value::Map(_) | Value::Null) {
        return Err(shape(path, &root, "the frontmatter", "a mapping of fields"));
    }
    let scalar = |key: &str| -> Result<Option<String>, Diagnostic> {
        match root.get(key) {
            None => Ok(None),
            Some(n) if n.value == Value::Null => Ok(None),
            Some(n) => n
                .scalar_text()
                .map(Some)
                .ok_or_else(|| shape(path, n, key, "a single value")),
        }
    };
    let list = |node: Option<&Node>, key: &str| strings(path, node, key);
    let key_files = root.get("key-files");
    if let Some(k) = key_files.filter(|k| !matches!(k.value, Value::Map(_) | Value::Null)) {
        return Err(shape(
            path,
            k,
            "key-files",
            "a mapping with `created` and `modified` lists",
        ));
    }
    // The keys of the layout its name is in (`stage`/`run`, GSD's `phase`/`plan`).
    let vocab = layout::by_suffix(path, |v| v.recap_suffix).unwrap_or(Layout::Renn.vocab());
    let stage = scalar(vocab.stage_key)?;
    let run = run_id(path, stage.as_deref(), scalar(vocab.run_key)?.as_deref())?;
    let body = split.body;
    Ok(Recap {
        path: path.to_string(),
        run,
        stage,
        subsystem: scalar("subsystem")?,
        tags: list(root.get("tags"), "tags")?,
        key_files_created: list(
            key_files.and_then(|k| k.get("created")),
            "key-files.created",
        )?,
        key_files_modified: list(
            key_files.and_then(|k| k.get("modified")),
            "key-files.modified",
        )?,
        key_decisions: list(root.get("key-decisions"), "key-decisions")?,
        duration: scalar("duration")?,
        completed: scalar("completed")?,
        one_liner: one_liner(body),
        accomplishments: section(body, &["accomplishments"]),
        deviations: section(body, &["deviations"]),
        issues: section(body, &["issues encountered", "issues"]),
        next_stage_readiness: section(body, &["next stage readiness", "next stage", "next"]),
    })
}

/// The file name is the run's identity (as for run files); a recap whose name is not
/// `<stage>-<run>-recap.md` falls back to its frontmatter.
fn run_id(path: &str, stage: Option<&str>, run: Option<&str>) -> Result<RunId, Diagnostic> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem =
        layout::by_suffix(name, |v| v.recap_suffix).and_then(|v| name.strip_suffix(v.recap_suffix));
    if let Some(id) = stem.and_then(RunId::parse) {
        return Ok(id);
    }
    let from_fields = stage
        .map(|s| s.split('-').next().unwrap_or(s))
        .zip(run)
        .and_then(|(s, r)| RunId::parse(&format!("{s}-{r}")))
        // `run:` may be the full id, as in run files.
        .or_else(|| run.and_then(|r| RunId::parse(r.trim())));
    from_fields.ok_or_else(|| {
        Diagnostic::error(
            Code::RecapFileName,
            format!("`{name}` is not a recap file name and its frontmatter names no run"),
        )
        .in_file(path)
        .with_hint("name recaps after their run: 03-02-run.md → 03-02-recap.md (03-02-PLAN.md → 03-02-SUMMARY.md)")
    })
}

/// A list of strings; a single scalar counts as a one-item list (agents write both).
fn strings(path: &str, node: Option<&Node>, key: &str) -> Result<Vec<String>, Diagnostic> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    match &node.value {
        Value::Null => Ok(Vec::new()),
        Value::Seq(items) => items
            .iter()
            .filter(|i| i.value != Value::Null)
            .map(|i| {
                i.scalar_text()
                    .ok_or_else(|| shape(path, i, key, "a list of strings"))
            })
            .collect(),
        _ => node
            .scalar_text()
            .map(|s| vec![s])
            .ok_or_else(|| shape(path, node, key, "a list of strings")),
    }
}

fn shape(path: &str, node: &Node, key: &str, expected: &str) -> Diagnostic {
    Diagnostic::error(
        Code::RecapField,
        format!("`{key}` should be {expected}, found {}", node.describe()),
    )
    .in_file(path)
    .at(Some(node.pos))
}

/// The first body line that is bold from end to end (`**…**`, no `**` inside), outside
/// code fences. `**Task 1:** x` and `**bold** then text` are not one-liners.
fn one_liner(body: &str) -> Option<String> {
    let mut fenced = false;
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        let inner = t.strip_prefix("**").and_then(|r| r.strip_suffix("**"));
        match inner.map(str::trim) {
            Some(text) if !fenced && !text.is_empty() && !text.contains("**") => {
                return Some(text.to_string())
            }
            _ => {}
        }
    }
    None
}

/// The text of the first level-2 section whose title starts with one of `titles`
/// (`## Deviations from Run` and `## Deviations from Plan` alike); any level if no
/// level-2 section matches. "None" and its variants are no content.
fn section(body: &str, titles: &[&str]) -> Option<String> {
    let all = markdown::sections(body);
    let matches = |s: &&markdown::Section<'_>| {
        let t = s.title.to_ascii_lowercase();
        titles.iter().any(|p| t.starts_with(p))
    };
    let found = all
        .iter()
        .filter(|s| s.level == 2)
        .find(matches)
        .or_else(|| all.iter().find(matches))?;
    let text = found.body(body).trim();
    (!text.is_empty() && !says_none(text)).then(|| text.to_string())
}

/// `None`, `None.`, `- None`, `None - run executed exactly as written.`, `N/A`.
/// "None of the tests ran" and "None. But CI was flaky" are content: only a bare
/// none, or a one-line none followed by a dash, colon, comma or parenthesis, counts.
pub fn says_none(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix(['-', '*']).map_or(t, str::trim_start);
    let t = t.trim_matches('_').trim_matches('*');
    let lower = t.to_ascii_lowercase();
    let bare = lower.trim_end_matches(['.', '!']);
    if ["none", "n/a", "nothing", "no issues", "no deviations"].contains(&bare) {
        return true;
    }
    let Some(rest) = lower.strip_prefix("none") else {
        return false;
    };
    !t.contains('\n')
        && [" - ", " — ", " – ", " (", ": ", ", "]
            .iter()
            .any(|sep| rest.starts_with(sep))
}

#[cfg(test)]
mod tests;
