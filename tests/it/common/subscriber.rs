//! A SUBSCRIBE client on a channel whose messages are collected as they
//! arrive, for tests of `--publish`.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::resp::{Conn, Reply};
use super::{wait_until, RedisServer};

pub struct Subscriber {
    text: Arc<Mutex<String>>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

impl Subscriber {
    /// Subscribed once the server has confirmed the subscription.
    pub fn start(server: &RedisServer, channel: &str) -> Subscriber {
        let mut conn = Conn::connect(server.port).expect("subscriber connects");
        if let Some(pass) = &server.admin_pass {
            let auth = conn.call(&[b"AUTH", pass.as_bytes()]);
            assert!(
                matches!(&auth, Ok(r) if r.is_ok()),
                "subscriber AUTH: {auth:?}"
            );
        }
        let confirmed = conn.call(&[b"SUBSCRIBE", channel.as_bytes()]);
        assert!(
            matches!(&confirmed, Ok(Reply::Array(a)) if a.first().and_then(Reply::as_str) == Some("subscribe")),
            "SUBSCRIBE {channel}: {confirmed:?}"
        );
        // Short reads so the reader notices `stop`; a partial reply stays buffered.
        conn.set_read_timeout(Duration::from_millis(100))
            .expect("subscriber read timeout");
        let text = Arc::new(Mutex::new(String::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (sink, stopped) = (text.clone(), stop.clone());
        let reader = std::thread::spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                match conn.read_reply() {
                    Ok(Reply::Array(parts)) if parts.len() == 3 => {
                        if let (Some(payload), Ok(mut t)) = (parts[2].as_bytes(), sink.lock()) {
                            t.push_str(&String::from_utf8_lossy(payload));
                            t.push('\n');
                        }
                    }
                    Ok(_) => {}
                    Err(e)
                        if matches!(
                            e.kind(),
                            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                        ) => {}
                    Err(_) => return,
                }
            }
        });
        Subscriber {
            text,
            stop,
            reader: Some(reader),
        }
    }

    /// The payloads of the messages received so far, one per line.
    pub fn text(&self) -> String {
        self.text.lock().map(|t| t.clone()).unwrap_or_default()
    }

    /// Waits (10 s at most) until what it received satisfies `f`.
    pub fn wait_for(&self, what: &str, f: impl Fn(&str) -> bool) {
        wait_until(Duration::from_secs(10), what, || f(&self.text()));
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}
