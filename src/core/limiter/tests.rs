//! Reading, classifying and explaining limiter state from hand-made snapshots.

use super::explain::{explain, explain_log, Explanation};
use super::scripts::parse_verdict;
use super::state::*;
use super::*;
use serde_json::Value as Json;

const NOW_US: f64 = 1_763_000_000_000_000.0; // Nov 2025

fn snap(body: Body, ttl_ms: Option<i64>) -> Snapshot {
    Snapshot {
        kind: match &body {
            Body::Missing => "none",
            Body::Zset { .. } => "zset",
            Body::Text(_) => "string",
            Body::Hash { .. } => "hash",
            Body::Other => "list",
        }
        .into(),
        ttl_ms,
        now_us: NOW_US as i64,
        body,
        previous: None,
        braced: false,
        previous_of: None,
    }
}

/// A fact's JSON value.
fn val(e: &Explanation, name: &str) -> Option<Json> {
    e.get(name).and_then(|f| serde_json::to_value(f).ok())
}

fn num(e: &Explanation, name: &str) -> f64 {
    val(e, name)
        .as_ref()
        .and_then(Json::as_f64)
        .unwrap_or_else(|| panic!("no {name} in {:?}", e.facts))
}

#[test]
fn units_are_detected_from_timestamps() {
    let now = NOW_US;
    let unix = |u: TimeUnit| Some(Clock::Unix(u));
    assert_eq!(
        detect_clock(now / 1e6, now, &UNIX_CLOCKS),
        unix(TimeUnit::S)
    );
    assert_eq!(
        detect_clock(now / 1e3 - 5000.0, now, &UNIX_CLOCKS),
        unix(TimeUnit::Ms)
    );
    assert_eq!(detect_clock(now, now, &UNIX_CLOCKS), unix(TimeUnit::Us));
    assert_eq!(
        detect_clock(now * 1e3, now, &UNIX_CLOCKS),
        unix(TimeUnit::Ns)
    );
    // A week-old log is still recognised; a relative time is not a timestamp.
    let week_old_ms = (now - 7.0 * 86_400e6) / 1e3;
    assert_eq!(
        detect_clock(week_old_ms, now, &UNIX_CLOCKS),
        unix(TimeUnit::Ms)
    );
    assert_eq!(detect_clock(12_345.0, now, &UNIX_CLOCKS), None);
    assert_eq!(detect_clock(-1.0, now, &UNIX_CLOCKS), None);
    // redis_rate's epoch is told apart from Unix seconds.
    let tat = now / 1e6 - JAN_1_2017_S + 0.2;
    assert_eq!(detect_clock(tat, now, &TAT_CLOCKS), Some(Clock::Since2017));
    assert_eq!(detect_clock(now / 1e6, now, &TAT_CLOCKS), unix(TimeUnit::S));
}

#[test]
fn limits_sliding_window_counter_answers() {
    let hints = Hints {
        limit: Some(10),
        ..Hints::default()
    };
    let mut s = snap(Body::Text(b"1".to_vec()), Some(90_000));
    s.previous = Some(Previous {
        count: Some(10),
        ttl_ms: Some(30_000),
    });
    s.braced = true;
    let layout = classify(&s, &hints);
    assert_eq!(
        layout,
        Layout::WindowCounter {
            current: 1,
            previous: 10
        }
    );
    let e = explain(&s, &layout, &hints);
    assert_eq!(num(&e, "window_ms"), 60_000.0);
    assert_eq!(num(&e, "weighted_count"), 6.0);
    assert_eq!(num(&e, "remaining"), 4.0);
    assert_eq!(num(&e, "reset_after_ms"), 0.0);
    // An ended window is shifted as the library does: 4 x 20/60 = 1.
    let mut ended = snap(Body::Text(b"4".to_vec()), Some(20_000));
    ended.braced = true;
    let h = Hints {
        window_ms: Some(60_000),
        ..hints.clone()
    };
    let e = explain(
        &ended,
        &Layout::WindowCounter {
            current: 4,
            previous: 0,
        },
        &h,
    );
    assert_eq!(num(&e, "weighted_count"), 1.0);
    assert_eq!(num(&e, "count"), 0.0);
    assert_eq!(num(&e, "previous_count"), 4.0);
    // Alone and braced: a fixed window or limits, unless --algo says.
    assert!(matches!(classify(&ended, &h), Layout::Ambiguous(_)));
    let fixed = Hints {
        algo: Some(Algorithm::FixedWindow),
        ..h
    };
    assert_eq!(classify(&ended, &fixed), Layout::Counter { count: 4 });
    assert!(is_braced(b"{LIMITER/a/10/1/minute}"));
    assert!(!is_braced(b"{a}:b") && !is_braced(b"{}"));
}

