import Foundation
import Testing

@Suite("duvo runs: help and usage errors")
struct CLIUsageTests {
    let cli = CLIHarness()

    static let commands = ["start", "get", "messages", "send-message", "respond", "stop", "list", "wait", "stats",
                           "watch"]

    @Test("every command answers --help with its usage on stdout and exits 0", arguments: commands)
    func help(command: String) async throws {
        let result = try await cli.runs([command, "--help"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("USAGE: duvo runs \(command)"))
        #expect(result.stdout.contains("--json"), "the inherited --json is listed")
        #expect(result.stderr.isEmpty)
    }

    @Test("'duvo runs --help' lists every command and the exit codes")
    func groupHelp() async throws {
        let result = try await cli.runs(["--help"])
        #expect(result.status == 0)
        for command in Self.commands { #expect(result.stdout.contains("  \(command) ")) }
        #expect(result.stdout.contains("13 waiting for a human"))
    }

    @Test("a mistyped command is exit 2 with the right one suggested")
    func mistypedCommand() async throws {
        let result = try await cli.runs(["strat", "--agent", "x"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("did you mean 'start'"), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a mistyped flag names itself, suggests the right one, and points at --help")
    func mistypedFlag() async throws {
        let result = try await cli.runs(["start", "--agnet", "x"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'--agnet'"))
        #expect(result.stderr.contains("did you mean '--agent'"))
        #expect(result.stderr.contains("duvo runs start --help"))
    }

    @Test("start without --agent is exit 2 naming --agent")
    func missingAgent() async throws {
        let result = try await cli.runs(["start", "--simulate"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing --agent"), "\(result)")
    }

    @Test("send-message without --message and get without RUN are exit 2 naming what is missing")
    func missingValues() async throws {
        let noMessage = try await cli.runs(["send-message", "7c9e6679-7425-40de-944b-e07fc1f90ae7"])
        #expect(noMessage.status == 2)
        #expect(noMessage.stderr.contains("--message"))
        let noRun = try await cli.runs(["get"])
        #expect(noRun.status == 2)
        #expect(noRun.stderr.contains("missing RUN"))
    }

    @Test("respond needs exactly one way to answer, and says which flags to use",
          arguments: [
            (["respond", "R"], "--approve, --deny, or --answer"),
            (["respond", "R", "--approve", "--deny"], "either --approve or --deny"),
            (["respond", "R", "--approve", "--answer", "City=Lisbon"], "use one kind"),
            (["respond", "R", "--answer", "Lisbon"], "expects QID=TEXT"),
          ])
    func respondUsage(arguments: [String], expected: String) async throws {
        let result = try await cli.runs(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(expected), "\(result)")
    }

    @Test("option values out of their range or set name the flag and exit 2",
          arguments: [
            (["list", "--issue-severity", "huge"], "--issue-severity"),
            (["list", "--limit", "0"], "--limit"),
            (["list", "--sort-order", "up"], "--sort-order"),
            (["list", "--limit", "5", "--all"], "--limit or --all"),
            (["messages", "R", "--limit", "ten"], "--limit"),
            (["messages", "R", "--follow", "--limit", "5"], "--follow"),
            (["messages", "R", "--exit-status"], "--exit-status needs --follow"),
            (["wait", "R", "--until", "soon"], "--until"),
            (["wait", "R", "--timeout", "-1"], "--timeout"),
            (["get", "R", "--timeout", "-1"], "--timeout"),
            (["start", "--agent", "A", "--exit-status"], "--exit-status needs --follow"),
            (["get", "R", "--log-level", "loud"], "--log-level"),
            (["list", "--webhooks", "local"], "'--webhooks local' starts a receiver on 127.0.0.1"),
            (["list", "--simulate", "--webhooks", "https://hooks.example.com/duvo"], "must be 'local'"),
            (["list", "--webhooks", "ftp://hooks.example.com"], "must be an http(s) URL"),
            (["list", "--webhooks-safety-net", "0.5"], "--webhooks-safety-net"),
          ])
    func badValues(arguments: [String], flag: String) async throws {
        let result = try await cli.runs(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(flag), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test("'duvo sim' and 'duvo sim serve-shared' refuse a bad --webhook-faults with exit 2, naming the part",
          arguments: [["sim"], ["sim", "serve-shared"]])
    func badWebhookFaults(command: [String]) async throws {
        let result = try await cli.run(command + ["--port", "0", "--webhook-faults", "drop=0.2,lose=0.1"])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(
            "--webhook-faults 'lose=0.1': unknown kind; use drop, duplicate, delay, reorder or seed"), "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a Redis password in --coordination is refused with where to put it; from the environment or a file it is used")
    func coordinationPassword() async throws {
        let url = "rediss://duvo:hunter22@127.0.0.1:1/0"
        let refused = try await cli.runs(["list", "--coordination", url])
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("'--coordination' must not hold a password"), "\(refused)")
        #expect(refused.stderr.contains("DUVO_COORDINATION_FILE") && !refused.stderr.contains("hunter22"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-coord-\(UUID().uuidString)")
        try Data((url + "\n").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let key = ["DUVO_API_KEY": "dv_usage_test_key", "DUVO_BASE_URL": "http://127.0.0.1:1", "DUVO_TIMEOUT": "1"]
        // The file wins over DUVO_COORDINATION (else "bogus" would be a usage error).
        for environment in [["DUVO_COORDINATION": url], ["DUVO_COORDINATION_FILE": file.path],
                            ["DUVO_COORDINATION_FILE": file.path, "DUVO_COORDINATION": "bogus"]] {
            let used = try await cli.runs(["list"], environment: key.merging(environment) { $1 })
            #expect(used.status != 2 && !used.stderr.contains("must not hold"), "\(environment): \(used)")
            #expect(!used.stderr.contains("hunter22") && !used.stdout.contains("hunter22"), "\(used)")
        }
        let missing = try await cli.runs(["list"], environment: key.merging(["DUVO_COORDINATION_FILE": "/nonexistent/url"]) { $1 })
        #expect(missing.stderr.contains("cannot read the file DUVO_COORDINATION_FILE names ('/nonexistent/url')"),
                "\(missing)")
        let plain = try await cli.runs(["list", "--coordination", "redis://127.0.0.1:1/0"], environment: key)
        #expect(plain.status != 2 && !plain.stderr.contains("must not hold"), "no password: accepted; \(plain)")
    }

    @Test("a coordination URL that cannot be used is a usage error naming where it came from and no part of its password")
    func unusableCoordinationURL() async throws {
        let url = "redis://default:12/secretpart@redis.example:6379/0"
        let key = ["DUVO_API_KEY": "dv_usage_test_key", "DUVO_BASE_URL": "http://127.0.0.1:1", "DUVO_TIMEOUT": "1"]
        let fromVariable = try await cli.runs(["list"], environment: key.merging(["DUVO_COORDINATION": url]) { $1 })
        #expect(fromVariable.status == 2, "\(fromVariable)")
        #expect(fromVariable.stderr.contains("DUVO_COORDINATION: the coordination URL is not usable: a '/', '?', '#' "
            + "or '@' in the user or password must be percent-encoded (%2F, %3F, %23, %40)"), "\(fromVariable)")
        #expect(!fromVariable.stderr.contains("secret") && !fromVariable.stderr.contains("part@"), "\(fromVariable)")
        let fromOption = try await cli.runs(["list", "--coordination", "redis://127.0.0.1:1/x"],
                                            environment: key.merging(["DUVO_COORDINATION": "local"]) { $1 })
        #expect(fromOption.status == 2, "\(fromOption)")
        #expect(fromOption.stderr.contains("option '--coordination': the coordination URL is not usable"),
                "\(fromOption)")
    }

    @Test("'duvo runs respond --help' reads exactly as documented (the whole text, as argument-parser's AssertHelp)")
    func respondHelpText() async throws {
        try await Self.assertHelp(["runs", "respond", "--help"], equals: """
            Answer a run's pending human request (approve, deny, or answer its questions)

            USAGE: duvo runs respond RUN [options]

            Answers the request the run is waiting on (see 'duvo runs get RUN' or 'duvo runs messages RUN').
            Approval requests take --approve or --deny; question requests take one --answer per question, where
            QID is the question's header, its text or its 0-based index:
              duvo runs respond "$RUN_ID" --answer "City=Lisbon" --answer "Days=Monday" --answer "Days=Friday"
            Repeat --answer for the same question to pick several options of a multi-select question.

            ARGUMENTS:
              RUN  The run's id (a UUID, as 'duvo runs start' prints it).

            OPTIONS:
              --approve                Approve the pending approval request.
              --deny                   Deny the pending approval request.
              --answer QID=TEXT        Answer one question (QID: header, text or index). (repeatable)
              --request ID             Only answer if this is the pending request's id.
              --timeout S              Deadline of each call to Duvo in seconds, retries included (else DUVO_TIMEOUT; default 30).
              --api-key-file PATH      Read the API key from this file (else DUVO_API_KEY). (env: DUVO_API_KEY_FILE)
              --base-url URL           Duvo API root without version. (env: DUVO_BASE_URL) (default: https://api.duvo.ai)
              --ca-file PATH           Trust the CAs in this PEM file for https (else SSL_CERT_FILE / SSL_CERT_DIR, or the system's). (env: DUVO_CA_FILE)
              --api-version v1|v2      API generation to call. (env: DUVO_API_VERSION) (default: v2)
              --team-id ID             Team for v2's list and stats; v2 starts runs in it (without one, through /v1/runs). (env: DUVO_TEAM_ID)
              --rate-limit N           Requests per minute this process allows itself (0 = no limit). (env: DUVO_RATE_LIMIT) (default: 300)
              --coordination MODE      How processes on one key share its budget: off, local (default), redis[s]://host:port/db. (env: DUVO_COORDINATION) (default: local)
              --webhooks URL           Public URL of 'duvo webhooks': runs started here ask Duvo for events there (push, not poll); with --simulate: local, a receiver in this process. (env: DUVO_WEBHOOKS)
              --webhooks-safety-net S  With --webhooks: how often a run that gets events is read anyway, in seconds (default 60). (env: DUVO_WEBHOOKS_SAFETY_NET)
              --simulate[=private]     Use this user's shared simulator of the Duvo API (no key, no network); =private: one of this process's own. (env: DUVO_SIMULATE)
              --sim-speed X            With --simulate: run the simulated clock X times faster. (env: DUVO_SIM_SPEED) (default: 1)
              --log-level LEVEL        error, warn, info, debug or trace (logs go to stderr). (env: DUVO_LOG_LEVEL) (default: warn)
              --json                   Print JSON (Duvo's own body; JSON Lines with --follow).
              -h, --help               Show help for this command.
            """)
    }

    /// Runs `duvo <arguments>` in process and compares its whole stdout, line by line, with `expected`.
    static func assertHelp(_ arguments: [String], equals expected: String,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await CLIHarness().run(arguments)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, sourceLocation: sourceLocation)
        let actual = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let wanted = (expected + "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, pair) in zip(actual, wanted).enumerated() where pair.0 != pair.1 {
            Issue.record("line \(index + 1) differs:\n  got:  \(pair.0)\n  want: \(pair.1)",
                         sourceLocation: sourceLocation)
        }
        #expect(actual.count == wanted.count, "\(actual.count) lines, expected \(wanted.count)",
                sourceLocation: sourceLocation)
    }
}
