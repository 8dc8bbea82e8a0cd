//! End-to-end tests of the `renn` binary: real processes on real files.
//!
//! Every test builds its project on disk in a temporary directory (or uses
//! `examples/demo`), runs the built `renn`, and checks the exit code and what the
//! output says — the file, line and column of a problem and what was expected.
//! [`run`] also checks, for every invocation, that the process exited normally and
//! that stderr shows no panic.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

const RENN: &str = env!("CARGO_BIN_EXE_renn");
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/demo");

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// What one `renn` process did.
#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    /// stdout parsed as JSON.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// A `--json` failure: exit 1, nothing on stdout, `{"error": {...}}` on stderr.
    fn json_error(&self) -> Value {
        assert_eq!(self.code, 1, "{self:#?}");
        assert_eq!(self.stdout, "", "stdout must be empty on error");
        let v: Value = serde_json::from_str(&self.stderr)
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e}):\n{}", self.stderr));
        let err = v["error"].clone();
        assert!(err["code"].is_string(), "{v:#}");
        assert!(err["message"].is_string(), "{v:#}");
        assert!(err["diagnostics"].is_array(), "{v:#}");
        err
    }

    /// A human-readable failure: exit 1, nothing on stdout, and `error[code]` on stderr.
    fn expect_error(&self, code: &str) -> &str {
        assert_eq!(self.code, 1, "{self:#?}");
        assert_eq!(self.stdout, "", "stdout must be empty on error: {self:#?}");
        assert!(
            self.stderr.contains(&format!("error[{code}]: ")),
            "expected error[{code}] in stderr:\n{}",
            self.stderr
        );
        &self.stderr
    }
}

fn check_output(out: Output) -> Out {
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    for bad in ["panicked", "RUST_BACKTRACE", "memory allocation of"] {
        assert!(!stderr.contains(bad), "renn crashed:\n{stderr}");
    }
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("renn was killed by a signal: {:?}\n{stderr}", out.status));
    Out {
        code,
        stdout,
        stderr,
    }
}

/// Runs `renn args` in `cwd`.
fn run(args: &[&str], cwd: &Path) -> Out {
    let out = Command::new(RENN)
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("renn starts");
    check_output(out)
}

/// A project on disk: a temporary directory with `.renn/` in it.
struct Project {
    tmp: TempDir,
}

impl Project {
    fn new() -> Self {
        let p = Self::empty();
        fs::create_dir(p.root().join(".renn")).unwrap();
        p
    }

    /// A temporary directory without `.renn/`.
    fn empty() -> Self {
        Self {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    fn root(&self) -> &Path {
        self.tmp.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes `rel` (creating its directories).
    fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    fn mkdir(&self, rel: &str) -> &Self {
        fs::create_dir_all(self.path(rel)).unwrap();
        self
    }

    fn config(&self, json: &str) -> &Self {
        self.write(".renn/config.json", json)
    }

    /// Writes `.renn/stages/<stage_dir>/<id>-run.md` with `frontmatter` (the YAML
    /// lines after `stage:` and `run:`, which are lines 2 and 3) and a body with an
    /// objective and one auto task.
    fn run_file(&self, stage_dir: &str, id: &str, frontmatter: &str) -> &Self {
        let run = id.rsplit_once('-').unwrap().1;
        self.write(
            &format!(".renn/stages/{stage_dir}/{id}-run.md"),
            run_md(stage_dir, run, frontmatter),
        )
    }

    /// A well-formed run in `batch`, modifying its own file.
    fn ok_run(&self, stage_dir: &str, id: &str, batch: u32) -> &Self {
        self.run_file(
            stage_dir,
            id,
            &format!("batch: {batch}\nfiles_modified: [src/{id}.rs]\n"),
        )
    }

    fn recap(&self, stage_dir: &str, id: &str) -> &Self {
        self.write(
            &format!(".renn/stages/{stage_dir}/{id}-recap.md"),
            format!("---\nrun: {id}\n---\n**Built {id}.**\n"),
        )
    }

    /// `renn --dir <root> args…`
    fn renn(&self, args: &[&str]) -> Out {
        let mut all = vec!["--dir", self.root().to_str().unwrap()];
        all.extend_from_slice(args);
        run(&all, self.root())
    }
}

fn run_md(stage_dir: &str, run: &str, frontmatter: &str) -> String {
    format!(
        "---\nstage: {stage_dir}\nrun: {run}\n{frontmatter}---\n\
         <objective>\nBuild part {run} of the stage.\n</objective>\n\n<tasks>\n\
         <task type=\"auto\">\n  <name>Task 1: part {run}</name>\n  <action>Do it.</action>\n\
         \x20 <verify>true</verify>\n  <done>Done.</done>\n</task>\n</tasks>\n"
    )
}

/// A run with a `checkpoint:human-verify` gate task.
fn gate_run_md(stage_dir: &str, run: &str, frontmatter: &str) -> String {
    format!(
        "---\nstage: {stage_dir}\nrun: {run}\n{frontmatter}---\n\
         <objective>\nCheck part {run} by hand.\n</objective>\n\n<tasks>\n\
         <task type=\"auto\">\n  <name>Task 1: build</name>\n  <action>Do it.</action>\n</task>\n\
         <task type=\"checkpoint:human-verify\" gate=\"blocking\">\n\
         \x20 <what-built>Part {run}</what-built>\n  <how-to-verify>Look at it.</how-to-verify>\n\
         \x20 <resume-signal>Type \"approved\"</resume-signal>\n</task>\n</tasks>\n"
    )
}

/// Every path under `root` with its content (`None` for directories), symlinks not followed.
fn tree(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                out.insert(rel, None);
                walk(&path, root, out);
            } else {
                out.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// `git check-ref-format --branch NAME` succeeds.
fn git_accepts_branch(name: &str, cwd: &Path) -> bool {
    Command::new("git")
        .args(["check-ref-format", "--branch", name])
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("git is installed")
        .success()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------
// Root discovery
// ---------------------------------------------------------------------------------

#[test]
fn finds_the_project_from_a_nested_subdirectory() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1).mkdir("src/deep/er/still");
    for cwd in ["src/deep/er/still", ".renn/stages/03-auth", "."] {
        let out = run(&["--json", "plan", "3"], &p.path(cwd));
        assert_eq!(out.code, 0, "from {cwd}: {out:#?}");
        assert_eq!(out.json()["stage"]["dir"], ".renn/stages/03-auth");
    }
}

#[test]
fn the_nearest_renn_wins_over_one_further_up() {
    let p = Project::new();
    p.ok_run("03-outer", "03-01", 1);
    p.write(
        "inner/.renn/stages/03-inner/03-01-run.md",
        run_md("03-inner", "01", "batch: 1\n"),
    );
    p.mkdir("inner/sub");
    let out = run(&["--json", "plan", "3"], &p.path("inner/sub"));
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.json()["stage"]["dir"], ".renn/stages/03-inner");
}

#[test]
fn no_renn_anywhere_above_is_project_not_initialized() {
    let p = Project::empty();
    p.mkdir("a/b");
    let above = p.root().ancestors().find(|d| d.join(".renn").exists());
    assert!(
        above.is_none(),
        "test precondition: no .renn/ above the temp dir, found one in {above:?}"
    );
    for args in [
        &["plan", "3"][..],
        &["validate", "3"],
        &["models"],
        &["branch", "3"],
    ] {
        let out = run(args, &p.path("a/b"));
        let err = out.expect_error("not-initialized");
        assert!(err.contains("project not initialized"), "{err}");
    }
    let err = run(&["--json", "models"], p.root()).json_error();
    assert_eq!(err["code"], "not-initialized");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("project not initialized"));
    // It names where it looked, and (outside git) says to create a repository first.
    let err = run(&["status"], &p.path("a/b"))
        .expect_error("not-initialized")
        .to_string();
    let searched = p.path("a/b").display().to_string();
    assert!(
        err.contains(&format!(
            "no .renn/ or .planning/ directory in {searched} or any directory above it"
        )),
        "{err}"
    );
    assert!(
        err.contains(
            "hint: this is not inside a git repository either: `git init` first, then `renn init`"
        ),
        "{err}"
    );
    git_init(p.root());
    let err = run(&["status"], &p.path("a/b"))
        .expect_error("not-initialized")
        .to_string();
    assert!(err.contains("hint: `renn init` creates one"), "{err}");
}

fn git_init(dir: &Path) {
    let out = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn init_writes_a_skeleton_that_round_trips_and_never_overwrites() {
    let p = Project::empty();
    // Outside a git repository: refused, with the way in.
    let out = run(&["init"], p.root());
    let err = out.expect_error("init-not-git");
    assert!(err.contains("`git init` first, then `renn init`"), "{err}");
    assert!(!p.path(".renn").exists());

    git_init(p.root());
    let out = run(&["--json", "init", "--name", "Acme"], p.root());
    assert_eq!(out.code, 0, "{out:#?}");
    let created = out.json()["created"].clone();
    for f in [
        ".renn/config.json",
        ".renn/track.md",
        ".renn/pulse.md",
        ".renn/templates/runner.md",
    ] {
        assert!(
            created.as_array().unwrap().iter().any(|c| c == f),
            "{f} in {created}"
        );
        assert!(p.path(f).is_file(), "{f}");
    }
    assert!(fs::read_to_string(p.path(".renn/track.md"))
        .unwrap()
        .starts_with("# Track: Acme\n"));
    // Every default is written out, and reads back as the defaults.
    let config: Value =
        serde_json::from_str(&fs::read_to_string(p.path(".renn/config.json")).unwrap()).unwrap();
    for key in [
        "horsepower",
        "commit_docs",
        "parallelization",
        "branching_strategy",
        "agent",
        "auditor",
        "isolation",
    ] {
        assert!(config.get(key).is_some(), "{key}");
    }
    let models = run(&["--json", "models"], p.root());
    assert_eq!(models.code, 0, "{models:#?}");
    // A plan in the new project validates and plans.
    p.ok_run("01-first-stage", "01-01", 1);
    assert_eq!(run(&["validate", "1"], p.root()).code, 0);
    assert_eq!(run(&["plan", "1"], p.root()).code, 0);
    let status = run(&["--json", "status"], p.root()).json();
    assert_eq!(status["stages"][0]["state"], "planned");

    // Never over what exists: the error names the file(s).
    let before = fs::read(p.path(".renn/track.md")).unwrap();
    let out = run(&["init"], p.root());
    let err = out.expect_error("init-exists");
    assert!(
        err.contains("not overwriting what exists: .renn/config.json, .renn/track.md"),
        "{err}"
    );
    assert_eq!(fs::read(p.path(".renn/track.md")).unwrap(), before);
    // --no-templates leaves .renn/templates/ out.
    let q = Project::empty();
    git_init(q.root());
    assert_eq!(run(&["init", "--no-templates"], q.root()).code, 0);
    assert!(!q.path(".renn/templates").exists());
    assert!(q.path(".renn/stages").is_dir());
}

#[test]
fn completions_and_the_man_page() {
    let p = Project::empty();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell], p.root());
        assert_eq!(out.code, 0, "{shell}: {out:#?}");
        assert!(
            out.stdout.contains("run-stage") && out.stdout.contains("retry"),
            "{shell}"
        );
    }
    let out = run(&["completions", "tcsh"], p.root());
    assert_eq!(out.code, 2);
    let out = run(&["man"], p.root());
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains(".TH renn 1"), "{}", &out.stdout[..200]);
    assert!(out.stdout.contains("run\\-stage") || out.stdout.contains("run-stage"));
}

