//! `warm`: one summary block on a terminal, `name<TAB>value` lines for scripts.

use std::io::{self, Write};

use super::fmt;
use super::grid::Pairs;
use super::View;
use crate::report::warm::WarmReport;

impl View for WarmReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut p = Pairs::new();
        p.add("lines read", fmt::count(self.read));
        if self.dry_run {
            p.add("dry run", "validated only, nothing written");
        } else {
            p.add("written", fmt::count(self.written))
                .add("skipped (key existed)", fmt::count(self.skipped));
        }
        // Shown only when a run stopped with writes in flight or a primary down.
        if self.unreachable > 0 {
            p.add("unreachable (primary down)", fmt::count(self.unreachable));
        }
        if self.unconfirmed > 0 {
            p.add("unconfirmed (no reply)", fmt::count(self.unconfirmed));
        }
        let invalid = match self.dry_run {
            true => "invalid lines",
            false => "invalid (not written)",
        };
        p.add(invalid, fmt::count(self.invalid))
            .add("input", fmt::bytes(self.bytes))
            .add("elapsed", fmt::ms(self.elapsed_ms as f64));
        if !self.dry_run {
            p.add("rate (written or kept)", fmt::rate(self.keys_per_sec));
        }
        p.render(out, width)
    }

    /// Every JSON field, by its JSON name, in its JSON order.
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "read\t{}", self.read)?;
        writeln!(out, "written\t{}", self.written)?;
        writeln!(out, "skipped\t{}", self.skipped)?;
        writeln!(out, "unconfirmed\t{}", self.unconfirmed)?;
        writeln!(out, "unreachable\t{}", self.unreachable)?;
        writeln!(out, "invalid\t{}", self.invalid)?;
        writeln!(out, "elapsed_ms\t{}", self.elapsed_ms)?;
        writeln!(out, "dry_run\t{}", self.dry_run)?;
        writeln!(out, "bytes\t{}", self.bytes)?;
        writeln!(out, "keys_per_sec\t{:.0}", self.keys_per_sec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{plain, table};

    fn loaded() -> WarmReport {
        WarmReport {
            read: 1_000_002,
            written: 999_000,
            skipped: 998,
            unconfirmed: 0,
            unreachable: 0,
            invalid: 4,
            elapsed_ms: 3_480,
            dry_run: false,
            bytes: 48_500_000,
            keys_per_sec: 287_356.0,
        }
    }

    #[test]
    fn warm_views() {
        for w in [80, 120] {
            insta::assert_snapshot!(format!("warm_table_{w}"), table(&loaded(), w));
        }
        let stopped = WarmReport {
            unconfirmed: 1_000,
            unreachable: 333,
            ..loaded()
        };
        insta::assert_snapshot!("warm_table_stopped_80", table(&stopped, 80));
        let dry = WarmReport {
            written: 0,
            skipped: 0,
            dry_run: true,
            keys_per_sec: 0.0,
            ..loaded()
        };
        insta::assert_snapshot!("warm_table_dry_run_80", table(&dry, 80));
        insta::assert_snapshot!("warm_plain", plain(&loaded()));
    }

    #[test]
    fn plain_has_every_json_field_by_its_name() {
        let r = loaded();
        let json = serde_json::to_value(&r).expect("serialize");
        let text = plain(&r);
        let names: Vec<&str> = text.lines().filter_map(|l| l.split('\t').next()).collect();
        let mut fields: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        fields.sort();
        assert_eq!(sorted, fields);
    }
}
