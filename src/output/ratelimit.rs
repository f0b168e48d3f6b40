//! `ratelimit-test`: each request's verdict and a summary; a limiter's state
//! in words (`--inspect` and the interactive screen); a reset.

use std::io::{self, Write};

use super::fmt;
use super::grid::{Grid, Pairs};
use super::View;
use crate::core::limiter::explain::{Fact, WindowFrom};
use crate::core::limiter::run::Row;
use crate::core::limiter::{Inspection, Layout, Verdict};
use crate::keys::escape_bytes;
use crate::report::ratelimit::{describe_clock, InspectReport, ResetReport, RunReport};

/// Longest request table on a terminal; JSON always has every request.
const TABLE_ROWS: usize = 500;

fn verdict_word(v: &Verdict) -> &'static str {
    if v.allowed {
        "allowed"
    } else {
        "denied"
    }
}

/// A wait: `-` for none (allowed), `never` when no wait helps.
fn wait_text(ms: Option<i64>) -> String {
    match ms {
        Some(0) => "-".into(),
        Some(ms) => fmt::ms_int(ms),
        None => "never".into(),
    }
}

fn ms_f(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `sliding-log: 10 per 1m, burst 5, cost 2`.
fn limiter_text(r: &RunReport) -> String {
    let mut s = format!(
        "{}: {} per {}",
        r.algorithm.name(),
        fmt::count(r.limit),
        fmt::ms_int(r.window_ms as i64)
    );
    if let Some(b) = r.burst {
        s.push_str(&format!(", burst {}", fmt::count(b)));
    }
    if r.cost > 1 {
        s.push_str(&format!(", cost {}", fmt::count(r.cost)));
    }
    s
}

fn rate_text(r: Option<f64>) -> String {
    r.map(fmt::rate).unwrap_or_else(|| "-".into())
}

impl View for RunReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let rows = &self.results.0;
        let many = self.concurrency > 1;
        let mut header = vec!["#", "sent at"];
        if many {
            header.push("client");
        }
        header.extend(["verdict", "remaining", "retry after", "reset after"]);
        let mut g = Grid::new(&header);
        let n = rows.len();
        let (head, tail) = if n > TABLE_ROWS {
            (TABLE_ROWS / 2, n - TABLE_ROWS / 2)
        } else {
            (n, n)
        };
        for (i, r) in rows.iter().enumerate() {
            if i == head && head < tail {
                let mut gap = vec!["…".to_string(); header.len()];
                gap[1] = format!("{} more", fmt::count((tail - head) as u64));
                g.row(gap);
            }
            if i >= head && i < tail {
                continue;
            }
            let mut cells = vec![fmt::count(r.n), format!("+{}", fmt::duration(r.offset))];
            if many {
                cells.push(r.worker.to_string());
            }
            cells.extend([
                verdict_word(&r.verdict).to_uppercase(),
                fmt::signed(r.verdict.remaining),
                wait_text(r.verdict.retry_after_ms),
                r.verdict
                    .reset_after_ms
                    .map(fmt::ms_int)
                    .unwrap_or_else(|| "never".into()),
            ]);
            g.row(cells);
        }
        if head < tail {
            g.footer("--json has every request");
        }
        if !g.is_empty() {
            g.render(out, width)?;
        }
        let mut s = Pairs::new();
        s.add("key", escape_bytes(&self.key))
            .add("limiter", limiter_text(self))
            .add("requests", fmt::count(self.requests))
            .add("allowed", fmt::count(self.allowed))
            .add("denied", fmt::count(self.denied))
            .add("elapsed", fmt::ms(self.elapsed_ms))
            .add("allowed rate", rate_text(self.observed_rps))
            .add("sent rate", rate_text(self.sent_rps))
            .add(
                "peak allowed in a window",
                fmt::count(self.peak_allowed_in_window),
            );
        if many {
            s.add("clients", fmt::count(self.concurrency as u64));
        }
        if let Some(u) = self.unit {
            s.add("timestamp unit", u.name());
        }
        if let Some(planned) = self.planned.filter(|_| self.interrupted) {
            s.add(
                "interrupted",
                format!(
                    "after {} of {} requests",
                    fmt::count(self.requests),
                    fmt::count(planned)
                ),
            );
        }
        for note in &self.notes {
            s.add("note", note.to_string());
        }
        s.render(out, width)
    }

    /// One line per request (`n`, sent at ms, verdict, remaining, retry
    /// after ms, reset after ms, latency ms, client), then the summary.
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        let ms_or_never = |v: Option<i64>| v.map_or_else(|| "never".into(), |ms| ms.to_string());
        for r in &self.results.0 {
            writeln!(
                out,
                "{}\t{:.3}\t{}\t{}\t{}\t{}\t{:.3}\t{}",
                r.n,
                ms_f(r.offset),
                verdict_word(&r.verdict),
                r.verdict.remaining,
                ms_or_never(r.verdict.retry_after_ms),
                ms_or_never(r.verdict.reset_after_ms),
                ms_f(r.latency),
                r.worker,
            )?;
        }
        write!(
            out,
            "summary: {} allowed, {} denied of {} requests in {}; {}",
            self.allowed,
            self.denied,
            self.requests,
            fmt::ms(self.elapsed_ms),
            limiter_text(self),
        )?;
        if let Some(u) = self.unit {
            write!(out, ", unit {}", u.name())?;
        }
        if self.concurrency > 1 {
            write!(out, ", {} clients", self.concurrency)?;
        }
        write!(
            out,
            "; allowed {}, sent {}; peak {} allowed in a window",
            rate_text(self.observed_rps),
            rate_text(self.sent_rps),
            self.peak_allowed_in_window
        )?;
        if let Some(planned) = self.planned.filter(|_| self.interrupted) {
            write!(out, "; interrupted after {} of {planned}", self.requests)?;
        }
        writeln!(out)?;
        for note in &self.notes {
            writeln!(out, "note: {note}")?;
        }
        Ok(())
    }
}

