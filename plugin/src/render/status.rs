//! `status` output: a table, or a kubectl `List` of the library's job records as JSON/YAML.

use flink_savepoint::plan::JobRecoverability;
use flink_savepoint::plan::status::Reason;

use super::{Table, human_age, list_object, object};
use crate::cli::ObjectFormat;
use crate::error::Result;

/// Column headers (`NAMESPACE` first with `-A`).
pub fn headers(all_namespaces: bool) -> Vec<&'static str> {
    let mut h = Vec::new();
    if all_namespaces {
        h.push("namespace");
    }
    h.extend([
        "target",
        "job",
        "savepoint",
        "checkpoint",
        "next-periodic",
        "retention",
        "manual",
        "failed-24h",
        "verdict",
        "reasons",
    ]);
    h
}

fn ago(seconds: Option<i64>) -> String {
    seconds.map_or(String::new(), |s| format!("{} ago", human_age(s)))
}

fn next_periodic(s: &JobRecoverability) -> String {
    match s.periodic.due_in_seconds {
        Some(d) if d >= 0 => format!("in {}", human_age(d)),
        Some(d) => format!("overdue {}", human_age(-d)),
        None if s.periodic.interval.meaning == "disabled"
            || s.periodic
                .interval
                .value
                .as_deref()
                .is_none_or(str::is_empty) =>
        {
            "disabled".to_owned()
        }
        None => String::new(),
    }
}

fn retention(s: &JobRecoverability) -> String {
    if s.retention.cleanup.value.as_deref().map(str::trim) == Some("false") {
        return "cleanup off".to_owned();
    }
    format!(
        "{} / {}",
        s.retention.max_age.value.as_deref().unwrap_or("-"),
        s.retention.max_count.value.as_deref().unwrap_or("-")
    )
}

/// The cells of one job.
pub fn row(s: &JobRecoverability, all_namespaces: bool) -> Vec<String> {
    let mut cells = Vec::new();
    if all_namespaces {
        cells.push(s.namespace.clone());
    }
    cells.extend([
        s.target.clone(),
        s.job_state.clone().unwrap_or_default(),
        ago(s.newest_savepoint.as_ref().and_then(|n| n.age_seconds)),
        ago(s.last_checkpoint.as_ref().and_then(|c| c.age_seconds)),
        next_periodic(s),
        retention(s),
        s.manual_snapshots_kept.to_string(),
        s.recent_failures.len().to_string(),
        s.verdict.as_str().to_owned(),
        s.reasons
            .iter()
            .map(Reason::text)
            .collect::<Vec<_>>()
            .join("; "),
    ]);
    cells
}

/// The whole output; an empty table prints `No jobs found …` to stderr, like `list`.
pub fn render(
    jobs: &[JobRecoverability],
    format: Option<ObjectFormat>,
    all_namespaces: bool,
    no_headers: bool,
    scope: &str,
) -> Result<String> {
    Ok(match format {
        Some(format) => object(&list_object(jobs)?, &format)?,
        None if jobs.is_empty() => {
            eprintln!("No jobs found {scope}.");
            String::new()
        }
        None => {
            let mut table = Table::new(headers(all_namespaces));
            for j in jobs {
                table.push(row(j, all_namespaces));
            }
            table.render(no_headers)
        }
    })
}
