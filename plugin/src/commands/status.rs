//! `status [TARGET…] [-A] [-l SELECTOR]`: recoverability per job, with a verdict.
//!
//! One LIST per kind (FlinkDeployments, FlinkSessionJobs, FlinkStateSnapshots), then the
//! JobManagers' checkpoint statistics through the service proxy, concurrently and bounded, each
//! with a timeout; the verdicts are the library's ([`job_status`]).

use flink_savepoint::config::Layered;
use flink_savepoint::crd::Target as JobTarget;
use flink_savepoint::crd::{FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot};
use flink_savepoint::flink_rest::{
    CheckpointBrief, CheckpointingStatistics, JobEndpoint, job_endpoint,
};
use flink_savepoint::history::savepoint_history;
use flink_savepoint::plan::{JobRecoverability, RestFacts, StatusFacts, Verdict, job_status};
use jiff::Timestamp;

use crate::cli::{JOBS_AND_SESSIONS, Kind, StatusArgs, Target, parse_target};
use crate::cluster::{Context, FlinkRest, Selection, Unreachable};
use crate::error::{Result, failed, usage};
use crate::render::progress::warn;
use crate::render::status::render;

/// Runs the command.
pub async fn run(args: StatusArgs, ctx: &Context) -> Result<()> {
    let targets = parse_targets(&args.targets)?;
    if !targets.is_empty() && args.all_namespaces {
        return Err(usage(
            "a TARGET cannot be combined with -A/--all-namespaces",
        ));
    }
    let client = ctx.client().await?;
    let ns = ctx.namespace().await?;
    let scope_ns = (!args.all_namespaces).then_some(ns.as_str());
    let selection = Selection::discover(&client, Vec::new(), args.selector.clone()).await?;
    let (deployments, jobs, snapshots) = selection.fetch(&client, scope_ns).await?;
    let (chosen, missing) = choose(&deployments, &jobs, &targets);

    let rest = FlinkRest::new(ctx.rest_client().await?, &ctx.global);
    let endpoints: Vec<(usize, JobEndpoint)> = chosen
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((i, job_endpoint(*t)?)))
        .collect();
    let mut answers: Vec<RestFacts> = vec![RestFacts::NotAsked; chosen.len()];
    let now = Timestamp::now();
    for (i, result) in rest.checkpoints_all(endpoints).await {
        answers[i] = rest_facts(&rest, result, now);
    }

    let statuses: Vec<JobRecoverability> = chosen
        .iter()
        .zip(answers)
        .map(|(t, rest)| one(*t, &snapshots, rest, now))
        .collect();
    let scope = match scope_ns {
        Some(ns) => format!("in namespace {ns}"),
        None => "in any namespace".to_owned(),
    };
    ctx.out.write(&render(
        &statuses,
        args.output,
        args.all_namespaces,
        args.no_headers,
        &scope,
    )?)?;
    if !missing.is_empty() {
        return Err(failed(format!(
            "not found in namespace {ns}: {}",
            missing
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let not_ok = statuses.iter().filter(|s| s.verdict != Verdict::Ok).count();
    if args.exit_code && not_ok > 0 {
        return Err(failed(format!(
            "{not_ok} of {} job(s) not OK (--exit-code)",
            statuses.len()
        )));
    }
    Ok(())
}

/// `app/a job/b …` (each KIND/NAME), or one `KIND NAME`.
fn parse_targets(words: &[String]) -> Result<Vec<Target>> {
    if words.is_empty() {
        return Ok(Vec::new());
    }
    if words.iter().all(|w| w.contains('/')) {
        return words
            .iter()
            .map(|w| Ok(parse_target(std::slice::from_ref(w), JOBS_AND_SESSIONS)?))
            .collect();
    }
    Ok(vec![parse_target(words, JOBS_AND_SESSIONS)?])
}

/// The jobs the targets designate (all applications and session jobs without targets), in
/// listing order; and the targets that match nothing.
fn choose<'a>(
    deployments: &'a [FlinkDeployment],
    jobs: &'a [FlinkSessionJob],
    targets: &[Target],
) -> (Vec<JobTarget<'a>>, Vec<Target>) {
    let applications = deployments.iter().filter(|d| !d.is_session_cluster());
    // A session job with its session cluster, when listed.
    let session_job = |j: &'a FlinkSessionJob| {
        let cluster = deployments.iter().find(|d| {
            d.metadata.name.as_deref() == j.deployment_name()
                && d.metadata.namespace == j.metadata.namespace
        });
        JobTarget::session_job(j, cluster)
    };
    if targets.is_empty() {
        let all = applications
            .map(JobTarget::deployment)
            .chain(jobs.iter().map(session_job))
            .collect();
        return (all, Vec::new());
    }
    let mut chosen: Vec<JobTarget<'a>> = Vec::new();
    let mut missing = Vec::new();
    for t in targets {
        let name = Some(t.name.as_str());
        let before = chosen.len();
        match t.kind {
            Kind::SessionJob => chosen.extend(
                jobs.iter()
                    .filter(|j| j.metadata.name.as_deref() == name)
                    .map(session_job),
            ),
            _ => {
                let found = deployments
                    .iter()
                    .find(|d| d.metadata.name.as_deref() == name);
                match found {
                    Some(d) if !d.is_session_cluster() && t.kind != Kind::SessionCluster => {
                        chosen.push(JobTarget::deployment(d));
                    }
                    Some(_) => chosen.extend(
                        jobs.iter()
                            .filter(|j| j.deployment_name() == name)
                            .map(session_job),
                    ),
                    None => {}
                }
                if found.is_some() && chosen.len() == before {
                    // a session cluster without jobs: nothing to report, but it exists
                    continue;
                }
            }
        }
        if chosen.len() == before {
            missing.push(t.clone());
        }
    }
    (chosen, missing)
}

fn rest_facts(
    rest: &FlinkRest,
    result: std::result::Result<CheckpointingStatistics, Unreachable>,
    now: Timestamp,
) -> RestFacts {
    match result {
        Ok(stats) => RestFacts::Answered(
            stats
                .latest_completed_checkpoint()
                .map(|c| CheckpointBrief::of(c, now)),
        ),
        Err(err) => {
            if let Some(notice) = rest.notice(&err) {
                warn(&notice);
            }
            RestFacts::Unreachable(err.short())
        }
    }
}

/// The status of one job.
fn one(
    target: JobTarget<'_>,
    snapshots: &[FlinkStateSnapshot],
    rest: RestFacts,
    now: Timestamp,
) -> JobRecoverability {
    let history = savepoint_history(target, snapshots);
    let (own, cluster) = target.flat_configs();
    let js = target.job_status();
    job_status(StatusFacts {
        target: target.display(),
        namespace: target.namespace().unwrap_or_default().to_owned(),
        job_state: js.and_then(|s| s.state.clone()),
        layers: Layered::of(&own, cluster.as_ref()),
        history: &history,
        last_periodic_ms: js
            .and_then(|s| s.savepoint_info.as_ref())
            .and_then(|i| i.last_periodic_savepoint_timestamp),
        job_started: js.and_then(|s| s.start_time()),
        rest,
        now,
    })
}
