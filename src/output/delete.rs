//! `scan-delete` / `flush-prefix`: the confirmation, the summary (table and
//! plain), and the hint after a stop.

use std::io::{self, Write};

use super::fmt;
use super::grid::{Grid, Pairs};
use super::View;
use crate::core::delete::{Event, Progress};
use crate::report::delete::{DeletePlan, DeleteReport, Target};

/// How a target reads in a sentence.
pub fn target(t: &Target) -> String {
    match t {
        Target::Server(url) => url.clone(),
        Target::Cluster { primaries: 1 } => "cluster, 1 primary".into(),
        Target::Cluster { primaries } => format!("cluster, {primaries} primaries"),
    }
}

/// The details line and the short question asked before a delete. The
/// question stays well inside 80 columns whatever the pattern or target.
pub fn confirmation(plan: &DeletePlan) -> (String, String) {
    let how = if plan.exact { "counted" } else { "estimate" };
    let mut details = format!(
        "{} keys matching '{}' on {}: about {} of {} keys ({how})",
        plan.action,
        plan.pattern,
        target(&plan.target),
        fmt::count(plan.matches),
        fmt::count(plan.total),
    );
    if let Some(r) = plan.resume {
        details.push_str(&format!(
            "; the checkpoint already covered about {:.0}% of the scan ({} keys deleted)",
            (r.covered * 100.0).clamp(0.0, 100.0),
            fmt::count(r.deleted)
        ));
    }
    let question = match plan.limit {
        Some(l) if l < plan.matches => {
            format!("{} at most {} keys (--limit)?", plan.action, fmt::count(l))
        }
        _ => format!("{} about {} keys?", plan.action, fmt::count(plan.matches)),
    };
    (details, question)
}

/// A notice for something the run met.
pub fn event_text(e: &Event) -> String {
    match e {
        Event::Rescan { node, reason } => format!("{node}: {reason}: scanning it again from the start"),
        Event::Inexact { node, reason } => format!(
            "{node}: {reason}: its scan started over, so the count is not exact (keys may be counted twice)"
        ),
        Event::LayoutMoved => "cluster slots moved during the pass: scanning again".into(),
    }
}

/// The progress line: the same `matched` the summary ends with.
pub fn progress_text(p: &Progress, dry_run: bool) -> String {
    let mut msg = if dry_run {
        format!("pass {}: {} found", p.pass, fmt::count(p.matched))
    } else {
        format!(
            "pass {}: {} matched, {} deleted",
            p.pass,
            fmt::count(p.matched),
            fmt::count(p.deleted)
        )
    };
    msg.push_str(&format!(", {}", fmt::rate(p.per_sec)));
    if let Some((seen, queued, cap)) = p.pace {
        // What the server's other clients feel, and what we do about it.
        msg.push_str(&format!(
            ", neighbours {} (≤{} keys queued{})",
            fmt::duration(seen),
            fmt::count(queued),
            cap.map(|r| format!(", capped at {}", fmt::rate(r as f64)))
                .unwrap_or_default()
        ));
    }
    for (addr, m, d) in &p.nodes {
        msg.push_str(&format!(" | {addr} {}/{}", fmt::count(*d), fmt::count(*m)));
    }
    msg
}

impl DeleteReport {
    fn verb(&self) -> &'static str {
        if self.dry_run {
            "would delete"
        } else {
            "deleted"
        }
    }

    /// What to do after a run that stopped before the end.
    fn hint(&self) -> Option<String> {
        if !self.interrupted {
            return None;
        }
        Some(match &self.checkpoint {
            Some(p) => format!(
                "To resume, run the same command with the same --checkpoint {}.",
                p.display()
            ),
            None if self.dry_run => "Run it again to count from the start.".into(),
            None => "Run the same command again to delete the rest (it scans from the \
                     start); with --checkpoint FILE, a run can resume where it stopped."
                .into(),
        })
    }
}

