//! `lock`: for scripts, the token (acquire), the word done (`released`…),
//! `held\tTOKEN\tTTL` or `free` (status) and `NAME\tTOKEN\tTTL` lines (list),
//! a TTL being `29500ms` or `persistent` as in `ttl`; on a terminal, summaries
//! and tables.

use std::io::{self, Write};

use super::fmt;
use super::grid::{Grid, Pairs};
use super::View;
use crate::keys::escape_bytes;
use crate::report::lock::{AcquireReport, DoneReport, ListReport, NodeReport, StatusReport};

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn ttl(ms: Option<i64>, none: &str) -> String {
    ms.map(fmt::ms_int).unwrap_or_else(|| none.into())
}

/// A TTL for scripts: whole milliseconds with their unit, as `ttl` prints them.
fn plain_ttl(ms: Option<i64>) -> String {
    ms.map(|v| format!("{v}ms"))
        .unwrap_or_else(|| "persistent".into())
}

impl View for AcquireReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut p = Pairs::new();
        p.add("lock", escape_bytes(&self.name))
            .add("token", &self.token)
            .add("fencing token", self.fencing_token.to_string())
            .add("valid for", fmt::ms_int(self.validity_ms));
        if self.locked_nodes > 1 {
            p.add("nodes locked", fmt::count(self.locked_nodes as u64));
        }
        p.render(out, width)
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.token)
    }
}

impl View for DoneReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut p = Pairs::new();
        p.add("lock", escape_bytes(&self.name))
            .add(self.action.field(), yes_no(self.done));
        if let Some(list) = &self.signalled {
            p.add("waiters woken on", escape_bytes(list));
        }
        p.render(out, width)
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.done {
            writeln!(out, "{}", self.action.field())?;
        }
        Ok(())
    }
}

impl View for StatusReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut p = Pairs::new();
        p.add("lock", escape_bytes(&self.name));
        match (&self.token, self.held) {
            (Some(t), true) => {
                p.add("held by token", escape_bytes(t))
                    .add("ttl", ttl(self.ttl_ms, "none (never expires)"));
            }
            _ => {
                p.add("held", "no");
            }
        }
        if let Some(f) = self.fencing_token {
            // Of a free lock, the counter's value: the last one handed out.
            let label = if self.held {
                "fencing token"
            } else {
                "last fencing token"
            };
            p.add(label, f.to_string());
        }
        if let Some(kind) = &self.not_a_lock {
            p.add("not a lock", format!("the key is a {kind}"));
        }
        if let Some(NodeReport::Reached { node, .. }) = &self.server {
            p.add("server", node.clone());
        }
        p.render(out, width)?;
        let Some(nodes) = &self.nodes else {
            return Ok(());
        };
        // Each node's own view; a token other than the holder's is spelled out.
        let mut g = Grid::new(&["node", "holds", "ttl", "fencing token"]);
        for n in nodes {
            match n {
                NodeReport::Reached {
                    node,
                    token,
                    ttl_ms,
                    fencing_token,
                    ..
                } => {
                    let holds = match token {
                        None => "nothing".to_string(),
                        Some(t) if Some(t) == self.token.as_ref() => "the holder's token".into(),
                        Some(t) => format!("token {}", escape_bytes(t)),
                    };
                    let left = if token.is_some() {
                        ttl(*ttl_ms, "none")
                    } else {
                        "-".into()
                    };
                    let fence = fencing_token.map(|f| f.to_string()).unwrap_or_default();
                    g.row(vec![node.clone(), holds, left, fence]);
                }
                NodeReport::Unreachable { node, .. } => g.row(vec![
                    node.clone(),
                    "(unreachable)".into(),
                    String::new(),
                    String::new(),
                ]),
            }
        }
        g.render(out, width)
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        match (&self.token, self.held) {
            (Some(t), true) => {
                writeln!(out, "held\t{}\t{}", escape_bytes(t), plain_ttl(self.ttl_ms))
            }
            _ => writeln!(out, "free"),
        }
    }
}

