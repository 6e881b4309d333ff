import Foundation
import Testing
import TestSupport

/// `--timeout` on `duvo runs` commands: the deadline of each call to Duvo, retries included; `wait --timeout` stays
/// the wait's, and its calls take `DUVO_TIMEOUT`.
@Suite("duvo runs: --timeout is each call's deadline")
struct CLICallDeadlineTests {
    static let runID = "550e8400-e29b-41d4-a716-446655440000"
    /// A Duvo that takes every request and answers none (for a minute, longer than any of these calls may take).
    static let stalled = ["--faults", "latency=1:60s"]

    @Test("a stalled Duvo ends `get --timeout` with exit 5, naming that deadline (not DUVO_TIMEOUT's) and the attempts")
    func stalledGet() async throws {
        let cli = try await CLIHarness.simulated(Self.stalled, environment: ["DUVO_TIMEOUT": "300"])
        let result = try await cli.runs(["get", Self.runID, "--timeout", "1.5"])
        #expect(result.status == 5, "\(result)")
        // The one attempt had the whole deadline: a stalled answer is not retried past it.
        #expect(result.stderr.contains("error: get run: no answer from Duvo within the 1.5 s deadline (1 attempt in "),
                "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test("--timeout bounds a write too: a stalled start says a run may exist, never 'try again'")
    func stalledStart() async throws {
        let cli = try await CLIHarness.simulated(Self.stalled)
        let result = try await cli.runs(["start", "--agent", try SimAgents.id("echo"), "--message", "hi",
                                         "--timeout", "1", "--json"])
        #expect(result.status == 5, "\(result)")
        #expect(result.stderr.contains("within the 1.0 s deadline (1 attempt in "), "\(result)")
        #expect(result.stderr.contains("may"), "\(result)")
        #expect(!result.stderr.contains("try again"), "\(result)")
    }

    @Test("wait --timeout is the wait's: its calls to a stalled Duvo take DUVO_TIMEOUT's deadline, and it ends with exit 5")
    func waitKeepsItsOwn() async throws {
        let cli = try await CLIHarness.simulated(Self.stalled, environment: ["DUVO_TIMEOUT": "1"])
        let result = try await cli.runs(["wait", Self.runID, "--timeout", "4"])
        #expect(result.status == 5, "\(result)")
        #expect(result.stderr.contains("within the 1.0 s deadline"), "\(result)")
    }

    @Test("a --timeout that is not a number of seconds in (0, 86400] is a usage error naming it; nothing is called",
          arguments: ["0", "-3", "soon", "90000", "nan"])
    func badValue(value: String) async throws {
        // No Duvo at all: a usage error must come before any connection is made.
        let cli = CLIHarness(environment: ["DUVO_BASE_URL": "http://127.0.0.1:9", "DUVO_API_KEY": "dv_sim_local_key"])
        for arguments in [["get", Self.runID], ["list"], ["watch", Self.runID]] {
            let result = try await cli.runs(arguments + ["--timeout", value])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("option '--timeout' must be a number of seconds more than 0 and at most "
                + "86400, such as 30, not '\(value)'"), "\(result)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("--help of every command but wait shows --timeout as a call's deadline; wait's says where that comes from")
    func help() async throws {
        let cli = CLIHarness()
        for command in ["start", "get", "messages", "send-message", "respond", "stop", "list", "stats", "watch"] {
            let result = try await cli.runs([command, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("Deadline of each call to Duvo in seconds"), "\(command): \(result)")
        }
        let wait = try await cli.runs(["wait", "--help"])
        #expect(wait.stdout.contains("Give up after S seconds"), "\(wait)")
        #expect(wait.stdout.contains("DUVO_TIMEOUT"), "\(wait)")
    }
}
