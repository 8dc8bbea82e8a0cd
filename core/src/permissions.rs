//! The least-privilege alternative (`agent.permissions: "allowlist"`): a runner may edit
//! files, run git's commit commands, and run the programs its plan's `<verify>`
//! commands name — nothing else. The allowlist is built per run from the run file, in
//! the syntax of the agent CLI's own allow rules.

use crate::config::Profile;

/// git subcommands a runner needs to commit its tasks and check its work.
const GIT: &[&str] = &[
    "add",
    "commit",
    "status",
    "diff",
    "log",
    "show",
    "rev-parse",
    "ls-files",
];

/// The programs named by the `<verify>` commands of a run file (or of several,
/// concatenated): the first word of each command in a code span or code block, and
/// of each shell command chained with `&&`, `||`, `;` or `|`. Words that are not
/// plain program names (`$VAR`, `./x y`) are left out; so is git, which is allowed
/// subcommand by subcommand.
pub fn verify_programs(run_text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for verify in tag_texts(run_text, "verify") {
        for span in code_spans(verify) {
            for command in span.split(['&', '|', ';', '\n']) {
                let program = command
                    .split_whitespace()
                    .find(|w| !w.contains('='))
                    .map(|w| w.trim_matches(|c| c == '(' || c == ')'));
                if let Some(p) = program.filter(|p| is_program(p) && *p != "git") {
                    if !out.iter().any(|o| o == p) {
                        out.push(p.to_string());
                    }
                }
            }
        }
    }
    out
}

/// The allow rules for `programs`, in `profile`'s syntax, comma-separated.
pub fn allowed_tools(profile: Profile, programs: &[String]) -> String {
    let rules: Vec<String> = match profile {
        Profile::Claude => GIT
            .iter()
            .map(|c| format!("Bash(git {c}:*)"))
            .chain(programs.iter().map(|p| format!("Bash({p}:*)")))
            .collect(),
        Profile::Gemini => std::iter::once("run_shell_command(git)".to_string())
            .chain(programs.iter().map(|p| format!("run_shell_command({p})")))
            .collect(),
        // Codex has no per-command allow list: its sandbox is the boundary.
        Profile::Codex => Vec::new(),
    };
    rules.join(",")
}

/// The texts between `<tag>` and `</tag>`, in order.
fn tag_texts<'t>(text: &'t str, tag: &str) -> Vec<&'t str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    out
}

/// Inline code spans and fenced blocks; a verify without any is read as one command
/// per line.
fn code_spans(text: &str) -> Vec<&str> {
    let pieces: Vec<&str> = text.split('`').collect();
    if pieces.len() < 3 {
        return text.lines().collect();
    }
    pieces
        .iter()
        .skip(1)
        .step_by(2)
        .map(|span| match span.split_once('\n') {
            // A fenced block's first line is its language: ```bash
            Some((lang, rest)) if !lang.trim().contains(' ') => rest,
            _ => span,
        })
        .collect()
}

fn is_program(word: &str) -> bool {
    !word.is_empty()
        && word.len() <= 64
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && word
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_come_from_code_in_verify_tags() {
        let run = "<task><verify>`cargo test auth` passes; `curl -s localhost:8080/health | jq .ok`</verify></task>\n\
                   <task><verify>Run `RUST_LOG=1 cargo clippy && npm run lint`</verify></task>\n\
                   <action>`rm -rf /` is not a verify command</action>";
        assert_eq!(verify_programs(run), ["cargo", "curl", "jq", "npm"]);
    }

    #[test]
    fn fenced_blocks_drop_their_language() {
        let run = "<verify>\n```bash\nmake check\n```\n</verify>";
        assert_eq!(verify_programs(run), ["make"]);
    }

    #[test]
    fn plain_verify_lines_are_commands_and_git_is_left_to_its_rules() {
        let run = "<verify>\npytest tests/test_login.py\ngit log -1\n$HOME/bin/x\n</verify>";
        assert_eq!(verify_programs(run), ["pytest"]);
    }

    #[test]
    fn rules_in_each_clis_syntax() {
        let programs = vec!["pytest".to_string()];
        let claude = allowed_tools(Profile::Claude, &programs);
        assert!(claude.starts_with("Bash(git add:*),Bash(git commit:*),"));
        assert!(claude.ends_with(",Bash(pytest:*)"));
        assert_eq!(
            allowed_tools(Profile::Gemini, &programs),
            "run_shell_command(git),run_shell_command(pytest)"
        );
        assert_eq!(allowed_tools(Profile::Codex, &programs), "");
    }
}
