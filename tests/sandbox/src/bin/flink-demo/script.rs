//! The walk-through: each step prints the command as a user would type it, runs it through
//! `bash -c` with the plugin on PATH, shows its output and checks the expected outcome.

use std::io::IsTerminal;

use anyhow::{Context, bail};
use tokio::process::Command;

use crate::env::DemoEnv;

/// What a command is expected to do; anything else fails the demo.
#[derive(Clone, Copy)]
enum Expect {
    Success,
    /// Refused with this exit code (e.g. kubectl's 1 for an admission denial, the plugin's 2).
    Exit(i32),
}

struct Shell<'a> {
    env: &'a DemoEnv,
    bold: bool,
}

impl Shell<'_> {
    fn section(&self, title: &str, why: &str) {
        if self.bold {
            println!("\n\x1b[1;36m== {title}\x1b[0m");
        } else {
            println!("\n== {title}");
        }
        for line in why.lines() {
            println!("   {line}");
        }
    }

    /// Runs `cmd`, prints it and its output (stdout and stderr interleaved); returns that output.
    async fn run(
        &self,
        cmd: &str,
        expect: Expect,
        must_contain: &[&str],
    ) -> anyhow::Result<String> {
        if self.bold {
            println!("\x1b[1m$ {cmd}\x1b[0m");
        } else {
            println!("$ {cmd}");
        }
        let path = std::env::var("PATH").unwrap_or_default();
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("exec 2>&1\n{cmd}"))
            .env("PATH", format!("{}:{path}", self.env.bin_dir.display()))
            .env("KUBECONFIG", &self.env.kubeconfig)
            .env("FIXTURES", self.env.shared.join("fixtures/manifests"))
            .env_remove("RUST_LOG")
            .kill_on_drop(true)
            .output()
            .await
            .with_context(|| format!("running `{cmd}`"))?;
        // stderr is merged into stdout (`exec 2>&1`) so progress and results keep their order.
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        for line in stdout.lines() {
            println!("  {line}");
        }
        let code = out.status.code().unwrap_or(-1);
        match expect {
            Expect::Success if code != 0 => bail!("`{cmd}` failed with exit code {code}"),
            Expect::Exit(want) if code != want => {
                bail!("`{cmd}` exited {code}, expected {want}")
            }
            _ => {}
        }
        for needle in must_contain {
            if !stdout.contains(needle) {
                bail!("`{cmd}` output lacks {needle:?}");
            }
        }
        Ok(stdout)
    }
}

pub async fn run(env: &DemoEnv) -> anyhow::Result<()> {
    let sh = Shell {
        env,
        bold: std::io::stdout().is_terminal(),
    };
    println!("flink-savepoint demo");
    println!(
        "  API server : sandbox on loopback (KUBECONFIG={})",
        env.kubeconfig.display()
    );
    println!("  operator   : emulator (a controller over HTTPS), 20x accelerated");
    println!(
        "  webhook    : savepoint-webhook over HTTPS, registered from manifests/overlays/local"
    );
    println!(
        "  FIXTURES   : {}",
        env.shared.join("fixtures/manifests").display()
    );

    sh.section(
        "1. Load sample Flink resources",
        "An application cluster and a session cluster. The mutating webhook adds savepoint\nretention defaults where none are set.",
    );
    sh.run("kubectl create namespace analytics", Expect::Success, &[])
        .await?;
    sh.run(
        "kubectl apply -f $FIXTURES/flinkdeployment-application.yaml -f $FIXTURES/flinkdeployment-session.yaml",
        Expect::Success,
        &["orders-app", "shared-session"],
    )
    .await?;
    sh.run(
        "kubectl get flinkdeployment orders-app -n analytics -o jsonpath='{.spec.flinkConfiguration}{\"\\n\"}'",
        Expect::Success,
        &["kubernetes.operator.savepoint.history.max.age", "kubernetes.operator.savepoint.history.max.count"],
    )
    .await?;

    sh.section(
        "2. A session job may not choose its own savepoint directory",
        "The directory belongs to the session cluster; the validating webhook refuses the override.",
    );
    sh.run(
        "kubectl apply -f $FIXTURES/flinksessionjob-savepoint-dir-override.yaml",
        Expect::Exit(1),
        &[
            "denied the request",
            "state.savepoints.dir",
            "shared-session",
        ],
    )
    .await?;
    sh.run(
        "kubectl apply -f $FIXTURES/flinksessionjob-ok.yaml",
        Expect::Success,
        &["clicks-job"],
    )
    .await?;
    sh.run(
        "kubectl wait -n analytics --for=jsonpath='{.status.jobStatus.state}'=RUNNING flinkdeployment/orders-app flinksessionjob/clicks-job --timeout=60s",
        Expect::Success,
        &[],
    )
    .await?;

    sh.section(
        "3. Trigger savepoints and wait for them",
        "The default method bumps spec.job.savepointTriggerNonce (guarded by resourceVersion);\n--method snapshot creates a FlinkStateSnapshot. While it is written, the JobManager's progress\n(through the API server's service proxy); at the end, its size and duration.",
    );
    sh.run(
        "kubectl savepoint trigger app/orders-app -n analytics --wait --timeout 60s",
        Expect::Success,
        &["s3://my-bucket/flink-savepoints", "subtasks acknowledged"],
    )
    .await?;
    sh.run(
        "kubectl savepoint trigger job/clicks-job -n analytics --method snapshot --wait --timeout 60s",
        Expect::Success,
        &["s3://my-bucket/flink-savepoints"],
    )
    .await?;

    sh.section(
        "4. Savepoint history",
        "One LIST per kind; snapshot objects, legacy status and pending requests in one table.",
    );
    sh.run(
        "kubectl savepoint list -n analytics",
        Expect::Success,
        &["COMPLETED"],
    )
    .await?;

    sh.section(
        "5. Periodic savepoints and retention",
        "Values are checked with Flink's own grammars before anything is sent.",
    );
    sh.run(
        "kubectl savepoint schedule app/orders-app -n analytics --interval '0 0 */6 * * ?' --max-count 3",
        Expect::Success,
        &[],
    )
    .await?;
    sh.run(
        "kubectl savepoint schedule app/orders-app -n analytics",
        Expect::Success,
        &["0 0 */6 * * ?"],
    )
    .await?;
    sh.run(
        "kubectl savepoint schedule app/orders-app -n analytics --interval 'every 6 hours'",
        Expect::Exit(2),
        &["every 6 hours"],
    )
    .await?;

    sh.section(
        "6. Restore the job from its latest savepoint",
        "In place: initialSavepointPath plus a new savepointRedeployNonce (--yes skips the prompt).",
    );
    sh.run(
        "kubectl savepoint restore app/orders-app -n analytics --from latest --yes",
        Expect::Success,
        &[],
    )
    .await?;
    sh.run(
        "kubectl savepoint describe app/orders-app -n analytics",
        Expect::Success,
        &["orders-app"],
    )
    .await?;

    sh.section(
        "7. Recoverability at a glance",
        "Per job: newest savepoint, last checkpoint, next periodic savepoint, retention, MANUAL\nsnapshots no cleanup removes, recent failures, and a verdict (--exit-code for cron and CI).",
    );
    sh.run(
        "kubectl savepoint status -n analytics",
        Expect::Success,
        &["app/orders-app", "job/clicks-job", "VERDICT"],
    )
    .await?;
    Ok(())
}
