//! Sentinel: URL parsing, asking the sentinels for the master, and
//! following it through a failover.

use std::sync::atomic::Ordering;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{FromRedisValue, Value};

use crate::error::{usage, RedisFailure};

use super::decide::backoff;
use super::errors::{bad_db, failure, is_auth_error};
use super::redact::redact_url;
use super::spec::{ConnOptions, ConnSpec};
use super::{Node, Redis, SETTLE_BUDGET};

/// The default Sentinel port.
pub(super) const SENTINEL_PORT: u16 = 26379;

/// The sentinels to ask and how to authenticate to them (apart from the data
/// node's credentials).
#[derive(Clone)]
pub(super) struct Sentinels {
    pub(super) addrs: Vec<(String, u16)>,
    pub(super) master: String,
    pub(super) user: Option<String>,
    pub(super) pass: Option<String>,
}

/// A parsed `redis+sentinel://[user:pass@]host:port[,host:port…]/MASTER[/db]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentinelUrl {
    pub addrs: Vec<(String, u16)>,
    pub master: String,
    pub db: Option<i64>,
    /// The user info is the sentinels' credentials, not the data node's.
    pub user: Option<String>,
    pub pass: Option<String>,
}

pub(super) const SENTINEL_FORM: &str =
    "expected redis+sentinel://[user:pass@]host:port[,host:port…]/MASTER[/db]";

/// `%XX` escapes decoded (user info and master names may carry `@`, `:`, `/`).
pub(super) fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "a '%' not followed by two hex digits".to_string())?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "percent escapes that are not UTF-8".to_string())
}

/// `host:port` or `[v6]:port`; the port defaults to `default_port`.
pub fn parse_host_port(s: &str, default_port: u16) -> Result<(String, u16), String> {
    // A password typed into a host:port is never echoed.
    let shown = redact_url(s);
    let s = s.trim();
    let (host, port) = match s.strip_prefix('[') {
        Some(rest) => {
            let (h, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("'{shown}': '[' without ']'"))?;
            match after.strip_prefix(':') {
                Some(p) => (h, Some(p)),
                None if after.is_empty() => (h, None),
                None => return Err(format!("'{shown}': expected host:port")),
            }
        }
        None => match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        },
    };
    if host.is_empty()
        || host.contains(['/', '@', ' ', ','])
        || (host.contains(':') && !s.starts_with('['))
    {
        return Err(format!("'{shown}' is not host:port"));
    }
    let port = match port {
        None => default_port,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| format!("'{shown}': the port must be a number from 1 to 65535"))?,
    };
    Ok((host.to_string(), port))
}

