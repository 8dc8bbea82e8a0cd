//! Builds a snapshot of `.renn/` from disk, reading only what a command needs: the
//! project files (and any prompt templates), the names of the stage directories, and
//! the one stage's runs, recaps and proofs (other files there are only listed).

use crate::fsio::{self, Contents};
use crate::{Error, Result};
use renn_core::plan::StageInfo;
use renn_core::snapshot::{FileContent, Snapshot, MAX_FILE_BYTES};
use renn_core::{proof, stage, Layout, Project, StageDir, Vocabulary};
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// A project root: the directory that holds `.renn/` or GSD's `.planning/`.
#[derive(Debug, Clone)]
pub struct ProjectDir {
    pub root: PathBuf,
    pub layout: Layout,
}

/// The nearest directory at or above `start` holding `.renn/` or `.planning/`.
pub fn find_root(start: &Path) -> Result<ProjectDir> {
    for dir in start.ancestors() {
        if let Some(layout) = detect(dir)? {
            let root = dir.to_path_buf();
            return Ok(ProjectDir { root, layout });
        }
    }
    Err(Error::NotInitialized {
        start: start.display().to_string(),
        in_git: start.ancestors().any(|d| d.join(".git").exists()),
    })
}

/// Which planning tree `root` has, decided by the core ([`Layout::detect`]) from the
/// directories present (and, with both, `.renn/config.json`).
fn detect(root: &Path) -> Result<Option<Layout>> {
    let mut probe = ProjectDir {
        root: root.to_path_buf(),
        layout: Layout::Renn,
    };
    let mut snap = Snapshot::new();
    for layout in Layout::ALL {
        if root.join(layout.vocab().dir).is_dir() {
            snap.dirs.insert(layout.vocab().dir.to_string());
        }
    }
    if snap.dirs.len() > 1 {
        probe.layout = Layout::Renn;
        probe.read_into(&mut snap, Layout::Renn.vocab().config)?;
    }
    Ok(Layout::detect(&snap).map_err(renn_core::Error::from)?)
}

impl ProjectDir {
    /// `--dir` given explicitly: that directory, which must hold a planning tree.
    pub fn at(root: &Path) -> Result<Self> {
        match detect(root)? {
            Some(layout) => Ok(Self {
                root: root.to_path_buf(),
                layout,
            }),
            None => Err(Error::Core(renn_core::Error::NotInitialized)),
        }
    }

    pub fn vocab(&self) -> &'static Vocabulary {
        self.layout.vocab()
    }

    /// The project files and the list of stage directories, but no stage's content.
    pub fn base_snapshot(&self) -> Result<Snapshot> {
        let v = self.vocab();
        let mut snap = Snapshot::new();
        snap.layout = self.layout;
        snap.dirs.insert(v.dir.to_string());
        for path in [v.config, v.track, v.pulse] {
            self.read_into(&mut snap, path)?;
        }
        for name in self.list_dirs(v.stages)? {
            snap.dirs.insert(format!("{}/{name}", v.stages));
        }
        self.read_templates(&mut snap)?;
        Ok(snap)
    }

    /// The prompt templates a project overrides (`.renn/templates/runner.md`…), if any.
    fn read_templates(&self, snap: &mut Snapshot) -> Result<()> {
        let dir = self.vocab().templates;
        let entries = match fs::read_dir(self.root.join(dir)) {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(self.io(dir, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| self.io(dir, e))?;
            if let Some(name) = entry.file_name().to_str().filter(|n| n.ends_with(".md")) {
                self.read_into(snap, &format!("{dir}/{name}"))?;
            }
        }
        Ok(())
    }

    /// Adds one stage's files: runs, recaps and proofs with content, the rest listed only.
    pub fn load_stage(&self, snap: &mut Snapshot, stage: &StageDir) -> Result<()> {
        let dir = self.root.join(&stage.dir);
        let entries = fs::read_dir(&dir).map_err(|e| self.io(&stage.dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| self.io(&stage.dir, e))?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue; // not UTF-8: cannot be a run id, and cannot be named in output
            };
            let path = format!("{}/{name}", stage.dir);
            // Recaps and proofs feed the reports and the routing, so they are read too,
            // and gate records (whether a gate is answered).
            // A linked one counts like a file (if it stays inside the project), and a
            // dangling link, a FIFO or a device is an error naming it, not a silent gap.
            let v = self.vocab();
            let read = [v.run_suffix, v.recap_suffix, v.proof_suffix, v.gate_suffix];
            if read.iter().any(|s| name.ends_with(s)) {
                if fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()) {
                    continue;
                }
                if !self.read_into(snap, &path)? {
                    let gone = std::io::Error::new(ErrorKind::NotFound, "a dangling symlink");
                    return Err(self.io(&path, gone));
                }
            } else if fs::metadata(entry.path()).is_ok_and(|m| m.is_file()) {
                snap.insert(path, FileContent::Present);
            }
        }
        snap.dirs.insert(stage.dir.clone());
        Ok(())
    }

    /// Reads `rel` into the snapshot (bounded, regular files only: see
    /// [`fsio::read_bounded`]); `false` when it does not exist.
    fn read_into(&self, snap: &mut Snapshot, rel: &str) -> Result<bool> {
        let content = match fsio::read_bounded(&self.root, rel, MAX_FILE_BYTES)? {
            None => return Ok(false),
            Some(Contents::TooLarge { bytes }) => FileContent::TooLarge { bytes },
            Some(Contents::Bytes(bytes)) => match String::from_utf8(bytes) {
                Ok(s) => FileContent::Text(s),
                Err(e) => FileContent::Bytes(e.into_bytes()),
            },
        };
        snap.insert(rel.to_string(), content);
        Ok(true)
    }

    fn list_dirs(&self, rel: &str) -> Result<Vec<String>> {
        let entries = match fs::read_dir(self.root.join(rel)) {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(rel, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| self.io(rel, e))?;
            if fs::metadata(entry.path()).is_ok_and(|m| m.is_dir()) {
                names.extend(entry.file_name().to_str().map(str::to_string));
            }
        }
        Ok(names)
    }

    fn io(&self, rel: &str, source: std::io::Error) -> Error {
        Error::Io {
            path: rel.to_string(),
            source,
        }
    }
}