impl View for DeleteReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut p = Pairs::new();
        p.add("pattern", self.pattern.as_str());
        if self.dry_run {
            p.add("would delete", fmt::count(self.matched));
        } else {
            p.add("matched", fmt::count(self.matched))
                .add("deleted", fmt::count(self.deleted));
        }
        if self.denied > 0 {
            p.add("denied (no permission)", fmt::count(self.denied));
        }
        if self.unconfirmed > 0 {
            p.add("unconfirmed (reply lost)", fmt::count(self.unconfirmed));
        }
        if self.passes > 1 {
            p.add("passes", fmt::count(self.passes as u64));
        }
        if self.resumed {
            p.add("resumed", "yes, from the checkpoint");
        }
        if self.limit_reached {
            p.add("limit", "reached (--limit)");
        }
        if self.interrupted {
            p.add("interrupted", "yes (Ctrl-C): stopped before the end");
        }
        p.add("elapsed", fmt::ms_int(self.elapsed_ms as i64));
        p.render(out, width)?;
        if self.nodes.len() > 1 {
            let mut g = Grid::new(&["node", "matched", self.verb()]);
            for n in &self.nodes {
                let done = if self.dry_run { n.matched } else { n.deleted };
                g.row(vec![
                    n.node.clone(),
                    fmt::count(n.matched),
                    fmt::count(done),
                ]);
            }
            g.render(out, width)?;
        }
        if !self.rescanned.is_empty() {
            let mut g = Grid::new(&["node scanned again", "why"]);
            for r in &self.rescanned {
                g.row(vec![r.node.clone(), r.reason.clone()]);
            }
            g.render(out, width)?;
        }
        if let Some(sample) = self.sample.as_ref().filter(|s| !s.is_empty()) {
            let mut g = Grid::new(&["sample of matching keys"]);
            for k in sample {
                g.row(vec![k.clone()]);
            }
            g.render(out, width)?;
        }
        if let Some(h) = self.hint() {
            for line in wrap(&h, width.min(80)) {
                writeln!(out, "{line}")?;
            }
        }
        Ok(())
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        // One `name<TAB>value` line per field of the JSON form, zeros too.
        writeln!(out, "pattern\t{}", self.pattern)?;
        writeln!(out, "matched\t{}", self.matched)?;
        writeln!(out, "deleted\t{}", self.deleted)?;
        writeln!(out, "denied\t{}", self.denied)?;
        writeln!(out, "unconfirmed\t{}", self.unconfirmed)?;
        writeln!(out, "dry_run\t{}", self.dry_run)?;
        writeln!(out, "passes\t{}", self.passes)?;
        writeln!(out, "interrupted\t{}", self.interrupted)?;
        writeln!(out, "limit_reached\t{}", self.limit_reached)?;
        writeln!(out, "resumed\t{}", self.resumed)?;
        for n in &self.nodes {
            writeln!(out, "node\t{}\t{}\t{}", n.node, n.matched, n.deleted)?;
        }
        for r in &self.rescanned {
            writeln!(out, "rescanned\t{}\t{}", r.node, r.reason)?;
        }
        for k in self.sample.iter().flatten() {
            writeln!(out, "sample\t{k}")?;
        }
        writeln!(out, "elapsed_ms\t{}", self.elapsed_ms)
    }
}

