//! The commands around a stage's execution — `init`, `clean`, `doctor`, `logs` — as
//! functions returning typed reports. They hold every decision and every file, git
//! and process access of these commands, so the `renn` binary only parses arguments
//! and prints, and a binding can call the same functions and get the same values
//! (the `--json` shapes; `schema/{init,clean,doctor,logs}.json`).

pub mod clean;
pub mod doctor;
pub mod init;
pub mod logs;

pub use clean::{clean_plan, CleanItem, CleanKind, CleanPlan, CleanReport};
pub use doctor::{doctor, Check, CheckStatus, DoctorReport};
pub use init::{init, InitReport};
pub use logs::{agent_logs, AgentLogs, Followed, LogShown};