/// `sliding-log (zset)`, `none (no key)`.
pub fn layout_text(i: &Inspection) -> String {
    match &i.layout {
        Layout::Missing => "none (no key)".into(),
        Layout::Unknown(_) => format!("unknown ({})", i.snapshot.kind),
        l => format!("{} ({})", l.name(), i.snapshot.kind),
    }
}

/// What a fact is called for a person; some depend on the layout.
fn label(layout: &Layout, f: &Fact) -> &'static str {
    let gcra = matches!(layout, Layout::Gcra { .. });
    match f {
        Fact::Entries(_) => "entries",
        Fact::Unit { .. } => "timestamp unit",
        Fact::OldestAgeMs(_) => "oldest entry age",
        Fact::NewestAgeMs(_) => "newest entry age",
        Fact::WindowMs { .. } => "window",
        Fact::InWindow(_) => "in the window",
        Fact::Expired(_) => "older than the window",
        Fact::Future(_) => "in the future",
        Fact::ResetAfterMs(_) => match layout {
            Layout::SlidingLog { .. } => "empty in",
            Layout::Counter { .. } => "window resets in",
            Layout::WindowCounter { .. } => "resets in",
            Layout::TokenBucket { .. } => "full in",
            _ => "reset after",
        },
        Fact::Limit(_) if gcra => "limit (burst)",
        Fact::Limit(_) => "limit",
        Fact::Remaining(_) => "remaining",
        Fact::NextSlotMs(_) => "next slot frees in",
        Fact::OldestLeavesMs(_) => "oldest entry leaves in",
        Fact::TtlMs(_) => "TTL",
        Fact::Count(_) => "count",
        Fact::PreviousCount(_) => "previous window's count",
        Fact::PreviousTtlMs(_) => "previous window's weight left",
        Fact::WeightedCount(_) => "weighted count",
        Fact::Fields(_) => "hash fields",
        Fact::Tokens(_) => "tokens (stored)",
        Fact::UpdatedAgeMs(_) => "last refill",
        Fact::Capacity(_) => "capacity",
        Fact::TokensNow(_) => "tokens now",
        Fact::RetryAfterMs(_) if gcra => "retry after",
        Fact::RetryAfterMs(_) => "next token in",
        Fact::Encoding(_) => "TAT encoding",
        Fact::Tat(_) => "TAT (stored)",
        Fact::TatAheadMs(_) => "TAT ahead of now",
        Fact::Limited(_) => "next request limited",
        Fact::EmissionMs(_) => "one request every",
    }
}