/// The stage's proof as the workflow finds it (`NN-proof.md`, else the one
/// `*-proof.md`), from its directory as it is now: the auditor may just have written
/// it. `Err` (a one-line reason) when the directory cannot be listed or two files
/// could be the proof.
pub fn locate_proof(
    vocab: &Vocabulary,
    root: &Path,
    stage: &StageInfo,
) -> std::result::Result<Option<String>, String> {
    let entries = match fs::read_dir(root.join(&stage.dir)) {
        Ok(e) => e,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", stage.dir)),
    };
    let names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| !fs::metadata(e.path()).is_ok_and(|m| m.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    proof::locate(
        vocab,
        &stage.dir,
        &stage.number,
        names.iter().map(String::as_str),
    )
    .map_err(|d| d.one_line())
}

/// Opens the project at `dir` (or the nearest one above the current directory) with
/// the given stage loaded. A stage argument that is not a stage number is rejected
/// before the filesystem is touched at all.
pub fn open_project(dir: Option<&Path>, stage_arg: Option<&str>) -> Result<Project> {
    if let Some(arg) = stage_arg {
        arg.parse::<renn_core::StageNumber>()?;
    }
    let dir = project_dir(dir)?;
    let mut snap = dir.base_snapshot()?;
    if let Some(arg) = stage_arg {
        let stages = dir.vocab().stages;
        if let Ok(stage) = stage::resolve(arg, snap.children(stages), stages) {
            dir.load_stage(&mut snap, &stage)?;
        }
    }
    Ok(Project::new(snap)?)
}

/// Whether stage `number`'s directory holds run files (`renn run-stage` can run it).
pub fn is_planned(root: &Path, number: &renn_core::StageNumber) -> bool {
    let Ok(dir) = ProjectDir::at(root) else {
        return false;
    };
    let v = dir.vocab();
    let names = dir.list_dirs(v.stages).unwrap_or_default();
    stage::list(names.iter().map(String::as_str), v.stages)
        .into_iter()
        .filter(|s| &s.number == number)
        .any(|s| {
            fs::read_dir(root.join(&s.dir)).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(v.run_suffix))
            })
        })
}

/// `--dir DIR`, or the nearest project at or above the current directory.
pub fn project_dir(dir: Option<&Path>) -> Result<ProjectDir> {
    match dir {
        Some(d) => ProjectDir::at(d),
        None => {
            let cwd = std::env::current_dir().map_err(|source| Error::Io {
                path: ".".into(),
                source,
            })?;
            find_root(&cwd)
        }
    }
}

/// The project with every stage loaded (`renn status`, `renn next`, `renn doctor`).
pub fn open_project_all(dir: Option<&Path>) -> Result<Project> {
    project_dir(dir)?.load_all()
}

/// The whole project at `dir` (every stage loaded), for hosts that ask about any
/// stage later: the native bindings' `Project.load`. Inside a git work tree the
/// git-ignored check for `.renn` is applied, as `renn run-stage` does.
pub fn load_project(dir: &Path) -> Result<Project> {
    ProjectDir::at(dir)?.load_all()
}

impl ProjectDir {
    /// Every stage's files loaded, and the git-ignored check for `.renn`.
    pub fn load_all(&self) -> Result<Project> {
        let dir = self;
        let mut snap = dir.base_snapshot()?;
        let stages = dir.vocab().stages;
        let names: Vec<String> = (snap.children(stages).into_iter())
            .map(str::to_string)
            .collect();
        for stage in stage::list(names.iter().map(String::as_str), stages) {
            dir.load_stage(&mut snap, &stage)?;
        }
        if let Ok(git) = crate::git::Git::open(&dir.root) {
            snap.renn_gitignored = git.is_ignored(dir.vocab().dir)?;
        }
        Ok(Project::new(snap)?)
    }
}
