//! Command-line types only: clap derive structs, no I/O and no Redis.
//!
//! Raw flags are validated into configs by the commands and the core; this module
//! only describes what can be typed.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::core::keytype::KeyType;
use crate::parse::{parse_duration, parse_positive_duration};

const ROOT_EXAMPLES: &str = r#"Examples:
  cachectl get user:42                        # type-aware read of one key
  cachectl --json ttl --pattern 'session:*'   # TTL distribution as JSON
  cachectl -u redis://10.0.0.5:6379/2 set greeting hello --ttl 1h
  REDIS_URL=redis://127.0.0.1:7000 cachectl ttl --pattern 'cache:*' \
    --only-persistent --set 1d --yes"#;

/// Operations toolkit for Redis caches: invalidate, warm, inspect, debug locks and rate limiters.
#[derive(Debug, Parser)]
#[command(
    name = "cachectl",
    version,
    disable_help_flag = true,
    arg_required_else_help = true,
    after_help = ROOT_EXAMPLES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The short help (`cachectl` alone) says there is more, as clap's own flag does.
const HELP_SHORT: &str = "Print help (see more with '--help')";

/// Help heading of the options that say where and how to connect.
const CONN: &str = "Connection options";

/// Options every subcommand accepts (connection, output, safety). Help lists
/// them after a command's own options: connection options, then the others.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options", next_display_order = 1000)]
pub struct GlobalArgs {
    /// Server URL (default redis://127.0.0.1:6379)
    ///
    /// redis://[user:pass@]host:port[/db], rediss://… (TLS), redis+unix:///path.sock, or
    /// redis+sentinel://[user:pass@]host:port[,host:port…]/MASTER[/db]
    #[arg(
        short = 'u',
        long,
        env = "REDIS_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true,
        help_heading = CONN
    )]
    pub url: Option<String>,

    /// Server host (overrides the URL's host)
    #[arg(short = 'h', long, global = true, value_name = "HOST", help_heading = CONN)]
    pub host: Option<String>,

    /// Server port (overrides the URL's port)
    #[arg(short = 'p', long, global = true, value_name = "PORT", help_heading = CONN)]
    pub port: Option<u16>,

    /// Database number (overrides the URL's /db)
    #[arg(short = 'n', long, global = true, value_name = "DB", help_heading = CONN)]
    pub db: Option<i64>,

    /// ACL user name
    #[arg(long, global = true, value_name = "USER", help_heading = CONN)]
    pub user: Option<String>,

    /// Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)
    #[arg(short = 'a', long = "pass", global = true, value_name = "PASSWORD", help_heading = CONN)]
    pub pass: Option<String>,

    /// Prompt for the password on the terminal
    #[arg(long, global = true, help_heading = CONN)]
    pub askpass: bool,

    /// Use TLS (as rediss:// does)
    #[arg(long, global = true, help_heading = CONN)]
    pub tls: bool,

    /// CA certificate (PEM) to verify the server with
    #[arg(long, global = true, value_name = "FILE", help_heading = CONN)]
    pub cacert: Option<PathBuf>,

    /// Client certificate (PEM) for servers that demand one
    #[arg(long, global = true, value_name = "FILE", requires = "tls_key", help_heading = CONN)]
    pub cert: Option<PathBuf>,

    /// Client private key (PEM) for --cert
    #[arg(
        long = "key",
        id = "tls_key",
        global = true,
        value_name = "FILE",
        requires = "cert",
        help_heading = CONN
    )]
    pub tls_key: Option<PathBuf>,

    /// Do not verify the server's certificate (TLS without authentication)
    #[arg(long, global = true, help_heading = CONN)]
    pub insecure: bool,

    /// A Sentinel to ask for the master's address (host:port; repeat for each), with --master
    #[arg(long = "sentinel", global = true, value_name = "HOST:PORT", action = ArgAction::Append, help_heading = CONN)]
    pub sentinels: Vec<String>,

    /// Name of the master the sentinels watch (with --sentinel)
    #[arg(long, global = true, value_name = "NAME", help_heading = CONN)]
    pub master: Option<String>,

    /// ACL user for the sentinels (not the data node's: that is --user)
    #[arg(long, global = true, value_name = "USER", help_heading = CONN)]
    pub sentinel_user: Option<String>,

    /// Password for the sentinels (not the data node's: that is --pass)
    #[arg(long, global = true, value_name = "PASSWORD", help_heading = CONN)]
    pub sentinel_pass: Option<String>,

    /// Namespace: NS: is put before every key, pattern, tag and lock name given
    #[arg(long, global = true, value_name = "NS")]
    pub prefix: Option<String>,

    /// Output format (default: table on a terminal, plain otherwise)
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// Same as --output json
    #[arg(long, global = true, conflicts_with = "output")]
    pub json: bool,

    /// Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)
    #[arg(long, global = true, value_parser = parse_duration, default_value = "5s", value_name = "DURATION", help_heading = CONN)]
    pub timeout: Duration,

    /// No progress bars and no notices on stderr
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,

    /// No progress bars
    #[arg(long, global = true)]
    pub no_progress: bool,

    /// Answer yes to confirmations (needed for destructive work when stdin is not a terminal)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// Print help
    #[arg(long, global = true, action = ArgAction::Help, help = HELP_SHORT, long_help = "Print help")]
    pub help: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Plain,
    /// Prometheus text exposition format (stats only)
    Prometheus,
}

