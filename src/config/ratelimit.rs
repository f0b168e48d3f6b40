//! `ratelimit-test`'s flags as the limiter's policy, hints and run plan:
//! every usage error here, before connecting.

use std::time::Duration;

use crate::cli::{RateAlgo, RatelimitTestArgs, StampUnit};
use crate::core::limiter::run::Plan;
use crate::core::limiter::{Algorithm, Hints, Policy, TimeUnit, MAX_LOG_COST, MAX_LOG_LIMIT};
use crate::error::usage;

const DEFAULT_LIMIT: u64 = 10;
const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// A window longer than this is a typo, not a rate limit.
const MAX_WINDOW: Duration = Duration::from_secs(366 * 86_400);
/// Default run length: twice what a fresh limiter allows, capped.
const MAX_DEFAULT_REQUESTS: u64 = 10_000;

impl From<RateAlgo> for Algorithm {
    fn from(a: RateAlgo) -> Self {
        match a {
            RateAlgo::SlidingLog => Algorithm::SlidingLog,
            RateAlgo::FixedWindow => Algorithm::FixedWindow,
            RateAlgo::TokenBucket => Algorithm::TokenBucket,
            RateAlgo::Gcra => Algorithm::Gcra,
        }
    }
}

/// None: detect it from the key.
pub fn unit(u: StampUnit) -> Option<TimeUnit> {
    match u {
        StampUnit::Auto => None,
        StampUnit::S => Some(TimeUnit::S),
        StampUnit::Ms => Some(TimeUnit::Ms),
        StampUnit::Us => Some(TimeUnit::Us),
        StampUnit::Ns => Some(TimeUnit::Ns),
    }
}

fn window_ms(d: Duration) -> anyhow::Result<u64> {
    if d < Duration::from_millis(1) {
        return Err(usage(format!(
            "--window {}: windows are at least 1ms",
            humantime::format_duration(d)
        )));
    }
    if d > MAX_WINDOW {
        return Err(usage(format!(
            "--window {}: longer than a year is not a rate limit",
            humantime::format_duration(d)
        )));
    }
    Ok(d.as_millis() as u64)
}

/// What `--inspect` (and the state shown in interactive mode) is told.
pub fn hints(args: &RatelimitTestArgs) -> anyhow::Result<Hints> {
    Ok(Hints {
        algo: args.algo.map(Algorithm::from),
        limit: args.limit,
        window_ms: args.window.map(window_ms).transpose()?,
        burst: args.burst,
        unit: unit(args.unit),
    })
}

/// Validate a run's flags into a policy.
pub fn policy(args: &RatelimitTestArgs) -> anyhow::Result<Policy> {
    let algo = args.algo.map_or(Algorithm::SlidingLog, Algorithm::from);
    let name = algo.name();
    let windowed = !algo.has_burst();
    if windowed && args.burst.is_some() {
        return Err(usage(format!(
            "--burst applies to token-bucket and gcra; {name} allows --limit per --window"
        )));
    }
    if !windowed && args.count_denied {
        return Err(usage(format!(
            "--count-denied applies to sliding-log and fixed-window, not {name}"
        )));
    }
    if !algo.has_unit() && args.unit != StampUnit::Auto {
        return Err(usage(format!(
            "--unit applies to sliding-log scores and token-bucket timestamps, not {name}"
        )));
    }
    let limit = args.limit.unwrap_or(DEFAULT_LIMIT);
    let cost = args.cost.unwrap_or(1);
    // One sorted-set entry per unit: bounded so that no request makes the
    // server write (and block every other client for) more than a moment.
    if algo == Algorithm::SlidingLog && limit > MAX_LOG_LIMIT {
        return Err(usage(format!(
            "--limit {limit}: a sliding log keeps one entry per request, at most {MAX_LOG_LIMIT} per window; use fixed-window, token-bucket or gcra for higher rates"
        )));
    }
    if algo == Algorithm::SlidingLog && cost > MAX_LOG_COST {
        return Err(usage(format!(
            "--cost {cost}: a sliding log writes one entry per unit, at most {MAX_LOG_COST} per request"
        )));
    }
    Ok(Policy {
        algo,
        limit,
        window_ms: window_ms(args.window.unwrap_or(DEFAULT_WINDOW))?,
        burst: args.burst.unwrap_or(limit),
        cost,
        count_denied: args.count_denied,
        unit: unit(args.unit).unwrap_or(TimeUnit::Ms),
    })
}

/// How many requests, how fast, from how many clients.
pub fn plan(args: &RatelimitTestArgs, policy: &Policy) -> Plan {
    Plan {
        requests: args
            .requests
            .unwrap_or_else(|| (policy.capacity() * 2).min(MAX_DEFAULT_REQUESTS)),
        pace: args
            .interval
            .or_else(|| args.rps.map(|r| Duration::from_secs_f64(1.0 / r))),
        concurrency: args.concurrency.unwrap_or(1),
    }
}
