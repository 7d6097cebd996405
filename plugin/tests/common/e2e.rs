//! End-to-end helpers: the one kubectl runner of the plugin's tests (`kubectl savepoint …`, or any
//! kubectl command, through the real kubectl with the built plugin first on PATH), and the
//! sandbox's request log. Fixtures go through the API: see [`super::env`].

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use flink_sandbox::Sandbox;

/// One finished command.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts the exit code, printing both streams on mismatch.
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts exit 0 and returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        &self.stdout
    }
}

impl From<std::process::Output> for Out {
    fn from(out: std::process::Output) -> Self {
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// The directory holding the built plugin binary.
pub fn plugin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_kubectl-savepoint"))
        .parent()
        .expect("binary directory")
        .to_path_buf()
}

/// `PATH` with `dir` first.
pub fn path_with(dir: &Path) -> String {
    let old = std::env::var("PATH").unwrap_or_default();
    format!("{}:{old}", dir.display())
}

/// `kubectl savepoint ARGS --kubeconfig <sandbox>` (KUBECONFIG unset), stdin closed.
pub fn command(kubeconfig: &Path, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new("kubectl");
    cmd.arg("savepoint")
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .env("PATH", path_with(&plugin_dir()))
        .env_remove("KUBECONFIG")
        .env_remove("KUBECTL_SAVEPOINT_LOG")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// Runs `kubectl savepoint ARGS` to completion (hang guard: 120 s).
pub async fn kubectl(kubeconfig: &Path, args: &[&str]) -> Out {
    let child = command(kubeconfig, args).output();
    let out = tokio::time::timeout(Duration::from_secs(120), child)
        .await
        .expect("kubectl savepoint finished (hang guard)")
        .expect("kubectl is installed");
    out.into()
}

/// Runs `kubectl ARGS` (any kubectl command) with `KUBECONFIG=kubeconfig` and `dir` first on PATH,
/// stdin closed (hang guard: 120 s).
pub async fn run_kubectl(kubeconfig: &Path, args: &[&str], dir: &Path) -> Out {
    let child = tokio::process::Command::new("kubectl")
        .args(args)
        .env("PATH", path_with(dir))
        .env("KUBECONFIG", kubeconfig)
        .env_remove("KUBECTL_SAVEPOINT_LOG")
        .env("KUBECTL_SAVEPOINT_COMPLETION_TIMEOUT", "120")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(120), child)
        .await
        .expect("kubectl finished (hang guard)")
        .expect("kubectl must be installed")
        .into()
}

/// Awaits a spawned `kubectl savepoint` child.
pub async fn finish(child: tokio::process::Child) -> Out {
    let out = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("kubectl savepoint finished (hang guard)")
        .expect("kubectl ran");
    out.into()
}

/// Polls `check` every 20 ms until it returns `Some` (hang guard: 60 s).
pub async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The `lastReconciledSpec` string for a job with `nonce` reconciled.
pub fn reconciled(nonce: i64) -> String {
    format!(
        "{{\"spec\":{{\"job\":{{\"savepointTriggerNonce\":{nonce}}}}},\"resource_metadata\":{{\"apiVersion\":\"flink.apache.org/v1beta1\",\"firstDeployment\":false}}}}"
    )
}

/// Writes (non-GET) requests recorded by the sandbox, as `METHOD path`.
pub fn writes(sb: &Sandbox) -> Vec<(String, u16)> {
    sb.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (format!("{} {}", r.method, r.path), r.status))
        .collect()
}