// The global options took display orders from 1000 on; commands count from 0
// again so they keep their order, with clap's `help` last.
#[derive(Debug, Subcommand)]
#[command(next_display_order = 0)]
pub enum Command {
    /// Read keys, whatever their type (string, hash, list, set, zset, stream)
    #[command(after_help = GET_EXAMPLES)]
    Get(GetArgs),

    /// Write a string value, optionally with a TTL
    #[command(after_help = SET_EXAMPLES)]
    Set(SetArgs),

    /// Show or change TTLs of keys, or of every key matching a pattern
    #[command(after_help = TTL_EXAMPLES)]
    Ttl(TtlArgs),

    /// Delete every key matching a glob pattern (SCAN + pipelined UNLINK)
    #[command(after_help = SCAN_DELETE_EXAMPLES)]
    ScanDelete(ScanDeleteArgs),

    /// Delete every key that starts with a literal prefix
    #[command(after_help = FLUSH_PREFIX_EXAMPLES)]
    FlushPrefix(FlushPrefixArgs),

    /// Cache-or-compute: print KEY, or run CMD once (across processes) and store its output
    #[command(after_help = REMEMBER_EXAMPLES)]
    Remember(RememberArgs),

    /// Distributed locks: acquire, release, extend, inspect, break, or run a command under one
    #[command(after_help = LOCK_EXAMPLES)]
    Lock(LockArgs),

    /// Exercise, inspect and debug a rate limiter against the server's clock
    #[command(after_help = RATELIMIT_TEST_EXAMPLES)]
    RatelimitTest(RatelimitTestArgs),
    /// Bulk-load keys from JSON lines or CSV (validated first; nothing written on bad input)
    #[command(after_help = WARM_EXAMPLES)]
    Warm(WarmArgs),

    /// Server and keyspace statistics: memory, hit rate, keys per prefix, biggest keys, latency
    #[command(after_help = STATS_EXAMPLES)]
    Stats(StatsArgs),

    /// Delete every key in one or more tag sets, then the tags themselves
    #[command(after_help = TAG_INVALIDATE_EXAMPLES)]
    TagInvalidate(TagInvalidateArgs),

    /// Print shell completions or man pages (used to refresh completions/ and man/)
    #[command(hide = true)]
    Generate(GenerateArgs),
}

const RATELIMIT_TEST_EXAMPLES: &str = r#"Examples:
  # 15 requests against a limit of 10 per minute: 10 allowed
  cachectl ratelimit-test api:user:42 --limit 10 --window 1m --requests 15
  cachectl --json ratelimit-test ci:probe --algo token-bucket --burst 20 \
    --rps 50 --concurrency 4
  # explain an application's limiter; changes nothing
  cachectl ratelimit-test ratelimit:scraper:amazon --inspect --limit 10
  cachectl ratelimit-test rate:user:42 --algo gcra --limit 5 --window 1s \
    --interactive
  Each request is one atomic Lua call on the server's clock (TIME); every
  key written has a TTL."#;

/// Rate-limiting algorithms, each in the key layout common libraries use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RateAlgo {
    /// Sorted set of request timestamps, one entry per unit (ZADD, PEXPIRE)
    SlidingLog,
    /// Counter with INCR + PEXPIRE, the window starting at its first request
    FixedWindow,
    /// Hash with fields tokens and ts, refilled lazily
    TokenBucket,
    /// Theoretical arrival time as in go-redis/redis_rate (seconds since 2017-01-01)
    Gcra,
}

/// Unit of the timestamps in a sliding log's scores or a token bucket's ts field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StampUnit {
    /// Detected from the key's newest timestamp; milliseconds for a new key
    Auto,
    /// Seconds
    S,
    /// Milliseconds (Date.now())
    Ms,
    /// Microseconds
    Us,
    /// Nanoseconds (Go's time.Now().UnixNano())
    Ns,
}

/// Arguments of `ratelimit-test`.
#[derive(Debug, Args)]
pub struct RatelimitTestArgs {
    /// The limiter's key, as the application names it (e.g. ratelimit:scraper:amazon, rate:user:42)
    #[arg(id = "limiter_key", value_name = "KEY")]
    pub limiter_key: OsString,

