//! YAML frontmatter with positions. yaml-rust2's `Yaml` tree forgets where values
//! were, so this builds a small tree from its marked event stream: every node knows
//! its file line and column, and every error can point at the exact value.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Position};
use std::collections::{HashMap, HashSet};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};
use yaml_rust2::Yaml;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// Kept as written; renn has no float fields, so this only feeds error messages.
    Float(String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Position,
}

impl Node {
    /// The value of `key` in a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar as text (numbers and booleans as written); `None` for collections and null.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) | Value::Float(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// How the value looks, for "expected X, found Y" messages.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "nothing".into(),
            Value::Bool(b) => format!("`{b}`"),
            Value::Int(i) => format!("`{i}`"),
            Value::Float(s) => format!("`{s}`"),
            Value::Str(s) => format!("{s:?}"),
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
        }
    }
}

/// A file split at its frontmatter fences.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// File line of the first YAML line (the line after the opening `---`).
    pub yaml_line: u32,
    pub body: &'a str,
    /// File line of the first body line.
    pub body_line: u32,
}

/// Splits `---\n<yaml>\n---\n<body>`. A leading BOM is allowed; the fences must be
/// lines of exactly `---` (trailing spaces and `\r` tolerated).
pub fn split(text: &str) -> Result<Split<'_>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Err(Diagnostic::error(
            Code::FrontmatterMissing,
            "expected YAML frontmatter: the file must start with a `---` line",
        )
        .at(Some(Position::new(1, 1)))
        .with_hint("put `---`, the run's YAML fields, and another `---` at the top of the file"));
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2u32;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end]) {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(Diagnostic::error(
        Code::FrontmatterUnterminated,
        "frontmatter opened with `---` on line 1 is never closed",
    )
    .at(Some(Position::new(1, 1)))
    .with_hint("add a `---` line after the last YAML field"))
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Parses YAML text whose first line is file line `first_line`; returns the root node
/// (an empty document is `Null`).
pub fn parse_yaml(yaml: &str, first_line: u32) -> Result<Node, Diagnostic> {
    let mut builder = Builder {
        first_line,
        line_starts: line_starts(yaml),
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        error: None,
        nodes: 0,
    };
    let mut parser = Parser::new_from_str(yaml);
    if let Err(e) = parser.load(&mut builder, false) {
        let pos = builder.position(e.marker());
        return Err(Diagnostic::error(
            Code::YamlSyntax,
            format!("invalid YAML in frontmatter: {}", e.info()),
        )
        .at(Some(pos)));
    }
    if let Some(d) = builder.error {
        return Err(d);
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Null,
        pos: Position::new(first_line, 1),
    }))
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        text.chars()
            .enumerate()
            .filter(|(_, c)| *c == '\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

/// Most values a frontmatter may expand to. A few lines of nested aliases
/// (`&a [x,x,…]`, `&b [*a,*a,…]`, …) otherwise expand to billions of nodes.
const MAX_NODES: usize = 100_000;

/// A collection being built, with the keys seen so far (duplicate detection in O(1)).
struct Frame {
    node: Node,
    pending_key: Option<Node>,
    anchor: usize,
    keys: HashSet<String>,
}

struct Builder {
    first_line: u32,
    /// Character index at which each line starts.
    line_starts: Vec<usize>,
    stack: Vec<Frame>,
    /// Anchored values and their size in nodes.
    anchors: HashMap<usize, (Node, usize)>,
    root: Option<Node>,
    error: Option<Diagnostic>,
    nodes: usize,
}

impl Builder {
    /// From the marker's character index, counting only `\n` as a line break the
    /// way every other position renn reports does (yaml-rust2 also breaks at a lone `\r`).
    fn position(&self, m: &Marker) -> Position {
        let line = self
            .line_starts
            .partition_point(|&start| start <= m.index());
        let column = m.index() - self.line_starts[line.max(1) - 1];
        Position::new(self.first_line + line.max(1) as u32 - 1, column as u32 + 1)
    }

    fn fail(&mut self, d: Diagnostic) {
        self.error.get_or_insert(d);
    }

    fn push_value(&mut self, node: Node, anchor: usize, size: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root.get_or_insert(node);
            return;
        };
        match &mut frame.node.value {
            Value::Seq(items) => items.push(node),
            Value::Map(entries) => match frame.pending_key.take() {
                None => frame.pending_key = Some(node),
                Some(key) => {
                    let fresh = key.scalar_text().is_none_or(|k| frame.keys.insert(k));
                    entries.push((key.clone(), node));
                    if !fresh {
                        let msg =
                            format!("key {} appears twice in the frontmatter", key.describe());
                        self.fail(Diagnostic::error(Code::YamlDuplicateKey, msg).at(Some(key.pos)));
                    }
                }
            },
            _ => {}
        }
    }

    fn open(&mut self, value: Value, pos: Position, anchor: usize) {
        self.nodes += 1;
        let node = Node { value, pos };
        self.stack.push(Frame {
            node,
            pending_key: None,
            anchor,
            keys: HashSet::new(),
        });
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let pos = self.position(&mark);
        match ev {
            Event::SequenceStart(anchor, _) => self.open(Value::Seq(Vec::new()), pos, anchor),
            Event::MappingStart(anchor, _) => self.open(Value::Map(Vec::new()), pos, anchor),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let size = self.nodes; // an upper bound is enough for the budget
                    self.push_value(frame.node, frame.anchor, size);
                }
            }
            Event::Scalar(text, style, anchor, _) => {
                self.nodes += 1;
                let value = scalar(text, style);
                self.push_value(Node { value, pos }, anchor, 1);
            }
            Event::Alias(id) => {
                let (node, size) = self.anchors.get(&id).cloned().unwrap_or((
                    Node {
                        value: Value::Null,
                        pos,
                    },
                    1,
                ));
                self.nodes = self.nodes.saturating_add(size);
                if self.nodes > MAX_NODES {
                    let msg =
                        format!("YAML aliases expand the frontmatter beyond {MAX_NODES} values");
                    self.fail(Diagnostic::error(Code::YamlTooLarge, msg).at(Some(pos)));
                    return;
                }
                self.push_value(node, 0, size);
            }
            _ => {}
        }
    }
}

