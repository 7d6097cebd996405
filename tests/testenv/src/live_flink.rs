//! A live Flink JobManager for the end-to-end tier: `flinkcapture.Serve` (tests/flink-capture), a
//! MiniCluster with the capture program's stateful job, once per test binary.
//!
//! It runs in a network namespace of its own, joined to this one by a veth pair on a /30 of
//! 10.213.0.0/16 chosen from our pid, because kube-apiserver refuses to proxy to loopback endpoints
//! (EndpointSlice validation rejects 127.0.0.0/8): its REST endpoint is `http://10.213.X.Y:PORT`, a
//! Pod address both API servers can forward to. The namespace, the veth pair and the JVM go away
//! when this process exits, however it exits (the JVM exits at end of file on its stdin, our pipe;
//! the kernel removes a network namespace with its last process, and a veth pair with it).
//!
//! Needs Java 17+ and Maven (`make flink-live` resolves the class path into
//! `tests/flink-capture/target/classpath.txt`; done here when missing or stale), `unshare` and
//! iproute2's `ip`, and root (CAP_SYS_ADMIN, CAP_NET_ADMIN). Without them it panics with what is
//! missing: this tier never skips.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};

use crate::workspace_root;

/// A running live JobManager. Obtain it with [`LiveFlink::shared`].
pub struct LiveFlink {
    addr: SocketAddr,
    job_id: String,
    dir: PathBuf,
    version: String,
    log: PathBuf,
    /// Our end of the JVM's stdin: it exits when this closes (at process exit).
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

static SHARED: OnceLock<Result<LiveFlink, String>> = OnceLock::new();

/// Milliseconds subtask 0 of the job sleeps in each snapshot: savepoints stay IN_PROGRESS that long.
/// Longer than Flink's cache of `/jobs/:jobid/checkpoints` (`web.refresh-interval`, 3 s), so that the
/// progress shows through it.
pub const SNAPSHOT_SLEEP_MS: u64 = 5000;
/// The job's periodic checkpoint interval (the JobManager takes one checkpoint at start, see
/// `flinkcapture.Serve`): long, so that savepoints seldom wait for a (slow) checkpoint.
pub const CHECKPOINT_INTERVAL_MS: u64 = 60_000;

impl LiveFlink {
    /// The JobManager of this test binary, started on first use (blocking: about 15–40 s, plus the
    /// Maven build the first time). Panics with what is missing when it cannot start.
    pub fn shared() -> &'static LiveFlink {
        match SHARED.get_or_init(|| start().map_err(|e| format!("{e:#}"))) {
            Ok(flink) => flink,
            Err(e) => panic!("the live Flink JobManager could not start: {e}"),
        }
    }

    /// The REST address (a non-loopback address in the JobManager's network namespace).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The id of the running job.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// The JobManager's work directory (checkpoints; savepoints go to [`LiveFlink::savepoint_dir`]).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `file:<dir>/savepoints`: a savepoint directory the JobManager can write.
    pub fn savepoint_dir(&self) -> String {
        format!("file:{}/savepoints", self.dir.display())
    }

    /// The Flink version (`1.20.3`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `GET path` straight from the JobManager (not through an API server): the JSON answer.
    pub fn get(&self, path: &str) -> anyhow::Result<serde_json::Value> {
        let jm = flink_sandbox::simulator::live::JobManager { addr: self.addr };
        match jm.get(path) {
            Ok((200, body)) => Ok(body),
            Ok((code, body)) => bail!("GET {path} answered {code}: {body}"),
            Err(e) => bail!("{e}"),
        }
    }

    /// [`LiveFlink::get`] from async code.
    pub async fn get_async(&'static self, path: &str) -> anyhow::Result<serde_json::Value> {
        let path = path.to_string();
        tokio::task::spawn_blocking(move || self.get(&path))
            .await
            .context("REST call thread")?
    }

    /// The last lines of the JVM's stderr, for assertion messages.
    pub fn log_tail(&self) -> String {
        tail(&self.log, 30)
    }
}

fn capture_dir() -> PathBuf {
    workspace_root().join("tests/flink-capture")
}

