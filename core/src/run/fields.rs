//! Reads the frontmatter's fields into types, one diagnostic per bad value. Quoted,
//! flow and block YAML all arrive here as the same node shapes.

use super::body::Body;
use super::{Artifact, Dependency, KeyLink, MustHaves, RunFile, RunId, RunType};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Position};
use crate::frontmatter::{Node, Value};
use crate::layout::Vocabulary;
use crate::stage::StageNumber;

pub struct Reader<'a> {
    /// The layout's frontmatter keys (`stage`/`run`/`batch` or `phase`/`plan`/`wave`).
    vocab: &'static Vocabulary,
    root: &'a Node,
    top: Position,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub fn new(vocab: &'static Vocabulary, root: &'a Node, yaml_line: u32) -> Self {
        let mut r = Self {
            vocab,
            root,
            top: Position::new(yaml_line, 1),
            diagnostics: Vec::new(),
        };
        if !matches!(root.value, Value::Map(_)) {
            r.error(
                Code::FrontmatterNotMapping,
                format!(
                    "frontmatter must be `key: value` fields, found {}",
                    root.describe()
                ),
                root.pos,
            );
        }
        r
    }

    pub fn into_diagnostics(self, path: &str) -> Vec<Diagnostic> {
        self.diagnostics
            .into_iter()
            .map(|d| d.in_file(path))
            .collect()
    }

    fn error(&mut self, code: Code, msg: String, pos: Position) {
        self.diagnostics
            .push(Diagnostic::error(code, msg).at(Some(pos)));
    }

    /// A value renn can do without: reported, and planning goes on with a default.
    fn warn(&mut self, code: Code, msg: String, pos: Position, hint: &str) {
        let mut d = Diagnostic::warning(code, msg).at(Some(pos));
        if !hint.is_empty() {
            d = d.with_hint(hint);
        }
        self.diagnostics.push(d);
    }

    pub fn run_file(&mut self, id: RunId, path: &str, body: Body) -> RunFile {
        self.check_identity(&id);
        let gates = body.tasks.iter().any(|t| t.kind.gate().is_some());
        let autonomous = self.bool_field("autonomous");
        let batch = self.batch();
        // `files-modified` is the older spelling GSD's own plan index still reads.
        let files = (self.root.get("files_modified")).or_else(|| self.root.get("files-modified"));
        self.diagnostics.extend(body.diagnostics);
        RunFile {
            run_type: self.run_type(),
            batch: batch.map(|(b, _)| b),
            batch_pos: batch.map(|(_, p)| p),
            depends_on: self.depends_on(&id),
            files_modified: files
                .map(|n| self.strings("files_modified", n))
                .unwrap_or_default(),
            files_pos: files.map(|n| n.pos),
            autonomous: autonomous.map_or(!gates, |(b, _)| b),
            autonomous_pos: autonomous.map(|(_, p)| p),
            gap_closure: self.bool_field("gap_closure").is_some_and(|(b, _)| b),
            must_haves: self.must_haves(),
            objective: body.objective,
            tasks: body.tasks,
            path: path.to_string(),
            id,
        }
    }

    /// The file name is the run id; `stage:` and `run:` must agree with it. `run:` may
    /// be the run's number (`01`, `1`, `P01`) or its full id (`07-01`). Without it the
    /// file name still says which run this is, so its absence is only a warning.
    fn check_identity(&mut self, id: &RunId) {
        let (v, key) = (self.vocab, self.vocab.run_key);
        match self.root.get(key) {
            None => self.warn(
                Code::FieldMissing,
                format!(
                    "frontmatter has no `{key}` field; the file name says this is {} {}",
                    v.run_lower(),
                    id.run_number()
                ),
                self.top,
                &format!(
                    "the file name is the {} id; add `{key}:` so the file says it too",
                    v.run_lower()
                ),
            ),
            Some(n) => {
                let text = n.scalar_text().unwrap_or_default();
                let text = text.trim();
                let agrees = RunId::split_number(text)
                    .is_some_and(|(prefix, run)| prefix == id.prefix && run == id.run)
                    || RunId::parse(text).as_ref() == Some(id);
                if !agrees {
                    self.error(
                        Code::RunIdMismatch,
                        format!(
                            "`{key}` is {} but the file name says this is {} {} ({id})",
                            n.describe(),
                            v.run_lower(),
                            id.run_number()
                        ),
                        n.pos,
                    );
                }
            }
        }
        let key = v.stage_key;
        let Some(n) = self.root.get(key) else {
            return;
        };
        let text = n.scalar_text().unwrap_or_default();
        let number = text.split_once('-').map_or(text.as_str(), |(num, _)| num);
        if StageNumber::parse(number.trim()).as_ref() != Some(&id.stage) {
            self.error(
                Code::RunIdMismatch,
                format!(
                    "`{key}` is {} but the file name says this {} belongs to {} {}",
                    n.describe(),
                    v.run_lower(),
                    v.stage_lower(),
                    id.stage
                ),
                n.pos,
            );
        }
    }

    /// `tdd` changes how the runner works; any other type (`auto`, `fix`…) runs as a
    /// plain execute run, with a warning when renn does not know it.
    fn run_type(&mut self) -> RunType {
        let Some(n) = self.root.get("type").filter(|n| n.value != Value::Null) else {
            return RunType::Execute;
        };
        let text = n.scalar_text().map(|t| t.trim().to_ascii_lowercase());
        match text.as_deref() {
            Some("execute") => RunType::Execute,
            Some("tdd") => RunType::Tdd,
            _ => {
                self.warn(
                    Code::RunType,
                    format!(
                        "`type` is {}, which renn does not know: the run executes as `execute`",
                        n.describe()
                    ),
                    n.pos,
                    "`type: tdd` marks a test-driven run; anything else is an ordinary run",
                );
                RunType::Execute
            }
        }
    }

    /// `batch: 0` (gap-closure runs of the reference tool) is read as batch 1.
    fn batch(&mut self) -> Option<(u32, Position)> {
        let key = self.vocab.batch_key;
        let n = self.root.get(key)?;
        let parsed = match &n.value {
            Value::Int(i) => u32::try_from(*i).ok(),
            Value::Str(s) => s.trim().parse::<u32>().ok(),
            Value::Null => return None,
            _ => None,
        };
        match parsed {
            Some(0) => {
                self.warn(
                    Code::BatchZero,
                    format!("`{key}` is 0: read as {key} 1, the first"),
                    n.pos,
                    &format!(
                        "{} are numbered 1, 2, 3… in execution order",
                        self.vocab.batches_lower
                    ),
                );
                Some((1, n.pos))
            }
            Some(b) => Some((b, n.pos)),
            None => {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::BatchNotANumber,
                        format!(
                            "`{key}` must be a whole number of at least 1, found {}",
                            n.describe()
                        ),
                    )
                    .at(Some(n.pos))
                    .with_hint(format!(
                        "{} are numbered 1, 2, 3… in execution order",
                        self.vocab.batches_lower
                    )),
                );
                None
            }
        }
    }

    fn bool_field(&mut self, key: &str) -> Option<(bool, Position)> {
        let n = self.root.get(key)?;
        let b = match &n.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s == "true" => Some(true),
            Value::Str(s) if s == "false" => Some(false),
            Value::Null => return None,
            _ => None,
        };
        if b.is_none() {
            self.warn(
                Code::FieldType,
                format!(
                    "`{key}` must be true or false, found {}: ignored",
                    n.describe()
                ),
                n.pos,
                "",
            );
        }
        b.map(|b| (b, n.pos))
    }

    /// A list of strings; a lone scalar counts as a one-item list.
    fn strings(&mut self, key: &str, n: &Node) -> Vec<String> {
        let items: Vec<&Node> = match &n.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Null => return Vec::new(),
            _ => vec![n],
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.scalar_text() {
                Some(s) => out.push(s),
                None => self.warn(
                    Code::FieldType,
                    format!(
                        "`{key}` must be a list of text values, found {}: ignored",
                        item.describe()
                    ),
                    item.pos,
                    "",
                ),
            }
        }
        out
    }

    /// Entries are run ids (`03-01`), or bare run numbers (`01`) meaning this stage.
    fn depends_on(&mut self, own: &RunId) -> Vec<Dependency> {
        let Some(n) = self.root.get("depends_on") else {
            return Vec::new();
        };
        let items: Vec<&Node> = match &n.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Null => return Vec::new(),
            _ => vec![n],
        };
        let mut out = Vec::new();
        for item in items {
            let text = item.scalar_text().unwrap_or_default();
            let text = text.trim();
            let id = RunId::parse(text).or_else(|| {
                let (prefix, run) = RunId::split_number(text)?;
                Some(RunId {
                    stage: own.stage.clone(),
                    prefix,
                    run,
                })
            });
            match id {
                Some(id) => out.push(Dependency { id, pos: item.pos }),
                None => self.error(
                    Code::DependsOnFormat,
                    format!(
                        "`depends_on` entries must be run ids like \"{own}\", found {}",
                        item.describe()
                    ),
                    item.pos,
                ),
            }
        }
        out
    }

    /// `artifacts` and `key_links` entries are maps (`{path, provides}`, `{from, to,
    /// via}`) or plain strings, which keep their text for the auditor.
    fn must_haves(&mut self) -> MustHaves {
        let Some(m) = self.root.get("must_haves") else {
            return MustHaves::default();
        };
        let truths = m
            .get("truths")
            .map(|n| self.strings("must_haves.truths", n));
        let artifacts = list(m.get("artifacts"))
            .filter_map(|a| match a.scalar_text() {
                Some(text) => Some(Artifact::from_text(&text)),
                None => Some(Artifact {
                    path: self.required(a, "path", "must_haves.artifacts")?,
                    provides: a.get("provides").and_then(Node::scalar_text),
                }),
            })
            .collect();
        let key_links = list(m.get("key_links"))
            .filter_map(|l| match l.scalar_text() {
                Some(text) => Some(KeyLink::from_text(&text)),
                None => Some(KeyLink {
                    from: self.required(l, "from", "must_haves.key_links")?,
                    to: self.required(l, "to", "must_haves.key_links")?,
                    via: l.get("via").and_then(Node::scalar_text),
                }),
            })
            .collect();
        MustHaves {
            truths: truths.unwrap_or_default(),
            artifacts,
            key_links,
        }
    }

    /// A map entry without a key it needs is left out of the auditor's list.
    fn required(&mut self, n: &Node, key: &str, within: &str) -> Option<String> {
        let v = n.get(key).and_then(Node::scalar_text);
        if v.is_none() {
            self.warn(
                Code::FieldMissing,
                format!("each `{within}` entry needs a `{key}`: this one is left out"),
                n.pos,
                "",
            );
        }
        v
    }
}

fn list(n: Option<&Node>) -> impl Iterator<Item = &Node> {
    let items: &[Node] = match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    };
    items.iter()
}
