//! Parsers for values typed on the command line: durations and instants.
//!
//! Pure functions, unit-tested here; clap calls them as value parsers so that a
//! bad value is a usage error (exit 2) before anything connects.

use std::time::{Duration, SystemTime};

/// The longest duration accepted anywhere (TTLs, waits, timeouts): longer
/// values are typos, and would overflow clocks and Redis' millisecond TTLs.
pub const MAX_DURATION: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// A duration in humantime form (`500ms`, `90s`, `1h30m`) or plain seconds (`30`),
/// at most [`MAX_DURATION`].
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = parse_any_duration(s)?;
    if d > MAX_DURATION {
        return Err(format!("'{s}' is longer than 100 years"));
    }
    Ok(d)
}

fn parse_any_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    if t.starts_with('-') {
        return Err(format!("'{s}' is negative: durations must be positive"));
    }
    if let Ok(secs) = t.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    if let Ok(secs) = t.parse::<f64>() {
        return Duration::try_from_secs_f64(secs)
            .map_err(|_| format!("'{s}' is not a usable number of seconds"));
    }
    humantime::parse_duration(t).map_err(|e| {
        format!("'{s}' is not a duration ({e}); try 500ms, 90s, 1h30m or plain seconds")
    })
}

/// Like [`parse_duration`] but refuses zero (a TTL of zero would delete the key).
pub fn parse_positive_duration(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.is_zero() {
        return Err(format!("'{s}' is zero: give a positive duration"));
    }
    Ok(d)
}

/// An RFC 3339 instant with `Z` or a numeric offset within ±23:59 (`+02:00`);
/// `T` and `Z` may be lower case, as RFC 3339 allows. A leap second (`:60`) is
/// refused: Unix time, and so Redis, has none.
pub fn parse_instant(s: &str) -> Result<SystemTime, String> {
    let t = s.trim().to_ascii_uppercase();
    let bad = || format!("'{s}' is not an RFC 3339 time (e.g. 2026-12-01T00:00:00Z)");
    let (base, offset_secs) = if let Some(base) = t.strip_suffix('Z') {
        (base, 0i64)
    } else {
        // Numeric offset: the last six characters are [+-]HH:MM.
        let cut = t
            .len()
            .checked_sub(6)
            .filter(|&c| c > 0 && t.is_char_boundary(c));
        let Some(cut) = cut else { return Err(bad()) };
        let (base, off) = t.split_at(cut);
        let ob = off.as_bytes();
        let sign = match ob[0] {
            b'+' => 1,
            b'-' => -1,
            _ if base.contains('T') => {
                return Err(format!(
                    "'{s}' has no UTC offset: end it with Z or +HH:MM (e.g. 2026-12-01T00:00:00Z)"
                ))
            }
            _ => return Err(bad()),
        };
        let digits = |r: std::ops::Range<usize>| {
            ob[r.clone()]
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| off[r].parse::<i64>().ok())
                .flatten()
        };
        let (Some(hh), b':', Some(mm)) = (digits(1..3), ob[3], digits(4..6)) else {
            return Err(bad());
        };
        if hh > 23 || mm > 59 {
            return Err(format!(
                "'{s}': UTC offset {off} is out of range (from -23:59 to +23:59)"
            ));
        }
        (base, sign * (hh * 3600 + mm * 60))
    };
    // HH:MM:SS after the T; second 60 would be a leap second.
    if let Some(time) = base.split('T').nth(1) {
        if time.get(6..8) == Some("60") {
            return Err(format!(
                "'{s}' is a leap second: Unix time has none; use :59"
            ));
        }
    }
    let local = humantime::parse_rfc3339_weak(base).map_err(|_| bad())?;
    // local time = UTC + offset, so UTC = local - offset.
    let shift = Duration::from_secs(offset_secs.unsigned_abs());
    if offset_secs >= 0 {
        local.checked_sub(shift).ok_or_else(bad)
    } else {
        local.checked_add(shift).ok_or_else(bad)
    }
}

/// Milliseconds as a short human duration: `1h 2m 3s`, `250ms`.
pub fn human_ms(ms: i64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    // Whole seconds are enough for TTLs longer than a second.
    let secs = Duration::from_secs((ms / 1000) as u64);
    humantime::format_duration(secs).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("-5").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_positive_duration("0").is_err());
        assert!(parse_positive_duration("0s").is_err());
        assert!(parse_duration("1e20").is_err());
        assert!(parse_duration("101y").is_err());
        assert!(parse_duration("NaN").is_err());
        assert!(parse_duration("inf").is_err());
    }

    #[test]
    fn instants() {
        let z = parse_instant("2026-12-01T00:00:00Z").expect("z");
        let plus = parse_instant("2026-12-01T02:00:00+02:00").expect("plus");
        let minus = parse_instant("2026-11-30T23:00:00-01:00").expect("minus");
        assert_eq!(z, plus);
        assert_eq!(z, minus);
        assert!(parse_instant("tomorrow").is_err());
        assert!(parse_instant("2026-12-01").is_err());
        assert_eq!(
            parse_instant("2026-12-01t00:00:00z"),
            Ok(z),
            "RFC 3339 allows lower case"
        );
        assert_eq!(parse_instant("2026-12-01T00:00:00-00:00"), Ok(z));
        let edge = parse_instant("2026-12-01T23:59:00+23:59").expect("+23:59");
        assert_eq!(edge, z);
        for bad in [
            "2026-12-01T00:00:00+99:99",
            "2026-12-01T00:00:00+24:00",
            "2026-12-01T00:00:00-00:60",
            "2026-12-01T00:00:00+1a:00",
            "2026-12-01T00:00:00+01-00",
            "2026-12-01T00:00:00",
            "2026-12-01T00:00:60Z",
            "2026-12-31T23:59:60+00:00",
            "2026-02-30T00:00:00Z",
            "+01:00",
            "Z",
        ] {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
        assert!(parse_instant("2026-12-01T00:00:00")
            .unwrap_err()
            .contains("no UTC offset"));
        assert!(parse_instant("2026-12-01T00:00:00+99:99")
            .unwrap_err()
            .contains("out of range"));
    }

    #[test]
    fn human() {
        assert_eq!(human_ms(250), "250ms");
        assert_eq!(human_ms(3_723_000), "1h 2m 3s");
    }

    proptest::proptest! {
        #[test]
        fn duration_parser_never_panics(s in ".{0,20}") {
            let _ = parse_duration(&s);
            let _ = parse_instant(&s);
        }

        #[test]
        fn plain_seconds_parse_exactly(n in 0u64..10_000_000) {
            proptest::prop_assert_eq!(parse_duration(&n.to_string()), Ok(Duration::from_secs(n)));
        }
    }
}
