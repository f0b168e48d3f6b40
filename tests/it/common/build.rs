//! Which server build the suite runs against (`REDIS_SERVER_BIN`): its name,
//! version and whether it has TLS, so the rig passes only flags it knows and
//! tests that need a feature the build lacks say so instead of failing.

use std::ffi::OsString;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub struct ServerBuild {
    /// `redis` or `valkey`.
    pub name: String,
    pub version: (u32, u32, u32),
    pub tls: bool,
}

impl ServerBuild {
    /// At least `major.minor`.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.version.0, self.version.1) >= (major, minor)
    }

    /// `--enable-debug-command` and `--cluster-port` came with Redis 7.0.
    pub fn has_config_7(&self) -> bool {
        self.name == "valkey" || self.at_least(7, 0)
    }
}

pub fn server_bin() -> OsString {
    std::env::var_os("REDIS_SERVER_BIN").unwrap_or_else(|| "redis-server".into())
}

/// The build under test, asked once per test process.
pub fn server_build() -> &'static ServerBuild {
    static BUILD: OnceLock<ServerBuild> = OnceLock::new();
    BUILD.get_or_init(|| {
        let bin = server_bin();
        let out = Command::new(&bin)
            .arg("--version")
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "running {} --version failed (installed? set REDIS_SERVER_BIN): {e}",
                    bin.to_string_lossy()
                )
            });
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (name, version) = parse_version_line(&text)
            .unwrap_or_else(|| panic!("unrecognised `--version` output: {text:?}"));
        ServerBuild {
            name,
            version,
            tls: probe_tls(&bin),
        }
    })
}

/// `Redis server v=7.0.15 sha=…` or `Valkey server v=8.1.8 …`.
fn parse_version_line(text: &str) -> Option<(String, (u32, u32, u32))> {
    let name = text.split_whitespace().next()?.to_ascii_lowercase();
    let v = text.split_whitespace().find_map(|w| w.strip_prefix("v="))?;
    let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
    let version = (
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    );
    Some((name, version))
}

/// A build without TLS refuses a TLS port at start-up; one with it fails later
/// on the missing certificate. Either way the probe exits at once.
fn probe_tls(bin: &OsString) -> bool {
    let port = super::free_port();
    let out = Command::new(bin)
        .args(["--port", "0", "--save", "", "--tls-port"])
        .arg(port.to_string())
        .args(["--tls-cert-file", "/nonexistent/cert.pem"])
        .args(["--tls-key-file", "/nonexistent/key.pem"])
        .stdin(Stdio::null())
        .output();
    match out {
        Ok(out) => {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            !(text.contains("Failed finding TLS support") || text.contains("Bad directive"))
        }
        Err(_) => false,
    }
}

/// Skips the calling test, with a notice on stderr, when the build under
/// test has no TLS.
#[macro_export]
macro_rules! require_tls {
    () => {
        if !$crate::common::build::server_build().tls {
            eprintln!("notice: skipped: the server build under test has no TLS support");
            return;
        }
    };
}

#[cfg(test)]
mod tests {
    use super::parse_version_line;

    #[test]
    fn version_lines_of_each_build() {
        assert_eq!(
            parse_version_line("Redis server v=6.0.9 sha=00000000:0 malloc=jemalloc-5.1.0"),
            Some(("redis".into(), (6, 0, 9)))
        );
        assert_eq!(
            parse_version_line("Valkey server v=9.1.2 sha=00000000:1 malloc=libc bits=64"),
            Some(("valkey".into(), (9, 1, 2)))
        );
        assert_eq!(parse_version_line("garbage"), None);
    }
}
