//! The branch a stage's commits go to (`branching_strategy`), and git's rules for
//! what a branch may be called.

use crate::code::Code;
use crate::config::{BranchingStrategy, Config};
use crate::diagnostic::Diagnostic;
use crate::stage::StageDir;
use crate::track;

/// The seed's slug pipeline: `tr` lowercases ASCII only, so every other character
/// (including non-ASCII letters) becomes `-`; runs of `-` collapse; ends are trimmed.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// `git check-ref-format --branch NAME`: the rules for `refs/heads/NAME`, plus the
/// two names git (or a reader of `git log`) would take for something else.
pub fn check_ref_format(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name == "@" {
        return Err("it is `@`, which git reads as HEAD".into());
    }
    if name == "HEAD" {
        return Err("`HEAD` is not a valid branch name".into());
    }
    if name.starts_with('-') {
        return Err("it begins with `-`".into());
    }
    if let Some(c) = name.chars().find(|c| c.is_ascii_control()) {
        return Err(format!("it contains the control character {c:?}"));
    }
    if let Some(c) = name.chars().find(|c| " ~^:?*[\\".contains(*c)) {
        return Err(format!("it contains {c:?}"));
    }
    if name.contains("..") {
        return Err("it contains `..`".into());
    }
    if name.contains("@{") {
        return Err("it contains `@{`".into());
    }
    if name.starts_with('/') || name.ends_with('/') {
        return Err("it begins or ends with `/`".into());
    }
    if name.contains("//") {
        return Err("it contains `//`".into());
    }
    if name.ends_with('.') {
        return Err("it ends with `.`".into());
    }
    for part in name.split('/') {
        if part.starts_with('.') {
            return Err(format!("its component {part:?} begins with `.`"));
        }
        if part.ends_with(".lock") {
            return Err(format!("its component {part:?} ends with `.lock`"));
        }
    }
    Ok(())
}

/// The branch for `stage` under the configured strategy; `None` for strategy none.
/// `track` is track.md's text, read for the milestone (absent: the seed's v1.0).
pub fn branch_name(
    config: &Config,
    stage: &StageDir,
    track: Option<&str>,
) -> Result<Option<String>, Diagnostic> {
    let (key, template, values) = match config.branching_strategy {
        BranchingStrategy::None => return Ok(None),
        BranchingStrategy::Stage => (
            "stage_branch_template",
            &config.stage_branch_template,
            // GSD's templates say `{phase}` for the same number.
            vec![
                ("stage", stage.number.to_string()),
                ("phase", stage.number.to_string()),
                ("slug", slug(&stage.name)),
            ],
        ),
        BranchingStrategy::Milestone => {
            let m = track.map(track::current_milestone).unwrap_or_default();
            (
                "milestone_branch_template",
                &config.milestone_branch_template,
                vec![("milestone", m.version), ("slug", slug(&m.name))],
            )
        }
    };
    let name = fill(config.file, key, template, &values)?;
    check_ref_format(&name).map_err(|rule| {
        Diagnostic::error(
            Code::BranchInvalidRef,
            format!("branch name {name:?} from {key} is not a valid git ref: {rule}"),
        )
        .in_file(config.file)
        .with_hint(format!(
            "change `{key}` (now {template:?}) in {}",
            config.file
        ))
    })?;
    Ok(Some(name))
}

/// Replaces each `{name}` in one pass (a value is never re-read as a template);
/// anything in braces that is not a known placeholder is an error.
fn fill(
    file: &str,
    key: &str,
    template: &str,
    values: &[(&str, String)],
) -> Result<String, Diagnostic> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after
            .find(['{', '}'])
            .filter(|&i| after.as_bytes()[i] == b'}')
        else {
            // A lone `{` is an ordinary character in a branch name.
            out.push('{');
            rest = after;
            continue;
        };
        let name = &after[..close];
        match values.iter().find(|(k, _)| *k == name) {
            Some((_, value)) => out.push_str(value),
            None => {
                let mut known: Vec<String> =
                    values.iter().map(|(k, _)| format!("{{{k}}}")).collect();
                let last = known.pop().unwrap_or_default();
                return Err(Diagnostic::error(
                    Code::BranchTemplatePlaceholder,
                    format!(
                        "`{key}` uses the placeholder {{{name}}}, which it does not know; its placeholders are {}",
                        [known.join(", "), last].join(" and ")
                    ),
                )
                .in_file(file));
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests;
