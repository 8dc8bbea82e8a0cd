use super::*;
use renn_core::config::Runtime;
use std::path::PathBuf;

fn job<'a>(rt: &'a Runtime, dir: &'a Path, mounts: &'a [&'a Path], env: &'a [String]) -> Job<'a> {
    Job {
        name: "renn-p-03-01-1",
        dir,
        script: "echo 'the job'\n",
        mounts,
        env,
        slot: 0,
        template: None,
        runtime: rt,
    }
}

fn file<'a>(r: &'a Rendered, name: &str) -> &'a str {
    (r.files.iter().find(|(n, _)| *n == name))
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no {name} in {:?}", r.files))
}

#[test]
fn a_container_gets_the_job_dir_the_remote_and_named_variables_only() {
    let rt = Runtime {
        kind: RuntimeKind::Podman,
        image: Some("localhost/agent:1".into()),
        args: vec!["--network".into(), "none".into()],
        ..Runtime::default()
    };
    let (dir, remote) = (
        PathBuf::from("/p/.renn/jobs/03-01-1"),
        PathBuf::from("/p/.renn/remote.git"),
    );
    let env = ["ANTHROPIC_API_KEY".to_string()];
    let r = command(&job(&rt, &dir, &[&remote], &env)).unwrap();
    assert_eq!(
        r.argv.join(" "),
        "podman run --rm --name renn-p-03-01-1 --label renn=job \
         --volume /p/.renn/jobs/03-01-1:/p/.renn/jobs/03-01-1 \
         --volume /p/.renn/remote.git:/p/.renn/remote.git --env ANTHROPIC_API_KEY \
         --network none localhost/agent:1 bash /p/.renn/jobs/03-01-1/job.sh"
    );
    assert!(r.files.is_empty());
    let no_image = Runtime {
        image: None,
        ..rt.clone()
    };
    assert!(command(&job(&no_image, &dir, &[], &[]))
        .unwrap_err()
        .contains("image"));
    assert_eq!(
        cancel(&rt, "renn-p-03-01-1")[0].join(" "),
        "podman rm --force --ignore renn-p-03-01-1"
    );
}

#[test]
fn slurm_runs_the_script_attached_in_the_partition_or_through_sbatch_wait() {
    let rt = Runtime {
        kind: RuntimeKind::Slurm,
        partition: Some("debug".into()),
        args: vec!["--cpus-per-task=1".into()],
        ..Runtime::default()
    };
    let dir = PathBuf::from("/shared/p/.renn/jobs/03-01-1");
    let r = command(&job(&rt, &dir, &[], &[])).unwrap();
    assert_eq!(
        r.argv.join(" "),
        "env -u RENN_AGENT_TOKEN srun --job-name renn-p-03-01-1 --partition=debug --nodes=1 --ntasks=1 --quiet \
         --cpus-per-task=1 bash /shared/p/.renn/jobs/03-01-1/job.sh"
    );
    assert_eq!(
        cancel(&rt, "renn-p-03-01-1")[0].join(" "),
        "scancel --name renn-p-03-01-1"
    );
    let sbatch = Runtime {
        submit: renn_core::config::Submit::Sbatch,
        ..rt
    };
    let r = command(&job(&sbatch, &dir, &[], &[])).unwrap();
    assert_eq!(r.argv, ["bash", "/shared/p/.renn/jobs/03-01-1/submit.sh"]);
    assert!(file(&r, "submit.sh").contains(
        "env -u RENN_AGENT_TOKEN sbatch --wait --quiet --job-name renn-p-03-01-1 --partition=debug \
         --output=\"$out\" --error=\"$err\" --cpus-per-task=1 /shared/p/.renn/jobs/03-01-1/job.sh"
    ));
    assert_eq!(
        parse_list("renn-p-03-01-1\nother\n", "renn-p-"),
        ["renn-p-03-01-1"]
    );
}

