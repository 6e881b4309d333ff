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
            (["start", "--agent", "A", "--exit-status"], "--exit-status needs --follow"),
            (["get", "R", "--log-level", "loud"], "--log-level"),
          ])
    func badValues(arguments: [String], flag: String) async throws {
        let result = try await cli.runs(arguments)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(flag), "\(result)")
        #expect(result.stdout.isEmpty)
    }
}
