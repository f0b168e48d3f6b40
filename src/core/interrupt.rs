//! Ctrl-C as a flag: bulk loops check it between batches, so the in-flight batch
//! always finishes and the summary stays exact.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// Start listening for SIGINT (and SIGTERM) in the background.
    pub fn listen() -> Self {
        let flag = Interrupt::default();
        let f = flag.clone();
        tokio::spawn(async move {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            let term_fut = async {
                match term.as_mut() {
                    Some(t) => {
                        t.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term_fut => {},
            }
            f.0.store(true, Ordering::SeqCst);
        });
        flag
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
