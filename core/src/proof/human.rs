//! Human verification items as auditors write them: the frontmatter list and the
//! body's "Human Verification" section, whether as bullets, numbered lines or numbered
//! `###`/`####` subsections with `**Test:**`, `**Expected:**`, `**Why human:**` lines.
//! A section that opens with "None" (in any common spelling) has no items, whatever
//! reasons follow it. See docs/spec.md, "Proof and routing".

use super::HumanCheck;
use crate::markdown;

/// One check read from the body: a subsection's or list item's title, and the
/// labelled lines under it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct BodyCheck {
    title: Option<String>,
    test: Option<String>,
    expected: Option<String>,
}

impl BodyCheck {
    /// The checklist line: `Title: test — expected: …`, parts left out when absent.
    pub(super) fn text(&self) -> String {
        let head = match (&self.title, &self.test) {
            (Some(t), Some(test)) => format!("{}: {test}", t.trim_end_matches(':')),
            (Some(t), None) => t.clone(),
            (None, Some(test)) => test.clone(),
            (None, None) => String::new(),
        };
        match &self.expected {
            Some(e) if head.is_empty() => format!("expected: {e}"),
            Some(e) => format!("{head} — expected: {e}"),
            None => head,
        }
    }

    fn is_empty(&self) -> bool {
        self.title.is_none() && self.test.is_none() && self.expected.is_none()
    }

    /// Whether the frontmatter check `h` describes the same thing (frontmatter wins).
    pub(super) fn same_as(&self, h: &HumanCheck) -> bool {
        let key = normalise(&h.test);
        if key.is_empty() {
            return false;
        }
        [
            self.title.as_deref(),
            self.test.as_deref(),
            Some(&self.text()),
        ]
        .into_iter()
        .flatten()
        .map(normalise)
        .any(|k| k == key || k.starts_with(&format!("{key} ")))
    }
}

/// Lower case, letters and digits only, words separated by one space.
fn normalise(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a heading names the human verification section.
fn is_human_heading(title: &str) -> bool {
    title.to_lowercase().contains("human verification")
}

/// The checks in the body's first "Human Verification" section (any level).
pub(super) fn body_checks(body: &str) -> Vec<BodyCheck> {
    let sections = markdown::sections(body);
    let Some(section) = sections.iter().find(|s| is_human_heading(s.title)) else {
        return Vec::new();
    };
    let text = section.body(body);
    if says_none(text) {
        return Vec::new();
    }
    let inner: Vec<_> = sections
        .iter()
        .filter(|s| s.start >= section.body_start && s.start < section.end)
        .collect();
    let level = inner.iter().map(|s| s.level).min();
    let subsections: Vec<_> = inner.iter().filter(|s| Some(s.level) == level).collect();
    let preamble_end = subsections.first().map_or(section.end, |s| s.start);
    let mut checks = list_checks(&body[section.body_start..preamble_end]);
    for sub in subsections {
        // Only the subsection's own lines, up to its first deeper heading.
        let own_end = inner
            .iter()
            .find(|s| s.start > sub.start)
            .map_or(sub.end, |s| s.start.min(sub.end));
        let own = &body[sub.body_start..own_end];
        if says_none(own) {
            continue;
        }
        let title = strip_number(sub.title);
        let mut check = BodyCheck {
            title: Some(title.to_string()).filter(|t| !t.is_empty()),
            ..BodyCheck::default()
        };
        let mut labels = false;
        for line in own.lines() {
            if let Some((label, value)) = labelled(strip_checkbox(strip_marker(line.trim()).1)) {
                check.set(label, value);
                labels = true;
            }
        }
        // An unnumbered heading over a plain list groups checks: the items are the checks.
        let items = list_checks(own);
        if !labels && title == sub.title.trim() && !items.is_empty() {
            checks.extend(items);
        } else if !check.is_empty() {
            checks.push(check);
        }
    }
    checks
        .into_iter()
        .filter(|c| !c.is_empty() && !is_none_text(&c.text()))
        .collect()
}

impl BodyCheck {
    fn set(&mut self, label: Label, value: &str) {
        let value = Some(value.to_string()).filter(|v| !v.is_empty());
        match label {
            Label::Test => self.test = self.test.take().or(value),
            Label::Expected => self.expected = self.expected.take().or(value),
            Label::WhyHuman => {}
        }
    }
}

/// Bullets and numbered lines: each top-level item is a check; labelled lines under
/// it (indented, or as further items) fill in its test and expectation.
fn list_checks(text: &str) -> Vec<BodyCheck> {
    let items: Vec<(usize, &str)> = text
        .lines()
        .filter_map(|line| {
            let indent = line.len() - line.trim_start().len();
            let (is_item, rest) = strip_marker(line.trim());
            is_item.then_some((indent, rest))
        })
        .collect();
    let top = items.iter().map(|(i, _)| *i).min().unwrap_or(0);
    let mut checks: Vec<BodyCheck> = Vec::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let (is_item, rest) = strip_marker(line.trim());
        let rest = strip_checkbox(rest);
        match labelled(rest) {
            Some((Label::Test, value)) if is_item && indent <= top => {
                let mut c = BodyCheck::default();
                c.set(Label::Test, value);
                checks.push(c);
            }
            Some((label, value)) => {
                if let Some(c) = checks.last_mut() {
                    c.set(label, value);
                } else {
                    let mut c = BodyCheck::default();
                    c.set(label, value);
                    checks.push(c);
                }
            }
            None if is_item && indent <= top && !rest.is_empty() => checks.push(BodyCheck {
                title: Some(rest.to_string()),
                ..BodyCheck::default()
            }),
            None => {}
        }
    }
    checks
}

