//! `completion bash|zsh|fish`: static completion scripts for the `kubectl-savepoint` binary.

use anyhow::Result;
use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Shell;

use crate::kube::Context;

/// Print a shell completion script for the kubectl-savepoint binary.
///
/// bash: source <(kubectl-savepoint completion bash). For `kubectl savepoint <TAB>` (kubectl >=
/// 1.26) install the kubectl_complete-savepoint entry point instead (make install does), which
/// also completes resource names from the cluster.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// Supported shells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// bash.
    Bash,
    /// zsh.
    Zsh,
    /// fish.
    Fish,
}

/// The completion script for `shell`.
pub fn script(shell: CompletionShell) -> String {
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let mut command = crate::cli::Cli::command();
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command, "kubectl-savepoint", &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

impl CompletionArgs {
    /// Runs the command.
    pub async fn run(self, ctx: &Context) -> Result<()> {
        ctx.out.write(&script(self.shell))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_mention_the_binary_and_subcommands() {
        for shell in [
            CompletionShell::Bash,
            CompletionShell::Zsh,
            CompletionShell::Fish,
        ] {
            let text = script(shell);
            assert!(text.contains("kubectl-savepoint"), "{shell:?}");
            assert!(
                text.contains("schedule") && text.contains("restore"),
                "{shell:?}"
            );
        }
    }
}