#[test]
fn clocks_round_trip() {
    for c in TAT_CLOCKS {
        let back = c.to_unix_us(c.stamp_at(NOW_US));
        assert!((back - NOW_US).abs() < 1.0, "{c:?}: {back}");
    }
}

#[test]
fn strings_are_counters_or_tats() {
    let h = Hints::default();
    let now = NOW_US;
    let s = |t: &str| snap(Body::Text(t.as_bytes().to_vec()), Some(1000));
    assert_eq!(classify(&s("7"), &h), Layout::Counter { count: 7 });
    let tat = format!("{}", now / 1e6 - JAN_1_2017_S + 1.5);
    assert!(matches!(
        classify(&s(&tat), &h),
        Layout::Gcra {
            clock: Clock::Since2017,
            ..
        }
    ));
    let ns = format!("{}", (now * 1e3) as i64);
    assert!(matches!(
        classify(&s(&ns), &h),
        Layout::Gcra {
            clock: Clock::Unix(TimeUnit::Ns),
            ..
        }
    ));
    assert!(matches!(classify(&s("hello"), &h), Layout::Unknown(_)));
    let gcra = Hints {
        algo: Some(Algorithm::Gcra),
        ..Hints::default()
    };
    assert!(matches!(classify(&s("7"), &gcra), Layout::Gcra { .. }));
}

#[test]
fn misfits_are_named() {
    assert_eq!(misfit(&Layout::Missing, Algorithm::Gcra), None);
    assert_eq!(
        misfit(&Layout::Counter { count: 3 }, Algorithm::Gcra),
        Some(Misfit::Holds(Layout::Counter { count: 3 }, Algorithm::Gcra))
    );
    let foreign_tat = Layout::Gcra {
        tat: 1.0,
        clock: Clock::Unix(TimeUnit::Ns),
    };
    assert!(misfit(&foreign_tat, Algorithm::Gcra).is_some());
    let log = Layout::SlidingLog {
        clock: Some(Clock::Unix(TimeUnit::Ns)),
    };
    assert_eq!(misfit(&log, Algorithm::SlidingLog), None);
    assert_eq!(existing_unit(&log), Some(TimeUnit::Ns));
    assert!(misfit(&log, Algorithm::TokenBucket).is_some());
}

#[test]
fn windows_are_inferred_from_the_ttl() {
    assert_eq!(infer_window_ms(Some(59_990), Some(12.5)), Some(60_000));
    assert_eq!(infer_window_ms(Some(700), Some(250.4)), Some(950));
    assert_eq!(infer_window_ms(None, Some(10.0)), None);
    // A newest entry in the future (skewed writer) adds nothing.
    assert_eq!(infer_window_ms(Some(30_000), Some(-500.0)), Some(30_000));
}

#[test]
fn a_full_log_says_when_the_next_slot_frees() {
    let now_ns = NOW_US * 1e3;
    let s = snap(
        Body::Zset {
            card: 12,
            oldest: Some(now_ns - 90e9),
            newest: Some(now_ns - 1e9),
        },
        Some(59_000),
    );
    let w = LogWindow {
        in_window: 10,
        future: 0,
        first_in_window: Some(now_ns - 50e9),
        freeing: Some(now_ns - 45e9),
    };
    let e = explain_log(
        &s,
        Some(Clock::Unix(TimeUnit::Ns)),
        Some((60_000, explain::WindowFrom::TtlAndNewestAge)),
        Some(&w),
        Some(10),
    );
    assert_eq!(num(&e, "in_window"), 10.0);
    assert_eq!(num(&e, "expired"), 2.0);
    assert_eq!(num(&e, "remaining"), 0.0);
    assert!((num(&e, "next_slot_ms") - 15_000.0).abs() <= 1.0);
    assert!((num(&e, "reset_after_ms") - 59_000.0).abs() <= 1.0);
    assert!((num(&e, "oldest_age_ms") - 90_000.0).abs() <= 1.0);
    assert_eq!(val(&e, "unit"), Some(Json::from("ns")));
}