/// A fact's value for a person.
fn shown(f: &Fact) -> String {
    match f {
        Fact::Entries(n)
        | Fact::InWindow(n)
        | Fact::Expired(n)
        | Fact::Future(n)
        | Fact::Limit(n)
        | Fact::Fields(n)
        | Fact::Capacity(n) => fmt::count(*n),
        Fact::Remaining(n) | Fact::Count(n) | Fact::PreviousCount(n) | Fact::WeightedCount(n) => {
            fmt::signed(*n)
        }
        Fact::OldestAgeMs(ms)
        | Fact::NewestAgeMs(ms)
        | Fact::ResetAfterMs(ms)
        | Fact::NextSlotMs(ms)
        | Fact::OldestLeavesMs(ms)
        | Fact::PreviousTtlMs(ms)
        | Fact::RetryAfterMs(ms)
        | Fact::TatAheadMs(ms)
        | Fact::EmissionMs(ms) => fmt::ms_int(*ms),
        Fact::UpdatedAgeMs(ms) => format!("{} ago", fmt::ms_int(*ms)),
        Fact::TtlMs(t) => t.map(fmt::ms_int).unwrap_or_else(|| "none".into()),
        Fact::WindowMs { ms, from } => {
            let w = fmt::ms_int(*ms as i64);
            match from {
                WindowFrom::Given => w,
                WindowFrom::TtlAndNewestAge => {
                    format!("{w} (inferred: TTL + newest entry's age; pass --window)")
                }
                WindowFrom::TwoTtls => format!("{w} (inferred from the two TTLs; pass --window)"),
            }
        }
        Fact::Unit { clock: None, .. } => "unknown".into(),
        Fact::Unit {
            clock: Some(c),
            field: None,
        } => format!("{} ({})", c.name(), describe_clock(*c)),
        Fact::Unit {
            clock: Some(c),
            field: Some(field),
        } => format!("{} in `{field}` ({})", c.name(), describe_clock(*c)),
        Fact::Tokens(x) | Fact::TokensNow(x) => format!("{x:.3}"),
        Fact::Encoding(c) => describe_clock(*c),
        Fact::Tat(x) => format!("{x}"),
        Fact::Limited(true) => "yes".into(),
        Fact::Limited(false) => "no".into(),
    }
}

/// The state as label/value lines (the table and the interactive screen).
pub fn state_lines(i: &Inspection) -> Vec<(&'static str, String)> {
    i.explanation
        .facts
        .iter()
        .map(|f| (label(&i.layout, f), shown(f)))
        .collect()
}

impl View for InspectReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let i = &self.inspection;
        let mut p = Pairs::new().title(escape_bytes(&self.key));
        p.add("layout", layout_text(i));
        for (label, value) in state_lines(i) {
            p.add(label, value);
        }
        for note in &i.explanation.notes {
            p.add("note", note.to_string());
        }
        p.render(out, width)
    }

    /// `name<TAB>value`, one JSON field per line (notes as `note` lines).
    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        let i = &self.inspection;
        writeln!(out, "key\t{}", escape_bytes(&self.key))?;
        writeln!(out, "type\t{}", i.snapshot.kind)?;
        writeln!(out, "layout\t{}", i.layout.name())?;
        writeln!(out, "server_time_ms\t{}", i.snapshot.now_us / 1000)?;
        for f in &i.explanation.facts {
            let value = match serde_json::to_value(f) {
                Ok(serde_json::Value::String(s)) => s,
                Ok(v) => v.to_string(),
                Err(e) => return Err(io::Error::other(e)),
            };
            writeln!(out, "{}\t{value}", f.name())?;
        }
        for note in &i.explanation.notes {
            writeln!(out, "note\t{note}")?;
        }
        Ok(())
    }
}

