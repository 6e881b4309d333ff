import Foundation
import Testing
import TestSupport

/// The commands run the server's operations, so they check what the server checks, before anything is sent.
@Suite("duvo runs: the operations' checks")
struct CLIOperationChecksTests {
    /// A key and a Duvo nobody listens at: a command that sent anything would fail with a network error (exit 4).
    static let nowhere = ["DUVO_API_KEY": "dv_test_key", "DUVO_BASE_URL": "http://127.0.0.1:9", "DUVO_TIMEOUT": "2"]

    @Test("a RUN that is not a UUID is bad usage (exit 2) naming RUN, as runs/get refuses a bad run_id",
          arguments: [["get", "not-a-run"], ["stop", "../teams/x"], ["messages", "abc"],
                      ["send-message", "r1", "--message", "hi"], ["respond", "r1", "--approve"],
                      ["wait", "r1", "--timeout", "5"]])
    func runIDs(arguments: [String]) async throws {
        let result = try await CLIHarness().runs(arguments, environment: Self.nowhere)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("RUN must be a UUID such as 550e8400-e29b-41d4-a716-446655440000"),
                "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test("an agent that is not a UUID, and a wait longer than a day, are refused as the server refuses them")
    func otherChecks() async throws {
        let start = try await CLIHarness().runs(["start", "--agent", "agent-1"], environment: Self.nowhere)
        #expect(start.status == 2, "\(start)")
        #expect(start.stderr.contains("--agent must be a UUID"), "\(start)")
        let wait = try await CLIHarness().runs(["wait", "550e8400-e29b-41d4-a716-446655440000", "--timeout", "90000"],
                                               environment: Self.nowhere)
        #expect(wait.status == 2, "\(wait)")
        #expect(wait.stderr.contains("--timeout must be more than 0 and at most 86400 seconds"), "\(wait)")
    }

    @Test("a simulator clock faster than 100,000x is bad usage, not a crash at its first reading",
          arguments: [["sim", "--speed", "1e300", "--port", "0"], ["runs", "list", "--simulate", "--sim-speed", "1e300"]])
    func absurdSpeed(arguments: [String]) async throws {
        let result = try await CLIHarness().run(arguments, environment: Self.nowhere, timeout: 20)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("at most 100000"), "\(result)")
    }
}
