//! The real API server tier: etcd + kube-apiserver from `target/realk8s/bin`, once per test binary.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use flink_sandbox::TestCert;

use crate::workspace_root;

/// The token users of a [`RealCluster`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum User {
    /// `system:masters`.
    Admin,
    /// Bound (ClusterRoleBinding) to `flink-savepoint-viewer` from `manifests/plugin-rbac/`.
    Viewer,
    /// Bound (ClusterRoleBinding) to `flink-savepoint-operator` from `manifests/plugin-rbac/`.
    Operator,
}

impl User {
    const ALL: [User; 3] = [User::Admin, User::Viewer, User::Operator];

    /// The user name the API server sees.
    pub fn name(self) -> &'static str {
        match self {
            User::Admin => "admin",
            User::Viewer => "viewer",
            User::Operator => "operator",
        }
    }

    fn token(self) -> String {
        format!("{}-token-testenv", self.name())
    }
}

/// A running etcd + kube-apiserver pair. Obtain it with [`RealCluster::shared`].
pub struct RealCluster {
    url: String,
    dir: PathBuf,
    ca_pem: String,
    version: String,
    /// Supervisor processes: each kills its server when our end of its stdin pipe closes, which the
    /// kernel does when this process exits, however it exits.
    _supervisors: Mutex<Vec<Child>>,
}

static SHARED: OnceLock<Result<RealCluster, String>> = OnceLock::new();

/// Where `make realk8s` puts the binaries: `$REALK8S_BIN_DIR`, else `<workspace>/target/realk8s/bin`.
pub fn bin_dir() -> PathBuf {
    match std::env::var_os("REALK8S_BIN_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("target/realk8s/bin"),
    }
}

impl RealCluster {
    /// The API server of this test binary, started on first use (blocking, about 5–15 s). Panics with the
    /// command that fixes it when the binaries are missing: the real tier never skips silently.
    pub fn shared() -> &'static RealCluster {
        match SHARED.get_or_init(|| start().map_err(|e| format!("{e:#}"))) {
            Ok(cluster) => cluster,
            Err(e) => panic!("the real kube-apiserver tier could not start: {e}"),
        }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// PEM of the CA that signed the API server's serving certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// `gitVersion` from `/version`, e.g. `v1.37.2`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The admin kubeconfig (context namespace `default`).
    pub fn kubeconfig(&self) -> PathBuf {
        self.kubeconfig_for(User::Admin)
    }

    /// The kubeconfig of `user` (context namespace `default`).
    pub fn kubeconfig_for(&self, user: User) -> PathBuf {
        self.dir.join(format!("kubeconfig-{}", user.name()))
    }

    /// A kubeconfig for `user` whose context namespace is `namespace`, written once.
    pub fn kubeconfig_in(&self, user: User, namespace: &str) -> anyhow::Result<PathBuf> {
        let path = self
            .dir
            .join(format!("kubeconfig-{}-{namespace}", user.name()));
        if !path.exists() {
            write_kubeconfig(&path, &self.url, &self.ca_pem, user, namespace)?;
        }
        Ok(path)
    }

    /// A kube-rs client as `user`.
    pub async fn client_for(&self, user: User) -> anyhow::Result<kube::Client> {
        client_from_kubeconfig(&self.kubeconfig_for(user)).await
    }

    /// The server's own log, for assertion messages.
    pub fn log_tail(&self) -> String {
        tail(&self.dir.join("kube-apiserver.log"), 40)
    }
}