/// `- x`, `* x`, `+ x`, `1. x`, `1) x` → (true, `x`); any other line → (false, line).
fn strip_marker(t: &str) -> (bool, &str) {
    for m in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(m) {
            return (true, rest.trim());
        }
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let rest = &t[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return (true, r.trim());
        }
    }
    (false, t)
}

fn strip_checkbox(t: &str) -> &str {
    ["[ ]", "[x]", "[X]"]
        .iter()
        .find_map(|b| t.strip_prefix(b))
        .unwrap_or(t)
        .trim()
}

/// A subsection title without its number: `1. Welcome screen`, `1) …`, `Test 1: …`.
fn strip_number(title: &str) -> &str {
    let t = title.trim();
    let (t, worded) = ["test ", "check ", "item "]
        .iter()
        .find(|w| {
            t.get(..w.len()).is_some_and(|p| p.eq_ignore_ascii_case(w))
                && t[w.len()..].starts_with(|c: char| c.is_ascii_digit())
        })
        .map_or((t, false), |w| (&t[w.len()..], true));
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return t;
    }
    let rest = &t[digits..];
    let rest = match rest.strip_prefix(['.', ')', ':']) {
        Some(r) => r.trim_start(),
        None if worded => rest.trim_start(),
        None => return t,
    };
    ["— ", "– ", "- "]
        .iter()
        .find_map(|d| rest.strip_prefix(d))
        .unwrap_or(rest)
        .trim()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Test,
    Expected,
    WhyHuman,
}

/// `**Test:** x`, `**Test**: x`, `Test: x`, `*Expected:* y`, `Why human: z`.
fn labelled(line: &str) -> Option<(Label, &str)> {
    let colon = line.find(':').filter(|&c| c <= 30)?;
    let label = line[..colon]
        .trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace())
        .to_lowercase()
        .replace('_', " ");
    let label = match label.as_str() {
        "test" | "steps" | "how to test" | "how to verify" => Label::Test,
        "expected" | "expected result" | "expected behavior" | "expected behaviour" => {
            Label::Expected
        }
        "why human" | "why" | "why manual" => Label::WhyHuman,
        _ => return None,
    };
    let value = line[colon + 1..].trim_start_matches(['*', '_']).trim();
    Some((label, value))
}

/// Whether the section's first content says there is nothing to check: `None`,
/// `None.`, `None —`, `None:`, `_None_`, `N/A`, "None required", "No human
/// verification required"… Whatever follows (often a list of reasons) is not a checklist.
pub(super) fn says_none(section: &str) -> bool {
    section
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .is_some_and(is_none_text)
}

pub(super) fn is_none_text(line: &str) -> bool {
    let t = strip_marker(line.trim()).1;
    let t = strip_checkbox(t)
        .trim_matches(|c: char| c == '*' || c == '_' || c == '`' || c.is_whitespace())
        .to_lowercase();
    let after = |word: &str| -> Option<String> {
        let rest = t.strip_prefix(word)?;
        if rest.starts_with(|c: char| c.is_alphanumeric()) {
            return None;
        }
        Some(rest.trim_start_matches(['*', '_']).trim().to_string())
    };
    if let Some(rest) = after("none").or_else(|| after("n/a")) {
        let next = rest.split_whitespace().next().unwrap_or("");
        return rest.is_empty()
            || !rest.starts_with(|c: char| c.is_alphanumeric())
            || [
                "required",
                "needed",
                "necessary",
                "identified",
                "remaining",
                "outstanding",
                "pending",
                "at",
                "for",
            ]
            .contains(&next.trim_end_matches(|c: char| !c.is_alphanumeric()));
    }
    [
        "no human",
        "no manual",
        "no additional human",
        "no further human",
        "no items",
        "nothing to verify",
        "nothing requires",
        "nothing needs",
        "not applicable",
        "not required",
        "not needed",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}
