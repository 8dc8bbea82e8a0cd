//! Reading `.renn/track.md` (the roadmap): its milestones and its stage checklist.
//! Reading only; renn's one edit to the track lives in `track/update.rs`.
//!
//! The seed takes the first `vN.N` anywhere in the file as the milestone, so once
//! v1.0 ships every later stage still lands on the v1.0 branch. Here a milestone is
//! a list item or heading that *starts* with its version, and the current one is the
//! first that is not shipped.

use crate::layout::Layout;
use crate::stage::StageNumber;
use serde::Serialize;

pub(crate) mod update;
pub use update::{mark_stage_complete, progress};

/// A milestone: `v1.1` and `Accounts & Billing`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    pub version: String,
    pub name: String,
}

impl Default for Milestone {
    /// The seed's fallbacks when track.md names no milestone.
    fn default() -> Self {
        Milestone {
            version: "v1.0".into(),
            name: "milestone".into(),
        }
    }
}

/// One stage from the checklist `- [ ] **Stage 3: Authentication** - goal` (GSD:
/// `- [ ] **Phase 3: Authentication** - goal (completed 2026-12-02)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackStage {
    pub number: StageNumber,
    pub title: String,
    /// The checklist's text after the title, else the `**Goal**:` in Stage Details.
    pub goal: Option<String>,
    pub complete: bool,
    /// 1-based line of the checklist item.
    pub line: u32,
}

/// The milestone the next stage belongs to: the first not shipped (✅, or the word
/// shipped / complete / completed), else the first; the seed's fallbacks when none.
pub fn current_milestone(track: &str) -> Milestone {
    let mut found: Vec<(Milestone, bool)> = Vec::new();
    for (_, line) in lines(track) {
        let Some((version, name, shipped)) = milestone_line(line) else {
            continue;
        };
        // A milestone is usually listed and also given a heading: merge the two.
        match found.iter_mut().find(|(m, _)| m.version == version) {
            Some((m, was_shipped)) => {
                *was_shipped |= shipped;
                if m.name.is_empty() {
                    m.name = name;
                }
            }
            None => found.push((Milestone { version, name }, shipped)),
        }
    }
    let pick = found
        .iter()
        .find(|(_, shipped)| !shipped)
        .or(found.first())
        .map(|(m, _)| m.clone());
    match pick {
        Some(m) if m.name.is_empty() => Milestone {
            name: Milestone::default().name,
            ..m
        },
        Some(m) => m,
        None => Milestone::default(),
    }
}

/// The stage checklist, in file order.
pub fn stages(track: &str) -> Vec<TrackStage> {
    let details = details(track);
    let mut out = Vec::new();
    for (line_no, line) in lines(track) {
        let Some((complete, item)) = checklist_item(line) else {
            continue;
        };
        let Some((number, title, goal)) = stage_item(item) else {
            continue;
        };
        let goal = goal.or_else(|| {
            let (_, _, g) = details.iter().find(|(n, _, _)| *n == number)?;
            g.clone()
        });
        out.push(TrackStage {
            number,
            title,
            goal,
            complete,
            line: line_no,
        });
    }
    out
}

/// The stage's title from the checklist, else from its `### Stage N: Title` heading.
pub fn stage_title(track: &str, number: &StageNumber) -> Option<String> {
    stages(track)
        .into_iter()
        .find(|s| &s.number == number)
        .map(|s| s.title)
        .or_else(|| {
            details(track)
                .into_iter()
                .find(|(n, _, _)| n == number)
                .map(|(_, t, _)| t)
        })
}

/// Lines outside fenced code blocks, numbered from 1.
fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    let mut fenced = false;
    text.lines().enumerate().filter_map(move |(i, line)| {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            return None;
        }
        (!fenced).then_some((i as u32 + 1, line))
    })
}

