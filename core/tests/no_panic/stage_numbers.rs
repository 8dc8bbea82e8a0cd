//! (c) stage numbers and run ids: round trip and a total order.

use super::*;

// ---------------------------------------------------------------------------------
// (c) stage numbers
// ---------------------------------------------------------------------------------

pub(crate) fn stage_number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[0-9]{1,10}[a-zA-Z]?(\\.[0-9]{1,10}){0,3}",
        1 => "[0-9]{0,3}[a-zA-Z.]{0,3}[0-9]{0,3}",
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn stage_number_arbitrary_strings(s in any::<String>()) {
        check_stage_number(&s)?;
    }

    #[test]
    fn stage_number_round_trip(s in stage_number_text()) {
        check_stage_number(&s)?;
        // The `FromStr` path trims and agrees with `parse` otherwise.
        let via_from_str = s.parse::<StageNumber>().ok();
        prop_assert_eq!(via_from_str, StageNumber::parse(s.trim()));
    }

    #[test]
    fn stage_number_order_is_total(a in stage_number_text(), b in stage_number_text(), c in stage_number_text()) {
        let parsed: Vec<StageNumber> = [&a, &b, &c].iter().filter_map(|s| StageNumber::parse(s)).collect();
        for x in &parsed {
            for y in &parsed {
                prop_assert_eq!(x.cmp(y), y.cmp(x).reverse(), "{} vs {}", x, y);
                prop_assert_eq!(x.cmp(y) == std::cmp::Ordering::Equal, x == y, "{} vs {}", x, y);
                prop_assert_eq!(x.partial_cmp(y), Some(x.cmp(y)));
                for z in &parsed {
                    if x <= y && y <= z {
                        prop_assert!(x <= z, "{} <= {} <= {} but not {} <= {}", x, y, z, x, z);
                    }
                }
            }
        }
    }

    /// Run ids, letter-prefixed ones (`12-P01`) included: what parses shows as text that
    /// parses back to the same id, through serde too, and within a stage the numbered
    /// runs order before the prefixed ones.
    #[test]
    fn run_id_round_trip_and_order(
        a in (stage_number_text(), "[a-zA-Z]{0,4}[0-9]{0,7}").prop_map(|(s, r)| format!("{s}-{r}")),
        b in (stage_number_text(), "[a-zA-Z]{0,4}[0-9]{0,7}").prop_map(|(s, r)| format!("{s}-{r}")),
    ) {
        let ids: Vec<RunId> = [&a, &b].iter().filter_map(|s| RunId::parse(s)).collect();
        for id in &ids {
            let text = id.to_string();
            prop_assert_eq!(RunId::parse(&text), Some(id.clone()), "{}", text);
            let json = serde_json::to_string(id).unwrap();
            prop_assert_eq!(&serde_json::from_str::<RunId>(&json).unwrap(), id);
            prop_assert_eq!(
                RunId::split_number(&id.run_number()),
                Some((id.prefix.clone(), id.run))
            );
            prop_assert_eq!(RunId::from_file_name(&format!("{text}-run.md")), Some(id.clone()));
        }
        if let [x, y] = &ids[..] {
            if x.stage == y.stage && x.prefix.is_empty() && !y.prefix.is_empty() {
                prop_assert!(x < y, "{} before {}", x, y);
            }
            prop_assert_eq!(x.cmp(y) == std::cmp::Ordering::Equal, x == y);
        }
    }
}