impl View for ResetReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut p = Pairs::new();
        p.add("key", escape_bytes(&self.key)).add(
            "deleted",
            if self.deleted {
                "yes"
            } else {
                "no (not found)"
            },
        );
        p.render(out, width)
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{}",
            if self.deleted { "deleted" } else { "not found" }
        )
    }
}

/// What the interactive screen keeps: recent verdicts, then the state.
const SCREEN_HISTORY: usize = 8;

/// The interactive screen: the limiter, the last requests, the totals, the
/// state after the last request.
pub fn screen(key: &[u8], limiter: &str, rows: &[Row], state: &Inspection) -> Vec<String> {
    let mut lines = vec![
        format!("cachectl ratelimit-test {}: {limiter}", escape_bytes(key)),
        "Enter: send one request    q: quit".to_string(),
        String::new(),
    ];
    if rows.is_empty() {
        lines.push("no request sent yet".into());
    }
    for r in rows.iter().skip(rows.len().saturating_sub(SCREEN_HISTORY)) {
        let v = &r.verdict;
        let wait = if v.allowed {
            String::new()
        } else {
            format!("  retry after {}", wait_text(v.retry_after_ms))
        };
        lines.push(format!(
            "#{:<4} +{:<8} {:<8} remaining {}{wait}",
            r.n,
            fmt::duration(r.offset),
            verdict_word(v).to_uppercase(),
            v.remaining
        ));
    }
    let allowed = rows.iter().filter(|r| r.verdict.allowed).count();
    lines.push(format!(
        "total: {allowed} allowed, {} denied",
        rows.len() - allowed
    ));
    lines.push(String::new());
    lines.push(format!("state: {}", layout_text(state)));
    for (label, shown) in state_lines(state) {
        lines.push(format!("  {label:<24} {shown}"));
    }
    for note in &state.explanation.notes {
        lines.push(format!("  note: {note}"));
    }
    lines
}

