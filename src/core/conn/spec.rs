//! Where and how to connect: the validated spec, redaction of secrets, TLS
//! material, and opening one connection.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{
    AsyncConnectionConfig, Client, ClientTlsConfig, ConnectionAddr, ConnectionInfo,
    IntoConnectionInfo, RedisConnectionInfo, RedisError, TlsCertificates,
};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{usage, RedisFailure};

use super::decide::backoff;
use super::errors::{closed_by_peer, connect_failure, describe_error};
use super::redact::redact_url;
use super::sentinel::{sentinels_from_args, Sentinels};

/// Connection settings as given (flags, URL, environment), before they are
/// validated into a [`ConnSpec`]. No `Debug`: it holds passwords.
#[derive(Clone, Default)]
pub struct ConnOptions {
    /// `redis://…`, `rediss://…`, `redis+unix://…` or `redis+sentinel://…`;
    /// `redis://127.0.0.1:6379` when none.
    pub url: Option<String>,
    /// Override the URL's host, port and database.
    pub host: Option<String>,
    pub port: Option<u16>,
    pub db: Option<i64>,
    pub user: Option<String>,
    /// Wins over the URL's password.
    pub password: Option<String>,
    /// Used only when neither `password` nor the URL gives one.
    pub env_password: Option<String>,
    pub tls: bool,
    pub insecure: bool,
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub timeout: Duration,
    pub sentinels: Vec<String>,
    pub master: Option<String>,
    pub sentinel_user: Option<String>,
    pub sentinel_pass: Option<String>,
}

/// Where and how to connect, validated from flags and environment.
#[derive(Clone)]
pub struct ConnSpec {
    pub(super) seed: ConnectionInfo,
    pub(super) tls: Option<TlsCertificates>,
    /// Set when the master is found through Sentinel: `seed` then carries the
    /// data node's settings (auth, db, TLS) but not its address.
    pub(super) sentinel: Option<Arc<Sentinels>>,
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

/// The message of a URL parse error, without the crate's `- Kind` suffix.
pub(super) fn url_error(e: &RedisError) -> String {
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
pub(super) fn lone_userinfo(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| !userinfo.is_empty() && !userinfo.contains(':'))
}

pub(super) fn read_pem(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| usage(format!("cannot read {what} {}: {e}", path.display())))
}

