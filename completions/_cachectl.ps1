
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cachectl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cachectl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cachectl' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Read keys, whatever their type (string, hash, list, set, zset, stream)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Write a string value, optionally with a TTL')
            [CompletionResult]::new('ttl', 'ttl', [CompletionResultType]::ParameterValue, 'Show or change TTLs of keys, or of every key matching a pattern')
            [CompletionResult]::new('scan-delete', 'scan-delete', [CompletionResultType]::ParameterValue, 'Delete every key matching a glob pattern (SCAN + pipelined UNLINK)')
            [CompletionResult]::new('flush-prefix', 'flush-prefix', [CompletionResultType]::ParameterValue, 'Delete every key that starts with a literal prefix')
            [CompletionResult]::new('remember', 'remember', [CompletionResultType]::ParameterValue, 'Cache-or-compute: print KEY, or run CMD once (across processes) and store its output')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Distributed locks: acquire, release, extend, inspect, break, or run a command under one')
            [CompletionResult]::new('ratelimit-test', 'ratelimit-test', [CompletionResultType]::ParameterValue, 'Exercise, inspect and debug a rate limiter against the server''s clock')
            [CompletionResult]::new('warm', 'warm', [CompletionResultType]::ParameterValue, 'Bulk-load keys from JSON lines or CSV (validated first; nothing written on bad input)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Server and keyspace statistics: memory, hit rate, keys per prefix, biggest keys, latency')
            [CompletionResult]::new('tag-invalidate', 'tag-invalidate', [CompletionResultType]::ParameterValue, 'Delete every key in one or more tag sets, then the tags themselves')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print shell completions or man pages (used to refresh completions/ and man/)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cachectl;get' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;set' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the value from a file')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Expire after this long (90s, 1h30m; plain numbers are seconds)')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'Add the key to tag set T (repeatable); the tag outlives its members')
            [CompletionResult]::new('--tag-prefix', '--tag-prefix', [CompletionResultType]::ParameterName, 'Tag sets are PREFIX + tag name')
            [CompletionResult]::new('--tag-key', '--tag-key', [CompletionResultType]::ParameterName, 'Tag key template with {tag} for the name, e.g. ''myapp:tag:{tag}:entries'' (overrides --tag-prefix)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--nx', '--nx', [CompletionResultType]::ParameterName, 'Only set when the key does not exist (exit 1 otherwise)')
            [CompletionResult]::new('--xx', '--xx', [CompletionResultType]::ParameterName, 'Only set when the key exists (exit 1 otherwise)')
            [CompletionResult]::new('--keep-ttl', '--keep-ttl', [CompletionResultType]::ParameterName, 'Keep the key''s current TTL')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;ttl' {
            [CompletionResult]::new('--pattern', '--pattern', [CompletionResultType]::ParameterName, 'Work on every key matching this glob pattern (SCAN, never KEYS)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set the TTL to this duration')
            [CompletionResult]::new('--at', '--at', [CompletionResultType]::ParameterName, 'Expire at this instant (RFC 3339, e.g. 2026-12-01T00:00:00Z)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'With --pattern: only keys of this type')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--persist', '--persist', [CompletionResultType]::ParameterName, 'Remove the TTL (make keys persistent)')
            [CompletionResult]::new('--only-persistent', '--only-persistent', [CompletionResultType]::ParameterName, 'Change only keys that have no TTL (PEXPIRE … NX)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Report what would change; change nothing')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Allow a pattern that matches every key')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;scan-delete' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys examined per SCAN call)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Keys per UNLINK round trip')
            [CompletionResult]::new('--in-flight', '--in-flight', [CompletionResultType]::ParameterName, 'Batches in flight at once')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only keys of this type')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Delete at most N keys')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N deletions per second')
            [CompletionResult]::new('--max-latency', '--max-latency', [CompletionResultType]::ParameterName, 'Slow down when a batch takes longer than this (e.g. 5ms)')
            [CompletionResult]::new('--checkpoint', '--checkpoint', [CompletionResultType]::ParameterName, 'Record each node''s cursor in FILE; an interrupted run resumes from it')
            [CompletionResult]::new('--sample', '--sample', [CompletionResultType]::ParameterName, 'How many matching keys to show with --dry-run')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Report what would be deleted (count and a sample); delete nothing')
            [CompletionResult]::new('--del', '--del', [CompletionResultType]::ParameterName, 'Use DEL instead of UNLINK (frees memory synchronously)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Allow a pattern that matches every key')
            [CompletionResult]::new('--until-empty', '--until-empty', [CompletionResultType]::ParameterName, 'Repeat passes until one finds nothing (keys written during a pass)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;flush-prefix' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint (keys examined per SCAN call)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Keys per UNLINK round trip')
            [CompletionResult]::new('--in-flight', '--in-flight', [CompletionResultType]::ParameterName, 'Batches in flight at once')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only keys of this type')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Delete at most N keys')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N deletions per second')
            [CompletionResult]::new('--max-latency', '--max-latency', [CompletionResultType]::ParameterName, 'Slow down when a batch takes longer than this (e.g. 5ms)')
            [CompletionResult]::new('--checkpoint', '--checkpoint', [CompletionResultType]::ParameterName, 'Record each node''s cursor in FILE; an interrupted run resumes from it')
            [CompletionResult]::new('--sample', '--sample', [CompletionResultType]::ParameterName, 'How many matching keys to show with --dry-run')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Report what would be deleted (count and a sample); delete nothing')
            [CompletionResult]::new('--del', '--del', [CompletionResultType]::ParameterName, 'Use DEL instead of UNLINK (frees memory synchronously)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Allow a pattern that matches every key')
            [CompletionResult]::new('--until-empty', '--until-empty', [CompletionResultType]::ParameterName, 'Repeat passes until one finds nothing (keys written during a pass)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;remember' {
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'How long the computed value lives')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for another process computing the same key')
            [CompletionResult]::new('--beta', '--beta', [CompletionResultType]::ParameterName, 'Probabilistic early recomputation (XFetch); 0 disables, 1 is the usual choice')
            [CompletionResult]::new('--lock-ttl', '--lock-ttl', [CompletionResultType]::ParameterName, 'TTL of the single-flight lock (kept alive while CMD runs)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--forever', '--forever', [CompletionResultType]::ParameterName, 'Store the computed value without a TTL')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;lock' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('acquire', 'acquire', [CompletionResultType]::ParameterValue, 'Take the lock; print its token (exit 1 if not acquired in time)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Release the lock if TOKEN holds it (exit 1 otherwise)')
            [CompletionResult]::new('extend', 'extend', [CompletionResultType]::ParameterValue, 'Extend the lock if TOKEN holds it (exit 1 otherwise)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Who holds the lock, and for how long')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Held locks, with tokens and TTLs: every lock cachectl took and `*lock*` keys holding a token, or the keys matching PATTERN whose value looks like a token')
            [CompletionResult]::new('break', 'break', [CompletionResultType]::ParameterValue, 'Force-release a lock whoever holds it (asks first)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run CMD while holding the lock; extend it every TTL/3; release at the end')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cachectl;lock;acquire' {
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Lock validity')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep trying this long (default: one attempt)')
            [CompletionResult]::new('--fence-ttl', '--fence-ttl', [CompletionResultType]::ParameterName, 'TTL of the fencing counter, refreshed on every acquisition (default: 30 days or 100 x --ttl, whichever is longer; 0 = persistent)')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;lock;release' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The token `lock acquire` printed')
            [CompletionResult]::new('--signal-list', '--signal-list', [CompletionResultType]::ParameterName, 'List to signal after the lock is freed, as python-redis-lock does (DEL, LPUSH 1, PEXPIRE); found by itself for `lock:NAME` beside `lock-signal:NAME`')
            [CompletionResult]::new('--signal-expire', '--signal-expire', [CompletionResultType]::ParameterName, 'Expiry of the signal list')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;lock;extend' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The token `lock acquire` printed')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'New validity, from now')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;lock;status' {
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;lock;list' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;lock;break' {
            [CompletionResult]::new('--signal-list', '--signal-list', [CompletionResultType]::ParameterName, 'List to signal after the lock is freed, as python-redis-lock does (DEL, LPUSH 1, PEXPIRE); found by itself for `lock:NAME` beside `lock-signal:NAME`')
            [CompletionResult]::new('--signal-expire', '--signal-expire', [CompletionResultType]::ParameterName, 'Expiry of the signal list')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show who holds it; change nothing')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;lock;run' {
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Lock validity; extended every TTL/3 while CMD runs')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep trying to acquire this long (default: one attempt)')
            [CompletionResult]::new('--kill-grace', '--kill-grace', [CompletionResultType]::ParameterName, 'SIGTERM to SIGKILL when CMD must stop (default: TTL/5, at most 2s); the kill still lands before the lock expires')
            [CompletionResult]::new('--fence-ttl', '--fence-ttl', [CompletionResultType]::ParameterName, 'TTL of the fencing counter, refreshed on every acquisition (default: 30 days or 100 x --ttl, whichever is longer; 0 = persistent)')
            [CompletionResult]::new('--node', '--node', [CompletionResultType]::ParameterName, 'Independent server for Redlock quorum locking (repeat; an odd number, at least 3)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;lock;help' {
            [CompletionResult]::new('acquire', 'acquire', [CompletionResultType]::ParameterValue, 'Take the lock; print its token (exit 1 if not acquired in time)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Release the lock if TOKEN holds it (exit 1 otherwise)')
            [CompletionResult]::new('extend', 'extend', [CompletionResultType]::ParameterValue, 'Extend the lock if TOKEN holds it (exit 1 otherwise)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Who holds the lock, and for how long')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Held locks, with tokens and TTLs: every lock cachectl took and `*lock*` keys holding a token, or the keys matching PATTERN whose value looks like a token')
            [CompletionResult]::new('break', 'break', [CompletionResultType]::ParameterValue, 'Force-release a lock whoever holds it (asks first)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run CMD while holding the lock; extend it every TTL/3; release at the end')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cachectl;lock;help;acquire' {
            break
        }
        'cachectl;lock;help;release' {
            break
        }
        'cachectl;lock;help;extend' {
            break
        }
        'cachectl;lock;help;status' {
            break
        }
        'cachectl;lock;help;list' {
            break
        }
        'cachectl;lock;help;break' {
            break
        }
        'cachectl;lock;help;run' {
            break
        }
        'cachectl;lock;help;help' {
            break
        }
        'cachectl;ratelimit-test' {
            [CompletionResult]::new('--algo', '--algo', [CompletionResultType]::ParameterName, 'Algorithm and key layout [default: sliding-log; with --inspect: detected]')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Requests allowed per window [default: 10; sliding-log: at most 100000]')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Window length: 1s, 1m, 1h [default: 1m]')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Capacity of a token bucket, or GCRA burst [default: the limit]')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'How many requests to send [default: twice the limit or burst]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Start one request every DURATION (default: as fast as possible)')
            [CompletionResult]::new('--rps', '--rps', [CompletionResultType]::ParameterName, 'Start F requests per second (default: as fast as possible)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Concurrent clients sharing the requests')
            [CompletionResult]::new('--cost', '--cost', [CompletionResultType]::ParameterName, 'Units each request consumes [sliding-log: at most 1000]')
            [CompletionResult]::new('--unit', '--unit', [CompletionResultType]::ParameterName, 'Timestamp unit of the sliding log''s scores or the token bucket''s ts field')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--count-denied', '--count-denied', [CompletionResultType]::ParameterName, 'Record denied requests too (sliding-log, fixed-window), as some libraries do: a client hammering the limiter stays blocked')
            [CompletionResult]::new('--inspect', '--inspect', [CompletionResultType]::ParameterName, 'Explain the limiter''s current state (whatever wrote it) without changing it')
            [CompletionResult]::new('--reset', '--reset', [CompletionResultType]::ParameterName, 'Delete the limiter''s key (asks first; --yes in scripts)')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'On a terminal: each Enter sends one request and shows the verdict and the state; q quits')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;warm' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Input format (default: by extension; JSON lines for stdin)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'TTL for lines that give none')
            [CompletionResult]::new('--ttl-jitter', '--ttl-jitter', [CompletionResultType]::ParameterName, 'Add up to P% to every TTL, at random, so keys do not all expire together')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Lines per pipeline')
            [CompletionResult]::new('--in-flight', '--in-flight', [CompletionResultType]::ParameterName, 'Pipelines in flight at once')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--only-missing', '--only-missing', [CompletionResultType]::ParameterName, 'Write only keys that do not exist yet (SET NX); the others are counted as skipped')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Validate only; write nothing')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'Write the valid lines and report the invalid ones (default: write nothing if any is invalid)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;stats' {
            [CompletionResult]::new('--sample', '--sample', [CompletionResultType]::ParameterName, 'Estimate the keyspace from N random keys instead of a full scan')
            [CompletionResult]::new('--pattern', '--pattern', [CompletionResultType]::ParameterName, 'Only keys matching this pattern (with --scan)')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'Prefix depth: how many '':''-separated segments name a prefix')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'How many of the biggest keys to list')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'SCAN COUNT hint')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Measure N PING round trips and report percentiles')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Refresh every DURATION, in place, with rates over the interval')
            [CompletionResult]::new('--iterations', '--iterations', [CompletionResultType]::ParameterName, 'With --watch: stop after N refreshes')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--scan', '--scan', [CompletionResultType]::ParameterName, 'Walk the whole keyspace (SCAN) for per-prefix counts, memory and TTLs')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;tag-invalidate' {
            [CompletionResult]::new('--tag-prefix', '--tag-prefix', [CompletionResultType]::ParameterName, 'Tag sets are PREFIX + tag name')
            [CompletionResult]::new('--tag-key', '--tag-key', [CompletionResultType]::ParameterName, 'Tag key template with {tag} for the name, e.g. ''myapp:tag:{tag}:entries'' (overrides --tag-prefix)')
            [CompletionResult]::new('--publish', '--publish', [CompletionResultType]::ParameterName, 'Announce the invalidation on this pub/sub channel (JSON message)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Members per SSCAN/ZSCAN call')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Keys per UNLINK round trip')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N deletions per second')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Only remove members whose keys no longer exist; delete no keys')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Report what would be deleted; change nothing')
            [CompletionResult]::new('--del', '--del', [CompletionResultType]::ParameterName, 'Use DEL instead of UNLINK')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;generate' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completion script for a shell, on stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'A man page (roff) on stdout: the main page, or one subcommand''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cachectl;generate;completions' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;generate;man' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Server URL: redis://[user:pass@]host:port[/db], rediss:// (TLS), redis+unix:///path.sock')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Server host (overrides the URL''s host)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Server port (overrides the URL''s port)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Database number (overrides the URL''s /db)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'ACL user name')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--pass', '--pass', [CompletionResultType]::ParameterName, 'Password (prefer REDISCLI_AUTH / REDIS_PASSWORD or --askpass: command lines are visible to other users)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'CA certificate (PEM) to verify the server with')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for servers that demand one')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for --cert')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Namespace: NS: is put before every key, pattern, tag and lock name given')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (default: table on a terminal, plain otherwise)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-command timeout (500ms, 5s, 2m; plain numbers are seconds)')
            [CompletionResult]::new('--askpass', '--askpass', [CompletionResultType]::ParameterName, 'Prompt for the password on the terminal')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS (as rediss:// does)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (TLS without authentication)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars and no notices on stderr')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'No progress bars')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmations (needed for destructive work when stdin is not a terminal)')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cachectl;generate;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completion script for a shell, on stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'A man page (roff) on stdout: the main page, or one subcommand''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cachectl;generate;help;completions' {
            break
        }
        'cachectl;generate;help;man' {
            break
        }
        'cachectl;generate;help;help' {
            break
        }
        'cachectl;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Read keys, whatever their type (string, hash, list, set, zset, stream)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Write a string value, optionally with a TTL')
            [CompletionResult]::new('ttl', 'ttl', [CompletionResultType]::ParameterValue, 'Show or change TTLs of keys, or of every key matching a pattern')
            [CompletionResult]::new('scan-delete', 'scan-delete', [CompletionResultType]::ParameterValue, 'Delete every key matching a glob pattern (SCAN + pipelined UNLINK)')
            [CompletionResult]::new('flush-prefix', 'flush-prefix', [CompletionResultType]::ParameterValue, 'Delete every key that starts with a literal prefix')
            [CompletionResult]::new('remember', 'remember', [CompletionResultType]::ParameterValue, 'Cache-or-compute: print KEY, or run CMD once (across processes) and store its output')
            [CompletionResult]::new('lock', 'lock', [CompletionResultType]::ParameterValue, 'Distributed locks: acquire, release, extend, inspect, break, or run a command under one')
            [CompletionResult]::new('ratelimit-test', 'ratelimit-test', [CompletionResultType]::ParameterValue, 'Exercise, inspect and debug a rate limiter against the server''s clock')
            [CompletionResult]::new('warm', 'warm', [CompletionResultType]::ParameterValue, 'Bulk-load keys from JSON lines or CSV (validated first; nothing written on bad input)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Server and keyspace statistics: memory, hit rate, keys per prefix, biggest keys, latency')
            [CompletionResult]::new('tag-invalidate', 'tag-invalidate', [CompletionResultType]::ParameterValue, 'Delete every key in one or more tag sets, then the tags themselves')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print shell completions or man pages (used to refresh completions/ and man/)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cachectl;help;get' {
            break
        }
        'cachectl;help;set' {
            break
        }
        'cachectl;help;ttl' {
            break
        }
        'cachectl;help;scan-delete' {
            break
        }
        'cachectl;help;flush-prefix' {
            break
        }
        'cachectl;help;remember' {
            break
        }
        'cachectl;help;lock' {
            [CompletionResult]::new('acquire', 'acquire', [CompletionResultType]::ParameterValue, 'Take the lock; print its token (exit 1 if not acquired in time)')
            [CompletionResult]::new('release', 'release', [CompletionResultType]::ParameterValue, 'Release the lock if TOKEN holds it (exit 1 otherwise)')
            [CompletionResult]::new('extend', 'extend', [CompletionResultType]::ParameterValue, 'Extend the lock if TOKEN holds it (exit 1 otherwise)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Who holds the lock, and for how long')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Held locks, with tokens and TTLs: every lock cachectl took and `*lock*` keys holding a token, or the keys matching PATTERN whose value looks like a token')
            [CompletionResult]::new('break', 'break', [CompletionResultType]::ParameterValue, 'Force-release a lock whoever holds it (asks first)')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run CMD while holding the lock; extend it every TTL/3; release at the end')
            break
        }
        'cachectl;help;lock;acquire' {
            break
        }
        'cachectl;help;lock;release' {
            break
        }
        'cachectl;help;lock;extend' {
            break
        }
        'cachectl;help;lock;status' {
            break
        }
        'cachectl;help;lock;list' {
            break
        }
        'cachectl;help;lock;break' {
            break
        }
        'cachectl;help;lock;run' {
            break
        }
        'cachectl;help;ratelimit-test' {
            break
        }
        'cachectl;help;warm' {
            break
        }
        'cachectl;help;stats' {
            break
        }
        'cachectl;help;tag-invalidate' {
            break
        }
        'cachectl;help;generate' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Completion script for a shell, on stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'A man page (roff) on stdout: the main page, or one subcommand''s')
            break
        }
        'cachectl;help;generate;completions' {
            break
        }
        'cachectl;help;generate;man' {
            break
        }
        'cachectl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
