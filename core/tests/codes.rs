//! The README's table of codes is generated from the registry (`renn_core::code`):
//! this fails when it is stale. `RENN_BLESS=1 cargo test -p renn-core --test codes`
//! rewrites it — review the diff.

use std::path::Path;

const START: &str = "<!-- codes: generated from core/src/code.rs by core/tests/codes.rs; RENN_BLESS=1 rewrites it -->\n";
const END: &str = "<!-- /codes -->";

#[test]
fn the_readme_lists_every_code_as_the_registry_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(START)
        .unwrap_or_else(|| panic!("README.md has no line {START:?}"))
        + START.len();
    let end = start
        + readme[start..]
            .find(END)
            .unwrap_or_else(|| panic!("README.md has no {END:?} after the table"));
    let table = renn_core::code::markdown_table();
    if readme[start..end] == table {
        return;
    }
    if std::env::var_os("RENN_BLESS").is_some() {
        let blessed = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, blessed).unwrap();
        return;
    }
    panic!(
        "README.md's table of codes is stale (run `RENN_BLESS=1 cargo test -p renn-core --test codes` and review):\n{table}"
    );
}

/// Every `code` the conformance fixtures expect is a registered code with the severity
/// the fixture shows (the enum changed the type, never the JSON).
#[test]
fn every_code_the_fixtures_expect_is_registered() {
    fn walk(value: &serde_json::Value, file: &Path, seen: &mut usize) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(name)) = map.get("code") {
                    let code = renn_core::Code::from_name(name)
                        .unwrap_or_else(|| panic!("{}: `{name}` is not a Code", file.display()));
                    if let Some(severity) = map.get("severity").and_then(|s| s.as_str()) {
                        // `depends-on-batch` is a warning when its dependency is complete.
                        if code != renn_core::Code::DependsOnBatch {
                            assert_eq!(
                                serde_json::to_value(code.severity()).unwrap(),
                                severity,
                                "{}: {name}",
                                file.display()
                            );
                        }
                    }
                    *seen += 1;
                }
                map.values().for_each(|v| walk(v, file, seen));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, file, seen)),
            _ => {}
        }
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut seen = 0;
    for case in std::fs::read_dir(&fixtures).unwrap() {
        let expected = case.unwrap().path().join("expected.json");
        if let Ok(text) = std::fs::read_to_string(&expected) {
            walk(&serde_json::from_str(&text).unwrap(), &expected, &mut seen);
        }
    }
    assert!(
        seen > 50,
        "only {seen} codes found under {}",
        fixtures.display()
    );
}
