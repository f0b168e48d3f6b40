//! What `warm` did. Field names are the JSON names SPEC.md and the README fix.

use serde::Serialize;

use crate::core::load::{Check, Tally};

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct WarmReport {
    /// Lines read (valid and invalid).
    pub read: u64,
    pub written: u64,
    /// Keys that existed and were kept (`--only-missing`); never invalid lines.
    pub skipped: u64,
    /// Writes sent whose replies never came (the server may have applied them).
    pub unconfirmed: u64,
    /// Lines whose primary is down (a cluster running without full coverage).
    pub unreachable: u64,
    /// Invalid lines: not written.
    pub invalid: u64,
    pub elapsed_ms: u64,
    pub dry_run: bool,
    /// Size of the input.
    pub bytes: u64,
    /// Keys written or kept per second of the whole run, rounded.
    pub keys_per_sec: f64,
}

impl WarmReport {
    pub fn new(check: &Check, bytes: u64, dry_run: bool) -> Self {
        WarmReport {
            read: check.read,
            invalid: check.invalid,
            dry_run,
            bytes,
            ..Default::default()
        }
    }

    pub fn add(&mut self, t: &Tally) {
        self.written += t.written;
        self.skipped += t.skipped;
        self.unconfirmed += t.unconfirmed;
        self.unreachable += t.unreachable;
    }

    /// Stamp the run's duration, and the rate that follows from it.
    pub fn finish(&mut self, elapsed_ms: u64) {
        self.elapsed_ms = elapsed_ms;
        let secs = elapsed_ms.max(1) as f64 / 1000.0;
        self.keys_per_sec = ((self.written + self.skipped) as f64 / secs).round();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_the_documented_fields_and_the_rate_of_the_whole_run() {
        let mut r = WarmReport::new(
            &Check {
                read: 12,
                invalid: 2,
                errors: vec![],
            },
            640,
            false,
        );
        r.add(&Tally {
            written: 7,
            skipped: 3,
            unconfirmed: 0,
            unreachable: 0,
        });
        r.finish(2000);
        let v = serde_json::to_value(&r).expect("serialize");
        let mut names: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(|k| k.as_str())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "bytes",
                "dry_run",
                "elapsed_ms",
                "invalid",
                "keys_per_sec",
                "read",
                "skipped",
                "unconfirmed",
                "unreachable",
                "written"
            ]
        );
        assert_eq!(
            (v["read"].as_u64(), v["invalid"].as_u64()),
            (Some(12), Some(2))
        );
        assert_eq!(v["keys_per_sec"].as_f64(), Some(5.0), "10 keys in 2 s");
        r.finish(0);
        assert_eq!(r.keys_per_sec, 10_000.0, "a run under 1 ms counts as 1 ms");
    }
}