/// Parse a `redis+sentinel://` URL. Errors never quote the user info.
pub fn parse_sentinel_url(url: &str) -> Result<SentinelUrl, String> {
    let rest = url
        .strip_prefix("redis+sentinel://")
        .ok_or_else(|| SENTINEL_FORM.to_string())?;
    // The last `@` ends the user info: a password may hold an unencoded `@`.
    let (userinfo, rest) = match rest.rfind('@') {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    if rest.contains('?') {
        return Err("query parameters are not supported in redis+sentinel:// URLs".into());
    }
    let (hosts, path) = rest
        .split_once('/')
        .ok_or_else(|| format!("no master name: {SENTINEL_FORM}"))?;
    if hosts.is_empty() {
        return Err(format!("no sentinel address: {SENTINEL_FORM}"));
    }
    let addrs = hosts
        .split(',')
        .map(|h| parse_host_port(h, SENTINEL_PORT))
        .collect::<Result<Vec<_>, _>>()?;
    let mut parts = path.split('/');
    let master =
        percent_decode(parts.next().unwrap_or("")).map_err(|e| format!("master name: {e}"))?;
    if master.is_empty() {
        return Err(format!("no master name: {SENTINEL_FORM}"));
    }
    let db = match parts.next() {
        None | Some("") => None,
        Some(d) => Some(
            d.parse::<i64>()
                .ok()
                .filter(|d| *d >= 0)
                .ok_or_else(|| format!("database '{d}': database numbers are 0 or more"))?,
        ),
    };
    if parts.any(|p| !p.is_empty()) {
        return Err(format!("too many path parts: {SENTINEL_FORM}"));
    }
    let decode = |s: &str| percent_decode(s).map_err(|e| format!("user info: {e}"));
    let (user, pass) = match userinfo {
        None => (None, None),
        Some(info) => match info.split_once(':') {
            Some((u, p)) => (Some(decode(u)?).filter(|u| !u.is_empty()), Some(decode(p)?)),
            // A lone word is the password, as in redis:// URLs.
            None => (None, Some(decode(info)?)),
        },
    };
    Ok(SentinelUrl {
        addrs,
        master,
        db,
        user,
        pass,
    })
}

/// The sentinel setup from the URL or the flags, and the database to use.
pub(super) fn sentinels_from_args(
    g: &ConnOptions,
    shown: &str,
) -> anyhow::Result<Option<(Sentinels, Option<i64>)>> {
    let url = g
        .url
        .as_deref()
        .filter(|u| u.starts_with("redis+sentinel://"));
    if url.is_none() && g.sentinels.is_empty() {
        if g.master.is_some() || g.sentinel_user.is_some() || g.sentinel_pass.is_some() {
            return Err(usage(
                "--master, --sentinel-user and --sentinel-pass need --sentinel HOST:PORT (or a redis+sentinel:// URL)",
            ));
        }
        return Ok(None);
    }
    if g.host.is_some() || g.port.is_some() {
        return Err(usage(
            "--host/--port do not apply with Sentinel: the sentinels name the master",
        ));
    }
    let (mut spec, db) = match url {
        Some(url) => {
            if !g.sentinels.is_empty() {
                return Err(usage(
                    "give the sentinels in the redis+sentinel:// URL or with --sentinel, not both",
                ));
            }
            let p =
                parse_sentinel_url(url).map_err(|e| usage(format!("bad URL '{shown}': {e}")))?;
            let spec = Sentinels {
                addrs: p.addrs,
                master: p.master,
                user: p.user,
                pass: p.pass,
            };
            (spec, p.db)
        }
        None => {
            if g.url.is_some() {
                return Err(usage(
                    "--sentinel does not go with --url (or REDIS_URL): the sentinels name the master",
                ));
            }
            let addrs = g
                .sentinels
                .iter()
                .map(|s| parse_host_port(s, SENTINEL_PORT))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| usage(format!("--sentinel {e}")))?;
            let master = g.master.clone().ok_or_else(|| {
                usage("--sentinel needs --master NAME (the master the sentinels watch)")
            })?;
            let spec = Sentinels {
                addrs,
                master,
                user: None,
                pass: None,
            };
            (spec, None)
        }
    };
    if let Some(m) = &g.master {
        spec.master = m.clone();
    }
    if g.sentinel_user.is_some() {
        spec.user = g.sentinel_user.clone();
    }
    if g.sentinel_pass.is_some() {
        spec.pass = g.sentinel_pass.clone();
    }
    Ok(Some((spec, db)))
}

impl Sentinels {
    /// `redis+sentinel://[user:***@]h:p,h:p/MASTER[/db]`: never the password.
    pub(super) fn display(&self, db: i64) -> String {
        let auth = match (&self.user, &self.pass) {
            (Some(u), _) => format!("{}:***@", redact_url(u)),
            (None, Some(_)) => "***@".to_string(),
            _ => String::new(),
        };
        let hosts: Vec<String> = self
            .addrs
            .iter()
            .map(|(h, p)| {
                if h.contains(':') {
                    format!("[{h}]:{p}")
                } else {
                    format!("{h}:{p}")
                }
            })
            .collect();
        let db = if db == 0 {
            String::new()
        } else {
            format!("/{db}")
        };
        format!(
            "redis+sentinel://{auth}{}/{}{db}",
            hosts.join(","),
            self.master
        )
    }

    pub(super) fn list(&self) -> String {
        let hosts: Vec<String> = self.addrs.iter().map(|(h, p)| format!("{h}:{p}")).collect();
        format!("sentinels {}", hosts.join(", "))
    }
}

