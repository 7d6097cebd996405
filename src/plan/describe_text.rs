//! Human-readable rendering of `describe` (kubectl-describe style `Key:  value` blocks) and of the
//! `schedule` settings view.

use std::fmt::Write as _;

use super::describe::{EventView, TargetDescription};
use super::describe_snapshot::SnapshotDescription;
use super::settings::{ScheduleView, Setting};

fn field(out: &mut String, indent: usize, key: &str, value: &str) {
    let pad = " ".repeat(indent);
    let width = 24usize.saturating_sub(indent).max(key.len() + 1);
    let _ = writeln!(out, "{pad}{key:<width$}{value}");
}

fn opt(value: &Option<String>) -> &str {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .unwrap_or("<none>")
}

/// One settings line: `value   (meaning; from SOURCE as KEY)`.
pub fn setting_line(s: &Setting) -> String {
    let value = s.value.as_deref().map_or("<unset>".to_owned(), |v| {
        if v.is_empty() {
            "\"\"".to_owned()
        } else {
            v.to_owned()
        }
    });
    let spelled = if s.key != s.option {
        format!(" as {}", s.key)
    } else {
        String::new()
    };
    format!(
        "{value}   ({}; from {}{spelled})",
        s.meaning,
        s.source.as_str()
    )
}

/// The settings block shared by `schedule` and `describe`.
pub fn render_settings(out: &mut String, indent: usize, view: &ScheduleView) {
    field(
        out,
        indent,
        "Savepoint dir:",
        &setting_line(&view.savepoint_dir),
    );
    field(out, indent, "Interval:", &setting_line(&view.interval));
    field(
        out,
        indent,
        "History max age:",
        &setting_line(&view.max_age),
    );
    field(
        out,
        indent,
        "History max count:",
        &setting_line(&view.max_count),
    );
    field(out, indent, "Cleanup:", &setting_line(&view.cleanup));
}

/// `schedule TARGET` without flags.
pub fn render_schedule(target: &str, view: &ScheduleView) -> String {
    let mut out = String::new();
    field(&mut out, 0, "Target:", target);
    render_settings(&mut out, 0, view);
    out.push_str(
        "Operator-wide settings (Helm defaultConfiguration) and *.threshold caps are not visible here.\n",
    );
    out
}

fn render_events(out: &mut String, events: &[EventView]) {
    if events.is_empty() {
        out.push_str("Events:                 <none>\n");
        return;
    }
    out.push_str("Events:\n");
    for e in events {
        let _ = writeln!(
            out,
            "  {:<8} {:<20} {:<22} x{}  {}",
            e.type_,
            e.reason,
            opt(&e.last_seen),
            e.count,
            e.message
        );
    }
}

/// `describe TARGET`.
pub fn render_target(d: &TargetDescription) -> String {
    let mut out = String::new();
    field(&mut out, 0, "Target:", &d.target);
    field(&mut out, 0, "Namespace:", &d.namespace);
    if let Some(cluster) = &d.session_cluster {
        field(&mut out, 0, "Session cluster:", cluster);
    }
    field(&mut out, 0, "Job state:", opt(&d.job_state));
    field(&mut out, 0, "Lifecycle state:", opt(&d.lifecycle_state));
    field(&mut out, 0, "Upgrade mode:", opt(&d.upgrade_mode));
    out.push_str("Savepoint settings:\n");
    render_settings(&mut out, 2, &d.settings);
    out.push_str("Operator mode:\n");
    field(&mut out, 2, "Mode:", d.operator_mode.mode);
    field(
        &mut out,
        2,
        "CRD served:",
        if d.operator_mode.crd_served {
            "yes"
        } else {
            "no"
        },
    );
    field(
        &mut out,
        2,
        "Snapshot resources:",
        &setting_line(&d.operator_mode.setting),
    );
    field(&mut out, 2, "Why:", &d.operator_mode.reason);
    if let Some(h) = &d.history {
        out.push_str("History:\n");
        let counts: Vec<String> = h.by_state.iter().map(|(s, n)| format!("{s}={n}")).collect();
        let total = format!("{} ({})", h.total, counts.join(", "));
        field(&mut out, 2, "Total:", &total);
        let latest = h
            .latest_completed
            .as_ref()
            .map_or("<none>".to_owned(), |e| {
                format!("{} at {} -> {}", e.id, opt(&e.time), opt(&e.location))
            });
        field(&mut out, 2, "Latest completed:", &latest);
        for e in &h.recent {
            let _ = writeln!(
                out,
                "  - {:<40} {:<9} {:<12} {:<25} {}",
                e.id,
                e.trigger_type,
                e.state,
                opt(&e.time),
                opt(&e.location)
            );
        }
    }
    render_events(&mut out, &d.events);
    out
}

/// `describe flinkstatesnapshot/NAME`.
pub fn render_snapshot(d: &SnapshotDescription) -> String {
    let mut out = String::new();
    field(&mut out, 0, "Name:", &d.name);
    field(&mut out, 0, "Namespace:", opt(&d.namespace));
    field(&mut out, 0, "Job:", opt(&d.job));
    field(&mut out, 0, "Type:", d.snapshot_type);
    field(&mut out, 0, "Trigger type:", &d.trigger_type);
    field(&mut out, 0, "State:", &d.state);
    field(&mut out, 0, "Location:", opt(&d.path));
    field(&mut out, 0, "Target directory:", opt(&d.target_directory));
    field(&mut out, 0, "Format:", opt(&d.format));
    let dispose = if d.dispose_on_delete {
        "true (deleting this object disposes the savepoint data)"
    } else {
        "false (deleting this object keeps the savepoint data)"
    };
    field(&mut out, 0, "Dispose on delete:", dispose);
    field(
        &mut out,
        0,
        "Already exists:",
        if d.already_exists { "true" } else { "false" },
    );
    field(
        &mut out,
        0,
        "Backoff limit:",
        &d.backoff_limit.map_or("<none>".into(), |b| b.to_string()),
    );
    field(
        &mut out,
        0,
        "Failures:",
        &d.failures.map_or("<none>".into(), |f| f.to_string()),
    );
    field(&mut out, 0, "Error:", opt(&d.error));
    field(&mut out, 0, "Trigger id:", opt(&d.trigger_id));
    field(&mut out, 0, "Triggered:", opt(&d.triggered));
    field(&mut out, 0, "Result:", opt(&d.result));
    field(&mut out, 0, "Created:", opt(&d.created));
    let latest = match d.latest_completed_of_job {
        Some(true) => "yes (prune/delete keep it unless --include-latest)",
        Some(false) => "no",
        None => "unknown",
    };
    field(&mut out, 0, "Newest completed of job:", latest);
    render_events(&mut out, &d.events);
    out
}
