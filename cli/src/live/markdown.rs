//! Reports rendered for the terminal: the markdown renn writes for people (headings,
//! `**bold**`, tables, lists, `<sub>` notes) as styled text instead of its markup. Only
//! the live view uses it; plain output and `--json` keep the markdown as it is.

use super::style::{Color, Style};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// `md` for a terminal, every piece of text on top of `base` (a failure's red).
pub fn render(md: &str, base: Style, colour: bool) -> String {
    let mut r = Renderer {
        colour,
        out: String::new(),
        styles: vec![base],
        lists: Vec::new(),
        quote: 0,
        table: None,
        heading: None,
        line_start: true,
        item_fresh: false,
        code_block: false,
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(md, opts) {
        r.event(event);
    }
    let out = r.out.trim_end_matches(['\n', ' ']);
    out.trim_start_matches('\n').to_string()
}

struct Table {
    aligns: Vec<Alignment>,
    /// Rows of cells: (painted text, width on screen). The first row is the header.
    rows: Vec<Vec<(String, usize)>>,
}

struct Renderer {
    colour: bool,
    out: String,
    styles: Vec<Style>,
    /// Open lists: the next number of an ordered one, `None` for bullets.
    lists: Vec<Option<u64>>,
    quote: usize,
    table: Option<Table>,
    /// A heading's text, styled once it is complete (its colour depends on it).
    heading: Option<(HeadingLevel, String)>,
    line_start: bool,
    /// Just after a list bullet: the item's first paragraph goes on the bullet's line.
    item_fresh: bool,
    code_block: bool,
}

impl Renderer {
    fn style(&self) -> Style {
        *self.styles.last().expect("the base style")
    }

    fn push_style(&mut self, s: Style) {
        let top = self.style().with(s);
        self.styles.push(top);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    /// A new block starts after one empty line (none at the top, none in a fresh item).
    fn block(&mut self) {
        if self.item_fresh {
            return;
        }
        if self.out.is_empty() {
            return;
        }
        self.newline();
        if !self.out.ends_with("\n\n") && self.lists.is_empty() {
            self.out.push('\n');
        }
    }

    fn newline(&mut self) {
        if !self.line_start {
            self.out.push('\n');
            self.line_start = true;
        }
    }

    fn prefix(&mut self) {
        if self.line_start {
            for _ in 0..self.quote {
                let bar = Style::PLAIN.dim().paint("│ ", self.colour);
                self.out.push_str(&bar);
            }
            if !self.lists.is_empty() && !self.item_fresh {
                self.out.push_str(&"  ".repeat(self.lists.len()));
            }
            if self.code_block {
                self.out.push_str("    ");
            }
            self.line_start = false;
        }
    }

    /// Text in the current style, line by line.
    fn text(&mut self, text: &str, style: Style) {
        if let Some((_, h)) = &mut self.heading {
            h.push_str(text);
            return;
        }
        if let Some(t) = &mut self.table {
            if let Some(cell) = t.rows.last_mut().and_then(|r| r.last_mut()) {
                cell.0.push_str(&style.paint(text, self.colour));
                cell.1 += text.chars().count();
            }
            return;
        }
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.out.push('\n');
                self.line_start = true;
            }
            if line.is_empty() {
                continue;
            }
            self.prefix();
            self.item_fresh = false;
            self.out.push_str(&style.paint(line, self.colour));
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                let style = match self.code_block {
                    true => self.style().dim(),
                    false => self.style(),
                };
                let t = match self.code_block {
                    true => t.trim_end_matches('\n').to_string(),
                    false => t.to_string(),
                };
                self.text(&t, style);
            }
            Event::Code(t) => {
                let style = self.style().with(Style::fg(Color::Cyan));
                let t = match self.colour {
                    true => t.to_string(),
                    false => format!("`{t}`"),
                };
                self.text(&t, style);
            }
            Event::SoftBreak | Event::HardBreak => {
                if self.table.is_some() || self.heading.is_some() {
                    self.text(" ", self.style());
                } else {
                    self.out.push('\n');
                    self.line_start = true;
                }
            }
            Event::Rule => {
                self.block();
                self.prefix();
                let rule = Style::PLAIN.dim().paint(&"─".repeat(40), self.colour);
                self.out.push_str(&rule);
                self.newline();
            }
            Event::InlineHtml(tag) => self.html_tag(&tag),
            Event::Html(block) => {
                // An HTML block (a `<sub>` note on a line of its own): its text, dimmed.
                let text = strip_tags(&block);
                let style = self.style().dim();
                self.text(text.trim_end(), style);
            }
            Event::FootnoteReference(_)
            | Event::TaskListMarker(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => {}
        }
    }

    fn html_tag(&mut self, tag: &str) {
        let name = tag
            .trim_matches(['<', '>', '/', ' '])
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let closing = tag.starts_with("</");
        match (name.as_str(), closing) {
            ("sub" | "sup" | "small", false) => self.push_style(Style::PLAIN.dim()),
            ("sub" | "sup" | "small", true) => self.pop_style(),
            ("br", _) => {
                self.out.push('\n');
                self.line_start = true;
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.block(),
            Tag::Heading { level, .. } => {
                self.block();
                self.heading = Some((level, String::new()));
            }
            Tag::BlockQuote(_) => {
                self.block();
                self.quote += 1;
            }
            Tag::CodeBlock(kind) => {
                self.block();
                let _ = matches!(kind, CodeBlockKind::Fenced(_));
                self.code_block = true;
            }
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.block();
                } else {
                    self.newline();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.newline();
                let depth = self.lists.len().saturating_sub(1);
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "• ".to_string(),
                };
                for _ in 0..self.quote {
                    let bar = Style::PLAIN.dim().paint("│ ", self.colour);
                    self.out.push_str(&bar);
                }
                self.out.push_str(&"  ".repeat(depth));
                self.out.push_str(&bullet);
                self.line_start = false;
                self.item_fresh = true;
            }
            Tag::Table(aligns) => {
                self.block();
                self.table = Some(Table {
                    aligns,
                    rows: Vec::new(),
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push((String::new(), 0));
                }
            }
            Tag::Emphasis => self.push_style(Style {
                italic: true,
                ..Style::PLAIN
            }),
            Tag::Strong => self.push_style(Style::PLAIN.bold()),
            Tag::Strikethrough => self.push_style(Style::PLAIN.dim()),
            Tag::Link { .. } | Tag::Image { .. } => self.push_style(Style::PLAIN),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.newline(),
            TagEnd::Heading(_) => {
                let Some((level, text)) = self.heading.take() else {
                    return;
                };
                let style = self.style().with(heading_style(level, &text));
                self.text(&text, style);
                self.newline();
            }
            TagEnd::BlockQuote(_) => {
                self.quote = self.quote.saturating_sub(1);
                self.newline();
            }
            TagEnd::CodeBlock => {
                self.code_block = false;
                self.newline();
            }
            TagEnd::List(_) => {
                self.lists.pop();
                self.newline();
            }
            TagEnd::Item => {
                self.item_fresh = false;
                self.newline();
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.table(t);
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image => self.pop_style(),
            _ => {}
        }
    }

    /// Columns padded to their widest cell, `│` between them, a rule under the header.
    fn table(&mut self, t: Table) {
        let columns = t.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                (t.rows.iter())
                    .filter_map(|r| r.get(c).map(|cell| cell.1))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let sep = Style::PLAIN.dim().paint(" │ ", self.colour);
        for (i, row) in t.rows.iter().enumerate() {
            self.prefix();
            let mut cells = Vec::new();
            for (c, width) in widths.iter().enumerate() {
                let (text, w) = row.get(c).cloned().unwrap_or_default();
                let text = match i {
                    0 => Style::PLAIN.bold().paint(&strip_ansi(&text), self.colour),
                    _ => text,
                };
                let pad = width - w;
                let last = c + 1 == columns;
                cells.push(match t.aligns.get(c) {
                    Some(Alignment::Right) => format!("{}{text}", " ".repeat(pad)),
                    _ if last => text,
                    _ => format!("{text}{}", " ".repeat(pad)),
                });
            }
            self.out.push_str(cells.join(&sep).trim_end());
            self.out.push('\n');
            self.line_start = true;
            if i == 0 {
                self.prefix();
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                let rule = Style::PLAIN.dim().paint(&rule.join("─┼─"), self.colour);
                self.out.push_str(&rule);
                self.out.push('\n');
                self.line_start = true;
            }
        }
    }
}

/// Headings are bold; a gate's is yellow, a failure's red, a completion's green.
fn heading_style(level: HeadingLevel, text: &str) -> Style {
    let lower = text.to_lowercase();
    let fg = if lower.starts_with("gate") || lower.contains("waiting") {
        Color::Yellow
    } else if lower.contains("fail")
        || lower.contains("gaps")
        || lower.contains("stopped")
        || lower.contains("incomplete")
    {
        Color::Red
    } else if lower.contains("complete") || lower.contains("passed") {
        Color::Green
    } else {
        Color::Cyan
    };
    let style = Style::fg(fg).bold();
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 | HeadingLevel::H3 => style,
        _ => Style::PLAIN.bold(),
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '`' => {}
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) && c != '[' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GATE: &str = "## Gate: Human Verify\n\n**Run:** 03-01 Part 1 of auth\n**Progress:** 1/2 tasks complete\n**Task 2:** Check it\n\n### Gate Details\nLook at work-03-01.txt\n\n### Awaiting\nType approved\n";

    #[test]
    fn reports_lose_their_markup() {
        let plan = "## Execution Plan\n\n**Stage 3: Auth** — 2 runs across 1 batch\n\n| Batch | Runs | What it builds |\n|-------|------|----------------|\n| 1 | 03-01, 03-02 | Part 1 of auth; Part 2 of auth |\n| 2 | 03-03 | Sessions |\n";
        let next = "## ▶ Next Up\n\n**Stage 4: Sharing** — Share notes\n\n`/renn.plan-stage 4`\n\n<sub>`/clear` first for fresh context</sub>\n\n---\n\n**Also available:**\n- `cat x` — see it\n- nested\n  1. one\n  2. two\n";
        let shown = [GATE, plan, next]
            .map(|md| render(md, Style::PLAIN, false))
            .join("\n\n=====\n\n");
        insta::assert_snapshot!(shown, @r"
        Gate: Human Verify

        Run: 03-01 Part 1 of auth
        Progress: 1/2 tasks complete
        Task 2: Check it

        Gate Details

        Look at work-03-01.txt

        Awaiting

        Type approved

        =====

        Execution Plan

        Stage 3: Auth — 2 runs across 1 batch

        Batch │ Runs         │ What it builds
        ──────┼──────────────┼───────────────────────────────
        1     │ 03-01, 03-02 │ Part 1 of auth; Part 2 of auth
        2     │ 03-03        │ Sessions

        =====

        ▶ Next Up

        Stage 4: Sharing — Share notes

        `/renn.plan-stage 4`

        `/clear` first for fresh context

        ────────────────────────────────────────

        Also available:

        • `cat x` — see it
        • nested
          1. one
          2. two
        ");
    }

    #[test]
    fn colour_marks_headings_bold_and_the_base_style() {
        let out = render(GATE, Style::PLAIN, true);
        assert!(
            out.starts_with("\x1b[1m\x1b[33mGate: Human Verify"),
            "{out:?}"
        );
        assert!(out.contains("\x1b[1mRun:\x1b[22m 03-01"), "{out:?}");
        let red = render(
            "✗ Run 03-01 failed: **no recap**",
            Style::fg(Color::Red),
            true,
        );
        assert_eq!(
            red,
            "\x1b[31m✗ Run 03-01 failed: \x1b[39m\x1b[1m\x1b[31mno recap\x1b[22m\x1b[39m"
        );
    }
}
