//! Pipelines: chunking work into batches and pacing them with an optional
//! operations-per-second cap. Routing by node lives in `conn::Redis::batch`.

use std::time::Duration;

use tokio::time::Instant;

/// Caps the operations per second sent to the server (`--rate N`).
///
/// A simple leaky bucket: each batch of `n` operations moves the earliest time
/// the next batch may start by `n / rate` seconds.
#[derive(Debug)]
pub struct RateCap {
    per_op: Option<Duration>,
    next: Instant,
}

impl RateCap {
    pub fn new(ops_per_sec: Option<u64>) -> Self {
        let per_op = ops_per_sec
            .filter(|&r| r > 0)
            .map(|r| Duration::from_secs_f64(1.0 / r as f64));
        RateCap {
            per_op,
            next: Instant::now(),
        }
    }

    /// Change the cap from now on (the time already paid for stays paid).
    pub fn set_per_second(&mut self, rate: f64) {
        self.per_op = (rate.is_finite() && rate > 0.0).then(|| Duration::from_secs_f64(1.0 / rate));
    }

    /// How long to wait before the next batch may be sent (each batch's cost
    /// is paid after it, by [`RateCap::take`]).
    pub fn delay(&self) -> Duration {
        match self.per_op {
            Some(_) => self.next.saturating_duration_since(Instant::now()),
            None => Duration::ZERO,
        }
    }

    /// Account for `n` operations just sent.
    pub fn take(&mut self, n: usize) {
        let Some(per_op) = self.per_op else { return };
        let start = self.next.max(Instant::now());
        self.next = start + per_op * n as u32;
    }

    /// Wait until `n` more operations may be sent, and account for them.
    #[cfg(test)]
    pub async fn acquire(&mut self, n: usize) {
        tokio::time::sleep(self.delay()).await;
        self.take(n);
    }

    /// The largest batch that keeps bursts within about 1/10 s at this rate.
    pub fn batch_limit(&self, wanted: usize) -> usize {
        match self.per_op {
            Some(p) => {
                let per_tenth = (0.1 / p.as_secs_f64()).floor() as usize;
                wanted.min(per_tenth.max(1))
            }
            None => wanted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_limit_follows_rate() {
        assert_eq!(RateCap::new(None).batch_limit(1000), 1000);
        assert_eq!(RateCap::new(Some(100)).batch_limit(1000), 10);
        assert_eq!(RateCap::new(Some(5)).batch_limit(1000), 1);
        assert_eq!(RateCap::new(Some(0)).batch_limit(7), 7);
    }

    #[tokio::test(start_paused = true)]
    async fn acquire_paces() {
        let mut cap = RateCap::new(Some(1000));
        let t0 = tokio::time::Instant::now();
        for _ in 0..5 {
            cap.acquire(100).await;
        }
        // 4 full waits of 100 ops at 1000/s after the first free batch.
        let waited = t0.elapsed();
        assert!(waited >= Duration::from_millis(390), "{waited:?}");
    }
}
