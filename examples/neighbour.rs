//! A neighbour client for `bench/impact.sh`: what an application sharing the
//! server feels while cachectl works. It sends one `GET` every interval on its
//! own connection (as an app's request handler would) and, when the stop file
//! appears, prints the latency percentiles of the GETs it sent.
//!
//!     neighbour PORT STOP_FILE [INTERVAL_US]
//!
//! Output, one line: `count p50_ms p99_ms p999_ms max_ms`.

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(port), Some(stop)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: neighbour PORT STOP_FILE [INTERVAL_US]");
        std::process::exit(2);
    };
    let every = Duration::from_micros(args.get(3).and_then(|v| v.parse().ok()).unwrap_or(1000));
    let stream = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap_or(6379)))?;
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let request = b"*2\r\n$3\r\nGET\r\n$13\r\nneighbour:key\r\n";
    let mut took = Vec::with_capacity(1 << 16);
    let mut line = Vec::new();
    let mut next = Instant::now();
    let mut sent = 0u64;
    loop {
        // The stop file is looked for every 100 requests: cheap, prompt enough.
        if sent.is_multiple_of(100) && Path::new(stop).exists() {
            break;
        }
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
        next += every;
        let t0 = Instant::now();
        writer.write_all(request)?;
        // A GET answers `$-1` or `$N` then the value line.
        line.clear();
        reader.read_until(b'\n', &mut line)?;
        if line.starts_with(b"$") && !line.starts_with(b"$-1") {
            line.clear();
            reader.read_until(b'\n', &mut line)?;
        }
        took.push(t0.elapsed());
        sent += 1;
        // Behind schedule (we were blocked): don't burst to catch up.
        if next + every < Instant::now() {
            next = Instant::now();
        }
    }
    took.sort_unstable();
    let pct = |p: f64| -> f64 {
        if took.is_empty() {
            return 0.0;
        }
        let i = ((took.len() as f64 * p).ceil() as usize).clamp(1, took.len()) - 1;
        took[i].as_secs_f64() * 1000.0
    };
    println!(
        "{} {:.3} {:.3} {:.3} {:.3}",
        took.len(),
        pct(0.50),
        pct(0.99),
        pct(0.999),
        pct(1.0)
    );
    Ok(())
}
