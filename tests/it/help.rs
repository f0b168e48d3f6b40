//! What a person reads before running anything: `--help` of every command (as
//! reviewed snapshots at 80 and 120 columns) and the hints on usage errors.
//!
//! After a change to the help, refresh the snapshots with
//! `INSTA_UPDATE=always cargo test --test it help::` (or `cargo insta test`)
//! and read the diff of tests/it/snapshots/ before committing it.

use std::process::Output;

use crate::common::cachectl;

/// `cachectl ARGS` with the help width fixed by COLUMNS.
fn run_at(width: usize, args: &[&str]) -> Output {
    cachectl()
        .env("COLUMNS", width.to_string())
        .args(args)
        .output()
        .expect("run cachectl")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `--help` of `path` (e.g. `["lock", "acquire"]`), which must succeed.
fn help(width: usize, path: &[String]) -> String {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let out = run_at(width, &args);
    assert!(
        out.status.success(),
        "{path:?} --help: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The subcommands a help text lists under "Commands:" (without `help`).
fn listed_subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   ")) // wrapped descriptions
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// Every visible command path, nested ones included, from the help texts
/// themselves (so a new subcommand is covered without editing this file).
fn command_paths() -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut todo = vec![Vec::<String>::new()];
    while let Some(path) = todo.pop() {
        for sub in listed_subcommands(&help(120, &path)) {
            let mut child = path.clone();
            child.push(sub);
            todo.push(child);
        }
        paths.push(path);
    }
    paths.sort();
    paths
}

/// The line number of `heading` in `help`, if present.
fn heading_line(help: &str, heading: &str) -> Option<usize> {
    help.lines().position(|l| l == heading)
}

/// The heading the option `flag` (e.g. `--url`) is listed under.
fn heading_of(help: &str, flag: &str) -> Option<String> {
    let mut heading = None;
    for line in help.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            heading = Some(line.to_string());
        }
        // "  -u, --url <URL>" or "      --dry-run": the flag is one of the first
        // two words (descriptions are indented further).
        let listed = line
            .split_whitespace()
            .take(2)
            .any(|w| w.trim_end_matches(',') == flag);
        let indent = line.len() - line.trim_start().len();
        if indent <= 6 && line.trim_start().starts_with('-') && listed {
            return heading;
        }
    }
    None
}

/// The snapshot name of a command path at a width: `lock_acquire_80`.
fn snapshot_name(path: &[String], width: usize) -> String {
    let name = if path.is_empty() {
        "cachectl".to_string()
    } else {
        path.join("_")
    };
    format!("{name}_{width}")
}

#[test]
fn help_of_every_command_at_80_and_120_columns() {
    let paths = command_paths();
    // The nested lock commands are found, the hidden generate is not.
    assert!(paths.contains(&vec!["lock".to_string(), "acquire".to_string()]));
    assert!(!paths
        .iter()
        .any(|p| p.first().is_some_and(|c| c == "generate")));
    for width in [80, 120] {
        for path in &paths {
            insta::assert_snapshot!(snapshot_name(path, width), help(width, path));
        }
        // The short help, shown when no command is given.
        let out = run_at(width, &[]);
        insta::assert_snapshot!(format!("short_{width}"), text(&out.stderr));
    }
}

#[test]
fn help_fits_its_width() {
    for width in [80, 120] {
        for path in command_paths() {
            for line in help(width, &path).lines() {
                assert!(
                    line.chars().count() <= width,
                    "{path:?} at {width} columns: {line:?}"
                );
            }
        }
    }
}

/// The lines after "Examples:".
fn examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Examples:")
        .map(str::to_string)
        .collect()
}

#[test]
fn examples_are_never_wrapped() {
    // A wrapped example cannot be pasted: at 80 columns, and on a terminal
    // narrower than that (help is laid out for 80 there), each reads as at 120.
    for path in command_paths() {
        let wide = examples(&help(120, &path));
        for width in [40, 80] {
            let narrow = examples(&help(width, &path));
            assert!(!narrow.is_empty(), "{path:?} has no examples");
            assert_eq!(narrow, wide, "{path:?} at {width} columns");
        }
    }
}