/// `target/classes` plus the resolved dependencies; runs Maven when `target/classpath.txt` is missing or
/// older than the POM or a source file (what `make flink-live` does).
pub fn class_path() -> anyhow::Result<String> {
    let dir = capture_dir();
    let listing = dir.join("target/classpath.txt");
    let classes = dir.join("target/classes");
    let stale = || -> bool {
        let Ok(built) = std::fs::metadata(&listing).and_then(|m| m.modified()) else {
            return true;
        };
        let newer = |p: &Path| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t > built)
        };
        !classes.join("flinkcapture/Serve.class").is_file()
            || newer(&dir.join("pom.xml"))
            || sources(&dir.join("src")).iter().any(|p| newer(p))
    };
    if stale() {
        let out = Command::new("mvn")
            .args(["-B", "-q", "-f"])
            .arg(dir.join("pom.xml"))
            .args(["compile", "dependency:build-classpath"])
            .stdin(Stdio::null())
            .output()
            .context(
                "running Maven (`mvn`), which the live Flink tier needs with Java 17 to build \
                 tests/flink-capture: install both (e.g. `apt-get install openjdk-17-jdk-headless maven`)",
            )?;
        if !out.status.success() {
            bail!(
                "`mvn -f tests/flink-capture/pom.xml compile dependency:build-classpath` failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // Maven leaves an unchanged listing alone: mark it as built now (`make flink-live` touches it too).
        std::fs::File::options()
            .append(true)
            .open(&listing)
            .and_then(|f| f.set_modified(SystemTime::now()))
            .with_context(|| format!("touching {}", listing.display()))?;
    }
    let deps = std::fs::read_to_string(&listing)
        .with_context(|| format!("reading {}", listing.display()))?;
    Ok(format!("{}:{}", classes.display(), deps.trim()))
}

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The /30 of this process: host side `.1`, JobManager side `.2`.
fn subnet() -> (Ipv4Addr, Ipv4Addr) {
    let block = std::process::id() % 16_384;
    let third = u8::try_from(block / 64).unwrap_or(0);
    let fourth = u8::try_from((block % 64) * 4).unwrap_or(0);
    (
        Ipv4Addr::new(10, 213, third, fourth + 1),
        Ipv4Addr::new(10, 213, third, fourth + 2),
    )
}

/// Runs `ip ARGS` (in the namespace of `pid` when given); `Err` carries its stderr.
fn ip(netns_of: Option<u32>, args: &[&str]) -> anyhow::Result<()> {
    let mut cmd = match netns_of {
        Some(pid) => {
            let mut c = Command::new("nsenter");
            c.args(["-t", &pid.to_string(), "-n", "ip"]);
            c
        }
        None => Command::new("ip"),
    };
    let out = cmd
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("running `ip` (iproute2) / `nsenter` (util-linux)")?;
    if !out.status.success() {
        bail!(
            "`ip {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn start() -> anyhow::Result<LiveFlink> {
    let cp = class_path()?;
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let log = std::env::temp_dir().join(format!("flink-live-{}-{nanos:x}.log", std::process::id()));
    let log_file =
        std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
    let (host_ip, jm_ip) = subnet();
    let pid = std::process::id();
    let (host_if, jm_if) = (format!("fsp{pid}h"), format!("fsp{pid}j"));

    // `unshare --net` runs sh in a new network namespace; sh says so, waits for its veth end, brings it
    // and loopback up, then becomes the JVM (same pid, same stdin).
    const SCRIPT: &str = r#"addr=$1; dev=$2; shift 2
echo flink-live: netns
read -r _ || exit 1
ip link set lo up && ip addr add "$addr/30" dev "$dev" && ip link set "$dev" up || exit 1
exec "$@"
"#;
    let java = std::env::var_os("JAVA_HOME")
        .map(|h| PathBuf::from(h).join("bin/java"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("java"));
    let mut cmd = Command::new("unshare");
    cmd.args(["--net", "--", "sh", "-c", SCRIPT, "flink-live"])
        .arg(jm_ip.to_string())
        .arg(&jm_if)
        .arg(&java)
        .args([
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xmx512m",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "-cp",
            &cp,
            "flinkcapture.Serve",
            "--host",
            &jm_ip.to_string(),
            "--snapshot-sleep-ms",
            &SNAPSHOT_SLEEP_MS.to_string(),
            "--checkpoint-interval-ms",
            &CHECKPOINT_INTERVAL_MS.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log_file));
    let mut child = cmd
        .spawn()
        .context("starting `unshare` (util-linux), which the live Flink tier needs")?;
    let mut stdin = child.stdin.take().context("stdin pipe")?;
    let stdout = child.stdout.take().context("stdout pipe")?;
    let child_pid = child.id();

    // Lines of stdout through a channel, so that waiting has a deadline.
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let why = |what: &str| {
        format!(
            "{what}; the live Flink tier runs the JobManager in a network namespace of its own (the API server \
             refuses to proxy to loopback), which needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN), `unshare` and \
             `ip`. stderr:\n{}",
            tail(&log, 30)
        )
    };
    let next_line = |deadline: Instant| -> Option<String> {
        rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .ok()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    if next_line(deadline).as_deref() != Some("flink-live: netns") {
        bail!(why("`unshare --net` did not start"));
    }
    let veth = || -> anyhow::Result<()> {
        ip(
            None,
            &[
                "link",
                "add",
                &host_if,
                "type",
                "veth",
                "peer",
                "name",
                &jm_if,
                "netns",
                &child_pid.to_string(),
            ],
        )?;
        ip(
            None,
            &["addr", "add", &format!("{host_ip}/30"), "dev", &host_if],
        )?;
        ip(None, &["link", "set", &host_if, "up"])
    };
    if let Err(e) = veth() {
        let _ = child.kill();
        bail!(why(&format!("setting up the veth pair failed: {e:#}")));
    }
    stdin
        .write_all(b"go\n")
        .and_then(|()| stdin.flush())
        .context("releasing the JobManager's start")?;

    // flink-serve: ready rest=http://HOST:PORT job=JOBID dir=WORKDIR version=VERSION
    let deadline = Instant::now() + Duration::from_secs(300);
    let ready = loop {
        match next_line(deadline) {
            Some(line) if line.starts_with("flink-serve: ready ") => break line,
            Some(_) => continue,
            None => {
                let _ = child.kill();
                bail!(
                    "the JobManager did not get ready (it exited, or 300 s passed):\n{}",
                    tail(&log, 40)
                );
            }
        }
    };
    let field = |key: &str| {
        ready
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .map(str::to_string)
            .with_context(|| format!("`{key}=` in {ready:?}"))
    };
    let rest = field("rest")?;
    let addr: SocketAddr = rest
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .with_context(|| format!("REST address in {ready:?}"))?;
    TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .with_context(|| format!("reaching the JobManager at {addr} over the veth pair"))?;
    // keep draining stdout (nothing more is expected)
    std::thread::spawn(move || while rx.recv().is_ok() {});
    Ok(LiveFlink {
        addr,
        job_id: field("job")?,
        dir: PathBuf::from(field("dir")?),
        version: field("version")?,
        log,
        _stdin: Mutex::new(stdin),
        _child: Mutex::new(child),
    })
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