/// `sliding-log 10 per 1m, burst 5` for the interactive screen's title.
pub fn policy_text(p: &crate::core::limiter::Policy) -> String {
    let mut s = format!(
        "{} {} per {}",
        p.algo.name(),
        fmt::count(p.limit),
        fmt::ms_int(p.window_ms as i64)
    );
    if p.algo.has_burst() {
        s.push_str(&format!(", burst {}", fmt::count(p.burst)));
    }
    s
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::core::limiter::explain::{Explanation, Note};
    use crate::core::limiter::run::Run;
    use crate::core::limiter::state::{Body, Snapshot};
    use crate::core::limiter::{Algorithm, Clock, Policy, TimeUnit};
    use crate::output::testing::{plain, table};

    const NOW_US: i64 = 1_763_000_000_000_000;

    fn policy(algo: Algorithm) -> Policy {
        Policy {
            algo,
            limit: 3,
            window_ms: 60_000,
            burst: 5,
            cost: 1,
            count_denied: algo == Algorithm::FixedWindow,
            unit: TimeUnit::Ms,
        }
    }

    /// `n` requests 250µs apart from `clients` clients; the first `allowed` pass.
    fn rows(n: u64, allowed: u64, clients: u32) -> Vec<Row> {
        (1..=n)
            .map(|i| Row {
                n: i,
                worker: (i as u32 - 1) % clients + 1,
                offset: Duration::from_micros(250 * (i - 1)),
                latency: Duration::from_micros(420),
                verdict: Verdict {
                    allowed: i <= allowed,
                    remaining: allowed.saturating_sub(i) as i64,
                    retry_after_ms: if i <= allowed { Some(0) } else { Some(59_998) },
                    reset_after_ms: Some(60_000),
                },
            })
            .collect()
    }

    fn run_report(
        algo: Algorithm,
        rows: Vec<Row>,
        clients: u32,
        planned: Option<u64>,
    ) -> RunReport {
        let run = Run {
            planned: planned.unwrap_or(rows.len() as u64),
            interrupted: planned.is_some(),
            rows,
            failure: None,
        };
        RunReport::new(b"ratelimit:api:user:42", &policy(algo), clients, run)
    }

    #[test]
    fn run_views() {
        let r = run_report(Algorithm::SlidingLog, rows(5, 3, 1), 1, None);
        for w in [80, 120] {
            insta::assert_snapshot!(format!("ratelimit_run_table_{w}"), table(&r, w));
        }
        insta::assert_snapshot!("ratelimit_run_plain", plain(&r));
        // Two clients, --count-denied, stopped by Ctrl-C.
        let r = run_report(Algorithm::FixedWindow, rows(4, 3, 2), 2, Some(1000));
        insta::assert_snapshot!("ratelimit_run_interrupted_table_80", table(&r, 80));
        insta::assert_snapshot!("ratelimit_run_interrupted_plain", plain(&r));
    }

    #[test]
    fn a_long_run_shows_its_ends_and_says_where_the_rest_is() {
        let r = run_report(Algorithm::TokenBucket, rows(1200, 5, 1), 1, None);
        let text = table(&r, 80);
        assert!(text.contains("700 more"), "{text}");
        assert!(text.contains("--json has every request"), "{text}");
        assert!(text.contains("│ 1,200 "), "{text}");
        assert!(!text.contains("│ 251 "), "{text}");
        assert_eq!(plain(&r).lines().count(), 1201);
    }

    fn inspection(layout: Layout, body: Body, kind: &str, e: Explanation) -> InspectReport {
        InspectReport {
            key: b"ratelimit:scraper:amazon".to_vec(),
            inspection: Inspection {
                snapshot: Snapshot {
                    kind: kind.into(),
                    ttl_ms: Some(59_000),
                    now_us: NOW_US,
                    body,
                    previous: None,
                    braced: false,
                    previous_of: None,
                },
                layout,
                explanation: e,
            },
        }
    }

    fn full_log() -> InspectReport {
        let clock = Clock::Unix(TimeUnit::Ns);
        inspection(
            Layout::SlidingLog { clock: Some(clock) },
            Body::Zset {
                card: 12,
                oldest: None,
                newest: None,
            },
            "zset",
            Explanation {
                facts: vec![
                    Fact::Entries(12),
                    Fact::Unit {
                        clock: Some(clock),
                        field: None,
                    },
                    Fact::OldestAgeMs(90_000),
                    Fact::NewestAgeMs(1_000),
                    Fact::WindowMs {
                        ms: 60_000,
                        from: WindowFrom::TtlAndNewestAge,
                    },
                    Fact::InWindow(10),
                    Fact::Expired(2),
                    Fact::ResetAfterMs(59_000),
                    Fact::Limit(10),
                    Fact::Remaining(0),
                    Fact::NextSlotMs(15_000),
                    Fact::TtlMs(Some(59_000)),
                ],
                notes: vec![Note::ExpiredEntries(2), Note::LogFull { for_ms: 15_000 }],
            },
        )
    }

    fn gcra() -> InspectReport {
        inspection(
            Layout::Gcra {
                tat: 281_771_200.5,
                clock: Clock::Since2017,
            },
            Body::Text(b"281771200.5".to_vec()),
            "string",
            Explanation {
                facts: vec![
                    Fact::Encoding(Clock::Since2017),
                    Fact::Tat(281_771_200.5),
                    Fact::TatAheadMs(1_050),
                    Fact::ResetAfterMs(1_050),
                    Fact::Limit(10),
                    Fact::Remaining(0),
                    Fact::Limited(true),
                    Fact::RetryAfterMs(150),
                    Fact::EmissionMs(100),
                    Fact::TtlMs(None),
                ],
                notes: vec![Note::NoTtl],
            },
        )
    }

    fn bucket() -> InspectReport {
        inspection(
            Layout::TokenBucket {
                tokens: 2.0,
                stamp: None,
            },
            Body::Hash {
                len: 2,
                fields: vec![],
            },
            "hash",
            Explanation {
                facts: vec![
                    Fact::Fields(2),
                    Fact::Tokens(2.0),
                    Fact::Unit {
                        clock: Some(Clock::Unix(TimeUnit::Ms)),
                        field: Some("ts".into()),
                    },
                    Fact::UpdatedAgeMs(1_500),
                    Fact::Capacity(5),
                    Fact::TokensNow(3.5),
                    Fact::Remaining(3),
                    Fact::RetryAfterMs(0),
                    Fact::ResetAfterMs(1_500),
                    Fact::TtlMs(Some(3_000)),
                ],
                notes: vec![],
            },
        )
    }

    fn window_counter() -> InspectReport {
        inspection(
            Layout::WindowCounter {
                current: 1,
                previous: 10,
            },
            Body::Text(b"1".to_vec()),
            "string",
            Explanation {
                facts: vec![
                    Fact::Count(1),
                    Fact::PreviousCount(10),
                    Fact::PreviousTtlMs(30_000),
                    Fact::WindowMs {
                        ms: 60_000,
                        from: WindowFrom::TwoTtls,
                    },
                    Fact::WeightedCount(6),
                    Fact::Limit(10),
                    Fact::Remaining(4),
                    Fact::ResetAfterMs(0),
                    Fact::TtlMs(Some(90_000)),
                ],
                notes: vec![Note::WindowCounterLayout],
            },
        )
    }

    #[test]
    fn inspect_views() {
        insta::assert_snapshot!("ratelimit_inspect_bucket_table_80", table(&bucket(), 80));
        insta::assert_snapshot!(
            "ratelimit_inspect_window_counter_table_80",
            table(&window_counter(), 80)
        );
        for w in [80, 120] {
            insta::assert_snapshot!(
                format!("ratelimit_inspect_log_table_{w}"),
                table(&full_log(), w)
            );
        }
        insta::assert_snapshot!("ratelimit_inspect_log_plain", plain(&full_log()));
        insta::assert_snapshot!("ratelimit_inspect_gcra_table_80", table(&gcra(), 80));
        insta::assert_snapshot!("ratelimit_inspect_gcra_plain", plain(&gcra()));
        let missing = inspection(
            Layout::Missing,
            Body::Missing,
            "none",
            Explanation {
                facts: vec![],
                notes: vec![Note::Fresh],
            },
        );
        insta::assert_snapshot!("ratelimit_inspect_missing_table_80", table(&missing, 80));
    }

    #[test]
    fn inspect_json_has_the_facts_under_their_names() {
        let mut out = Vec::new();
        crate::output::Report::write_json(&gcra(), &mut out).expect("json");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        assert_eq!(v["layout"], "gcra");
        assert_eq!(v["encoding"], "s-since-2017");
        assert_eq!(v["limited"], true);
        assert_eq!(v["retry_after_ms"], 150);
        assert_eq!(v["ttl_ms"], serde_json::Value::Null);
        assert_eq!(v["server_time_ms"], NOW_US / 1000);
        assert!(v["notes"][0].as_str().is_some_and(|n| n.contains("no TTL")));
        // Alphabetical, as the JSON always was.
        let text = String::from_utf8(out).expect("utf-8");
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("  \"")?.split('"').next())
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn reset_views() {
        let gone = ResetReport {
            key: b"rl:api".to_vec(),
            deleted: true,
        };
        insta::assert_snapshot!("ratelimit_reset_table_80", table(&gone, 80));
        assert_eq!(plain(&gone), "deleted\n");
        let none = ResetReport {
            key: b"rl:api".to_vec(),
            deleted: false,
        };
        assert_eq!(plain(&none), "not found\n");
    }

    #[test]
    fn interactive_screen() {
        let p = policy(Algorithm::SlidingLog);
        let state = full_log();
        let lines = screen(
            b"rl:tty",
            &policy_text(&p),
            &rows(4, 3, 1),
            &state.inspection,
        );
        insta::assert_snapshot!("ratelimit_screen", lines.join("\n"));
    }
}
