//! The rig's one RESP encoder and parser: the test client ([`Conn`],
//! [`RedisServer::call`](super::RedisServer::call)) and the fault proxy
//! (framing both directions, RESP2 and RESP3) both use [`encode`] and
//! [`parse`].

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// A RESP2 reply, as returned by [`RedisServer::call`](super::RedisServer::call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Vec<u8>),
    Array(Vec<Reply>),
    /// Null bulk string or null array.
    Nil,
    /// A frame the test client does not decode (RESP3-only types, inline
    /// commands), as its raw bytes: the proxy only needs its extent.
    Other(Vec<u8>),
}

impl Reply {
    /// True for the `+OK` status reply.
    pub fn is_ok(&self) -> bool {
        matches!(self, Reply::Status(s) if s == "OK")
    }

    /// Bytes of a bulk string or status reply.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Reply::Bulk(b) => Some(b),
            Reply::Status(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// A bulk string or status reply as UTF-8 text.
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Reply::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Reply]> {
        match self {
            Reply::Array(items) => Some(items),
            _ => None,
        }
    }
}

/// RESP encoding of one command (an array of bulk strings).
pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut buf = Vec::new();
    encode_into(&mut buf, args);
    buf
}

/// [`encode`], appended to `buf` (for pipelines).
pub fn encode_into(buf: &mut Vec<u8>, args: &[&[u8]]) {
    buf.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for arg in args {
        buf.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        buf.extend_from_slice(arg);
        buf.extend_from_slice(b"\r\n");
    }
}

/// The first complete RESP value in `buf` and its length in bytes; `None`
/// while it is incomplete. Malformed input is read as one line, so a proxy
/// keeps forwarding what it does not understand.
pub fn parse(buf: &[u8]) -> Option<(Reply, usize)> {
    parse_at(buf, 0)
}

/// Length of the first complete RESP value in `buf`, `None` if incomplete.
pub fn resp_len(buf: &[u8]) -> Option<usize> {
    parse(buf).map(|(_, len)| len)
}

/// The first element of a command array, upper-cased ("" if none).
pub fn command_name(cmd: &[u8]) -> String {
    match parse(cmd) {
        Some((Reply::Array(items), _)) => items
            .first()
            .and_then(Reply::as_bytes)
            .map(|name| String::from_utf8_lossy(name).to_ascii_uppercase())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn line_end(buf: &[u8], at: usize) -> Option<usize> {
    buf.get(at..)?
        .windows(2)
        .position(|w| w == b"\r\n")
        .map(|p| at + p + 2)
}

fn parse_at(buf: &[u8], at: usize) -> Option<(Reply, usize)> {
    let kind = *buf.get(at)?;
    let end = line_end(buf, at)?;
    let text = String::from_utf8_lossy(&buf[at + 1..end - 2]).into_owned();
    let number = text.parse::<i64>().ok();
    let raw = |stop: usize| Reply::Other(buf[at..stop].to_vec());
    match (kind, number) {
        (b'+', _) => Some((Reply::Status(text), end)),
        (b'-', _) => Some((Reply::Error(text), end)),
        (b':', Some(n)) => Some((Reply::Int(n), end)),
        (b'$' | b'!' | b'=', Some(n)) => {
            let Ok(len) = usize::try_from(n) else {
                return Some((Reply::Nil, end));
            };
            let stop = end + len + 2;
            if buf.len() < stop {
                return None;
            }
            let value = if kind == b'$' {
                Reply::Bulk(buf[end..end + len].to_vec())
            } else {
                raw(stop)
            };
            Some((value, stop))
        }
        (b'*' | b'~' | b'>' | b'%' | b'|', Some(n)) => {
            let Ok(count) = usize::try_from(n) else {
                return Some((Reply::Nil, end));
            };
            let items = if matches!(kind, b'%' | b'|') {
                count * 2
            } else {
                count
            };
            let mut pos = end;
            let mut values = Vec::with_capacity(items.min(1024));
            for _ in 0..items {
                let (value, next) = parse_at(buf, pos)?;
                values.push(value);
                pos = next;
            }
            match kind {
                b'*' => Some((Reply::Array(values), pos)),
                // An attribute comes before the value it describes.
                b'|' => parse_at(buf, pos).map(|(_, stop)| (raw(stop), stop)),
                _ => Some((raw(pos), pos)),
            }
        }
        // RESP3 scalars (null, double, boolean, big number), inline commands
        // and anything malformed: one line.
        _ => Some((raw(end), end)),
    }
}

/// A client connection to 127.0.0.1:`port` that keeps its read buffer, for
/// tests that pipeline commands on one connection (neighbour clients,
/// concurrent writers). Plain TCP only.
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// Connects (2 s at most) with 30 s read/write timeouts.
    pub fn connect(port: u16) -> io::Result<Conn> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        stream.set_write_timeout(Some(Duration::from_secs(30)))?;
        Ok(Conn {
            stream,
            buf: Vec::new(),
        })
    }

    /// Overrides the read timeout (e.g. for a server blocked by a script).
    pub fn set_read_timeout(&self, timeout: Duration) -> io::Result<()> {
        self.stream.set_read_timeout(Some(timeout))
    }

    /// Writes one command without waiting for its reply.
    pub fn send(&mut self, args: &[&[u8]]) -> io::Result<()> {
        self.stream.write_all(&encode(args))
    }

    /// The next reply on the connection.
    pub fn read_reply(&mut self) -> io::Result<Reply> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if let Some((reply, len)) = parse(&self.buf) {
                self.buf.drain(..len);
                return match reply {
                    Reply::Other(raw) => Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "unsupported reply {:?} (RESP3 is not supported)",
                            String::from_utf8_lossy(&raw)
                        ),
                    )),
                    reply => Ok(reply),
                };
            }
            let n = match self.stream.read(&mut chunk) {
                // A signal to the test process (a child exiting) interrupted
                // the wait; nothing was read, so waiting again is safe.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => other?,
            };
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed in the middle of a reply",
                ));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// One command and its reply.
    pub fn call(&mut self, args: &[&[u8]]) -> io::Result<Reply> {
        self.send(args)?;
        self.read_reply()
    }
}

