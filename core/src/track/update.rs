//! renn's one edit to the track (`.renn/track.md`, GSD's ROADMAP.md): marking a stage
//! complete.
//!
//! The track is the user's document as much as renn's, so the edit is surgical: it
//! touches three kinds of line (the stage's checklist item, its run list under Stage
//! Details, its Progress table row) and within them only the checkbox or the cells it
//! owns. Every other byte — notes, spacing, CRLF line endings — comes out as it went in,
//! and applying the edit to its own output changes nothing.

use super::{
    checklist_item, stage_heading, stage_item, strip_heading, strip_list_marker, strip_stage_word,
};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::layout::{Layout, Vocabulary};
use crate::run::RunId;
use crate::stage::StageNumber;
use std::ops::Range;

/// Marks `stage` complete on `date`: its checklist box, the boxes of its complete runs
/// in Stage Details, and its Progress row (`N/M`, `Complete`, date). `runs` is every run
/// of the stage with whether it is complete; the row's `N/M` counts them.
pub fn mark_stage_complete(
    vocab: &Vocabulary,
    track: &str,
    stage: &StageNumber,
    runs: &[(RunId, bool)],
    date: &str,
) -> Result<String, Diagnostic> {
    let done: Vec<&RunId> = runs.iter().filter(|(_, c)| *c).map(|(id, _)| id).collect();
    // No runs known: leave the row's count alone rather than claim `0/0`.
    let count = (!runs.is_empty()).then(|| format!("{}/{}", done.len(), runs.len()));
    let row_values = [count, Some("Complete".to_string()), Some(date.to_string())];

    let lines: Vec<(&str, &str)> = split_lines(track).collect();
    let mut out = String::with_capacity(track.len() + 16);
    let mut found = false;
    let mut fenced = false;
    // The heading level of this stage's Stage Details section while inside it.
    let mut details: Option<usize> = None;
    let mut table: Option<Columns> = None;
    for (i, &(line, ending)) in lines.iter().enumerate() {
        let mut edited: Option<String> = None;
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            table = None;
        } else if fenced {
            // Examples in code blocks are not the track's own lines.
        } else if let Some(rest) = strip_heading(line) {
            let level = t.bytes().take_while(|&b| b == b'#').count();
            if details.is_some_and(|l| level <= l) {
                details = None;
            }
            if stage_heading(rest).is_some_and(|(n, _)| &n == stage) {
                details = Some(level);
            }
            table = None;
        } else if let Some((checked, item)) = checklist_item(line) {
            if stage_item(item).is_some_and(|(n, _, _)| &n == stage) {
                found = true;
                edited = (!checked)
                    .then(|| check(line))
                    .flatten()
                    .map(|l| with_completed_note(vocab, l, date));
            } else if details.is_some() && !checked {
                let id = run_id_of(item);
                if id.is_some_and(|id| done.contains(&&id)) {
                    edited = check(line);
                }
            }
        } else if let Some(cols) = &table {
            if line.contains('|') {
                edited = edit_row(line, cols, stage, &row_values);
            } else {
                table = None;
            }
        } else if line.contains('|') && lines.get(i + 1).is_some_and(|(l, _)| is_delimiter(l)) {
            table = Columns::from_table(&lines[i..]);
        }
        out.push_str(edited.as_deref().unwrap_or(line));
        out.push_str(ending);
    }
    if !found {
        return Err(Diagnostic::error(
            Code::TrackStageMissing,
            format!(
                "{} {} is not in the checklist of {}",
                vocab.stage_lower(),
                stage.unpadded(),
                vocab.track,
            ),
        )
        .in_file(vocab.track)
        .with_hint(format!(
            "add `- [ ] **{} {}: <title>** - <goal>` to the checklist",
            vocab.stage_word,
            stage.unpadded()
        )));
    }
    Ok(out)
}

/// `(complete, total)` stages of the checklist.
pub fn progress(track: &str) -> (usize, usize) {
    let stages = super::stages(track);
    (stages.iter().filter(|s| s.complete).count(), stages.len())
}

/// Lines without their endings, paired with the ending (`"\r\n"`, `"\n"` or `""` for a
/// last line without one), so edits can put every ending back exactly.
pub(crate) fn split_lines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split_inclusive('\n').map(|l| {
        let body = l
            .strip_suffix('\n')
            .map(|b| b.strip_suffix('\r').unwrap_or(b))
            .unwrap_or(l);
        (body, &l[body.len()..])
    })
}

/// `- [ ] rest` → `- [x] rest`, nothing else on the line changed.
fn check(line: &str) -> Option<String> {
    let rest = strip_list_marker(line)?.trim_start();
    let at = line.len() - rest.len();
    rest.starts_with("[ ]")
        .then(|| format!("{}[x]{}", &line[..at], &rest[3..]))
}

/// GSD notes the date on the phase's own line when it ticks it (`(completed
/// 2026-12-02)`, as its `phase.complete` does); renn's track keeps it in the Progress row.
/// Called only when the box is being ticked, so the note is never written twice.
fn with_completed_note(vocab: &Vocabulary, line: String, date: &str) -> String {
    match vocab.completed_note {
        Some(note) => format!("{} ({note} {date})", line.trim_end()),
        None => line,
    }
}

/// `03-01: User model` (also `**03-01**: …`, `` `03-01` — … ``, GSD's
/// `01-01-PLAN.md — …`) → the run id.
fn run_id_of(item: &str) -> Option<RunId> {
    let t = item.trim_start_matches(['*', '_', '`']);
    let end = t.find([':', ' ', '\t', '*', '_', '`']).unwrap_or(t.len());
    let token = &t[..end];
    let token = Layout::ALL
        .iter()
        .find_map(|l| token.strip_suffix(l.vocab().run_suffix))
        .unwrap_or(token);
    RunId::parse(token)
}

