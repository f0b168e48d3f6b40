//! Connection: global flags and environment → a [`ConnSpec`] → a [`Redis`]
//! handle that is standalone or cluster (detected, never configured).
//!
//! A standalone server is a cluster of one node that owns every slot, so the rest
//! of the core has one code path. Cluster routing is ours, not the redis crate's:
//! we keep one multiplexed connection per primary and group pipelines per node,
//! which is what makes deep cross-slot pipelines possible. MOVED, ASK, TRYAGAIN,
//! CLUSTERDOWN and LOADING are followed here; connection drops are retried only for
//! work the caller marks idempotent. Passwords never leave this module unredacted.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use redis::aio::MultiplexedConnection;
use redis::{
    AsyncConnectionConfig, Client, ClientTlsConfig, Cmd, ConnectionAddr, ConnectionInfo, ErrorKind,
    FromRedisValue, IntoConnectionInfo, RedisConnectionInfo, RedisError, ServerErrorKind,
    TlsCertificates, Value,
};

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::cli::GlobalArgs;
use crate::error::{usage, RedisFailure};

/// Number of hash slots in a Redis Cluster.
pub const SLOTS: usize = 16384;

/// How many times a command is re-sent after a redirect, a retryable server
/// state or (for idempotent work) a dropped connection.
const MAX_ATTEMPTS: u32 = 8;

/// A failover or a slot migration can take seconds to settle: redirects and
/// TRYAGAIN/CLUSTERDOWN/LOADING keep being followed for this long even after
/// [`MAX_ATTEMPTS`].
const SETTLE_BUDGET: Duration = Duration::from_secs(20);

/// Whether a command may be sent again after the connection dropped mid-flight.
/// Redirects (MOVED/ASK) are always followed: the server did not run the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotent {
    Yes,
    /// Lock acquisition, INCR and friends: never sent twice.
    No,
}

/// Where and how to connect, validated from flags and environment.
#[derive(Clone)]
pub struct ConnSpec {
    seed: ConnectionInfo,
    tls: Option<TlsCertificates>,
    /// Set when the master is found through Sentinel: `seed` then carries the
    /// data node's settings (auth, db, TLS) but not its address.
    sentinel: Option<Arc<Sentinels>>,
    pub timeout: Duration,
    /// The seed URL with any password replaced by `***`.
    pub display_url: String,
}

impl std::fmt::Debug for ConnSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnSpec")
            .field("url", &self.display_url)
            .finish()
    }
}

/// Replace every secret in a URL, or in a string that merely looks like one,
/// with `***`: the password (all of the user info up to the last `@` is
/// suspect, since an unencoded `@` or `/` in a password would otherwise split
/// it; a lone user info is the password, as redis-cli reads it) and the
/// values of query parameters (`?pass=…`), except harmless ones like `db`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let at = rest.rfind('@');
    let query = rest.find('?');
    if let (Some(at), Some(q)) = (at, query) {
        if q < at {
            // `?` before the last `@`: in the password, or an `@` in the query.
            // Either way nothing after the scheme can be shown safely.
            return format!("{scheme}***");
        }
    }
    let (userinfo, hostpart) = match at {
        Some(at) => {
            let userinfo = &rest[..at];
            let redacted = match userinfo.split_once(':') {
                Some((user, _)) if !user.contains('/') => format!("{user}:***@"),
                _ => "***@".to_string(),
            };
            (redacted, &rest[at + 1..])
        }
        None => (String::new(), rest),
    };
    let unix = scheme.contains("unix");
    let hostpart = match hostpart.split_once('?') {
        Some((host, query)) => format!("{}?{}", redact_location(host, unix), redact_query(query)),
        None => redact_location(hostpart, unix),
    };
    format!("{scheme}{userinfo}{hostpart}")
}

/// `host[:port][/db]` is shown; anything else there (a password typed where
/// the host goes, `;password=…` after the db) is hidden. A socket path is shown.
fn redact_location(location: &str, unix: bool) -> String {
    if unix {
        return location.to_string();
    }
    let (authority, path) = match location.find('/') {
        Some(i) => location.split_at(i),
        None => (location, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, _)) if !h.ends_with(']') && h.contains(':') => (authority, None),
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let host_ok = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    let port_ok = port.is_none_or(|p| p.chars().all(|c| c.is_ascii_digit()));
    let authority = if host_ok && port_ok { authority } else { "***" };
    let path_ok = path.len() <= 1 || path[1..].chars().all(|c| c.is_ascii_digit() || c == '-');
    format!("{authority}{}", if path_ok { path } else { "/***" })
}

/// `k=v&k2=v2` with every value but the harmless ones replaced by `***`.
fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if matches!(k, "db" | "protocol" | "insecure") && !v.is_empty() => {
                format!("{k}={v}")
            }
            Some((k, _)) => format!("{k}=***"),
            // A bare word could be anything, a password included.
            None if pair.is_empty() => String::new(),
            None => "***".to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The message of a URL parse error, without the crate's `- Kind` suffix.
fn url_error(e: &RedisError) -> String {
    let s = e
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| e.to_string());
    match s.rsplit_once(" - ") {
        Some((msg, _)) => msg.to_string(),
        None => s,
    }
}

/// Whether the URL's user info is one word without `:` (`redis://secret@host`),
/// which redis-cli takes as the password.
fn lone_userinfo(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| !userinfo.is_empty() && !userinfo.contains(':'))
}

fn read_pem(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| usage(format!("cannot read {what} {}: {e}", path.display())))
}

/// The certificates of a PEM file, each parsed: a file that holds none (a key,
/// junk, DER) is bad input here, not a TLS failure blamed on the server later.
fn read_certs(path: &Path, what: &str) -> anyhow::Result<(Vec<u8>, Vec<CertificateDer<'static>>)> {
    let bytes = read_pem(path, what)?;
    let bad = |why: String| {
        usage(format!(
            "{what} {} is not a PEM certificate: {why}",
            path.display()
        ))
    };
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(e.to_string()))?;
    if certs.is_empty() {
        return Err(bad("no BEGIN CERTIFICATE block".into()));
    }
    for cert in &certs {
        rustls::RootCertStore::empty()
            .add(cert.clone())
            .map_err(|e| bad(e.to_string()))?;
    }
    Ok((bytes, certs))
}

/// A client certificate and its key: both PEM, the key one rustls can sign
/// with, and the key the certificate's.
fn read_client_pair(cert_path: &Path, key_path: &Path) -> anyhow::Result<ClientTlsConfig> {
    let (client_cert, certs) = read_certs(cert_path, "client certificate")?;
    let client_key = read_pem(key_path, "client key")?;
    let bad = |why: String| {
        usage(format!(
            "client key {} is not a PEM private key: {why}",
            key_path.display()
        ))
    };
    let key = PrivateKeyDer::from_pem_slice(&client_key).map_err(|e| bad(e.to_string()))?;
    let signer =
        rustls::crypto::ring::sign::any_supported_type(&key).map_err(|e| bad(e.to_string()))?;
    if let Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) =
        rustls::sign::CertifiedKey::new(certs, signer).keys_match()
    {
        return Err(usage(format!(
            "client key {} does not belong to client certificate {} (PEM files swapped or mixed up?)",
            key_path.display(),
            cert_path.display()
        )));
    }
    Ok(ClientTlsConfig {
        client_cert,
        client_key,
    })
}

/// The default Sentinel port.
const SENTINEL_PORT: u16 = 26379;

