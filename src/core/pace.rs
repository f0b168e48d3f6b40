//! Pacing by a neighbour's latency (`--max-latency D`).
//!
//! What a neighbour of ours feels is how long a single cheap command waits
//! behind our work: the server runs one client's queued commands at a time,
//! so a neighbour's GET waits for what we have queued when it arrives. That
//! is what is measured: a probe on a connection of its own sends a PING every
//! few milliseconds, and its round trips, not the (queued, deep) round trips
//! of our own pipelines, steer the pace.
//!
//! The levers, in the order they are used: the work we keep queued at the
//! server (chunk size times chunks in flight), then, when that is at its
//! least, the rate. Queued work is what a neighbour waits behind; a rate cut
//! alone leaves each chunk as long as before.
//!
//! The controller is AIMD, as TCP's congestion control: the signal is noisy
//! and grows sharply, not linearly, once the server queues (a PID loop would
//! need a linear plant and tuning per server). A window of probe samples
//! whose worst is over the budget cuts the queued work multiplicatively (the
//! further over, the deeper), which brings the latency back within a window
//! or two; a window well under it grows the work by a quarter, so the speed
//! comes back within a second or two when the server is idle again.

use std::time::Duration;

use super::pipeline::RateCap;

/// Probe samples per decision (at [`PROBE_EVERY`], about 100 ms).
pub const WINDOW: usize = 20;

/// How often the probe sends its PING.
pub const PROBE_EVERY: Duration = Duration::from_millis(5);

/// Chunks never shrink below this many keys (a round trip per key is worse).
const MIN_CHUNK: usize = 16;
/// The first chunks: small, so a busy server is not hit hard before the
/// first window is measured.
const START_CHUNK: usize = 128;
/// Never slower than this (a server slow for other reasons must not stop us).
const MIN_RATE: f64 = 200.0;
/// Latency under this share of the budget counts as room to speed up.
const HEADROOM: f64 = 0.7;

/// The controller. Feed it probe round trips with [`Pacer::observe`]; read
/// the pace from [`Pacer::chunk`], [`Pacer::depth`] and [`Pacer::rate`].
#[derive(Debug, Clone)]
pub struct Pacer {
    budget: Duration,
    chunk: usize,
    max_chunk: usize,
    depth: usize,
    max_depth: usize,
    /// Keys per second; `None` while chunk and depth alone hold the budget.
    rate: Option<f64>,
    /// A `--rate` given as well.
    max_rate: Option<f64>,
    window: Vec<Duration>,
    /// The worst round trip of the last full window.
    last_signal: Option<Duration>,
    /// The least round trip seen: the server's latency without our work.
    floor: Option<Duration>,
}

impl Pacer {
    /// `max_chunk`: keys per chunk at most (`--batch`); `max_depth`: chunks
    /// in flight at most (`--in-flight`); `max_rate`: a `--rate`, if any.
    pub fn new(
        budget: Duration,
        max_chunk: usize,
        max_depth: usize,
        max_rate: Option<u64>,
    ) -> Self {
        let max_chunk = max_chunk.max(1);
        Pacer {
            budget,
            chunk: START_CHUNK.min(max_chunk),
            max_chunk,
            depth: 1,
            max_depth: max_depth.max(1),
            rate: max_rate.map(|r| r as f64),
            max_rate: max_rate.map(|r| r as f64),
            window: Vec::with_capacity(WINDOW),
            last_signal: None,
            floor: None,
        }
    }

    /// One probe round trip. Returns true when it closed a window and the
    /// pace may have changed.
    pub fn observe(&mut self, rtt: Duration) -> bool {
        self.window.push(rtt);
        if self.window.len() < WINDOW {
            return false;
        }
        // The worst of the window: with ~20 samples it stands for a high
        // percentile, which is what the budget is about.
        let worst = self.window.iter().copied().max().unwrap_or_default();
        let least = self.window.iter().copied().min().unwrap_or_default();
        self.floor = Some(self.floor.map_or(least, |f| f.min(least)));
        self.window.clear();
        self.last_signal = Some(worst);
        self.decide(worst);
        true
    }

    fn min_chunk(&self) -> usize {
        MIN_CHUNK.min(self.max_chunk)
    }

    fn decide(&mut self, worst: Duration) {
        let budget = self.budget.as_secs_f64();
        let seen = worst.as_secs_f64();
        if seen > budget {
            // Further over the budget, a deeper cut (at most to a quarter).
            let cut = (budget / seen).clamp(0.25, 0.6);
            let least = self.depth == 1 && self.chunk == self.min_chunk();
            if least {
                let now = self.rate.unwrap_or(f64::INFINITY);
                // The first cut of an unlimited rate: from what a minimal
                // chunk per round trip roughly gives.
                let from = if now.is_finite() { now } else { 20_000.0 };
                self.rate = Some((from * cut).max(MIN_RATE));
            }
            self.depth = ((self.depth as f64 * cut) as usize).max(1);
            self.chunk = ((self.chunk as f64 * cut) as usize).max(self.min_chunk());
        } else if seen < budget * HEADROOM {
            // Room: first lift a rate cap of ours, then grow the chunks, then
            // the depth; each step only if the latency it predicts (our part
            // of it grown in proportion) stays under the budget.
            let floor = self.floor.map_or(0.0, |f| f.as_secs_f64()).min(seen);
            let fits = |growth: f64| floor + (seen - floor) * growth <= budget * 0.9;
            if let Some(r) = self.rate {
                let next = r * 2.0;
                self.rate = match self.max_rate {
                    Some(max) => Some(next.min(max)),
                    // As fast as a minimal chunk per round trip goes anyway.
                    None if next > 200_000.0 => None,
                    None => Some(next),
                };
                if self.rate != self.max_rate {
                    return;
                }
            }
            let queued = (self.chunk * self.depth) as f64;
            if self.chunk < self.max_chunk {
                let next = ((self.chunk as f64 * 1.5).ceil() as usize).min(self.max_chunk);
                if fits((next * self.depth) as f64 / queued) {
                    self.chunk = next;
                }
            } else if self.depth < self.max_depth
                && fits((self.chunk * (self.depth + 1)) as f64 / queued)
            {
                self.depth += 1;
            }
        }
        // Between HEADROOM and the budget: hold.
    }

