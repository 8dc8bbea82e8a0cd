//! The project as the caller hands it in: paths and contents, plus facts only the
//! host can know. renn-core never touches a disk; the CLI (or a binding, or a test)
//! builds a [`Snapshot`] and every API is a pure function of it.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Position};
use crate::layout::{Layout, Vocabulary};
use std::collections::{BTreeMap, BTreeSet};

/// Plan files larger than this are refused: a run is a few KB, so a file of many
/// megabytes is a mistake (a log or a binary saved under the wrong name).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// What the host knows about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileContent {
    Text(String),
    /// Raw bytes, decoded (and checked for UTF-8) by the core.
    Bytes(Vec<u8>),
    /// The file exists; its content is not needed (a recap, for completion only).
    Present,
    /// The file exists but is too large to be read; the host did not read it.
    TooLarge {
        bytes: u64,
    },
}

/// An in-memory `.renn/` project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Project-relative paths with `/` separators, e.g. `.renn/stages/03-a/03-01-run.md`.
    pub files: BTreeMap<String, FileContent>,
    /// Directories known to exist, e.g. `.renn` and `.renn/stages/03-a` (which may be empty).
    pub dirs: BTreeSet<String>,
    /// The host's answer to `git check-ignore` of the planning directory: forces
    /// `commit_docs` off.
    pub renn_gitignored: bool,
    /// Which tree the paths are in: set by [`crate::Project::new`] from the directories
    /// present ([`Layout::detect`]), so every reader finds its file names in one place.
    pub layout: Layout,
}

impl Snapshot {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text file, recording its parent directories as existing.
    pub fn with_file(mut self, path: impl Into<String>, text: impl Into<String>) -> Self {
        self.insert(path.into(), FileContent::Text(text.into()));
        self
    }

    pub fn insert(&mut self, path: String, content: FileContent) {
        let mut parent = path.as_str();
        while let Some((p, _)) = parent.rsplit_once('/') {
            self.dirs.insert(p.to_string());
            parent = p;
        }
        self.files.insert(path, content);
    }

    /// A project handed in as `(path, content)` pairs by a host without a disk (the
    /// WASM build, an editor's open buffers). A path ending in `/` is a directory,
    /// so an empty stage directory can be described. Paths are project-relative
    /// with `/` separators; anything that could escape the project is refused.
    pub fn from_files(
        files: impl IntoIterator<Item = (String, FileContent)>,
    ) -> Result<Self, Diagnostic> {
        let mut snap = Self::new();
        for (path, content) in files {
            let clean = path.strip_prefix("./").unwrap_or(&path);
            let (name, is_dir) = match clean.strip_suffix('/') {
                Some(dir) => (dir, true),
                None => (clean, false),
            };
            if !is_relative_path(name) {
                return Err(Diagnostic::error(
                    Code::BadPath,
                    format!("'{path}' is not a project-relative path"),
                )
                .with_hint("use paths such as .renn/stages/03-auth/03-01-run.md: relative, '/'-separated, without '..'"));
            }
            if is_dir {
                snap.insert_dir(name);
            } else {
                snap.insert(name.to_string(), content);
            }
        }
        Ok(snap)
    }

    /// Records a directory (and its parents) as existing.
    pub fn insert_dir(&mut self, dir: &str) {
        let mut d = dir;
        loop {
            self.dirs.insert(d.to_string());
            match d.rsplit_once('/') {
                Some((p, _)) => d = p,
                None => break,
            }
        }
    }

    /// The words and paths of this snapshot's layout.
    pub fn vocab(&self) -> &'static Vocabulary {
        self.layout.vocab()
    }

    pub fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Names of the entries directly under `dir` (files and directories), sorted.
    pub fn children<'a>(&'a self, dir: &str) -> BTreeSet<&'a str> {
        let prefix = format!("{dir}/");
        let direct = |p: &'a String| {
            let rest = p.strip_prefix(&prefix)?;
            Some(rest.split('/').next().unwrap_or(rest))
        };
        self.files
            .keys()
            .filter_map(direct)
            .chain(self.dirs.iter().filter_map(direct))
            .filter(|n| !n.is_empty())
            .collect()
    }

    /// The file's text: `Ok(None)` when absent, an error when unreadable.
    pub fn text(&self, path: &str) -> Result<Option<&str>, Diagnostic> {
        match self.files.get(path) {
            None => Ok(None),
            Some(content) => decode(path, content).map(Some),
        }
    }
}

