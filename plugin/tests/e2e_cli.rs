//! The command line as kubectl users expect it, through the real kubectl: connection failures and
//! API errors in kubectl's words (one line, no log noise), `-v` diagnostics, kubeconfig parity
//! (`KUBECONFIG` lists, `-n ""`, global flags before the subcommand), a closed stdout, input
//! mistakes refused before any request (exit 2), case-insensitive values, and Ctrl-C (exit 130).

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::e2e::plugin_dir;
use common::env::*;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

on_both_backends!(
    api_errors_read_like_kubectl,
    no_log_lines_by_default_and_v6_shows_each_request,
    an_unknown_certificate_authority_is_named,
    kubeconfig_lists_skip_missing_files,
    an_empty_namespace_flag_means_the_contexts_namespace,
    global_flags_work_before_the_subcommand,
    a_closed_stdout_ends_the_command_quietly,
    input_mistakes_are_refused_before_any_request,
    enum_values_ignore_case,
    ctrl_c_exits_130_and_says_how_to_resume,
    ctrl_c_on_a_terminal_clears_the_spinner,
);

/// `kubectl savepoint ARGS` with `envs` (and no `--kubeconfig` added), stdin closed.
async fn kubectl_with(args: &[&str], envs: &[(&str, &str)]) -> Out {
    let path = format!(
        "{}:{}",
        plugin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = tokio::process::Command::new("kubectl");
    cmd.arg("savepoint")
        .args(args)
        .env("PATH", path)
        .env_remove("KUBECONFIG")
        .env_remove("KUBECTL_SAVEPOINT_LOG")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .expect("kubectl savepoint finished (hang guard)")
        .expect("kubectl is installed");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The kubeconfig at `path` as JSON.
fn read_kubeconfig(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("kubeconfig readable");
    serde_yaml_ng::from_str(&text).expect("kubeconfig is YAML")
}

/// Writes `config` to a new file in `dir`.
fn write_kubeconfig(dir: &Path, name: &str, config: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_yaml_ng::to_string(config).unwrap()).unwrap();
    path
}

/// A kubeconfig for `server` with a token user and context namespace `flink`.
fn kubeconfig_for_server(dir: &Path, server: &str) -> PathBuf {
    write_kubeconfig(
        dir,
        "kubeconfig",
        &json!({
            "apiVersion": "v1", "kind": "Config", "current-context": "c",
            "clusters": [{ "name": "c", "cluster": { "server": server } }],
            "users": [{ "name": "u", "user": { "token": "t" } }],
            "contexts": [{ "name": "c", "context": { "cluster": "c", "user": "u", "namespace": "flink" } }]
        }),
    )
}

/// Clears the sandbox request log (the real server has none).
fn clear_requests(env: &Env) {
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
}

/// Asserts that the sandbox saw no request since [`clear_requests`] (sandbox only).
fn assert_no_requests(env: &Env, what: &str) {
    if let Some(sb) = env.sandbox_ref() {
        let seen: Vec<String> = sb
            .requests()
            .into_iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(seen.is_empty(), "{what}: requests were made: {seen:?}");
    }
}

/// `orders` with one completed savepoint (`orders-sp-1`), so `list` has a row.
async fn put_app_with_savepoint(env: &Env) {
    put_app(env, "orders").await;
    put_snapshot(
        env,
        env.ns(),
        "orders-sp-1",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://bucket/savepoints/sp-1", "triggerTimestamp": "2026-01-01T00:00:00Z" }),
    )
    .await;
}

/// NotFound, Forbidden, AlreadyExists and Unauthorized are kubectl's own lines, alone on stderr.
async fn api_errors_read_like_kubectl(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    put_app(&env, "copy").await;
    let out = kubectl(env.kubeconfig(), &["describe", "app/missing", "-n", ns]).await;
    out.expect(1);
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): flinkdeployments.flink.apache.org \"missing\" not found\n"
    );
    let out = kubectl(
        env.viewer_kubeconfig(),
        &["trigger", "app/orders", "-n", ns],
    )
    .await;
    out.expect(1);
    assert_eq!(
        out.stderr,
        format!(
            "Error from server (Forbidden): flinkdeployments.flink.apache.org \"orders\" is forbidden: \
             User \"viewer\" cannot patch resource \"flinkdeployments\" in API group \"flink.apache.org\" \
             in the namespace \"{ns}\"\n"
        )
    );
    let out = kubectl(
        env.kubeconfig(),
        &[
            "restore",
            "app/orders",
            "--from",
            "s3://bucket/savepoints/savepoint-1",
            "--new-name",
            "copy",
            "-n",
            ns,
        ],
    )
    .await;
    out.expect(1);
    assert_eq!(
        out.stderr,
        "Error from server (AlreadyExists): flinkdeployments.flink.apache.org \"copy\" already exists\n"
    );
    let out = kubectl(
        env.kubeconfig(),
        &["list", "-n", ns, "--token", "not-a-valid-token"],
    )
    .await;
    out.expect(1);
    assert_eq!(
        out.stderr,
        "error: You must be logged in to the server (Unauthorized)\n"
    );
}

