//! Checkpoint files for resumable bulk runs: the pattern and, per node, the last
//! cursor whose keys are all handled. Written atomically (temp file + rename).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::usage;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NodeMark {
    pub cursor: u64,
    pub finished: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Checkpoint {
    pub pattern: String,
    pub nodes: BTreeMap<String, NodeMark>,
    pub deleted: u64,
}

impl Checkpoint {
    /// Load a checkpoint for `pattern`; a missing file is a fresh start.
    pub fn load(path: &Path, pattern: &str) -> anyhow::Result<Option<Checkpoint>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(usage(format!(
                    "cannot read checkpoint {}: {e}",
                    path.display()
                )))
            }
        };
        let cp: Checkpoint = serde_json::from_str(&text)
            .map_err(|e| usage(format!("checkpoint {} is not valid: {e}", path.display())))?;
        if cp.pattern != pattern {
            return Err(usage(format!(
                "checkpoint {} belongs to pattern '{}', not '{pattern}': remove it or use another file",
                path.display(),
                cp.pattern
            )));
        }
        Ok(Some(cp))
    }

    /// Where a node starts: `None` when it already finished.
    pub fn start_of(&self, addr: &str) -> Option<u64> {
        match self.nodes.get(addr) {
            Some(m) if m.finished => None,
            Some(m) => Some(m.cursor),
            None => Some(0),
        }
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let mut tmp = PathBuf::from(path);
        tmp.set_extension("tmp");
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, path))
            .map_err(|e| usage(format!("cannot write checkpoint {}: {e}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_resume() {
        let dir = std::env::temp_dir().join(format!("cachectl-cp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("run.ckpt");
        let mut cp = Checkpoint {
            pattern: "a:*".into(),
            ..Default::default()
        };
        cp.nodes.insert(
            "n1".into(),
            NodeMark {
                cursor: 42,
                finished: false,
            },
        );
        cp.nodes.insert(
            "n2".into(),
            NodeMark {
                cursor: 0,
                finished: true,
            },
        );
        cp.save(&path).expect("save");
        let back = Checkpoint::load(&path, "a:*").expect("load").expect("some");
        assert_eq!(back, cp);
        assert_eq!(back.start_of("n1"), Some(42));
        assert_eq!(back.start_of("n2"), None);
        assert_eq!(back.start_of("n3"), Some(0));
        assert!(Checkpoint::load(&path, "b:*").is_err());
        assert!(Checkpoint::load(&dir.join("none"), "a:*")
            .expect("ok")
            .is_none());
        std::fs::remove_dir_all(&dir).ok();
    }
}