#[test]
fn dir_flag_must_name_a_directory_holding_renn() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1).mkdir("sub");
    let no_renn = Project::empty();
    let missing = no_renn.path("does/not/exist");
    let sub = p.path("sub");
    // `--dir` names the root itself: no walking up from it, and no fallback to the cwd.
    for dir in [no_renn.root(), missing.as_path(), sub.as_path()] {
        let out = run(&["--dir", dir.to_str().unwrap(), "plan", "3"], p.root());
        let err = out.expect_error("not-initialized");
        assert!(err.contains("project not initialized"), "{err}");
    }
    // A relative `--dir` is taken from the current directory.
    let out = run(&["--dir", "..", "--json", "plan", "3"], &sub);
    assert_eq!(out.code, 0, "{out:#?}");
}

// ---------------------------------------------------------------------------------
// Stage arguments
// ---------------------------------------------------------------------------------

const BAD_STAGES: &[&str] = &[
    "../../etc",
    "3; rm -rf /",
    "$(id)",
    "03-auth",
    "",
    "3/../4",
    "3.",
    ".3",
    "3..1",
    "3ab",
    "0x3",
    "+3",
    "٣",
    "３",
    "1234567890",
];

#[test]
fn a_stage_argument_that_is_not_a_stage_number_is_refused() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1);
    for arg in BAD_STAGES {
        for cmd in ["plan", "validate", "branch"] {
            let out = p.renn(&[cmd, arg]);
            let err = out.expect_error("bad-stage-argument");
            assert!(
                err.contains(&format!("'{arg}' is not a stage number")),
                "{cmd} {arg:?}: {err}"
            );
            assert!(err.contains("expected a number such as 3, 03"), "{err}");
        }
    }
}

#[test]
fn a_bad_stage_argument_is_refused_before_any_file_is_looked_up() {
    // A `--dir` that does not exist: were the project looked up first, the error
    // would be "not initialized".
    let nowhere = Project::empty();
    let missing = nowhere.path("no/such/dir");
    let missing = missing.to_str().unwrap();
    for arg in BAD_STAGES {
        for cmd in ["plan", "validate", "branch"] {
            let out = run(&["--dir", missing, cmd, arg], nowhere.root());
            let err = out.expect_error("bad-stage-argument");
            assert!(!err.contains("not initialized"), "{err}");
        }
        // No `--dir` and no `.renn/` above the working directory: the same.
        let out = run(&["plan", arg], nowhere.root());
        out.expect_error("bad-stage-argument");
        let err = run(&["--dir", missing, "--json", "plan", arg], nowhere.root()).json_error();
        assert_eq!(err["code"], "bad-stage-argument");
        assert_eq!(err["diagnostics"][0]["code"], "bad-stage-argument");
    }
}

#[test]
fn stage_4_never_matches_14_or_04_1() {
    let p = Project::new();
    p.ok_run("14-x", "14-01", 1).ok_run("04.1-y", "04.1-01", 1);
    for cmd in ["plan", "validate", "branch"] {
        let err = p
            .renn(&[cmd, "4"])
            .expect_error("no-stage-directory")
            .to_string();
        assert!(err.contains("No stage directory matching '4'"), "{err}");
    }
    let err = p.renn(&["--json", "plan", "04"]).json_error();
    assert_eq!(err["code"], "no-stage-directory");
    assert_eq!(err["message"], "No stage directory matching '04'");
    // The two that do exist are found by their own numbers.
    let out = p.renn(&["--json", "plan", "14"]);
    assert_eq!(out.json()["stage"]["dir"], ".renn/stages/14-x");
    let out = p.renn(&["--json", "plan", "4.1"]);
    assert_eq!(out.json()["stage"]["dir"], ".renn/stages/04.1-y");
}

#[test]
fn stage_2_is_02_data_never_02_1_hotfix() {
    let p = Project::new();
    p.ok_run("02.1-hotfix", "02.1-01", 1)
        .ok_run("02-data", "02-01", 1);
    for arg in ["2", "02"] {
        let plan = p.renn(&["--json", "plan", arg]).json();
        assert_eq!(plan["stage"]["dir"], ".renn/stages/02-data", "{arg}");
        assert_eq!(plan["stage"]["number"], "02");
        assert_eq!(plan["runs"][0]["id"], "02-01");
    }
    for arg in ["2.1", "02.1"] {
        let plan = p.renn(&["--json", "plan", arg]).json();
        assert_eq!(plan["stage"]["dir"], ".renn/stages/02.1-hotfix", "{arg}");
        assert_eq!(plan["stage"]["number"], "02.1");
        assert_eq!(plan["runs"][0]["id"], "02.1-01");
    }
}

