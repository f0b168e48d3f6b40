//! What a person would see: a pseudo-terminal session (util-linux `script`)
//! and a small terminal model that replays its output (line wrap at the
//! width, carriage return, line and cursor control), so a test can tell a
//! prompt drawn once from one whose redraw left its first line behind.

use std::io::Write as _;
use std::process::{Child, Command, Stdio};

/// Start `sh -c "stty cols WIDTH rows 50; exec SHELL_CMD"` on a pty; what is
/// written to its stdin is typed on the terminal (`\x03` is Ctrl-C).
pub fn spawn_on_terminal(width: u16, shell_cmd: &str) -> Child {
    Command::new("script")
        .args([
            "-qec",
            &format!("stty cols {width} rows 50; exec {shell_cmd}"),
            "/dev/null",
        ])
        .env_remove("REDIS_URL")
        .env_remove("COLUMNS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn script")
}

/// Type `keys` on a terminal session started by [`spawn_on_terminal`].
pub fn type_keys(child: &mut Child, keys: &str) {
    let stdin = child.stdin.as_mut().expect("stdin");
    stdin.write_all(keys.as_bytes()).expect("type");
    stdin.flush().expect("flush");
}

/// The lines left on a `width`-column screen after `raw` was written to it.
pub fn replay(raw: &[u8], width: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut lines: Vec<Vec<char>> = vec![Vec::new()];
    let (mut row, mut col) = (0usize, 0usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => col = 0,
            '\n' => {
                row += 1;
                col = 0;
            }
            '\x1b' => {
                if chars.peek() != Some(&'[') {
                    chars.next();
                    continue;
                }
                chars.next();
                let mut arg = String::new();
                let mut end = ' ';
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() || c == '~' {
                        end = c;
                        break;
                    }
                    arg.push(c);
                }
                let n = arg.parse::<usize>().unwrap_or(1).max(1);
                while lines.len() <= row {
                    lines.push(Vec::new());
                }
                match end {
                    'A' => row = row.saturating_sub(n),
                    'B' => row += n,
                    'C' => col = (col + n).min(width),
                    'D' => col = col.saturating_sub(n),
                    'G' => col = n - 1,
                    'K' if arg == "2" => lines[row].clear(),
                    'K' => lines[row].truncate(col),
                    'J' => {
                        lines[row].truncate(col);
                        lines.truncate(row + 1);
                    }
                    _ => {}
                }
            }
            c if c.is_control() => {}
            c => {
                if col >= width {
                    row += 1;
                    col = 0;
                }
                while lines.len() <= row {
                    lines.push(Vec::new());
                }
                let line = &mut lines[row];
                while line.len() < col {
                    line.push(' ');
                }
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.push(c);
                }
                col += 1;
            }
        }
    }
    lines
        .into_iter()
        .map(|l| l.into_iter().collect::<String>().trim_end().to_string())
        .collect()
}

#[test]
fn replay_wraps_and_clears_like_a_terminal() {
    let screen = replay(b"abcdef\r\x1b[2Kxy\r\nsec", 4);
    assert_eq!(screen, vec!["abcd", "xy", "sec"]);
    let screen = replay(b"12345\r\x1b[2K", 80);
    assert_eq!(screen, vec![""]);
}
