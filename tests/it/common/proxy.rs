//! A loopback TCP proxy between cachectl and a redis-server, for faults a real
//! server cannot be made to produce on cue: a reply lost after its command ran,
//! a command lost before it reached the server, a frozen link, a trickle, an
//! error reply the server would not give.
//!
//! It understands just enough RESP (both directions, RESP2 and RESP3) to count
//! commands and match each reply to its command, so a fault hits exactly the
//! Nth command of a given name. Dropped with the test: the listener stops and
//! every open link is shut down.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

// Public as before the split: the framing of the rig's one RESP parser.
pub use super::resp::{command_name, resp_len};

/// What the proxy does to the traffic. Counting for the one-shot faults starts
/// when the mode is set, over all connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Forward everything.
    Forward,
    /// The `nth` (1-based) command named `cmd` is forwarded and runs; once the
    /// server's reply to it has arrived, the connection is closed instead of
    /// forwarding that reply. Then back to `Forward`.
    LoseReply { cmd: String, nth: usize },
    /// The `nth` command named `cmd` is not forwarded: the connection is closed
    /// before it reaches the server. Then back to `Forward`.
    DropBefore { cmd: String, nth: usize },
    /// Nothing is forwarded in either direction until the mode changes.
    Freeze,
    /// Replies are forwarded `bytes` at a time, `delay` apart.
    Trickle { bytes: usize, delay: Duration },
    /// The next `times` commands named `cmd` are not forwarded but answered
    /// with the error reply `error` (e.g. `TRYAGAIN ...`, `CLUSTERDOWN ...`,
    /// which a test server does not produce on cue), in reply order so
    /// pipelines stay matched. Then back to `Forward`.
    ErrorReply {
        cmd: String,
        error: String,
        times: usize,
    },
}

struct Shared {
    mode: Mutex<(Mode, usize)>,
    changed: Condvar,
    fired: AtomicUsize,
    stop: AtomicBool,
    links: Mutex<Vec<TcpStream>>,
}

impl Shared {
    fn mode(&self) -> Mode {
        self.mode
            .lock()
            .map(|m| m.0.clone())
            .unwrap_or(Mode::Forward)
    }

    /// Block while frozen (or until the proxy stops).
    fn wait_thawed(&self) {
        let Ok(mut g) = self.mode.lock() else { return };
        while g.0 == Mode::Freeze && !self.stop.load(Ordering::SeqCst) {
            g = match self.changed.wait_timeout(g, Duration::from_millis(100)) {
                Ok((g, _)) => g,
                Err(_) => return,
            };
        }
    }
}

/// A running proxy on 127.0.0.1 in front of `127.0.0.1:target`.
pub struct Proxy {
    pub port: u16,
    shared: Arc<Shared>,
}

impl Proxy {
    pub fn start(target: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy bind");
        let port = listener.local_addr().expect("proxy addr").port();
        let shared = Arc::new(Shared {
            mode: Mutex::new((Mode::Forward, 0)),
            changed: Condvar::new(),
            fired: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            links: Mutex::new(Vec::new()),
        });
        let s = shared.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                link(client, server, s.clone());
            }
        });
        Proxy { port, shared }
    }

    /// `redis://127.0.0.1:PORT` of the proxy.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn set_mode(&self, mode: Mode) {
        if let Ok(mut g) = self.shared.mode.lock() {
            *g = (mode, 0);
        }
        self.shared.changed.notify_all();
    }

    /// How many faults (lost replies, dropped commands, injected errors) have
    /// happened.
    pub fn fired(&self) -> usize {
        self.shared.fired.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.shared.changed.notify_all();
        if let Ok(links) = self.shared.links.lock() {
            for l in links.iter() {
                let _ = l.shutdown(Shutdown::Both);
            }
        }
        // Wake the accept loop so it sees `stop`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Per-link bookkeeping shared by its two directions.
#[derive(Default)]
struct Link {
    /// Commands forwarded to the server so far.
    sent: usize,
    /// Index (0-based, in forwarding order) of the command whose reply is to be lost.
    lose_at: Option<usize>,
    /// Replies owed to the client, in order: `None` is the server's next
    /// reply, `Some` an injected one.
    owed: VecDeque<Option<Vec<u8>>>,
}

fn link(client: TcpStream, server: TcpStream, shared: Arc<Shared>) {
    let (Ok(c2), Ok(c3), Ok(s2)) = (client.try_clone(), client.try_clone(), server.try_clone())
    else {
        return;
    };
    if let Ok(mut links) = shared.links.lock() {
        for s in [&client, &server] {
            if let Ok(c) = s.try_clone() {
                links.push(c);
            }
        }
    }
    let state = Arc::new(Mutex::new(Link::default()));
    let Ok(pair) = client
        .try_clone()
        .and_then(|c| Ok((c, server.try_clone()?)))
    else {
        return;
    };
    let close = Closer(Arc::new(pair));
    let close2 = Closer(close.0.clone());
    let (sh_up, st_up) = (shared.clone(), state.clone());
    thread::spawn(move || upstream(client, s2, c3, sh_up, st_up, close));
    thread::spawn(move || downstream(server, c2, shared, state, close2));
}

/// Shuts both sides of a link down (either direction may decide to).
struct Closer(Arc<(TcpStream, TcpStream)>);

impl Closer {
    fn close(&self) {
        let _ = self.0 .0.shutdown(Shutdown::Both);
        let _ = self.0 .1.shutdown(Shutdown::Both);
    }
}

/// What happens to one command on its way to the server.
enum Fate {
    Forward,
    Drop,
    Answer(Vec<u8>),
}

/// Client → server: count commands, apply the command-side faults.
fn upstream(
    mut from: TcpStream,
    mut to: TcpStream,
    mut client: TcpStream,
    shared: Arc<Shared>,
    state: Arc<Mutex<Link>>,
    close: Closer,
) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut out = Vec::new();
        while let Some(len) = resp_len(&buf) {
            let name = command_name(&buf[..len]);
            shared.wait_thawed();
            let mut fate = Fate::Forward;
            if let (Ok(mut m), Ok(mut st)) = (shared.mode.lock(), state.lock()) {
                let (mode, seen) = &mut *m;
                match mode.clone() {
                    Mode::LoseReply { cmd, nth } if cmd.eq_ignore_ascii_case(&name) => {
                        *seen += 1;
                        if *seen == nth {
                            st.lose_at = Some(st.sent);
                            *mode = Mode::Forward;
                        }
                    }
                    Mode::DropBefore { cmd, nth } if cmd.eq_ignore_ascii_case(&name) => {
                        *seen += 1;
                        if *seen == nth {
                            fate = Fate::Drop;
                            *mode = Mode::Forward;
                        }
                    }
                    Mode::ErrorReply { cmd, error, times } if cmd.eq_ignore_ascii_case(&name) => {
                        *seen += 1;
                        if *seen <= times {
                            fate = Fate::Answer(format!("-{error}\r\n").into_bytes());
                        }
                        if *seen >= times {
                            *mode = Mode::Forward;
                        }
                    }
                    _ => {}
                }
                match &fate {
                    Fate::Forward => {
                        st.sent += 1;
                        st.owed.push_back(None);
                    }
                    Fate::Answer(error) => {
                        shared.fired.fetch_add(1, Ordering::SeqCst);
                        if st.owed.is_empty() {
                            // Nothing is in flight: the answer is next in line
                            // (written under the link lock, as downstream writes).
                            if client.write_all(error).is_err() {
                                close.close();
                                return;
                            }
                        } else {
                            st.owed.push_back(Some(error.clone()));
                        }
                        buf.drain(..len);
                        continue;
                    }
                    Fate::Drop => {}
                }
            }
            if matches!(fate, Fate::Drop) {
                // What came before it still goes; it and the rest do not.
                let _ = to.write_all(&out);
                shared.fired.fetch_add(1, Ordering::SeqCst);
                close.close();
                return;
            }
            out.extend(buf.drain(..len));
        }
        if to.write_all(&out).is_err() {
            break;
        }
    }
    close.close();
}

