//! The terminal width, from one place: `COLUMNS` when set, else the terminal
//! stdout (or stderr) is on, else 80. A terminal that reports 0 columns (a pty
//! with no size set) counts as unknown, not as one-character columns.

/// Width used when nothing says otherwise.
pub const FALLBACK: usize = 80;

/// Narrower than this, no layout reads well; wider, lines get hard to follow.
const MIN: usize = 20;
const MAX: usize = 500;

pub fn terminal_width() -> usize {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok());
    let from_term = || {
        [console::Term::stdout(), console::Term::stderr()]
            .iter()
            .find_map(|t| t.size_checked().map(|(_, cols)| cols as usize))
    };
    clamp(from_env.filter(|&w| w > 0).or_else(from_term))
}

fn clamp(width: Option<usize>) -> usize {
    match width {
        Some(w) if w > 0 => w.clamp(MIN, MAX),
        _ => FALLBACK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_or_unknown_is_the_fallback() {
        assert_eq!(clamp(None), FALLBACK);
        assert_eq!(clamp(Some(0)), FALLBACK);
        assert_eq!(clamp(Some(1)), MIN);
        assert_eq!(clamp(Some(120)), 120);
    }
}
