use super::*;

fn n(s: &str) -> StageNumber {
    StageNumber::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
}

#[test]
fn normalises_padding_letter_and_decimals() {
    for (input, want) in [
        ("1", "01"),
        ("03", "03"),
        ("12a", "12A"),
        ("3.1.2", "03.1.2"),
        ("2.01", "02.1"),
        ("123", "123"),
    ] {
        assert_eq!(n(input).to_string(), want, "{input}");
    }
    assert_eq!(n("03.1").unpadded(), "3.1");
}

#[test]
fn rejects_anything_that_is_not_a_stage_number() {
    for bad in [
        "",
        "../../etc",
        "3; rm -rf /",
        "3-",
        "a",
        "3AB",
        "3.",
        "3..1",
        ".3",
        "-3",
        "3 ",
        "03-auth",
        "9999999999",
        "3.a",
        "３",
    ] {
        assert!(StageNumber::parse(bad).is_none(), "{bad:?} parsed");
    }
    let err = "../../etc".parse::<StageNumber>().unwrap_err();
    assert_eq!(err.code(), "bad-stage-argument");
    assert!(err
        .to_string()
        .contains("'../../etc' is not a stage number"));
}

#[test]
fn orders_as_the_spec_says() {
    let ordered = ["12", "12A", "12A.1", "12A.1.2", "12A.2", "12B", "13"];
    for pair in ordered.windows(2) {
        assert!(n(pair[0]) < n(pair[1]), "{} < {}", pair[0], pair[1]);
    }
    assert_eq!(n("2.1"), n("02.01"));
}

const DIRS: [&str; 8] = [
    "01-foundation",
    "02-data",
    "02.1-hotfix",
    "3-authentication",
    "12A-extra",
    "14-x",
    "notes",
    "07-",
];

#[test]
fn resolves_exact_numbers_only() {
    let r = |arg| resolve(arg, DIRS, ".renn/stages");
    assert_eq!(r("2").unwrap().dir, ".renn/stages/02-data");
    assert_eq!(r("02.1").unwrap().dir, ".renn/stages/02.1-hotfix");
    assert_eq!(r("2.1").unwrap().name, "hotfix");
    assert_eq!(r("03").unwrap().dir, ".renn/stages/3-authentication");
    assert_eq!(r("3").unwrap().number.to_string(), "03");
    assert_eq!(r("12a").unwrap().dir, ".renn/stages/12A-extra");
    assert_eq!(
        r("4").unwrap_err().to_string(),
        "No stage directory matching '4'"
    );
    assert_eq!(r("7").unwrap_err().code(), "no-stage-directory");
    assert_eq!(r("3; rm -rf /").unwrap_err().code(), "bad-stage-argument");
}

#[test]
fn two_directories_for_one_number_is_an_error() {
    let err = resolve("3", ["03-auth", "3-auth-old"], ".renn/stages").unwrap_err();
    assert_eq!(
        err.to_string(),
        "stage '3' matches more than one directory: 03-auth, 3-auth-old"
    );
}

#[test]
fn lists_stages_in_stage_order() {
    let names: Vec<String> = list(DIRS, ".renn/stages")
        .iter()
        .map(|s| s.number.to_string())
        .collect();
    assert_eq!(names, ["01", "02", "02.1", "03", "12A", "14"]);
}