    /// Algorithm and key layout [default: sliding-log; with --inspect: detected]
    #[arg(long, value_enum, value_name = "ALGO")]
    pub algo: Option<RateAlgo>,

    /// Requests allowed per window [default: 10; sliding-log: at most 100000]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub limit: Option<u64>,

    /// Window length: 1s, 1m, 1h [default: 1m]
    #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION")]
    pub window: Option<Duration>,

    /// Capacity of a token bucket, or GCRA burst [default: the limit]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub burst: Option<u64>,

    /// How many requests to send [default: twice the limit or burst]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000), conflicts_with_all = ["inspect", "reset", "interactive"])]
    pub requests: Option<u64>,

    /// Start one request every DURATION (default: as fast as possible)
    #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION", conflicts_with_all = ["rps", "inspect", "reset", "interactive"])]
    pub interval: Option<Duration>,

    /// Start F requests per second (default: as fast as possible)
    #[arg(long, value_parser = parse_rps, value_name = "F", conflicts_with_all = ["inspect", "reset", "interactive"])]
    pub rps: Option<f64>,

    /// Concurrent clients sharing the requests
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000), conflicts_with_all = ["inspect", "reset", "interactive"])]
    pub concurrency: Option<u32>,

    /// Units each request consumes [sliding-log: at most 1000]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000_000), conflicts_with_all = ["inspect", "reset"])]
    pub cost: Option<u64>,

    /// Record denied requests too (sliding-log, fixed-window), as some libraries do: a client hammering the limiter stays blocked
    #[arg(long, conflicts_with_all = ["inspect", "reset"])]
    pub count_denied: bool,

    /// Timestamp unit of the sliding log's scores or the token bucket's ts field
    #[arg(long, value_enum, value_name = "UNIT", default_value = "auto")]
    pub unit: StampUnit,

    /// Explain the limiter's current state (whatever wrote it) without changing it
    #[arg(long, conflicts_with_all = ["reset", "interactive"])]
    pub inspect: bool,

    /// Delete the limiter's key (asks first; --yes in scripts)
    #[arg(long, conflicts_with = "interactive")]
    pub reset: bool,

    /// On a terminal: each Enter sends one request and shows the verdict and the state; q quits
    #[arg(long)]
    pub interactive: bool,
}

/// `--type`: one of the key types a filter can name, as a closed set (a typo
/// is exit 2 listing them).
fn key_types() -> impl clap::builder::TypedValueParser<Value = KeyType> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(KeyType::FILTERS.map(|t| {
        let v = PossibleValue::new(t.as_str());
        match t.describe() {
            Some(help) => v.help(help),
            None => v,
        }
    }))
    .try_map(|name| name.parse::<KeyType>())
}

fn parse_rps(s: &str) -> Result<f64, String> {
    // The slowest rate is one request per 100 years, as --interval's longest.
    const SLOWEST: f64 = 1.0 / (100.0 * 365.25 * 86_400.0);
    match s.trim().parse::<f64>() {
        Ok(r) if (SLOWEST..=1_000_000.0).contains(&r) => Ok(r),
        _ => Err(format!(
            "'{s}' is not a rate: give requests per second, at least one per 100 years and at most 1000000"
        )),
    }
}

const TAG_INVALIDATE_EXAMPLES: &str = r#"Examples:
  # the members of tag:products; nothing deleted
  cachectl tag-invalidate products --dry-run
  cachectl tag-invalidate products prices --yes --publish cache-invalidations
  # Laravel's layout
  cachectl tag-invalidate users --yes \
    --tag-key 'laravel_cache:tag:{tag}:entries'
  # drop members whose keys are gone
  cachectl tag-invalidate products --prune"#;

/// Where tag sets live: `tag:NAME` by default.
#[derive(Debug, Args, Clone)]
pub struct TagLayoutArgs {
    /// Tag sets are PREFIX + tag name
    #[arg(long, default_value = "tag:", value_name = "PREFIX")]
    pub tag_prefix: String,

    /// Tag key template with {tag} for the name, e.g. 'myapp:tag:{tag}:entries' (overrides --tag-prefix)
    #[arg(long, value_name = "TEMPLATE")]
    pub tag_key: Option<String>,
}

/// Arguments of `tag-invalidate`.
#[derive(Debug, Args)]
pub struct TagInvalidateArgs {
    /// Tag names
    #[arg(required = true, value_name = "TAG")]
    pub tags: Vec<String>,

    #[command(flatten)]
    pub layout: TagLayoutArgs,

    /// Only remove members whose keys no longer exist; delete no keys
    #[arg(long)]
    pub prune: bool,

