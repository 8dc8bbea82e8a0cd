use super::*;
use crate::stage::StageNumber;

/// Verdicts of `git check-ref-format --branch NAME` (git 2.47.3), run by hand
/// while writing this table: true = git accepts the name.
const GIT_VERDICTS: &[(&str, bool)] = &[
    ("renn/stage-03-auth", true),
    ("renn/v1.1-accounts", true),
    ("v1.0", true),
    ("x-", true),
    ("a/-b", true),
    ("a.b", true),
    ("a.locky", true),
    ("a.lock.b", true),
    ("a@b", true),
    ("a@", true),
    ("@a", true),
    ("a{b}", true),
    ("a#b", true),
    ("a!b", true),
    ("a]b", true),
    ("a%b", true),
    ("café", true),
    ("refs/heads/x", true),
    ("", false),
    ("HEAD", false),
    ("-x", false),
    ("a@{b", false),
    ("a..b", false),
    ("a/..", false),
    (".a", false),
    ("a/.b", false),
    ("a/./b", false),
    ("a.lock", false),
    ("a.lock/b", false),
    ("a/b.lock", false),
    ("a/", false),
    ("/a", false),
    ("a//b", false),
    ("a.", false),
    ("a b", false),
    ("a\tb", false),
    ("a\u{7f}b", false),
    ("a~b", false),
    ("a^b", false),
    ("a:b", false),
    ("a?b", false),
    ("a*b", false),
    ("a[b", false),
    ("a\\b", false),
];

#[test]
fn check_ref_format_agrees_with_git() {
    for (name, ok) in GIT_VERDICTS {
        assert_eq!(
            check_ref_format(name).is_ok(),
            *ok,
            "{name:?}: {:?}",
            check_ref_format(name)
        );
    }
}

#[test]
fn a_bare_at_sign_is_refused_although_git_takes_it() {
    // git accepts `@` (refs/heads/@ is well formed), but `@` alone means HEAD in
    // every revision argument, so such a branch could never be named on a command line.
    assert!(check_ref_format("@").unwrap_err().contains("`@`"));
}

#[test]
fn refusals_name_the_rule() {
    assert_eq!(check_ref_format("a..b").unwrap_err(), "it contains `..`");
    assert_eq!(check_ref_format("a b").unwrap_err(), "it contains ' '");
    assert_eq!(
        check_ref_format("x/y.lock").unwrap_err(),
        "its component \"y.lock\" ends with `.lock`"
    );
    assert_eq!(check_ref_format("").unwrap_err(), "it is empty");
}

#[test]
fn slug_matches_the_seed_pipeline() {
    // Expected values from: echo "$S" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9]/-/g'
    //   | sed 's/--*/-/g' | sed 's/^-//;s/-$//'
    for (input, want) in [
        ("authentication", "authentication"),
        ("Accounts & Billing", "accounts-billing"),
        ("  --Hello,  World!--  ", "hello-world"),
        ("user_profile.v2", "user-profile-v2"),
        ("Café Ünïcode", "caf-n-code"),
        ("---", ""),
        ("", ""),
        ("OAuth2 Login", "oauth2-login"),
    ] {
        assert_eq!(slug(input), want, "{input:?}");
    }
}

fn stage(number: &str, name: &str) -> StageDir {
    StageDir {
        number: StageNumber::parse(number).unwrap(),
        name: name.into(),
        dir: format!(".renn/stages/{number}-{name}"),
    }
}

fn config(json: &str) -> Config {
    Config::parse(json, false).unwrap()
}

const TRACK: &str = "- ✅ **v1.0 MVP** - shipped\n- 🚧 **v1.1 Accounts & Billing** - Stages 3-4\n";

#[test]
fn strategy_none_has_no_branch() {
    let s = stage("3", "authentication");
    assert_eq!(branch_name(&Config::default(), &s, Some(TRACK)), Ok(None));
}

#[test]
fn stage_branches_use_the_padded_number_and_the_slug() {
    let c = config(r#"{"branching_strategy": "stage"}"#);
    let got = branch_name(&c, &stage("3", "User_Auth"), None).unwrap();
    assert_eq!(got.as_deref(), Some("renn/stage-03-user-auth"));
    let got = branch_name(&c, &stage("2.1", "hotfix"), None).unwrap();
    assert_eq!(got.as_deref(), Some("renn/stage-02.1-hotfix"));
    let c = config(
        r#"{"branching_strategy": "stage", "stage_branch_template": "{slug}/{stage}/{slug}"}"#,
    );
    let got = branch_name(&c, &stage("12a", "x"), None).unwrap();
    assert_eq!(got.as_deref(), Some("x/12A/x"));
}

#[test]
fn milestone_branches_use_the_current_milestone() {
    let c = config(r#"{"branching_strategy": "milestone"}"#);
    let s = stage("3", "auth");
    let got = branch_name(&c, &s, Some(TRACK)).unwrap();
    assert_eq!(got.as_deref(), Some("renn/v1.1-accounts-billing"));
    assert_eq!(
        branch_name(&c, &s, None).unwrap().as_deref(),
        Some("renn/v1.0-milestone")
    );
    assert_eq!(
        branch_name(&c, &s, Some("# empty")).unwrap().as_deref(),
        Some("renn/v1.0-milestone")
    );
}

#[test]
fn unknown_placeholders_are_errors() {
    let c = config(
        r#"{"branching_strategy": "stage", "stage_branch_template": "renn/{milestone}-{slug}"}"#,
    );
    let d = branch_name(&c, &stage("3", "auth"), None).unwrap_err();
    assert_eq!(d.code, "branch-template-placeholder");
    assert_eq!(d.file.as_deref(), Some(".renn/config.json"));
    assert_eq!(
        d.message,
        "`stage_branch_template` uses the placeholder {milestone}, which it does not know; \
         its placeholders are {stage}, {phase} and {slug}"
    );
    let c =
        config(r#"{"branching_strategy": "milestone", "milestone_branch_template": "m/{foo}"}"#);
    let d = branch_name(&c, &stage("3", "auth"), None).unwrap_err();
    assert!(d.message.contains("{foo}") && d.message.contains("{milestone} and {slug}"));
    // A brace that opens no placeholder is just a character.
    let c = config(r#"{"branching_strategy": "stage", "stage_branch_template": "a{b-{stage}"}"#);
    assert_eq!(
        branch_name(&c, &stage("3", "x"), None).unwrap().as_deref(),
        Some("a{b-03")
    );
}

#[test]
fn results_that_are_not_git_refs_are_errors() {
    let c = config(
        r#"{"branching_strategy": "stage", "stage_branch_template": "renn/{stage}..{slug}"}"#,
    );
    let d = branch_name(&c, &stage("3", "auth"), None).unwrap_err();
    assert_eq!(d.code, "branch-invalid-ref");
    assert_eq!(d.file.as_deref(), Some(".renn/config.json"));
    assert_eq!(
        d.message,
        "branch name \"renn/03..auth\" from stage_branch_template is not a valid git ref: it contains `..`"
    );
    // The slug can empty a component: `{slug}/x` with a name of only symbols.
    let c = config(r#"{"branching_strategy": "stage", "stage_branch_template": "{slug}/{stage}"}"#);
    let d = branch_name(&c, &stage("3", "!!"), None).unwrap_err();
    assert!(
        d.message.ends_with("it begins or ends with `/`"),
        "{}",
        d.message
    );
}
