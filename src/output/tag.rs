//! `tag-invalidate`: one row per tag (members, and what was done), a sample in
//! a dry run, the question asked before.

use std::io::{self, Write};

use super::fmt;
use super::grid::{Grid, Pairs};
use super::View;
use crate::report::tag::TagReport;

/// The details line and the short question asked before an invalidation.
pub fn confirmation(tag_keys: &[String], members: u64, target: &str) -> (String, String) {
    let details = format!(
        "delete the keys tagged in {} on {target}: {} members",
        tag_keys.join(", "),
        fmt::count(members)
    );
    let question = format!("Delete up to {} tagged keys?", fmt::count(members));
    (details, question)
}

impl TagReport {
    fn verb(&self) -> &'static str {
        match (self.dry_run, self.pruned.is_some()) {
            (true, _) => "would delete",
            (false, true) => "pruned",
            (false, false) => "deleted",
        }
    }
}

impl View for TagReport {
    fn table(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        let mut g = Grid::new(&["tag", "key", "members", self.verb()]);
        for r in &self.by_tag {
            g.row(vec![
                r.tag.clone(),
                r.key.clone(),
                fmt::count(r.members),
                fmt::count(r.done),
            ]);
        }
        g.render(out, width)?;
        let mut p = Pairs::new();
        if self.denied > 0 {
            p.add("denied (no permission)", fmt::count(self.denied));
        }
        if self.unconfirmed > 0 {
            p.add("unconfirmed (reply lost)", fmt::count(self.unconfirmed));
        }
        if let Some(n) = self.published {
            let who = if n == 1 { "subscriber" } else { "subscribers" };
            p.add("announced to", format!("{} {who}", fmt::signed(n)));
        }
        if self.interrupted {
            p.add("interrupted", "yes (Ctrl-C): stopped before the end");
        }
        if !p.is_empty() {
            p.render(out, width)?;
        }
        if let Some(sample) = self.sample.as_ref().filter(|s| !s.is_empty()) {
            let mut s = Grid::new(&["sample of keys it would delete"]);
            for k in sample {
                s.row(vec![k.clone()]);
            }
            s.render(out, width)?;
        }
        Ok(())
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        for k in self.sample.iter().flatten() {
            writeln!(out, "{k}")?;
        }
        // tag, members, done: one line per tag.
        for r in &self.by_tag {
            writeln!(out, "{}\t{}\t{}", r.tag, r.members, r.done)?;
        }
        for (name, n) in [("denied", self.denied), ("unconfirmed", self.unconfirmed)] {
            if n > 0 {
                writeln!(out, "{name}\t{n}")?;
            }
        }
        if let Some(n) = self.published {
            writeln!(out, "published\t{n}")?;
        }
        if self.interrupted {
            writeln!(out, "interrupted\ttrue")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{plain, table};
    use crate::report::tag::TagRow;

    fn rows() -> Vec<TagRow> {
        vec![
            TagRow {
                tag: "products".into(),
                key: "laravel_cache:tag:products:entries".into(),
                members: 12_500,
                done: 12_480,
            },
            TagRow {
                tag: "prices".into(),
                key: "laravel_cache:tag:prices:entries".into(),
                members: 0,
                done: 0,
            },
        ]
    }

    #[test]
    fn an_invalidation() {
        let r = TagReport {
            tags: vec!["products".into(), "prices".into()],
            deleted: 12_480,
            members: 12_500,
            denied: 20,
            by_tag: rows(),
            published: Some(3),
            ..TagReport::default()
        };
        for w in [80, 120] {
            insta::assert_snapshot!(format!("tag_invalidate_{w}"), table(&r, w));
        }
        insta::assert_snapshot!("tag_invalidate_plain", plain(&r));
    }

    #[test]
    fn a_dry_run_says_would_delete() {
        let r = TagReport {
            tags: vec!["products".into(), "prices".into()],
            dry_run: true,
            members: 12_500,
            by_tag: rows(),
            sample: Some(vec!["product:1".into(), "product:2".into()]),
            interrupted: true,
            ..TagReport::default()
        };
        let text = table(&r, 80);
        assert!(
            text.contains("would delete") && !text.contains("deleted"),
            "{text}"
        );
        insta::assert_snapshot!("tag_dry_run_80", text);
        insta::assert_snapshot!("tag_dry_run_plain", plain(&r));
    }

    #[test]
    fn a_prune_says_pruned() {
        let r = TagReport {
            tags: vec!["products".into()],
            members: 12_500,
            by_tag: rows()[..1].to_vec(),
            pruned: Some(12_480),
            ..TagReport::default()
        };
        insta::assert_snapshot!("tag_prune_80", table(&r, 80));
    }

    #[test]
    fn the_question_is_short() {
        let keys: Vec<String> = (0..8)
            .map(|i| format!("app:tag:tenant-{i}:entries"))
            .collect();
        let (details, question) = confirmation(&keys, 12_500, "cluster, 3 primaries");
        assert_eq!(question, "Delete up to 12,500 tagged keys?");
        assert!(question.len() + " [y/N] yes".len() <= 80);
        assert!(
            details.contains("app:tag:tenant-7:entries")
                && details.contains("cluster, 3 primaries")
        );
    }
}