    /// Announce the invalidation on this pub/sub channel (JSON message)
    #[arg(long, value_name = "CHANNEL")]
    pub publish: Option<String>,

    /// Report what would be deleted; change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Members per SSCAN/ZSCAN call
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub count: u32,

    /// Keys per UNLINK round trip
    #[arg(long, default_value_t = 500, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch: u32,

    /// At most N deletions per second
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub rate: Option<u64>,

    /// Use DEL instead of UNLINK
    #[arg(long)]
    pub del: bool,

    /// Hold other clients' latency near this (e.g. 2ms): a probe on a
    /// connection of its own measures what a neighbour's command waits, and
    /// the pace follows it. Default: 2ms when stderr is a terminal, else full
    /// speed; 0 = full speed
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub max_latency: Option<Duration>,
}

const REMEMBER_EXAMPLES: &str = r#"Examples:
  # CI: run once, reuse for an hour
  cachectl remember deps:hash --ttl 1h -- ./compute-deps.sh
  # refresh early, before expiry
  cachectl remember report:daily --ttl 1d --beta 1 -- make report
  cachectl remember config --forever -- curl -sf https://config.example/app
  Concurrent runs on one missing key compute once; the others wait (--wait)
  and print the same value."#;

/// Arguments of `remember`.
#[derive(Debug, Args)]
pub struct RememberArgs {
    /// Cache key
    #[arg(value_name = "KEY")]
    pub key: OsString,

    /// How long the computed value lives
    #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION", required_unless_present = "forever", conflicts_with = "forever")]
    pub ttl: Option<Duration>,

    /// Store the computed value without a TTL
    #[arg(long)]
    pub forever: bool,

    /// How long to wait for another process computing the same key
    #[arg(long, value_parser = parse_duration, default_value = "30s", value_name = "DURATION")]
    pub wait: Duration,

    /// Probabilistic early recomputation (XFetch); 0 disables, 1 is the usual choice
    #[arg(long, default_value_t = 0.0, value_name = "F", value_parser = parse_beta)]
    pub beta: f64,

    /// TTL of the single-flight lock (kept alive while CMD runs)
    #[arg(long, value_parser = parse_positive_duration, default_value = "10s", value_name = "DURATION")]
    pub lock_ttl: Duration,

    /// The command whose stdout is cached
    #[arg(last = true, required = true, value_name = "CMD")]
    pub cmd: Vec<OsString>,
}

fn parse_beta(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(b) if b.is_finite() && b >= 0.0 => Ok(b),
        _ => Err(format!(
            "'{s}' is not a factor >= 0 (0 disables early recomputation)"
        )),
    }
}

const LOCK_ACQUIRE_EXAMPLES: &str = r#"Examples:
  TOKEN=$(cachectl lock acquire deploy --ttl 5m --wait 30s) || exit 1
  cachectl --json lock acquire job --ttl 10s \
    --node redis://a:6379 --node redis://b:6379 --node redis://c:6379"#;

const LOCK_STATUS_EXAMPLES: &str = r#"Examples:
  cachectl lock status lock:scraper:amazon   # an application's lock
  cachectl --json lock status job \
    --node redis://a:6379 --node redis://b:6379 --node redis://c:6379"#;

const LOCK_RUN_EXAMPLES: &str = r#"Examples:
  # cron on several hosts: one runs
  cachectl lock run nightly-import --ttl 30s -- ./import.sh
  # queue behind the current holder
  cachectl lock run deploy --ttl 1m --wait 10m -- make deploy"#;

const LOCK_RELEASE_EXAMPLES: &str = r#"Examples:
  cachectl lock release deploy --token "$TOKEN"   # exit 1 if no longer held"#;

const LOCK_EXTEND_EXAMPLES: &str = r#"Examples:
  cachectl lock extend deploy --token "$TOKEN" --ttl 5m   # 5 minutes from now"#;

const LOCK_LIST_EXAMPLES: &str = r#"Examples:
  cachectl lock list                    # cachectl's locks and *lock* keys
  cachectl --json lock list 'lock:*'    # keys matching lock:* holding a token"#;

const LOCK_BREAK_EXAMPLES: &str = r#"Examples:
  cachectl lock break deploy --dry-run  # who holds it; nothing changed
  cachectl lock break deploy --yes"#;

const LOCK_EXAMPLES: &str = r#"Examples:
  TOKEN=$(cachectl lock acquire deploy --ttl 5m --wait 30s)  # prints the token
  cachectl lock release deploy --token "$TOKEN"
  # extended every 10s, released at exit
  cachectl lock run nightly-import --ttl 30s -- ./import.sh
  cachectl --json lock status lock:scraper:amazon
  cachectl lock acquire job --ttl 10s \
    --node redis://a:6379 --node redis://b:6379 --node redis://c:6379"#;

