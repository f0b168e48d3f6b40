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
        | Fact::UpdatedAgeMs(ms)
        | Fact::RetryAfterMs(ms)
        | Fact::TatAheadMs(ms)
        | Fact::EmissionMs(ms) => fmt::ms_int(*ms),
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
