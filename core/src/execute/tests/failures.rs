//! A failed agent: its own last lines in the reason, retries with backoff when the API
//! turned it away for the moment, and a stop of the stage when it cannot authenticate.

use super::*;
use crate::config::Retries;

fn failed(d: &mut Driver, n: u32, stderr: &str) -> Vec<Action> {
    d.send(Event::RunnerExited {
        run: id(n),
        output: String::new(),
        exit: Exit::Failed { code: Some(1) },
        stderr: stderr.into(),
    })
}

fn retries(attempts: u32) -> Settings {
    Settings {
        retries: Retries {
            attempts,
            backoff_secs: 5,
            max_backoff_secs: 8,
        },
        ..settings()
    }
}

#[test]
fn a_failure_shows_the_agents_last_lines() {
    let plan = plan_of(&[(1, 1), (2, 1)], &[]);
    let mut d = Driver::new(&plan, settings());
    d.send(Event::Start);
    failed(&mut d, 1, "starting\nError: tool crashed\nat main.js:3\n");
    assert_eq!(
        d.state.run(&id(1)).unwrap().failure.as_deref(),
        Some("the runner exited with status 1: starting / Error: tool crashed / at main.js:3")
    );
}

#[test]
fn an_overloaded_api_is_retried_with_growing_backoff_then_fails() {
    let plan = plan_of(&[(1, 1), (2, 1)], &[]);
    let mut d = Driver::new(&plan, retries(2));
    d.send(Event::Start);
    let delays: Vec<u64> = (0..2)
        .map(|_| {
            let a = failed(&mut d, 1, "API Error: 529 Overloaded");
            assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Running);
            a.iter()
                .find_map(|a| match a {
                    Action::SpawnRunner {
                        run,
                        prompt: PromptSpec::Runner,
                        after_secs,
                    } if run == &id(1) => Some(*after_secs),
                    _ => None,
                })
                .expect("started again")
        })
        .collect();
    assert_eq!(delays, [5, 8], "doubling, capped");
    let a = failed(&mut d, 1, "API Error: 529 Overloaded");
    assert!(spawned(&a).is_empty(), "out of retries");
    let run = d.state.run(&id(1)).unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert!(run
        .failure
        .as_deref()
        .unwrap()
        .ends_with("API Error: 529 Overloaded"));
}

#[test]
fn a_retried_run_that_then_completes_is_done() {
    let plan = plan_of(&[(1, 1)], &[]);
    let mut d = Driver::new(&plan, retries(3));
    d.send(Event::Start);
    let a = failed(&mut d, 1, "API Error: 429 rate_limit_error");
    assert!(a.iter().any(|a| matches!(
        a,
        Action::Notify(Notice::RunRetrying {
            attempt: 1,
            after_secs: 5,
            ..
        })
    )));
    d.complete(1);
    assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Done);
}

#[test]
fn an_agent_that_cannot_authenticate_stops_the_stage_at_once() {
    let plan = plan_of(&[(1, 1), (2, 1), (3, 2)], &[]);
    let mut d = Driver::new(&plan, retries(3));
    d.send(Event::Start);
    let a = failed(&mut d, 1, "Invalid API key · Fix external API key");
    assert!(spawned(&a).is_empty(), "no retry, no next run");
    match finished(&a) {
        Some(Outcome::Stopped { reason }) => {
            assert!(
                reason.starts_with("the agent could not authenticate"),
                "{reason}"
            );
            assert!(reason.contains("Invalid API key"), "{reason}");
        }
        other => panic!("expected a stop, got {other:?}"),
    }
    assert!(d.state.is_finished());
}

#[test]
fn a_timeout_is_not_retried_even_with_api_words_in_its_output() {
    let plan = plan_of(&[(1, 1), (2, 1)], &[]);
    let mut d = Driver::new(&plan, retries(3));
    d.send(Event::Start);
    let a = d.send(Event::RunnerExited {
        run: id(1),
        output: String::new(),
        exit: Exit::TimedOut { seconds: 9 },
        stderr: "retrying after 529 overloaded".into(),
    });
    assert!(spawned(&a).is_empty());
    assert_eq!(d.state.run(&id(1)).unwrap().status, RunStatus::Failed);
}