/// Arguments of `lock`.
#[derive(Debug, Args)]
pub struct LockArgs {
    #[command(subcommand)]
    pub action: LockAction,
}

/// Redlock: independent servers for quorum locking.
#[derive(Debug, Args, Clone)]
pub struct NodesArgs {
    /// Independent server for Redlock quorum locking (repeat; an odd number, at least 3)
    #[arg(long = "node", value_name = "URL")]
    pub nodes: Vec<String>,
}

/// Waking the waiters of libraries that block on a list (python-redis-lock).
#[derive(Debug, Args, Clone)]
pub struct SignalArgs {
    /// List to signal after the lock is freed, as python-redis-lock does (DEL,
    /// LPUSH 1, PEXPIRE); found by itself for `lock:NAME` beside `lock-signal:NAME`
    #[arg(long, value_name = "KEY")]
    pub signal_list: Option<OsString>,
    /// Expiry of the signal list
    #[arg(long, value_parser = parse_positive_duration, default_value = "1s", value_name = "DURATION")]
    pub signal_expire: Duration,
}

/// The fencing counter's lifetime.
#[derive(Debug, Args, Clone)]
pub struct FenceArgs {
    /// TTL of the fencing counter, refreshed on every acquisition (default: 30 days
    /// or 100 x --ttl, whichever is longer; 0 = persistent)
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub fence_ttl: Option<Duration>,
}

#[derive(Debug, Subcommand)]
pub enum LockAction {
    /// Take the lock; print its token (exit 1 if not acquired in time)
    #[command(after_help = LOCK_ACQUIRE_EXAMPLES)]
    Acquire {
        /// Lock key (it holds the owner's token)
        #[arg(value_name = "NAME")]
        name: OsString,
        /// Lock validity
        #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION")]
        ttl: Duration,
        /// Keep trying this long (default: one attempt)
        #[arg(long, value_parser = parse_duration, default_value = "0s", value_name = "DURATION")]
        wait: Duration,
        #[command(flatten)]
        fence: FenceArgs,
        #[command(flatten)]
        nodes: NodesArgs,
    },
    /// Release the lock if TOKEN holds it (exit 1 otherwise)
    #[command(after_help = LOCK_RELEASE_EXAMPLES)]
    Release {
        /// Lock key (it holds the owner's token)
        #[arg(value_name = "NAME")]
        name: OsString,
        /// The token `lock acquire` printed
        #[arg(long, value_name = "TOKEN")]
        token: String,
        #[command(flatten)]
        signal: SignalArgs,
        #[command(flatten)]
        nodes: NodesArgs,
    },
    /// Extend the lock if TOKEN holds it (exit 1 otherwise)
    #[command(after_help = LOCK_EXTEND_EXAMPLES)]
    Extend {
        /// Lock key (it holds the owner's token)
        #[arg(value_name = "NAME")]
        name: OsString,
        /// The token `lock acquire` printed
        #[arg(long, value_name = "TOKEN")]
        token: String,
        /// New validity, from now
        #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION")]
        ttl: Duration,
        #[command(flatten)]
        nodes: NodesArgs,
    },
    /// Who holds the lock, and for how long
    #[command(after_help = LOCK_STATUS_EXAMPLES)]
    Status {
        /// Lock key (it holds the owner's token)
        #[arg(value_name = "NAME")]
        name: OsString,
        #[command(flatten)]
        nodes: NodesArgs,
    },
    /// Held locks, with tokens and TTLs
    ///
    /// Every lock cachectl took and `*lock*` keys holding a token, or the keys
    /// matching PATTERN whose value looks like a token.
    #[command(after_help = LOCK_LIST_EXAMPLES)]
    List {
        /// Glob pattern of lock keys (string keys whose value looks like a token)
        #[arg(value_name = "PATTERN")]
        pattern: Option<OsString>,
    },
    /// Force-release a lock whoever holds it (asks first)
    #[command(after_help = LOCK_BREAK_EXAMPLES)]
    Break {
        /// Lock key (it holds the owner's token)
        #[arg(value_name = "NAME")]
        name: OsString,
        /// Show who holds it; change nothing
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        signal: SignalArgs,
        #[command(flatten)]
        nodes: NodesArgs,
    },
    /// Run CMD while holding the lock; extend it every TTL/3; release at the end
    #[command(after_help = LOCK_RUN_EXAMPLES)]
    Run {
        /// Lock key (it holds the owner's token)
        #[arg(value_name = "NAME")]
        name: OsString,
        /// Lock validity; extended every TTL/3 while CMD runs
        #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION")]
        ttl: Duration,
        /// Keep trying to acquire this long (default: one attempt)
        #[arg(long, value_parser = parse_duration, default_value = "0s", value_name = "DURATION")]
        wait: Duration,
        /// SIGTERM to SIGKILL when CMD must stop (default: TTL/5, at most 2s); the kill
        /// still lands before the lock expires
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        kill_grace: Option<Duration>,
        #[command(flatten)]
        fence: FenceArgs,
        #[command(flatten)]
        nodes: NodesArgs,
        /// The command to run (sees CACHECTL_LOCK_TOKEN and CACHECTL_FENCING_TOKEN)
        #[arg(last = true, required = true, value_name = "CMD")]
        cmd: Vec<OsString>,
    },
}

