//! The hidden `generate` command: shell completions (clap_complete) and man
//! pages (clap_mangen) built from the same clap definitions as the parser, so
//! the committed files under completions/ and man/ can be checked for staleness.

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::{Cli, Generate};
use crate::error::usage;

/// Subcommands that get a man page of their own (the hidden one does not).
pub fn man_pages() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name().to_string())
        .collect()
}

pub fn run(what: &Generate) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match what {
        Generate::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "cachectl", &mut out);
        }
        Generate::Man { page: None } => {
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
        }
        Generate::Man { page: Some(name) } => {
            let mut root = Cli::command();
            // Building propagates the global options into every subcommand.
            root.build();
            let sub = root
                .find_subcommand(name)
                .filter(|c| !c.is_hide_set())
                .ok_or_else(|| {
                    usage(format!(
                        "no subcommand '{name}'; pages: {}",
                        man_pages().join(", ")
                    ))
                })?;
            let page = format!("cachectl-{name}");
            let sub = sub
                .clone()
                .name(page.clone())
                .display_name(page)
                .version(env!("CARGO_PKG_VERSION"));
            clap_mangen::Man::new(sub).render(&mut out)?;
        }
    }
    out.flush()?;
    Ok(())
}
