//! `remember`: the value itself is the answer, its exact bytes, on a terminal
//! too (how it was obtained is in the JSON form).

use std::io::{self, Write};

use super::View;
use crate::report::remember::RememberReport;

impl View for RememberReport {
    fn table(&self, out: &mut dyn Write, _width: usize) -> io::Result<()> {
        self.plain(out)
    }

    fn plain(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.value)
    }

    fn raw_on_terminal(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing::{plain, table};

    #[test]
    fn remember_shows_the_exact_value_everywhere() {
        let r = RememberReport {
            key: b"report".to_vec(),
            hit: true,
            value: b"line 1\nline 2\xff".to_vec(),
            ..Default::default()
        };
        assert!(r.raw_on_terminal());
        let mut raw = Vec::new();
        r.plain(&mut raw).unwrap();
        assert_eq!(raw, b"line 1\nline 2\xff");
        let text = RememberReport {
            value: b"{\"eur\": 7}".to_vec(),
            ..r
        };
        assert_eq!(plain(&text), "{\"eur\": 7}");
        assert_eq!(table(&text, 80), "{\"eur\": 7}");
        let json = serde_json::to_value(&text).unwrap();
        assert_eq!(json["value"], "{\"eur\": 7}");
        assert_eq!(json["key"], "report");
        assert_eq!(json["ttl_ms"], serde_json::Value::Null);
    }
}
