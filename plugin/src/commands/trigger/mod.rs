//! `trigger TARGET`: request a savepoint of an application or a session job.

mod batch;
mod one;
mod send;

use crate::cli::{JOBS_AND_SESSIONS, TargetSet, TriggerArgs, target_set};
use crate::cluster::Context;
use crate::error::Result;

/// Runs the command: one target as always, several (names, `-l`, `--all`) as a batch.
pub async fn run(args: TriggerArgs, ctx: &Context) -> Result<()> {
    let set = target_set(
        &args.target,
        JOBS_AND_SESSIONS,
        args.selector.as_deref(),
        args.all,
        args.all_namespaces,
    )?;
    match set {
        TargetSet::One(target) => one::run_one(args, ctx, target).await,
        set => batch::run_batch(args, ctx, set).await,
    }
}
