//! Tables that fit the terminal. A [`Grid`] is drawn with its columns side by
//! side when they fit in the width, and otherwise as one key/value block per
//! row, so a cell is never broken inside a number, an address or a word. A
//! [`Pairs`] list is always key/value (summaries).

use std::io::{self, Write};

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, ContentArrangement, Table};

/// Rows under a header; numeric-looking cells are right-aligned.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    title: Option<String>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    footer: Option<String>,
}

impl Grid {
    pub fn new(header: &[&str]) -> Self {
        Grid {
            header: header.iter().map(|h| h.to_string()).collect(),
            ..Grid::default()
        }
    }

    /// A line printed above the table.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// A line printed under the table (a cap, a hint).
    pub fn footer(&mut self, footer: impl Into<String>) {
        self.footer = Some(footer.into());
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether the side-by-side form fits in `width` columns.
    pub fn fits(&self, width: usize) -> bool {
        self.natural_width() <= width
    }

    /// Width of the side-by-side form: cells plus `│ ` and ` │` borders.
    fn natural_width(&self) -> usize {
        let cols = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| text_width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(text_width(cell));
            }
        }
        widths.iter().sum::<usize>() + 3 * cols + 1
    }

    pub fn render(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        if let Some(t) = &self.title {
            writeln!(out, "{t}")?;
        }
        if self.natural_width() <= width || self.header.len() <= 1 {
            let mut t = base(width);
            t.set_content_arrangement(if self.natural_width() <= width {
                ContentArrangement::Disabled
            } else {
                ContentArrangement::Dynamic
            });
            t.set_header(self.header.clone());
            for row in &self.rows {
                t.add_row(row.iter().map(|c| aligned(c)).collect::<Vec<_>>());
            }
            writeln!(out, "{t}")?;
        } else {
            // Too wide: one block per row, the header as the keys.
            for row in &self.rows {
                let pairs = Pairs {
                    title: None,
                    rows: self
                        .header
                        .iter()
                        .cloned()
                        .zip(row.iter().cloned())
                        .collect(),
                };
                pairs.render(out, width)?;
            }
        }
        if let Some(f) = &self.footer {
            writeln!(out, "{f}")?;
        }
        Ok(())
    }
}

/// A key/value list: one row per fact.
#[derive(Debug, Clone, Default)]
pub struct Pairs {
    title: Option<String>,
    rows: Vec<(String, String)>,
}

impl Pairs {
    pub fn new() -> Self {
        Pairs::default()
    }

    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn add(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.rows.push((key.into(), value.into()));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self, out: &mut dyn Write, width: usize) -> io::Result<()> {
        if let Some(t) = &self.title {
            writeln!(out, "{t}")?;
        }
        let mut t = base(width);
        t.set_content_arrangement(ContentArrangement::Dynamic);
        for (k, v) in &self.rows {
            t.add_row(vec![Cell::new(k), Cell::new(v)]);
        }
        writeln!(out, "{t}")
    }
}

fn base(width: usize) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    t
}

fn aligned(text: &str) -> Cell {
    let cell = Cell::new(text);
    if looks_numeric(text) {
        cell.set_alignment(CellAlignment::Right)
    } else {
        cell
    }
}

/// `20,763`, `-1`, `12.5%`, `1.5 KiB`, `250ms`, `2m 5s`: numbers with at most
/// short units, each word starting with a digit or being a unit.
fn looks_numeric(text: &str) -> bool {
    let t = text.trim();
    if t.contains(':')
        || !t
            .trim_start_matches('-')
            .starts_with(|c: char| c.is_ascii_digit())
    {
        return false;
    }
    t.split_whitespace().all(|word| {
        word.trim_start_matches('-')
            .starts_with(|c: char| c.is_ascii_digit())
            || UNITS.contains(&word)
    })
}

/// Unit words that may follow a number (as `fmt` writes them).
const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "keys"];

fn text_width(text: &str) -> usize {
    text.lines()
        .map(console::measure_text_width)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(g: &Grid, width: usize) -> String {
        let mut out = Vec::new();
        g.render(&mut out, width).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_grid_that_fits_is_side_by_side_and_unbroken() {
        let mut g = Grid::new(&["node", "keys"]);
        g.row(vec!["127.0.0.1:30001".into(), "299,945".into()]);
        let text = draw(&g, 80);
        assert!(text.contains("127.0.0.1:30001"), "{text}");
        assert!(text.contains("299,945"), "{text}");
        assert!(text.lines().all(|l| console::measure_text_width(l) <= 80));
    }

    #[test]
    fn a_grid_too_wide_becomes_key_value_blocks() {
        let header = [
            "node", "role", "version", "keys", "memory", "ops/s", "clients", "uptime",
        ];
        let mut g = Grid::new(&header);
        g.row(vec![
            "127.0.0.1:30001".into(),
            "master".into(),
            "7.0.15".into(),
            "2,999,945".into(),
            "1.2 GiB".into(),
            "261,193/s".into(),
            "1,024".into(),
            "3d 4h".into(),
        ]);
        let text = draw(&g, 40);
        for cell in ["127.0.0.1:30001", "master", "2,999,945", "261,193/s"] {
            assert!(text.contains(cell), "{cell} broken in:\n{text}");
        }
        assert!(
            text.lines().all(|l| console::measure_text_width(l) <= 40),
            "{text}"
        );
    }

    #[test]
    fn numbers_are_recognised() {
        for n in [
            "1",
            "-1",
            "20,763",
            "12.5%",
            "1.5 KiB",
            "250ms",
            "261,193/s",
            "2m 5s",
        ] {
            assert!(looks_numeric(n), "{n}");
        }
        for n in [
            "master",
            "127.0.0.1:6379",
            "user:*:profile",
            "-",
            "3 keys left",
        ] {
            assert!(!looks_numeric(n), "{n}");
        }
    }
}
