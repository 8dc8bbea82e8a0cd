//! The few markdown shapes renn reads from agents and from its own documents:
//! headed sections, pipe tables (via pulldown-cmark) and `**Key:** value` fields.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// A `#`-heading and the text under it, up to the next heading of the same or a
/// higher level. Headings inside fenced code blocks do not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    pub level: usize,
    pub title: &'a str,
    /// Byte offset of the heading line in the text.
    pub start: usize,
    /// Byte offset just past the heading line.
    pub body_start: usize,
    /// Byte offset where the section ends.
    pub end: usize,
}

impl<'a> Section<'a> {
    pub fn body<'t>(&self, text: &'t str) -> &'t str {
        &text[self.body_start..self.end]
    }
}

/// Every ATX heading (`## Title`) with its extent.
pub fn sections(text: &str) -> Vec<Section<'_>> {
    let mut heads: Vec<(usize, &str, usize, usize)> = Vec::new();
    let mut offset = 0;
    let mut fenced = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.trim_start().starts_with("```") || trimmed.trim_start().starts_with("~~~") {
            fenced = !fenced;
        } else if !fenced {
            if let Some((level, title)) = heading(trimmed) {
                heads.push((level, title, offset, offset + line.len()));
            }
        }
        offset += line.len();
    }
    heads
        .iter()
        .enumerate()
        .map(|(i, &(level, title, start, body_start))| {
            let end = heads[i + 1..]
                .iter()
                .find(|h| h.0 <= level)
                .map_or(text.len(), |h| h.2);
            Section {
                level,
                title,
                start,
                body_start,
                end,
            }
        })
        .collect()
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|b| *b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    Some((level, rest.trim().trim_end_matches('#').trim()))
}

/// The first section whose title matches `title` (case-insensitive), at any level.
pub fn find_section<'a>(text: &'a str, title: &str) -> Option<Section<'a>> {
    sections(text)
        .into_iter()
        .find(|s| s.title.eq_ignore_ascii_case(title))
}

/// Rows of the first pipe table in `text`, header excluded; cells as plain text
/// (inline code and emphasis unwrapped).
pub fn table_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row: Option<Vec<String>> = None;
    let mut in_head = false;
    let mut seen_table = false;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) if seen_table => break,
            Event::Start(Tag::Table(_)) => seen_table = true,
            Event::End(TagEnd::Table) => break,
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => row = Some(Vec::new()),
            Event::End(TagEnd::TableRow) => rows.extend(row.take()),
            Event::Start(Tag::TableCell) if !in_head => {
                if let Some(r) = row.as_mut() {
                    r.push(String::new());
                }
            }
            Event::Text(t) | Event::Code(t) if !in_head => {
                if let Some(cell) = row.as_mut().and_then(|r| r.last_mut()) {
                    cell.push_str(&t);
                }
            }
            _ => {}
        }
    }
    rows.into_iter()
        .map(|r| r.into_iter().map(|c| c.trim().to_string()).collect())
        .collect()
}

/// `**Key:** value` fields of a line; several may share a line
/// (`**Run:** 03-02   **Tasks:** 3/3`). `**Key**: value` is accepted too.
pub fn bold_fields(line: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find("**") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("**") else { break };
        let label = &after[..close];
        let mut value = &after[close + 2..];
        let key = if let Some(k) = label.trim().strip_suffix(':') {
            k
        } else if let Some(v) = value.strip_prefix(':') {
            value = v;
            label
        } else {
            rest = &after[close + 2..];
            continue;
        };
        let value_end = value.find("**").unwrap_or(value.len());
        out.push((key.trim(), value[..value_end].trim()));
        rest = &value[value_end..];
    }
    out
}

/// The value of the first `**key:**` field in `text` (key compared case-insensitively).
pub fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .flat_map(bold_fields)
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_nest_and_ignore_code_fences() {
        let text = "intro\n## A\none\n```\n## not a heading\n```\n### A.1\ntwo\n## B\nthree\n";
        let s = sections(text);
        let titles: Vec<&str> = s.iter().map(|s| s.title).collect();
        assert_eq!(titles, ["A", "A.1", "B"]);
        assert_eq!(
            s[0].body(text),
            "one\n```\n## not a heading\n```\n### A.1\ntwo\n"
        );
        assert_eq!(s[1].body(text), "two\n");
        assert_eq!(find_section(text, "b").unwrap().body(text), "three\n");
    }

    #[test]
    fn tables_with_loose_alignment_and_inline_code() {
        let text = "| Task | Name | Commit |\n|---|:--|--|\n|1| Login  | `abc1234` |\n| 2 | A \\| B | def5678 |\n\nafter\n| x |\n|---|\n| y |\n";
        assert_eq!(
            table_rows(text),
            [vec!["1", "Login", "abc1234"], vec!["2", "A | B", "def5678"]]
        );
    }

    #[test]
    fn bold_fields_share_lines() {
        let f = bold_fields("**Run:** 03-02   **Tasks:** 3/3   **Recap**: a/b.md");
        assert_eq!(f, [("Run", "03-02"), ("Tasks", "3/3"), ("Recap", "a/b.md")]);
        assert_eq!(field("x\n**Type:** decision\n", "type"), Some("decision"));
        assert!(bold_fields("**bold** text").is_empty());
    }
}
