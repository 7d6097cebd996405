//! One shutdown signal fanned out: SIGTERM/SIGINT flips a `watch` channel; a second signal
//! aborts the process immediately.

use tokio::sync::watch;

/// Sender side: call [`Trigger::fire`] to begin the graceful shutdown.
#[derive(Clone, Debug)]
pub struct Trigger(watch::Sender<bool>);

/// Receiver side, cloned into every task that must stop.
pub type Signal = watch::Receiver<bool>;

/// A fresh, not-yet-fired channel.
pub fn channel() -> (Trigger, Signal) {
    let (tx, rx) = watch::channel(false);
    (Trigger(tx), rx)
}

impl Trigger {
    /// Begins shutdown (idempotent).
    pub fn fire(&self) {
        self.0.send_replace(true);
    }

    /// Whether shutdown has begun.
    pub fn fired(&self) -> bool {
        *self.0.borrow()
    }
}

/// Waits until `signal` fires.
pub async fn wait(signal: &mut Signal) {
    // An Err means every Trigger is gone, which only happens at process exit.
    let _ = signal.wait_for(|fired| *fired).await;
}

/// Listens for SIGTERM/SIGINT: the first fires `trigger`, the second exits with status 130.
pub fn spawn_signal_listener(trigger: Trigger) -> anyhow::Result<()> {
    use anyhow::Context;
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    tokio::spawn(async move {
        let mut count = 0u32;
        loop {
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            };
            count += 1;
            if count == 1 {
                tracing::info!(
                    signal = name,
                    "shutdown requested; draining (send again to abort)"
                );
                trigger.fire();
            } else {
                tracing::warn!(signal = name, "second signal; aborting without draining");
                std::process::exit(130);
            }
        }
    });
    Ok(())
}
