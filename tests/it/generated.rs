//! Completions and man pages under completions/ and man/ must be what the binary
//! generates now. Refresh them with: CACHECTL_BLESS=1 cargo test --test it generated

use std::path::PathBuf;

use crate::common::cachectl;

const SUBCOMMANDS: &[&str] = &[
    "get",
    "set",
    "ttl",
    "scan-delete",
    "flush-prefix",
    "remember",
    "lock",
    "ratelimit-test",
    "warm",
    "stats",
    "tag-invalidate",
];

fn generate(args: &[&str]) -> Vec<u8> {
    let out = cachectl()
        .arg("generate")
        .args(args)
        .output()
        .expect("run generate");
    assert!(
        out.status.success(),
        "generate {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn check(path: PathBuf, fresh: Vec<u8>, stale: &mut Vec<String>) {
    if std::env::var_os("CACHECTL_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &fresh).expect("write");
        return;
    }
    if std::fs::read(&path).ok().as_deref() != Some(fresh.as_slice()) {
        stale.push(path.display().to_string());
    }
}

#[test]
fn completions_and_man_pages_are_current() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (shell, file) in [
        ("bash", "cachectl.bash"),
        ("zsh", "_cachectl"),
        ("fish", "cachectl.fish"),
        ("elvish", "cachectl.elv"),
        ("powershell", "_cachectl.ps1"),
    ] {
        check(
            root.join("completions").join(file),
            generate(&["completions", shell]),
            &mut stale,
        );
    }
    check(root.join("man/cachectl.1"), generate(&["man"]), &mut stale);
    for sub in SUBCOMMANDS {
        check(
            root.join(format!("man/cachectl-{sub}.1")),
            generate(&["man", sub]),
            &mut stale,
        );
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}\nrefresh them with: CACHECTL_BLESS=1 cargo test --test it generated"
    );
}

#[test]
fn every_visible_subcommand_has_a_man_page() {
    let help = cachectl().arg("--help").output().expect("help");
    let text = String::from_utf8_lossy(&help.stdout);
    let listed: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   ")) // wrapped descriptions
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert_eq!(listed, SUBCOMMANDS, "update SUBCOMMANDS and bless");
}
