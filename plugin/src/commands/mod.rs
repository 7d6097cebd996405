//! One module per subcommand. Each defines a clap `Args` struct whose doc comment is the
//! command's help and an inherent `pub async fn run(self, ctx: &crate::kube::Context)`.
//! Register new commands in `crate::cli` (`commands!`).

pub mod list;
pub mod trigger;
pub mod wait;
