//! Why an agent failed, from its own last words. Agent CLIs exit 1 for everything; what
//! went wrong is in the last lines they print (`Invalid API key · Fix external API
//! key`, `API Error: 529 Overloaded`, `ECONNREFUSED`). renn shows those lines with the
//! failure, stops the stage at once when the agent cannot authenticate (every other run
//! would fail the same way), and retries a run the API turned away for the moment.

use serde::{Deserialize, Serialize};

/// A failure of the vendor's API, as an agent CLI reports it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum ApiFailure {
    /// 401/403, an invalid key, no login: no run can succeed until the user fixes it.
    Unauthorized,
    /// 429, quota: try again later.
    RateLimited,
    /// 529/503/5xx, "overloaded": try again later.
    Overloaded,
    /// Connection refused, DNS, a proxy down: try again later.
    Unreachable,
}

impl ApiFailure {
    /// Whether waiting and starting the run again can help.
    pub fn is_transient(self) -> bool {
        !matches!(self, ApiFailure::Unauthorized)
    }

    pub fn describe(self) -> &'static str {
        match self {
            ApiFailure::Unauthorized => "the agent could not authenticate with its API",
            ApiFailure::RateLimited => "the API rate-limited the agent",
            ApiFailure::Overloaded => "the API was overloaded",
            ApiFailure::Unreachable => "the agent could not reach its API",
        }
    }
}

/// What an agent's output says about its failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub api: Option<ApiFailure>,
    /// Its last meaningful lines (stderr first, else stdout), at most [`LAST_LINES`].
    pub last_lines: Vec<String>,
}

pub const LAST_LINES: usize = 3;

/// Lines agent CLIs print on every run, which say nothing about a failure.
const NOISE: &[&str] = &[
    "YOLO mode is enabled",
    "Ripgrep is not available",
    "256-color support not detected",
    "Loaded cached credentials",
    "could not create PATH aliases",
];

/// Words of an API failure a person understands ("The model is overloaded", "API key not
/// valid", "fetch failed"): the lines to show first.
const TELLING: &[&str] = &[
    "api key",
    "api error",
    "overloaded",
    "capacity",
    "quota",
    "rate limit",
    "rate_limit",
    "too many requests",
    "unauthorized",
    "unauthenticated",
    "not logged in",
    "refused",
    "fetch failed",
    "unable to connect",
    "unavailable",
    "not valid",
    "permission",
];
/// Words of any failure.
const FAILING: &[&str] = &[
    "error",
    "fail",
    "invalid",
    "denied",
    "timed out",
    "panic",
    "fatal",
];

/// Reads the end of an agent's stdout and stderr.
pub fn diagnose(stdout: &str, stderr: &str) -> Diagnosis {
    let mut last_lines = telling_lines(stderr);
    if last_lines.is_empty() {
        last_lines = telling_lines(stdout);
    }
    // Classify on more than is shown: a stack dump can push the status line far up.
    let text =
        format!("{}\n{}", tail(stderr, 16 * 1024), tail(stdout, 16 * 1024)).to_ascii_lowercase();
    Diagnosis {
        api: classify(&text),
        last_lines,
    }
}

/// The last [`LAST_LINES`] lines that say most about a failure: lines with an API
/// failure's words if there are any, else lines with any failure's words, else the
/// last lines. Stack frames, lone brackets and known noise never count.
fn telling_lines(text: &str) -> Vec<String> {
    let lines: Vec<String> = text
        .lines()
        .map(|l| strip_ansi(l).trim().to_string())
        .filter(|l| !is_filler(l))
        .collect();
    let score = |l: &str| {
        let l = l.to_ascii_lowercase();
        if TELLING.iter().any(|w| l.contains(w)) {
            2
        } else if FAILING.iter().any(|w| l.contains(w)) {
            1
        } else {
            0
        }
    };
    let best = lines.iter().map(|l| score(l)).max().unwrap_or(0);
    let chosen: Vec<String> = lines.into_iter().filter(|l| score(l) == best).collect();
    chosen[chosen.len().saturating_sub(LAST_LINES)..].to_vec()
}

fn is_filler(line: &str) -> bool {
    line.is_empty()
        || NOISE.iter().any(|n| line.contains(n))
        || line.starts_with("at ")
        || line.chars().all(|c| "{}[](),;".contains(c))
        || line.contains("[object Object]")
        || is_dumped_field(line)
}

/// A field of an object a CLI dumped (`status: 503,`, `code: 'UNAVAILABLE'`): its
/// message line says the same in words.
fn is_dumped_field(line: &str) -> bool {
    let Some((key, value)) = line.split_once(": ") else {
        return false;
    };
    let value = value.trim_end_matches(',');
    let quoted = value.len() >= 2
        && (value.starts_with('\'') && value.ends_with('\'')
            || value.starts_with('"') && value.ends_with('"'));
    let key_ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '"');
    key_ok && (quoted || value.parse::<f64>().is_ok())
}