/// Default: nothing on stderr but the error. `-v 6` (kubectl's flag, after or before the
/// subcommand) logs each request with method, URL and status; `-v 4` the plugin's decisions.
async fn no_log_lines_by_default_and_v6_shows_each_request(env: Env) {
    let ns = env.ns();
    put_app_with_savepoint(&env).await;
    let out = kubectl(env.kubeconfig(), &["list", "-n", ns]).await;
    out.expect(0);
    assert_eq!(out.stderr, "", "no log lines by default");
    let out = kubectl(env.kubeconfig(), &["list", "-n", ns, "-v", "6"]).await;
    out.expect(0);
    let list = format!("/apis/flink.apache.org/v1beta1/namespaces/{ns}/flinkdeployments?");
    let line = out
        .stderr
        .lines()
        .find(|l| l.contains("GET https://") && l.contains(&list))
        .unwrap_or_else(|| panic!("a request line for the LIST:\n{}", out.stderr));
    assert!(line.contains("200 OK"), "{line}");
    assert!(
        !out.stderr.contains("\"spec\""),
        "no object contents: {}",
        out.stderr
    );
    let out = kubectl(env.kubeconfig(), &["--v=4", "list", "-n", ns]).await;
    out.expect(0);
    assert!(
        out.stderr.contains("client configuration"),
        "-v 4 shows the plugin's decisions: {}",
        out.stderr
    );
    assert!(
        !out.stderr.contains(&list),
        "requests only from -v 6: {}",
        out.stderr
    );
}

/// Both backends serve TLS with their own CA: without it the certificate is rejected, and the
/// message says so in kubectl's x509 words, naming the server.
async fn an_unknown_certificate_authority_is_named(env: Env) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = read_kubeconfig(env.kubeconfig());
    let cluster = &mut config["clusters"][0]["cluster"];
    let server = cluster["server"].as_str().unwrap().to_string();
    let object = cluster.as_object_mut().unwrap();
    object.remove("certificate-authority-data");
    object.remove("certificate-authority");
    let path = write_kubeconfig(dir.path(), "no-ca", &config);
    let out = kubectl(&path, &["list", "-n", env.ns()]).await;
    out.expect(1);
    let host = server.trim_start_matches("https://").trim_end_matches('/');
    assert_eq!(
        out.stderr,
        format!(
            "Unable to connect to the server: tls: failed to verify certificate of {host}: \
             x509: certificate signed by unknown authority\n"
        )
    );
}

/// `KUBECONFIG=missing:real` uses `real`, as kubectl does; a list of only missing files is no
/// kubeconfig at all (the connection then comes from the flags), not an error.
async fn kubeconfig_lists_skip_missing_files(env: Env) {
    let ns = env.ns();
    put_app_with_savepoint(&env).await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let list = format!("{}:{}", missing.display(), env.kubeconfig().display());
    let out = kubectl_with(&["list", "-n", ns], &[("KUBECONFIG", &list)]).await;
    out.expect(0);
    assert!(out.stdout.contains("app/orders"), "{}", out.stdout);

    let config = read_kubeconfig(env.kubeconfig());
    let server = config["clusters"][0]["cluster"]["server"]
        .as_str()
        .unwrap()
        .to_string();
    let token = config["users"][0]["user"]["token"]
        .as_str()
        .map(str::to_string);
    let all_missing = format!(
        "{}:{}",
        missing.display(),
        dir.path().join("gone").display()
    );
    let mut args = vec![
        "list",
        "-n",
        ns,
        "--server",
        &server,
        "--insecure-skip-tls-verify",
    ];
    if let Some(token) = token.as_deref() {
        args.extend(["--token", token]);
    }
    let out = kubectl_with(&args, &[("KUBECONFIG", &all_missing)]).await;
    // The admin of the real tier may authenticate by client certificate, which --token cannot
    // carry: then the server answers (401), which still proves the missing files were skipped.
    match out.code {
        0 => assert!(out.stdout.contains("app/orders"), "{}", out.stdout),
        _ => assert_eq!(
            out.stderr, "error: You must be logged in to the server (Unauthorized)\n",
            "the flags were used to reach the server"
        ),
    }
}

