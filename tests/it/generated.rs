//! Completions and man pages under completions/ and man/ must be what the binary
//! generates now. Refresh them with: CACHECTL_BLESS=1 cargo test --test it generated

use std::path::PathBuf;

use crate::common::{cachectl, subcommands};

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
    for sub in subcommands() {
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
fn every_visible_subcommand_has_a_man_page_and_no_other_does() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut pages: Vec<String> = std::fs::read_dir(root.join("man"))
        .expect("man/ is readable")
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let sub = name.strip_prefix("cachectl-")?.strip_suffix(".1")?;
            Some(sub.to_owned())
        })
        .collect();
    pages.sort();
    let mut listed = subcommands().to_vec();
    listed.sort();
    assert_eq!(
        pages, listed,
        "man/cachectl-<sub>.1 for each subcommand in `cachectl --help`; refresh with: \
         CACHECTL_BLESS=1 cargo test --test it generated (and delete pages of removed ones)"
    );
}
