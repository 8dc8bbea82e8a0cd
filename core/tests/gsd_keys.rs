//! docs/spec.md's "GSD config keys" table is generated from the table of GSD's keys
//! (`renn_core::config::gsd`): this fails when it is stale. `RENN_BLESS=1 cargo test
//! -p renn-core --test gsd_keys` rewrites it — review the diff.

use std::path::Path;

const START: &str = "<!-- gsd-keys: generated from core/src/config/gsd.rs by core/tests/gsd_keys.rs; RENN_BLESS=1 rewrites it -->\n";
const END: &str = "<!-- /gsd-keys -->";

#[test]
fn the_spec_lists_every_gsd_key_as_the_table_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/spec.md");
    let spec = std::fs::read_to_string(&path).unwrap();
    let start = spec
        .find(START)
        .unwrap_or_else(|| panic!("docs/spec.md has no line {START:?}"))
        + START.len();
    let end = start
        + spec[start..]
            .find(END)
            .unwrap_or_else(|| panic!("docs/spec.md has no {END:?} after the table"));
    let table = renn_core::config::gsd::markdown_table();
    if spec[start..end] == table {
        return;
    }
    if std::env::var_os("RENN_BLESS").is_some() {
        std::fs::write(&path, format!("{}{table}{}", &spec[..start], &spec[end..])).unwrap();
        return;
    }
    panic!(
        "docs/spec.md's GSD config keys table is stale (run `RENN_BLESS=1 cargo test -p renn-core --test gsd_keys` and review):\n{table}"
    );
}
