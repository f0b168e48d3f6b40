//! Rendering helpers for the views' snapshot tests: a report drawn at a given
//! width, as text, with no server and no terminal.

use super::View;

pub fn table(view: &dyn View, width: usize) -> String {
    let mut out = Vec::new();
    view.table(&mut out, width).expect("rendering to memory");
    let text = String::from_utf8(out).expect("views write UTF-8");
    for line in text.lines() {
        assert!(
            console::measure_text_width(line) <= width,
            "line wider than {width} columns:\n{line}"
        );
    }
    text
}

pub fn plain(view: &dyn View) -> String {
    let mut out = Vec::new();
    view.plain(&mut out).expect("rendering to memory");
    String::from_utf8(out).expect("views write UTF-8")
}