#[test]
fn counters_and_buckets() {
    let h = Hints {
        limit: Some(100),
        ..Hints::default()
    };
    let s = snap(Body::Text(b"100".to_vec()), Some(30_000));
    let e = explain(&s, &classify(&s, &h), &h);
    assert_eq!(num(&e, "count"), 100.0);
    assert_eq!(num(&e, "remaining"), 0.0);
    assert_eq!(num(&e, "reset_after_ms"), 30_000.0);

    // 2 tokens stored 1.5s ago, refilling 1 per second, capacity 5.
    let ts = (NOW_US - 1.5e6) / 1e3;
    let s = snap(
        Body::Hash {
            len: 2,
            fields: vec![
                ("tokens".into(), b"2".to_vec()),
                ("ts".into(), ts.to_string().into_bytes()),
            ],
        },
        Some(3000),
    );
    let h = Hints {
        limit: Some(1),
        window_ms: Some(1000),
        burst: Some(5),
        ..Hints::default()
    };
    let e = explain(&s, &classify(&s, &h), &h);
    assert!((num(&e, "tokens_now") - 3.5).abs() < 1e-6);
    assert_eq!(num(&e, "remaining"), 3.0);
    assert_eq!(num(&e, "reset_after_ms"), 1500.0);
    assert_eq!(val(&e, "unit"), Some(Json::from("ms")));
}

#[test]
fn gcra_state_matches_redis_rate() {
    // 10 per second, burst 10: 100ms per request. A TAT 300ms ahead means
    // 3 requests' worth is used: 7 remain.
    let tat = (NOW_US + 300e3) / 1e6 - JAN_1_2017_S;
    let s = snap(Body::Text(tat.to_string().into_bytes()), Some(300));
    let h = Hints {
        limit: Some(10),
        window_ms: Some(1000),
        ..Hints::default()
    };
    let e = explain(&s, &classify(&s, &h), &h);
    assert_eq!(num(&e, "remaining"), 7.0);
    assert_eq!(val(&e, "limited"), Some(Json::from(false)));
    assert!((num(&e, "tat_ahead_ms") - 300.0).abs() <= 1.0);
    // 1.05s ahead with burst 10: limited, next slot in 150ms.
    let tat = (NOW_US + 1_050e3) / 1e6 - JAN_1_2017_S;
    let s = snap(Body::Text(tat.to_string().into_bytes()), Some(1050));
    let e = explain(&s, &classify(&s, &h), &h);
    assert_eq!(num(&e, "remaining"), 0.0);
    assert_eq!(val(&e, "limited"), Some(Json::from(true)));
    assert!((num(&e, "retry_after_ms") - 150.0).abs() <= 1.0);
}

#[test]
fn verdicts_decode_waits() {
    let v = parse_verdict(&[1, 4, -1, 60_000]).expect("verdict");
    assert!(v.allowed);
    assert_eq!(v.retry_after_ms, Some(0));
    let v = parse_verdict(&[0, 0, -2, -2]).expect("verdict");
    assert_eq!((v.retry_after_ms, v.reset_after_ms), (None, None));
    assert_eq!(parse_verdict(&[1, 2]), None);
}

#[test]
fn requests_name_the_script_by_its_sha_and_send_it_only_on_noscript() {
    let p = Policy {
        algo: Algorithm::Gcra,
        limit: 5,
        window_ms: 1000,
        burst: 5,
        cost: 1,
        count_denied: false,
        unit: TimeUnit::Ms,
    };
    let args = |full| {
        let c = scripts::request_cmd(&p, b"rate:k", "m", full);
        c.args_iter()
            .map(|a| match a {
                redis::Arg::Simple(b) => String::from_utf8_lossy(b).into_owned(),
                _ => String::new(),
            })
            .collect::<Vec<_>>()
    };
    let sha = args(false);
    assert_eq!(sha[0], "EVALSHA");
    assert!(sha[1].len() == 40 && sha[1].chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(&sha[2..4], ["1", "rate:k"]);
    let eval = args(true);
    assert_eq!(eval[0], "EVAL");
    assert!(eval[1].contains("redis.call('TIME')"));
    assert_eq!(sha[2..], eval[2..], "the same keys and arguments");
}
