//! How the reports name and describe a run: from its `<objective>` — the first line
//! names it, the rest of the first paragraph, `Purpose:` and `Output:` say what it
//! builds and why, in at most three sentences.

use crate::inventory::Run;

/// A run as the reports name and describe it, from its `<objective>`.
pub(super) struct Described {
    pub name: String,
    /// At most three sentences: what it builds, why, what it produces.
    pub text: String,
}

const MAX_NAME_WORDS: usize = 12;
const MAX_SENTENCES: usize = 3;

impl Described {
    /// The objective's first line names the run (the plan's summary when that line
    /// is long); the rest of its first paragraph, the `Purpose:` and the `Output:`
    /// say what it builds and why.
    pub fn of(run: &Run) -> Self {
        let o = Objective::read(&run.objective);
        let first = o.lead.first().map(|l| clean(l)).unwrap_or_default();
        let short = !first.is_empty() && first.split_whitespace().count() <= MAX_NAME_WORDS;
        let (mut name, lead) = if short {
            (first.trim_end_matches('.').to_string(), &o.lead[1..])
        } else {
            (run.summary.clone(), &o.lead[..])
        };
        if name.is_empty() {
            name = format!("Run {}", run.id);
        }
        if run.gap_closure {
            name.push_str(" (gap closure)");
        }
        let mut parts: Vec<String> = Vec::new();
        parts.extend((!lead.is_empty()).then(|| lead.join(" ")));
        parts.extend(o.purpose);
        parts.extend(o.output.map(|out| format!("Produces {out}")));
        let sentences: Vec<String> = parts
            .iter()
            .flat_map(|p| sentences(p))
            .take(MAX_SENTENCES)
            .collect();
        Self {
            name,
            text: sentences.join(" "),
        }
    }
}

#[derive(Default)]
struct Objective<'a> {
    /// Lines of the first paragraph before any label.
    lead: Vec<&'a str>,
    purpose: Option<String>,
    output: Option<String>,
}

impl<'a> Objective<'a> {
    fn read(text: &'a str) -> Self {
        let mut o = Objective::default();
        // Which part the current line continues: 0 lead, 1 purpose, 2 output, 3 other.
        let mut part = 0;
        for line in text.lines().map(str::trim) {
            if line.is_empty() {
                part = 3;
                continue;
            }
            if let Some(rest) = label(line, "purpose") {
                o.purpose = Some(rest.to_string());
                part = 1;
            } else if let Some(rest) = label(line, "output") {
                o.output = Some(rest.to_string());
                part = 2;
            } else {
                match part {
                    0 => o.lead.push(line),
                    1 => append(&mut o.purpose, line),
                    2 => append(&mut o.output, line),
                    _ => {}
                }
            }
        }
        o
    }
}

fn append(to: &mut Option<String>, line: &str) {
    if let Some(s) = to {
        s.push(' ');
        s.push_str(line);
    }
}

/// `Purpose: x`, `**Purpose:** x`, `purpose - x` → `x`.
fn label<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let t = line.trim_start_matches(['*', '_']);
    let head = t.get(..name.len())?;
    if !head.eq_ignore_ascii_case(name) {
        return None;
    }
    let rest = t[name.len()..].trim_start_matches(['*', '_']);
    let rest = rest.strip_prefix([':', '-'])?;
    Some(rest.trim_start_matches(['*', '_']).trim())
}

/// Markdown emphasis off a line meant as a name.
fn clean(line: &str) -> String {
    line.split_whitespace()
        .map(|w| w.trim_matches(|c| c == '*' || c == '_'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sentences end at `.`, `!` or `?` followed by a space and a capital, except after
/// an abbreviation (`e.g. Redis`, `U. S.`); `v1.2` has no space and stays whole. Each
/// returned sentence ends with punctuation.
pub(super) fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for w in chars.windows(3) {
        let [(_, end), (_, space), (next_at, next)] = [w[0], w[1], w[2]];
        if w[0].0 < start {
            continue;
        }
        let word = text[start..w[0].0].rsplit(' ').next().unwrap_or("");
        let abbreviation = end == '.' && (word.len() <= 1 || word.contains('.'));
        if matches!(end, '.' | '!' | '?') && space == ' ' && next.is_uppercase() && !abbreviation {
            out.push(text[start..next_at].trim().to_string());
            start = next_at;
        }
    }
    out.push(text[start..].trim().to_string());
    out.retain(|s| !s.is_empty());
    for s in &mut out {
        if !s.ends_with(['.', '!', '?']) {
            s.push('.');
        }
    }
    out
}