/// Server → client: match replies to commands, apply the reply-side faults.
fn downstream(
    mut from: TcpStream,
    mut to: TcpStream,
    shared: Arc<Shared>,
    state: Arc<Mutex<Link>>,
    close: Closer,
) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    let mut replied = 0usize;
    loop {
        let n = match from.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        shared.wait_thawed();
        let mode = shared.mode();
        // Held until written, so an answer injected upstream cannot overtake
        // the replies before it.
        let Ok(mut st) = state.lock() else { break };
        let mut out = Vec::new();
        while let Some(len) = resp_len(&buf) {
            // Out-of-band pushes answer no command.
            if buf[0] != b'>' {
                if st.lose_at == Some(replied) {
                    // The replies before it still arrive; this one never does.
                    let _ = to.write_all(&out);
                    shared.fired.fetch_add(1, Ordering::SeqCst);
                    close.close();
                    return;
                }
                replied += 1;
                st.owed.pop_front();
            }
            out.extend(buf.drain(..len));
            while let Some(Some(_)) = st.owed.front() {
                if let Some(Some(answer)) = st.owed.pop_front() {
                    out.extend(answer);
                }
            }
        }
        let sent = match mode {
            Mode::Trickle { bytes, delay } => out.chunks(bytes.max(1)).all(|piece| {
                thread::sleep(delay);
                to.write_all(piece).is_ok()
            }),
            _ => to.write_all(&out).is_ok(),
        };
        drop(st);
        if !sent {
            break;
        }
    }
    close.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::{cachectl, RedisServer};

    #[test]
    fn forwards_freezes_and_trickles() {
        let s = RedisServer::start();
        s.call(&[b"SET", b"px:k", b"hello"]);
        let proxy = Proxy::start(s.port);
        let get = |timeout: &str| {
            cachectl()
                .args(["--url", &proxy.url(), "--timeout", timeout, "get", "px:k"])
                .output()
                .expect("run")
        };
        assert_eq!(get("5s").stdout, b"hello");
        proxy.set_mode(Mode::Trickle {
            bytes: 1,
            delay: Duration::from_millis(1),
        });
        assert_eq!(get("5s").stdout, b"hello", "a trickle still delivers");
        proxy.set_mode(Mode::Freeze);
        let frozen = get("300ms");
        assert_eq!(frozen.status.code(), Some(3), "a frozen link times out");
        proxy.set_mode(Mode::Forward);
        assert_eq!(get("5s").stdout, b"hello");
    }

    #[test]
    fn a_lost_reply_ran_on_the_server() {
        let s = RedisServer::start();
        let proxy = Proxy::start(s.port);
        proxy.set_mode(Mode::LoseReply {
            cmd: "SET".into(),
            nth: 1,
        });
        let out = cachectl()
            .args(["--url", &proxy.url(), "set", "px:lost", "v"])
            .output()
            .expect("run");
        assert_eq!(proxy.fired(), 1);
        assert_eq!(s.call(&[b"GET", b"px:lost"]).as_bytes(), Some(&b"v"[..]));
        // SET is not re-sent after a drop unless it is idempotent; either way it ran once.
        assert!(out.status.code().is_some());
    }
}