/// A kube-rs client from a kubeconfig file.
pub async fn client_from_kubeconfig(path: &Path) -> anyhow::Result<kube::Client> {
    let kubeconfig = kube::config::Kubeconfig::read_from(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let config = kube::Config::from_custom_kubeconfig(
        kubeconfig,
        &kube::config::KubeConfigOptions::default(),
    )
    .await
    .context("kubeconfig")?;
    kube::Client::try_from(config).context("kube client")
}

fn start() -> anyhow::Result<RealCluster> {
    let bin = bin_dir();
    for name in ["etcd", "kube-apiserver"] {
        if !bin.join(name).is_file() {
            bail!(
                "{} is missing: build the real API server tier with `make realk8s` (needs Go >= 1.26 and the Go \
                 module proxy; the pins are in tests/realk8s/*/go.mod), or point REALK8S_BIN_DIR at the binaries",
                bin.join(name).display()
            );
        }
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("flink-testenv-{}-{nanos:x}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;

    let [etcd_client, etcd_peer, api_port] = free_ports()?;
    let cert = TestCert::generate(&["127.0.0.1", "localhost"])?;
    write(&dir.join("serving.crt"), &cert.cert_pem)?;
    write(&dir.join("serving.key"), &cert.key_pem)?;
    let sa = rcgen::KeyPair::generate().context("service-account key")?;
    write(&dir.join("sa.key"), &sa.serialize_pem())?;
    write(&dir.join("sa.pub"), &sa.public_key_pem())?;
    let tokens: String = User::ALL
        .iter()
        .map(|u| {
            let groups = if *u == User::Admin {
                ",\"system:masters\""
            } else {
                ""
            };
            format!("{},{},{}{groups}\n", u.token(), u.name(), u.name())
        })
        .collect();
    write(&dir.join("tokens.csv"), &tokens)?;

    let mut supervisors = Vec::new();
    let etcd_url = format!("http://127.0.0.1:{etcd_client}");
    let peer_url = format!("http://127.0.0.1:{etcd_peer}");
    supervisors.push(supervise(
        &bin.join("etcd"),
        &[
            "--name=testenv".into(),
            format!("--data-dir={}", dir.join("etcd").display()),
            format!("--listen-client-urls={etcd_url}"),
            format!("--advertise-client-urls={etcd_url}"),
            format!("--listen-peer-urls={peer_url}"),
            format!("--initial-advertise-peer-urls={peer_url}"),
            format!("--initial-cluster=testenv={peer_url}"),
            "--unsafe-no-fsync=true".into(),
            "--log-level=warn".into(),
        ],
        &dir.join("etcd.log"),
        Some(&dir),
    )?);
    let d = |name: &str| dir.join(name).display().to_string();
    supervisors.push(supervise(
        &bin.join("kube-apiserver"),
        &[
            format!("--etcd-servers={etcd_url}"),
            format!("--cert-dir={}", d("certs")),
            format!("--tls-cert-file={}", d("serving.crt")),
            format!("--tls-private-key-file={}", d("serving.key")),
            format!("--secure-port={api_port}"),
            "--bind-address=127.0.0.1".into(),
            "--advertise-address=127.0.0.1".into(),
            // As envtest: no kubernetes Service endpoints (they may not be loopback addresses).
            "--endpoint-reconciler-type=none".into(),
            "--service-cluster-ip-range=10.0.0.0/24".into(),
            "--service-account-issuer=https://kubernetes.default.svc".into(),
            format!("--service-account-key-file={}", d("sa.pub")),
            format!("--service-account-signing-key-file={}", d("sa.key")),
            format!("--token-auth-file={}", d("tokens.csv")),
            "--authorization-mode=RBAC".into(),
            "--disable-admission-plugins=ServiceAccount".into(),
            "--allow-privileged=true".into(),
            "--v=1".into(),
        ],
        &dir.join("kube-apiserver.log"),
        None,
    )?);
    let url = format!("https://127.0.0.1:{api_port}");
    for user in User::ALL {
        write_kubeconfig(
            &dir.join(format!("kubeconfig-{}", user.name())),
            &url,
            &cert.ca_pem,
            user,
            "default",
        )?;
    }
    let cluster = RealCluster {
        url,
        dir: dir.clone(),
        ca_pem: cert.ca_pem,
        version: String::new(),
        _supervisors: Mutex::new(supervisors),
    };
    let admin = cluster.kubeconfig();

    // Ready: /readyz, then the default namespace the bootstrap controller creates.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if kubectl(&admin, &["get", "--raw=/readyz"]).is_ok()
            && kubectl(&admin, &["get", "namespace", "default", "-o", "name"]).is_ok()
        {
            break;
        }
        let log = std::fs::read_to_string(dir.join("kube-apiserver.log")).unwrap_or_default();
        if Instant::now() > deadline || log.contains("\"command failed\"") {
            bail!(
                "kube-apiserver not ready (it exited, or 120 s passed)\n--- etcd.log\n{}\n--- kube-apiserver.log\n{}",
                tail(&dir.join("etcd.log"), 20),
                tail(&dir.join("kube-apiserver.log"), 40)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let version: serde_json::Value =
        serde_json::from_str(&kubectl(&admin, &["get", "--raw=/version"])?)
            .context("decoding /version")?;
    let version = version["gitVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // The upstream Flink CRDs, exactly as shipped (server-side: they are too large for the
    // last-applied annotation), and wait until they are Established.
    let crds = shared_dir().join("flink-crds");
    kubectl(
        &admin,
        &[
            "apply",
            "--server-side",
            "--field-manager=flink-testenv",
            "-f",
            &crds.display().to_string(),
        ],
    )?;
    for crd in [
        "flinkdeployments",
        "flinksessionjobs",
        "flinkstatesnapshots",
    ] {
        let jsonpath = r#"-o=jsonpath={.status.conditions[?(@.type=="Established")].status}"#;
        loop {
            let established = kubectl(
                &admin,
                &["get", &format!("crd/{crd}.flink.apache.org"), jsonpath],
            )
            .is_ok_and(|s| s.trim() == "True");
            if established {
                break;
            }
            if Instant::now() > deadline {
                bail!("CRD {crd}.flink.apache.org not Established after 120 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    // The plugin's ClusterRoles, bound cluster-wide to the viewer and the operator user.
    let rbac = workspace_root().join("manifests/plugin-rbac");
    kubectl(&admin, &["apply", "-k", &rbac.display().to_string()])?;
    for (user, role) in [
        (User::Viewer, "flink-savepoint-viewer"),
        (User::Operator, "flink-savepoint-operator"),
    ] {
        kubectl(
            &admin,
            &[
                "create",
                "clusterrolebinding",
                &format!("testenv-{}", user.name()),
                &format!("--clusterrole={role}"),
                &format!("--user={}", user.name()),
            ],
        )?;
    }
    // RBAC is served from an informer: wait until the bindings are visible to the authorizer.
    loop {
        let viewer = kubectl(
            &cluster.kubeconfig_for(User::Viewer),
            &[
                "auth",
                "can-i",
                "list",
                "flinkdeployments.flink.apache.org",
                "-A",
            ],
        );
        let operator = kubectl(
            &cluster.kubeconfig_for(User::Operator),
            &[
                "auth",
                "can-i",
                "patch",
                "flinkdeployments.flink.apache.org",
                "-A",
            ],
        );
        if viewer.is_ok() && operator.is_ok() {
            break;
        }
        if Instant::now() > deadline {
            bail!("RBAC bindings not effective after 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Discovery is aggregated asynchronously: the Flink group must be served before the first test.
    loop {
        if kubectl(&admin, &["get", "--raw=/apis/flink.apache.org/v1beta1"])
            .is_ok_and(|s| s.contains("flinkstatesnapshots"))
        {
            break;
        }
        if Instant::now() > deadline {
            bail!("flink.apache.org/v1beta1 not discoverable after 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(RealCluster { version, ..cluster })
}

/// `<workspace>/../shared` (or `$FLINK_SANDBOX_SHARED`, as for the sandbox).
pub fn shared_dir() -> PathBuf {
    flink_sandbox::default_shared_dir()
}

/// Runs the real kubectl; `Err` carries stderr.
pub fn kubectl(kubeconfig: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .output()
        .context("running kubectl (is it on PATH?)")?;
    if !out.status.success() {
        bail!(
            "kubectl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Starts `binary args…` under `sh` acting as a supervisor: it waits for EOF on its stdin (our pipe), then
/// stops the server (TERM, then KILL after 5 s) and removes `cleanup`. The write end of the pipe is held
/// only by this process (std opens pipes close-on-exec), so the server never outlives the test binary.
fn supervise(
    binary: &Path,
    args: &[String],
    log: &Path,
    cleanup: Option<&Path>,
) -> anyhow::Result<Child> {
    const SCRIPT: &str = r#"log=$1; dir=$2; shift 2
"$@" >>"$log" 2>&1 &
pid=$!
read -r _ || true
kill "$pid" 2>/dev/null
i=0
while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i+1)); done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -n "$dir" ]; then rm -rf "$dir"; fi
"#;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(SCRIPT)
        .arg("flink-testenv-supervisor")
        .arg(log)
        .arg(cleanup.map(|p| p.display().to_string()).unwrap_or_default())
        .arg(binary)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.spawn()
        .with_context(|| format!("starting {}", binary.display()))
}

fn free_ports<const N: usize>() -> anyhow::Result<[u16; N]> {
    let listeners = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .context("binding a free loopback port")?;
    let mut ports = [0u16; N];
    for (port, l) in ports.iter_mut().zip(&listeners) {
        *port = l.local_addr()?.port();
    }
    Ok(ports)
}

fn write_kubeconfig(
    path: &Path,
    url: &str,
    ca_pem: &str,
    user: User,
    namespace: &str,
) -> anyhow::Result<()> {
    use base64::Engine;
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem.as_bytes());
    // JSON is YAML: kubectl and kube-rs both read it.
    let config = serde_json::json!({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{ "name": "realk8s", "cluster": { "server": url, "certificate-authority-data": ca } }],
        "users": [{ "name": user.name(), "user": { "token": user.token() } }],
        "contexts": [{ "name": "realk8s", "context": { "cluster": "realk8s", "user": user.name(), "namespace": namespace } }],
        "current-context": "realk8s",
        "preferences": {},
    });
    write(path, &serde_json::to_string_pretty(&config)?)
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut f =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