const WARM_EXAMPLES: &str = r#"Examples:
  # lines such as {"key": "..", "value": .., "ttl": "1h" | 3600}
  cachectl warm fixtures.jsonl --ttl 1h
  cachectl warm prices.csv --ttl-jitter 10%   # key,value[,ttl] with a header
  # CI: from stdin, never overwrite
  generate-cache | cachectl warm - --only-missing --json
  cachectl warm big.jsonl --dry-run           # validate only"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    Jsonl,
    Csv,
}

/// Arguments of `warm`.
#[derive(Debug, Args)]
pub struct WarmArgs {
    /// Input file, or - for standard input
    #[arg(value_name = "FILE")]
    pub input: PathBuf,

    /// Input format (default: by extension; JSON lines for stdin)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<InputFormat>,

    /// TTL for lines that give none
    #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION")]
    pub ttl: Option<Duration>,

    /// Add up to P% to every TTL, at random, so keys do not all expire together
    #[arg(long, value_parser = parse_percent, value_name = "P%")]
    pub ttl_jitter: Option<f64>,

    /// Write only keys that do not exist yet (SET NX); the others are counted as skipped
    #[arg(long)]
    pub only_missing: bool,

    /// Lines per pipeline
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch: u32,

    /// Pipelines in flight at once
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub in_flight: u32,

    /// Validate only; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Write the valid lines and report the invalid ones (default: write nothing if any is invalid)
    #[arg(long)]
    pub skip_invalid: bool,

    /// Hold other clients' latency near this (e.g. 2ms): a probe on a
    /// connection of its own measures what a neighbour's command waits, and
    /// the pace follows it. Default: 2ms when stderr is a terminal, else full
    /// speed; 0 = full speed
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub max_latency: Option<Duration>,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim().trim_end_matches('%');
    match t.parse::<f64>() {
        Ok(p) if p.is_finite() && (0.0..=1000.0).contains(&p) => Ok(p),
        _ => Err(format!("'{s}' is not a percentage such as 10%")),
    }
}

const STATS_EXAMPLES: &str = r#"Examples:
  cachectl stats                            # memory, hit rate, ops/s, evictions
  cachectl stats --scan --depth 2 --top 20  # per prefix; the biggest keys
  cachectl stats --sample 10000 --json      # estimate from 10k random keys
  cachectl stats --watch 2s                 # redraw; rates over each interval
  cachectl stats --scan -o prometheus > /var/lib/node_exporter/cachectl.prom"#;

/// Arguments of `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Walk the whole keyspace (SCAN) for per-prefix counts, memory and TTLs
    #[arg(long, conflicts_with = "sample")]
    pub scan: bool,

    /// Estimate the keyspace from N random keys instead of a full scan
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub sample: Option<u64>,

    /// Only keys matching this pattern (with --scan)
    #[arg(long, value_name = "PATTERN")]
    pub pattern: Option<OsString>,

    /// Prefix depth: how many ':'-separated segments name a prefix (ids do not count)
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=16))]
    pub depth: u32,

    /// Keep id-like segments (numbers, UUIDs, hex, tokens) apart instead of `user:*:profile`
    #[arg(long)]
    pub no_collapse: bool,

    /// How many prefixes the table lists (JSON and plain output list all)
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub rows: u64,

    /// How many of the biggest keys to list
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,

    /// SCAN COUNT hint
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub count: u32,

    /// Measure N PING round trips and report percentiles
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub latency: Option<u32>,

    /// Refresh every DURATION, in place, with rates over the interval
    #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION")]
    pub watch: Option<Duration>,

    /// With --watch: stop after N refreshes
    #[arg(long, value_name = "N", requires = "watch", value_parser = clap::value_parser!(u64).range(1..))]
    pub iterations: Option<u64>,

    /// Hold other clients' latency near this (e.g. 2ms): a probe on a
    /// connection of its own measures what a neighbour's command waits, and
    /// the pace follows it. Default: 2ms when stderr is a terminal, else full
    /// speed; 0 = full speed
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub max_latency: Option<Duration>,
}