    /// Keys per chunk now.
    pub fn chunk(&self) -> usize {
        self.chunk
    }

    /// Chunks in flight now.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Keys per second allowed now, when the rate is limited.
    pub fn rate(&self) -> Option<f64> {
        self.rate
    }

    /// Put the pace into the engine's knobs.
    pub fn apply(&self, rate: &mut RateCap, chunk: &mut usize, depth: &mut usize) {
        match self.rate {
            Some(r) => rate.set_per_second(r),
            None => rate.set_per_second(self.max_rate.unwrap_or(f64::INFINITY)),
        }
        *chunk = rate.batch_limit(self.chunk);
        *depth = self.depth;
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
    fn an_idle_server_lets_it_grow_to_the_flags() {
        let mut p = Pacer::new(ms(2.0), 1000, 4, None);
        assert_eq!((p.chunk(), p.depth()), (128, 1), "starts small");
        // About two seconds of windows with a fast neighbour.
        for _ in 0..20 {
            window(&mut p, ms(0.2));
        }
        assert_eq!((p.chunk(), p.depth(), p.rate()), (1000, 4, None));
    }

    #[test]
    fn over_budget_cuts_the_queued_work_at_once_and_harder_when_far_over() {
        let mut p = Pacer::new(ms(2.0), 1000, 4, None);
        for _ in 0..20 {
            window(&mut p, ms(0.2));
        }
        window(&mut p, ms(3.0));
        assert!(p.chunk() <= 600 && p.depth() <= 2, "{p:?}");
        let mut q = p.clone();
        window(&mut q, ms(20.0));
        assert!(q.chunk() <= 150, "a deep cut: {q:?}");
        assert_eq!(q.signal(), Some(ms(20.0)));
        assert_eq!(q.rate(), None, "the rate is the last lever");
    }

    #[test]
    fn a_rate_given_as_well_is_a_ceiling() {
        let mut p = Pacer::new(ms(2.0), 1000, 4, Some(50_000));
        for _ in 0..50 {
            window(&mut p, ms(0.1));
        }
        assert_eq!(p.rate(), Some(50_000.0));
        for _ in 0..20 {
            window(&mut p, ms(9.0));
        }
        assert!(p.rate().is_some_and(|r| r < 50_000.0));
        for _ in 0..50 {
            window(&mut p, ms(0.1));
        }
        assert_eq!(p.rate(), Some(50_000.0), "recovers to the flag, not above");
    }

    #[test]
    fn never_stops_even_when_the_server_is_slow_for_others() {
        let mut p = Pacer::new(ms(1.0), 1000, 4, None);
        for _ in 0..100 {
            window(&mut p, ms(50.0));
        }
        assert!(p.rate().is_some_and(|r| r >= MIN_RATE));
        assert_eq!((p.chunk(), p.depth()), (MIN_CHUNK, 1));
    }

    /// A server a neighbour waits on for the work we keep queued there:
    /// 0.15 ms idle plus 1 µs per queued key (chunk × depth), plus a share
    /// of that when a rate keeps the server from being busy all the time.
    fn plant(p: &Pacer) -> Duration {
        let queued = (p.chunk() * p.depth()) as f64;
        let busy = p.rate().map(|r| (r / 1_000_000.0).min(1.0)).unwrap_or(1.0);
        ms(0.15 + queued * 0.001 * busy)
    }

    #[test]
    fn converges_under_the_budget_and_holds_it() {
        let mut p = Pacer::new(ms(2.0), 1000, 4, None);
        let mut over = 0;
        let mut queued = Vec::new();
        for i in 0..200 {
            let rtt = plant(&p);
            window(&mut p, rtt);
            if i >= 20 {
                queued.push(p.chunk() * p.depth());
                if rtt > ms(2.0) {
                    over += 1;
                }
            }
        }
        let mean = queued.iter().sum::<usize>() / queued.len();
        // The budget allows about 1,850 queued keys; far under it is waste.
        assert!((700..=1850).contains(&mean), "mean queued keys {mean}");
        assert!(
            over * 10 < queued.len(),
            "{over} windows over budget of {}",
            queued.len()
        );
    }

    #[test]
    fn recovers_its_speed_once_the_load_is_gone() {
        let mut p = Pacer::new(ms(2.0), 1000, 4, None);
        for _ in 0..20 {
            window(&mut p, ms(0.2));
        }
        // Someone else loads the server for a while.
        for _ in 0..10 {
            window(&mut p, ms(8.0));
        }
        assert!(p.rate().is_some());
        // About three seconds after the load went away, the pace is back.
        for _ in 0..30 {
            window(&mut p, ms(0.2));
        }
        assert_eq!((p.chunk(), p.depth(), p.rate()), (1000, 4, None), "{p:?}");
    }
}