impl View for ListReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        if self.locks.is_empty() {
            return writeln!(out, "no held locks found");
        }
        let mut g = Grid::new(&["lock", "token", "ttl"]);
        for l in &self.locks {
            g.row(vec![
                escape_bytes(&l.name),
                escape_bytes(&l.token),
                ttl(l.ttl_ms, "no TTL (stuck?)"),
            ]);
        }
        g.render(out, width)
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        for l in &self.locks {
            writeln!(
                out,
                "{}\t{}\t{}",
                escape_bytes(&l.name),
                escape_bytes(&l.token),
                plain_ttl(l.ttl_ms)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{plain, table};
    use crate::report::lock::{Action, ListedLock};

    const TOKEN: &str = "0f3a9c1e5b7d4a2f8e6c0b1d3f5a7c9e";

    fn node(name: &str, token: Option<&str>) -> NodeReport {
        NodeReport::Reached {
            node: name.into(),
            held: token.is_some(),
            token: token.map(|t| t.as_bytes().to_vec()),
            ttl_ms: token.map(|_| 29_500),
            fencing_token: Some(41),
        }
    }

    fn status(quorum: bool) -> StatusReport {
        let nodes = vec![
            node("redis://127.0.0.1:7001", Some(TOKEN)),
            node("redis://127.0.0.1:7002", Some(TOKEN)),
            NodeReport::Unreachable {
                node: "redis://127.0.0.1:7003".into(),
                reachable: false,
            },
        ];
        StatusReport {
            name: b"deploy:prod".to_vec(),
            held: true,
            token: Some(TOKEN.as_bytes().to_vec()),
            ttl_ms: Some(29_500),
            fencing_token: Some(41),
            not_a_lock: None,
            server: (!quorum).then(|| nodes[0].clone()),
            nodes: quorum.then_some(nodes),
        }
    }

    #[test]
    fn acquire_views() {
        let r = AcquireReport {
            name: b"deploy:prod".to_vec(),
            acquired: true,
            token: TOKEN.into(),
            fencing_token: 42,
            ttl_ms: 30_000,
            validity_ms: 29_687,
            locked_nodes: 3,
        };
        for w in [80, 120] {
            insta::assert_snapshot!(format!("lock_acquire_table_{w}"), table(&r, w));
        }
        assert_eq!(plain(&r), format!("{TOKEN}\n"));
    }

    #[test]
    fn done_views() {
        let r = DoneReport {
            name: b"lock:job:1".to_vec(),
            action: Action::Released,
            done: true,
            signalled: Some(b"lock-signal:job:1".to_vec()),
        };
        for w in [80, 120] {
            insta::assert_snapshot!(format!("lock_release_table_{w}"), table(&r, w));
        }
        assert_eq!(plain(&r), "released\n");
        let not = DoneReport {
            action: Action::Extended,
            done: false,
            signalled: None,
            ..r
        };
        insta::assert_snapshot!("lock_not_extended_table_80", table(&not, 80));
        assert_eq!(plain(&not), "");
        let json = serde_json::to_value(&not).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "lock:job:1", "extended": false})
        );
    }

    #[test]
    fn status_views() {
        for w in [80, 120] {
            insta::assert_snapshot!(
                format!("lock_status_quorum_table_{w}"),
                table(&status(true), w)
            );
            insta::assert_snapshot!(format!("lock_status_table_{w}"), table(&status(false), w));
        }
        assert_eq!(plain(&status(true)), format!("held\t{TOKEN}\t29500ms\n"));
        let mut foreign = status(false);
        foreign.held = false;
        foreign.token = None;
        foreign.not_a_lock = Some("hash".into());
        foreign.server = Some(node("redis://127.0.0.1:6379", None));
        insta::assert_snapshot!("lock_status_not_a_lock_table_80", table(&foreign, 80));
        assert_eq!(plain(&foreign), "free\n");
        let json = serde_json::to_value(status(false)).unwrap();
        assert!(json.get("nodes").is_none(), "{json}");
        let json = serde_json::to_value(status(true)).unwrap();
        assert_eq!(json["nodes"][2]["reachable"], false, "{json}");
    }

    #[test]
    fn list_views() {
        let r = ListReport {
            locks: vec![
                ListedLock {
                    name: b"lock:scraper:amazon".to_vec(),
                    token: TOKEN.as_bytes().to_vec(),
                    ttl_ms: Some(12_000),
                },
                ListedLock {
                    name: b"deploy\xff".to_vec(),
                    token: b"host-1:4242:7".to_vec(),
                    ttl_ms: None,
                },
            ],
        };
        for w in [80, 120] {
            insta::assert_snapshot!(format!("lock_list_table_{w}"), table(&r, w));
        }
        insta::assert_snapshot!("lock_list_plain", plain(&r));
        assert_eq!(
            table(&ListReport { locks: vec![] }, 80),
            "no held locks found\n"
        );
    }
}