#[test]
fn letter_stages_match_case_insensitively() {
    let p = Project::new();
    p.ok_run("12A-x", "12A-01", 1)
        .ok_run("12-plain", "12-01", 1);
    for arg in ["12a", "12A"] {
        let plan = p.renn(&["--json", "plan", arg]).json();
        assert_eq!(plan["stage"]["dir"], ".renn/stages/12A-x", "{arg}");
        assert_eq!(plan["stage"]["number"], "12A");
    }
    let plan = p.renn(&["--json", "plan", "12"]).json();
    assert_eq!(plan["stage"]["dir"], ".renn/stages/12-plain");
}

#[test]
fn an_unpadded_stage_directory_is_found_by_03_and_3() {
    let p = Project::new();
    p.ok_run("3-auth", "03-01", 1);
    for arg in ["3", "03"] {
        let plan = p.renn(&["--json", "plan", arg]).json();
        assert_eq!(plan["stage"]["dir"], ".renn/stages/3-auth", "{arg}");
        assert_eq!(plan["stage"]["number"], "03");
        assert_eq!(plan["stage"]["name"], "auth");
    }
    assert_eq!(p.renn(&["validate", "3"]).code, 0);
}

#[test]
fn padded_and_unpadded_directories_of_one_stage_are_ambiguous() {
    let p = Project::new();
    p.ok_run("03-a", "03-01", 1).ok_run("3-b", "03-01", 1);
    for arg in ["3", "03"] {
        let err = p
            .renn(&["plan", arg])
            .expect_error("ambiguous-stage")
            .to_string();
        assert!(
            err.contains(&format!(
                "stage '{arg}' matches more than one directory: 03-a, 3-b"
            )),
            "{err}"
        );
    }
    let err = p.renn(&["--json", "validate", "3"]).json_error();
    assert_eq!(err["code"], "ambiguous-stage");
}

#[test]
fn a_stage_directory_without_runs_says_so() {
    let p = Project::new();
    p.mkdir(".renn/stages/07-empty")
        .write(".renn/stages/07-empty/notes.md", "# later\n");
    for cmd in ["plan", "validate"] {
        let err = p.renn(&[cmd, "7"]).expect_error("no-runs").to_string();
        assert!(
            err.contains("No runs found in .renn/stages/07-empty"),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------------
// Bad input: one clear error each, exit 1
// ---------------------------------------------------------------------------------

const RUN_03_01: &str = ".renn/stages/03-auth/03-01-run.md";

/// One stage `03-auth` whose only run file is `contents`; returns `validate 3` and
/// checks that `plan 3` fails the same way (text and JSON).
fn validate_single(contents: impl AsRef<[u8]>, code: &str) -> (Project, Out) {
    let p = Project::new();
    p.write(RUN_03_01, contents);
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stdout.contains(&format!("error[{code}]: ")),
        "expected error[{code}]:\n{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("stage 03-auth has errors: 1 error(s)"),
        "{}",
        out.stdout
    );
    p.renn(&["plan", "3"]).expect_error(code);
    let err = p.renn(&["--json", "plan", "3"]).json_error();
    assert_eq!(err["code"], "invalid-plan");
    assert!(
        err["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == code && d["file"] == RUN_03_01),
        "{err:#}"
    );
    (p, out)
}

#[test]
fn missing_frontmatter() {
    let (_, out) = validate_single("# Run 1\n\nbatch: 1\n", "frontmatter-missing");
    assert!(
        out.stdout.contains("the file must start with a `---` line"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(&format!("--> {RUN_03_01}:1:1")));
    // An empty file is the same error.
    validate_single("", "frontmatter-missing");
}

#[test]
fn unterminated_frontmatter() {
    let (_, out) = validate_single(
        "---\nstage: 03-auth\nrun: 01\nbatch: 1\n<objective>x</objective>\n",
        "frontmatter-unterminated",
    );
    assert!(
        out.stdout
            .contains("frontmatter opened with `---` on line 1 is never closed"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(&format!("--> {RUN_03_01}:1:1")));
}

#[test]
fn a_bom_and_crlf_line_ends_are_fine() {
    let p = Project::new();
    let text = run_md("03-auth", "01", "batch: 1\n").replace('\n', "\r\n");
    p.write(RUN_03_01, format!("\u{feff}{text}"));
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn a_batch_that_is_not_a_number_points_at_the_value() {
    let (p, out) = validate_single(
        run_md("03-auth", "01", "batch: two\n"),
        "batch-not-a-number",
    );
    assert!(
        out.stdout
            .contains("`batch` must be a whole number of at least 1, found \"two\""),
        "{}",
        out.stdout
    );
    // Line 4 (`---`, stage, run, batch), column 8 (after `batch: `).
    assert!(
        out.stdout.contains(&format!("--> {RUN_03_01}:4:8")),
        "{}",
        out.stdout
    );
    let v = p.renn(&["--json", "validate", "3"]);
    assert_eq!(v.code, 1);
    let d = &v.json()["diagnostics"][0];
    assert_eq!(d["code"], "batch-not-a-number");
    assert_eq!(d["file"], RUN_03_01);
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(8))
    );
}

#[test]
fn batch_negative_and_fractional_are_refused() {
    for (value, found) in [("-1", "`-1`"), ("1.5", "`1.5`"), ("[1]", "a list")] {
        let (_, out) = validate_single(
            run_md("03-auth", "01", &format!("batch: {value}\n")),
            "batch-not-a-number",
        );
        assert!(
            out.stdout.contains(&format!(
                "`batch` must be a whole number of at least 1, found {found}"
            )),
            "{value}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains(&format!("--> {RUN_03_01}:4:8")),
            "{value}: {}",
            out.stdout
        );
    }
}

#[test]
fn batch_zero_is_read_as_batch_one_with_a_warning() {
    let p = Project::new();
    p.write(RUN_03_01, run_md("03-auth", "01", "batch: 0\n"));
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout
            .contains("warning[batch-zero]: `batch` is 0: read as batch 1, the first"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(&format!("--> {RUN_03_01}:4:8")));
    let plan = p.renn(&["--json", "plan", "3"]);
    assert_eq!(plan.code, 0, "{plan:#?}");
    assert!(plan.stdout.contains("\"batch\": 1"), "{}", plan.stdout);
}

#[test]
fn duplicate_run_ids_name_both_files() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1)
        .run_file("03-auth", "03-1", "batch: 1\n");
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stdout.contains(
            "error[duplicate-run-id]: run 03-01 is defined twice: here and in .renn/stages/03-auth/03-01-run.md"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("--> .renn/stages/03-auth/03-1-run.md"));
    p.renn(&["plan", "3"]).expect_error("duplicate-run-id");
}

#[test]
fn run_field_disagreeing_with_the_file_name() {
    let p = Project::new();
    p.write(RUN_03_01, run_md("03-auth", "02", "batch: 1\n"));
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("error[run-id-mismatch]: "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("but the file name says this is run 01 (03-01)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("--> {RUN_03_01}:3:6")),
        "{}",
        out.stdout
    );
}

#[test]
fn stage_field_naming_another_stage() {
    let p = Project::new();
    p.write(RUN_03_01, run_md("04-other", "01", "batch: 1\n"));
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains(
            "error[run-id-mismatch]: `stage` is \"04-other\" but the file name says this run belongs to stage 03"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("--> {RUN_03_01}:2:8")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_run_file_of_another_stage_in_this_directory() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1).write(
        ".renn/stages/03-auth/04-01-run.md",
        run_md("04-other", "01", "batch: 1\n"),
    );
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("error[run-wrong-stage]: run 04-01 belongs to stage 04 but is in 03-auth"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("--> .renn/stages/03-auth/04-01-run.md"));
}

#[test]
fn a_run_file_name_that_is_not_an_id() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1).write(
        ".renn/stages/03-auth/03-x-run.md",
        run_md("03-auth", "02", "batch: 1\n"),
    );
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains(
            "error[run-file-name]: `03-x-run.md` is not a run file name: expected <stage>-<run>-run.md"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn invalid_utf8_names_the_line() {
    // 0xFF on line 2, after `stage: 03-a` (11 characters): column 12.
    let mut bytes = b"---\nstage: 03-a\xffuth\nrun: 01\nbatch: 1\n---\n".to_vec();
    bytes.extend_from_slice(b"<objective>x</objective>\n");
    let (p, out) = validate_single(bytes, "invalid-utf8");
    assert!(out.stdout.contains("not valid UTF-8"), "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!("--> {RUN_03_01}:2:12")),
        "{}",
        out.stdout
    );
    let v = p.renn(&["--json", "validate", "3"]).json();
    assert_eq!(v["diagnostics"][0]["line"], 2);
}

#[test]
fn a_fifty_megabyte_run_file_is_refused() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1);
    // Valid frontmatter, then 50 MB in all (a sparse file: zeros after the text).
    let path = p.path(".renn/stages/03-auth/03-02-run.md");
    fs::write(&path, run_md("03-auth", "02", "batch: 1\n")).unwrap();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains(
            "error[file-too-large]: file is 50.0 MB; renn reads plan files of at most 4 MB"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("--> .renn/stages/03-auth/03-02-run.md"));
    p.renn(&["plan", "3"]).expect_error("file-too-large");
}

#[test]
fn a_fifty_megabyte_config_is_refused() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1).config("{}");
    fs::File::options()
        .write(true)
        .open(p.path(".renn/config.json"))
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    let err = p
        .renn(&["models"])
        .expect_error("file-too-large")
        .to_string();
    assert!(err.contains("50.0 MB"), "{err}");
    assert!(err.contains("--> .renn/config.json"), "{err}");
}