/// `-n ""` is the context's namespace, as in kubectl.
async fn an_empty_namespace_flag_means_the_contexts_namespace(env: Env) {
    put_app_with_savepoint(&env).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = read_kubeconfig(env.kubeconfig());
    config["contexts"][0]["context"]["namespace"] = json!(env.ns());
    let path = write_kubeconfig(dir.path(), "with-ns", &config);
    let out = kubectl(&path, &["list", "-n", ""]).await;
    out.expect(0);
    assert!(out.stdout.contains("app/orders"), "{}", out.stdout);
}

/// `kubectl savepoint -A list` and `kubectl savepoint -n NS list` work like the flags after `list`.
async fn global_flags_work_before_the_subcommand(env: Env) {
    let ns = env.ns();
    put_app_with_savepoint(&env).await;
    let out = kubectl(env.kubeconfig(), &["-A", "list"]).await;
    out.expect(0);
    let row = out
        .stdout
        .lines()
        .find(|l| l.contains("app/orders") && l.starts_with(ns))
        .unwrap_or_else(|| panic!("a row with the NAMESPACE column:\n{}", out.stdout));
    assert!(row.starts_with(ns), "{row}");
    let out = kubectl(env.kubeconfig(), &["-n", ns, "list", "--no-headers"]).await;
    out.expect(0);
    assert!(out.stdout.starts_with("app/orders"), "{}", out.stdout);
}

/// `list | head -1` after the reader is gone: no panic, no message; exit 141 as kubectl's
/// death by SIGPIPE looks to a shell.
async fn a_closed_stdout_ends_the_command_quietly(env: Env) {
    let ns = env.ns();
    put_app_with_savepoint(&env).await;
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let mut cmd = command(env.kubeconfig(), &["list", "-n", ns]);
    cmd.stdout(Stdio::from(writer)).stderr(Stdio::piped());
    let child = cmd.spawn().expect("kubectl runs");
    let out = finish(child).await;
    assert_eq!(out.stderr, "", "quiet");
    out.expect(141);
}

/// Mistakes clap alone would accept, or that used to reach the server: exit 2 with a hint, and
/// not a single request.
async fn input_mistakes_are_refused_before_any_request(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    clear_requests(&env);
    let cases: &[(&[&str], &str)] = &[
        (
            &["trigger", "app/orders", "--dry-run", "server"],
            "write --dry-run=server",
        ),
        (
            &["trigger", "app/orders", "--format", "native"],
            "--format describes the FlinkStateSnapshot and applies to --method snapshot only",
        ),
        (
            &["trigger", "app/orders", "--backoff-limit", "2"],
            "--backoff-limit describes the FlinkStateSnapshot",
        ),
        (
            &["trigger", "app/orders", "--dispose-on-delete", "false"],
            "--dispose-on-delete describes the FlinkStateSnapshot",
        ),
        (
            &[
                "trigger",
                "app/orders",
                "--method",
                "snapshot",
                "--backoff-limit",
                "-2",
            ],
            "--backoff-limit -2 is not allowed: use -1",
        ),
        (
            &["trigger", "app/orders", "--timeout", "5m"],
            "--timeout bounds --wait",
        ),
        (
            &["trigger", "app/orders", "--wait", "--dry-run=server"],
            "--wait cannot be combined with --dry-run",
        ),
        (
            &["trigger", "flinkdeployment/"],
            "target \"flinkdeployment/\" has no name: use flinkdeployment/NAME",
        ),
        (
            &["wait", "-A", "app/orders"],
            "combine it with -l SELECTOR or --all",
        ),
        (&["list", "-A", "-n", ns], "contradict each other"),
        (
            &["list", "-o", "json", "--no-headers"],
            "--no-headers applies to table output",
        ),
        (
            &["schedule", "app/orders", "--dry-run"],
            "--dry-run applies to a change",
        ),
        (
            &["list", "app/orders", "-l", "team=data"],
            "-l/--selector cannot be used with an app/NAME or job/NAME target",
        ),
        (
            &["list", "-l", "a=b=c"],
            "found '=', expected: ',' or 'end of string'",
        ),
    ];
    for (args, hint) in cases {
        let mut args = args.to_vec();
        if !args.contains(&"-n") && !args.contains(&"-A") {
            args.extend(["-n", ns]);
        }
        let out = kubectl(env.kubeconfig(), &args).await;
        assert_eq!(out.code, 2, "{args:?}\n{}", out.stderr);
        assert!(out.stderr.contains(hint), "{args:?}: {}", out.stderr);
    }
    assert_no_requests(&env, "input mistakes");
    assert_eq!(
        spec_nonce(&env, "flinkdeployments", "orders").await,
        Some(5),
        "nothing was changed"
    );
}

