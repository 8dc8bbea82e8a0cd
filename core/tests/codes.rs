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
