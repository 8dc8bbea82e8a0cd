//! What the demo agent writes: the return blocks of docs/spec.md#agent-returns in the
//! shape the prompt's return contract asks for, the recap, and its comment lines.

use super::prompt::Resume;
use renn_core::returns::CompletedTask;
use renn_core::run::{GateKind, RunId};
use renn_core::Vocabulary;
use std::fmt::Write as _;

pub struct Gate {
    pub kind: GateKind,
    pub task: u32,
    pub name: String,
    pub details: String,
    pub awaiting: String,
    pub blocked_by: Option<String>,
}

/// A prose line, then the `## GATE REACHED` block.
pub fn gate_reached(
    v: &Vocabulary,
    id: &RunId,
    total: u32,
    done: &[CompletedTask],
    gate: &Gate,
    prose: &str,
) -> String {
    let status = match gate.kind {
        GateKind::HumanVerify => "awaiting verification",
        GateKind::Decision => "awaiting decision",
        GateKind::HumanAction => "blocked",
    };
    let mut out = format!(
        "{prose}\n\n## {}\n**Type:** {}\n**{}:** {id}\n**Progress:** {}/{total} tasks complete\n\n### Completed Tasks\n{}\n\n### Current Task\n**Task {}:** {}\n**Status:** {status}\n",
        v.gate_block,
        gate.kind.as_str(),
        v.run_word,
        done.len(),
        table(done),
        gate.task,
        one_line(&gate.name),
    );
    if let Some(b) = &gate.blocked_by {
        let _ = writeln!(out, "**Blocked by:** {}", one_line(b));
    }
    let _ = write!(
        out,
        "\n### {}\n{}\n\n### Awaiting\n{}\n",
        v.gate_details,
        gate.details.trim(),
        gate.awaiting.trim()
    );
    out
}

/// The continuation prompt says: if a listed commit is gone, stop with a human-action
/// gate naming it rather than redo the work silently.
pub fn missing_commits(
    v: &Vocabulary,
    id: &RunId,
    total: u32,
    resume: &Resume,
    name: &str,
    missing: &[String],
) -> String {
    let list = missing.join(", ");
    let gate = Gate {
        kind: GateKind::HumanAction,
        task: resume.task,
        name: name.to_string(),
        details: format!(
            "The completed tasks' commits {list} do not exist in this repository, so the run cannot resume on top of them."
        ),
        awaiting: "Restore the commits (or reset the run), then type done".into(),
        blocked_by: Some(format!("missing commits {list}")),
    };
    gate_reached(
        v,
        id,
        total,
        &resume.done,
        &gate,
        "Cannot resume: commits of the completed tasks are missing.",
    )
}

/// A prose line, then the `## RUN COMPLETE` block with every task's row.
pub fn run_complete(
    v: &Vocabulary,
    id: &RunId,
    total: u32,
    recap: &str,
    done: &[CompletedTask],
) -> String {
    let (word, block, field) = (v.run_word, v.complete_block, v.recap_field);
    format!(
        "{word} {id} complete: {} task(s) executed and committed one by one, {} written.\n\n## {block}\n**{word}:** {id}   **Tasks:** {}/{total}   **{field}:** {recap}\n\n{}\n",
        done.len(),
        v.recap_word.to_lowercase(),
        done.len(),
        table(done),
    )
}

fn table(tasks: &[CompletedTask]) -> String {
    let mut out =
        String::from("| Task | Name | Commit | Files |\n|------|------|--------|-------|");
    for t in tasks {
        let files = if t.files.is_empty() {
            "—".to_string()
        } else {
            t.files.join(", ")
        };
        let _ = write!(
            out,
            "\n| {} | {} | {} | {} |",
            t.task,
            cell(&t.name),
            cell(&t.commit.cell()),
            cell(&files)
        );
    }
    out
}

fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub struct RecapInput<'a> {
    /// The project's words: a GSD summary says `phase:`/`plan:`, as the prompt asks.
    pub vocab: &'static Vocabulary,
    /// The stage directory's name: `02-accounts`.
    pub stage: &'a str,
    pub id: &'a RunId,
    pub summary: &'a str,
    pub objective: &'a str,
    pub date: &'a str,
    pub created: &'a [String],
    pub modified: &'a [String],
    pub decisions: &'a [String],
    pub tasks: &'a [CompletedTask],
    /// Markdown list items; empty means "None".
    pub issues: &'a [String],
}