/// The last `max` bytes of `text`, cut at a character boundary.
fn tail(text: &str, max: usize) -> &str {
    let start = text.len().saturating_sub(max);
    let start = (start..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    &text[start..]
}

fn classify(text: &str) -> Option<ApiFailure> {
    let any = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let code = |codes: &[&str]| codes.iter().any(|c| has_code(text, c));
    if any(&[
        "invalid api key",
        "invalid x-api-key",
        "authentication_error",
        "api key not valid",
        "unauthenticated",
        "please run /login",
        "not logged in",
        "oauth token has expired",
        "incorrect api key",
    ]) || code(&["401", "403"]) && any(&["unauthorized", "forbidden", "api", "status"])
    {
        return Some(ApiFailure::Unauthorized);
    }
    if any(&[
        "rate_limit",
        "rate limit",
        "too many requests",
        "resource_exhausted",
    ]) || code(&["429"])
    {
        return Some(ApiFailure::RateLimited);
    }
    if any(&[
        "overloaded",
        "at capacity",
        "service unavailable",
        "internal server error",
        "bad gateway",
    ]) || code(&["529", "503", "502", "500"]) && any(&["api", "status", "error"])
    {
        return Some(ApiFailure::Overloaded);
    }
    if any(&[
        "econnrefused",
        "connection refused",
        "unable to connect",
        "fetch failed",
        "enotfound",
        "econnreset",
        "etimedout",
        "could not resolve host",
        "connection error",
        "error sending request",
        "stream disconnected",
    ]) {
        return Some(ApiFailure::Unreachable);
    }
    None
}

/// `code` standing alone as a number (not inside `14012` or a hash).
fn has_code(text: &str, code: &str) -> bool {
    text.match_indices(code).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + code.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// Terminal colour codes some CLIs print even into a pipe.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_cli_messages_are_classified() {
        let cases = [
            (
                "Invalid API key · Fix external API key",
                ApiFailure::Unauthorized,
            ),
            (
                "API Error: 401 {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\"}}",
                ApiFailure::Unauthorized,
            ),
            ("API Error: 529 Overloaded", ApiFailure::Overloaded),
            (
                "ERROR: unexpected status 503 Service Unavailable",
                ApiFailure::Overloaded,
            ),
            ("API Error: 429 rate_limit_error", ApiFailure::RateLimited),
            (
                "[API Error: {\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}]",
                ApiFailure::RateLimited,
            ),
            (
                "API Error: Unable to connect to API (ECONNREFUSED)",
                ApiFailure::Unreachable,
            ),
            ("TypeError: fetch failed", ApiFailure::Unreachable),
            (
                "ERROR: Selected model is at capacity. Please try a different model.",
                ApiFailure::Overloaded,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(diagnose("", text).api, Some(want), "{text}");
            assert_eq!(diagnose(text, "").api, Some(want), "{text} on stdout");
        }
    }

    #[test]
    fn ordinary_failures_are_not_api_failures() {
        for text in [
            "error[E0425]: cannot find value `x` in this scope",
            "test result: FAILED. 3 passed; 1 failed",
            "commit 4012abc: file 14013.txt",
        ] {
            assert_eq!(diagnose("", text).api, None, "{text}");
        }
    }

    #[test]
    fn the_last_lines_skip_noise_and_colour_and_prefer_stderr() {
        let stderr = "YOLO mode is enabled.\nstarting\n\u{1b}[31mboom\u{1b}[0m\n\n";
        let d = diagnose("some answer", stderr);
        assert_eq!(d.last_lines, ["starting", "boom"]);
        let d = diagnose("a\nb\nc\nd\n", "Ripgrep is not available.\n");
        assert_eq!(d.last_lines, ["b", "c", "d"]);
    }

    #[test]
    fn the_telling_line_of_a_stack_dump_is_shown() {
        // gemini-cli 0.61 on a persistent 503: its message, then the dumped error.
        let stderr = "Attempt 1 failed with status 503. Retrying with backoff...\n\
            [API Error: The model is overloaded. Please try again later.]\n\
            An unexpected critical error occurred:[object Object]\n\
            {\n  status: 503,\n  code: 'UNAVAILABLE'\n}\n    at retryWithBackoff (file:///x/bundle.js:10:5)\n";
        let d = diagnose("", stderr);
        assert_eq!(d.api, Some(ApiFailure::Overloaded));
        assert_eq!(
            d.last_lines,
            ["[API Error: The model is overloaded. Please try again later.]"]
        );
        let d = diagnose("", "starting\nError: tool crashed\n    at main.js:3\n");
        assert_eq!(d.last_lines, ["Error: tool crashed"]);
    }

    #[test]
    fn an_auth_message_far_above_a_long_dump_is_still_found() {
        let dump = "    at frame (file.js:1:1)\n".repeat(400);
        let stderr =
            format!("[API Error: API key not valid. Please pass a valid API key.]\n{dump}");
        assert_eq!(diagnose("", &stderr).api, Some(ApiFailure::Unauthorized));
    }
}