/// Enum-like values ignore case, as kubectl's do.
async fn enum_values_ignore_case(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let out = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "-n",
            ns,
            "-o",
            "JSON",
            "--type",
            "Manual",
            "--state",
            "Completed",
        ],
    )
    .await;
    out.expect(0);
    let doc: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert!(doc["items"].is_array(), "{doc}");
    let out = kubectl(
        env.kubeconfig(),
        &[
            "trigger",
            "app/orders",
            "-n",
            ns,
            "--method",
            "SNAPSHOT",
            "--format",
            "Native",
            "--dry-run=Client",
            "-o",
            "YAML",
        ],
    )
    .await;
    out.expect(0);
    assert!(out.stdout.contains("NATIVE"), "{}", out.stdout);
}

/// Spawns `kubectl savepoint ARGS`, waits for the "waiting for" progress line on stderr, sends
/// SIGINT (kubectl execs the plugin, so the child is the plugin) and returns the exit code and
/// the whole stderr.
async fn interrupt_while_waiting(kubeconfig: &Path, args: &[&str]) -> (i32, String) {
    let mut cmd = command(kubeconfig, args);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("kubectl runs");
    let pid = child.id().expect("pid").to_string();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut stderr = String::new();
    let guard = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("stderr") {
            stderr.push_str(&line);
            stderr.push('\n');
            if line.contains("waiting for the") {
                return;
            }
        }
        panic!("no progress line: {stderr}");
    });
    guard.await.expect("progress line (hang guard)");
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    while let Some(line) = lines.next_line().await.expect("stderr") {
        stderr.push_str(&line);
        stderr.push('\n');
    }
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("exited (hang guard)")
        .expect("wait");
    (status.code().unwrap_or(-1), stderr)
}

/// Ctrl-C while waiting: exit 130 and the `kubectl savepoint wait …` that resumes, for a job's
/// savepoint (`trigger --wait`) and for a snapshot (`wait flinkstatesnapshot/NAME`).
async fn ctrl_c_exits_130_and_says_how_to_resume(env: Env) {
    let ns = env.ns();
    put_app(&env, "orders").await;
    let (code, stderr) = interrupt_while_waiting(
        env.kubeconfig(),
        &["trigger", "app/orders", "-n", ns, "--wait"],
    )
    .await;
    assert_eq!(code, 130, "{stderr}");
    assert!(
        stderr.ends_with(&format!(
            "Interrupted; the savepoint continues. To resume waiting: kubectl savepoint wait app/orders -n {ns}\n"
        )),
        "{stderr}"
    );
    put_snapshot(
        &env,
        ns,
        "orders-sp-1",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "IN_PROGRESS", "triggerTimestamp": "2026-01-01T00:00:00Z" }),
    )
    .await;
    let (code, stderr) = interrupt_while_waiting(
        env.kubeconfig(),
        &["wait", "flinkstatesnapshot/orders-sp-1", "-n", ns],
    )
    .await;
    assert_eq!(code, 130, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "To resume waiting: kubectl savepoint wait flinkstatesnapshot/orders-sp-1 -n {ns}\n"
        )),
        "{stderr}"
    );
}

