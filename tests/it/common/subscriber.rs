//! A `redis-cli SUBSCRIBE` on a channel whose output is collected as it
//! arrives, for tests of `--publish`.

use std::io::Read as _;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{wait_until, RedisServer};

pub struct Subscriber {
    child: Child,
    text: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
}

impl Subscriber {
    /// Subscribed once the server counts it on `channel`.
    pub fn start(server: &RedisServer, channel: &str) -> Subscriber {
        let mut cmd = server.cli_cmd();
        cmd.args(["SUBSCRIBE", channel]).stdout(Stdio::piped());
        let mut child = cmd.spawn().expect("spawning the subscriber");
        let mut stdout = child.stdout.take().expect("subscriber stdout");
        let text = Arc::new(Mutex::new(String::new()));
        let sink = text.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut t) = sink.lock() {
                    t.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        wait_until(Duration::from_secs(10), "subscriber ready", || {
            server.cli(&["PUBSUB", "NUMSUB", channel]).lines().nth(1) == Some("1")
        });
        Subscriber {
            child,
            text,
            reader: Some(reader),
        }
    }

    /// What it printed so far.
    pub fn text(&self) -> String {
        self.text.lock().map(|t| t.clone()).unwrap_or_default()
    }

    /// Waits (10 s at most) until what it printed satisfies `f`.
    pub fn wait_for(&self, what: &str, f: impl Fn(&str) -> bool) {
        wait_until(Duration::from_secs(10), what, || f(&self.text()));
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}