/// Where the cells renn fills are in a Progress table, by header name.
struct Columns {
    stage: usize,
    /// Runs Complete, Status, Completed — in the order of `row_values`.
    owned: [Option<usize>; 3],
    /// Every line of the table has the same width: padded by hand or by a formatter.
    aligned: bool,
}

impl Columns {
    /// `lines` starts at the table's header row.
    fn from_table(lines: &[(&str, &str)]) -> Option<Self> {
        let line = lines.first()?.0;
        let mut widths = lines
            .iter()
            .take_while(|(l, _)| l.contains('|'))
            .map(|(l, _)| l.trim_end().chars().count());
        let first = widths.next();
        let aligned = widths.all(|w| Some(w) == first);
        let names: Vec<String> = cell_ranges(line)
            .into_iter()
            .map(|r| line[r].trim().trim_matches(['*', '_']).to_ascii_lowercase())
            .collect();
        let find = |want: &str| names.iter().position(|n| n == want);
        // Either layout's column name: a GSD roadmap says `Plans Complete`.
        let runs = Layout::ALL
            .iter()
            .find_map(|l| find(&l.vocab().runs_column().to_ascii_lowercase()));
        let owned = [runs, find("status"), find("completed")];
        if owned.iter().all(Option::is_none) {
            return None; // some other table: never edit it
        }
        let stage = names
            .iter()
            .position(|n| n.contains("stage") || n.contains("phase"))
            .unwrap_or(0);
        Some(Self {
            stage,
            owned,
            aligned,
        })
    }
}

/// The row with its owned cells replaced when it is `stage`'s row, else `None`.
fn edit_row(
    line: &str,
    cols: &Columns,
    stage: &StageNumber,
    values: &[Option<String>; 3],
) -> Option<String> {
    let cells = cell_ranges(line);
    if row_stage(&line[cells.get(cols.stage)?.clone()]).as_ref() != Some(stage) {
        return None;
    }
    let mut edits: Vec<(Range<usize>, String)> = cols
        .owned
        .iter()
        .zip(values)
        .filter_map(|(col, value)| {
            let range = cells.get((*col)?)?.clone();
            let new = fit(&line[range.clone()], value.as_deref()?, cols.aligned);
            Some((range, new))
        })
        .collect();
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(line.len() + 8);
    let mut at = 0;
    for (range, new) in edits {
        out.push_str(&line[at..range.start]);
        out.push_str(&new);
        at = range.end;
    }
    out.push_str(&line[at..]);
    Some(out)
}

/// The stage a Progress row is about: `3. Authentication`, `2.1. Hotfix`,
/// `12A. Polish`, `03-authentication`, `Stage 3: Auth`.
fn row_stage(cell: &str) -> Option<StageNumber> {
    let t = cell.trim().trim_matches(['*', '_']).trim();
    let t = match strip_stage_word(t) {
        Some(rest) if rest.starts_with(' ') => rest.trim_start(),
        _ => t,
    };
    let end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(t.len());
    StageNumber::parse(t[..end].trim_end_matches('.'))
}

/// `value` in place of a cell's text with the cell's own spacing. In an aligned table
/// the cell also keeps its width when the new text fits, so the columns stay straight.
fn fit(raw: &str, value: &str, aligned: bool) -> String {
    let value = value.replace('|', "\\|");
    let text = raw.trim();
    if text == value {
        return raw.to_string();
    }
    let (lead, trail) = if text.is_empty() {
        let pad = if raw.is_empty() { "" } else { " " };
        (pad, pad)
    } else {
        let lead = &raw[..raw.len() - raw.trim_start().len()];
        (lead, &raw[raw.trim_end().len()..])
    };
    let mut s = format!("{lead}{value}");
    if aligned {
        let used = s.chars().count();
        let pad = raw.chars().count().saturating_sub(used);
        s.extend(std::iter::repeat_n(
            ' ',
            pad.max(usize::from(!trail.is_empty())),
        ));
    } else {
        s.push_str(trail);
    }
    s
}

/// Byte ranges of a table row's cells: between unescaped pipes, with the optional
/// leading and trailing border pipes not counted as cells.
fn cell_ranges(line: &str) -> Vec<Range<usize>> {
    let bytes = line.as_bytes();
    let pipes: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .collect();
    let first = line.len() - line.trim_start().len();
    let last = line.trim_end().len();
    let leading = pipes.first() == Some(&first);
    let trailing =
        pipes.len() > usize::from(leading) && last.checked_sub(1) == pipes.last().copied();
    let mut cells = Vec::new();
    let mut start = if leading { pipes[0] + 1 } else { 0 };
    for &p in &pipes[usize::from(leading)..] {
        cells.push(start..p);
        start = p + 1;
    }
    if !trailing {
        cells.push(start..line.len());
    }
    cells
}

/// `|---|:--:|` — the line under a table's header.
fn is_delimiter(line: &str) -> bool {
    let cells = cell_ranges(line);
    // Without a pipe, `---` is a rule or a setext underline, not a table.
    line.contains('|')
        && line.contains('-')
        && cells.iter().all(|r| {
            let c = line[r.clone()].trim();
            let c = c.strip_prefix(':').unwrap_or(c);
            let c = c.strip_suffix(':').unwrap_or(c);
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        })
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_gsd;