/// On a terminal (util-linux `script` gives the command a pty), Ctrl-C typed while the spinner
/// runs: the spinner's lines are cleared, and the last thing on screen is the resume hint alone.
async fn ctrl_c_on_a_terminal_clears_the_spinner(env: Env) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let ns = env.ns();
    put_app(&env, "orders").await;
    let line = format!(
        "kubectl savepoint trigger app/orders -n {ns} --wait --kubeconfig {}",
        env.kubeconfig().display()
    );
    let path = format!(
        "{}:{}",
        plugin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = tokio::process::Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("PATH", path)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("util-linux script is installed");
    let mut stdout = child.stdout.take().unwrap();
    let mut screen = Vec::new();
    let mut chunk = [0u8; 4096];
    tokio::time::timeout(Duration::from_secs(60), async {
        while !String::from_utf8_lossy(&screen).contains("waiting for the") {
            let n = stdout.read(&mut chunk).await.expect("pty output");
            assert!(n > 0, "ended early: {}", String::from_utf8_lossy(&screen));
            screen.extend_from_slice(&chunk[..n]);
        }
    })
    .await
    .expect("the spinner shows (hang guard)");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\x03").await.expect("type Ctrl-C");
    stdin.flush().await.unwrap();
    tokio::time::timeout(Duration::from_secs(60), stdout.read_to_end(&mut screen))
        .await
        .expect("output ends (hang guard)")
        .expect("pty output");
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("exited (hang guard)")
        .expect("wait");
    let screen = String::from_utf8_lossy(&screen).into_owned();
    assert_eq!(status.code(), Some(130), "{screen:?}");
    // Everything after the spinner's last "clear line" is the hint (cursor moves aside).
    let last = screen.rsplit("\x1b[2K").next().unwrap_or_default();
    assert_eq!(
        last.trim_start_matches("\x1b[1A")
            .trim_start_matches("\x1b[1B"),
        format!(
            "Interrupted; the savepoint continues. To resume waiting: kubectl savepoint wait app/orders -n {ns}\r\n"
        ),
        "{screen:?}"
    );
}

/// A closed port: kubectl's "refused" line, alone on stderr (no log lines).
#[tokio::test]
async fn connection_refused_reads_like_kubectl() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = kubeconfig_for_server(dir.path(), &format!("https://127.0.0.1:{port}"));
    for args in [
        &["list"][..],
        &["version"][..],
        &["trigger", "app/orders"][..],
    ] {
        let out = kubectl(&path, args).await;
        out.expect(1);
        assert_eq!(
            out.stderr,
            format!(
                "The connection to the server 127.0.0.1:{port} was refused - did you specify the right host or port?\n"
            ),
            "{args:?}"
        );
    }
}

/// A host that does not resolve (`.invalid` never does): kubectl's DNS line.
#[tokio::test]
async fn an_unknown_host_reads_like_kubectl() {
    let dir = tempfile::tempdir().unwrap();
    let path = kubeconfig_for_server(dir.path(), "https://no-such-host.invalid:6443");
    let out = kubectl(&path, &["list"]).await;
    out.expect(1);
    assert_eq!(
        out.stderr,
        "Unable to connect to the server: dial tcp: lookup no-such-host.invalid: no such host\n"
    );
}

/// A listener that accepts connections and never answers (neither TLS nor HTTP):
/// `--request-timeout` ends the request and the message names the server and the limit.
#[tokio::test]
async fn a_server_that_never_answers_is_bounded_by_the_request_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    for scheme in ["https", "http"] {
        let path = kubeconfig_for_server(dir.path(), &format!("{scheme}://127.0.0.1:{port}"));
        for args in [
            &["list", "--request-timeout=1s"][..],
            &["wait", "app/orders", "--request-timeout", "1s"][..],
        ] {
            let out = kubectl(&path, args).await;
            out.expect(1);
            assert_eq!(
                out.stderr,
                format!(
                    "Unable to connect to the server: 127.0.0.1:{port} did not answer within 1s (--request-timeout)\n"
                ),
                "{scheme} {args:?}"
            );
        }
    }
    holder.abort();
}

/// `--context`, `--cluster` and `--user` naming nothing in the kubeconfig: kubectl's errors, and
/// no connection attempt (the server in the kubeconfig is a closed port, which is not mentioned).
#[tokio::test]
async fn unknown_kubeconfig_names_read_like_kubectl() {
    let dir = tempfile::tempdir().unwrap();
    let path = kubeconfig_for_server(dir.path(), "https://127.0.0.1:1");
    for (flag, message) in [
        (
            "--context",
            "error: context was not found for specified context: nope\n",
        ),
        ("--cluster", "error: no server found for cluster \"nope\"\n"),
        ("--user", "error: auth info \"nope\" does not exist\n"),
    ] {
        let out = kubectl(&path, &["list", flag, "nope"]).await;
        out.expect(1);
        assert_eq!(out.stderr, message, "{flag}");
    }
}
