//! The neighbour probe behind `--max-latency`: a connection of its own to each
//! primary, sending a PING every few milliseconds, as a neighbour's cheap
//! command would arrive. Its round trips are what the pace is steered by,
//! never the round trips of our own (deep, queued) pipelines.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::conn::Redis;
use super::pace::PROBE_EVERY;

/// Samples waiting for the driver, at most (older ones are not worth more).
const BACKLOG: usize = 256;

/// What the probe saw and the pace it led to, for the progress line.
#[derive(Debug, Default)]
pub struct PaceStatus {
    /// The neighbour latency of the last window, in microseconds.
    latency_us: AtomicU64,
    /// Keys per second allowed now (0: not limited).
    rate: AtomicU64,
    /// Keys queued at the server at most (chunk × depth).
    queued: AtomicU64,
}

impl PaceStatus {
    pub fn set(&self, latency: Duration, chunk: usize, depth: usize, rate: Option<f64>) {
        self.latency_us
            .store(latency.as_micros().max(1) as u64, Ordering::Relaxed);
        self.rate
            .store(rate.map(|r| r as u64).unwrap_or(0), Ordering::Relaxed);
        self.queued.store((chunk * depth) as u64, Ordering::Relaxed);
    }

    /// The neighbour latency, the keys queued at most and the rate cap (if
    /// any), once a window was measured.
    pub fn get(&self) -> Option<(Duration, u64, Option<u64>)> {
        let us = self.latency_us.load(Ordering::Relaxed);
        (us > 0).then(|| {
            let rate = self.rate.load(Ordering::Relaxed);
            (
                Duration::from_micros(us),
                self.queued.load(Ordering::Relaxed),
                (rate > 0).then_some(rate),
            )
        })
    }
}

/// The running probe: samples come in on `samples`; the tasks stop when it is
/// dropped.
#[derive(Debug)]
pub struct Neighbour {
    pub budget: Duration,
    /// Dropping the receiver (with the `Neighbour`) stops the probe.
    samples: Mutex<Option<mpsc::Receiver<Duration>>>,
    pub status: PaceStatus,
}

/// One PING loop per primary, until the receiver is gone.
async fn probe_all(redis: Arc<Redis>, budget: Duration, tx: mpsc::Sender<Duration>) {
    let mut loops = Vec::new();
    for node in redis.primaries() {
        let Ok(mut conn) = redis.side_connection(&node).await else {
            continue;
        };
        let tx = tx.clone();
        loops.push(async move {
            let mut tick = tokio::time::interval(PROBE_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !tx.is_closed() {
                tick.tick().await;
                let t0 = Instant::now();
                let ok: redis::RedisResult<String> =
                    redis::cmd("PING").query_async(&mut conn).await;
                // A failed PING is a neighbour that waited and got nothing:
                // it counts as slow, not as fast.
                let took = t0.elapsed();
                let sample = if ok.is_ok() {
                    took
                } else {
                    took.max(budget * 4)
                };
                let _ = tx.try_send(sample);
            }
        });
    }
    drop(tx);
    futures::future::join_all(loops).await;
}

impl Neighbour {
    /// Start probing every primary of `redis`. A node the probe cannot reach
    /// is not probed (the work on it fails on its own).
    ///
    /// The probe runs on a thread and runtime of its own, connections
    /// included: on our busy runtime a reply would wait for our own work to
    /// yield, and that wait is not the neighbour's.
    pub async fn start(redis: &Arc<Redis>, budget: Duration) -> Arc<Neighbour> {
        let (tx, rx) = mpsc::channel(BACKLOG);
        let redis = redis.clone();
        // Without a thread there is no probe, and no pace from it: the work
        // then runs as without a budget rather than not at all.
        let _ = std::thread::Builder::new()
            .name("neighbour-probe".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(probe_all(redis, budget, tx));
            });
        Arc::new(Neighbour {
            budget,
            samples: Mutex::new(Some(rx)),
            status: PaceStatus::default(),
        })
    }

    /// A probe when there is a budget (a zero budget is none: full speed).
    pub async fn for_budget(
        redis: &Arc<Redis>,
        budget: Option<Duration>,
    ) -> Option<Arc<Neighbour>> {
        match budget.filter(|b| !b.is_zero()) {
            Some(b) => Some(Neighbour::start(redis, b).await),
            None => None,
        }
    }

    /// The sample stream, for the one driver that steers by it.
    pub fn take_samples(&self) -> Option<mpsc::Receiver<Duration>> {
        self.samples.lock().ok().and_then(|mut s| s.take())
    }

    /// Give the stream back after a drive, for the next pass.
    pub fn put_back(&self, rx: mpsc::Receiver<Duration>) {
        if let Ok(mut s) = self.samples.lock() {
            *s = Some(rx);
        }
    }
}
