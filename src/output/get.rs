//! `get`: a table of key, type, TTL and rows on a terminal; for scripts, one
//! key alone is its value (a string's exact bytes, or one line per item), and
//! several keys are one line per value, each starting with the key and a tab,
//! everything escaped (`\n`, `\t`, `\\`, `\xNN`) so no value spans lines.

use std::io::{self, Write};

use super::fmt;
use super::grid::{Grid, Pairs};
use super::View;
use crate::core::read::{Data, Entry};
use crate::keys::escape_bytes;
use crate::report::get::GetReport;

/// The cells of each line that describes a value (field, index, member...).
fn rows(d: &Data) -> Vec<Vec<Vec<u8>>> {
    match d {
        Data::Missing | Data::Unreachable => vec![],
        Data::String(b) => vec![vec![b.clone()]],
        Data::Hash(p) => p.iter().map(|(f, v)| vec![f.clone(), v.clone()]).collect(),
        Data::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| vec![i.to_string().into_bytes(), v.clone()])
            .collect(),
        Data::Set(items) => items.iter().map(|v| vec![v.clone()]).collect(),
        Data::Zset(items) => items
            .iter()
            .map(|(m, s)| vec![m.clone(), s.to_string().into_bytes()])
            .collect(),
        Data::Stream(entries) => entries
            .iter()
            .flat_map(|(id, fields)| {
                fields
                    .iter()
                    .map(move |(f, v)| vec![id.clone().into_bytes(), f.clone(), v.clone()])
            })
            .collect(),
        Data::Other(what) => vec![vec![what.clone().into_bytes()]],
    }
}

fn ttl(e: &Entry) -> String {
    match (&e.data, e.ttl_ms) {
        (Data::Missing | Data::Unreachable, _) => "-".into(),
        (_, Some(ms)) => fmt::ms_int(ms),
        (_, None) => "persistent".into(),
    }
}

impl View for GetReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut g = Grid::new(&["key", "type", "ttl", "field", "value"]);
        for e in &self.entries {
            let lines = rows(&e.data);
            if lines.is_empty() {
                g.row(vec![
                    escape_bytes(&e.name),
                    e.kind.clone(),
                    ttl(e),
                    String::new(),
                    match e.data {
                        Data::Unreachable => "(its primary is down)".into(),
                        _ => "(missing)".into(),
                    },
                ]);
                continue;
            }
            for (i, cells) in lines.iter().enumerate() {
                let Some((value, field)) = cells.split_last() else {
                    continue;
                };
                let field: Vec<String> = field.iter().map(|c| escape_bytes(c)).collect();
                let head = if i == 0 {
                    vec![escape_bytes(&e.name), e.kind.clone(), ttl(e)]
                } else {
                    vec![String::new(); 3]
                };
                g.row([head, vec![field.join(" "), escape_bytes(value)]].concat());
            }
        }
        if g.fits(width) {
            return g.render(out, width);
        }
        // Too wide: one block per key, its rows under its name and type.
        for e in &self.entries {
            let mut p = Pairs::new();
            p.add("key", escape_bytes(&e.name))
                .add("type", e.kind.clone())
                .add("ttl", ttl(e));
            let lines = rows(&e.data);
            if lines.is_empty() {
                p.add("value", "(missing)");
            }
            for cells in &lines {
                let Some((value, field)) = cells.split_last() else {
                    continue;
                };
                let field: Vec<String> = field.iter().map(|c| escape_bytes(c)).collect();
                let label = if field.is_empty() {
                    "value".to_string()
                } else {
                    field.join(" ")
                };
                p.add(label, escape_bytes(value));
            }
            p.render(out, width)?;
        }
        Ok(())
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        if !self.many {
            // One key: its exact bytes (binary-safe `cachectl get k > file`),
            // or one item per line for other types.
            let Some(e) = self.entries.first() else {
                return Ok(());
            };
            if let Data::String(b) = &e.data {
                return out.write_all(b);
            }
            for cells in rows(&e.data) {
                out.write_all(&cells.join(&b'\t'))?;
                out.write_all(b"\n")?;
            }
            return Ok(());
        }
        for e in &self.entries {
            let key = escape_bytes(&e.name);
            for cells in rows(&e.data) {
                let cells: Vec<String> = cells.iter().map(|c| escape_bytes(c)).collect();
                writeln!(out, "{key}\t{}", cells.join("\t"))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{plain, table};

    fn entry(name: &str, kind: &str, ttl_ms: Option<i64>, data: Data) -> Entry {
        Entry {
            name: name.as_bytes().to_vec(),
            kind: kind.into(),
            ttl_ms,
            data,
        }
    }

    fn report() -> GetReport {
        GetReport {
            many: true,
            entries: vec![
                entry(
                    "user:42",
                    "hash",
                    None,
                    Data::Hash(vec![
                        (b"name".to_vec(), b"Ada".to_vec()),
                        (b"plan".to_vec(), b"pro".to_vec()),
                    ]),
                ),
                entry(
                    "session:abc",
                    "string",
                    Some(89_000),
                    Data::String(b"tok\nen\xff".to_vec()),
                ),
                entry(
                    "board",
                    "zset",
                    None,
                    Data::Zset(vec![
                        (b"ada".to_vec(), 1.5),
                        (b"bob".to_vec(), f64::INFINITY),
                    ]),
                ),
                entry(
                    "events",
                    "stream",
                    Some(3_600_000),
                    Data::Stream(vec![("1-1".into(), vec![(b"f".to_vec(), b"v".to_vec())])]),
                ),
                entry("gone", "none", None, Data::Missing),
            ],
        }
    }

    #[test]
    fn get_views() {
        for w in [80, 120] {
            insta::assert_snapshot!(format!("get_table_{w}"), table(&report(), w));
        }
        insta::assert_snapshot!("get_plain_many", plain(&report()));
        let one = |data| GetReport {
            many: false,
            entries: vec![entry("k", "x", None, data)],
        };
        assert_eq!(plain(&one(Data::String(b"a\nb".to_vec()))), "a\nb");
        assert_eq!(
            plain(&one(Data::Hash(vec![(b"f".to_vec(), b"v".to_vec())]))),
            "f\tv\n"
        );
    }

    #[test]
    fn a_long_value_reads_at_80_columns() {
        let long = GetReport {
            many: false,
            entries: vec![entry(
                "page:home",
                "string",
                Some(60_000),
                Data::String("<html>".repeat(30).into_bytes()),
            )],
        };
        insta::assert_snapshot!("get_table_long_80", table(&long, 80));
        let hash = GetReport {
            many: true,
            entries: vec![
                entry(
                    "user:42",
                    "hash",
                    Some(86_400_000),
                    Data::Hash(vec![
                        (b"name".to_vec(), b"Ada".to_vec()),
                        (
                            b"bio".to_vec(),
                            "Wrote the first program. ".repeat(4).into_bytes(),
                        ),
                    ]),
                ),
                entry("gone", "none", None, Data::Missing),
            ],
        };
        insta::assert_snapshot!("get_table_hash_long_80", table(&hash, 80));
    }
}