/// Words on lines of at most `width` columns (a longer word gets a line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{plain, table};
    use crate::report::delete::{NodeCount, Rescan, Resumed};

    fn interrupted() -> DeleteReport {
        DeleteReport {
            pattern: "session:*".into(),
            matched: 20_763,
            deleted: 20_763,
            elapsed_ms: 4_250,
            passes: 1,
            interrupted: true,
            nodes: ["127.0.0.1:30001", "127.0.0.1:30002", "127.0.0.1:30003"]
                .iter()
                .enumerate()
                .map(|(i, n)| NodeCount {
                    node: n.to_string(),
                    matched: 6_921 + i as u64,
                    deleted: 6_921 + i as u64,
                })
                .collect(),
            ..DeleteReport::default()
        }
    }

    #[test]
    fn an_interrupted_run_says_so_and_how_to_resume() {
        let r = interrupted();
        for w in [80, 120] {
            insta::assert_snapshot!(format!("delete_interrupted_{w}"), table(&r, w));
        }
        let text = table(&r, 80);
        assert!(text.contains("interrupted"), "{text}");
        assert!(text.contains("--checkpoint FILE"), "{text}");
        let with_cp = DeleteReport {
            checkpoint: Some("run.ckpt".into()),
            resumed: true,
            ..interrupted()
        };
        let text = table(&with_cp, 80);
        insta::assert_snapshot!("delete_interrupted_checkpoint_80", text);
        assert!(text.contains("same --checkpoint run.ckpt"), "{text}");
        insta::assert_snapshot!("delete_interrupted_plain", plain(&r));
    }

    #[test]
    fn a_dry_run_says_would_delete() {
        let r = DeleteReport {
            pattern: "price:amazon:*".into(),
            matched: 1_204,
            dry_run: true,
            elapsed_ms: 38,
            passes: 1,
            sample: Some(vec!["price:amazon:1".into(), "price:amazon:\\xff2".into()]),
            ..DeleteReport::default()
        };
        for w in [80, 120] {
            insta::assert_snapshot!(format!("delete_dry_run_{w}"), table(&r, w));
        }
        let text = table(&r, 80);
        assert!(
            text.contains("would delete") && !text.contains("deleted"),
            "{text}"
        );
        insta::assert_snapshot!("delete_dry_run_plain", plain(&r));
    }

    #[test]
    fn a_finished_run_with_every_fact() {
        let r = DeleteReport {
            pattern: "feed:*".into(),
            matched: 3_000,
            deleted: 2_980,
            denied: 20,
            unconfirmed: 100,
            elapsed_ms: 125_000,
            passes: 2,
            limit_reached: false,
            resumed: true,
            rescanned: vec![Rescan {
                node: "127.0.0.1:30002".into(),
                reason: "the server restarted or failed over (new run id)".into(),
            }],
            ..DeleteReport::default()
        };
        for w in [80, 120] {
            insta::assert_snapshot!(format!("delete_finished_{w}"), table(&r, w));
        }
        insta::assert_snapshot!("delete_finished_plain", plain(&r));
    }

    #[test]
    fn the_progress_line_reads_like_the_summary() {
        let p = Progress {
            pass: 1,
            matched: 20_763,
            deleted: 20_700,
            per_sec: 261_192.988_6,
            nodes: vec![("127.0.0.1:30001".into(), 6_921, 6_900)],
            pace: None,
        };
        assert_eq!(
            progress_text(&p, false),
            "pass 1: 20,763 matched, 20,700 deleted, 261,193/s | 127.0.0.1:30001 6,900/6,921"
        );
        assert_eq!(
            progress_text(
                &Progress {
                    nodes: Vec::new(),
                    ..p
                },
                true
            ),
            "pass 1: 20,763 found, 261,193/s"
        );
        assert_eq!(
            event_text(&Event::LayoutMoved),
            "cluster slots moved during the pass: scanning again"
        );
    }

    #[test]
    fn the_progress_line_shows_the_pace_under_a_budget() {
        let p = Progress {
            pass: 1,
            matched: 5_000,
            deleted: 4_000,
            per_sec: 150_000.0,
            nodes: Vec::new(),
            pace: Some((std::time::Duration::from_micros(1_450), 2_000, Some(40_000))),
        };
        assert_eq!(
            progress_text(&p, false),
            "pass 1: 5,000 matched, 4,000 deleted, 150,000/s, neighbours 1.4ms (≤2,000 keys queued, capped at 40,000/s)"
        );
    }

    fn plan(pattern: &str, target: Target) -> DeletePlan {
        DeletePlan {
            action: "UNLINK",
            pattern: pattern.into(),
            target,
            matches: 20_763,
            total: 139_575,
            exact: false,
            limit: None,
            resume: None,
        }
    }

    #[test]
    fn the_question_fits_80_columns_and_the_details_come_before() {
        let long = "tenant:acme-corporation-international:session:*:v2:".repeat(3);
        let p = plan(&long, Target::Server("redis://127.0.0.1:6379/0".into()));
        let (details, question) = confirmation(&p);
        // dialoguer adds ` [y/N] ` and, once answered, `no`/`yes`.
        assert!(question.len() + " [y/N] yes".len() <= 80, "{question}");
        assert_eq!(question, "UNLINK about 20,763 keys?");
        assert!(
            details.contains(&long) && details.contains("about 20,763 of 139,575 keys (estimate)")
        );
        let cluster = plan("s:*", Target::Cluster { primaries: 3 });
        let (details, _) = confirmation(&cluster);
        assert_eq!(
            details,
            "UNLINK keys matching 's:*' on cluster, 3 primaries: about 20,763 of 139,575 keys (estimate)"
        );
        let resumed = DeletePlan {
            resume: Some(Resumed {
                covered: 0.425,
                deleted: 9_000,
            }),
            limit: Some(100),
            exact: true,
            ..cluster
        };
        let (details, question) = confirmation(&resumed);
        assert!(details.ends_with("(counted); the checkpoint already covered about 42% of the scan (9,000 keys deleted)"), "{details}");
        assert_eq!(question, "UNLINK at most 100 keys (--limit)?");
    }
}
