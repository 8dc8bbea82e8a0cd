//! ANSI styles for the live view: a handful of SGR codes. Every piece of text is painted
//! with its whole style (a red line's bold word is bold and red), so styles never nest.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub fg: Option<Color>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Red,
    Green,
    Yellow,
    Cyan,
}

impl Color {
    fn code(self) -> u8 {
        match self {
            Color::Red => 31,
            Color::Green => 32,
            Color::Yellow => 33,
            Color::Cyan => 36,
        }
    }
}

impl Style {
    pub const PLAIN: Style = Style {
        bold: false,
        dim: false,
        italic: false,
        fg: None,
    };

    pub fn fg(color: Color) -> Style {
        Style {
            fg: Some(color),
            ..Style::PLAIN
        }
    }

    pub fn bold(self) -> Style {
        Style { bold: true, ..self }
    }

    pub fn dim(self) -> Style {
        Style { dim: true, ..self }
    }

    /// `inner` on top of `self`: set attributes add up, a colour replaces.
    pub fn with(self, inner: Style) -> Style {
        Style {
            bold: self.bold || inner.bold,
            dim: self.dim || inner.dim,
            italic: self.italic || inner.italic,
            fg: inner.fg.or(self.fg),
        }
    }

    /// `text` in this style; unchanged when `colour` is off (not a terminal, `NO_COLOR`).
    pub fn paint(self, text: &str, colour: bool) -> String {
        if !colour || text.is_empty() || self == Style::PLAIN {
            return text.to_string();
        }
        let (mut on, mut off) = (String::new(), String::new());
        let mut add = |set: bool, code: u8, reset: u8| {
            if set {
                on.push_str(&format!("\x1b[{code}m"));
                off.push_str(&format!("\x1b[{reset}m"));
            }
        };
        add(self.bold, 1, 22);
        add(self.dim, 2, 22);
        add(self.italic, 3, 23);
        if let Some(c) = self.fg {
            add(true, c.code(), 39);
        }
        format!("{on}{text}{off}")
    }
}

/// Whether the live view may colour: stdout is a terminal (the live view is chosen only
/// then) and `NO_COLOR` is unset or empty (<https://no-color.org>).
pub fn colour_from_env() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The width of `text` on screen: ANSI escape sequences take none.
#[cfg(test)]
pub fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters, then a final byte in @..~
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) && c != '[' {
                    break;
                }
            }
        } else {
            width += 1;
        }
    }
    width
}

/// `text` cut to `max` columns (escape sequences kept, so styles still end).
pub fn truncate(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut width = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            out.push(c);
            for c in chars.by_ref() {
                out.push(c);
                if ('@'..='~').contains(&c) && c != '[' {
                    break;
                }
            }
        } else if width < max {
            out.push(c);
            width += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_measure_without_their_codes() {
        let red = Style::fg(Color::Red);
        let bold_red = red.with(Style::PLAIN.bold());
        assert_eq!(bold_red, Style::fg(Color::Red).bold());
        let line = format!("{}{}", red.paint("a ", true), bold_red.paint("bold", true));
        assert_eq!(
            line,
            "\x1b[31ma \x1b[39m\x1b[1m\x1b[31mbold\x1b[22m\x1b[39m"
        );
        assert_eq!(visible_width(&line), 6);
        assert_eq!(visible_width(&truncate(&line, 3)), 3);
        assert!(truncate(&line, 3).ends_with("\x1b[39m"), "styles still end");
        assert_eq!(red.paint("x", false), "x");
    }
}
