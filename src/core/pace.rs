//! Pacing by a neighbour's latency (`--max-latency D`).
//!
//! What a neighbour of ours feels is how long a single cheap command waits
//! behind our work. So that is what is measured: a probe on a connection of
//! its own sends a PING every few milliseconds, and the round trips, not the
//! (queued, deep) round trips of our own pipelines, steer the pace.
//!
//! The controller is AIMD, as TCP's congestion control: the signal is noisy
//! and grows sharply, not linearly, once the server queues (a PID loop would
//! need a linear plant and tuning per server). A window of probe samples
//! whose worst is over the budget cuts the rate and the chunk size
//! multiplicatively, which brings the latency back within a window or two; a
//! window well under it raises the rate, by half while starting (slow start:
//! the rate is found within a second) and by a few percent afterwards, so
//! the speed comes back when the server is idle again.

use std::time::Duration;

/// Probe samples per decision (at [`PROBE_EVERY`], about 100 ms).
pub const WINDOW: usize = 20;

/// How often the probe sends its PING.
pub const PROBE_EVERY: Duration = Duration::from_millis(5);

/// Keys per second the first window runs at.
const START_RATE: f64 = 20_000.0;
/// Never slower than this (a server slow for other reasons must not stop us).
const MIN_RATE: f64 = 200.0;
/// Chunks never shrink below this many keys (a round trip per key is worse).
const MIN_CHUNK: usize = 16;
/// Calm windows in a row after which the rate grows as in slow start.
const CALM_TO_RESTART: u32 = 3;
/// Latency under this share of the budget counts as room to speed up.
const HEADROOM: f64 = 0.7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    SlowStart,
    Steady,
}

/// The controller. Feed it probe round trips with [`Pacer::observe`]; read
/// the pace from [`Pacer::rate`] and [`Pacer::chunk`].
#[derive(Debug, Clone)]
pub struct Pacer {
    budget: Duration,
    rate: f64,
    max_rate: f64,
    chunk: usize,
    max_chunk: usize,
    phase: Phase,
    window: Vec<Duration>,
    /// Windows in a row well under the budget.
    calm: u32,
    /// The worst round trip of the last full window.
    last_signal: Option<Duration>,
}

impl Pacer {
    /// `max_chunk`: keys per chunk at most (`--batch`); `max_rate`: a
    /// `--rate` given as well, if any.
    pub fn new(budget: Duration, max_chunk: usize, max_rate: Option<u64>) -> Self {
        let max_rate = max_rate.map(|r| r as f64).unwrap_or(f64::INFINITY);
        let max_chunk = max_chunk.max(1);
        Pacer {
            budget,
            rate: START_RATE.min(max_rate),
            max_rate,
            chunk: max_chunk.min(256).max(MIN_CHUNK.min(max_chunk)),
            max_chunk,
            phase: Phase::SlowStart,
            window: Vec::with_capacity(WINDOW),
            calm: 0,
            last_signal: None,
        }
    }

    /// One probe round trip. Returns true when it closed a window and the
    /// pace changed.
    pub fn observe(&mut self, rtt: Duration) -> bool {
        self.window.push(rtt);
        if self.window.len() < WINDOW {
            return false;
        }
        // The worst of the window: with ~20 samples it stands for a high
        // percentile, which is what the budget is about.
        let worst = self.window.iter().copied().max().unwrap_or_default();
        self.window.clear();
        self.last_signal = Some(worst);
        self.decide(worst);
        true
    }

    fn decide(&mut self, worst: Duration) {
        let budget = self.budget.as_secs_f64();
        let seen = worst.as_secs_f64();
        if seen > budget {
            self.phase = Phase::Steady;
            self.calm = 0;
            // Further over the budget, a deeper cut (at most to a quarter).
            let cut = (budget / seen).clamp(0.25, 0.7);
            self.rate = (self.rate * cut).max(MIN_RATE);
            self.chunk = ((self.chunk as f64 * 0.7) as usize).max(MIN_CHUNK.min(self.max_chunk));
        } else if seen < budget * HEADROOM {
            self.calm += 1;
            // Calm for a few windows in a row: the load that made us slow
            // down is gone, so speed up as at the start.
            let fast = self.phase == Phase::SlowStart || self.calm >= CALM_TO_RESTART;
            self.rate = if fast {
                self.rate * 1.5
            } else {
                self.rate * 1.05 + 500.0
            }
            .min(self.max_rate);
            self.chunk = ((self.chunk as f64 * 1.25).ceil() as usize).min(self.max_chunk);
        } else {
            // Between HEADROOM and the budget: hold.
            self.calm = 0;
        }
    }

