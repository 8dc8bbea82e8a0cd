//! Many refs and objects at once: one git process for a batch of runs.

use crate::{commit_file, git, repo};
use renn_host::git::RefUpdate;

#[test]
fn refs_lists_the_refs_under_a_prefix() {
    let (dir, g) = repo();
    let head = g.head().unwrap();
    git(dir.path(), &["branch", "renn/run-01"]);
    git(dir.path(), &["branch", "renn/run-02"]);
    git(dir.path(), &["branch", "other"]);
    let refs = g.refs("refs/heads/renn/").unwrap();
    let names: Vec<&String> = refs.keys().collect();
    assert_eq!(names, ["refs/heads/renn/run-01", "refs/heads/renn/run-02"]);
    assert!(refs.values().all(|oid| oid == &head));
    assert!(g.refs("refs/heads/none/").unwrap().is_empty());
}

#[test]
fn update_refs_is_all_or_nothing() {
    let (dir, g) = repo();
    let first = g.head().unwrap();
    git(dir.path(), &["branch", "a"]);
    git(dir.path(), &["branch", "b"]);
    let second = commit_file(&g, "x.txt", "x", "second");
    let update = |old: &str| RefUpdate::Update {
        name: "refs/heads/a".into(),
        new: second.clone(),
        old: old.into(),
    };
    let delete = |old: &str| RefUpdate::Delete {
        name: "refs/heads/b".into(),
        old: old.into(),
    };
    // b is not at `second`: neither change happens.
    let err = g
        .update_refs(&[update(&first), delete(&second)])
        .unwrap_err();
    assert_eq!(err.code(), "git");
    assert_eq!(git(dir.path(), &["rev-parse", "a"]), first);
    assert!(g.branch_exists("b").unwrap());

    g.update_refs(&[update(&first), delete(&first)]).unwrap();
    assert_eq!(git(dir.path(), &["rev-parse", "a"]), second);
    assert!(!g.branch_exists("b").unwrap());
    g.update_refs(&[]).unwrap();
}

#[test]
fn object_types_answers_for_every_name_in_order() {
    let (dir, g) = repo();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let head = g.head().unwrap();
    let names: Vec<String> = [
        format!("{head}^{{commit}}"),
        "main:README.md".into(),
        "main:nope.md".into(),
        "bad\nname".into(),
        "main:".into(),
        "0000000^{commit}".into(),
    ]
    .into();
    let kinds = g.object_types(&names).unwrap();
    let kinds: Vec<Option<&str>> = kinds.iter().map(|k| k.as_deref()).collect();
    assert_eq!(
        kinds,
        [Some("commit"), Some("blob"), None, None, Some("tree"), None]
    );
    // `./` names a path from the directory git was opened in.
    let sub = renn_host::git::Git::open(&dir.path().join("sub")).unwrap();
    let up = sub
        .object_types(&["main:./../README.md".into(), "main:./README.md".into()])
        .unwrap();
    assert_eq!(up, [Some("blob".into()), None]);
    assert!(g.object_types(&[]).unwrap().is_empty());
}
