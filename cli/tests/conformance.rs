//! The conformance suite: every case under `tests/fixtures/` is a project root with a
//! `case.json` (the command) and an `expected.json` (its JSON result, or `{"error": …}`).
//! Each case runs through the Rust API (the `renn_host` IO layer + renn-core) and
//! through the real `renn` binary; both must produce exactly the expected JSON.
//! `RENN_BLESS=1 cargo test --test conformance` rewrites the expected files — review
//! the diff before committing it.

use renn_core::plan::PlanOptions;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(serde::Deserialize)]
struct Case {
    command: String,
    stage: Option<String>,
    #[serde(default)]
    gaps_only: bool,
    /// For parse-return: the agent output, relative to the case directory.
    file: Option<String>,
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fixtures exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 20,
        "expected the full fixture set, found {}",
        dirs.len()
    );
    dirs
}

fn load_case(dir: &Path) -> Case {
    let text = std::fs::read_to_string(dir.join("case.json")).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

fn via_api(dir: &Path, case: &Case) -> Value {
    through(dir, case, || {
        if case.command == "status" {
            // `renn status` reads every stage.
            return renn_host::disk::open_project_all(Some(dir));
        }
        renn_host::open_project(Some(dir), case.stage.as_deref())
    })
}

/// `Project.load(path)` of the native bindings: every stage loaded up front.
fn via_load(dir: &Path, case: &Case) -> Value {
    through(dir, case, || renn_host::load_project(dir))
}

/// `Project.fromFiles` of the bindings (and the only way in for WASM): the files
/// read by the test, handed in as bytes.
fn via_files(dir: &Path, case: &Case) -> Value {
    through(dir, case, || {
        let mut files = Vec::new();
        collect(dir, dir, &mut files);
        let snap = renn_core::Snapshot::from_files(files).map_err(renn_core::Error::from)?;
        Ok(renn_core::Project::new(snap)?)
    })
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, renn_core::FileContent)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            out.push((format!("{rel}/"), renn_core::FileContent::Present));
            collect(root, &path, out);
        } else if rel != "case.json" && rel != "expected.json" {
            let bytes = std::fs::read(&path).unwrap();
            out.push((rel, renn_core::FileContent::Bytes(bytes)));
        }
    }
}

fn through(
    dir: &Path,
    case: &Case,
    open: impl FnOnce() -> renn_host::Result<renn_core::Project>,
) -> Value {
    if case.command == "parse-return" {
        let file = case
            .file
            .as_deref()
            .expect("parse-return cases name a file");
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        return match renn_core::returns::parse_file(file, &text) {
            Ok(r) => serde_json::to_value(r).unwrap(),
            Err(d) => {
                serde_json::json!({ "error": renn_host::Error::from(renn_core::Error::from(d)).report() })
            }
        };
    }
    let stage = case.stage.as_deref();
    let result = open().and_then(|p| match case.command.as_str() {
        "plan" => {
            let opts = PlanOptions {
                gaps_only: case.gaps_only,
            };
            Ok(serde_json::to_value(p.plan(stage.unwrap(), opts)?).unwrap())
        }
        "validate" => Ok(serde_json::to_value(p.validate(stage.unwrap())?).unwrap()),
        "proof" => Ok(serde_json::to_value(p.proof(stage.unwrap())?).unwrap()),
        "status" => Ok(serde_json::to_value(p.status()?).unwrap()),
        other => panic!("unknown command {other}"),
    });
    result.unwrap_or_else(|e| serde_json::json!({ "error": e.report() }))
}

fn via_binary(dir: &Path, case: &Case) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_renn"));
    cmd.current_dir(dir)
        .arg("--dir")
        .arg(dir)
        .arg("--json")
        .arg(&case.command);
    cmd.args(&case.stage).args(&case.file);
    if case.gaps_only {
        cmd.arg("--gaps-only");
    }
    let out = cmd.output().expect("renn runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    let is_error = stderr.trim_start().starts_with('{');
    let code = out.status.code();
    assert!(
        !stderr.contains("panicked"),
        "{}: renn panicked:\n{stderr}",
        dir.display()
    );
    let (stem, mut value): (&str, Value) = if is_error {
        assert_eq!(code, Some(1), "{}: errors exit 1", dir.display());
        assert!(
            stdout.is_empty(),
            "{}: nothing on stdout after an error",
            dir.display()
        );
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{}: a JSON error is one line",
            dir.display()
        );
        let value = serde_json::from_str(&stderr)
            .unwrap_or_else(|e| panic!("{}: {e}\n{stderr}", dir.display()));
        ("error", value)
    } else {
        assert!(
            code == Some(0) || case.command == "validate",
            "{}: exit {code:?}",
            dir.display()
        );
        let value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{}: {e}\n{stdout}", dir.display()));
        (case.command.as_str(), value)
    };
    // The JSON contract: the output is valid against the shipped schema, and carries
    // the schema version, which the API's values (expected.json) do not.
    let schema = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../schema/{stem}.json")),
    )
    .unwrap_or_else(|e| panic!("schema/{stem}.json: {e}"));
    let validator = jsonschema::validator_for(&serde_json::from_str(&schema).unwrap()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{}: not valid against schema/{stem}.json: {errors:?}",
        dir.display()
    );
    let version = value.as_object_mut().and_then(|o| o.remove("schema"));
    assert_eq!(
        version,
        Some(Value::from(renn_host::json::SCHEMA_VERSION)),
        "{}: the schema version",
        dir.display()
    );
    value
}

fn check(front_door: &str, run: impl Fn(&Path, &Case) -> Value) {
    let bless = std::env::var_os("RENN_BLESS").is_some();
    let mut failures = Vec::new();
    for dir in fixtures() {
        let case = load_case(&dir);
        let got = run(&dir, &case);
        let expected_path = dir.join("expected.json");
        if bless && front_door == "api" {
            let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
            std::fs::write(&expected_path, text).unwrap();
            continue;
        }
        let expected: Value = std::fs::read_to_string(&expected_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(|| panic!("{}: missing or invalid expected.json", dir.display()));
        if got != expected {
            failures.push(format!(
                "{}:\n--- expected\n{}\n--- got\n{}",
                dir.file_name().unwrap().to_string_lossy(),
                serde_json::to_string_pretty(&expected).unwrap(),
                serde_json::to_string_pretty(&got).unwrap()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{front_door}: {} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn fixtures_through_the_rust_api() {
    check("api", via_api);
}

#[test]
fn fixtures_through_project_load() {
    check("load", via_load);
}

#[test]
fn fixtures_through_in_memory_files() {
    check("files", via_files);
}

#[test]
fn fixtures_through_the_renn_binary() {
    check("binary", via_binary);
}
