//! `kubectl-savepoint list -A` against a loaded sandbox next to `kubectl get … -A -o json` on the
//! same data in the same run, and plugin start-up time.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

use crate::{
    dataset::{self, Size},
    report::{Section, mib},
    server::built_binary,
    stats::median_duration,
};

/// One measured process run.
#[derive(Debug, Clone)]
pub struct ProcRun {
    /// Wall time from spawn to exit (including `/usr/bin/time` when used).
    pub wall: Duration,
    /// Peak RSS in KiB (`/usr/bin/time -f %M`), if measured.
    pub maxrss_kib: Option<u64>,
    /// Exit code.
    pub code: Option<i32>,
    /// Bytes written to stdout.
    pub stdout_bytes: u64,
    /// Captured stderr (for error reports).
    pub stderr: String,
}

/// Runs `program args` with `envs`, stdout to a file in `scratch`, measuring wall time and (when
/// `/usr/bin/time` exists and `rss` is set) peak RSS.
pub fn run_measured(
    program: &Path,
    args: &[&str],
    envs: &[(&str, &Path)],
    scratch: &Path,
    rss: bool,
) -> Result<ProcRun> {
    let out_path = scratch.join("stdout");
    let rss_path = scratch.join("maxrss");
    let _ = std::fs::remove_file(&rss_path);
    let time = Path::new("/usr/bin/time");
    let use_time = rss && time.exists();
    let mut cmd = if use_time {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_path).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).context("stdout file")?)
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let output = cmd
        .output()
        .with_context(|| format!("running {}", program.display()))?;
    let wall = start.elapsed();
    let maxrss_kib = if use_time {
        std::fs::read_to_string(&rss_path)
            .ok()
            .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()))
    } else {
        None
    };
    Ok(ProcRun {
        wall,
        maxrss_kib,
        code: output.status.code(),
        stdout_bytes: std::fs::metadata(&out_path).map(|m| m.len()).unwrap_or(0),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

struct Contender {
    label: &'static str,
    program: PathBuf,
    args: Vec<&'static str>,
}

/// The plugin section of `make bench`.
pub async fn run(quick: bool) -> Result<Vec<Section>> {
    let plugin = built_binary("release", "kubectl-savepoint");
    if !plugin.exists() {
        bail!("{} not built (make bench builds it)", plugin.display());
    }
    let scratch = tempfile::tempdir().context("scratch dir")?;
    let home = scratch.path().join("home");
    std::fs::create_dir_all(&home).context("scratch HOME")?;
    let sandbox = flink_sandbox::Sandbox::builder().start().await?;
    let size = if quick {
        Size {
            namespaces: 5,
            applications: 50,
            session_jobs: 50,
            snapshots: 1000,
        }
    } else {
        Size::FULL
    };
    let load_start = Instant::now();
    let store = sandbox.store().clone();
    let loaded = tokio::task::spawn_blocking(move || dataset::load(&store, size))
        .await
        .context("loader panicked")??;
    eprintln!("   loaded {loaded:?} in {:.1?}", load_start.elapsed());
    let kubeconfig = sandbox.kubeconfig_path().to_path_buf();
    let envs: Vec<(&str, &Path)> = vec![("KUBECONFIG", &kubeconfig), ("HOME", &home)];
    let contenders = [
        Contender {
            label: "`kubectl savepoint list -A`",
            program: plugin.clone(),
            args: vec!["list", "-A"],
        },
        Contender {
            label: "`kubectl get flinkdeployments,flinksessionjobs,flinkstatesnapshots -A -o json`",
            program: PathBuf::from("kubectl"),
            args: vec![
                "get",
                "flinkdeployments,flinksessionjobs,flinkstatesnapshots",
                "-A",
                "-o",
                "json",
            ],
        },
    ];
    let reps = if quick { 1 } else { 3 };
    let mut runs: Vec<Vec<(ProcRun, usize)>> = contenders.iter().map(|_| Vec::new()).collect();
    // Warm-up with cheap commands: kubectl's discovery cache under the scratch HOME, the page
    // cache for both binaries.
    let kubectl = PathBuf::from("kubectl");
    run_measured_async(
        &kubectl,
        &["get", "namespaces"],
        &envs,
        scratch.path(),
        false,
    )
    .await?;
    run_measured_async(
        &plugin,
        &["version", "--client"],
        &envs,
        scratch.path(),
        false,
    )
    .await?;
    for _ in 0..reps {
        for (i, c) in contenders.iter().enumerate() {
            sandbox.clear_requests();
            let r = run_measured_async(&c.program, &c.args, &envs, scratch.path(), true).await?;
            if r.code != Some(0) {
                bail!("{} failed ({:?}): {}", c.label, r.code, r.stderr.trim());
            }
            let log = sandbox.requests();
            if std::env::var_os("BENCH_DUMP_REQUESTS").is_some() {
                for r in &log {
                    eprintln!(
                        "   {} {} {}?{} -> {}",
                        c.label, r.method, r.path, r.query, r.status
                    );
                }
            }
            let requests = log.len();
            runs[i].push((r, requests));
        }
    }
    sandbox.shutdown().await;
    let mut list = Section::new(
        &format!(
            "Listing everything: {} namespaces, {} FlinkDeployments ({} applications + {} session clusters), {} session jobs, {} snapshots",
            size.namespaces,
            loaded.deployments,
            size.applications,
            size.namespaces,
            loaded.session_jobs,
            loaded.snapshots
        ),
        &[
            "command",
            "wall (median)",
            "requests",
            "peak RSS",
            "stdout",
            "vs kubectl",
        ],
    );
    let medians: Vec<Duration> = runs
        .iter()
        .map(|r| median_duration(&r.iter().map(|(p, _)| p.wall).collect::<Vec<_>>()))
        .collect();
    let kubectl_wall = medians[1];
    for (i, c) in contenders.iter().enumerate() {
        let (last, requests) = &runs[i][runs[i].len() - 1];
        let rss = runs[i].iter().filter_map(|(p, _)| p.maxrss_kib).max();
        let ratio = if i == 0 && kubectl_wall > Duration::ZERO {
            format!(
                "{:.2}× the time",
                medians[i].as_secs_f64() / kubectl_wall.as_secs_f64()
            )
        } else {
            String::new()
        };
        list.row(vec![
            c.label.into(),
            format!("{:.0} ms", medians[i].as_secs_f64() * 1e3),
            requests.to_string(),
            rss.map_or_else(|| "n/a".into(), mib),
            format!("{:.1} MiB", last.stdout_bytes as f64 / (1024.0 * 1024.0)),
            ratio,
        ]);
    }
    list.note(
        "Both clients page through the sandbox API server with 500 objects per page (kubectl's default chunk size); the sandbox copies only the returned page, so the difference is client work: decoding, history merging and rendering vs JSON printing.",
    );
    list.note(format!(
        "Median of {reps} runs each, alternating; requests counted in the sandbox's request log (kubectl's discovery cache warm). Peak RSS from `/usr/bin/time -f %M`. Goal: the plugin faster than kubectl."
    ));
    let real = real_list(quick, size, &plugin, scratch.path(), &home).await?;
    Ok(vec![
        list,
        real,
        startup(&plugin, quick, scratch.path(), &home)?,
    ])
}

/// The same `list -A` comparison on the real kube-apiserver tier, with the data set loaded through the API.
async fn real_list(
    quick: bool,
    size: Size,
    plugin: &Path,
    scratch: &Path,
    home: &Path,
) -> Result<Section> {
    use futures::StreamExt;
    let cluster = tokio::task::spawn_blocking(flink_testenv::RealCluster::shared)
        .await
        .context("starting the real kube-apiserver")?;
    let env = flink_testenv::Env::real().await;
    for n in 0..size.namespaces {
        env.ensure_namespace(&dataset::ns_name(n)).await;
    }
    let load_start = Instant::now();
    let mut loaded = dataset::Loaded::default();
    let objects = dataset::objects(size);
    for (plural, _, _) in &objects {
        loaded.count(plural);
    }
    // Session clusters first (jobs refer to them), then everything else 32 at a time.
    let env = &env;
    futures::stream::iter(objects.into_iter().map(|(plural, ns, obj)| async move {
        let name = obj["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut obj = obj;
        let status = obj.as_object_mut().and_then(|o| o.remove("status"));
        env.create(plural, &ns, obj).await;
        if let Some(status) = status {
            env.set_status(plural, &ns, &name, status).await;
        }
    }))
    .buffer_unordered(32)
    .collect::<Vec<()>>()
    .await;
    eprintln!(
        "   real kube-apiserver {}: loaded {loaded:?} through the API in {:.1?}",
        cluster.version(),
        load_start.elapsed()
    );
    let kubeconfig = cluster.kubeconfig();
    let envs: Vec<(&str, &Path)> = vec![("KUBECONFIG", &kubeconfig), ("HOME", home)];
    let args: [(&str, PathBuf, Vec<&'static str>); 2] = [
        (
            "`kubectl savepoint list -A`",
            plugin.to_path_buf(),
            vec!["list", "-A"],
        ),
        (
            "`kubectl get flinkdeployments,flinksessionjobs,flinkstatesnapshots -A -o json`",
            PathBuf::from("kubectl"),
            vec![
                "get",
                "flinkdeployments,flinksessionjobs,flinkstatesnapshots",
                "-A",
                "-o",
                "json",
            ],
        ),
    ];
    run_measured_async(
        &PathBuf::from("kubectl"),
        &["get", "namespaces"],
        &envs,
        scratch,
        false,
    )
    .await?;
    let reps = if quick { 1 } else { 3 };
    let mut runs: Vec<Vec<ProcRun>> = vec![Vec::new(), Vec::new()];
    for _ in 0..reps {
        for (i, (label, program, a)) in args.iter().enumerate() {
            let r = run_measured_async(program, a, &envs, scratch, true).await?;
            if r.code != Some(0) {
                bail!(
                    "{label} failed on the real API server ({:?}): {}",
                    r.code,
                    r.stderr.trim()
                );
            }
            runs[i].push(r);
        }
    }
    let medians: Vec<Duration> = runs
        .iter()
        .map(|r| median_duration(&r.iter().map(|p| p.wall).collect::<Vec<_>>()))
        .collect();
    let mut s = Section::new(
        &format!(
            "Listing everything on the real kube-apiserver {}: the same data set ({} FlinkDeployments, {} session jobs, {} snapshots), loaded through the API",
            cluster.version(),
            loaded.deployments,
            loaded.session_jobs,
            loaded.snapshots
        ),
        &[
            "command",
            "wall (median)",
            "peak RSS",
            "stdout",
            "vs kubectl",
        ],
    );
    for (i, (label, _, _)) in args.iter().enumerate() {
        let rss = runs[i].iter().filter_map(|p| p.maxrss_kib).max();
        let last = &runs[i][runs[i].len() - 1];
        let ratio = if i == 0 && medians[1] > Duration::ZERO {
            format!(
                "{:.2}× the time",
                medians[0].as_secs_f64() / medians[1].as_secs_f64()
            )
        } else {
            String::new()
        };
        s.row(vec![
            (*label).into(),
            format!("{:.0} ms", medians[i].as_secs_f64() * 1e3),
            rss.map_or_else(|| "n/a".into(), mib),
            format!("{:.1} MiB", last.stdout_bytes as f64 / (1024.0 * 1024.0)),
            ratio,
        ]);
    }
    s.note(format!(
        "Median of {reps} runs each, alternating, against etcd + kube-apiserver on the same 2 cores (the server's own CPU is part of the wall time). No request counts: the real server keeps no request log."
    ));
    Ok(s)
}

async fn run_measured_async(
    program: &Path,
    args: &[&'static str],
    envs: &[(&'static str, &Path)],
    scratch: &Path,
    rss: bool,
) -> Result<ProcRun> {
    let program = program.to_path_buf();
    let args: Vec<&'static str> = args.to_vec();
    let envs: Vec<(&'static str, PathBuf)> =
        envs.iter().map(|(k, v)| (*k, v.to_path_buf())).collect();
    let scratch = scratch.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let envs: Vec<(&str, &Path)> = envs.iter().map(|(k, v)| (*k, v.as_path())).collect();
        run_measured(&program, &args, &envs, &scratch, rss)
    })
    .await
    .context("runner panicked")?
}

fn startup(plugin: &Path, quick: bool, scratch: &Path, home: &Path) -> Result<Section> {
    let runs = if quick { 5 } else { 31 };
    let mut s = Section::new(
        "Plugin start-up",
        &["command", "median", "fastest", "peak RSS", "< 10 ms"],
    );
    let missing = scratch.join("no-kubeconfig");
    for args in [vec!["--help"], vec!["version", "--client"]] {
        let envs: Vec<(&str, &Path)> = vec![("KUBECONFIG", &missing), ("HOME", home)];
        let mut walls = Vec::with_capacity(runs);
        for _ in 0..runs {
            let r = run_measured(plugin, &args, &envs, scratch, false)?;
            if r.code != Some(0) {
                bail!(
                    "kubectl-savepoint {} failed: {}",
                    args.join(" "),
                    r.stderr.trim()
                );
            }
            walls.push(r.wall);
        }
        let rss = run_measured(plugin, &args, &envs, scratch, true)?.maxrss_kib;
        let med = median_duration(&walls);
        let fastest = walls.iter().min().copied().unwrap_or_default();
        s.row(vec![
            format!("`kubectl-savepoint {}`", args.join(" ")),
            format!("{:.2} ms", med.as_secs_f64() * 1e3),
            format!("{:.2} ms", fastest.as_secs_f64() * 1e3),
            rss.map_or_else(|| "n/a".into(), mib),
            if med < Duration::from_millis(10) {
                "yes".into()
            } else {
                "**no**".into()
            },
        ]);
    }
    s.note(format!(
        "Median of {runs} runs, spawn to exit, measured from the harness (no KUBECONFIG needed)."
    ));
    Ok(s)
}
