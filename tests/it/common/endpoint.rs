//! A loopback TCP endpoint that is not Redis: it answers every connection
//! with fixed bytes (an HTTP error, say) and hangs up, as a web server or a
//! wrong port does. Dropped with the test: the listener stops.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

pub struct FakeEndpoint {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl FakeEndpoint {
    /// Listen on 127.0.0.1; each client gets `answer` after its first bytes
    /// (or after a short wait when it sends none), then the connection closes.
    pub fn answering(answer: &'static [u8]) -> Self {
        let listener = TcpListener::bind((super::HOST, 0)).expect("binding a test listener");
        let port = listener.local_addr().expect("listener address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_millis(500)));
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(answer);
            }
        });
        FakeEndpoint {
            port,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("redis://{}:{}", super::HOST, self.port)
    }
}

impl Drop for FakeEndpoint {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect((super::HOST, self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
