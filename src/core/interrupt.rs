//! Ctrl-C (and SIGTERM) as a flag: bulk loops stop taking new batches, let the
//! in-flight ones finish, and print an exact summary.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

#[derive(Clone, Debug, Default)]
pub struct Interrupt {
    flag: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Interrupt {
    /// Start listening for SIGINT and SIGTERM in the background.
    pub fn listen() -> Self {
        use tokio::signal::unix::{signal, SignalKind};
        let me = Interrupt::default();
        let listener = me.clone();
        // Registered here, synchronously: a signal that arrives before the task
        // first runs is still caught instead of killing the process mid-batch.
        let int = signal(SignalKind::interrupt()).ok();
        let term = signal(SignalKind::terminate()).ok();
        tokio::spawn(async move {
            let (mut int, mut term) = (int, term);
            tokio::select! {
                _ = recv_one(int.as_mut()) => {},
                _ = recv_one(term.as_mut()) => {},
            }
            listener.trigger();
            // A second signal means "now": the in-flight work is abandoned.
            tokio::select! {
                _ = recv_one(int.as_mut()) => {},
                _ = recv_one(term.as_mut()) => {},
            }
            eprintln!("cachectl: interrupted again: exiting now");
            std::process::exit(130);
        });
        me
    }

    pub fn trigger(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Resolves once the interrupt has happened.
    pub async fn wait(&self) {
        loop {
            // Created before the check so a trigger in between is not missed.
            let notified = self.notify.notified();
            if self.is_set() {
                return;
            }
            notified.await;
        }
    }
}

async fn recv_one(s: Option<&mut tokio::signal::unix::Signal>) {
    match s {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