/// The recap in the shape `renn_core::recap::parse` reads (docs/spec.md#recaps). Lists
/// are written as flow sequences of JSON strings, which YAML reads as they are.
pub fn recap(r: &RecapInput<'_>) -> String {
    let list = |items: &[String]| {
        let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
        format!("[{}]", quoted.join(", "))
    };
    let first_line = r.objective.lines().map(str::trim).find(|l| !l.is_empty());
    let one_liner = first_line
        .map(|l| l.trim_end_matches('.').replace("**", ""))
        .unwrap_or_else(|| format!("Run {} executed by the renn demo agent", r.id));
    let title = if r.summary.is_empty() {
        "demo run"
    } else {
        r.summary
    };
    let mut out = format!(
        "---\n{}: {}\n{}: {}\nsubsystem: demo\ntags: [demo]\nkey-files:\n  created: {}\n  modified: {}\nkey-decisions: {}\nduration: demo\ncompleted: {}\n---\n\n# {} {}: {} {}\n\n**{}**\n\n## Accomplishments\n",
        r.vocab.stage_key,
        r.stage,
        r.vocab.run_key,
        quote(&r.id.run_number()),
        list(r.created),
        list(r.modified),
        list(r.decisions),
        r.date,
        r.vocab.run_word,
        r.id,
        one_line(title),
        r.vocab.recap_word,
        one_line(&one_liner),
    );
    for t in r.tasks {
        let _ = writeln!(out, "- Task {}: {}", t.task, one_line(&t.name));
    }
    // The return's own table: the reports and renn's recovery read it back.
    let _ = writeln!(out, "\n## Task Commits\n{}", table(r.tasks));
    let issues = if r.issues.is_empty() {
        "None".to_string()
    } else {
        r.issues.join("\n")
    };
    let _ = write!(
        out,
        "\n## Deviations from Run\nNone - run executed exactly as written.\n\n## Issues Encountered\n{issues}\n\n## Next Stage Readiness\nThe renn demo agent marked each planned file with a comment; no real feature code was written.\n"
    );
    out
}

/// A YAML double-quoted scalar (JSON string syntax is a subset of it).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// `note` as a one-line comment in the file's language (by extension; `#` otherwise).
pub fn comment(file: &str, note: &str) -> String {
    let note = one_line(note);
    let ext = file
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "rs" | "js" | "mjs" | "cjs" | "ts" | "tsx" | "jsx" | "go" | "c" | "h" | "cc" | "cpp"
        | "hpp" | "java" | "kt" | "swift" | "cs" | "scala" | "dart" | "zig" => format!("// {note}"),
        "md" | "html" | "htm" | "xml" | "vue" | "svelte" => format!("<!-- {note} -->"),
        "css" | "scss" | "less" => format!("/* {note} */"),
        "sql" | "lua" | "hs" | "elm" => format!("-- {note}"),
        _ => format!("# {note}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_follow_the_language() {
        assert_eq!(comment("src/x.py", "02-02 task 1: a"), "# 02-02 task 1: a");
        assert_eq!(comment("src/lib.rs", "n"), "// n");
        assert_eq!(comment("README.md", "n"), "<!-- n -->");
    }

    #[test]
    fn the_recap_parses() {
        let id = RunId::parse("02-02").unwrap();
        let task = CompletedTask {
            task: 1,
            name: "Store: \"x\"".into(),
            commit: renn_core::returns::TaskCommit::hash("abc1234"),
            files: vec!["a.py".into()],
        };
        let text = recap(&RecapInput {
            vocab: renn_core::Layout::Renn.vocab(),
            stage: "02-accounts",
            id: &id,
            summary: "Session store",
            objective: "Server-side **session** store.\nMore.",
            date: "2026-11-20",
            created: &["a.py".into()],
            modified: &[],
            decisions: &["Task 3: pg".into()],
            tasks: &[task],
            issues: &[],
        });
        let r = renn_core::recap::parse(".renn/stages/02-accounts/02-02-recap.md", &text).unwrap();
        assert_eq!(r.one_liner.as_deref(), Some("Server-side session store"));
        assert_eq!(r.key_files_created, ["a.py"]);
        assert_eq!(r.key_decisions, ["Task 3: pg"]);
        assert_eq!(r.completed.as_deref(), Some("2026-11-20"));
        assert!(r.deviations.is_none() && r.issues.is_none());
    }
}
