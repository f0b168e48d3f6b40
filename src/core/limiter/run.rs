//! A run of requests through a limiter: `concurrency` clients sharing one
//! budget and one schedule, every verdict kept with when it was sent.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{request, Policy, Verdict};
use crate::core::conn::Redis;
use crate::core::interrupt::Interrupt;
use crate::core::lock::new_token;

/// How many requests, how fast, from how many clients.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub requests: u64,
    /// Between request starts; None: as fast as possible.
    pub pace: Option<Duration>,
    pub concurrency: u32,
}

/// One request's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based, in the order the requests were scheduled.
    pub n: u64,
    /// 1-based client number.
    pub worker: u32,
    /// When it was sent, from the start of the run (client's monotonic clock).
    pub offset: Duration,
    pub latency: Duration,
    pub verdict: Verdict,
}

/// What a run sent, and why it ended.
#[derive(Debug)]
pub struct Run {
    pub rows: Vec<Row>,
    pub planned: u64,
    /// Ctrl-C ended it before every planned request was sent.
    pub interrupted: bool,
    /// The first error; the run stopped there.
    pub failure: Option<anyhow::Error>,
}

/// Unique sorted-set members for one run: two requests stamped in the same
/// millisecond must not collapse into one entry.
fn run_id() -> String {
    new_token()[..12].to_string()
}

/// Send the planned requests. Request i starts at `i × pace`; a late client
/// sends at once rather than skipping. Stops early on Ctrl-C or the first
/// error.
pub async fn send_all(
    redis: &Redis,
    key: &[u8],
    policy: &Policy,
    plan: &Plan,
    interrupt: &Interrupt,
) -> Run {
    let next = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let run_id = run_id();
    let start = Instant::now();
    let worker = |w: u32| {
        let (next, stop, run_id) = (&next, &stop, &run_id);
        async move {
            let mut rows = Vec::new();
            loop {
                if stop.load(Ordering::SeqCst) || interrupt.is_set() {
                    break;
                }
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= plan.requests {
                    break;
                }
                if let Some(pace) = plan.pace {
                    let due = start + pace.mul_f64(n as f64);
                    tokio::select! {
                        _ = tokio::time::sleep_until(due.into()) => {}
                        _ = interrupt.wait() => break,
                    }
                }
                let sent = Instant::now();
                let member = format!("cachectl:{run_id}:{n}");
                match request(redis, policy, key, &member).await {
                    Ok(verdict) => rows.push(Row {
                        n: n + 1,
                        worker: w + 1,
                        offset: sent - start,
                        latency: sent.elapsed(),
                        verdict,
                    }),
                    Err(e) => {
                        stop.store(true, Ordering::SeqCst);
                        return (rows, Some(e));
                    }
                }
            }
            (rows, None)
        }
    };
    let done = futures::future::join_all((0..plan.concurrency).map(worker)).await;
    let mut rows = Vec::new();
    let mut failure = None;
    for (r, e) in done {
        rows.extend(r);
        if failure.is_none() {
            failure = e;
        }
    }
    rows.sort_by_key(|r| r.n);
    let interrupted = interrupt.is_set() && rows.len() < plan.requests as usize;
    Run {
        rows,
        planned: plan.requests,
        interrupted,
        failure,
    }
}

/// Requests sent one at a time, on demand (the interactive mode).
pub struct Session {
    run_id: String,
    start: Instant,
    pub rows: Vec<Row>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            run_id: run_id(),
            start: Instant::now(),
            rows: Vec::new(),
        }
    }
}

impl Session {
    /// Send the next request and keep its verdict.
    pub async fn send(&mut self, redis: &Redis, policy: &Policy, key: &[u8]) -> anyhow::Result<()> {
        let n = self.rows.len() as u64;
        let sent = Instant::now();
        let member = format!("cachectl:{}:{n}", self.run_id);
        let verdict = request(redis, policy, key, &member).await?;
        self.rows.push(Row {
            n: n + 1,
            worker: 1,
            offset: sent - self.start,
            latency: sent.elapsed(),
            verdict,
        });
        Ok(())
    }

    /// What was sent, as a run that was planned so.
    pub fn into_run(self) -> Run {
        Run {
            planned: self.rows.len() as u64,
            rows: self.rows,
            interrupted: false,
            failure: None,
        }
    }
}

/// The most allowed requests that started within any span of one window: above
/// the limit for fixed windows (the boundary burst), never for a sliding log.
pub fn peak_in_window(rows: &[Row], window_ms: u64) -> u64 {
    let mut times: Vec<Duration> = rows
        .iter()
        .filter(|r| r.verdict.allowed)
        .map(|r| r.offset)
        .collect();
    times.sort();
    let window = Duration::from_millis(window_ms);
    let mut best = 0;
    let mut first = 0;
    for (i, t) in times.iter().enumerate() {
        while *t - times[first] >= window {
            first += 1;
        }
        best = best.max(i - first + 1);
    }
    best as u64
}

/// From the first send to the last reply.
pub fn elapsed(rows: &[Row]) -> Duration {
    rows.iter()
        .map(|r| r.offset + r.latency)
        .max()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u64, at_ms: u64, allowed: bool) -> Row {
        Row {
            n,
            worker: 1,
            offset: Duration::from_millis(at_ms),
            latency: Duration::from_millis(1),
            verdict: Verdict {
                allowed,
                remaining: 0,
                retry_after_ms: Some(0),
                reset_after_ms: Some(0),
            },
        }
    }

    #[test]
    fn peak_counts_allowed_requests_in_any_window_span() {
        // Fixed window of 1s, limit 3: 3 at the end of one window and 3 at the
        // start of the next make 6 within 200ms.
        let rows: Vec<Row> = [900, 950, 990, 1000, 1050, 1100]
            .iter()
            .enumerate()
            .map(|(i, t)| row(i as u64 + 1, *t, true))
            .chain([row(7, 1101, false)])
            .collect();
        assert_eq!(peak_in_window(&rows, 1000), 6);
        assert_eq!(peak_in_window(&rows, 100), 3);
        assert_eq!(peak_in_window(&[], 1000), 0);
        assert_eq!(elapsed(&rows), Duration::from_millis(1102));
    }
}