fn is_relative_path(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\\')
        && p.split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

fn decode<'a>(path: &str, content: &'a FileContent) -> Result<&'a str, Diagnostic> {
    match content {
        FileContent::Text(s) => check_size(path, s.len() as u64).map(|_| s.as_str()),
        FileContent::Bytes(b) => {
            check_size(path, b.len() as u64)?;
            std::str::from_utf8(b).map_err(|e| invalid_utf8(path, b, e.valid_up_to()))
        }
        FileContent::TooLarge { bytes } => check_size(path, *bytes).map(|_| ""),
        FileContent::Present => Err(Diagnostic::error(
            Code::ContentNotLoaded,
            "the host listed this file but did not load its content",
        )
        .in_file(path)),
    }
}

fn check_size(path: &str, bytes: u64) -> Result<(), Diagnostic> {
    if bytes <= MAX_FILE_BYTES {
        return Ok(());
    }
    Err(Diagnostic::error(
        Code::FileTooLarge,
        format!(
            "file is {:.1} MB; renn reads plan files of at most {} MB",
            bytes as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        ),
    )
    .in_file(path)
    .with_hint("renn's files are short text; was a log or a binary saved under this name?"))
}

fn invalid_utf8(path: &str, bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let good = String::from_utf8_lossy(&bytes[..valid_up_to]);
    let line = good.matches('\n').count() as u32 + 1;
    let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    Diagnostic::error(
        Code::InvalidUtf8,
        format!("file is not valid UTF-8 (bad byte at offset {valid_up_to})"),
    )
    .in_file(path)
    .at(Some(Position::new(line, column)))
    .with_hint("save the file as UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_lists_files_and_empty_dirs_once() {
        let mut s = Snapshot::new().with_file(".renn/stages/03-a/03-01-run.md", "x");
        s.dirs.insert(".renn/stages/04-b".into());
        let kids: Vec<_> = s.children(".renn/stages").into_iter().collect();
        assert_eq!(kids, ["03-a", "04-b"]);
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let mut s = Snapshot::new();
        s.insert("f.md".into(), FileContent::Bytes(b"ok\nab\xffc".to_vec()));
        let d = s.text("f.md").unwrap_err();
        assert_eq!(
            (d.code.name(), d.line, d.column),
            ("invalid-utf8", Some(2), Some(3))
        );
    }

    #[test]
    fn oversized_files_are_refused_without_content() {
        let mut s = Snapshot::new();
        s.insert("big.md".into(), FileContent::TooLarge { bytes: 50 << 20 });
        let d = s.text("big.md").unwrap_err();
        assert_eq!(d.code, "file-too-large");
        assert!(d.message.contains("50.0 MB"), "{}", d.message);
    }

    #[test]
    fn from_files_records_dirs_and_refuses_escaping_paths() {
        let files = [
            (
                "./.renn/track.md".to_string(),
                FileContent::Text("t".into()),
            ),
            (".renn/stages/04-b/".to_string(), FileContent::Present),
        ];
        let s = Snapshot::from_files(files).unwrap();
        assert!(s.exists(".renn/track.md"));
        let kids: Vec<_> = s.children(".renn/stages").into_iter().collect();
        assert_eq!(kids, ["04-b"]);
        for bad in [
            "../x.md",
            "/etc/passwd",
            ".renn//a.md",
            ".renn/../../x",
            "",
            "a\\b",
        ] {
            let err = Snapshot::from_files([(bad.to_string(), FileContent::Present)]).unwrap_err();
            assert_eq!(err.code, "bad-path", "{bad}");
        }
    }
}
