//! scan-delete as a person sees it on a terminal: the question, the progress
//! line, the summary after Ctrl-C.

use std::io::Read;
use std::time::{Duration, Instant};

use crate::common::screen::{replay, spawn_on_terminal, type_keys};
use crate::common::{wait_until, RedisServer};
use crate::fixtures::{keys, load};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cachectl")
}

/// Wait for a terminal session to end; its exit code and everything it drew.
fn finish(mut child: std::process::Child) -> (Option<i32>, Vec<u8>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        assert!(Instant::now() < deadline, "cachectl did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut raw = Vec::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_end(&mut raw)
        .expect("read");
    (status.code(), raw)
}

#[test]
fn at_80_columns_the_question_is_one_line_drawn_once() {
    let s = RedisServer::start();
    load(&s, &keys("tty80:", 40), None);
    let members: Vec<String> = (0..40).map(|i| format!("tty80:{i}")).collect();
    let mut sadd = vec!["SADD", "tag:t80"];
    sadd.extend(members.iter().map(String::as_str));
    s.cli(&sadd);
    for (args, target) in [
        ("scan-delete 'tty80:*'", "'tty80:*'"),
        ("flush-prefix 'tty80:'", "'tty80:*'"),
        ("tag-invalidate t80", "tag:t80"),
    ] {
        let mut child = spawn_on_terminal(80, &format!("{} --url {} {args}", bin(), s.url()));
        type_keys(&mut child, "n");
        let (code, raw) = finish(child);
        let screen = replay(&raw, 80);
        let text = screen.join("\n");
        assert_eq!(code, Some(2), "{args}: {text}");
        assert_eq!(
            screen.iter().filter(|l| l.contains(target)).count(),
            1,
            "{args}: the target is named once, the question is not drawn twice:\n{text}"
        );
        let answered: Vec<&String> = screen.iter().filter(|l| l.ends_with("? no")).collect();
        assert_eq!(answered.len(), 1, "{args}: one answered question:\n{text}");
        assert!(answered[0].contains("40 "), "{args}: {text}");
        assert!(!text.contains("error"), "{args}: a no is no error:\n{text}");
    }
    assert_eq!(s.dbsize(), 41, "a no changes nothing");
}

/// The number before `word` in the last place it was drawn.
fn last_count_before(raw: &[u8], word: &str) -> Option<u64> {
    let text = String::from_utf8_lossy(raw);
    let at = text.rfind(&format!(" {word}"))?;
    let digits: String = text[..at]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

#[test]
fn after_ctrl_c_the_summary_matches_what_the_progress_showed() {
    let s = RedisServer::start();
    let total = 20_000;
    load(&s, &keys("int:", total), None);
    let dir = tempfile::tempdir().expect("tempdir");
    let json_path = dir.path().join("summary.json");
    let mut child = spawn_on_terminal(
        200,
        &format!(
            "{} --url {} --json scan-delete 'int:*' --yes --rate 4000 --batch 100 > {}",
            bin(),
            s.url(),
            json_path.display()
        ),
    );
    wait_until(Duration::from_secs(20), "some keys deleted", || {
        s.count_matching("int:*") < total - 1000
    });
    type_keys(&mut child, "\x03");
    let (code, raw) = finish(child);
    assert_eq!(code, Some(130), "{}", String::from_utf8_lossy(&raw));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("summary")).expect("json");
    assert_eq!(summary["interrupted"], true);
    let left = s.count_matching("int:*") as u64;
    let matched = summary["matched"].as_u64().expect("matched");
    assert_eq!(summary["deleted"].as_u64(), Some(total as u64 - left));
    assert_eq!(
        matched,
        total as u64 - left,
        "matched: the keys given to UNLINK"
    );
    let shown = last_count_before(&raw, "matched");
    assert_eq!(
        shown,
        Some(matched),
        "the progress line's last count is the summary's: {}",
        String::from_utf8_lossy(&raw)
    );
}

#[test]
fn on_a_cluster_the_question_names_the_cluster_not_the_seed() {
    use crate::common::RedisCluster;
    use crate::fixtures::load_cluster;
    let c = RedisCluster::start();
    load_cluster(&c, &keys("cq:", 300));
    for args in [
        vec!["scan-delete", "cq:*"],
        vec!["flush-prefix", "cq:"],
        vec!["tag-invalidate", "cqtag"],
    ] {
        let out = crate::fixtures::run(&c.url(), &args);
        let err = crate::fixtures::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("on cluster, 3 primaries"), "{args:?}: {err}");
        assert!(!err.contains(&c.url()), "{args:?}: not the seed: {err}");
    }
    assert_eq!(c.dbsize_total(), 300, "nothing deleted");
}

#[test]
fn a_resumed_run_says_how_much_the_checkpoint_covered_and_estimates_the_rest() {
    let s = RedisServer::start();
    let total = 60_000;
    load(&s, &keys("res:", total), None);
    let dir = tempfile::tempdir().expect("tempdir");
    let cp = dir.path().join("run.ckpt");
    let cp_arg = cp.to_str().expect("path");
    let child = crate::fixtures::spawn(
        &s.url(),
        &[
            "--json",
            "scan-delete",
            "res:*",
            "--yes",
            "--rate",
            "20000",
            "--checkpoint",
            cp_arg,
        ],
    );
    wait_until(Duration::from_secs(30), "a quarter deleted", || {
        s.count_matching("res:*") < total * 3 / 4
    });
    assert!(crate::common::send_signal(child.id(), "INT"));
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130));
    let left = s.count_matching("res:*") as u64;
    let again = crate::fixtures::run(&s.url(), &["scan-delete", "res:*", "--checkpoint", cp_arg]);
    let err = crate::fixtures::stderr(&again);
    assert_eq!(again.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the checkpoint already covered about"),
        "{err}"
    );
    let deleted_before = total as u64 - left;
    assert!(
        err.contains(&format!("{} keys deleted", fmt_count(deleted_before))),
        "{deleted_before} deleted before: {err}"
    );
    let at = err.find("about ").expect("estimate");
    let est: u64 = err[at + 6..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .expect("count");
    assert!(
        est * 2 >= left && est <= left * 2,
        "estimated {est} of the {left} keys left: {err}"
    );
}

/// `20763` → `20,763`, as the terminal shows counts.
fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
