//! `renn doctor` for a project whose runs travel (isolation `clone`,
//! docs/spec.md#runtimes): the engine answers, the image is there, the template
//! renders, the remote takes a push. Each question is the engine's own command, bounded
//! in time like the agent's `--version`.

use super::version::output;
use super::{check, Check, CheckStatus};
use renn_core::config::{Isolation, Runtime, RuntimeKind};
use renn_core::Project;
use std::ffi::OsStr;
use std::path::Path;

pub(super) fn checks(root: &Path, project: &Project) -> Vec<Check> {
    let config = project.config();
    if config.isolation != Isolation::Clone {
        return Vec::new();
    }
    let rt = &config.agent.runtime;
    let mut out = engine(root, rt);
    out.push(remote(root, project.vocab().dir, rt));
    out
}

fn run(argv: &[&str]) -> Result<String, String> {
    output(OsStr::new(argv[0]), &argv[1..])
}

fn name(rt: &Runtime) -> String {
    format!("runtime ({})", rt.kind.as_str())
}

fn engine(root: &Path, rt: &Runtime) -> Vec<Check> {
    let name = name(rt);
    match rt.kind {
        RuntimeKind::Local => vec![check(
            &name,
            CheckStatus::Ok,
            "jobs run here, as child processes",
        )],
        RuntimeKind::Podman | RuntimeKind::Docker => vec![container(&name, rt)],
        RuntimeKind::Slurm => vec![slurm(&name, rt)],
        RuntimeKind::Kubernetes => kubernetes(root, &name, rt),
        RuntimeKind::Ssh => rt.hosts.iter().map(|h| ssh(rt, h)).collect(),
    }
}

fn container(name: &str, rt: &Runtime) -> Check {
    let engine = rt.kind.as_str();
    let image = rt.image.as_deref().unwrap_or_default();
    let version = match run(&[engine, "version", "--format", "{{.Client.Version}}"]) {
        Ok(v) => v.trim().to_string(),
        Err(e) => {
            return check(name, CheckStatus::Fail, format!("`{engine} version`: {e}"))
                .hint(format!("install {engine}, or choose another agent.runtime"))
        }
    };
    let present = match rt.kind {
        RuntimeKind::Podman => run(&[engine, "image", "exists", image]),
        _ => run(&[engine, "image", "inspect", "--format", "{{.Id}}", image]),
    };
    match present {
        Ok(_) => check(
            name,
            CheckStatus::Ok,
            format!("{engine} {version}, image {image} present"),
        ),
        Err(_) => check(
            name,
            CheckStatus::Fail,
            format!("{engine} {version}: image {image} is not present"),
        )
        .hint(format!(
            "`{engine} pull {image}` or build it; jobs never pull on their own"
        )),
    }
}

fn slurm(name: &str, rt: &Runtime) -> Check {
    let partitions = match run(&["sinfo", "--noheader", "--format=%P %a %D"]) {
        Ok(p) => p,
        Err(e) => {
            return check(name, CheckStatus::Fail, format!("`sinfo`: {e}"))
                .hint("Slurm's client commands must reach slurmctld from this machine")
        }
    };
    let listed: Vec<String> = (partitions.lines())
        .filter_map(|l| l.split_whitespace().next())
        .map(|p| p.trim_end_matches('*').to_string())
        .collect();
    match &rt.partition {
        Some(p) if !listed.contains(p) => check(
            name,
            CheckStatus::Fail,
            format!(
                "partition `{p}` is not among Slurm's: {}",
                listed.join(", ")
            ),
        )
        .hint("set agent.runtime.partition to one of them"),
        p => check(
            name,
            CheckStatus::Ok,
            format!(
                "slurmctld answers; jobs go to partition {}",
                p.as_deref().unwrap_or("(the default)")
            ),
        ),
    }
}