fn strip_list_marker(t: &str) -> Option<&str> {
    let t = t.trim_start();
    if let Some(rest) = t.strip_prefix(['-', '*', '+']) {
        return rest.strip_prefix([' ', '\t']);
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = t[digits..].strip_prefix(['.', ')'])?;
    (digits > 0)
        .then_some(rest)
        .and_then(|r| r.strip_prefix([' ', '\t']))
}

fn strip_heading(t: &str) -> Option<&str> {
    let t = t.trim_start();
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let rest = &t[hashes..];
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then_some(rest)
}

/// `- [x] rest` → `(true, "rest")`.
fn checklist_item(line: &str) -> Option<(bool, &str)> {
    let rest = strip_list_marker(line)?.trim_start();
    let done = match rest.get(..3)? {
        "[ ]" => false,
        "[x]" | "[X]" => true,
        _ => return None,
    };
    Some((done, rest[3..].trim()))
}

/// `**Stage 3: Authentication** - goal`, `**Stage 3:** Authentication - goal`,
/// or `Stage 3: Authentication - goal`.
fn stage_item(item: &str) -> Option<(StageNumber, String, Option<String>)> {
    let bold = item.strip_prefix("**").and_then(|b| b.split_once("**"));
    let (number, title) = stage_heading(bold.map_or(item, |(head, _)| head))?;
    let (title, goal) = match bold {
        Some((_, tail)) if title.is_empty() => split_goal(tail.trim()),
        Some((_, tail)) => (title, goal_text(without_leading_progress(tail))),
        None => split_goal(title),
    };
    Some((number, without_progress(title).to_string(), goal))
}

/// `Authentication (3/3 runs)` → `Authentication`: roadmaps append the stage's progress
/// (`(2/3 plans)`, `(3/3 runs)`, `(1/1 run)`) to its title; it is not part of the name.
fn without_progress(title: &str) -> &str {
    let title = title.trim();
    let Some((open, inner)) = title
        .strip_suffix(')')
        .and_then(|t| t.rfind('(').map(|i| (i, &t[i + 1..])))
    else {
        return title;
    };
    if is_progress(inner) {
        title[..open].trim_end()
    } else {
        title
    }
}

/// `(3/3 runs) - goal` after a bold title → ` - goal`.
fn without_leading_progress(tail: &str) -> &str {
    tail.trim_start()
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .filter(|(inner, _)| is_progress(inner))
        .map_or(tail, |(_, rest)| rest)
}

/// `3/3 runs`, `2/3 plans`, `1/1 run`.
fn is_progress(inner: &str) -> bool {
    let mut words = inner.split_whitespace();
    words.next().is_some_and(|count| {
        count
            .split_once('/')
            .is_some_and(|(a, b)| is_number(a) && is_number(b))
    }) && words
        .next()
        .is_some_and(|w| w.chars().all(char::is_alphabetic))
        && words.next().is_none()
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `Stage 3: Authentication` (or GSD's `Phase 3: Authentication`) → (3, "Authentication").
/// Either layout's word is read, so a roadmap is understood whichever tool wrote it.
fn stage_heading(text: &str) -> Option<(StageNumber, &str)> {
    let t = text.trim();
    let rest = strip_stage_word(t)?;
    let rest = rest.strip_prefix([' ', '\t'])?.trim_start();
    let end = rest.find([':', ' ', '\t']).unwrap_or(rest.len());
    let number = StageNumber::parse(&rest[..end])?;
    let title = rest[end..].trim_start();
    let title = title.trim_start_matches([':', '-', '—', '–']).trim();
    Some((number, title))
}

/// `t` after a leading `Stage` or `Phase` (any case), from every layout's vocabulary.
pub(crate) fn strip_stage_word(t: &str) -> Option<&str> {
    Layout::ALL.iter().find_map(|l| {
        let word = l.vocab().stage_word;
        t.get(..word.len())
            .filter(|w| w.eq_ignore_ascii_case(word))
            .map(|_| &t[word.len()..])
    })
}

const SEPARATORS: [&str; 3] = [" - ", " — ", " – "];

fn split_goal(text: &str) -> (&str, Option<String>) {
    let cut = SEPARATORS
        .iter()
        .filter_map(|s| text.find(s).map(|i| (i, s.len())))
        .min();
    match cut {
        Some((i, len)) => (&text[..i], goal_text(&text[i + len..])),
        None => (text, None),
    }
}

fn goal_text(text: &str) -> Option<String> {
    let goal = text.trim().trim_start_matches(['-', '—', '–', ':']).trim();
    let goal = without_completed_note(goal);
    (!goal.is_empty()).then(|| goal.to_string())
}

/// `Build the foo module (completed 2026-12-02)` → `Build the foo module`: the date GSD
/// appends when it completes a phase is not part of the goal.
fn without_completed_note(text: &str) -> &str {
    let Some((open, inner)) = text
        .strip_suffix(')')
        .and_then(|t| t.rfind('(').map(|i| (i, &t[i + 1..])))
    else {
        return text;
    };
    let noted = Layout::ALL
        .iter()
        .filter_map(|l| l.vocab().completed_note)
        .any(|note| inner.strip_prefix(note).is_some_and(|d| d.starts_with(' ')));
    if noted {
        text[..open].trim_end()
    } else {
        text
    }
}

/// Stage Details: `### Stage 3: Authentication` and the `**Goal**:` line under it.
fn details(track: &str) -> Vec<(StageNumber, String, Option<String>)> {
    let mut out: Vec<(StageNumber, String, Option<String>)> = Vec::new();
    let mut current: Option<usize> = None;
    for (_, line) in lines(track) {
        if let Some(heading) = strip_heading(line) {
            current = stage_heading(heading).map(|(n, title)| {
                out.push((n, without_progress(title).to_string(), None));
                out.len() - 1
            });
            continue;
        }
        let Some(i) = current else { continue };
        let t = line.trim().trim_start_matches(['*', '_']);
        let is_goal = t.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("goal"))
            && t[4..].starts_with(['*', '_', ':']);
        if !is_goal {
            continue;
        }
        let rest = t[4..].trim_start_matches(['*', '_', ':', ' ']);
        if out[i].2.is_none() {
            out[i].2 = goal_text(rest);
        }
    }
    out
}

/// A milestone list item or heading: `(version, name, shipped)`.
fn milestone_line(line: &str) -> Option<(String, String, bool)> {
    let t = line.trim_start();
    let body = strip_heading(t)
        .or_else(|| strip_list_marker(t))
        .or_else(|| t.starts_with("<details>").then_some(t))
        .or_else(|| t.starts_with("<summary>").then_some(t))?;
    let body = skip_decoration(body);
    let body = match body.get(..9) {
        Some(w) if w.eq_ignore_ascii_case("milestone") => skip_decoration(&body[9..]),
        _ => body,
    };
    let len = version_len(body)?;
    let name = milestone_name(&body[len..]);
    Some((body[..len].to_string(), name, is_shipped(line)))
}

/// Skips what may precede a milestone's version: markup, HTML tags, checkboxes,
/// emoji and punctuation.
fn skip_decoration(mut s: &str) -> &str {
    loop {
        s = s.trim_start();
        if s.starts_with('<') {
            if let Some(end) = s.find('>') {
                s = &s[end + 1..];
                continue;
            }
        }
        if let Some(rest) = ["[ ]", "[x]", "[X]"].iter().find_map(|b| s.strip_prefix(b)) {
            s = rest;
            continue;
        }
        match s.chars().next() {
            Some(c) if !c.is_alphanumeric() => s = &s[c.len_utf8()..],
            _ => return s,
        }
    }
}

/// Length of a leading `vN.N` or `vN.N.N` that ends at a word boundary.
fn version_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&b'v') {
        return None;
    }
    let mut i = 1;
    let mut segments = 0;
    loop {
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        i += digits;
        segments += 1;
        let more =
            segments < 3 && b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !more {
            break;
        }
        i += 1;
    }
    let boundary = !b.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
    (segments >= 2 && boundary).then_some(i)
}

/// The text after the version up to ` - `, `(` or `**`, without markup or emoji.
fn milestone_name(rest: &str) -> String {
    // `**v2.0** - Stages 7-10`: the bold closes at the version, so there is no name.
    let rest = rest.trim_start_matches([':', ' ', '\t']);
    let end = ["(", "**", "</"]
        .iter()
        .chain(SEPARATORS.iter())
        .filter_map(|s| rest.find(s))
        .min()
        .unwrap_or(rest.len());
    let kept: String = rest[..end]
        .chars()
        .filter(|c| {
            c.is_alphanumeric()
                || c.is_whitespace()
                || (c.is_ascii_punctuation() && !"*_`".contains(*c))
        })
        .collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    words
        .join(" ")
        .trim_end_matches([':', '-', ','])
        .trim()
        .to_string()
}

fn is_shipped(line: &str) -> bool {
    line.contains('✅')
        || line.split(|c: char| !c.is_alphanumeric()).any(|w| {
            ["shipped", "complete", "completed"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        })
}

#[cfg(test)]
mod tests;
