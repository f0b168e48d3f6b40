//! What to do after one attempt at one command: the MOVED / ASK / TRYAGAIN /
//! CLUSTERDOWN / LOADING / READONLY / dropped-connection decision, as a pure
//! function of the reply (or error) and the attempt's state, so that every
//! rule is tested on scripted replies without a server.

use std::time::Duration;

use redis::{ErrorKind, RedisError, ServerErrorKind, Value};

use super::errors::{describe_error, is_dropped};
use super::{Idempotent, MAX_ATTEMPTS};

/// Which kind of deployment the command went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deployment {
    Standalone,
    Cluster,
    /// A master found through Sentinel (it may turn replica in a failover).
    Sentinel,
}

/// The state of the attempt that produced a reply.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    /// 1 for the first send.
    pub n: u32,
    /// Still within [`SETTLE_BUDGET`] since the first send.
    pub settling: bool,
    pub idem: Idempotent,
    pub deployment: Deployment,
    /// Sent by slot (a redirect can be followed), not to one given node.
    pub routed: bool,
}

impl Attempt {
    /// Redirects and waits stop being followed only when both the attempts
    /// and the settle budget are used up: a failover takes seconds.
    fn exhausted(&self) -> bool {
        self.n >= MAX_ATTEMPTS && !self.settling
    }
}

/// What one attempt gave back.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// A reply inside a pipeline (error replies included).
    Reply(&'a Value),
    /// The whole send failed (connection errors, or a single command's error).
    Error(&'a RedisError),
}

/// The next step for the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The reply is the command's answer (an ordinary error reply included).
    Done,
    /// ASK: send it once more to `node`, after ASKING.
    Ask {
        node: String,
    },
    /// MOVED, or a cluster replica refusing a write: the slot map is stale;
    /// re-read it and send again.
    Refresh,
    /// TRYAGAIN, CLUSTERDOWN, LOADING, MASTERDOWN: wait, then send again.
    RetryAfter(Duration),
    /// The connection dropped: wait, reconnect (a failed reconnect is retried
    /// like the command), send again.
    Reconnect {
        after: Duration,
    },
    /// The Sentinel master turned replica: ask the sentinels for the new one
    /// (a failure to find it ends the run), then send again.
    FindMaster,
    Fail(Fail),
}

/// Why a command is given up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fail {
    /// The error itself is the failure.
    Error,
    /// A standalone replica refused a write: it never will take it.
    ReadOnlyReplica,
    /// A failover met work that must not run twice: it may or may not have
    /// taken effect.
    NotSafeTwice(String),
    /// Redirects or waits went on past the attempts and the settle budget.
    KeptRedirecting,
}

/// How a reply or an error reads for routing.
#[derive(Debug, PartialEq, Eq)]
enum Redirect {
    Moved,
    Ask(String),
    Wait,
    /// A replica refused a write: on a cluster the slot map is stale (as for
    /// MOVED); a standalone replica never takes the write, however often it
    /// is sent.
    ReadOnly,
}

fn redirect_of(err: &redis::ServerError) -> Option<Redirect> {
    match err.kind() {
        Some(ServerErrorKind::Moved) => Some(Redirect::Moved),
        Some(ServerErrorKind::Ask) => {
            let addr = err.details()?.split_whitespace().nth(1)?.to_string();
            Some(Redirect::Ask(addr))
        }
        Some(
            ServerErrorKind::TryAgain
            | ServerErrorKind::ClusterDown
            | ServerErrorKind::BusyLoading
            | ServerErrorKind::MasterDown,
        ) => Some(Redirect::Wait),
        Some(ServerErrorKind::ReadOnly) => Some(Redirect::ReadOnly),
        // Before 7.0 a write refused inside a script comes back as a script
        // error that quotes the READONLY reply.
        _ if err
            .details()
            .is_some_and(|d| d.contains("-READONLY You can't write")) =>
        {
            Some(Redirect::ReadOnly)
        }
        _ => None,
    }
}