#[test]
fn own_options_come_first_then_connection_then_global() {
    for path in command_paths().into_iter().filter(|p| !p.is_empty()) {
        let h = help(120, &path);
        let conn = heading_line(&h, "Connection options:")
            .unwrap_or_else(|| panic!("{path:?}: no 'Connection options:' heading\n{h}"));
        let global = heading_line(&h, "Global options:")
            .unwrap_or_else(|| panic!("{path:?}: no 'Global options:' heading\n{h}"));
        assert!(conn < global, "{path:?}: connection after global\n{h}");
        if let Some(own) = heading_line(&h, "Options:") {
            assert!(
                own < conn,
                "{path:?}: own options after the global ones\n{h}"
            );
        }
        for flag in [
            "--url",
            "--host",
            "--pass",
            "--tls",
            "--sentinel",
            "--timeout",
        ] {
            assert_eq!(
                heading_of(&h, flag).as_deref(),
                Some("Connection options:"),
                "{path:?} {flag}\n{h}"
            );
        }
        for flag in [
            "--output", "--json", "--quiet", "--yes", "--prefix", "--help",
        ] {
            assert_eq!(
                heading_of(&h, flag).as_deref(),
                Some("Global options:"),
                "{path:?} {flag}\n{h}"
            );
        }
    }
    // A command's own flags stay under its own heading.
    let h = help(120, &["scan-delete".to_string()]);
    assert_eq!(
        heading_of(&h, "--dry-run").as_deref(),
        Some("Options:"),
        "{h}"
    );
}

#[test]
fn man_pages_group_global_options_too() {
    let out = cachectl()
        .args(["generate", "man", "scan-delete"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    let own = page.find("\\-\\-dry\\-run").expect("--dry-run in the page");
    let conn = page
        .find(".SH \"CONNECTION OPTIONS\"")
        .expect("a CONNECTION OPTIONS section");
    let global = page
        .find(".SH \"GLOBAL OPTIONS\"")
        .expect("a GLOBAL OPTIONS section");
    assert!(own < conn && conn < global, "{page}");
}

#[test]
fn dash_h_alone_points_to_help() {
    // -h is --host, as in redis-cli; someone typing it wants help.
    for args in [&["-h"][..], &["scan-delete", "-h"][..]] {
        let out = run_at(80, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        let last = err
            .trim_end()
            .lines()
            .last()
            .unwrap_or_default()
            .to_string();
        assert!(last.contains("--help"), "{args:?}: {err}");
        assert!(last.contains("--host"), "{args:?}: {err}");
    }
    // The short help, shown when no command is given, says there is more.
    let out = run_at(80, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("see more with '--help'"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn typos_never_suggest_the_hidden_command() {
    let out = run_at(80, &["scandelete", "x*"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("'scan-delete'"), "{err}");
    assert!(!err.contains("generate"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn redis_cli_expiry_habits_point_to_ttl() {
    let cases: &[(&[&str], &str)] = &[
        (&["set", "k", "v", "--ex", "10"], "--ttl 10s"),
        (&["set", "k", "v", "--px", "250"], "--ttl 250ms"),
        (&["set", "k", "v", "EX", "10"], "--ttl 10s"),
        (&["set", "k", "v", "px", "1500"], "--ttl 1500ms"),
        (&["set", "k", "v", "--keepttl"], "--keep-ttl"),
        (&["remember", "k", "--ex", "60", "--", "true"], "--ttl 60s"),
        (&["ttl", "k", "--ex", "10"], "--set 10s"),
    ];
    for (args, hint) in cases {
        let out = run_at(80, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(hint), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn redis_url_in_the_environment_changes_no_usage_text() {
    let url = "redis://127.0.0.1:1";
    let cases: &[&[&str]] = &[&[], &["lock"], &["set"], &["get"], &["lock", "acquire"]];
    for args in cases {
        let plain = run_at(80, args);
        let with_env = cachectl()
            .env("COLUMNS", "80")
            .env("REDIS_URL", url)
            .args(*args)
            .output()
            .expect("run");
        assert_eq!(with_env.status.code(), Some(2), "{args:?}");
        let err = text(&with_env.stderr);
        let usage_or_error = |l: &&str| l.contains("Usage:") || l.starts_with("cachectl: error:");
        assert!(
            !err.lines()
                .filter(usage_or_error)
                .any(|l| l.contains("--url")),
            "{args:?}: {err}"
        );
        assert!(!err.contains("generate"), "{args:?}: {err}");
        assert_eq!(err, text(&plain.stderr), "{args:?}");
    }
}
