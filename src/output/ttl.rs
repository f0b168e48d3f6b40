//! `ttl`: per-key TTLs, and a pattern's distribution before and after a change.

use std::io::{self, Write};

use super::fmt;
use super::grid::{Grid, Pairs};
use super::View;
use crate::core::ttl::TtlState;
use crate::keys::escape_bytes;
use crate::report::ttl::{Distribution, KeysReport, PatternReport};

/// How a person reads a TTL: `1h 30m`, `persistent`, `missing`.
fn shown(state: TtlState) -> String {
    match state {
        TtlState::Expires(ms) => fmt::ms_int(ms),
        TtlState::Persistent => "persistent".into(),
        TtlState::Missing => "missing".into(),
        TtlState::Denied => "denied".into(),
        TtlState::Unreachable => "unreachable".into(),
    }
}

impl View for KeysReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut g = Grid::new(&["key", "ttl", "milliseconds"]);
        for r in &self.rows {
            let exact = match r.state {
                TtlState::Expires(ms) => fmt::signed(ms),
                _ => "-".into(),
            };
            g.row(vec![escape_bytes(&r.key), shown(r.state), exact]);
        }
        g.render(out, width)
    }

    /// `key<TAB>ttl`, the TTL exact and with its unit (`90000ms`: it can be
    /// given back to `--set`), or a word.
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        for r in &self.rows {
            let v = match r.state {
                TtlState::Expires(ms) => format!("{ms}ms"),
                other => shown(other),
            };
            writeln!(out, "{}\t{v}", escape_bytes(&r.key))?;
        }
        Ok(())
    }
}

const BUCKETS: [&str; 5] = ["no TTL", "under 1m", "1m to 1h", "1h to 1d", "1d or more"];

fn buckets(d: &Distribution) -> [u64; 5] {
    [d.no_ttl, d.lt_1m, d.lt_1h, d.lt_1d, d.ge_1d]
}

/// Bucket names in plain output (stable, one word each).
const PLAIN_BUCKETS: [&str; 5] = ["no_ttl", "lt_1m", "lt_1h", "lt_1d", "ge_1d"];

