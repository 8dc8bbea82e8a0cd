//! The questions renn asks the user — a gate, a failure, the proof's human
//! verification — and how an answer reaches the machine. What an answer means is the
//! core's (`gate::Answer`, `FailureChoice::read`, `Verification::read`); here it is asked,
//! taken from `--respond`, or left waiting for one.

use super::*;

impl Host<'_> {
    /// On a terminal the user answers now; otherwise the gate is recorded and renn
    /// exits for `--respond` (the runner's output is kept for the continuation).
    pub(super) fn ask_gate(
        &mut self,
        run: &RunId,
        gate: &returns::GateReached,
        queue: &mut VecDeque<Event>,
    ) -> Result<()> {
        if let Some(output) = self.outputs.get(&run.to_string()).cloned() {
            self.record_gate(run, &output)?;
        }
        self.gate_question(run, gate, queue)
    }

    /// The answer from `--respond`, or the question. A view that asks in the background
    /// (the live view) gets one question at a time while agents go on; the answer comes
    /// back through [`Host::poll_gate_answer`].
    fn gate_question(
        &mut self,
        run: &RunId,
        gate: &returns::GateReached,
        queue: &mut VecDeque<Event>,
    ) -> Result<()> {
        let answer = match self.respond.take() {
            Some((id, text)) if RunId::parse(&id).as_ref() == Some(run) => Some(text),
            other => {
                self.respond = other;
                let question = Question::Gate {
                    run: run.to_string(),
                    gate: gate.gate,
                    details: gate.details.clone(),
                    text: format!("Your answer for {run} (\"approved\", \"done\", a choice, the issues; or skip / abort):"),
                };
                if self.open_gate.is_some() {
                    self.waiting_gates.push_back((run.clone(), gate.clone()));
                    return Ok(());
                }
                if self.ui.ask_begin(&question) {
                    self.open_gate = Some((run.clone(), gate.clone()));
                    return Ok(());
                }
                self.ui.ask(&question)
            }
        };
        self.gate_answered(run, gate, answer, queue)
    }

    /// The open gate question's answer, if it has come; then the next question.
    pub(super) fn poll_gate_answer(&mut self, queue: &mut VecDeque<Event>) -> Result<()> {
        if self.open_gate.is_some() {
            let Some(answer) = self.ui.answer(Duration::ZERO) else {
                return Ok(());
            };
            let (run, gate) = self.open_gate.take().expect("a gate question is open");
            self.gate_answered(&run, &gate, answer, queue)?;
        }
        if self.open_gate.is_none() {
            if let Some((run, gate)) = self.waiting_gates.pop_front() {
                self.gate_question(&run, &gate, queue)?;
            }
        }
        Ok(())
    }

    fn gate_answered(
        &mut self,
        run: &RunId,
        gate: &returns::GateReached,
        answer: Option<String>,
        queue: &mut VecDeque<Event>,
    ) -> Result<()> {
        let Some(text) = answer else {
            self.parked = true;
            self.ui.text(&format!(
                "Gate waiting: resume with `renn run-stage {} --respond {run} \"approved\"` (or the issues, or the chosen option).",
                self.opts.stage
            ));
            return Ok(());
        };
        let Some(answer) = Answer::read(gate.gate, &text) else {
            return self.gate_question(run, gate, queue);
        };
        if let Answer::Respond { .. } = answer {
            // Kept until the continuation has finished: a renn killed meanwhile
            // starts it again with this answer.
            self.record_answer(run, &text)?;
        }
        queue.push_back(Event::answered(run.clone(), answer));
        Ok(())
    }

    /// "Retry, continue, stop, or show the log?" — the log is shown here and the
    /// question asked again; the other answers are the core's to read.
    pub(super) fn ask_failure(&mut self, failed: &[(RunId, String)], queue: &mut VecDeque<Event>) {
        let list: Vec<String> = failed
            .iter()
            .map(|(r, why)| format!("{r}: {why}"))
            .collect();
        loop {
            let answer = self.ui.ask(&Question::Failure {
                failed: (failed.iter())
                    .map(|(run, why)| FailedRun { run: run.to_string(), why: why.clone() })
                    .collect(),
                text: format!(
                    "Failed: {}. [r]etry them, [c]ontinue with the remaining batches (their dependents are skipped), [s]top, or show the [l]og? [r/c/s/l]:",
                    list.join("; ")
                ),
            });
            if matches!(answer.as_deref().map(str::trim), Some("l" | "log")) {
                for (run, _) in failed {
                    self.show_log_tail(run);
                }
                continue;
            }
            let choice = execute::FailureChoice::read(answer.as_deref());
            queue.push_back(Event::FailureChosen { choice });
            return;
        }
    }

    /// The end of the run's latest agent log.
    fn show_log_tail(&mut self, run: &RunId) {
        let label = run.to_string();
        let n = self.attempts.get(&label).copied().unwrap_or(1);
        let rel = format!("{}/logs/{label}-{n}.log", self.plan.stage.dir);
        let text = self.read(&rel).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(30)..].join("\n");
        self.ui
            .text(&format!("── {rel} (last 30 lines) ──\n{tail}\n"));
    }

    pub(super) fn ask_verification(&mut self, checklist: &[String], queue: &mut VecDeque<Event>) {
        let answer = match self.respond.take() {
            Some((id, text)) if id == "verification" => Some(text),
            other => {
                self.respond = other;
                self.ui.ask(&Question::Verification {
                    checks: checklist.to_vec(),
                    text: format!(
                        "{} item(s) to verify by hand. \"approved\", or describe the issues:",
                        checklist.len()
                    ),
                })
            }
        };
        let Some(verification) = answer.as_deref().and_then(execute::Verification::read) else {
            self.parked = true;
            self.ui.text(&format!(
                "Human verification waiting: resume with `renn run-stage {} --respond verification \"approved\"` (or the issues).",
                self.opts.stage
            ));
            return;
        };
        queue.push_back(Event::HumanVerified { verification });
    }
}