/// Arguments of the hidden `generate` command.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: Generate,
}

#[derive(Debug, Subcommand)]
pub enum Generate {
    /// Completion script for a shell, on stdout
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// A man page (roff) on stdout: the main page, or one subcommand's
    Man {
        /// Subcommand name (e.g. scan-delete); none for cachectl(1)
        #[arg(value_name = "SUBCOMMAND")]
        page: Option<String>,
    },
}

const SCAN_DELETE_EXAMPLES: &str = r#"Examples:
  cachectl scan-delete 'price:amazon:*' --dry-run  # count and a sample only
  cachectl scan-delete 'session:*' --yes --json    # CI: no prompt, JSON out
  # spare a busy production server
  cachectl scan-delete 'feed:*' --rate 5000 --max-latency 5ms
  # resumable after Ctrl-C (keep the checkpoint out of /tmp)
  cachectl scan-delete 'tmp:*' --checkpoint ~/tmp.ckpt --yes"#;

/// Arguments of `scan-delete`.
#[derive(Debug, Args)]
pub struct ScanDeleteArgs {
    /// Glob pattern (as in SCAN MATCH: * ? [abc] \x)
    #[arg(value_name = "PATTERN")]
    pub pattern: OsString,

    #[command(flatten)]
    pub delete: DeleteOpts,
}

const FLUSH_PREFIX_EXAMPLES: &str = r#"Examples:
  # literal: * ? [ ] \ in the prefix are escaped
  cachectl flush-prefix 'price:amazon:' --dry-run
  cachectl flush-prefix 'cache:v1:' --yes
  cachectl --prefix tenant-42 flush-prefix --yes   # all of tenant-42:"#;

/// Arguments of `flush-prefix`.
#[derive(Debug, Args)]
pub struct FlushPrefixArgs {
    /// Literal key prefix (glob characters match only themselves); optional with --prefix
    #[arg(id = "literal_prefix", value_name = "PREFIX")]
    pub prefix: Option<OsString>,

    #[command(flatten)]
    pub delete: DeleteOpts,
}

/// Options shared by the bulk deleting commands.
#[derive(Debug, Args, Clone)]
pub struct DeleteOpts {
    /// Report what would be deleted (count and a sample); delete nothing
    #[arg(long)]
    pub dry_run: bool,

    /// SCAN COUNT hint (keys examined per SCAN call)
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub count: u32,

    /// Keys per UNLINK round trip
    #[arg(long, default_value_t = 500, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch: u32,

    /// Batches in flight at once
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub in_flight: u32,

    /// Only keys of this type
    #[arg(long = "type", value_name = "TYPE", value_parser = key_types())]
    pub key_type: Option<KeyType>,

    /// Delete at most N keys
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,

    /// At most N deletions per second
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub rate: Option<u64>,

    /// Hold other clients' latency near this (e.g. 2ms): a probe on a
    /// connection of its own measures what a neighbour's command waits, and
    /// the pace follows it. Default: 2ms when stderr is a terminal, else full
    /// speed; 0 = full speed
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub max_latency: Option<Duration>,

    /// Use DEL instead of UNLINK (frees memory synchronously)
    #[arg(long)]
    pub del: bool,

    /// Allow a pattern that matches every key
    #[arg(long)]
    pub all: bool,

    /// Repeat passes until one finds nothing (keys written during a pass)
    #[arg(long)]
    pub until_empty: bool,

    /// Record each node's cursor in FILE; an interrupted run resumes from it
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,

    /// How many matching keys to show with --dry-run
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub sample: usize,
}

const GET_EXAMPLES: &str = r#"Examples:
  cachectl get price:amazon:B0042          # the value (raw bytes when piped)
  cachectl get user:1 user:2 --json        # several keys, one round trip
  cachectl --prefix tenant-a get settings  # reads tenant-a:settings"#;

/// Arguments of `get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// Keys to read (bytes; non-UTF-8 is fine)
    #[arg(required = true, value_name = "KEY")]
    pub keys: Vec<OsString>,
}

const SET_EXAMPLES: &str = "\
Examples:
  cachectl set greeting hello --ttl 10m
  cachectl set report --file report.json --ttl 1d
  curl -s https://example.test/feed | cachectl set feed - --ttl 90s
  cachectl set deploy:lock-note busy --nx     # exit 1 when the key exists
  cachectl set product:42 '{\"eur\":9}' --ttl 1h --tag products --tag shop:7";

/// Arguments of `set`.
#[derive(Debug, Args)]
pub struct SetArgs {
    /// Key to write
    #[arg(value_name = "KEY")]
    pub key: OsString,

