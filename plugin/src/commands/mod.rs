//! One module per subcommand. Each defines a clap `Args` struct whose doc comment is the
//! command's help and an inherent `pub async fn run(self, ctx: &crate::kube::Context)`.
//! Register new commands in `crate::cli` (`commands!`).

pub mod completion;
pub mod delete;
pub mod describe;
pub mod lifecycle;
pub mod list;
pub mod list_render;
pub mod list_watch;
pub mod prune;
pub mod restore;
pub mod schedule;
pub mod trigger;
pub mod trigger_info;
pub mod trigger_send;
pub mod version;
pub mod wait;