/// `renn models` (and every other command) fails on this config with `code` at line:column.
fn bad_config(json: &str, code: &str, line: u64, columns: std::ops::RangeInclusive<u64>) -> String {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1).config(json);
    for args in [
        &["models"][..],
        &["plan", "3"],
        &["validate", "3"],
        &["branch", "3"],
    ] {
        p.renn(args).expect_error(code);
    }
    let err = p.renn(&["--json", "models"]).json_error();
    assert_eq!(err["code"], code, "{err:#}");
    let d = &err["diagnostics"][0];
    assert_eq!(d["file"], ".renn/config.json", "{err:#}");
    assert_eq!(d["line"], line, "{err:#}");
    let col = d["column"].as_u64().unwrap();
    assert!(
        columns.contains(&col),
        "column {col} not in {columns:?}: {err:#}"
    );
    let text = p.renn(&["models"]).stderr;
    assert!(
        text.contains(&format!("--> .renn/config.json:{line}:{col}")),
        "{text}"
    );
    text
}

#[test]
fn config_with_a_trailing_comma() {
    let err = bad_config(
        "{\n  \"horsepower\": \"quality\",\n}\n",
        "config-syntax",
        3,
        1..=1,
    );
    assert!(err.contains("invalid JSON: trailing comma"), "{err}");
}

#[test]
fn config_with_a_wrong_horsepower() {
    // `  "horsepower": "fast"`: the value spans columns 17..=22.
    let err = bad_config(
        "{\n  \"horsepower\": \"fast\"\n}\n",
        "config-invalid",
        2,
        17..=22,
    );
    assert!(
        err.contains("`horsepower` must be one of quality, balanced, budget, adaptive, inherit; found \"fast\""),
        "{err}"
    );
    let err = bad_config("{\"horsepower\": 3}", "config-invalid", 1, 16..=16);
    assert!(err.contains("found `3`"), "{err}");
}

#[test]
fn config_with_parallelization_yes() {
    // `  "parallelization": "yes"`: the value spans columns 22..=26.
    let err = bad_config(
        "{\n  \"parallelization\": \"yes\"\n}\n",
        "config-invalid",
        2,
        22..=26,
    );
    assert!(
        err.contains("`parallelization` must be true, false or an object"),
        "{err}"
    );
    assert!(err.contains("found \"yes\""), "{err}");
}

#[test]
fn config_that_is_empty_or_not_an_object() {
    let err = bad_config("", "config-syntax", 1, 1..=1);
    assert!(err.contains("write {} to use every default"), "{err}");
    let err = bad_config("[]", "config-invalid", 1, 1..=2);
    assert!(err.contains("must be a JSON object"), "{err}");
    let err = bad_config(
        "{\"branching_strategy\": \"sometimes\"}",
        "config-invalid",
        1,
        24..=34,
    );
    assert!(
        err.contains("`branching_strategy` must be one of none, stage, milestone"),
        "{err}"
    );
}

#[test]
fn config_unknown_keys_are_ignored() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1)
        .config(r#"{"editor_theme": "dark", "future": {"x": [1, 2]}}"#);
    assert_eq!(p.renn(&["models"]).code, 0);
    assert_eq!(p.renn(&["plan", "3"]).code, 0);
}

#[test]
fn a_branch_template_producing_an_invalid_ref() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1);
    for (template, name, rule) in [
        ("renn/{slug}..lock", "renn/auth..lock", "it contains `..`"),
        ("renn/{slug} x", "renn/auth x", "it contains ' '"),
        ("renn/{slug}.lock", "renn/auth.lock", "ends with `.lock`"),
    ] {
        p.config(
            &json!({"branching_strategy": "stage", "stage_branch_template": template}).to_string(),
        );
        let err = p
            .renn(&["branch", "3"])
            .expect_error("branch-invalid-ref")
            .to_string();
        assert!(
            err.contains(&format!(
                "branch name {name:?} from stage_branch_template is not a valid git ref: "
            )),
            "{err}"
        );
        assert!(err.contains(rule), "{err}");
        assert!(err.contains("--> .renn/config.json"), "{err}");
        assert!(
            err.contains("= hint: change `stage_branch_template`"),
            "{err}"
        );
        assert!(!git_accepts_branch(name, p.root()), "git takes {name:?}");
        let j = p.renn(&["--json", "branch", "3"]).json_error();
        assert_eq!(j["code"], "branch-invalid-ref");
    }
}

