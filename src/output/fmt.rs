//! One way to show numbers to a person: counts with thousands separators,
//! durations the way the flags take them (`250ms`, `1.5s`, `2m 5s`), rates
//! without false precision, bytes in binary units. JSON never goes through here.

use std::time::Duration;

/// `20763` → `20,763`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Signed counts (a TTL of -1, a delta).
pub fn signed(n: i64) -> String {
    if n < 0 {
        format!("-{}", count(n.unsigned_abs()))
    } else {
        count(n as u64)
    }
}

/// A duration in milliseconds as a person reads it: `0.42ms`, `250ms`, `1.5s`,
/// `59.9s`, `2m 5s`, `3h 20m`, `2d 4h`. Sub-millisecond and sub-minute values
/// keep one or two decimals, where they matter (latencies, retry-after).
pub fn ms(ms: f64) -> String {
    if !ms.is_finite() {
        return "-".into();
    }
    let sign = if ms < 0.0 { "-" } else { "" };
    let a = ms.abs();
    if a < 1.0 && a > 0.0 {
        return format!("{sign}{a:.2}ms");
    }
    if a < 10.0 && a.fract() != 0.0 {
        return format!("{sign}{a:.1}ms");
    }
    if a < 1000.0 {
        return format!("{sign}{a:.0}ms");
    }
    // Round first, so that 59.98s reads "1m" like 60s does, not "60.0s".
    let tenths = (a / 100.0).round();
    if tenths < 600.0 {
        let secs = tenths / 10.0;
        return if tenths % 10.0 == 0.0 {
            format!("{sign}{secs:.0}s")
        } else {
            format!("{sign}{secs:.1}s")
        };
    }
    let secs = (a / 1000.0).round() as u64;
    format!("{sign}{}", coarse(secs))
}

/// Whole milliseconds (TTLs, elapsed times).
pub fn ms_int(v: i64) -> String {
    ms(v as f64)
}

pub fn duration(d: Duration) -> String {
    ms(d.as_secs_f64() * 1000.0)
}

/// The two largest units of a duration in seconds: `2m 5s`, `3h 20m`, `2d 4h`.
fn coarse(secs: u64) -> String {
    const UNITS: [(u64, &str); 4] = [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")];
    let mut parts = Vec::new();
    let mut left = secs;
    for (size, name) in UNITS {
        if left >= size || (!parts.is_empty() && parts.len() < 2) {
            let n = left / size;
            left %= size;
            if n > 0 {
                parts.push(format!("{n}{name}"));
            } else if !parts.is_empty() {
                // A zero after a larger unit ends the reading: `2h`, not `2h 0m`.
                break;
            }
        }
        if parts.len() == 2 {
            break;
        }
    }
    if parts.is_empty() {
        "0s".into()
    } else {
        parts.join(" ")
    }
}

/// A rate per second: `261,193/s`, `42.5/s`, `0.25/s`.
pub fn rate(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec < 0.0 {
        return "-".into();
    }
    if per_sec >= 100.0 {
        format!("{}/s", count(per_sec.round() as u64))
    } else if per_sec >= 1.0 {
        format!("{per_sec:.1}/s")
    } else {
        format!("{per_sec:.2}/s")
    }
}

/// Bytes in binary units: `512 B`, `1.5 KiB`, `20.3 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else if v >= 100.0 {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// A share as a percentage: `12.5%`.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(20763), "20,763");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(signed(-1), "-1");
        assert_eq!(signed(-12345), "-12,345");
    }

    #[test]
    fn durations_read_like_flags() {
        assert_eq!(ms(0.0), "0ms");
        assert_eq!(ms(0.42), "0.42ms");
        assert_eq!(ms(2.5), "2.5ms");
        assert_eq!(ms(2.0), "2ms");
        assert_eq!(ms(250.0), "250ms");
        assert_eq!(ms(1500.0), "1.5s");
        assert_eq!(ms(59_980.0), "1m");
        assert_eq!(ms(125_000.0), "2m 5s");
        assert_eq!(ms(7_200_000.0), "2h");
        assert_eq!(ms(12_000_000.0), "3h 20m");
        assert_eq!(ms(187_200_000.0), "2d 4h");
        assert_eq!(ms(-1500.0), "-1.5s");
        assert_eq!(duration(Duration::from_millis(3)), "3ms");
    }

    #[test]
    fn rates_have_no_false_precision() {
        assert_eq!(rate(261_192.988_6), "261,193/s");
        assert_eq!(rate(42.46), "42.5/s");
        assert_eq!(rate(0.25), "0.25/s");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(200 * 1024 * 1024), "200 MiB");
        assert_eq!(percent(1, 8), "12.5%");
        assert_eq!(percent(1, 0), "-");
    }
}