fn redirect_of_error(err: &RedisError) -> Option<Redirect> {
    match err.kind() {
        ErrorKind::Server(ServerErrorKind::Moved) => Some(Redirect::Moved),
        ErrorKind::Server(ServerErrorKind::ReadOnly) => Some(Redirect::ReadOnly),
        // `(address, slot)`: the address is already `host:port`.
        ErrorKind::Server(ServerErrorKind::Ask) => err
            .redirect_node()
            .map(|(addr, _slot)| Redirect::Ask(addr.to_string())),
        ErrorKind::Server(
            ServerErrorKind::TryAgain
            | ServerErrorKind::ClusterDown
            | ServerErrorKind::BusyLoading
            | ServerErrorKind::MasterDown,
        ) => Some(Redirect::Wait),
        _ => None,
    }
}

/// How long to wait before attempt `attempt + 1`.
pub(super) fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((25u64 << attempt.min(6)).min(1000))
}

/// The next step after one attempt at one command.
pub fn decide(outcome: Outcome<'_>, a: &Attempt) -> Action {
    let (redirect, dropped) = match outcome {
        Outcome::Reply(Value::ServerError(e)) => (redirect_of(e), None),
        Outcome::Reply(_) => return Action::Done,
        Outcome::Error(e) => (redirect_of_error(e), Some(e).filter(|e| is_dropped(e))),
    };
    // A redirect that cannot be followed any more: in a pipeline, the slot's
    // fault; for a single command, its error.
    let given_up = || match outcome {
        Outcome::Reply(_) => Action::Fail(Fail::KeptRedirecting),
        Outcome::Error(_) => Action::Fail(Fail::Error),
    };
    match redirect {
        Some(Redirect::ReadOnly) => match a.deployment {
            Deployment::Sentinel if a.idem == Idempotent::No => Action::Fail(Fail::NotSafeTwice(
                "the master turned replica (READONLY): a Sentinel failover".into(),
            )),
            Deployment::Sentinel if a.exhausted() => given_up(),
            Deployment::Sentinel => Action::FindMaster,
            Deployment::Cluster if a.routed && a.exhausted() => given_up(),
            Deployment::Cluster if a.routed => Action::Refresh,
            _ => Action::Fail(Fail::ReadOnlyReplica),
        },
        Some(Redirect::Moved | Redirect::Ask(_)) if !a.routed => Action::Fail(Fail::Error),
        Some(Redirect::Moved | Redirect::Ask(_) | Redirect::Wait) if a.exhausted() => given_up(),
        Some(Redirect::Moved) => Action::Refresh,
        Some(Redirect::Ask(node)) => Action::Ask { node },
        Some(Redirect::Wait) => Action::RetryAfter(backoff(a.n)),
        None => match dropped {
            // An ordinary error reply is the command's answer.
            None if matches!(outcome, Outcome::Reply(_)) => Action::Done,
            None => Action::Fail(Fail::Error),
            Some(e) if a.idem == Idempotent::No => match a.deployment {
                Deployment::Sentinel => Action::Fail(Fail::NotSafeTwice(format!(
                    "connection to the master lost (a Sentinel failover?): {}",
                    describe_error(e)
                ))),
                _ => Action::Fail(Fail::Error),
            },
            // A server that is gone fails fast: no settle budget for drops.
            Some(_) if a.n >= MAX_ATTEMPTS => Action::Fail(Fail::Error),
            Some(_) => Action::Reconnect {
                after: backoff(a.n),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(resp: &str) -> Value {
        match redis::parse_redis_value(resp.as_bytes()) {
            Ok(v) => v,
            Err(e) => panic!("bad scripted reply {resp:?}: {e}"),
        }
    }

    /// The error a single command's send returns for a scripted error reply.
    fn error(resp: &str) -> RedisError {
        match reply(resp).extract_error() {
            Err(e) => e,
            Ok(v) => panic!("{resp:?} is no error reply: {v:?}"),
        }
    }

    fn reset() -> RedisError {
        std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer").into()
    }

    fn timeout() -> RedisError {
        std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out").into()
    }

    fn first(deployment: Deployment) -> Attempt {
        Attempt {
            n: 1,
            settling: true,
            idem: Idempotent::Yes,
            deployment,
            routed: true,
        }
    }

    const CLUSTER: Deployment = Deployment::Cluster;

    fn on_reply(resp: &str, a: Attempt) -> Action {
        decide(Outcome::Reply(&reply(resp)), &a)
    }

    #[test]
    fn answers_are_done_error_replies_included() {
        let a = first(CLUSTER);
        assert_eq!(on_reply("+OK\r\n", a), Action::Done);
        assert_eq!(on_reply(":3\r\n", a), Action::Done);
        assert_eq!(on_reply("$-1\r\n", a), Action::Done);
        assert_eq!(
            on_reply("-WRONGTYPE Operation against a key\r\n", a),
            Action::Done
        );
        assert_eq!(
            on_reply("-NOSCRIPT No matching script\r\n", a),
            Action::Done
        );
    }

    #[test]
    fn moved_refreshes_the_map_and_ask_goes_to_the_named_node() {
        let a = first(CLUSTER);
        assert_eq!(
            on_reply("-MOVED 3999 127.0.0.1:6381\r\n", a),
            Action::Refresh
        );
        assert_eq!(
            on_reply("-ASK 3999 127.0.0.1:6381\r\n", a),
            Action::Ask {
                node: "127.0.0.1:6381".into()
            }
        );
        // Redirects say the server did not run the command: followed even
        // for work that must not run twice.
        let once = Attempt {
            idem: Idempotent::No,
            ..a
        };
        assert_eq!(
            on_reply("-MOVED 3999 127.0.0.1:6381\r\n", once),
            Action::Refresh
        );
        assert_eq!(
            decide(Outcome::Error(&error("-MOVED 1 127.0.0.1:7\r\n")), &a),
            Action::Refresh
        );
        assert_eq!(
            decide(Outcome::Error(&error("-ASK 1 127.0.0.1:7\r\n")), &a),
            Action::Ask {
                node: "127.0.0.1:7".into()
            }
        );
    }

    #[test]
    fn a_command_for_one_given_node_does_not_follow_redirects() {
        let a = Attempt {
            routed: false,
            ..first(CLUSTER)
        };
        assert_eq!(
            decide(Outcome::Error(&error("-MOVED 1 127.0.0.1:7\r\n")), &a),
            Action::Fail(Fail::Error)
        );
        assert_eq!(
            decide(
                Outcome::Error(&error(
                    "-READONLY You can't write against a read only replica.\r\n"
                )),
                &a
            ),
            Action::Fail(Fail::ReadOnlyReplica)
        );
    }

    #[test]
    fn settling_states_wait_with_growing_backoff() {
        for resp in [
            "-TRYAGAIN Multiple keys request during rehashing of slot\r\n",
            "-CLUSTERDOWN The cluster is down\r\n",
            "-LOADING Redis is loading the dataset in memory\r\n",
            "-MASTERDOWN Link with MASTER is down\r\n",
        ] {
            let a1 = on_reply(resp, first(CLUSTER));
            let a3 = on_reply(
                resp,
                Attempt {
                    n: 3,
                    ..first(CLUSTER)
                },
            );
            match (a1, a3) {
                (Action::RetryAfter(d1), Action::RetryAfter(d3)) => {
                    assert!(d1 < d3, "{resp}: {d1:?} then {d3:?}")
                }
                other => panic!("{resp}: {other:?}"),
            }
        }
        // Standalone LOADING (a restart) is waited out the same way.
        assert!(matches!(
            on_reply("-LOADING loading\r\n", first(Deployment::Standalone)),
            Action::RetryAfter(_)
        ));
    }

    #[test]
    fn redirects_go_on_until_both_attempts_and_budget_are_used_up() {
        let many = Attempt {
            n: MAX_ATTEMPTS + 5,
            ..first(CLUSTER)
        };
        // Past the attempts but within the budget: a failover is settling.
        assert_eq!(on_reply("-MOVED 1 127.0.0.1:7\r\n", many), Action::Refresh);
        let spent = Attempt {
            settling: false,
            ..many
        };
        for resp in [
            "-MOVED 1 127.0.0.1:7\r\n",
            "-ASK 1 127.0.0.1:7\r\n",
            "-TRYAGAIN x\r\n",
            "-READONLY You can't write against a read only replica.\r\n",
        ] {
            assert_eq!(
                on_reply(resp, spent),
                Action::Fail(Fail::KeptRedirecting),
                "{resp}"
            );
        }
        // Budget gone but attempts left: still followed.
        let early = Attempt {
            settling: false,
            ..first(CLUSTER)
        };
        assert_eq!(
            on_reply("-TRYAGAIN x\r\n", early),
            Action::RetryAfter(backoff(1))
        );
    }

    #[test]
    fn readonly_depends_on_the_deployment() {
        let ro = "-READONLY You can't write against a read only replica.\r\n";
        assert_eq!(on_reply(ro, first(CLUSTER)), Action::Refresh);
        assert_eq!(
            on_reply(ro, first(Deployment::Standalone)),
            Action::Fail(Fail::ReadOnlyReplica)
        );
        assert_eq!(
            on_reply(ro, first(Deployment::Sentinel)),
            Action::FindMaster
        );
        let once = Attempt {
            idem: Idempotent::No,
            ..first(Deployment::Sentinel)
        };
        assert!(
            matches!(on_reply(ro, once), Action::Fail(Fail::NotSafeTwice(m)) if m.contains("READONLY"))
        );
        // Pre-7.0 scripts quote the refusal inside their own error.
        let script = "-ERR Error running script (call to f_1): @user_script:1: -READONLY You can't write against a read only replica.\r\n";
        assert_eq!(
            on_reply(script, first(Deployment::Standalone)),
            Action::Fail(Fail::ReadOnlyReplica)
        );
    }

    #[test]
    fn dropped_connections_are_retried_only_for_idempotent_work() {
        let e = reset();
        let a = first(CLUSTER);
        assert_eq!(
            decide(Outcome::Error(&e), &a),
            Action::Reconnect { after: backoff(1) }
        );
        let once = Attempt {
            idem: Idempotent::No,
            ..a
        };
        assert_eq!(decide(Outcome::Error(&e), &once), Action::Fail(Fail::Error));
        let sentinel = Attempt {
            deployment: Deployment::Sentinel,
            ..once
        };
        assert!(matches!(
            decide(Outcome::Error(&e), &sentinel),
            Action::Fail(Fail::NotSafeTwice(m)) if m.contains("connection to the master lost")
        ));
        // A server that is gone fails after the attempts, budget or not.
        let last = Attempt {
            n: MAX_ATTEMPTS,
            ..a
        };
        assert_eq!(decide(Outcome::Error(&e), &last), Action::Fail(Fail::Error));
    }

    #[test]
    fn timeouts_and_other_errors_fail_at_once() {
        let a = first(CLUSTER);
        assert_eq!(
            decide(Outcome::Error(&timeout()), &a),
            Action::Fail(Fail::Error)
        );
        assert_eq!(
            decide(Outcome::Error(&error("-NOPERM no permissions\r\n")), &a),
            Action::Fail(Fail::Error)
        );
        assert_eq!(
            decide(Outcome::Error(&error("-ERR unknown command\r\n")), &a),
            Action::Fail(Fail::Error)
        );
    }
}
