//! TLS material made with the `openssl` CLI, and TLS-only test servers.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

use super::server::{RedisServer, ServerSpec};

/// Options for [`RedisServer::start_tls`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TlsOpts {
    /// `--tls-auth-clients yes` instead of `no`.
    pub require_client_cert: bool,
    /// Issue the server certificate for `DNS:wrong.example` only (no
    /// `localhost`, no IP SAN), for hostname-mismatch tests.
    pub wrong_hostname: bool,
}

/// PEM files written by [`generate_tls_files`]. They live in the owning
/// server's (or caller's) temporary directory.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

const OPENSSL_CONFIG: &str = "\
[req]
distinguished_name = req_dn
prompt = no

[req_dn]
CN = cachectl-test

[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[server_ext_wrong_host]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

/// Runs `openssl` in `dir` with whitespace-separated `args` (all file names
/// are relative to `dir`, so none contains spaces).
fn openssl(dir: &Path, args: &str) {
    let output = Command::new("openssl")
        .args(args.split_whitespace())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("spawning `openssl` (is it installed?)");
    assert!(
        output.status.success(),
        "`openssl {args}` in {} failed ({}):\n{}{}",
        dir.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// Generates, with the `openssl` CLI, into `dir`: a CA (`ca.crt`/`ca.key`),
/// a server certificate for `localhost` + IP 127.0.0.1 (or for
/// `wrong.example` only when `wrong_hostname`) and a client certificate, both
/// signed by the CA. Keys are ECDSA P-256 in PKCS#8 PEM.
pub fn generate_tls_files(dir: &Path, wrong_hostname: bool) -> TlsFiles {
    fs::write(dir.join("openssl.cnf"), OPENSSL_CONFIG).expect("writing openssl.cnf");
    let genkey = |key: &str| {
        openssl(
            dir,
            &format!("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {key}"),
        );
    };
    genkey("ca.key");
    openssl(
        dir,
        "req -x509 -new -config openssl.cnf -extensions v3_ca -key ca.key \
         -subj /CN=cachectl-test-ca -sha256 -days 3650 -out ca.crt",
    );
    let issue = |name: &str, subject: &str, extensions: &str, serial: u32| {
        genkey(&format!("{name}.key"));
        openssl(
            dir,
            &format!(
                "req -new -config openssl.cnf -key {name}.key -subj {subject} -out {name}.csr"
            ),
        );
        openssl(
            dir,
            &format!(
                "x509 -req -in {name}.csr -CA ca.crt -CAkey ca.key -set_serial {serial} \
                 -sha256 -days 3650 -extfile openssl.cnf -extensions {extensions} \
                 -out {name}.crt"
            ),
        );
    };
    if wrong_hostname {
        issue("server", "/CN=wrong.example", "server_ext_wrong_host", 2);
    } else {
        issue("server", "/CN=localhost", "server_ext", 2);
    }
    issue("client", "/CN=cachectl-test-client", "client_ext", 3);
    TlsFiles {
        ca: dir.join("ca.crt"),
        server_cert: dir.join("server.crt"),
        server_key: dir.join("server.key"),
        client_cert: dir.join("client.crt"),
        client_key: dir.join("client.key"),
    }
}

impl RedisServer {
    /// A TLS-only server (`--port 0 --tls-port P`) with certificates made by
    /// [`generate_tls_files`] in its directory.
    pub fn start_tls(opts: TlsOpts) -> (Self, TlsFiles) {
        let dir = TempDir::new().expect("creating a temporary directory for redis-server");
        let files = generate_tls_files(dir.path(), opts.wrong_hostname);
        let server = Self::launch_in(
            &ServerSpec {
                tls: Some((files.clone(), opts.require_client_cert)),
                ..ServerSpec::default()
            },
            dir,
        );
        (server, files)
    }
}