impl View for PatternReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let before = buckets(&self.distribution);
        let total = self.distribution.total();
        match &self.after {
            Some(after) => {
                let label = if self.dry_run { "would be" } else { "after" };
                let mut g = Grid::new(&["ttl", "before", "share", label, "share"]);
                let after_total = after.total();
                for ((name, b), a) in BUCKETS.iter().zip(before).zip(buckets(after)) {
                    g.row(vec![
                        name.to_string(),
                        fmt::count(b),
                        fmt::percent(b, total),
                        fmt::count(a),
                        fmt::percent(a, after_total),
                    ]);
                }
                g.render(out, width)?;
            }
            None => {
                let mut g = Grid::new(&["ttl", "keys", "share"]);
                for (name, b) in BUCKETS.iter().zip(before) {
                    g.row(vec![
                        name.to_string(),
                        fmt::count(b),
                        fmt::percent(b, total),
                    ]);
                }
                g.render(out, width)?;
            }
        }
        let mut p = Pairs::new();
        p.add("pattern", &self.pattern)
            .add("matched", fmt::count(self.matched));
        if let Some(changed) = self.changed {
            let label = if self.dry_run {
                "would change"
            } else {
                "changed"
            };
            p.add(label, fmt::count(changed));
        }
        if self.unconfirmed.is_some_and(|n| n > 0) {
            p.add("unconfirmed", fmt::count(self.unconfirmed.unwrap_or(0)));
        }
        if self.denied > 0 {
            p.add("denied", fmt::count(self.denied));
        }
        for r in &self.rescanned {
            p.add("rescanned", format!("{} ({})", r.node, r.reason));
        }
        if self.interrupted {
            p.add("interrupted", "yes (Ctrl-C): run it again to finish");
        }
        p.add("elapsed", fmt::ms_int(self.elapsed_ms as i64));
        p.render(out, width)?;
        if let Some(sample) = self.sample.as_ref().filter(|s| !s.is_empty()) {
            let mut g = Grid::new(&["some keys that would change"]);
            for k in sample {
                g.row(vec![k.clone()]);
            }
            g.render(out, width)?;
        }
        Ok(())
    }

    /// `name<TAB>value` lines: the distribution (`no_ttl`, `lt_1m`, …), then
    /// `after_<bucket>` with a change, the counts, and a dry run's `sample`.
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        for (name, n) in PLAIN_BUCKETS.iter().zip(buckets(&self.distribution)) {
            writeln!(out, "{name}\t{n}")?;
        }
        if let Some(after) = &self.after {
            for (name, n) in PLAIN_BUCKETS.iter().zip(buckets(after)) {
                writeln!(out, "after_{name}\t{n}")?;
            }
        }
        writeln!(out, "pattern\t{}", self.pattern)?;
        writeln!(out, "matched\t{}", self.matched)?;
        if let Some(changed) = self.changed {
            writeln!(out, "changed\t{changed}")?;
        }
        if let Some(n) = self.unconfirmed {
            writeln!(out, "unconfirmed\t{n}")?;
        }
        writeln!(out, "denied\t{}", self.denied)?;
        writeln!(out, "dry_run\t{}", self.dry_run)?;
        for r in &self.rescanned {
            writeln!(out, "rescanned\t{}\t{}", r.node, r.reason)?;
        }
        if self.interrupted {
            writeln!(out, "interrupted\ttrue")?;
        }
        for k in self.sample.iter().flatten() {
            writeln!(out, "sample\t{k}")?;
        }
        writeln!(out, "elapsed_ms\t{}", self.elapsed_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ttl::KeyTtl;
    use crate::output::testing::{plain, table};
    use crate::report::ttl::Rescan;

    fn keys() -> KeysReport {
        let row = |k: &[u8], state| KeyTtl {
            key: k.to_vec(),
            state,
        };
        KeysReport {
            rows: vec![
                row(b"session:abc", TtlState::Expires(5_400_000)),
                row(b"config", TtlState::Persistent),
                row(b"gone", TtlState::Missing),
                row(b"secret:1", TtlState::Denied),
            ],
        }
    }

    fn dist(n: u64) -> Distribution {
        Distribution {
            no_ttl: 18_000 * n,
            lt_1m: 120,
            lt_1h: 2_400,
            lt_1d: 250 * n,
            ge_1d: 13,
        }
    }

    fn pattern(change: bool, dry_run: bool) -> PatternReport {
        PatternReport {
            pattern: "cache:*".into(),
            matched: 20_783,
            denied: 0,
            no_ttl: 18_000,
            distribution: dist(1),
            after: change.then(|| Distribution {
                no_ttl: 0,
                lt_1d: 18_250,
                ..dist(1)
            }),
            dry_run,
            elapsed_ms: 1_250,
            rescanned: vec![Rescan {
                node: "127.0.0.1:7001".into(),
                reason: "the server restarted or failed over (new run id)".into(),
            }],
            changed: change.then_some(18_000),
            unconfirmed: change.then_some(0),
            sample: (change && dry_run).then(|| vec!["cache:a".into(), "cache:b".into()]),
            interrupted: false,
        }
    }

    #[test]
    fn keys_views() {
        for w in [80, 120] {
            insta::assert_snapshot!(format!("ttl_keys_table_{w}"), table(&keys(), w));
        }
        insta::assert_snapshot!("ttl_keys_plain", plain(&keys()));
    }

    #[test]
    fn pattern_views() {
        for w in [80, 120] {
            insta::assert_snapshot!(
                format!("ttl_pattern_table_{w}"),
                table(&pattern(false, false), w)
            );
            insta::assert_snapshot!(
                format!("ttl_pattern_change_table_{w}"),
                table(&pattern(true, false), w)
            );
        }
        insta::assert_snapshot!(
            "ttl_pattern_dry_run_table_80",
            table(&pattern(true, true), 80)
        );
        insta::assert_snapshot!("ttl_pattern_change_plain", plain(&pattern(true, false)));
        insta::assert_snapshot!("ttl_pattern_dry_run_plain", plain(&pattern(true, true)));
    }
}