#[test]
fn a_branch_template_with_an_unknown_placeholder() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1)
        .config(r#"{"branching_strategy": "stage", "stage_branch_template": "renn/{foo}-{slug}"}"#);
    let err = p
        .renn(&["branch", "3"])
        .expect_error("branch-template-placeholder")
        .to_string();
    assert!(
        err.contains("`stage_branch_template` uses the placeholder {foo}, which it does not know; its placeholders are {stage}, {phase} and {slug}"),
        "{err}"
    );
    p.config(r#"{"branching_strategy": "milestone", "milestone_branch_template": "{stage}"}"#);
    let err = p
        .renn(&["branch", "3"])
        .expect_error("branch-template-placeholder")
        .to_string();
    assert!(err.contains("{milestone} and {slug}"), "{err}");
}

#[test]
fn branch_names_agree_with_git_check_ref_format() {
    let p = Project::new();
    p.ok_run("03-User_Auth!", "03-01", 1);
    let templates = [
        "renn/stage-{stage}-{slug}",
        "{slug}",
        "refs/heads/{slug}",
        "renn/{slug}{",
        "{{slug}}",
        "ünïcode/{slug}",
        "renn@{slug}",
        "HEAD/{slug}",
        "renn/-{slug}",
        "renn/{slug}..lock",
        "renn/{slug} x",
        "renn//{slug}",
        "/renn/{slug}",
        "renn/{slug}/",
        "renn/{slug}.",
        "renn/.{slug}",
        "-{slug}",
        "HEAD",
        "renn/{slug}@{x",
        "renn/{slug}~1",
        "renn/{slug}^",
        "renn/{slug}:x",
        "renn/{slug}?",
        "renn/{slug}*",
        "renn/{slug}[",
        "renn/{slug}\\x",
        "renn/{slug}.lock/x",
        "renn/{slug}\u{7f}",
        "renn/{slug}\t",
        "x/.",
        "renn/x/..",
    ];
    for template in templates {
        p.config(
            &json!({"branching_strategy": "stage", "stage_branch_template": template}).to_string(),
        );
        let name = template
            .replace("{stage}", "03")
            .replace("{slug}", "user-auth");
        let out = p.renn(&["branch", "3"]);
        let git = git_accepts_branch(&name, p.root());
        match out.code {
            0 => {
                assert_eq!(out.stdout, format!("{name}\n"), "{template:?}");
                assert!(git, "renn gives {name:?}, which git refuses");
            }
            _ => {
                out.expect_error("branch-invalid-ref");
                assert!(
                    !git,
                    "renn refuses {name:?}, which git takes: {}",
                    out.stderr
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Plan validation through `renn validate`
// ---------------------------------------------------------------------------------

#[test]
fn validate_exits_1_and_lists_every_error_and_warning() {
    let p = Project::new();
    p.write(
        ".renn/stages/03-auth/03-01-run.md",
        gate_run_md("03-auth", "01", "batch: 1\nautonomous: true\n"),
    )
    .run_file("03-auth", "03-02", "batch: 1\ndepends_on: [\"03-01\"]\n")
    .run_file("03-auth", "03-03", "batch: 2\ndepends_on: [\"03-09\"]\n");
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 1, "{out:#?}");
    let s = &out.stdout;
    for needle in [
        "error[depends-on-batch]: run 03-02 (batch 1) depends on 03-01, which is in the same batch (batch 1)",
        "--> .renn/stages/03-auth/03-02-run.md:5:",
        "error[depends-on-missing]: run 03-03 depends on 03-09, which does not exist in this stage",
        "--> .renn/stages/03-auth/03-03-run.md:5:",
        "warning[autonomous-mismatch]: run is marked `autonomous: true` but has 1 gate task(s)",
        "--> .renn/stages/03-auth/03-01-run.md:5:13",
        "stage 03-auth has errors: 2 error(s), 1 warning(s)",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in:\n{s}");
    }
    // Errors are listed before warnings.
    assert!(
        s.find("error[").unwrap() < s.find("warning[").unwrap(),
        "{s}"
    );

    let v = p.renn(&["--json", "validate", "3"]);
    assert_eq!(v.code, 1);
    let v = v.json();
    assert_eq!(
        (v["error_count"].as_u64(), v["warning_count"].as_u64()),
        (Some(2), Some(1))
    );
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 3, "{v:#}");
    assert!(codes.contains(&"depends-on-batch") && codes.contains(&"depends-on-missing"));
    assert_eq!(codes[2], "autonomous-mismatch");
    assert_eq!(v["stage"]["dir"], ".renn/stages/03-auth");

    // `plan` refuses the same plan, listing the errors on stderr.
    let err = p
        .renn(&["plan", "3"])
        .expect_error("depends-on-batch")
        .to_string();
    assert!(err.contains("error[depends-on-missing]"), "{err}");
    let j = p.renn(&["--json", "plan", "3"]).json_error();
    assert_eq!(j["code"], "invalid-plan");
    assert!(j["message"]
        .as_str()
        .unwrap()
        .starts_with("the plan has 2 error(s)"));
}

#[test]
fn validate_exits_0_with_only_warnings() {
    let p = Project::new();
    p.write(
        ".renn/stages/03-auth/03-01-run.md",
        gate_run_md("03-auth", "01", "batch: 1\nautonomous: true\n"),
    );
    let out = p.renn(&["validate", "3"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout.contains(
            "warning[autonomous-mismatch]: run is marked `autonomous: true` but has 1 gate task(s)"
        ),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("--> .renn/stages/03-auth/03-01-run.md:5:13"));
    assert!(out.stdout.contains("= hint: set `autonomous: false`"));
    assert!(out
        .stdout
        .contains("stage 03-auth is valid: 0 error(s), 1 warning(s)"));
    assert_eq!(out.stderr, "");

    let v = p.renn(&["--json", "validate", "3"]);
    assert_eq!(v.code, 0);
    let v = v.json();
    assert_eq!(v["error_count"], 0);
    assert_eq!(v["warning_count"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "autonomous-mismatch");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["file"], ".renn/stages/03-auth/03-01-run.md");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(13))
    );

    // `plan` still plans, and carries the warning.
    let plan = p.renn(&["--json", "plan", "3"]).json();
    assert_eq!(plan["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(plan["diagnostics"][0]["code"], "autonomous-mismatch");
    assert_eq!(plan["diagnostics"][0]["line"], 5);
    let md = p.renn(&["plan", "3"]).stdout;
    assert!(md.contains("**Warnings:**"), "{md}");
    assert!(md.contains("03-01 [checkpoint]"), "{md}");
}

#[test]
fn validate_of_a_clean_stage() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1)
        .ok_run("03-auth", "03-02", 1);
    let out = p.renn(&["validate", "03"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "stage 03-auth is valid: 0 error(s), 0 warning(s)\n"
    );
    let v = p.renn(&["--json", "validate", "3"]).json();
    assert_eq!(v["error_count"], 0);
    assert_eq!(v["warning_count"], 0);
    assert_eq!(v["diagnostics"], json!([]));
}

#[test]
fn files_overlap_is_a_warning_worded_for_how_runs_share_the_project() {
    let p = Project::new();
    for run in ["01", "02"] {
        p.run_file(
            "03-auth",
            &format!("03-{run}"),
            &format!("batch: 1\nfiles_modified: [src/x.rs, src/y{run}.rs]\n"),
        );
    }
    p.write(".renn/stages/03-auth/03-07-recap.md", "**Stray.**\n");
    for (config, says) in [
        (
            "{}",
            "each works in its own worktree, so merging them may conflict",
        ),
        (
            r#"{"isolation": "shared"}"#,
            "they run at the same time in one checkout and may overwrite each other's edits",
        ),
        (r#"{"parallelization": false}"#, "both modify src/x.rs\n"),
        (
            r#"{"parallelization": {"enabled": false, "max_concurrent_agents": 2}}"#,
            "both modify src/x.rs\n",
        ),
    ] {
        p.config(config);
        let out = p.renn(&["validate", "3"]);
        assert_eq!(out.code, 0, "{config}: {out:#?}");
        assert!(
            out.stdout.contains(
                "warning[files-overlap]: runs 03-01 and 03-02 are both in batch 1 and both modify src/x.rs"
            ),
            "{}",
            out.stdout
        );
        assert!(out.stdout.contains(says), "{config}: {}", out.stdout);
        assert!(out
            .stdout
            .contains("--> .renn/stages/03-auth/03-02-run.md:5:17"));
        assert!(out
            .stdout
            .contains("warning[orphan-recap]: recap has no matching run file"));
        assert!(out
            .stdout
            .contains("stage 03-auth is valid: 0 error(s), 2 warning(s)"));
    }
}

// ---------------------------------------------------------------------------------
// `renn plan`
// ---------------------------------------------------------------------------------

/// Stage 3 with five runs: 03-01 complete, 03-04 a gate, 03-05 gap closure.
fn stage_three() -> Project {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1)
        .recap("03-auth", "03-01")
        .ok_run("03-auth", "03-02", 1)
        .run_file(
            "03-auth",
            "03-03",
            "batch: 2\ndepends_on: [\"03-01\", \"03-02\"]\nfiles_modified: [src/a.rs]\n",
        )
        .write(
            ".renn/stages/03-auth/03-04-run.md",
            gate_run_md(
                "03-auth",
                "04",
                "batch: 2\nautonomous: false\nfiles_modified: [src/b.rs]\n",
            ),
        )
        .run_file(
            "03-auth",
            "03-05",
            "batch: 3\ngap_closure: true\ndepends_on: [\"03-03\"]\n",
        );
    p
}

#[test]
fn plan_json_has_the_documented_fields() {
    let p = stage_three();
    let out = p.renn(&["--json", "plan", "3"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stderr, "");
    let plan = out.json();
    assert_eq!(plan["stage"]["number"], "03");
    assert_eq!(plan["stage"]["name"], "auth");
    assert_eq!(plan["stage"]["dir"], ".renn/stages/03-auth");
    assert_eq!(plan["stage"]["title"], "Auth");

    let runs = plan["runs"].as_array().unwrap();
    let run_ids: Vec<&str> = runs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(run_ids, ["03-01", "03-02", "03-03", "03-04", "03-05"]);
    for r in runs {
        for key in [
            "id",
            "path",
            "batch",
            "autonomous",
            "gap_closure",
            "complete",
            "objective",
        ] {
            assert!(r.get(key).is_some(), "run lacks {key}: {r:#}");
        }
        let id = r["id"].as_str().unwrap();
        assert_eq!(r["path"], format!(".renn/stages/03-auth/{id}-run.md"));
        assert!(
            r["objective"].as_str().unwrap().starts_with("Build part")
                || r["objective"].as_str().unwrap().starts_with("Check part")
        );
    }
    let r1 = &runs[0];
    assert_eq!(
        (
            &r1["batch"],
            &r1["autonomous"],
            &r1["gap_closure"],
            &r1["complete"]
        ),
        (&json!(1), &json!(true), &json!(false), &json!(true))
    );
    assert_eq!(r1["objective"], "Build part 01 of the stage.");
    assert_eq!(runs[3]["autonomous"], false);
    assert_eq!(runs[4]["gap_closure"], true);
    assert_eq!(runs[4]["batch"], 3);
    assert_eq!(runs[2]["depends_on"], json!(["03-01", "03-02"]));

    // Batches hold only what is left: 03-01 is complete.
    assert_eq!(
        plan["batches"],
        json!([
            {"batch": 1, "runs": ["03-02"]},
            {"batch": 2, "runs": ["03-03", "03-04"]},
            {"batch": 3, "runs": ["03-05"]},
        ])
    );
    assert_eq!(plan["diagnostics"], json!([]));
    assert_eq!(ids(&plan["skipped"]["complete"]), ["03-01"]);
    assert_eq!(plan["batch_source"], "frontmatter");
    assert!(plan.get("message").is_none(), "{plan:#}");
}

#[test]
fn plan_markdown_is_the_execution_plan() {
    let out = stage_three().renn(&["plan", "3"]);
    assert_eq!(out.code, 0);
    let md = &out.stdout;
    for needle in [
        "## Execution Plan",
        "**Stage 3: Auth** — 4 runs across 3 batches",
        "| Batch | Runs | What it builds |",
        "| 1 | 03-02 | Build part 02 of the stage |",
        "| 2 | 03-03, 03-04 [checkpoint] |",
        "| 3 | 03-05 [gap closure] |",
        "Skipped, already complete: 03-01",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in:\n{md}");
    }
}

#[test]
fn plan_gaps_only() {
    let p = stage_three();
    let plan = p.renn(&["--json", "plan", "3", "--gaps-only"]).json();
    assert_eq!(plan["batches"], json!([{"batch": 3, "runs": ["03-05"]}]));
    assert_eq!(plan["runs"].as_array().unwrap().len(), 5);
    assert_eq!(ids(&plan["skipped"]["complete"]), ["03-01"]);
    assert_eq!(
        ids(&plan["skipped"]["not_gap_closure"]),
        ["03-02", "03-03", "03-04"]
    );
    let md = p.renn(&["plan", "--gaps-only", "3"]).stdout;
    assert!(md.contains("| 3 | 03-05 [gap closure] |"), "{md}");
    assert!(
        md.contains("Skipped, not gap closure (--gaps-only): 03-02, 03-03, 03-04"),
        "{md}"
    );
}

#[test]
fn plan_with_every_run_complete_has_nothing_to_run() {
    let p = Project::new();
    for id in ["03-01", "03-02"] {
        p.ok_run("03-auth", id, 1).recap("03-auth", id);
    }
    let out = p.renn(&["plan", "3"]);
    assert_eq!(out.code, 0, "{out:#?}");
    // Said as what it is, not as an empty plan ("0 runs across 0 batches").
    assert!(
        out.stdout
            .contains("— complete: every run has its recap (2 runs)."),
        "{}",
        out.stdout
    );
    let plan = p.renn(&["--json", "plan", "3"]).json();
    assert_eq!(plan["message"], "No matching incomplete runs");
    assert_eq!(plan["batches"], json!([]));
    assert_eq!(plan["runs"].as_array().unwrap().len(), 2);
    assert!(plan["runs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["complete"] == true));
    assert_eq!(
        plan["runs"][0]["recap"],
        ".renn/stages/03-auth/03-01-recap.md"
    );

    // Nothing gap-closing left is the same message.
    let q = Project::new();
    q.ok_run("03-auth", "03-01", 1);
    let plan = q.renn(&["--json", "plan", "3", "--gaps-only"]).json();
    assert_eq!(plan["message"], "No matching incomplete runs");
    assert_eq!(plan["batches"], json!([]));
}

#[test]
fn plan_computes_batches_from_depends_on_when_no_run_has_one() {
    let p = Project::new();
    p.run_file("03-auth", "03-01", "files_modified: [a]\n")
        .run_file(
            "03-auth",
            "03-02",
            "depends_on: [\"03-01\"]\nfiles_modified: [b]\n",
        )
        .run_file("03-auth", "03-03", "files_modified: [c]\n")
        .run_file("03-auth", "03-04", "depends_on: [\"03-02\", \"03-03\"]\n");
    let plan = p.renn(&["--json", "plan", "3"]).json();
    assert_eq!(plan["batch_source"], "depends_on");
    assert_eq!(
        plan["batches"],
        json!([
            {"batch": 1, "runs": ["03-01", "03-03"]},
            {"batch": 2, "runs": ["03-02"]},
            {"batch": 3, "runs": ["03-04"]},
        ])
    );
}

#[test]
fn plan_lists_runs_in_numeric_id_order_for_a_big_stage() {
    let p = Project::new();
    for i in 1..=300u32 {
        p.ok_run("03-big", &format!("03-{i:02}"), (i - 1) / 100 + 1);
    }
    let out = p.renn(&["--json", "plan", "3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan = out.json();
    let got: Vec<String> = plan["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let want: Vec<String> = (1..=300).map(|i| format!("03-{i:02}")).collect();
    assert_eq!(got, want);
    let sizes: Vec<usize> = plan["batches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["runs"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [100, 100, 100]);
}

// ---------------------------------------------------------------------------------
// `renn models`
// ---------------------------------------------------------------------------------

fn models(config: Option<&str>) -> (Out, Value) {
    let p = Project::new();
    if let Some(c) = config {
        p.config(c);
    }
    let md = p.renn(&["models"]);
    assert_eq!(md.code, 0, "{md:#?}");
    let js = p.renn(&["--json", "models"]);
    assert_eq!(js.code, 0, "{js:#?}");
    let v = js.json();
    (md, v)
}

#[test]
fn models_with_the_default_config() {
    for config in [None, Some("{}"), Some(r#"{"horsepower": "balanced"}"#)] {
        let (md, v) = models(config);
        assert_eq!(v["horsepower"], "balanced");
        assert_eq!(
            v["models"],
            json!({"renn-runner": "sonnet", "renn-auditor": "sonnet", "general-purpose": null})
        );
        assert_eq!(
            md.stdout,
            "| Agent | Model |\n|-------|-------|\n| renn-runner | sonnet |\n\
             | renn-auditor | sonnet |\n| general-purpose | — |\n"
        );
    }
}

#[test]
fn models_by_horsepower() {
    let (_, v) = models(Some(r#"{"horsepower": "quality"}"#));
    assert_eq!(
        v["models"],
        json!({"renn-runner": "opus", "renn-auditor": "sonnet", "general-purpose": null})
    );
    let (md, v) = models(Some(r#"{"horsepower": "budget"}"#));
    assert_eq!(
        v["models"],
        json!({"renn-runner": "sonnet", "renn-auditor": "haiku", "general-purpose": null})
    );
    assert!(
        md.stdout.contains("| renn-auditor | haiku |"),
        "{}",
        md.stdout
    );
}

#[test]
fn model_overrides_win_over_horsepower() {
    let (md, v) = models(Some(
        r#"{"horsepower": "budget", "model_overrides": {"renn-auditor": "opus", "general-purpose": "haiku"}}"#,
    ));
    assert_eq!(
        v["models"],
        json!({"renn-runner": "sonnet", "renn-auditor": "opus", "general-purpose": "haiku"})
    );
    assert!(
        md.stdout.contains("| renn-auditor | opus (override) |"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("| renn-runner | sonnet |"),
        "{}",
        md.stdout
    );

    // An override for an agent renn does not know is kept, with a warning.
    let (_, v) = models(Some(r#"{"model_overrides": {"renn-runer": "opus"}}"#));
    assert_eq!(v["models"]["renn-runner"], "sonnet");
    assert_eq!(v["models"]["renn-runer"], "opus");
    assert_eq!(v["warnings"][0]["code"], "unknown-agent-override");
    assert!(v["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("\"renn-runer\""));
}

#[test]
fn models_does_not_need_a_stage() {
    let p = Project::new();
    assert_eq!(p.renn(&["models"]).code, 0);
}

// ---------------------------------------------------------------------------------
// `renn branch`
// ---------------------------------------------------------------------------------

#[test]
fn branch_with_strategy_none_prints_nothing() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1);
    for config in [None, Some(r#"{"branching_strategy": "none"}"#)] {
        if let Some(c) = config {
            p.config(c);
        }
        let out = p.renn(&["branch", "3"]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "", "")
        );
        let v = p.renn(&["--json", "branch", "3"]).json();
        assert_eq!(v, json!({"schema": 1, "strategy": "none", "branch": null}));
    }
    // The stage must still exist.
    p.renn(&["branch", "9"]).expect_error("no-stage-directory");
}

#[test]
fn branch_with_strategy_stage_slugs_the_directory_name() {
    let p = Project::new();
    p.ok_run("03-User_Auth!", "03-01", 1)
        .ok_run("02.1-Hot  Fix", "02.1-01", 1)
        .ok_run("12A-Big--Thing-", "12A-01", 1)
        .config(r#"{"branching_strategy": "stage"}"#);
    for (arg, want) in [
        ("3", "renn/stage-03-user-auth"),
        ("2.1", "renn/stage-02.1-hot-fix"),
        ("12a", "renn/stage-12A-big-thing"),
    ] {
        let out = p.renn(&["branch", arg]);
        assert_eq!(out.code, 0, "{out:#?}");
        assert_eq!(out.stdout, format!("{want}\n"));
        let v = p.renn(&["--json", "branch", arg]).json();
        assert_eq!(v, json!({"schema": 1, "strategy": "stage", "branch": want}));
        assert!(git_accepts_branch(want, p.root()), "git refuses {want:?}");
    }
}

const TRACK: &str = "# Roadmap\n\n## Milestones\n\n\
- ✅ **v1.0 MVP** - Stages 1-2 (shipped 2026-10-01)\n\
- 🚧 **v1.1 Accounts & Billing** - Stages 3-4 (in progress)\n\n\
## Stages\n\n\
- [x] **Stage 1: Foundation** - base\n\
- [ ] **Stage 3: User Auth** - people can log in\n";

#[test]
fn branch_with_strategy_milestone_reads_the_track() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1)
        .config(r#"{"branching_strategy": "milestone"}"#)
        .write(".renn/track.md", TRACK);
    let out = p.renn(&["branch", "3"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout, "renn/v1.1-accounts-billing\n");
    let v = p.renn(&["--json", "branch", "03"]).json();
    assert_eq!(
        v,
        json!({"schema": 1, "strategy": "milestone", "branch": "renn/v1.1-accounts-billing"})
    );
    assert!(git_accepts_branch("renn/v1.1-accounts-billing", p.root()));
    // The track also names the stage in the plan.
    let md = p.renn(&["plan", "3"]).stdout;
    assert!(md.contains("**Stage 3: User Auth**"), "{md}");
}

#[test]
fn branch_with_strategy_milestone_and_no_track() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1)
        .config(r#"{"branching_strategy": "milestone"}"#);
    let out = p.renn(&["branch", "3"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout, "renn/v1.0-milestone\n");
    assert!(git_accepts_branch("renn/v1.0-milestone", p.root()));
}

#[test]
fn branch_with_an_unreadable_track_is_an_error() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1)
        .config(r#"{"branching_strategy": "milestone"}"#)
        .write(".renn/track.md", b"# Roadmap\n- \xff **v1.1 X**\n");
    let err = p
        .renn(&["branch", "3"])
        .expect_error("invalid-utf8")
        .to_string();
    assert!(err.contains("--> .renn/track.md:2:3"), "{err}");
}

// ---------------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------------

#[test]
fn version_and_help() {
    let tmp = Project::empty();
    let out = run(&["--version"], tmp.root());
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, format!("renn {}\n", env!("CARGO_PKG_VERSION")));
    let out = run(&["--help"], tmp.root());
    assert_eq!(out.code, 0);
    for cmd in ["plan", "validate", "models", "branch"] {
        assert!(out.stdout.contains(cmd), "{}", out.stdout);
    }
}

#[test]
fn command_line_usage_errors_exit_2() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1);
    for args in [
        &["plan"][..],
        &["validate"],
        &["branch"],
        &["frobnicate"],
        &["plan", "3", "--bogus"],
        &["plan", "3", "4"],
        &["models", "3"],
        &["--dir"],
    ] {
        let out = run(args, p.root());
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(
            out.stderr.starts_with("error: "),
            "{args:?}: {}",
            out.stderr
        );
    }
    let out = run(&["frobnicate"], p.root());
    assert!(out.stderr.contains("unrecognized subcommand 'frobnicate'"));
    // No command at all: the help, on stderr.
    let out = run(&[], p.root());
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(
        out.stderr.contains("Usage: renn [OPTIONS] <COMMAND>"),
        "{}",
        out.stderr
    );
    // After `--`, a leading `-` is a (bad) stage argument, not a flag.
    run(&["plan", "--", "-3"], p.root()).expect_error("bad-stage-argument");
}

#[test]
fn usage_errors_with_json_are_json_and_exit_2() {
    let p = Project::new();
    for (args, message) in [
        (
            &["--json", "plan"][..],
            "the following required arguments were not provided: <STAGE>",
        ),
        (
            &["plan", "3", "--bogus", "--json"],
            "unexpected argument '--bogus' found",
        ),
        (
            &["--json", "frobnicate"],
            "unrecognized subcommand 'frobnicate'",
        ),
        (
            &["--json", "--dir"],
            "a value is required for '--dir <DIR>' but none was supplied",
        ),
    ] {
        let out = run(args, p.root());
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (2, ""),
            "{args:?}: {out:#?}"
        );
        let v: Value = serde_json::from_str(&out.stderr)
            .unwrap_or_else(|e| panic!("{args:?}: stderr is not JSON ({e}):\n{}", out.stderr));
        let err = &v["error"];
        assert_eq!(err["code"], "usage", "{v:#}");
        assert_eq!(err["message"], message, "{v:#}");
        let d = &err["diagnostics"][0];
        assert_eq!(
            (&d["code"], &d["severity"], &d["message"]),
            (&json!("usage"), &json!("error"), &json!(message))
        );
        assert!(d["hint"].as_str().unwrap().contains("renn --help"), "{v:#}");
    }
    let out = run(&["--json", "plan"], p.root());
    let v: Value = serde_json::from_str(&out.stderr).unwrap();
    assert_eq!(
        v["error"]["diagnostics"][0]["hint"],
        "usage: renn plan <STAGE>; `renn --help` lists the commands and options"
    );
    // Answers, not errors: as they always were.
    let help = run(&["--json", "--help"], p.root());
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("Usage: renn [OPTIONS] <COMMAND>"),
        "{help:#?}"
    );
    let version = run(&["--json", "--version"], p.root());
    assert_eq!(version.code, 0);
    assert!(version.stdout.starts_with("renn "), "{version:#?}");
    // After `--`, `--json` is an argument: the error is plain, and not a usage error.
    run(&["plan", "--", "--json"], p.root()).expect_error("bad-stage-argument");
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let big = Project::new();
    for i in 1..=120u32 {
        big.ok_run("03-big", &format!("03-{i:02}"), 1);
    }
    let big_dir = big.root().to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["--dir", DEMO, "plan", "2"],
        vec!["--dir", DEMO, "--json", "plan", "2"],
        vec!["--dir", DEMO, "validate", "2"],
        vec!["--dir", DEMO, "--json", "models"],
        vec!["--dir", big_dir, "--json", "plan", "3"],
        vec!["--help"],
        vec!["--version"],
    ];
    for args in cases {
        let mut child = Command::new(RENN)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before renn writes: its writes fail with EPIPE.
        drop(child.stdout.take());
        let out = check_output(child.wait_with_output().unwrap());
        assert_eq!(out.code, 0, "{args:?}: {out:#?}");
        assert_eq!(out.stderr, "", "{args:?}");
    }
    // The shell form of the same thing.
    let out = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" --dir \"$1\" --json plan 3 | head -c 10 >/dev/null")
        .arg(RENN)
        .arg(big_dir)
        .output()
        .unwrap();
    check_output(out);
}

#[test]
fn no_command_writes_a_file() {
    let p = stage_three();
    p.config(r#"{"branching_strategy": "stage", "horsepower": "quality"}"#)
        .write(".renn/track.md", TRACK)
        .write(
            ".renn/pulse.md",
            "# Pulse\n\n## Current Position\n\nStage: 3 of 4\n",
        )
        .write(
            ".renn/stages/04-broken/04-01-run.md",
            "---\nstage: 04-broken\nrun: 01\nbatch: two\n---\n",
        )
        .mkdir("src/sub");
    let before = tree(p.root());
    let sub = p.path("src/sub");
    let args: &[&[&str]] = &[
        &["plan", "3"],
        &["--json", "plan", "3"],
        &["plan", "3", "--gaps-only"],
        &["validate", "3"],
        &["--json", "validate", "3"],
        &["models"],
        &["--json", "models"],
        &["branch", "3"],
        &["--json", "branch", "3"],
        &["plan", "4"],
        &["validate", "4"],
        &["--json", "plan", "4"],
        &["plan", "9"],
        &["plan", "../../etc"],
    ];
    for a in args {
        p.renn(a);
        run(a, &sub);
    }
    assert_eq!(tree(p.root()), before, "a command changed the project tree");
}

// ---------------------------------------------------------------------------------
// The example project
// ---------------------------------------------------------------------------------

#[test]
fn demo_validate_2_is_clean() {
    let out = run(&["--dir", DEMO, "validate", "2"], Path::new(DEMO));
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout
            .contains("stage 02-accounts is valid: 0 error(s)"),
        "{}",
        out.stdout
    );
    // Found from inside the project as well.
    let out = run(&["validate", "2"], &Path::new(DEMO).join("src/models"));
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn demo_plan_2() {
    let out = run(&["--dir", DEMO, "plan", "2"], Path::new(DEMO));
    assert_eq!(out.code, 0, "{out:#?}");
    let md = &out.stdout;
    for needle in [
        "**Stage 2: Accounts** — 5 runs across 3 batches",
        "| 1 | 02-02 |",
        "02-04 [checkpoint]",
        "02-06 [gap closure]",
        "Skipped, already complete: 02-01",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in:\n{md}");
    }

    let plan = run(&["--dir", DEMO, "--json", "plan", "2"], Path::new(DEMO)).json();
    assert_eq!(plan["stage"]["dir"], ".renn/stages/02-accounts");
    assert_eq!(plan["batches"].as_array().unwrap().len(), 3);
    assert_eq!(
        plan["batches"],
        json!([
            {"batch": 1, "runs": ["02-02"]},
            {"batch": 2, "runs": ["02-03", "02-04"]},
            {"batch": 3, "runs": ["02-05", "02-06"]},
        ])
    );
    let runs = plan["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 6);
    assert_eq!(
        (&runs[0]["id"], &runs[0]["complete"]),
        (&json!("02-01"), &json!(true))
    );
    assert!(runs[1..].iter().all(|r| r["complete"] == false));
    assert_eq!(runs[3]["autonomous"], false);
    assert_eq!(runs[3]["gates"][0]["type"], "checkpoint:human-verify");
    assert_eq!(runs[5]["gap_closure"], true);

    let gaps = run(
        &["--dir", DEMO, "--json", "plan", "2", "--gaps-only"],
        Path::new(DEMO),
    )
    .json();
    assert_eq!(gaps["batches"], json!([{"batch": 3, "runs": ["02-06"]}]));
    let done = run(&["--dir", DEMO, "--json", "plan", "1"], Path::new(DEMO)).json();
    assert_eq!(done["message"], "No matching incomplete runs");
}

// ---------------------------------------------------------------------------------
// Known bugs (see the report): these fail until they are fixed.
// ---------------------------------------------------------------------------------

/// `renn --help` opens with what renn is for. `#[command(about)]` without a value
/// takes the crate's Cargo.toml description ("The renn command line, and renn's one
/// Rust home of IO …"), which is written for contributors, over the doc comment on
/// `Cli` ("renn — run a planned stage of a software project (.renn/ plans).").
#[test]
fn help_describes_renn_to_its_users() {
    let out = run(&["--help"], Project::empty().root());
    assert_eq!(out.code, 0);
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains("run a planned stage"),
        "--help begins with {first:?}"
    );
}

/// A run file that is a symlink is a run file (the seed's `ls` lists it); renn must
/// plan it or say why not — never drop it silently.
#[cfg(unix)]
#[test]
fn a_symlinked_run_file_is_not_silently_dropped() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1).write(
        "shared/run2.md",
        run_md("03-auth", "02", "batch: 1\nfiles_modified: [x]\n"),
    );
    std::os::unix::fs::symlink(
        "../../../shared/run2.md",
        p.path(".renn/stages/03-auth/03-02-run.md"),
    )
    .unwrap();
    let out = p.renn(&["--json", "plan", "3"]);
    if out.code == 0 {
        let plan = out.json();
        let got: Vec<&str> = plan["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            got,
            ["03-01", "03-02"],
            "03-02-run.md (a symlink) was dropped"
        );
    } else {
        assert!(out.stderr.contains("03-02-run.md"), "{out:#?}");
    }
}

/// A stage directory that is a symlink is listed by `ls .renn/stages`; "No stage
/// directory matching '4'" next to an `ls` showing `04-real` is wrong.
#[cfg(unix)]
#[test]
fn a_symlinked_stage_directory_is_found_or_named() {
    let p = Project::new();
    p.mkdir(".renn/stages").write(
        "shared/04-real/04-01-run.md",
        run_md("04-real", "01", "batch: 1\n"),
    );
    std::os::unix::fs::symlink("../../shared/04-real", p.path(".renn/stages/04-real")).unwrap();
    let out = p.renn(&["--json", "plan", "4"]);
    if out.code == 0 {
        assert_eq!(out.json()["stage"]["dir"], ".renn/stages/04-real");
    } else {
        assert!(out.stderr.contains("04-real"), "{out:#?}");
    }
}

/// A recap that is a symlink exists (`test -f` says so): its run is complete.
#[cfg(unix)]
#[test]
fn a_symlinked_recap_marks_its_run_complete() {
    let p = Project::new();
    p.ok_run("03-auth", "03-01", 1)
        .ok_run("03-auth", "03-02", 1)
        .write("shared/recap.md", "**Done.**\n");
    std::os::unix::fs::symlink(
        "../../../shared/recap.md",
        p.path(".renn/stages/03-auth/03-01-recap.md"),
    )
    .unwrap();
    let out = p.renn(&["--json", "plan", "3"]);
    if out.code == 0 {
        let plan = out.json();
        assert_eq!(plan["runs"][0]["complete"], true, "{plan:#}");
        assert_eq!(plan["batches"], json!([{"batch": 1, "runs": ["03-02"]}]));
    } else {
        assert!(out.stderr.contains("03-01-recap.md"), "{out:#?}");
    }
}

/// YAML aliases nested 8 deep in a 600-byte frontmatter expand to 9^8 ≈ 43 million
/// nodes. renn must refuse (or not expand) them instead of exhausting memory. The
/// run is capped at 1 GiB of address space so a regression cannot take the machine
/// down: without a fix renn aborts with "memory allocation of … failed".
#[cfg(target_os = "linux")]
#[test]
fn a_yaml_alias_bomb_does_not_exhaust_memory() {
    let mut fm = String::from("batch: 1\nl0: &l0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..=8 {
        let p = i - 1;
        let refs = vec![format!("*l{p}"); 9].join(", ");
        fm.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    let p = Project::new();
    p.run_file("03-auth", "03-01", &fm);
    assert!(fs::metadata(p.path(RUN_03_01)).unwrap().len() < 1024);
    for cmd in ["validate", "plan"] {
        let out = Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1048576 || exit 99; exec \"$0\" --dir \"$1\" \"$2\" 3")
            .arg(RENN)
            .arg(p.root())
            .arg(cmd)
            .output()
            .unwrap();
        let out = check_output(out);
        assert_ne!(out.code, 99, "could not limit memory");
        assert!(out.code == 0 || out.code == 1, "{out:#?}");
    }
}