/// The certificates of a PEM file, each parsed: a file that holds none (a key,
/// junk, DER) is bad input here, not a TLS failure blamed on the server later.
pub(super) fn read_certs(
    path: &Path,
    what: &str,
) -> anyhow::Result<(Vec<u8>, Vec<CertificateDer<'static>>)> {
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
pub(super) fn read_client_pair(
    cert_path: &Path,
    key_path: &Path,
) -> anyhow::Result<ClientTlsConfig> {
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

impl ConnSpec {
    /// Validate the connection settings. Errors here are usage errors (exit 2).
    pub fn new(g: &ConnOptions) -> anyhow::Result<Self> {
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
        tls_on |= g.tls || g.cacert.is_some() || g.cert.is_some() || g.key.is_some();
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
        let password = if let Some(p) = &g.password {
            Some(p.clone())
        } else if settings.password().is_some() {
            None
        } else {
            g.env_password.clone()
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
            let client_tls = match (&g.cert, &g.key) {
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

    /// Another server with this spec's credentials, TLS settings and timeout
    /// (a Redlock node): the URL gives the address and database, and the user
    /// or password when it has them.
    pub fn with_url(&self, url: &str) -> anyhow::Result<ConnSpec> {
        let shown = redact_url(url);
        if url.starts_with("redis+sentinel://") || !url.contains("://") {
            return Err(usage(format!(
                "'{shown}' is not a server URL: expected redis://host:port[/db], rediss://… or redis+unix:///path"
            )));
        }
        let info = url
            .into_connection_info()
            .map_err(|e| usage(format!("bad URL '{shown}': {}", url_error(&e))))?;
        let mut settings = info.redis_settings().clone();
        if !matches!(settings.protocol(), redis::ProtocolVersion::RESP2) {
            return Err(usage(format!(
                "'{shown}' asks for RESP3, which cachectl does not speak yet: drop ?protocol=resp3"
            )));
        }
        if settings.db() < 0 {
            return Err(usage(format!(
                "database {} in '{shown}': database numbers are 0 or more",
                settings.db()
            )));
        }
        if lone_userinfo(url) && settings.password().is_none() {
            // The crate reads `redis://secret@host` as a user name.
            if let Some(secret) = settings.username().map(str::to_string) {
                settings = RedisConnectionInfo::default()
                    .set_db(settings.db())
                    .set_protocol(settings.protocol())
                    .set_password(secret);
            }
        }
        // What the URL leaves out comes from this spec, as `--user`/`--pass`
        // apply to every server.
        let ours = self.seed.redis_settings();
        if let (None, Some(u)) = (settings.username(), ours.username()) {
            settings = settings.set_username(u);
        }
        if let (None, Some(p)) = (settings.password(), ours.password()) {
            settings = settings.set_password(p);
        }
        settings = settings.set_lib_name("cachectl", env!("CARGO_PKG_VERSION"));
        let insecure = matches!(
            self.seed.addr(),
            ConnectionAddr::TcpTls { insecure: true, .. }
        );
        let (addr, tls) = match info.addr() {
            ConnectionAddr::Tcp(host, port) | ConnectionAddr::TcpTls { host, port, .. }
                if self.tls.is_some() || matches!(info.addr(), ConnectionAddr::TcpTls { .. }) =>
            {
                let addr = ConnectionAddr::TcpTls {
                    host: host.clone(),
                    port: *port,
                    insecure: insecure
                        || matches!(info.addr(), ConnectionAddr::TcpTls { insecure: true, .. }),
                    tls_params: None,
                };
                let certs = self.tls.clone().unwrap_or(TlsCertificates {
                    client_tls: None,
                    root_cert: None,
                });
                (addr, Some(certs))
            }
            other => (other.clone(), None),
        };
        let info = info.set_addr(addr).set_redis_settings(settings);
        Ok(ConnSpec {
            display_url: describe(&info),
            seed: info,
            tls,
            sentinel: None,
            timeout: self.timeout,
        })
    }

    /// The seed's settings (auth, db, TLS) at another address: a cluster node.
    pub(super) fn info_for(&self, host: &str, port: u16) -> ConnectionInfo {
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
    pub(super) fn sentinel_info(&self, s: &Sentinels, host: &str, port: u16) -> ConnectionInfo {
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

    pub(super) fn client(&self, info: ConnectionInfo) -> Result<Client, RedisError> {
        match &self.tls {
            Some(certs) => Client::build_with_tls(info, certs.clone()),
            None => Client::open(info),
        }
    }

    pub(super) async fn open(
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
            Ok(Err(e)) if tls && not_tls(&e) => Err(RedisFailure::Unreachable {
                url: label.to_string(),
                // rustls's words ("corrupt message of type InvalidContentType") say nothing to a user.
                reason: "the endpoint did not answer in TLS: if it is a plain port, use redis:// without --tls".into(),
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
pub(super) fn describe(info: &ConnectionInfo) -> String {
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

/// The TLS handshake got bytes that are no TLS record (a plain server or
/// another protocol answered): rustls's `InvalidMessage`, inside the I/O error.
fn not_tls(e: &RedisError) -> bool {
    use std::error::Error as _;
    let io = e
        .source()
        .and_then(|s| s.downcast_ref::<Arc<dyn std::error::Error + Send + Sync>>())
        .and_then(|inner| inner.downcast_ref::<std::io::Error>());
    matches!(
        io.and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>()),
        Some(rustls::Error::InvalidMessage(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_userinfo_is_a_password() {
        assert!(lone_userinfo("redis://secret@h:1/0"));
        assert!(!lone_userinfo("redis://u:p@h"));
        assert!(!lone_userinfo("redis://:p@h"));
        assert!(!lone_userinfo("redis://h:1"));
        assert!(!lone_userinfo("redis+unix:///s?pass=x"));
    }

    fn spec(o: ConnOptions) -> ConnSpec {
        match ConnSpec::new(&o) {
            Ok(s) => s,
            Err(e) => panic!("{e:#}"),
        }
    }

    #[test]
    fn another_server_keeps_the_credentials_and_tls() {
        let base = spec(ConnOptions {
            url: Some("redis://app:S3CRET@10.0.0.1:7000/3".into()),
            timeout: Duration::from_secs(5),
            ..ConnOptions::default()
        });
        let node = match base.with_url("redis://10.0.0.2:7001") {
            Ok(s) => s,
            Err(e) => panic!("{e:#}"),
        };
        assert_eq!(node.display_url, "redis://app:***@10.0.0.2:7001");
        assert_eq!(node.seed.redis_settings().password(), Some("S3CRET"));
        assert_eq!(node.timeout, base.timeout);
        // The node's own credentials win.
        let own = match base.with_url("redis://other:PW@10.0.0.3:7002/1") {
            Ok(s) => s,
            Err(e) => panic!("{e:#}"),
        };
        assert_eq!(own.seed.redis_settings().username(), Some("other"));
        assert_eq!(own.seed.redis_settings().password(), Some("PW"));
        assert_eq!(own.display_url, "redis://other:***@10.0.0.3:7002/1");
        // A password alone goes with this spec's user.
        let pw = match base.with_url("redis://:PW2@10.0.0.4:7003") {
            Ok(s) => s,
            Err(e) => panic!("{e:#}"),
        };
        assert_eq!(pw.seed.redis_settings().username(), Some("app"));
        assert_eq!(pw.seed.redis_settings().password(), Some("PW2"));
        // TLS carries over to a redis:// node.
        let tls = spec(ConnOptions {
            url: Some("rediss://10.0.0.1:7000".into()),
            insecure: true,
            timeout: Duration::from_secs(5),
            ..ConnOptions::default()
        });
        let node = match tls.with_url("redis://10.0.0.2:7001") {
            Ok(s) => s,
            Err(e) => panic!("{e:#}"),
        };
        assert!(node.tls.is_some());
        assert!(matches!(
            node.seed.addr(),
            ConnectionAddr::TcpTls { insecure: true, .. }
        ));
        for bad in ["10.0.0.2:7001", "redis+sentinel://h:1/m", "redis://h:1/-1"] {
            assert!(base.with_url(bad).is_err(), "{bad}");
        }
    }
}