fn kubernetes(root: &Path, name: &str, rt: &Runtime) -> Vec<Check> {
    let mut kubectl: Vec<&str> = vec!["kubectl"];
    kubectl.extend(rt.args.iter().map(String::as_str));
    if let Some(ns) = &rt.namespace {
        kubectl.extend(["--namespace", ns]);
    }
    let can = [kubectl.as_slice(), &["auth", "can-i", "create", "jobs"]].concat();
    let cluster = match run(&can) {
        Ok(answer) if answer.trim() == "yes" => {
            check(name, CheckStatus::Ok, "the cluster answers: Jobs can be created")
        }
        Ok(answer) => check(name, CheckStatus::Fail, format!("`kubectl auth can-i create jobs`: {}", answer.trim()))
            .hint("the kubectl context renn uses must be allowed to create, get and delete Jobs and read their pods' logs"),
        Err(e) => check(name, CheckStatus::Fail, format!("`kubectl auth can-i create jobs`: {e}"))
            .hint("install kubectl and point it at the cluster (agent.runtime.args takes `--context=…`)"),
    };
    let template = match &rt.template {
        None => check("job template", CheckStatus::Ok, "renn's own"),
        Some(rel) => match std::fs::read_to_string(root.join(rel)) {
            Err(e) => check("job template", CheckStatus::Fail, format!("{rel}: {e}")),
            Ok(text) => {
                let values = [("command", serde_json::json!(["bash", "-c", "true"]))]
                    .into_iter()
                    .chain(
                        ["name", "image", "env", "namespace"].map(|k| (k, serde_json::json!(""))),
                    )
                    .collect::<Vec<_>>();
                match crate::runtime::kubernetes_manifest(&text, &values) {
                    Ok(_) => check("job template", CheckStatus::Ok, format!("{rel} renders")),
                    Err(e) => check("job template", CheckStatus::Fail, format!("{rel}: {e}")),
                }
            }
        },
    };
    vec![cluster, template]
}

fn ssh(rt: &Runtime, host: &str) -> Check {
    let name = format!("runtime (ssh {host})");
    let mut argv: Vec<&str> = vec!["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5"];
    argv.extend(rt.args.iter().map(String::as_str));
    argv.extend([host, "git", "--version"]);
    match run(&argv) {
        Ok(v) => check(&name, CheckStatus::Ok, format!("reachable, {}", v.trim())),
        Err(e) => check(
            &name,
            CheckStatus::Fail,
            format!("`ssh {host} git --version`: {e}"),
        )
        .hint(
            "renn logs in without a password (BatchMode): the host needs this user's key, and git",
        ),
    }
}

/// The remote jobs clone from: renn's own bare repository (created on first use), a
/// path, or a URL, which must accept a (dry-run) push.
fn remote(root: &Path, dir: &str, rt: &Runtime) -> Check {
    let Some(remote) = &rt.remote else {
        let shown = format!("{dir}/remote.git");
        let probe = root.join(dir);
        let writable = std::fs::metadata(&probe).is_ok_and(|m| !m.permissions().readonly());
        return if writable {
            check(
                "remote",
                CheckStatus::Ok,
                format!("{shown} (renn's own, by path)"),
            )
        } else {
            check(
                "remote",
                CheckStatus::Fail,
                format!("cannot create {shown}: {dir}/ is not writable"),
            )
        };
    };
    // A dry-run push asks the remote for write access (receive-pack) without writing.
    let root = root.display().to_string();
    let probe = [
        "git",
        "-C",
        &root,
        "push",
        "--dry-run",
        "--quiet",
        "--no-verify",
        "--end-of-options",
        remote,
        "HEAD:refs/renn/doctor-probe",
    ];
    match run(&probe) {
        Ok(_) => check("remote", CheckStatus::Ok, format!("{remote} accepts a push")),
        Err(e) => check("remote", CheckStatus::Fail, format!("`git push --dry-run {remote}`: {e}"))
            .hint("the remote must be reachable, with write access, from this machine and from every worker"),
    }
}