#[test]
fn a_kubernetes_job_carries_the_script_and_reads_credentials_from_a_secret() {
    let rt = Runtime {
        kind: RuntimeKind::Kubernetes,
        image: Some("ghcr.io/acme/agent:2".into()),
        namespace: Some("ci".into()),
        args: vec!["--context=prod".into()],
        ..Runtime::default()
    };
    let dir = PathBuf::from("/p/.renn/jobs/03-01-1");
    let env = ["ANTHROPIC_API_KEY".to_string()];
    let r = command(&job(&rt, &dir, &[], &env)).unwrap();
    let manifest = file(&r, "job.yaml");
    assert!(
        manifest.contains("name: \"renn-p-03-01-1\"\n"),
        "{manifest}"
    );
    assert!(
        manifest.contains(r#"command: ["bash","-c","echo 'the job'\n"]"#),
        "{manifest}"
    );
    assert!(
        manifest.contains(r#"env: [{"name":"ANTHROPIC_API_KEY","valueFrom":{"secretKeyRef":{"name":"renn-agent","key":"ANTHROPIC_API_KEY"}}}]"#),
        "{manifest}"
    );
    let driver = file(&r, "submit.sh");
    assert!(
        driver.contains("k() { kubectl --context=prod --namespace ci \"$@\"; }"),
        "{driver}"
    );
    assert!(
        driver.contains("k apply --filename /p/.renn/jobs/03-01-1/job.yaml"),
        "{driver}"
    );
    assert_eq!(
        cancel(&rt, "renn-p-03-01-1")[0].join(" "),
        "kubectl --context=prod --namespace ci delete job renn-p-03-01-1 --ignore-not-found --wait=false"
    );
    assert_eq!(
        parse_list("job.batch/renn-p-03-01-1\njob.batch/other\n", "renn-p-"),
        ["renn-p-03-01-1"]
    );
}

#[test]
fn a_job_template_must_run_renns_command_and_name_only_known_placeholders() {
    let values = [
        ("name", serde_json::json!("x")),
        ("command", serde_json::json!(["a"])),
    ];
    assert_eq!(
        kubernetes::manifest("n: {{ name }}\nc: {{command}}\n", &values).unwrap(),
        "n: \"x\"\nc: [\"a\"]\n"
    );
    let e = kubernetes::manifest("n: {{name}}\n", &values).unwrap_err();
    assert!(e.contains("no `{{command}}`"), "{e}");
    let e = kubernetes::manifest("c: {{command}} {{cpu}}\n", &values).unwrap_err();
    assert!(e.contains("unknown placeholder `{{cpu}}`"), "{e}");
    let e = kubernetes::manifest("c: {{command", &values).unwrap_err();
    assert!(e.contains("without its `}}`"), "{e}");
}

#[test]
fn ssh_takes_the_hosts_in_turn_and_sends_variables_over_the_connection() {
    let rt = Runtime {
        kind: RuntimeKind::Ssh,
        hosts: vec!["build1".into(), "build2".into()],
        args: vec!["-p".into(), "2222".into()],
        ..Runtime::default()
    };
    let dir = PathBuf::from("/p/.renn/jobs/03-01-1");
    let env = ["ANTHROPIC_API_KEY".to_string()];
    let hosts: Vec<String> = (0..3)
        .map(|slot| {
            let j = Job {
                slot,
                ..job(&rt, &dir, &[], &env)
            };
            let r = command(&j).unwrap();
            let driver = file(&r, "submit.sh").to_string();
            assert!(
                driver.contains("for v in ANTHROPIC_API_KEY; do"),
                "{driver}"
            );
            assert!(!driver.contains("secret"), "{driver}");
            driver.lines().last().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        hosts,
        [
            "} | ssh -o BatchMode=yes -p 2222 build1 bash -s",
            "} | ssh -o BatchMode=yes -p 2222 build2 bash -s",
            "} | ssh -o BatchMode=yes -p 2222 build1 bash -s",
        ]
    );
    let cancels = cancel(&rt, "renn-p-03-01-1");
    assert_eq!(cancels.len(), 2, "every host: {cancels:?}");
    assert!(cancels[1]
        .last()
        .unwrap()
        .contains("/tmp/renn-jobs/renn-p-03-01-1.pid"));
    assert_eq!(
        parse_list("renn-p-03-01-1.pid\n", "renn-p-"),
        ["renn-p-03-01-1"]
    );
}
