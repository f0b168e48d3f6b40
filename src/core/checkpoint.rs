//! Checkpoint files for resumable bulk runs: what the run was (server, pattern,
//! filters) and, per node, the last cursor whose keys are all handled, with the
//! run id of the server process the cursor belongs to.
//!
//! Checkpoints often live in shared directories, so a file is only trusted when
//! it is a regular file owned by the running user, not writable by others, and
//! written for the same server, pattern and filters. It is written through a
//! fresh temp file (created exclusively, mode 0600, never through a symlink)
//! renamed over the old one.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::usage;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NodeMark {
    pub cursor: u64,
    pub finished: bool,
    /// Run id (INFO server) of the process the cursor is for; `None` when the
    /// user may not run INFO (the cursor cannot be trusted on resume).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
}

/// What a cursor is only meaningful for: the same server and database, pattern
/// and filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Scope {
    /// Server URL (without user name or password), database included.
    #[serde(default)]
    pub server: String,
    pub pattern: String,
    /// `--type` filter.
    #[serde(default)]
    pub key_type: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Checkpoint {
    #[serde(flatten)]
    pub scope: Scope,
    pub nodes: BTreeMap<String, NodeMark>,
    pub deleted: u64,
}

/// A URL as recorded in a checkpoint: the user name is not part of the target.
pub fn server_of(display_url: &str) -> String {
    match (display_url.find("://"), display_url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            format!("{}{}", &display_url[..s + 3], &display_url[at + 1..])
        }
        _ => display_url.to_string(),
    }
}

impl Checkpoint {
    pub fn new(scope: Scope) -> Self {
        Checkpoint {
            scope,
            ..Default::default()
        }
    }

    /// Load the checkpoint at `path` for a run of `scope`; a missing file is a
    /// fresh start. A file another user could have written, or one written for
    /// another run, is refused (usage error).
    pub fn load(path: &Path, scope: &Scope) -> anyhow::Result<Option<Checkpoint>> {
        let shown = path.display();
        let mut file = match std::fs::OpenOptions::new()
            .read(true)
            // O_NONBLOCK: a FIFO planted at the path must not hang the open;
            // it is refused below as not a regular file.
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                return Err(usage(format!(
                    "checkpoint {shown} is a symbolic link: refusing to use it"
                )))
            }
            Err(e) => return Err(usage(format!("cannot read checkpoint {shown}: {e}"))),
        };
        let meta = file
            .metadata()
            .map_err(|e| usage(format!("cannot read checkpoint {shown}: {e}")))?;
        if !meta.is_file() {
            return Err(usage(format!("checkpoint {shown} is not a regular file")));
        }
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(usage(format!(
                "checkpoint {shown} is owned by uid {}, not by you (uid {me}): refusing to trust it; remove it or use a private path",
                meta.uid()
            )));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(usage(format!(
                "checkpoint {shown} is writable by other users: refusing to trust it"
            )));
        }
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| usage(format!("cannot read checkpoint {shown}: {e}")))?;
        let cp: Checkpoint = serde_json::from_str(&text)
            .map_err(|e| usage(format!("checkpoint {shown} is not valid: {e}")))?;
        cp.check_scope(scope).map_err(|why| {
            usage(format!(
                "checkpoint {shown} {why}: remove it or use another file"
            ))
        })?;
        Ok(Some(cp))
    }

    /// Why this checkpoint does not belong to a run of `scope`, if it does not.
    fn check_scope(&self, scope: &Scope) -> Result<(), String> {
        let mine = &self.scope;
        if mine.server != scope.server {
            return Err(if mine.server.is_empty() {
                "records no server (older format)".to_string()
            } else {
                format!(
                    "was written for server {}, not {}",
                    mine.server, scope.server
                )
            });
        }
        if mine.pattern != scope.pattern {
            return Err(format!(
                "belongs to pattern '{}', not '{}'",
                mine.pattern, scope.pattern
            ));
        }
        if mine.key_type != scope.key_type {
            let show = |t: &Option<String>| match t {
                Some(t) => format!("--type {t}"),
                None => "no --type".to_string(),
            };
            return Err(format!(
                "was written with {}, this run has {}",
                show(&mine.key_type),
                show(&scope.key_type)
            ));
        }
        Ok(())
    }

    /// Where a node starts: `None` when it already finished.
    pub fn start_of(&self, addr: &str) -> Option<u64> {
        match self.nodes.get(addr) {
            Some(m) if m.finished => None,
            Some(m) => Some(m.cursor),
            None => Some(0),
        }
    }

    /// Write atomically: a new temp file beside `path` (exclusive, 0600), then
    /// rename. A planted file or symlink at any name is never written through.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let fail =
            |e: std::io::Error| usage(format!("cannot write checkpoint {}: {e}", path.display()));
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = serde_json::to_string_pretty(self)?;
        // tempfile creates with O_CREAT|O_EXCL and mode 0600.
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(fail)?;
        tmp.write_all(text.as_bytes()).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(path).map_err(|e| fail(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(pattern: &str) -> Scope {
        Scope {
            server: "redis://h:1".into(),
            pattern: pattern.into(),
            key_type: None,
        }
    }

    #[test]
    fn round_trip_and_resume() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("run.ckpt");
        let mut cp = Checkpoint::new(scope("a:*"));
        cp.nodes.insert(
            "n1".into(),
            NodeMark {
                cursor: 42,
                finished: false,
                run_id: Some("abc".into()),
            },
        );
        cp.nodes.insert(
            "n2".into(),
            NodeMark {
                cursor: 0,
                finished: true,
                run_id: None,
            },
        );
        cp.save(&path).expect("save");
        let back = Checkpoint::load(&path, &scope("a:*"))
            .expect("load")
            .expect("some");
        assert_eq!(back, cp);
        assert_eq!(back.start_of("n1"), Some(42));
        assert_eq!(back.start_of("n2"), None);
        assert_eq!(back.start_of("n3"), Some(0));
        assert!(Checkpoint::load(&path, &scope("b:*")).is_err());
        let typed = Scope {
            key_type: Some("hash".into()),
            ..scope("a:*")
        };
        assert!(Checkpoint::load(&path, &typed).is_err());
        let other = Scope {
            server: "redis://h:2".into(),
            ..scope("a:*")
        };
        assert!(Checkpoint::load(&path, &other).is_err());
        assert!(Checkpoint::load(&dir.path().join("none"), &scope("a:*"))
            .expect("ok")
            .is_none());
    }

    #[test]
    fn server_drops_the_user_name() {
        assert_eq!(server_of("redis://app:***@h:1/2"), "redis://h:1/2");
        assert_eq!(server_of("redis://h:1"), "redis://h:1");
        assert_eq!(server_of("redis+unix:///s"), "redis+unix:///s");
    }
}
