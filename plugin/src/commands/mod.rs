//! One file per subcommand: `pub async fn run(args, ctx)` parses the target, asks
//! `crate::cluster` for objects, lets the library plan, writes through `crate::cluster::write`
//! and prints with `crate::render`. No command imports another.

mod completion;
mod delete;
mod describe;
mod list;
mod prune;
mod restore;
mod schedule;
mod status;
mod trigger;
mod version;
mod wait;

pub use completion::script as completion_script;

use crate::cli::Command;
use crate::cluster::Context;
use crate::error::Result;

/// Runs the chosen subcommand.
pub async fn run(command: Command, ctx: &Context) -> Result<()> {
    match command {
        Command::Trigger(args) => trigger::run(args, ctx).await,
        Command::List(args) => list::run(args, ctx).await,
        Command::Wait(args) => wait::run(args, ctx).await,
        Command::Status(args) => status::run(args, ctx).await,
        Command::Schedule(args) => schedule::run(args, ctx).await,
        Command::Restore(args) => restore::run(args, ctx).await,
        Command::Delete(args) => delete::run(args, ctx).await,
        Command::Prune(args) => prune::run(args, ctx).await,
        Command::Describe(args) => describe::run(args, ctx).await,
        Command::Version(args) => version::run(args, ctx).await,
        Command::Completion(args) => completion::run(args, ctx).await,
    }
}
