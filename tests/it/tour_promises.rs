//! The quick start's tour (scripts/tour.sh): every command it shows can be
//! pasted as shown, and it runs through against a server.

use std::path::PathBuf;
use std::time::Duration;

use crate::common::RedisServer;

fn tour() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/tour.sh")
}

/// `show_cmd WORDS…` from the tour, run by bash with the script sourced.
fn show_cmd(words: &[&str]) -> String {
    let out = assert_cmd::Command::new("bash")
        .arg("-c")
        .arg("source \"$1\"; shift; show_cmd \"$@\"")
        .arg("bash")
        .arg(tour())
        .args(words)
        .timeout(Duration::from_secs(30))
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The words bash reads back from `line`.
fn words_of(line: &str) -> Vec<String> {
    let out = assert_cmd::Command::new("bash")
        .arg("-c")
        .arg(format!("set -- {line}\nprintf '%s\\0' \"$@\""))
        .timeout(Duration::from_secs(30))
        .output()
        .expect("run bash");
    assert!(out.status.success(), "{line}");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .split_terminator('\0')
        .map(str::to_string)
        .collect()
}

#[test]
fn tour_shows_commands_with_their_quotes() {
    assert_eq!(
        show_cmd(&[
            "cachectl",
            "set",
            "greeting",
            "hello from cachectl",
            "--ttl",
            "10m"
        ]),
        "cachectl set greeting 'hello from cachectl' --ttl 10m\n"
    );
    assert_eq!(
        show_cmd(&["cachectl", "-o", "table", "ttl", "--pattern", "price:*"]),
        "cachectl -o table ttl --pattern 'price:*'\n"
    );
    // Whatever the words, bash reads the shown line back as the same words.
    let samples: &[&[&str]] = &[
        &[
            "cachectl",
            "set",
            "product:1",
            r#"{"eur":9}"#,
            "--tag",
            "products",
        ],
        &["sh", "-c", r#"echo "it's $HOME"; sleep 0.5"#],
        &["cachectl", "set", "k", ""],
        &[
            "a b",
            "~",
            "x;y",
            "$(true)",
            "back\\slash",
            "new\nline",
            "'",
            "*",
        ],
    ];
    for words in samples {
        let line = show_cmd(words);
        assert_eq!(words_of(line.trim_end_matches('\n')), *words, "{line}");
    }
}

#[test]
fn tour_runs_through_against_a_server() {
    let server = RedisServer::start();
    let out = assert_cmd::Command::new("bash")
        .arg(tour())
        .env("TOUR_BIN", env!("CARGO_BIN_EXE_cachectl"))
        .env("TOUR_URL", server.url())
        .env_remove("REDIS_URL")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(120))
        .output()
        .expect("run the tour");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.ends_with("tour: done\n"), "{stdout}");
    // What it announces is what the server held.
    assert!(
        stdout.contains("Sample data on redis://127.0.0.1:"),
        "{stdout}"
    );
    assert!(stdout.contains("(2002 keys)"), "{stdout}");
    // Commands are shown as typed, quotes included.
    assert!(
        stdout.contains("\n$ cachectl set greeting 'hello from cachectl' --ttl 10m\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n$ cachectl set product:1 '{\"eur\":9}' --ttl 1h --tag products\n"),
        "{stdout}"
    );
    // Only the last step (a missing key) fails, as it should.
    let failed: Vec<&str> = stdout.lines().filter(|l| l.starts_with("(exit ")).collect();
    assert_eq!(failed, ["(exit 1)"], "{stdout}\n{stderr}");
    // The tagged products and their tag set were deleted, the prices flushed.
    assert_eq!(
        server
            .cli(&["EXISTS", "product:1", "product:2", "tag:products"])
            .trim(),
        "0"
    );
    assert_eq!(server.count_matching("price:*"), 0);
}

#[test]
fn tour_builds_with_cargo_progress_showing() {
    let script = std::fs::read_to_string(tour()).expect("read the tour");
    let build: Vec<&str> = script
        .lines()
        .filter(|l| l.trim_start().starts_with("cargo build"))
        .collect();
    assert_eq!(build.len(), 1, "{build:?}");
    assert!(
        !build[0].contains(" -q") && !build[0].contains("--quiet"),
        "{build:?}"
    );
}

#[test]
fn tour_refuses_a_server_that_holds_data() {
    let server = RedisServer::start();
    server.cli(&["SET", "precious", "1"]);
    let out = assert_cmd::Command::new("bash")
        .arg(tour())
        .env("TOUR_BIN", env!("CARGO_BIN_EXE_cachectl"))
        .env("TOUR_URL", server.url())
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run the tour");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.dbsize(), 1);
}