    /// The value; `-` reads standard input
    #[arg(
        value_name = "VALUE",
        conflicts_with = "file",
        required_unless_present = "file"
    )]
    pub value: Option<OsString>,

    /// Read the value from a file
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Expire after this long (90s, 1h30m; plain numbers are seconds)
    #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION", conflicts_with = "keep_ttl")]
    pub ttl: Option<Duration>,

    /// Only set when the key does not exist (exit 1 otherwise)
    #[arg(long, conflicts_with = "xx")]
    pub nx: bool,

    /// Only set when the key exists (exit 1 otherwise)
    #[arg(long)]
    pub xx: bool,

    /// Keep the key's current TTL
    #[arg(long)]
    pub keep_ttl: bool,

    /// Add the key to tag set T (repeatable); the tag outlives its members
    #[arg(long = "tag", value_name = "T")]
    pub tags: Vec<String>,

    #[command(flatten)]
    pub layout: TagLayoutArgs,
}

const TTL_EXAMPLES: &str = r#"Examples:
  cachectl ttl session:abc                # remaining time, or 'persistent'
  cachectl ttl price:a price:b --set 6h   # change the TTLs of given keys
  # distribution: none, <1m, <1h, <1d, >=1d
  cachectl ttl --pattern 'price:*'
  # the 'always set a TTL' repair
  cachectl ttl --pattern 'cache:*' --only-persistent --set 1d --yes"#;

/// Arguments of `ttl`.
#[derive(Debug, Args)]
pub struct TtlArgs {
    /// Keys to show or change
    #[arg(
        value_name = "KEY",
        required_unless_present = "pattern",
        conflicts_with = "pattern"
    )]
    pub keys: Vec<OsString>,

    /// Work on every key matching this glob pattern (SCAN, never KEYS)
    #[arg(long, value_name = "PATTERN")]
    pub pattern: Option<OsString>,

    /// Set the TTL to this duration
    #[arg(long, value_parser = parse_positive_duration, value_name = "DURATION", group = "change")]
    pub set: Option<Duration>,

    /// Expire at this instant (RFC 3339, e.g. 2026-12-01T00:00:00Z)
    #[arg(long, value_name = "RFC3339", group = "change")]
    pub at: Option<String>,

    /// Remove the TTL (make keys persistent)
    #[arg(long, group = "change")]
    pub persist: bool,

    /// Change only keys that have no TTL (PEXPIRE … NX)
    #[arg(long)]
    pub only_persistent: bool,

    /// With --pattern: only keys of this type
    #[arg(long = "type", value_name = "TYPE", value_parser = key_types(), requires = "pattern")]
    pub key_type: Option<KeyType>,

    /// SCAN COUNT hint
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub count: u32,

    /// Report what would change; change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Allow a pattern that matches every key
    #[arg(long)]
    pub all: bool,

    /// Hold other clients' latency near this (e.g. 2ms): a probe on a
    /// connection of its own measures what a neighbour's command waits, and
    /// the pace follows it. Default: 2ms when stderr is a terminal, else full
    /// speed; 0 = full speed
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub max_latency: Option<Duration>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn dash_h_is_host_and_help_is_long() {
        let cli = Cli::try_parse_from(["cachectl", "-h", "example", "get", "k"]).expect("parse");
        assert_eq!(cli.global.host.as_deref(), Some("example"));
        let err = Cli::try_parse_from(["cachectl", "get", "--help"]).expect_err("help");
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp);
    }

    #[test]
    fn subcommand_args_do_not_shadow_globals() {
        // A positional named like a global flag (key, prefix…) panics at parse time.
        let globals = [
            "--prefix", "ns", "--key", "k.pem", "--cert", "c.pem", "--user", "u", "--db", "1",
        ];
        let cases: &[&[&str]] = &[
            &["get", "a"],
            &["set", "a", "b"],
            &["ttl", "a"],
            &["scan-delete", "a*"],
            &["flush-prefix", "a"],
            &["ratelimit-test", "a"],
            &["ratelimit-test", "a", "--inspect", "--limit", "3"],
        ];
        for case in cases {
            let mut argv = vec!["cachectl"];
            argv.extend_from_slice(case);
            argv.extend_from_slice(&globals);
            let parsed = std::panic::catch_unwind(|| Cli::try_parse_from(&argv));
            assert!(
                matches!(parsed, Ok(Ok(_))),
                "{case:?} failed to parse with globals"
            );
        }
    }

    #[test]
    fn global_flags_after_subcommand() {
        let cli = Cli::try_parse_from(["cachectl", "ttl", "k", "--json", "--timeout", "500ms"])
            .expect("parse");
        assert!(cli.global.json);
        assert_eq!(cli.global.timeout, Duration::from_millis(500));
    }
}
