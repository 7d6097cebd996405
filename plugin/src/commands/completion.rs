//! `completion bash|zsh|fish`: static completion scripts for the `kubectl-savepoint` binary.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionArgs, CompletionShell};
use crate::cluster::Context;
use crate::error::Result;

/// The completion script for `shell`.
pub fn script(shell: CompletionShell) -> String {
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let mut command = Cli::command();
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command, "kubectl-savepoint", &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

/// Runs the command.
pub async fn run(args: CompletionArgs, ctx: &Context) -> Result<()> {
    ctx.out.write(&script(args.shell))
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
