//! Terminal width from one place: help, tables and prompts all fit the same
//! number of columns.

use std::io;

/// Columns to lay text out in: `COLUMNS` when set (so tests and scripts get a
/// fixed layout), else the terminal's width (stdout, then stderr, then stdin),
/// else 80. Never 0: a terminal that reports no size gets 80 too.
pub fn terminal_width() -> usize {
    from_env(std::env::var("COLUMNS").ok().as_deref())
        .or_else(|| {
            [
                terminal_size::terminal_size_of(io::stdout()),
                terminal_size::terminal_size_of(io::stderr()),
                terminal_size::terminal_size_of(io::stdin()),
            ]
            .into_iter()
            .flatten()
            .map(|(w, _)| usize::from(w.0))
            .find(|&w| w > 0)
        })
        .unwrap_or(80)
}

fn from_env(columns: Option<&str>) -> Option<usize> {
    columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&w| w > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_values() {
        assert_eq!(from_env(Some("120")), Some(120));
        assert_eq!(from_env(Some(" 80 ")), Some(80));
        // 0, garbage and unset fall through to the terminal, then to 80.
        assert_eq!(from_env(Some("0")), None);
        assert_eq!(from_env(Some("wide")), None);
        assert_eq!(from_env(None), None);
    }
}