    /// Keys per second allowed now.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Keys per chunk now.
    pub fn chunk(&self) -> usize {
        self.chunk
    }

    /// The neighbour latency last measured (worst of a window), for progress.
    pub fn signal(&self) -> Option<Duration> {
        self.last_signal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: f64) -> Duration {
        Duration::from_secs_f64(v / 1000.0)
    }

    fn window(p: &mut Pacer, rtt: Duration) {
        for _ in 0..WINDOW {
            p.observe(rtt);
        }
    }

    #[test]
    fn an_idle_server_lets_it_speed_up_fast() {
        let mut p = Pacer::new(ms(2.0), 1000, None);
        let start = p.rate();
        // About a second of windows with a fast neighbour.
        for _ in 0..10 {
            window(&mut p, ms(0.2));
        }
        assert!(
            p.rate() > start * 50.0,
            "slow start: {} from {start}",
            p.rate()
        );
        assert_eq!(p.chunk(), 1000, "chunks grow to --batch");
    }

    #[test]
    fn over_budget_cuts_at_once_and_harder_when_far_over() {
        let mut p = Pacer::new(ms(2.0), 1000, None);
        window(&mut p, ms(0.2));
        let before = p.rate();
        window(&mut p, ms(3.0));
        assert!(p.rate() <= before * 0.7, "{} after {before}", p.rate());
        let mut q = Pacer::new(ms(2.0), 1000, None);
        window(&mut q, ms(0.2));
        window(&mut q, ms(20.0));
        assert!(q.rate() <= before * 0.25 + 1.0, "a deep cut: {}", q.rate());
        assert_eq!(q.signal(), Some(ms(20.0)));
    }

    #[test]
    fn a_rate_given_as_well_is_a_ceiling() {
        let mut p = Pacer::new(ms(2.0), 1000, Some(50_000));
        for _ in 0..50 {
            window(&mut p, ms(0.1));
        }
        assert!(p.rate() <= 50_000.0);
        assert!(p.rate() >= 49_000.0);
    }

    #[test]
    fn never_stops_even_when_the_server_is_slow_for_others() {
        let mut p = Pacer::new(ms(1.0), 1000, None);
        for _ in 0..100 {
            window(&mut p, ms(50.0));
        }
        assert!(p.rate() >= MIN_RATE);
        assert!(p.chunk() >= MIN_CHUNK);
    }

    /// A server whose neighbour latency grows with our rate, sharply near
    /// saturation (queueing): 0.2 ms idle, about 2 ms at 400k keys/s.
    fn plant(rate: f64) -> Duration {
        let u = (rate / 500_000.0).min(0.99);
        ms(0.2 + 0.45 * u / (1.0 - u))
    }

    #[test]
    fn converges_near_the_budget_and_holds_it() {
        let mut p = Pacer::new(ms(2.0), 1000, None);
        let mut rates = Vec::new();
        let mut over = 0;
        for i in 0..200 {
            let rtt = plant(p.rate());
            window(&mut p, rtt);
            if i >= 20 {
                rates.push(p.rate());
                if rtt > ms(2.0) {
                    over += 1;
                }
            }
        }
        let mean = rates.iter().sum::<f64>() / rates.len() as f64;
        // Within the budget (plant(r) <= 2ms for r <= ~400k), and not far under it.
        assert!(mean > 200_000.0 && mean < 420_000.0, "mean rate {mean}");
        assert!(
            over * 10 < rates.len(),
            "{over} windows over budget of {}",
            rates.len()
        );
    }

    #[test]
    fn recovers_its_speed_once_the_load_is_gone() {
        let mut p = Pacer::new(ms(2.0), 1000, None);
        for _ in 0..10 {
            window(&mut p, ms(0.2));
        }
        let fast = p.rate();
        // Someone else loads the server for a while.
        for _ in 0..10 {
            window(&mut p, ms(8.0));
        }
        assert!(p.rate() < fast / 10.0);
        // About two seconds after the load went away, the pace is back.
        for _ in 0..20 {
            window(&mut p, ms(0.2));
        }
        assert!(p.rate() > fast / 4.0, "{} vs {fast}", p.rate());
    }
}