/// The master the sentinels name, verified with ROLE and connected to.
pub(super) struct Resolved {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) conn: MultiplexedConnection,
    /// Replicas the master listed: writes are confirmed with `WAIT` on that many.
    pub(super) replicas: usize,
}

/// Why a named master was not taken.
pub(super) enum Verify {
    /// Retry: a failover in progress (it is a replica, or unreachable).
    NotYet(RedisFailure),
    /// The user's to fix: a refused password, a database out of range.
    Fatal(anyhow::Error),
}

impl ConnSpec {
    /// One sentinel's answer to GET-MASTER-ADDR-BY-NAME (None: it does not
    /// know that name).
    pub(super) async fn ask_sentinel(
        &self,
        s: &Sentinels,
        host: &str,
        port: u16,
    ) -> Result<Option<(String, u16)>, RedisFailure> {
        let label = format!("sentinel {host}:{port}");
        let mut conn = self.open(self.sentinel_info(s, host, port), &label).await?;
        let reply: Option<Vec<String>> = redis::cmd("SENTINEL")
            .arg("GET-MASTER-ADDR-BY-NAME")
            .arg(&s.master)
            .query_async(&mut conn)
            .await
            .map_err(|e| failure(&label, &e, self.timeout))?;
        match reply.as_deref() {
            None => Ok(None),
            Some([h, p]) => match p.parse::<u16>() {
                Ok(p) => Ok(Some((h.clone(), p))),
                Err(_) => Err(RedisFailure::Server {
                    node: label,
                    msg: format!("answered a master address with port '{p}'"),
                }),
            },
            Some(_) => Err(RedisFailure::Server {
                node: label,
                msg: "answered GET-MASTER-ADDR-BY-NAME with something other than host and port"
                    .into(),
            }),
        }
    }

    /// Connect to the node the sentinels named and check with ROLE that it
    /// is a master (right after a failover it may still be a replica).
    pub(super) async fn verify_master(&self, host: &str, port: u16) -> Result<Resolved, Verify> {
        let label = format!("{host}:{port}");
        let db = self.seed.redis_settings().db();
        let mut conn = match self.open(self.info_for(host, port), &label).await {
            Ok(c) => c,
            Err(e @ RedisFailure::Auth { .. }) => return Err(Verify::Fatal(e.into())),
            // SELECT refused: "DB index is out of range", or "value is out of
            // range" for a number too large for the server to read.
            Err(e) if e.to_string().contains("out of range") => {
                return Err(Verify::Fatal(bad_db(e, db)))
            }
            Err(e) => return Err(Verify::NotYet(e)),
        };
        let role: Value = match redis::cmd("ROLE").query_async(&mut conn).await {
            Ok(v) => v,
            // A user without ROLE: take the sentinels' word.
            Err(e) if e.code() == Some("NOPERM") => {
                return Ok(Resolved {
                    host: host.to_string(),
                    port,
                    conn,
                    replicas: 0,
                })
            }
            Err(e) if is_auth_error(&e) => {
                return Err(Verify::Fatal(failure(&label, &e, self.timeout).into()))
            }
            Err(e) => return Err(Verify::NotYet(failure(&label, &e, self.timeout))),
        };
        let parts = match role {
            Value::Array(parts) => parts,
            _ => Vec::new(),
        };
        let name: String = parts
            .first()
            .cloned()
            .and_then(|v| String::from_redis_value(v).ok())
            .unwrap_or_default();
        if name != "master" {
            return Err(Verify::NotYet(RedisFailure::Server {
                node: label,
                msg: format!(
                    "the sentinels name it master, but ROLE says '{name}' (a failover in progress?)"
                ),
            }));
        }
        let replicas = match parts.get(2) {
            Some(Value::Array(r)) => r.len(),
            _ => 0,
        };
        Ok(Resolved {
            host: host.to_string(),
            port,
            conn,
            replicas,
        })
    }