/// One command on a fresh connection, authenticating as `default` first if
/// `password` is given.
pub(super) fn call_once(port: u16, password: Option<&str>, args: &[&[u8]]) -> io::Result<Reply> {
    let mut conn = Conn::connect(port)?;
    // AUTH and the command go out together: one round trip.
    let mut request = Vec::new();
    if let Some(password) = password {
        encode_into(&mut request, &[b"AUTH", password.as_bytes()]);
    }
    encode_into(&mut request, args);
    conn.stream.write_all(&request)?;
    if password.is_some() {
        let auth = conn.read_reply()?;
        if !auth.is_ok() {
            return Err(io::Error::other(format!("AUTH failed: {auth:?}")));
        }
    }
    conn.read_reply()
}

/// A command line for messages: arguments joined by spaces.
pub(super) fn display_args(args: &[&[u8]]) -> String {
    args.iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_resp2_and_resp3() {
        assert_eq!(resp_len(b"+OK\r\n"), Some(5));
        assert_eq!(resp_len(b":12\r\n+x"), Some(5));
        assert_eq!(resp_len(b"$3\r\nab"), None);
        assert_eq!(resp_len(b"$3\r\nabc\r\n"), Some(9));
        assert_eq!(resp_len(b"$-1\r\n"), Some(5));
        assert_eq!(resp_len(b"*2\r\n$1\r\na\r\n:1\r\n"), Some(15));
        assert_eq!(resp_len(b"*2\r\n$1\r\na\r\n"), None);
        assert_eq!(resp_len(b"%1\r\n+a\r\n:1\r\n"), Some(12));
        assert_eq!(resp_len(b"|1\r\n+a\r\n:1\r\n+v\r\n"), Some(16));
        assert_eq!(resp_len(b"PING\r\n"), Some(6));
        assert_eq!(command_name(b"*2\r\n$6\r\nunlink\r\n$1\r\nk\r\n"), "UNLINK");
    }

    #[test]
    fn decodes_what_it_encodes() {
        let bytes = encode(&[b"SET", b"k\r\n\x00", b""]);
        assert_eq!(
            parse(&bytes),
            Some((
                Reply::Array(vec![
                    Reply::Bulk(b"SET".to_vec()),
                    Reply::Bulk(b"k\r\n\x00".to_vec()),
                    Reply::Bulk(Vec::new()),
                ]),
                bytes.len()
            ))
        );
        assert_eq!(parse(b"*-1\r\n"), Some((Reply::Nil, 5)));
        assert_eq!(
            parse(b"-ERR x\r\n"),
            Some((Reply::Error("ERR x".into()), 8))
        );
    }
}
