//! pulse.md as editable lines: each line keeps its own ending, so a file renn edits
//! comes back byte for byte except for the lines it replaced or inserted.

use crate::track::update::split_lines;
use std::borrow::Cow;

pub(super) struct Doc<'a> {
    /// Line text without its ending, and the ending (`""` only for an unterminated last line).
    pub lines: Vec<(Cow<'a, str>, &'a str)>,
    /// The ending for inserted lines: the file's own (CRLF when it uses CRLF).
    pub eol: &'static str,
}

impl<'a> Doc<'a> {
    pub fn parse(text: &'a str) -> Self {
        let lines: Vec<(Cow<'a, str>, &'a str)> = split_lines(text)
            .map(|(l, e)| (Cow::Borrowed(l), e))
            .collect();
        let eol = match lines.iter().find(|(_, e)| !e.is_empty()) {
            Some((_, "\r\n")) => "\r\n",
            _ => "\n",
        };
        Self { lines, eol }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (line, ending) in &self.lines {
            out.push_str(line);
            out.push_str(ending);
        }
        out
    }

    /// `(line index, level, title)` of every ATX heading outside fenced code, and the
    /// fence still open at the end of the file, if any.
    fn scan(&self) -> (Vec<(usize, usize, &str)>, Option<&'static str>) {
        let mut fence: Option<&'static str> = None;
        let mut out = Vec::new();
        for (i, (line, _)) in self.lines.iter().enumerate() {
            let t = line.trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                fence = match fence {
                    Some(_) => None,
                    None if t.starts_with('`') => Some("```"),
                    None => Some("~~~"),
                };
            } else if fence.is_none() {
                out.extend(heading(t).map(|(level, title)| (i, level, title)));
            }
        }
        (out, fence)
    }

    fn headings(&self) -> Vec<(usize, usize, &str)> {
        self.scan().0
    }

    /// The first heading titled `title` (case-insensitive) inside `within`, as
    /// `(heading index, end)`: the section runs to the next heading of its level or higher.
    pub fn section(&self, title: &str, within: (usize, usize)) -> Option<(usize, usize)> {
        let heads = self.headings();
        let k = heads.iter().position(|&(i, _, t)| {
            i >= within.0 && i < within.1 && t.eq_ignore_ascii_case(title)
        })?;
        let (start, level, _) = heads[k];
        let end = heads[k + 1..]
            .iter()
            .find(|h| h.1 <= level)
            .map_or(self.lines.len(), |h| h.0)
            .min(within.1);
        Some((start, end))
    }

    pub fn all(&self) -> (usize, usize) {
        (0, self.lines.len())
    }

    /// The first `##` heading (the title `#` is not a section), else the end.
    pub fn first_h2(&self) -> usize {
        self.headings()
            .into_iter()
            .find(|&(_, level, _)| level == 2)
            .map_or(self.lines.len(), |h| h.0)
    }

    /// Index just past the last non-blank line of a section's body.
    pub fn content_end(&self, (head, end): (usize, usize)) -> usize {
        let mut at = end;
        while at > head + 1 && self.lines[at - 1].0.trim().is_empty() {
            at -= 1;
        }
        at
    }

    /// Inserts lines before index `at`, giving an unterminated last line an ending first.
    pub fn insert(&mut self, at: usize, new: Vec<String>) {
        if at == self.lines.len() {
            if let Some(last) = self.lines.last_mut().filter(|l| l.1.is_empty()) {
                last.1 = self.eol;
            }
        }
        let eol = self.eol;
        self.lines
            .splice(at..at, new.into_iter().map(|l| (Cow::Owned(l), eol)));
    }

    /// Inserts a whole section at `at`, with a blank line either side where needed.
    pub fn insert_section(&mut self, at: usize, mut section: Vec<String>) {
        if at > 0 && !self.lines[at - 1].0.trim().is_empty() {
            section.insert(0, String::new());
        }
        // Appended after an unclosed code fence, the section would be code, not a section.
        if let Some(fence) = self.scan().1.filter(|_| at == self.lines.len()) {
            section.insert(0, fence.to_string());
        }
        if at < self.lines.len() {
            section.push(String::new());
        }
        self.insert(at, section);
    }

    /// Replaces lines `range` with `new` (all given the file's ending).
    pub fn replace(&mut self, range: std::ops::Range<usize>, new: Vec<String>) {
        let eol = self.eol;
        self.lines
            .splice(range, new.into_iter().map(|l| (Cow::Owned(l), eol)));
    }
}

fn heading(t: &str) -> Option<(usize, &str)> {
    let level = t.bytes().take_while(|&b| b == b'#').count();
    let rest = &t[level..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((level, rest.trim().trim_end_matches('#').trim_end()))
}

/// A `Key: value` line — also `- Key: value`, `**Key:** value`, `**Key**: value` —
/// as the key and the byte offset where its value starts.
pub(super) fn key_value(line: &str) -> Option<(&str, usize)> {
    let t = line.trim_start();
    let t = t
        .strip_prefix(['-', '*'])
        .and_then(|r| r.strip_prefix(' '))
        .map_or(t, str::trim_start);
    let (bold, t) = match t.strip_prefix("**") {
        Some(r) => (true, r),
        None => (false, t),
    };
    let colon = t.find(':')?;
    let mut key = &t[..colon];
    let mut after = &t[colon + 1..];
    if bold {
        match (key.strip_suffix("**"), after.strip_prefix("**")) {
            (Some(k), _) => key = k,
            (None, Some(a)) => after = a,
            (None, None) => return None,
        }
    }
    let valid = key.len() <= 32
        && key.starts_with(|c: char| c.is_alphabetic())
        && key
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '/');
    valid.then(|| (key.trim_end(), line.len() - after.trim_start().len()))
}

/// The line with its value replaced, or `None` when the value is already `value`.
pub(super) fn with_value(line: &str, at: usize, value: &str) -> Option<String> {
    if line[at..].trim_end() == value {
        return None;
    }
    let prefix = &line[..at];
    let space = if prefix.ends_with([' ', '\t']) || value.is_empty() {
        ""
    } else {
        " "
    };
    Some(format!("{prefix}{space}{value}"))
}