    /// Ask every sentinel for the master, until they agree on one that ROLE
    /// confirms (or [`SETTLE_BUDGET`] has passed: then the majority's).
    pub(super) async fn resolve_master(&self) -> anyhow::Result<Resolved> {
        let Some(s) = self.sentinel.as_deref() else {
            return Err(anyhow::anyhow!("not a Sentinel deployment"));
        };
        let started = tokio::time::Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answers =
                futures::future::join_all(s.addrs.iter().map(|(h, p)| self.ask_sentinel(s, h, *p)))
                    .await;
            let mut votes: Vec<((String, u16), usize)> = Vec::new();
            let mut unknown = 0;
            let mut errors = Vec::new();
            for a in answers {
                match a {
                    Ok(Some(addr)) => match votes.iter_mut().find(|(v, _)| *v == addr) {
                        Some((_, n)) => *n += 1,
                        None => votes.push((addr, 1)),
                    },
                    Ok(None) => unknown += 1,
                    Err(e @ RedisFailure::Auth { .. }) => return Err(e.into()),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            if votes.is_empty() {
                if unknown > 0 {
                    return Err(RedisFailure::Server {
                        node: s.list(),
                        msg: format!(
                            "no sentinel knows a master named '{}' (SENTINEL GET-MASTER-ADDR-BY-NAME answered nil)",
                            s.master
                        ),
                    }
                    .into());
                }
                return Err(RedisFailure::Unreachable {
                    url: s.list(),
                    reason: format!("no sentinel answered: {}", errors.join("; ")),
                }
                .into());
            }
            votes.sort_by_key(|v| std::cmp::Reverse(v.1));
            let out_of_time = started.elapsed() >= SETTLE_BUDGET;
            // Sentinels that disagree are mid-failover: the newest view spreads
            // within seconds.
            if votes.len() == 1 || out_of_time {
                let (host, port) = &votes[0].0;
                match self.verify_master(host, *port).await {
                    Ok(r) => return Ok(r),
                    Err(Verify::Fatal(e)) => return Err(e),
                    Err(Verify::NotYet(e)) if out_of_time => return Err(e.into()),
                    Err(Verify::NotYet(_)) => {}
                }
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
    }
}

impl Redis {
    pub(super) fn is_sentinel(&self) -> bool {
        self.spec.sentinel.is_some()
    }

    /// Put a freshly resolved master's connection in place (reconnect lock held).
    pub(super) fn install(&self, node: &Node, r: Resolved) {
        if let Ok(mut c) = node.conn.lock() {
            *c = r.conn;
        }
        if let Ok(mut g) = node.generation.lock() {
            *g += 1;
        }
        if let Ok(mut m) = self.master.lock() {
            *m = Some((r.host, r.port));
        }
        self.wait_replicas.store(r.replicas, Ordering::Relaxed);
    }

    /// `WAIT` confirmed fewer replicas than the master had: either it failed
    /// over (the writes may be lost: answers true after switching to the new
    /// master) or the same master serves on (a replica is slow or gone:
    /// answers false once it is back, or after the settle budget, counting
    /// only the replicas it has now).
    pub(super) async fn master_moved(&self, node: &Node, generation: u64) -> anyhow::Result<bool> {
        let _guard = self.reconnect_lock.lock().await;
        if node.generation() != generation {
            return Ok(true);
        }
        let wanted = self.wait_replicas.load(Ordering::Relaxed);
        // Replicas still attached: they lag, the master is the master (a
        // promoted replica leaves its old master at once).
        let (mut conn, _) = node.conn();
        if let Ok(Ok(Value::Array(role))) = tokio::time::timeout(
            self.spec.timeout,
            redis::cmd("ROLE").query_async::<Value>(&mut conn),
        )
        .await
        {
            let is_master = role
                .first()
                .cloned()
                .and_then(|v| String::from_redis_value(v).ok())
                .is_some_and(|r| r == "master");
            let attached = match role.get(2) {
                Some(Value::Array(r)) => r.len(),
                _ => 0,
            };
            if is_master && attached >= wanted {
                return Ok(false);
            }
        }
        let started = tokio::time::Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let r = self.spec.resolve_master().await?;
            let current = self.master.lock().map(|m| m.clone()).unwrap_or(None);
            if current.as_ref() != Some(&(r.host.clone(), r.port)) {
                self.install(node, r);
                return Ok(true);
            }
            if r.replicas >= wanted || started.elapsed() >= SETTLE_BUDGET {
                self.wait_replicas.store(r.replicas, Ordering::Relaxed);
                return Ok(false);
            }
            tokio::time::sleep(backoff(attempt)).await;
        }
    }

    /// With no replica to confirm writes on, count them again (at most once a
    /// second): a new master gains its old one as replica some seconds after
    /// a failover, and only then are its writes guarded against the next one.
    pub(super) async fn count_replicas(&self, node: &Node) {
        let now = tokio::time::Instant::now();
        match self.replicas_counted.lock() {
            Ok(mut last) => {
                if last.is_some_and(|t| now.duration_since(t) < Duration::from_secs(1)) {
                    return;
                }
                *last = Some(now);
            }
            Err(_) => return,
        }
        let (mut conn, _) = node.conn();
        if let Ok(Ok(Value::Array(role))) = tokio::time::timeout(
            self.spec.timeout,
            redis::cmd("ROLE").query_async::<Value>(&mut conn),
        )
        .await
        {
            if let Some(Value::Array(r)) = role.get(2) {
                self.wait_replicas.store(r.len(), Ordering::Relaxed);
            }
        }
    }

    /// Work that must not run twice met a failover: say so, and that it may
    /// or may not have taken effect.
    pub(super) fn failover_failure(&self, node: &Node, what: &str) -> RedisFailure {
        RedisFailure::Server {
            node: node.addr.clone(),
            msg: format!(
                "{what}; not retried, since the command is not safe to run twice: check whether it took effect, then run it again"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentinel_urls() {
        let u = parse_sentinel_url("redis+sentinel://a:1,b:2/mymaster/3").unwrap();
        assert_eq!(u.addrs, vec![("a".into(), 1), ("b".into(), 2)]);
        assert_eq!((u.master.as_str(), u.db), ("mymaster", Some(3)));
        assert_eq!((u.user, u.pass), (None, None));
        let u = parse_sentinel_url("redis+sentinel://us:p%40ss@h,[::1]:7/m").unwrap();
        assert_eq!(u.addrs, vec![("h".into(), 26379), ("::1".into(), 7)]);
        assert_eq!(
            (u.user.as_deref(), u.pass.as_deref()),
            (Some("us"), Some("p@ss"))
        );
        assert_eq!(u.db, None);
        // A raw `@` in the password, and a lone word as the password.
        let u = parse_sentinel_url("redis+sentinel://:a@b@h:1/m/").unwrap();
        assert_eq!((u.user, u.pass.as_deref()), (None, Some("a@b")));
        let u = parse_sentinel_url("redis+sentinel://secret@h:1/m").unwrap();
        assert_eq!(u.pass.as_deref(), Some("secret"));
        for bad in [
            "redis+sentinel://h:1",
            "redis+sentinel://h:1/",
            "redis+sentinel:///m",
            "redis+sentinel://h:x/m",
            "redis+sentinel://h:0/m",
            "redis+sentinel://h:1,/m",
            "redis+sentinel://h:1/m/-1",
            "redis+sentinel://h:1/m/x",
            "redis+sentinel://h:1/m/1/2",
            "redis+sentinel://h:1/m?db=1",
            "redis+sentinel://u:p%zz@h:1/m",
        ] {
            assert!(parse_sentinel_url(bad).is_err(), "{bad}");
        }
        let e = parse_sentinel_url("redis+sentinel://u:TOPSECRET@h:x/m").unwrap_err();
        assert!(!e.contains("TOPSECRET"), "{e}");
    }

    #[test]
    fn sentinel_display_hides_the_password() {
        let s = Sentinels {
            addrs: vec![("h".into(), 1), ("::1".into(), 2)],
            master: "m".into(),
            user: Some("u".into()),
            pass: Some("TOPSECRET".into()),
        };
        assert_eq!(s.display(2), "redis+sentinel://u:***@h:1,[::1]:2/m/2");
        let s = Sentinels { user: None, ..s };
        assert_eq!(s.display(0), "redis+sentinel://***@h:1,[::1]:2/m");
    }
}
