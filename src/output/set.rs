//! `set`: `OK` for scripts (as redis-cli), one summary block on a terminal.

use std::io::{self, Write};

use super::fmt;
use super::grid::Pairs;
use super::View;
use crate::keys::escape_bytes;
use crate::report::set::SetReport;

impl View for SetReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut p = Pairs::new();
        p.add("key", escape_bytes(&self.key))
            .add("written", if self.set { "yes" } else { "no" })
            .add("value size", fmt::bytes(self.bytes as u64))
            .add(
                "ttl",
                self.ttl_ms
                    .map(|ms| fmt::ms(ms as f64))
                    .unwrap_or_else(|| "none".into()),
            );
        p.render(out, width)
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.set {
            writeln!(out, "OK")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{plain, table};

    fn report(set: bool) -> SetReport {
        SetReport {
            key: b"user:42\xff".to_vec(),
            set,
            bytes: 1536,
            ttl_ms: set.then_some(90_000),
        }
    }

    #[test]
    fn set_views() {
        for w in [80, 120] {
            insta::assert_snapshot!(format!("set_table_{w}"), table(&report(true), w));
        }
        insta::assert_snapshot!("set_table_not_set", table(&report(false), 80));
        assert_eq!(plain(&report(true)), "OK\n");
        assert_eq!(plain(&report(false)), "");
    }
}