/// The sentinels to ask and how to authenticate to them (apart from the data
/// node's credentials).
#[derive(Clone)]
struct Sentinels {
    addrs: Vec<(String, u16)>,
    master: String,
    user: Option<String>,
    pass: Option<String>,
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

const SENTINEL_FORM: &str =
    "expected redis+sentinel://[user:pass@]host:port[,host:port…]/MASTER[/db]";

/// `%XX` escapes decoded (user info and master names may carry `@`, `:`, `/`).
fn percent_decode(s: &str) -> Result<String, String> {
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
fn sentinels_from_args(
    g: &GlobalArgs,
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
    fn display(&self, db: i64) -> String {
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

    fn list(&self) -> String {
        let hosts: Vec<String> = self.addrs.iter().map(|(h, p)| format!("{h}:{p}")).collect();
        format!("sentinels {}", hosts.join(", "))
    }
}

/// The master the sentinels name, verified with ROLE and connected to.
struct Resolved {
    host: String,
    port: u16,
    conn: MultiplexedConnection,
    /// Replicas the master listed: writes are confirmed with `WAIT` on that many.
    replicas: usize,
}

/// Why a named master was not taken.
enum Verify {
    /// Retry: a failover in progress (it is a replica, or unreachable).
    NotYet(RedisFailure),
    /// The user's to fix: a refused password, a database out of range.
    Fatal(anyhow::Error),
}

impl ConnSpec {
    /// Validate the connection flags. Errors here are usage errors (exit 2).
    pub fn from_args(g: &GlobalArgs) -> anyhow::Result<Self> {
        let given = g
            .url
            .clone()
            .unwrap_or_else(|| "redis://127.0.0.1:6379".into());
        let shown = redact_url(&given);
        let sentinel = sentinels_from_args(g, &shown)?;
        // With Sentinel the data node's address comes later, from the
        // sentinels; its settings (auth, db, TLS) are built as for a URL.
        let raw = match &sentinel {
            Some((_, db)) => format!("redis://127.0.0.1:6379/{}", db.unwrap_or(0)),
            None => given,
        };
        if !raw.contains("://") {
            return Err(usage(format!(
                "'{shown}' is not a Redis URL: expected redis://host:port[/db], rediss://… or redis+unix:///path"
            )));
        }
        let mut info = raw
            .as_str()
            .into_connection_info()
            .map_err(|e| usage(format!("bad URL '{shown}': {}", url_error(&e))))?;
        // Flags override the URL, as in redis-cli.
        let (mut host, mut port, mut tls_on, mut insecure) = match info.addr() {
            ConnectionAddr::Tcp(h, p) => (Some(h.clone()), *p, false, false),
            ConnectionAddr::TcpTls {
                host,
                port,
                insecure,
                ..
            } => (Some(host.clone()), *port, true, *insecure),
            ConnectionAddr::Unix(_) => (None, 0, false, false),
            _ => (None, 0, false, false),
        };
        if let Some(h) = &g.host {
            host = Some(h.clone());
            if port == 0 {
                port = 6379;
            }
        }
        if let Some(p) = g.port {
            port = p;
            if host.is_none() {
                host = Some("127.0.0.1".into());
            }
        }
        tls_on |= g.tls || g.cacert.is_some() || g.cert.is_some() || g.tls_key.is_some();
        insecure |= g.insecure;
        if let Some(host) = host {
            let addr = if tls_on {
                ConnectionAddr::TcpTls {
                    host,
                    port,
                    insecure,
                    tls_params: None,
                }
            } else {
                ConnectionAddr::Tcp(host, port)
            };
            info = info.set_addr(addr);
        }

        let mut settings = info.redis_settings().clone();
        if !matches!(settings.protocol(), redis::ProtocolVersion::RESP2) {
            // Replies are read as RESP2 shapes (a map would read as nothing).
            return Err(usage(format!(
                "'{shown}' asks for RESP3, which cachectl does not speak yet: drop ?protocol=resp3"
            )));
        }
        if lone_userinfo(&raw) && settings.password().is_none() {
            // The crate reads `redis://secret@host` as a user name.
            if let Some(secret) = settings.username().map(str::to_string) {
                settings = RedisConnectionInfo::default()
                    .set_db(settings.db())
                    .set_protocol(settings.protocol())
                    .set_password(secret);
            }
        }
        if let Some(db) = g.db {
            if db < 0 {
                return Err(usage(format!("--db {db}: database numbers are 0 or more")));
            }
            settings = settings.set_db(db);
        }
        if let Some(user) = &g.user {
            settings = settings.set_username(user);
        }
        let password = if g.askpass {
            Some(ask_password()?)
        } else if let Some(p) = &g.pass {
            Some(p.clone())
        } else if settings.password().is_some() {
            None
        } else {
            std::env::var("REDISCLI_AUTH")
                .ok()
                .or_else(|| std::env::var("REDIS_PASSWORD").ok())
                .filter(|p| !p.is_empty())
        };
        match password {
            Some(p) => settings = settings.set_password(p),
            // A user name without a password must still AUTH (as that user, which
            // works for `nopass` users): never carry on as the default user.
            None if settings.username().is_some() && settings.password().is_none() => {
                settings = settings.set_password("");
            }
            None => {}
        }
        if g.timeout.is_zero() {
            return Err(usage("--timeout 0: give a timeout above zero, e.g. 5s"));
        }
        if settings.db() < 0 {
            return Err(usage(format!(
                "database {} in '{shown}': database numbers are 0 or more",
                settings.db()
            )));
        }
        settings = settings.set_lib_name("cachectl", env!("CARGO_PKG_VERSION"));
        info = info.set_redis_settings(settings);

        let tls = if tls_on {
            let root_cert = g
                .cacert
                .as_deref()
                .map(|p| read_certs(p, "CA certificate").map(|(bytes, _)| bytes))
                .transpose()?;
            let client_tls = match (&g.cert, &g.tls_key) {
                (Some(c), Some(k)) => Some(read_client_pair(c, k)?),
                (Some(_), None) => {
                    return Err(usage(
                        "--cert needs --key (the client certificate's private key)",
                    ))
                }
                (None, Some(_)) => {
                    return Err(usage("--key needs --cert (the client certificate)"))
                }
                (None, None) => None,
            };
            Some(TlsCertificates {
                client_tls,
                root_cert,
            })
        } else {
            None
        };

        let display_url = match &sentinel {
            Some((sentinels, _)) => sentinels.display(info.redis_settings().db()),
            None => describe(&info),
        };
        Ok(ConnSpec {
            seed: info,
            tls,
            sentinel: sentinel.map(|(s, _)| Arc::new(s)),
            timeout: g.timeout,
            display_url,
        })
    }

    /// The seed's settings (auth, db, TLS) at another address: a cluster node.
    fn info_for(&self, host: &str, port: u16) -> ConnectionInfo {
        let addr = match self.seed.addr() {
            ConnectionAddr::TcpTls { insecure, .. } => ConnectionAddr::TcpTls {
                host: host.to_string(),
                port,
                insecure: *insecure,
                tls_params: None,
            },
            _ => ConnectionAddr::Tcp(host.to_string(), port),
        };
        self.seed.clone().set_addr(addr)
    }

    /// A sentinel's address with the sentinels' own credentials (and the
    /// data node's TLS settings).
    fn sentinel_info(&self, s: &Sentinels, host: &str, port: u16) -> ConnectionInfo {
        let mut settings = RedisConnectionInfo::default();
        if let Some(u) = &s.user {
            settings = settings.set_username(u);
        }
        match &s.pass {
            Some(p) => settings = settings.set_password(p),
            None if s.user.is_some() => settings = settings.set_password(""),
            None => {}
        }
        self.info_for(host, port).set_redis_settings(settings)
    }

    /// One sentinel's answer to GET-MASTER-ADDR-BY-NAME (None: it does not
    /// know that name).
    async fn ask_sentinel(
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
    async fn verify_master(&self, host: &str, port: u16) -> Result<Resolved, Verify> {
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
    async fn resolve_master(&self) -> anyhow::Result<Resolved> {
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

    fn client(&self, info: ConnectionInfo) -> Result<Client, RedisError> {
        match &self.tls {
            Some(certs) => Client::build_with_tls(info, certs.clone()),
            None => Client::open(info),
        }
    }

    async fn open(
        &self,
        info: ConnectionInfo,
        label: &str,
    ) -> Result<MultiplexedConnection, RedisFailure> {
        let client = self.client(info).map_err(|e| RedisFailure::Unreachable {
            url: label.to_string(),
            reason: describe_error(&e),
        })?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        // The handshake (HELLO/AUTH/SELECT) is bounded by the timeout too.
        let attempt = || {
            tokio::time::timeout(
                self.timeout + self.timeout,
                client.get_multiplexed_async_connection_with_config(&config),
            )
        };
        let mut result = attempt().await;
        if matches!(&result, Ok(Err(e)) if closed_by_peer(e)) {
            // Hung up on mid-handshake (CLIENT KILL, a restart): the handshake
            // changes nothing, so it is tried once more.
            tokio::time::sleep(backoff(1)).await;
            result = attempt().await;
        }
        let timeout = humantime::format_duration(self.timeout).to_string();
        let tls = self.tls.is_some();
        match result {
            Ok(Ok(c)) => Ok(c),
            // TLS on one side only: a plain server never answers a ClientHello
            // (it waits for a newline), a TLS port drops a plain HELLO.
            Ok(Err(e)) if tls && e.is_timeout() => Err(RedisFailure::Unreachable {
                url: label.to_string(),
                reason: format!("no TLS handshake within {timeout}: is this a TLS port? (rediss:// and --tls need one)"),
            }),
            Ok(Err(e)) if !tls && closed_by_peer(&e) => {
                Err(RedisFailure::Unreachable {
                    url: label.to_string(),
                    reason: format!(
                        "{}: the server closed the connection before answering; if it is a TLS port, use rediss:// or --tls",
                        describe_error(&e)
                    ),
                })
            }
            Ok(Err(e)) => Err(connect_failure(label, &e, self.timeout)),
            Err(_) if tls => Err(RedisFailure::Unreachable {
                url: label.to_string(),
                reason: format!("no TLS handshake within {timeout}: is this a TLS port? (rediss:// and --tls need one)"),
            }),
            Err(_) => Err(RedisFailure::Timeout {
                node: label.to_string(),
                timeout,
            }),
        }
    }
}

/// The address actually used, as a URL without secrets (overrides applied).
fn describe(info: &ConnectionInfo) -> String {
    let user = match (
        info.redis_settings().username(),
        info.redis_settings().password(),
    ) {
        (Some(u), _) => format!("{u}:***@"),
        (None, Some(_)) => ":***@".to_string(),
        _ => String::new(),
    };
    let db = match info.redis_settings().db() {
        0 => String::new(),
        n => format!("/{n}"),
    };
    // A host given with -h may itself look like `user:pass@host`.
    let shown = match info.addr() {
        ConnectionAddr::Tcp(h, p) => format!("redis://{user}{h}:{p}{db}"),
        ConnectionAddr::TcpTls { host, port, .. } => format!("rediss://{user}{host}:{port}{db}"),
        ConnectionAddr::Unix(path) => format!("redis+unix://{}", path.display()),
        _ => "redis".into(),
    };
    if shown.matches('@').count() > usize::from(!user.is_empty()) || shown.contains('?') {
        return redact_url(&shown);
    }
    shown
}

fn ask_password() -> anyhow::Result<String> {
    dialoguer::Password::new()
        .with_prompt("Redis password")
        .allow_empty_password(true)
        .interact()
        .map_err(|e| usage(format!("--askpass needs a terminal: {e}")))
}

/// One line describing a redis error, without its internal debug form.
pub fn describe_error(e: &RedisError) -> String {
    match (e.code(), e.detail()) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        _ => {
            let s = e.to_string();
            s.lines().next().unwrap_or("").to_string()
        }
    }
}

fn is_auth_error(e: &RedisError) -> bool {
    e.kind() == ErrorKind::AuthenticationFailed
        || matches!(e.code(), Some("WRONGPASS" | "NOAUTH"))
        || (e.code() == Some("ERR") && e.detail().is_some_and(|d| d.contains("AUTH")))
}

fn connect_failure(label: &str, e: &RedisError, timeout: Duration) -> RedisFailure {
    if is_auth_error(e) {
        return RedisFailure::Auth {
            url: label.to_string(),
            reason: describe_error(e),
        };
    }
    if e.is_timeout() {
        return RedisFailure::Timeout {
            node: label.to_string(),
            timeout: humantime::format_duration(timeout).to_string(),
        };
    }
    RedisFailure::Unreachable {
        url: label.to_string(),
        reason: describe_error(e),
    }
}

/// The handshake's SELECT refused: the database is the user's input to fix
/// (exit 2), not a connection problem.
fn bad_db(e: RedisFailure, db: i64) -> anyhow::Error {
    let reason = match &e {
        RedisFailure::Unreachable { reason, .. } | RedisFailure::Server { msg: reason, .. } => {
            reason.as_str()
        }
        _ => "",
    };
    // "value is out of range": a number too large for the server to read.
    if reason.contains("DB index is out of range") || reason.contains("value is out of range") {
        return usage(format!(
            "database {db} does not exist on this server (see its `databases` setting): {reason}"
        ));
    }
    if reason.contains("SELECT is not allowed in cluster mode") {
        return usage(format!(
            "database {db}: a Redis Cluster has only database 0"
        ));
    }
    e.into()
}

/// Cluster mode from INFO, or, for ACL users without INFO, from CLUSTER INFO
/// (which answers an error on a server with cluster support disabled).
async fn detect_cluster(
    conn: &mut MultiplexedConnection,
    label: &str,
    timeout: Duration,
) -> Result<bool, RedisFailure> {
    match redis::cmd("INFO")
        .arg("cluster")
        .query_async::<String>(conn)
        .await
    {
        Ok(info) => return Ok(info.lines().any(|l| l.trim() == "cluster_enabled:1")),
        Err(e) if e.code() == Some("NOPERM") => {}
        Err(e) => return Err(failure(label, &e, timeout)),
    }
    match redis::cmd("CLUSTER")
        .arg("INFO")
        .query_async::<String>(conn)
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if e.is_timeout() || is_dropped(&e) => Err(failure(label, &e, timeout)),
        // Disabled, or not allowed either: a user without cluster commands gets
        // standalone behaviour, and a cluster would answer MOVED soon enough.
        Err(_) => Ok(false),
    }
}

/// One primary (or the standalone server) and its multiplexed connection.
pub struct Node {
    pub addr: String,
    host: String,
    port: u16,
    conn: Mutex<MultiplexedConnection>,
    /// Bumped on every reconnect, so concurrent failures reconnect once.
    generation: Mutex<u64>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.addr)
    }
}

impl Node {
    /// Bumped on every reconnect: an unchanged generation means every command
    /// since went over one connection, so to one server process.
    pub fn generation(&self) -> u64 {
        self.generation.lock().map(|g| *g).unwrap_or(0)
    }

    fn conn(&self) -> (MultiplexedConnection, u64) {
        let conn = self.conn.lock().map(|c| c.clone());
        let generation = self.generation.lock().map(|g| *g).unwrap_or(0);
        match conn {
            Ok(c) => (c, generation),
            Err(poisoned) => (poisoned.into_inner().clone(), generation),
        }
    }
}

struct Topology {
    nodes: Vec<Arc<Node>>,
    /// Index into `nodes` for every slot (slots of a down primary point at a
    /// live node, never used: see `down_slots`).
    slots: Vec<usize>,
    /// Primaries that own slots but could not be reached.
    down: Vec<DownNode>,
    /// Index into `down` for every slot a down primary owns.
    down_slots: Vec<Option<usize>>,
}

/// A primary that owns slots but did not answer when the slot map was read
/// (a cluster with `cluster-require-full-coverage no` keeps serving the rest).
#[derive(Debug, Clone)]
pub struct DownNode {
    pub addr: String,
    pub reason: String,
    /// Slot ranges it owns, inclusive.
    pub slots: Vec<(u16, u16)>,
}

impl DownNode {
    /// `0-5460,6000`: the slots, as CLUSTER NODES writes them.
    pub fn slot_list(&self) -> String {
        self.slots
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// One failure naming every down primary and the slots whose keys were not reached.
pub fn unreachable_failure(down: &[DownNode]) -> RedisFailure {
    let addrs: Vec<&str> = down.iter().map(|d| d.addr.as_str()).collect();
    let reason = match down {
        [one] => format!(
            "{}; it is the primary of slots {}, whose keys were not reached",
            one.reason,
            one.slot_list()
        ),
        many => {
            let each: Vec<String> = many
                .iter()
                .map(|d| format!("{} (slots {}): {}", d.addr, d.slot_list(), d.reason))
                .collect();
            format!("{}; keys in those slots were not reached", each.join("; "))
        }
    };
    RedisFailure::Unreachable {
        url: addrs.join(", "),
        reason,
    }
}

/// The error code of the reply that stands in for a command whose slot's
/// primary is down: the rest of its batch was still sent.
pub const UNREACHABLE: &str = "UNREACHABLE";

/// Whether a reply is that stand-in.
pub fn is_unreachable(v: &Value) -> bool {
    matches!(v, Value::ServerError(e) if e.code() == UNREACHABLE)
}

fn unreachable_reply(d: &DownNode) -> anyhow::Result<Value> {
    let reason = d.reason.replace(['\r', '\n'], " ");
    let text = format!(
        "-{UNREACHABLE} {} is unreachable ({reason}): slots {} were not reached\r\n",
        d.addr,
        d.slot_list()
    );
    Ok(redis::parse_redis_value(text.as_bytes())?)
}

/// A connected server or cluster. Cheap to share behind an `Arc`.
pub struct Redis {
    spec: ConnSpec,
    cluster: bool,
    topo: RwLock<Arc<Topology>>,
    reconnect_lock: tokio::sync::Mutex<()>,
    /// Nodes reached only through ASK (a slot moving to a node that owns no
    /// slots yet, so CLUSTER SLOTS does not list it).
    ask_targets: tokio::sync::Mutex<Vec<Arc<Node>>>,
    /// With Sentinel: the master's address now, and how many replicas each
    /// pipeline's writes are confirmed on (`WAIT`): a write the old master
    /// took after its replica was promoted is lost, and only a missing
    /// confirmation tells.
    master: Mutex<Option<(String, u16)>>,
    wait_replicas: AtomicUsize,
    /// Pipelines in flight: a WAIT that times out holds up every pipeline
    /// behind it on the shared connection, so each waits less when many do.
    pipelines: AtomicUsize,
    /// When the master's replicas were last counted while none were known
    /// (right after a failover the old master is not attached yet).
    replicas_counted: Mutex<Option<tokio::time::Instant>>,
}

/// The hash slot of a key (CRC16 of the key or of its `{hash tag}`).
pub fn slot_of(key: &[u8]) -> u16 {
    let tagged = key
        .iter()
        .position(|&b| b == b'{')
        .and_then(|open| {
            let rest = &key[open + 1..];
            rest.iter()
                .position(|&b| b == b'}')
                .map(|close| &rest[..close])
        })
        .filter(|tag| !tag.is_empty())
        .unwrap_or(key);
    crc16::State::<crc16::XMODEM>::calculate(tagged) % SLOTS as u16
}

/// A command with the slot it must be sent to.
#[derive(Clone)]
pub struct Routed {
    pub slot: u16,
    pub cmd: Cmd,
}

impl Routed {
    pub fn new(key: &[u8], cmd: Cmd) -> Self {
        Routed {
            slot: slot_of(key),
            cmd,
        }
    }
}

enum Redirect {
    Moved,
    Ask(String),
    Wait,
    /// A replica refused a write: on a cluster the slot map is stale (as for
    /// MOVED); a standalone replica never takes the write, however often it
    /// is sent.
    ReadOnly,
}

fn redirect_of(err: &redis::ServerError) -> Option<Redirect> {
    match err.kind() {
        Some(ServerErrorKind::Moved) => Some(Redirect::Moved),
        Some(ServerErrorKind::Ask) => {
            let addr = err.details()?.split_whitespace().nth(1)?.to_string();
            Some(Redirect::Ask(addr))
        }
        Some(
            ServerErrorKind::TryAgain
            | ServerErrorKind::ClusterDown
            | ServerErrorKind::BusyLoading
            | ServerErrorKind::MasterDown,
        ) => Some(Redirect::Wait),
        Some(ServerErrorKind::ReadOnly) => Some(Redirect::ReadOnly),
        // Before 7.0 a write refused inside a script comes back as a script
        // error that quotes the READONLY reply.
        _ if err
            .details()
            .is_some_and(|d| d.contains("-READONLY You can't write")) =>
        {
            Some(Redirect::ReadOnly)
        }
        _ => None,
    }
}

fn redirect_of_error(err: &RedisError) -> Option<Redirect> {
    match err.kind() {
        ErrorKind::Server(ServerErrorKind::Moved) => Some(Redirect::Moved),
        ErrorKind::Server(ServerErrorKind::ReadOnly) => Some(Redirect::ReadOnly),
        ErrorKind::Server(ServerErrorKind::Ask) => err
            .redirect_node()
            .map(|(h, p)| Redirect::Ask(format!("{h}:{p}"))),
        ErrorKind::Server(
            ServerErrorKind::TryAgain
            | ServerErrorKind::ClusterDown
            | ServerErrorKind::BusyLoading
            | ServerErrorKind::MasterDown,
        ) => Some(Redirect::Wait),
        _ => None,
    }
}

/// `host:port` of the primary, from INFO replication of a replica.
fn primary_of(info: &str) -> Option<String> {
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.trim_end().strip_prefix(name)?.strip_prefix(':'))
            .filter(|v| !v.is_empty())
    };
    Some(format!(
        "{}:{}",
        field("master_host")?,
        field("master_port")?
    ))
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((25u64 << attempt.min(6)).min(1000))
}

impl Redis {
    /// Connect to the seed, detect cluster mode, and connect to every primary.
    pub async fn connect(spec: ConnSpec) -> anyhow::Result<Arc<Redis>> {
        if spec.sentinel.is_some() {
            return Self::connect_sentinel(spec).await;
        }
        let seed_label = spec.display_url.clone();
        let mut seed_conn = spec
            .open(spec.seed.clone(), &seed_label)
            .await
            .map_err(|e| bad_db(e, spec.seed.redis_settings().db()))?;
        let cluster = detect_cluster(&mut seed_conn, &seed_label, spec.timeout).await?;
        let (host, port) = match spec.seed.addr() {
            ConnectionAddr::Tcp(h, p) => (h.clone(), *p),
            ConnectionAddr::TcpTls { host, port, .. } => (host.clone(), *port),
            _ => (String::new(), 0),
        };
        let topo = if cluster {
            Self::discover(&spec, &mut seed_conn, &host, None).await?
        } else {
            let node = Arc::new(Node {
                addr: seed_label.clone(),
                host,
                port,
                conn: Mutex::new(seed_conn),
                generation: Mutex::new(0),
            });
            Topology {
                nodes: vec![node],
                slots: vec![0; SLOTS],
                down: Vec::new(),
                down_slots: vec![None; SLOTS],
            }
        };
        Ok(Arc::new(Redis {
            spec,
            cluster,
            topo: RwLock::new(Arc::new(topo)),
            reconnect_lock: tokio::sync::Mutex::new(()),
            ask_targets: tokio::sync::Mutex::new(Vec::new()),
            master: Mutex::new(None),
            wait_replicas: AtomicUsize::new(0),
            pipelines: AtomicUsize::new(0),
            replicas_counted: Mutex::new(None),
        }))
    }

    /// A Sentinel-managed master: one node, found (and after a failover
    /// found again) through the sentinels.
    async fn connect_sentinel(spec: ConnSpec) -> anyhow::Result<Arc<Redis>> {
        let r = spec.resolve_master().await?;
        let node = Arc::new(Node {
            addr: spec.display_url.clone(),
            host: r.host.clone(),
            port: r.port,
            conn: Mutex::new(r.conn),
            generation: Mutex::new(0),
        });
        Ok(Arc::new(Redis {
            spec,
            cluster: false,
            topo: RwLock::new(Arc::new(Topology {
                nodes: vec![node],
                slots: vec![0; SLOTS],
                down: Vec::new(),
                down_slots: vec![None; SLOTS],
            })),
            reconnect_lock: tokio::sync::Mutex::new(()),
            ask_targets: tokio::sync::Mutex::new(Vec::new()),
            master: Mutex::new(Some((r.host, r.port))),
            wait_replicas: AtomicUsize::new(r.replicas),
            pipelines: AtomicUsize::new(0),
            replicas_counted: Mutex::new(None),
        }))
    }

    fn is_sentinel(&self) -> bool {
        self.spec.sentinel.is_some()
    }

    /// Put a freshly resolved master's connection in place (reconnect lock held).
    fn install(&self, node: &Node, r: Resolved) {
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
    async fn master_moved(&self, node: &Node, generation: u64) -> anyhow::Result<bool> {
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
    async fn count_replicas(&self, node: &Node) {
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
    fn failover_failure(&self, node: &Node, what: &str) -> RedisFailure {
        RedisFailure::Server {
            node: node.addr.clone(),
            msg: format!(
                "{what}; not retried, since the command is not safe to run twice: check whether it took effect, then run it again"
            ),
        }
    }

    /// Read CLUSTER SLOTS through `via` and connect to every primary.
    async fn discover(
        spec: &ConnSpec,
        via: &mut MultiplexedConnection,
        seed_host: &str,
        old: Option<&Topology>,
    ) -> anyhow::Result<Topology> {
        let label = spec.display_url.clone();
        let raw: Vec<Value> = redis::cmd("CLUSTER")
            .arg("SLOTS")
            .query_async(via)
            .await
            .map_err(|e| failure(&label, &e, spec.timeout))?;
        let mut slots = vec![usize::MAX; SLOTS];
        let mut addrs: Vec<(String, u16)> = Vec::new();
        let mut ranges: Vec<Vec<(u16, u16)>> = Vec::new();
        for range in raw {
            let Value::Array(parts) = range else { continue };
            if parts.len() < 3 {
                continue;
            }
            let start: u16 = FromRedisValue::from_redis_value(parts[0].clone()).unwrap_or(0);
            let end: u16 = FromRedisValue::from_redis_value(parts[1].clone()).unwrap_or(0);
            let Value::Array(primary) = &parts[2] else {
                continue;
            };
            if primary.len() < 2 {
                continue;
            }
            let mut host: String =
                FromRedisValue::from_redis_value(primary[0].clone()).unwrap_or_default();
            let port: u16 = FromRedisValue::from_redis_value(primary[1].clone()).unwrap_or(0);
            if host.is_empty() || host == "?" {
                host = seed_host.to_string();
            }
            let idx = match addrs.iter().position(|(h, p)| *h == host && *p == port) {
                Some(i) => i,
                None => {
                    addrs.push((host, port));
                    ranges.push(Vec::new());
                    addrs.len() - 1
                }
            };
            ranges[idx].push((start, end.min(SLOTS as u16 - 1)));
            for s in start..=end.min(SLOTS as u16 - 1) {
                slots[s as usize] = idx;
            }
        }
        if addrs.is_empty() {
            return Err(RedisFailure::Server {
                node: label,
                msg: "cluster has no slots assigned (CLUSTER SLOTS is empty)".into(),
            }
            .into());
        }
        // Known nodes keep their connections (in-flight work keeps its sockets);
        // only new addresses are dialled.
        let opens = addrs.iter().map(|(h, p)| {
            let existing = old.and_then(|t| {
                t.nodes
                    .iter()
                    .find(|n| n.host == *h && n.port == *p)
                    .cloned()
            });
            let info = spec.info_for(h, *p);
            async move {
                if let Some(n) = existing {
                    return Ok(n);
                }
                let addr = format!("{h}:{p}");
                let conn = spec.open(info, &addr).await?;
                Ok::<_, RedisFailure>(Arc::new(Node {
                    addr,
                    host: h.clone(),
                    port: *p,
                    conn: Mutex::new(conn),
                    generation: Mutex::new(0),
                }))
            }
        });
        let opened = futures::future::join_all(opens).await;
        // A primary that cannot be reached is set aside, the others serve; any
        // other failure (a refused password) is the whole run's.
        let mut nodes = Vec::new();
        let mut down = Vec::new();
        let mut first_down = None;
        let mut index = Vec::with_capacity(opened.len());
        for (i, r) in opened.into_iter().enumerate() {
            match r {
                Ok(n) => {
                    index.push(Ok(nodes.len()));
                    nodes.push(n);
                }
                Err(
                    e @ (RedisFailure::Unreachable { .. }
                    | RedisFailure::Timeout { .. }
                    | RedisFailure::ConnectionLost { .. }),
                ) => {
                    index.push(Err(down.len()));
                    down.push(DownNode {
                        addr: format!("{}:{}", addrs[i].0, addrs[i].1),
                        reason: match &e {
                            RedisFailure::Unreachable { reason, .. }
                            | RedisFailure::ConnectionLost { reason, .. } => reason.clone(),
                            other => other.to_string(),
                        },
                        slots: std::mem::take(&mut ranges[i]),
                    });
                    first_down.get_or_insert(e);
                }
                Err(e) => return Err(e.into()),
            }
        }
        if nodes.is_empty() {
            return Err(first_down
                .map(anyhow::Error::from)
                .unwrap_or_else(|| anyhow::anyhow!("no cluster primary answered")));
        }
        let mut down_slots = vec![None; SLOTS];
        for (s, owner) in slots.iter_mut().enumerate() {
            // Keys in unassigned slots fail with CLUSTERDOWN at the node; route them anywhere.
            match index.get(*owner) {
                Some(Ok(n)) => *owner = *n,
                Some(Err(d)) => {
                    down_slots[s] = Some(*d);
                    *owner = 0;
                }
                None => *owner = 0,
            }
        }
        Ok(Topology {
            nodes,
            slots,
            down,
            down_slots,
        })
    }

    pub fn is_cluster(&self) -> bool {
        self.cluster
    }

    pub fn display_url(&self) -> &str {
        &self.spec.display_url
    }

    fn topo(&self) -> Arc<Topology> {
        match self.topo.read() {
            Ok(t) => t.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Every primary (one node when standalone).
    pub fn primaries(&self) -> Vec<Arc<Node>> {
        self.topo().nodes.clone()
    }

    /// Primaries that own slots but could not be reached (empty when all answer).
    pub fn unreachable(&self) -> Vec<DownNode> {
        self.topo().down.clone()
    }

    /// Fail at once, naming the node, when a command's slot is owned by a
    /// primary that is down: it would only redirect there for the settle budget.
    fn check_reachable(&self, slots: impl Iterator<Item = u16>) -> Result<(), RedisFailure> {
        let topo = self.topo();
        if topo.down.is_empty() {
            return Ok(());
        }
        let mut hit: Vec<usize> = slots
            .filter_map(|s| topo.down_slots[s as usize % SLOTS])
            .collect();
        if hit.is_empty() {
            return Ok(());
        }
        hit.sort_unstable();
        hit.dedup();
        let down: Vec<DownNode> = hit.iter().map(|&d| topo.down[d].clone()).collect();
        Err(unreachable_failure(&down))
    }

    fn slot_is_down(&self, slot: u16) -> bool {
        self.topo().down_slots[slot as usize % SLOTS].is_some()
    }

    /// The node that owns a slot now.
    pub fn node_for_slot(&self, slot: u16) -> Arc<Node> {
        let t = self.topo();
        t.nodes[t.slots[slot as usize % SLOTS]].clone()
    }

    /// Slot ownership as every primary sees itself, including migrations in
    /// progress (`[slot->-id]`); empty when standalone. Two equal layouts with no
    /// migration marker mean no key changed node in between, so a SCAN pass
    /// over every primary saw every key that existed throughout.
    pub async fn layout(&self) -> anyhow::Result<String> {
        if !self.cluster {
            return Ok(String::new());
        }
        self.refresh().await?;
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("NODES");
        let mut parts = Vec::new();
        for node in self.primaries() {
            let text: String = self.on_node(&node, &cmd, Idempotent::Yes).await?;
            if let Some(line) = text.lines().find(|l| l.contains("myself")) {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let slots = fields.get(8..).map(|s| s.join(" ")).unwrap_or_default();
                parts.push(format!("{} {slots}", fields.first().unwrap_or(&"")));
            }
        }
        parts.sort();
        Ok(parts.join("\n"))
    }

    /// Re-read the slot map after a MOVED; keeps connections to nodes that stay.
    pub async fn refresh(&self) -> anyhow::Result<()> {
        if !self.cluster {
            return Ok(());
        }
        let seen = self.topo();
        let _guard = self.reconnect_lock.lock().await;
        let old = self.topo();
        if !Arc::ptr_eq(&seen, &old) {
            // Several MOVED replies at once: another task refreshed meanwhile.
            return Ok(());
        }
        let mut last_err = None;
        // Ask each known node in turn: during a failover some do not answer.
        for node in &old.nodes {
            let (mut conn, _) = node.conn();
            match self.rebuild(&mut conn, &old).await {
                Ok(topo) => {
                    // A primary that went away meanwhile: the work that was
                    // redirected to it cannot be done (the slot would only
                    // keep redirecting there).
                    let lost: Vec<DownNode> = topo
                        .down
                        .iter()
                        .filter(|d| !old.down.iter().any(|o| o.addr == d.addr))
                        .cloned()
                        .collect();
                    if let Ok(mut w) = self.topo.write() {
                        *w = Arc::new(topo);
                    }
                    if !lost.is_empty() {
                        return Err(unreachable_failure(&lost).into());
                    }
                    return Ok(());
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            RedisFailure::Server {
                node: self.spec.display_url.clone(),
                msg: "no cluster node answered CLUSTER SLOTS".into(),
            }
            .into()
        }))
    }

    async fn rebuild(
        &self,
        via: &mut MultiplexedConnection,
        old: &Topology,
    ) -> anyhow::Result<Topology> {
        let seed_host = old.nodes[0].host.clone();
        Self::discover(&self.spec, via, &seed_host, Some(old)).await
    }

    /// Replace a node's connection after it dropped (once per failure generation).
    async fn reconnect(&self, node: &Node, seen_generation: u64) -> Result<(), RedisFailure> {
        let _guard = self.reconnect_lock.lock().await;
        let current = node.generation.lock().map(|g| *g).unwrap_or(0);
        if current != seen_generation {
            return Ok(());
        }
        if self.is_sentinel() {
            // The master may have moved: ask the sentinels again.
            let r = self.spec.resolve_master().await.map_err(|e| {
                match e.downcast::<RedisFailure>() {
                    Ok(f) => f,
                    Err(e) => RedisFailure::Server {
                        node: node.addr.clone(),
                        msg: format!("{e:#}"),
                    },
                }
            })?;
            self.install(node, r);
            return Ok(());
        }
        let info = if self.cluster {
            self.spec.info_for(&node.host, node.port)
        } else {
            self.spec.seed.clone()
        };
        let fresh = self.spec.open(info, &node.addr).await?;
        if let Ok(mut c) = node.conn.lock() {
            *c = fresh;
        }
        if let Ok(mut g) = node.generation.lock() {
            *g += 1;
        }
        Ok(())
    }

    async fn node_by_addr(&self, addr: &str) -> anyhow::Result<Arc<Node>> {
        if let Some(n) = self.topo().nodes.iter().find(|n| n.addr == addr) {
            return Ok(n.clone());
        }
        let mut extra = self.ask_targets.lock().await;
        if let Some(n) = extra.iter().find(|n| n.addr == addr) {
            return Ok(n.clone());
        }
        // A node being added owns no slots yet: connect to it on the spot.
        let bad = || RedisFailure::Server {
            node: addr.to_string(),
            msg: "the cluster redirected to an address it cannot be reached at".into(),
        };
        let (host, port) = addr.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let conn = self.spec.open(self.spec.info_for(host, port), addr).await?;
        let node = Arc::new(Node {
            addr: addr.to_string(),
            host: host.to_string(),
            port,
            conn: Mutex::new(conn),
            generation: Mutex::new(0),
        });
        extra.push(node.clone());
        Ok(node)
    }

    /// Send one command to a given node (SCAN, INFO, DBSIZE…): no slot routing.
    pub async fn on_node<T: FromRedisValue>(
        &self,
        node: &Node,
        cmd: &Cmd,
        idem: Idempotent,
    ) -> anyhow::Result<T> {
        let mut attempt = 0;
        let started = tokio::time::Instant::now();
        loop {
            let (mut conn, generation) = node.conn();
            match cmd.query_async::<T>(&mut conn).await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    attempt += 1;
                    if matches!(redirect_of_error(&e), Some(Redirect::ReadOnly)) {
                        if !self.is_sentinel() {
                            return Err(self.read_only(node).await.into());
                        }
                        if idem == Idempotent::No {
                            return Err(self
                                .failover_failure(
                                    node,
                                    "the master turned replica (READONLY): a Sentinel failover",
                                )
                                .into());
                        }
                        if attempt >= MAX_ATTEMPTS {
                            return Err(failure(&node.addr, &e, self.spec.timeout).into());
                        }
                        self.reconnect(node, generation).await?;
                        continue;
                    }
                    // LOADING, TRYAGAIN, CLUSTERDOWN: wait it out, within the budget.
                    if matches!(redirect_of_error(&e), Some(Redirect::Wait))
                        && started.elapsed() < SETTLE_BUDGET
                    {
                        tokio::time::sleep(backoff(attempt)).await;
                        continue;
                    }
                    if attempt >= MAX_ATTEMPTS {
                        return Err(failure(&node.addr, &e, self.spec.timeout).into());
                    }
                    if idem == Idempotent::Yes && is_dropped(&e) {
                        tokio::time::sleep(backoff(attempt)).await;
                        // A failed reconnect is retried like the command, with backoff.
                        let _ = self.reconnect(node, generation).await;
                        continue;
                    }
                    if self.is_sentinel() && is_dropped(&e) {
                        let lost = format!(
                            "connection to the master lost (a Sentinel failover?): {}",
                            describe_error(&e)
                        );
                        return Err(self.failover_failure(node, &lost).into());
                    }
                    return Err(failure(&node.addr, &e, self.spec.timeout).into());
                }
            }
        }
    }

    /// A write refused by a replica: one line naming its primary when INFO
    /// replication tells it (the user pointed us at the wrong server).
    async fn read_only(&self, node: &Node) -> RedisFailure {
        let mut cmd = redis::cmd("INFO");
        cmd.arg("replication");
        let (mut conn, _) = node.conn();
        let primary =
            match tokio::time::timeout(self.spec.timeout, cmd.query_async::<String>(&mut conn))
                .await
            {
                Ok(Ok(text)) => primary_of(&text),
                _ => None,
            };
        RedisFailure::Server {
            node: node.addr.clone(),
            msg: match primary {
                Some(p) => {
                    format!("this server is a read-only replica of {p}: point --url at the primary")
                }
                None => "this server is a read-only replica: point --url at the primary".into(),
            },
        }
    }

    /// The first error reply among `replies` (from [`Redis::batch`]), as a failure.
    pub fn first_error(&self, replies: &[Value]) -> anyhow::Result<()> {
        self.first_error_where(replies, |_| true)
    }

    /// [`Redis::first_error`] over the error replies `counts` keeps.
    pub fn first_error_where(
        &self,
        replies: &[Value],
        counts: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<()> {
        match replies.iter().find_map(|v| match v {
            Value::ServerError(e) if counts(v) => Some(e),
            _ => None,
        }) {
            Some(e) => Err(server_failure(&self.spec.display_url, e).into()),
            None => Ok(()),
        }
    }

    /// Send a pipeline of keyless commands (RANDOMKEY…) to one node.
    pub async fn on_node_pipeline<T: FromRedisValue>(
        &self,
        node: &Node,
        pipe: &redis::Pipeline,
    ) -> anyhow::Result<T> {
        let (mut conn, _) = node.conn();
        pipe.query_async::<T>(&mut conn)
            .await
            .map_err(|e| failure(&node.addr, &e, self.spec.timeout).into())
    }

    /// Send one keyed command to the node owning the key's slot, following redirects.
    pub async fn keyed<T: FromRedisValue>(
        &self,
        key: &[u8],
        cmd: &Cmd,
        idem: Idempotent,
    ) -> anyhow::Result<T> {
        let mut out = self
            .batch(
                &[Routed {
                    slot: slot_of(key),
                    cmd: cmd.clone(),
                }],
                idem,
            )
            .await?;
        let v = out.pop().unwrap_or(Value::Nil);
        let node = self.node_for_slot(slot_of(key)).addr.clone();
        if let Value::ServerError(e) = &v {
            return Err(server_failure(&node, e).into());
        }
        T::from_redis_value(v).map_err(|e| {
            RedisFailure::Server {
                node,
                msg: format!("unexpected reply: {e}"),
            }
            .into()
        })
    }

    /// Run commands in pipelines, one per node (grouped by slot owner), all nodes
    /// concurrently. Results come back in input order; a command's own error reply
    /// is returned in place as `Value::ServerError` (redirects are resolved first).
    pub async fn batch(&self, cmds: &[Routed], idem: Idempotent) -> anyhow::Result<Vec<Value>> {
        self.batch_owned(cmds.to_vec(), idem).await
    }

    /// [`Redis::batch`] taking the commands by value: on the hot paths (bulk
    /// writes, deletes, keyspace scans) commands move into their pipelines and
    /// are copied back only when one has to be sent again.
    pub async fn batch_owned(
        &self,
        cmds: Vec<Routed>,
        idem: Idempotent,
    ) -> anyhow::Result<Vec<Value>> {
        self.batch_tracked(cmds, idem).await.map(|t| t.replies)
    }

    /// [`Redis::batch_owned`] that also says which commands were sent again
    /// after their connection dropped with them in flight: such a command may
    /// have run before the drop, so its (second) reply can understate what it did.
    pub async fn batch_tracked(
        &self,
        cmds: Vec<Routed>,
        idem: Idempotent,
    ) -> anyhow::Result<Tracked> {
        let slots: Vec<u16> = cmds.iter().map(|r| r.slot).collect();
        // With a primary down, the batch still goes to the others; only when
        // every command is for a down primary does it fail as a whole.
        if slots.iter().all(|&s| self.slot_is_down(s)) {
            self.check_reachable(slots.iter().copied())?;
        }
        let mut store: Vec<Option<Cmd>> = cmds.into_iter().map(|r| Some(r.cmd)).collect();
        let mut results: Vec<Option<Value>> = vec![None; store.len()];
        let mut pending: Vec<usize> = (0..store.len()).collect();
        let mut asking: HashMap<usize, String> = HashMap::new();
        let mut resent: HashMap<usize, Cmd> = HashMap::new();
        let mut attempt = 0;
        let started = tokio::time::Instant::now();
        while !pending.is_empty() {
            attempt += 1;
            let settled_out = attempt >= MAX_ATTEMPTS && started.elapsed() >= SETTLE_BUDGET;
            // Group by target node, with one look at the slot map per attempt.
            let topo = self.topo();
            if !topo.down.is_empty() {
                // A command for a down primary gets a stand-in error reply.
                let mut kept = Vec::with_capacity(pending.len());
                for &i in &pending {
                    match topo.down_slots[slots[i] as usize % SLOTS] {
                        Some(d) if !asking.contains_key(&i) => {
                            results[i] = Some(unreachable_reply(&topo.down[d])?);
                        }
                        _ => kept.push(i),
                    }
                }
                pending = kept;
                if pending.is_empty() {
                    break;
                }
            }
            let mut groups: Vec<(Arc<Node>, Vec<usize>)> = Vec::new();
            for &i in &pending {
                let node = match asking.get(&i) {
                    Some(addr) => self.node_by_addr(addr).await?,
                    None => topo.nodes[topo.slots[slots[i] as usize % SLOTS]].clone(),
                };
                match groups.iter_mut().find(|(n, _)| Arc::ptr_eq(n, &node)) {
                    Some((_, v)) => v.push(i),
                    None => groups.push((node, vec![i])),
                }
            }
            // With Sentinel, each pipeline ends in WAIT: see `Redis::master`.
            if self.is_sentinel() && self.wait_replicas.load(Ordering::Relaxed) == 0 {
                self.count_replicas(&topo.nodes[0]).await;
            }
            let confirm = if self.is_sentinel() {
                self.wait_replicas.load(Ordering::Relaxed)
            } else {
                0
            };
            // Together well within the response timeout, even when every
            // pipeline's WAIT runs out.
            let queued = self.pipelines.load(Ordering::Relaxed) + groups.len();
            let wait_ms =
                ((self.spec.timeout / 4).as_millis() as u64 / queued.max(1) as u64).clamp(10, 100);
            // Build every pipeline, moving the commands in.
            let pipes: Vec<(redis::Pipeline, Vec<usize>)> = groups
                .iter()
                .map(|(_, idxs)| {
                    let mut pipe = redis::Pipeline::with_capacity(idxs.len());
                    let mut positions = Vec::with_capacity(idxs.len());
                    for &i in idxs {
                        if asking.contains_key(&i) {
                            pipe.cmd("ASKING").ignore();
                        }
                        positions.push(pipe.len());
                        if let Some(cmd) = store[i].take() {
                            pipe.add_command(cmd);
                        }
                    }
                    if confirm > 0 {
                        pipe.cmd("WAIT").arg(confirm).arg(wait_ms);
                    }
                    pipe.ignore_errors();
                    (pipe, positions)
                })
                .collect();
            let sends = groups
                .iter()
                .zip(&pipes)
                .map(|((node, _), (pipe, _))| async move {
                    let (mut conn, generation) = node.conn();
                    let r = pipe.query_async::<Vec<Value>>(&mut conn).await;
                    (node.clone(), generation, r)
                });
            self.pipelines.fetch_add(groups.len(), Ordering::Relaxed);
            let replies = futures::future::join_all(sends).await;
            self.pipelines.fetch_sub(groups.len(), Ordering::Relaxed);
            let mut next = Vec::new();
            let mut need_refresh = false;
            let mut need_wait = false;
            for (((node, generation, reply), (_, idxs)), (pipe, positions)) in
                replies.into_iter().zip(groups.iter()).zip(&pipes)
            {
                let mut again: Vec<usize> = Vec::new();
                let dropped = matches!(&reply, Err(e) if is_dropped(e));
                match reply {
                    Ok(mut values) => {
                        let unconfirmed = confirm > 0
                            && match values.pop() {
                                Some(Value::Int(n)) => n < confirm as i64,
                                _ => true,
                            };
                        let mut turned_replica = false;
                        for (&i, v) in idxs.iter().zip(values) {
                            match &v {
                                Value::ServerError(e) => match redirect_of(e) {
                                    Some(Redirect::ReadOnly) if self.is_sentinel() => {
                                        if idem == Idempotent::No {
                                            return Err(self
                                                .failover_failure(
                                                    &node,
                                                    "the master turned replica (READONLY): a Sentinel failover",
                                                )
                                                .into());
                                        }
                                        turned_replica = true;
                                        asking.remove(&i);
                                        again.push(i);
                                    }
                                    Some(Redirect::ReadOnly) if !self.cluster => {
                                        return Err(self.read_only(&node).await.into());
                                    }
                                    Some(Redirect::Moved | Redirect::ReadOnly) => {
                                        asking.remove(&i);
                                        need_refresh = true;
                                        again.push(i);
                                    }
                                    Some(Redirect::Ask(addr)) => {
                                        asking.insert(i, addr);
                                        again.push(i);
                                    }
                                    Some(Redirect::Wait) => {
                                        need_wait = true;
                                        again.push(i);
                                    }
                                    None => {
                                        asking.remove(&i);
                                        results[i] = Some(v);
                                    }
                                },
                                _ => {
                                    asking.remove(&i);
                                    results[i] = Some(v);
                                }
                            }
                        }
                        if turned_replica {
                            // The sentinels name the new master (waiting for the failover to end).
                            self.reconnect(&node, generation).await?;
                        } else if unconfirmed && self.master_moved(&node, generation).await? {
                            // The old master took these writes after its replica was
                            // promoted: they are lost, so they are sent again.
                            if idem == Idempotent::No {
                                return Err(self
                                    .failover_failure(
                                        &node,
                                        "the master failed over as this command ran, so its effect may be lost",
                                    )
                                    .into());
                            }
                            for &i in idxs {
                                if results[i].take().is_some() {
                                    again.push(i);
                                }
                            }
                        }
                    }
                    Err(e) => {
                        if self.is_sentinel() && is_dropped(&e) && idem == Idempotent::No {
                            let lost = format!(
                                "connection to the master lost (a Sentinel failover?): {}",
                                describe_error(&e)
                            );
                            return Err(self.failover_failure(&node, &lost).into());
                        }
                        let retry = (idem == Idempotent::Yes && is_dropped(&e))
                            || redirect_of_error(&e).is_some();
                        // A server that is gone fails fast; a cluster that is
                        // settling gets SETTLE_BUDGET.
                        if !retry || (is_dropped(&e) && attempt >= MAX_ATTEMPTS) || settled_out {
                            return Err(failure(&node.addr, &e, self.spec.timeout).into());
                        }
                        if is_dropped(&e) {
                            tokio::time::sleep(backoff(attempt)).await;
                            if self.reconnect(&node, generation).await.is_err() {
                                // The node may have failed over: a refresh finds its successor.
                                need_refresh = true;
                            }
                        } else {
                            need_refresh = true;
                        }
                        again.extend_from_slice(idxs);
                    }
                }
                if !again.is_empty() {
                    // Copy back only the commands that go out again.
                    let sent: Vec<&Cmd> = pipe.cmd_iter().collect();
                    let at: HashMap<usize, usize> = idxs
                        .iter()
                        .copied()
                        .zip(positions.iter().copied())
                        .collect();
                    for &i in &again {
                        store[i] = Some(sent[at[&i]].clone());
                        if dropped {
                            resent.entry(i).or_insert_with(|| sent[at[&i]].clone());
                        }
                    }
                    next.extend(again);
                }
            }
            if !next.is_empty() {
                if settled_out {
                    let slot = slots[next[0]];
                    return Err(RedisFailure::Server {
                        node: self.node_for_slot(slot).addr.clone(),
                        msg: format!(
                            "slot {slot} kept redirecting for {}s",
                            SETTLE_BUDGET.as_secs()
                        ),
                    }
                    .into());
                }
                if need_wait {
                    tokio::time::sleep(backoff(attempt)).await;
                }
                if need_refresh {
                    self.refresh()
                        .await
                        .context("refreshing the cluster slot map")?;
                }
            }
            pending = next;
        }
        let mut resent: Vec<(usize, Cmd)> = resent.into_iter().collect();
        resent.sort_unstable_by_key(|(i, _)| *i);
        Ok(Tracked {
            replies: results
                .into_iter()
                .map(|v| v.unwrap_or(Value::Nil))
                .collect(),
            resent,
        })
    }
}

/// The server hung up on us (reset, EOF): not a refusal or a failed lookup.
fn closed_by_peer(e: &RedisError) -> bool {
    let text = e.to_string().to_lowercase();
    e.is_connection_dropped()
        && !e.is_connection_refusal()
        && !text.contains("lookup")
        && !text.contains("no such file")
}

/// Replies of [`Redis::batch_tracked`], in input order, and the commands that
/// were re-sent after a dropped connection (by input index, in order).
pub struct Tracked {
    pub replies: Vec<Value>,
    pub resent: Vec<(usize, Cmd)>,
}

fn is_dropped(e: &RedisError) -> bool {
    !e.is_timeout() && (e.is_connection_dropped() || e.is_io_error() || e.is_connection_refusal())
}

/// Map a redis error on `node` to a typed failure.
pub fn failure(node: &str, e: &RedisError, timeout: Duration) -> RedisFailure {
    if e.is_timeout() {
        return RedisFailure::Timeout {
            node: node.to_string(),
            timeout: humantime::format_duration(timeout).to_string(),
        };
    }
    if e.kind() == ErrorKind::Server(ServerErrorKind::NoPerm) || e.code() == Some("NOPERM") {
        return RedisFailure::NoPerm {
            node: node.to_string(),
            msg: describe_error(e),
        };
    }
    if is_auth_error(e) {
        return RedisFailure::Auth {
            url: node.to_string(),
            reason: describe_error(e),
        };
    }
    if is_dropped(e) {
        return RedisFailure::ConnectionLost {
            node: node.to_string(),
            reason: describe_error(e),
        };
    }
    RedisFailure::Server {
        node: node.to_string(),
        msg: describe_error(e),
    }
}

/// Map an error reply found inside a pipeline to a typed failure.
pub fn server_failure(node: &str, e: &redis::ServerError) -> RedisFailure {
    let msg = match e.details() {
        Some(d) => format!("{} {d}", e.code()),
        None => e.code().to_string(),
    };
    if e.code() == "NOPERM" {
        RedisFailure::NoPerm {
            node: node.to_string(),
            msg,
        }
    } else {
        RedisFailure::Server {
            node: node.to_string(),
            msg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction() {
        assert_eq!(redact_url("redis://u:secret@h:1/2"), "redis://u:***@h:1/2");
        assert_eq!(redact_url("redis://:secret@h:1"), "redis://:***@h:1");
        assert_eq!(redact_url("redis://secret@h:1"), "redis://***@h:1");
        assert_eq!(redact_url("redis://h:1"), "redis://h:1");
        assert_eq!(redact_url("rediss://u:p@ss@h"), "rediss://u:***@h");
        assert_eq!(redact_url("redis://u:p@ss/x@h:1"), "redis://u:***@h:1");
        assert!(!redact_url("redis://u:p@ss/x@h:1").contains("ss/x"));
        assert_eq!(
            redact_url("redis+unix:///s?pass=SECRET&db=x"),
            "redis+unix:///s?pass=***&db=x"
        );
        assert_eq!(
            redact_url("app:S3cret@10.0.0.5:6379"),
            "app:***@10.0.0.5:6379"
        );
        assert_eq!(redact_url("S3cret@h"), "***@h");
        assert_eq!(redact_url("redis://u:pa?ss@h"), "redis://***");
        assert_eq!(redact_url("redis://h?pass=a@b"), "redis://***");
        assert_eq!(redact_url("redis://h?SECRET&db=1"), "redis://h?***&db=1");
        assert_eq!(redact_url("plain-host"), "plain-host");
        // A password where the host goes, or after the db, is hidden too.
        assert_eq!(redact_url("redis://pw:S3CRET"), "redis://***");
        assert_eq!(
            redact_url("redis://127.0.0.1:1/;password=S3CRET"),
            "redis://127.0.0.1:1/***"
        );
        assert_eq!(redact_url("redis://[::1]:6379/2"), "redis://[::1]:6379/2");
        assert_eq!(redact_url("redis://h:1/-1"), "redis://h:1/-1");
        assert_eq!(
            redact_url("redis+unix:///run/redis.sock"),
            "redis+unix:///run/redis.sock"
        );
    }

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

    #[test]
    fn lone_userinfo_is_a_password() {
        assert!(lone_userinfo("redis://secret@h:1/0"));
        assert!(!lone_userinfo("redis://u:p@h"));
        assert!(!lone_userinfo("redis://:p@h"));
        assert!(!lone_userinfo("redis://h:1"));
        assert!(!lone_userinfo("redis+unix:///s?pass=x"));
    }

    #[test]
    fn primary_from_info_replication() {
        let info = "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.5\r\nmaster_port:6380\r\n";
        assert_eq!(primary_of(info).as_deref(), Some("10.0.0.5:6380"));
        assert_eq!(primary_of("role:master\r\n"), None);
    }

    #[test]
    fn down_nodes_are_named_with_their_slots() {
        let d = DownNode {
            addr: "10.0.0.7:6379".into(),
            reason: "Connection refused".into(),
            slots: vec![(0, 5460), (6000, 6000)],
        };
        assert_eq!(d.slot_list(), "0-5460,6000");
        let msg = unreachable_failure(std::slice::from_ref(&d)).to_string();
        assert!(
            msg.contains("10.0.0.7:6379") && msg.contains("0-5460,6000"),
            "{msg}"
        );
        let two = unreachable_failure(&[d.clone(), d]).to_string();
        assert!(
            two.contains("keys in those slots were not reached"),
            "{two}"
        );
    }

    #[test]
    fn slots_match_redis() {
        // Values from the Redis Cluster specification and CLUSTER KEYSLOT.
        assert_eq!(slot_of(b"123456789"), 12739);
        assert_eq!(slot_of(b"foo"), 12182);
        assert_eq!(slot_of(b"{user1000}.following"), slot_of(b"user1000"));
        assert_eq!(slot_of(b"foo{}{bar}"), slot_of(b"foo{}{bar}"));
        assert_eq!(slot_of(b"{}foo"), slot_of(b"{}foo"));
    }
}
