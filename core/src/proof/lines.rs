//! A proof whose frontmatter is not valid YAML is still routed: the workflow needs
//! only its `status:` line, so renn reads the top-level `status:`, `score:` and
//! `verified:` lines one by one and warns. See docs/spec.md, "Proof and routing".

use crate::diagnostic::Position;

/// A top-level `key: value` line of the frontmatter: the value (unquoted, without a
/// trailing comment) and its position in the file.
pub(super) fn value<'a>(yaml: &'a str, yaml_line: u32, key: &str) -> Option<(&'a str, Position)> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let trimmed = rest.trim_start();
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        let column = line.len() - trimmed.len() + 1;
        let v = match trimmed.find(" #") {
            Some(c) => &trimmed[..c],
            None => trimmed,
        }
        .trim();
        let v = unquote(v);
        let line_no = yaml_line.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        Some((v, Position::new(line_no, column as u32)))
    })
}

fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    v
}
