//! A human gate: what the user's answer means for each gate type, and what the
//! continuation runner is told to do about it.

mod record;

use crate::run::GateKind;
use serde::{Deserialize, Serialize};

pub use record::GateRecord;

/// What the user typed at a gate, read: an answer for the continuation runner, or
/// one of the two ways to give up on the run.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    Respond {
        response: GateResponse,
    },
    /// `skip`: the run is skipped; the batch goes on.
    Skip,
    /// `abort`: the stage stops.
    Abort,
}

impl Answer {
    /// Reads free text typed at a gate of `kind`; empty text is `None`: ask again.
    pub fn read(kind: GateKind, text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "skip" => Some(Self::Skip),
            "abort" => Some(Self::Abort),
            _ => GateResponse::interpret(kind, text).map(|response| Self::Respond { response }),
        }
    }
}

/// The user's answer at a gate, interpreted for the gate's type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum GateResponse {
    /// human-verify: the user checked and it works.
    Approved,
    /// human-action: the user did what was asked.
    Done,
    /// decision: the option the user chose.
    Choice(String),
    /// The user describes what is wrong (any gate type).
    Issues(String),
}

const YES: [&str; 9] = [
    "approved", "approve", "yes", "y", "ok", "okay", "lgtm", "done", "verified",
];

impl GateResponse {
    /// Interprets free text typed at a gate. Empty answers are `None`: ask again.
    pub fn interpret(kind: GateKind, text: &str) -> Option<Self> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let yes = YES.contains(&t.trim_end_matches(['.', '!']).to_ascii_lowercase().as_str());
        Some(match kind {
            GateKind::HumanVerify if yes => Self::Approved,
            GateKind::HumanAction if yes => Self::Done,
            GateKind::Decision => Self::Choice(t.to_string()),
            _ => Self::Issues(t.to_string()),
        })
    }

    /// What the user said, as it goes into the continuation prompt.
    pub fn text(&self) -> &str {
        match self {
            Self::Approved => "approved",
            Self::Done => "done",
            Self::Choice(t) | Self::Issues(t) => t,
        }
    }

    /// The seed's resume instructions by gate type and answer.
    pub fn resume_instructions(&self, kind: GateKind) -> String {
        match (kind, self) {
            (_, Self::Issues(issues)) => format!(
                "The user reported issues at the {} gate:\n\n{issues}\n\nFix these issues first, commit the fixes, then verify again and \
                 return a new GATE REACHED block of the same type so the user can re-check.",
                kind.as_str()
            ),
            (_, Self::Choice(choice)) => format!(
                "The user chose: {choice}\n\nImplement the chosen option in the current task, then continue with the remaining tasks."
            ),
            (GateKind::HumanAction, _) => "The user reports the action is done. First check that it took effect \
                 (for example, that the CLI is now authenticated or the resource exists); if it did not, return a new \
                 GATE REACHED block saying what is still missing. Otherwise continue with the current task."
                .to_string(),
            _ => "The user approved. Continue with the next task.".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_by_gate_type() {
        use GateResponse::*;
        let r = |k, t| GateResponse::interpret(k, t);
        assert_eq!(r(GateKind::HumanVerify, " Approved. "), Some(Approved));
        assert_eq!(
            r(GateKind::HumanVerify, "the button is blue"),
            Some(Issues("the button is blue".into()))
        );
        assert_eq!(r(GateKind::HumanAction, "done"), Some(Done));
        assert_eq!(
            r(GateKind::HumanAction, "login fails"),
            Some(Issues("login fails".into()))
        );
        assert_eq!(
            r(GateKind::Decision, "postgres"),
            Some(Choice("postgres".into()))
        );
        assert_eq!(r(GateKind::Decision, "  "), None);
    }

    #[test]
    fn instructions_follow_the_seed() {
        let i = GateResponse::Issues("x".into()).resume_instructions(GateKind::HumanVerify);
        assert!(i.contains("Fix these issues first") && i.contains("verify again"));
        let d = GateResponse::Choice("redis".into()).resume_instructions(GateKind::Decision);
        assert!(d.contains("Implement the chosen option") && d.contains("redis"));
        let a = GateResponse::Done.resume_instructions(GateKind::HumanAction);
        assert!(a.contains("check that it took effect"));
        assert!(GateResponse::Approved
            .resume_instructions(GateKind::HumanVerify)
            .contains("Continue"));
    }

    #[test]
    fn skip_and_abort_give_up_and_anything_else_answers() {
        let read = |k, t| Answer::read(k, t);
        assert_eq!(read(GateKind::Decision, " Skip "), Some(Answer::Skip));
        assert_eq!(read(GateKind::HumanVerify, "abort"), Some(Answer::Abort));
        assert_eq!(read(GateKind::HumanVerify, "  "), None, "ask again");
        assert_eq!(
            read(GateKind::HumanAction, "done."),
            Some(Answer::Respond {
                response: GateResponse::Done
            })
        );
        assert_eq!(
            read(GateKind::Decision, "skip the cache"),
            Some(Answer::Respond {
                response: GateResponse::Choice("skip the cache".into())
            })
        );
        use crate::execute::Verification;
        assert_eq!(Verification::read("LGTM"), Some(Verification::Approved));
        assert_eq!(
            Verification::read(" the logo is cut off "),
            Some(Verification::Issues("the logo is cut off".into()))
        );
        assert_eq!(Verification::read(""), None);
        use crate::execute::FailureChoice;
        assert_eq!(
            FailureChoice::read(Some(" Continue ")),
            FailureChoice::Continue
        );
        assert_eq!(FailureChoice::read(Some("maybe")), FailureChoice::Stop);
        assert_eq!(FailureChoice::read(None), FailureChoice::Stop);
    }
}
