# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cachectl_global_optspecs
    string join \n u/url= h/host= p/port= n/db= user= a/pass= askpass tls cacert= cert= key= insecure sentinel= master= sentinel-user= sentinel-pass= prefix= o/output= json timeout= q/quiet no-progress y/yes help V/version
end

function __fish_cachectl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cachectl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cachectl_using_subcommand
    set -l cmd (__fish_cachectl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cachectl -n "__fish_cachectl_needs_command" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_needs_command" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_needs_command" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_needs_command" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_needs_command" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_needs_command" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_needs_command" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_needs_command" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_needs_command" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_needs_command" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_needs_command" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_needs_command" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_needs_command" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_needs_command" -s V -l version -d 'Print version'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "get" -d 'Read keys, whatever their type (string, hash, list, set, zset, stream)'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "set" -d 'Write a string value, optionally with a TTL'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "ttl" -d 'Show or change TTLs of keys, or of every key matching a pattern'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "scan-delete" -d 'Delete every key matching a glob pattern (SCAN + pipelined UNLINK)'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "flush-prefix" -d 'Delete every key that starts with a literal prefix'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "remember" -d 'Cache-or-compute: print KEY, or run CMD once (across processes) and store its output'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "lock" -d 'Distributed locks: acquire, release, extend, inspect, break, or run a command under one'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "ratelimit-test" -d 'Exercise, inspect and debug a rate limiter against the server\'s clock'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "warm" -d 'Bulk-load keys from JSON lines or CSV (validated first; nothing written on bad input)'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "stats" -d 'Server and keyspace statistics: memory, hit rate, keys per prefix, biggest keys, latency'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "tag-invalidate" -d 'Delete every key in one or more tag sets, then the tags themselves'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "generate" -d 'Print shell completions or man pages (used to refresh completions/ and man/)'
complete -c cachectl -n "__fish_cachectl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand get" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l file -d 'Read the value from a file' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l ttl -d 'Expire after this long (90s, 1h30m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l tag -d 'Add the key to tag set T (repeatable); the tag outlives its members' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l tag-prefix -d 'Tag sets are PREFIX + tag name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l tag-key -d 'Tag key template with {tag} for the name, e.g. \'myapp:tag:{tag}:entries\' (overrides --tag-prefix)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l nx -d 'Only set when the key does not exist (exit 1 otherwise)'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l xx -d 'Only set when the key exists (exit 1 otherwise)'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l keep-ttl -d 'Keep the key\'s current TTL'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand set" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l pattern -d 'Work on every key matching this glob pattern (SCAN, never KEYS)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l set -d 'Set the TTL to this duration' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l at -d 'Expire at this instant (RFC 3339, e.g. 2026-12-01T00:00:00Z)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l type -d 'With --pattern: only keys of this type' -r -f -a "string\t''
list\t''
set\t''
zset\t''
hash\t''
stream\t''
vectorset\t'vector sets (Redis 8)'
json\t'RedisJSON documents (TYPE ReJSON-RL)'
timeseries\t'RedisTimeSeries series (TYPE TSDB-TYPE)'
bloom\t'RedisBloom Bloom filters (TYPE MBbloom--)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l count -d 'SCAN COUNT hint' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l max-latency -d 'Hold other clients\' latency near this (e.g. 2ms): a probe on a connection of its own measures what a neighbour\'s command waits, and the pace follows it. Default: 2ms when stderr is a terminal, else full speed; 0 = full speed' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l persist -d 'Remove the TTL (make keys persistent)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l only-persistent -d 'Change only keys that have no TTL (PEXPIRE … NX)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l dry-run -d 'Report what would change; change nothing'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l all -d 'Allow a pattern that matches every key'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ttl" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l count -d 'SCAN COUNT hint (keys examined per SCAN call)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l batch -d 'Keys per UNLINK round trip' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l in-flight -d 'Batches in flight at once' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l type -d 'Only keys of this type' -r -f -a "string\t''
list\t''
set\t''
zset\t''
hash\t''
stream\t''
vectorset\t'vector sets (Redis 8)'
json\t'RedisJSON documents (TYPE ReJSON-RL)'
timeseries\t'RedisTimeSeries series (TYPE TSDB-TYPE)'
bloom\t'RedisBloom Bloom filters (TYPE MBbloom--)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l limit -d 'Delete at most N keys' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l rate -d 'At most N deletions per second' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l max-latency -d 'Hold other clients\' latency near this (e.g. 2ms): a probe on a connection of its own measures what a neighbour\'s command waits, and the pace follows it. Default: 2ms when stderr is a terminal, else full speed; 0 = full speed' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l checkpoint -d 'Record each node\'s cursor in FILE; an interrupted run resumes from it' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l sample -d 'How many matching keys to show with --dry-run' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l dry-run -d 'Report what would be deleted (count and a sample); delete nothing'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l del -d 'Use DEL instead of UNLINK (frees memory synchronously)'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l all -d 'Allow a pattern that matches every key'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l until-empty -d 'Repeat passes until one finds nothing (keys written during a pass)'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand scan-delete" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l count -d 'SCAN COUNT hint (keys examined per SCAN call)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l batch -d 'Keys per UNLINK round trip' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l in-flight -d 'Batches in flight at once' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l type -d 'Only keys of this type' -r -f -a "string\t''
list\t''
set\t''
zset\t''
hash\t''
stream\t''
vectorset\t'vector sets (Redis 8)'
json\t'RedisJSON documents (TYPE ReJSON-RL)'
timeseries\t'RedisTimeSeries series (TYPE TSDB-TYPE)'
bloom\t'RedisBloom Bloom filters (TYPE MBbloom--)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l limit -d 'Delete at most N keys' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l rate -d 'At most N deletions per second' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l max-latency -d 'Hold other clients\' latency near this (e.g. 2ms): a probe on a connection of its own measures what a neighbour\'s command waits, and the pace follows it. Default: 2ms when stderr is a terminal, else full speed; 0 = full speed' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l checkpoint -d 'Record each node\'s cursor in FILE; an interrupted run resumes from it' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l sample -d 'How many matching keys to show with --dry-run' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l dry-run -d 'Report what would be deleted (count and a sample); delete nothing'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l del -d 'Use DEL instead of UNLINK (frees memory synchronously)'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l all -d 'Allow a pattern that matches every key'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l until-empty -d 'Repeat passes until one finds nothing (keys written during a pass)'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand flush-prefix" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l ttl -d 'How long the computed value lives' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l wait -d 'How long to wait for another process computing the same key' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l beta -d 'Probabilistic early recomputation (XFetch); 0 disables, 1 is the usual choice' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l lock-ttl -d 'TTL of the single-flight lock (kept alive while CMD runs)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l forever -d 'Store the computed value without a TTL'
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand remember" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -f -a "acquire" -d 'Take the lock; print its token (exit 1 if not acquired in time)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -f -a "release" -d 'Release the lock if TOKEN holds it (exit 1 otherwise)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -f -a "extend" -d 'Extend the lock if TOKEN holds it (exit 1 otherwise)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -f -a "status" -d 'Who holds the lock, and for how long'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -f -a "list" -d 'Held locks, with tokens and TTLs'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -f -a "break" -d 'Force-release a lock whoever holds it (asks first)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -f -a "run" -d 'Run CMD while holding the lock; extend it every TTL/3; release at the end'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and not __fish_seen_subcommand_from acquire release extend status list break run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l ttl -d 'Lock validity' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l wait -d 'Keep trying this long (default: one attempt)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l fence-ttl -d 'TTL of the fencing counter, refreshed on every acquisition (default: 30 days or 100 x --ttl, whichever is longer; 0 = persistent)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l node -d 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from acquire" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l token -d 'The token `lock acquire` printed' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l signal-list -d 'List to signal after the lock is freed, as python-redis-lock does (DEL, LPUSH 1, PEXPIRE); found by itself for `lock:NAME` beside `lock-signal:NAME`' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l signal-expire -d 'Expiry of the signal list' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l node -d 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from release" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l token -d 'The token `lock acquire` printed' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l ttl -d 'New validity, from now' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l node -d 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from extend" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l node -d 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from status" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from list" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l signal-list -d 'List to signal after the lock is freed, as python-redis-lock does (DEL, LPUSH 1, PEXPIRE); found by itself for `lock:NAME` beside `lock-signal:NAME`' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l signal-expire -d 'Expiry of the signal list' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l node -d 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l dry-run -d 'Show who holds it; change nothing'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from break" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l ttl -d 'Lock validity; extended every TTL/3 while CMD runs' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l wait -d 'Keep trying to acquire this long (default: one attempt)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l kill-grace -d 'SIGTERM to SIGKILL when CMD must stop (default: TTL/5, at most 2s); the kill still lands before the lock expires' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l fence-ttl -d 'TTL of the fencing counter, refreshed on every acquisition (default: 30 days or 100 x --ttl, whichever is longer; 0 = persistent)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l node -d 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from run" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "acquire" -d 'Take the lock; print its token (exit 1 if not acquired in time)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "release" -d 'Release the lock if TOKEN holds it (exit 1 otherwise)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "extend" -d 'Extend the lock if TOKEN holds it (exit 1 otherwise)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "status" -d 'Who holds the lock, and for how long'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "list" -d 'Held locks, with tokens and TTLs'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "break" -d 'Force-release a lock whoever holds it (asks first)'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run CMD while holding the lock; extend it every TTL/3; release at the end'
complete -c cachectl -n "__fish_cachectl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l algo -d 'Algorithm and key layout [default: sliding-log; with --inspect: detected]' -r -f -a "sliding-log\t'Sorted set of request timestamps, one entry per unit (ZADD, PEXPIRE)'
fixed-window\t'Counter with INCR + PEXPIRE, the window starting at its first request'
token-bucket\t'Hash with fields tokens and ts, refilled lazily'
gcra\t'Theoretical arrival time as in go-redis/redis_rate (seconds since 2017-01-01)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l limit -d 'Requests allowed per window [default: 10; sliding-log: at most 100000]' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l window -d 'Window length: 1s, 1m, 1h [default: 1m]' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l burst -d 'Capacity of a token bucket, or GCRA burst [default: the limit]' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l requests -d 'How many requests to send [default: twice the limit or burst]' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l interval -d 'Start one request every DURATION (default: as fast as possible)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l rps -d 'Start F requests per second (default: as fast as possible)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l concurrency -d 'Concurrent clients sharing the requests' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l cost -d 'Units each request consumes [sliding-log: at most 1000]' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l unit -d 'Timestamp unit of the sliding log\'s scores or the token bucket\'s ts field' -r -f -a "auto\t'Detected from the key\'s newest timestamp; milliseconds for a new key'
s\t'Seconds'
ms\t'Milliseconds (Date.now())'
us\t'Microseconds'
ns\t'Nanoseconds (Go\'s time.Now().UnixNano())'"
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l count-denied -d 'Record denied requests too (sliding-log, fixed-window), as some libraries do: a client hammering the limiter stays blocked'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l inspect -d 'Explain the limiter\'s current state (whatever wrote it) without changing it'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l reset -d 'Delete the limiter\'s key (asks first; --yes in scripts)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l interactive -d 'On a terminal: each Enter sends one request and shows the verdict and the state; q quits'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand ratelimit-test" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l format -d 'Input format (default: by extension; JSON lines for stdin)' -r -f -a "jsonl\t''
csv\t''"
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l ttl -d 'TTL for lines that give none' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l ttl-jitter -d 'Add up to P% to every TTL, at random, so keys do not all expire together' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l batch -d 'Lines per pipeline' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l in-flight -d 'Pipelines in flight at once' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l max-latency -d 'Hold other clients\' latency near this (e.g. 2ms): a probe on a connection of its own measures what a neighbour\'s command waits, and the pace follows it. Default: 2ms when stderr is a terminal, else full speed; 0 = full speed' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l only-missing -d 'Write only keys that do not exist yet (SET NX); the others are counted as skipped'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l dry-run -d 'Validate only; write nothing'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l skip-invalid -d 'Write the valid lines and report the invalid ones (default: write nothing if any is invalid)'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand warm" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l sample -d 'Estimate the keyspace from N random keys instead of a full scan' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l pattern -d 'Only keys matching this pattern (with --scan)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l depth -d 'Prefix depth: how many \':\'-separated segments name a prefix (ids do not count)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l rows -d 'How many prefixes the table lists (JSON and plain output list all)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l top -d 'How many of the biggest keys to list' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l count -d 'SCAN COUNT hint' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l latency -d 'Measure N PING round trips and report percentiles' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l watch -d 'Refresh every DURATION, in place, with rates over the interval' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l iterations -d 'With --watch: stop after N refreshes' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l max-latency -d 'Hold other clients\' latency near this (e.g. 2ms): a probe on a connection of its own measures what a neighbour\'s command waits, and the pace follows it. Default: 2ms when stderr is a terminal, else full speed; 0 = full speed' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l scan -d 'Walk the whole keyspace (SCAN) for per-prefix counts, memory and TTLs'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l no-collapse -d 'Keep id-like segments (numbers, UUIDs, hex, tokens) apart instead of `user:*:profile`'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand stats" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l tag-prefix -d 'Tag sets are PREFIX + tag name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l tag-key -d 'Tag key template with {tag} for the name, e.g. \'myapp:tag:{tag}:entries\' (overrides --tag-prefix)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l publish -d 'Announce the invalidation on this pub/sub channel (JSON message)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l count -d 'Members per SSCAN/ZSCAN call' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l batch -d 'Keys per UNLINK round trip' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l rate -d 'At most N deletions per second' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l max-latency -d 'Hold other clients\' latency near this (e.g. 2ms): a probe on a connection of its own measures what a neighbour\'s command waits, and the pace follows it. Default: 2ms when stderr is a terminal, else full speed; 0 = full speed' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l prune -d 'Only remove members whose keys no longer exist; delete no keys'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l dry-run -d 'Report what would be deleted; change nothing'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l del -d 'Use DEL instead of UNLINK'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand tag-invalidate" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "completions" -d 'Completion script for a shell, on stdout'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "man" -d 'A man page (roff) on stdout: the main page, or one subcommand\'s'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and not __fish_seen_subcommand_from completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from completions" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -s u -l url -d 'Server URL (default redis://127.0.0.1:6379)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l host -d 'Server host (overrides the URL\'s host)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -s p -l port -d 'Server port (overrides the URL\'s port)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -s n -l db -d 'Database number (overrides the URL\'s /db)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l user -d 'ACL user name' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -s a -l pass -d 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l cacert -d 'CA certificate (PEM) to verify the server with' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l cert -d 'Client certificate (PEM) for servers that demand one' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l key -d 'Client private key (PEM) for --cert' -r -F
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l sentinel -d 'A Sentinel to ask for the master\'s address (host:port; repeat for each), with --master' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l master -d 'Name of the master the sentinels watch (with --sentinel)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l sentinel-user -d 'ACL user for the sentinels (not the data node\'s: that is --user)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l sentinel-pass -d 'Password for the sentinels (not the data node\'s: that is --pass)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l prefix -d 'Namespace: NS: is put before every key, pattern, tag and lock name given' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -s o -l output -d 'Output format (default: table on a terminal, plain otherwise)' -r -f -a "table\t''
json\t''
plain\t''
prometheus\t'Prometheus text exposition format (stats only)'"
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l timeout -d 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)' -r
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l askpass -d 'Prompt for the password on the terminal'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l tls -d 'Use TLS (as rediss:// does)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l insecure -d 'Do not verify the server\'s certificate (TLS without authentication)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l json -d 'Same as --output json'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'No progress bars and no notices on stderr'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l no-progress -d 'No progress bars'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -s y -l yes -d 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from man" -l help -d 'Print help (see more with \'--help\')'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Completion script for a shell, on stdout'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'A man page (roff) on stdout: the main page, or one subcommand\'s'
complete -c cachectl -n "__fish_cachectl_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "get" -d 'Read keys, whatever their type (string, hash, list, set, zset, stream)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "set" -d 'Write a string value, optionally with a TTL'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "ttl" -d 'Show or change TTLs of keys, or of every key matching a pattern'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "scan-delete" -d 'Delete every key matching a glob pattern (SCAN + pipelined UNLINK)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "flush-prefix" -d 'Delete every key that starts with a literal prefix'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "remember" -d 'Cache-or-compute: print KEY, or run CMD once (across processes) and store its output'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "lock" -d 'Distributed locks: acquire, release, extend, inspect, break, or run a command under one'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "ratelimit-test" -d 'Exercise, inspect and debug a rate limiter against the server\'s clock'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "warm" -d 'Bulk-load keys from JSON lines or CSV (validated first; nothing written on bad input)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "stats" -d 'Server and keyspace statistics: memory, hit rate, keys per prefix, biggest keys, latency'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "tag-invalidate" -d 'Delete every key in one or more tag sets, then the tags themselves'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "generate" -d 'Print shell completions or man pages (used to refresh completions/ and man/)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and not __fish_seen_subcommand_from get set ttl scan-delete flush-prefix remember lock ratelimit-test warm stats tag-invalidate generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "acquire" -d 'Take the lock; print its token (exit 1 if not acquired in time)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "release" -d 'Release the lock if TOKEN holds it (exit 1 otherwise)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "extend" -d 'Extend the lock if TOKEN holds it (exit 1 otherwise)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "status" -d 'Who holds the lock, and for how long'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "list" -d 'Held locks, with tokens and TTLs'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "break" -d 'Force-release a lock whoever holds it (asks first)'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "run" -d 'Run CMD while holding the lock; extend it every TTL/3; release at the end'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Completion script for a shell, on stdout'
complete -c cachectl -n "__fish_cachectl_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'A man page (roff) on stdout: the main page, or one subcommand\'s'