fn scalar(text: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain || !may_be_typed(&text) {
        return Value::Str(text);
    }
    match Yaml::from_str(&text) {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::Int(i),
        Yaml::Real(r) => Value::Float(r),
        _ => Value::Str(text),
    }
}

/// Whether a plain scalar could be null, a boolean or a number under YAML's core
/// schema; most frontmatter values (paths, ids, prose) cannot, and skip the check.
fn may_be_typed(text: &str) -> bool {
    match text.as_bytes().first() {
        None => true,
        Some(b) => b.is_ascii_digit() || b"-+.~nNtTfF".contains(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_fences_and_lines() {
        let s = split("---\na: 1\nb: 2\n---\nbody\n").unwrap();
        assert_eq!(
            (s.yaml, s.yaml_line, s.body, s.body_line),
            ("a: 1\nb: 2\n", 2, "body\n", 5)
        );
        assert_eq!(split("# no").unwrap_err().code, "frontmatter-missing");
        assert_eq!(
            split("---\na: 1\n").unwrap_err().code,
            "frontmatter-unterminated"
        );
        assert_eq!(
            split("\u{feff}---\r\na: 1\r\n---\r\n").unwrap().body_line,
            4
        );
    }

    #[test]
    fn nodes_carry_file_positions() {
        let root = parse_yaml("stage: 03-auth\nbatch: two\nlist: [a, \"b\"]\n", 2).unwrap();
        let batch = root.get("batch").unwrap();
        assert_eq!((batch.pos.line, batch.pos.column), (3, 8));
        assert_eq!(batch.value, Value::Str("two".into()));
        let list = root.get("list").unwrap();
        assert!(matches!(&list.value, Value::Seq(v) if v.len() == 2));
    }

    #[test]
    fn typed_scalars_follow_yaml_core_schema_unless_quoted() {
        let root = parse_yaml("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\n", 2).unwrap();
        assert_eq!(root.get("a").unwrap().value, Value::Int(1));
        assert_eq!(root.get("b").unwrap().value, Value::Str("1".into()));
        assert_eq!(root.get("c").unwrap().value, Value::Bool(true));
        assert_eq!(root.get("d").unwrap().value, Value::Null);
        assert_eq!(root.get("e").unwrap().value, Value::Float("1.5".into()));
    }

    #[test]
    fn syntax_and_duplicate_key_errors_point_into_the_file() {
        let e = parse_yaml("a: [1, 2\nb: 3\n", 2).unwrap_err();
        assert_eq!(e.code, "yaml-syntax");
        assert!(e.line.unwrap() >= 2);
        let e = parse_yaml("a: 1\na: 2\n", 2).unwrap_err();
        assert_eq!((e.code.name(), e.line), ("yaml-duplicate-key", Some(3)));
    }
}
