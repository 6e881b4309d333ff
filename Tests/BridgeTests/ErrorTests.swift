import DuvoAPI
import DuvoBridge
import Foundation
import JSONCore
import JSONRPC
import ServerTestSupport
import Testing
import TestSupport

/// Duvo's errors map to documented codes with Duvo's words in `data`; configuration problems say how to fix them.
/// In memory, except where the process's own output is the point (a key in its logs, a usage error's exit status).
@Suite("duvo rpc errors", .timeLimit(.minutes(1)))
struct ErrorTests {
    @Test("an unknown run is -31003 with Duvo's status, error and message in data")
    func notFound() async throws {
        let bridge = try startInProcess()
        let answer = try await bridge.request("runs/get", ["run_id": .string(UUID().uuidString)])
        let error = try #require(answer["error"])
        #expect(error["code"] == -31003)
        #expect(error["data"]?["http_status"] == 404)
        #expect(error["data"]?["error"] == "not_found")
        #expect(error["data"]?["message"]?.stringValue?.isEmpty == false)
    }

    @Test("a write answered 2xx with a body that cannot be read keeps -31000, with its detail, outcome_unknown and check")
    func unreadableWrite() {
        let error = RPCError(DuvoAPIError.outcomeUnknown(
            failure: .invalidResponse(operation: "start run", detail: "201 with an HTML page"), check: "Check runs/list."))
        #expect(error.code.rawValue == -31000)
        #expect(error.data?["outcome_unknown"] == true && error.data?["check"] == "Check runs/list.")
        #expect(error.data?["detail"] == "201 with an HTML page")
        #expect(error.message.contains("could not be read") && error.message.contains("Check runs/list."))
    }

    @Test("listing runs on API v1 says it needs v2")
    func v1List() async throws {
        let bridge = try startInProcess { $0.apiVersion = .v1 }
        let answer = try await bridge.request("runs/list")
        #expect(answer["error"]?["code"] == -31010)
        #expect(answer["error"]?["message"]?.stringValue?.contains("v2") == true)
        let started = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("echo"))])
        #expect(started["run"]?["has_issues"] == nil, "v1 runs carry exactly the v1 fields")
    }

    @Test("with no key the server starts, rpc.discover works, and Duvo methods say how to set the key")
    func noKey() async throws {
        let bridge = try startInProcess { $0.withoutKey = true }
        #expect(try await bridge.call("rpc.discover")["methods"] != nil)
        let answer = try await bridge.request("runs/get", ["run_id": .string(UUID().uuidString)])
        #expect(answer["error"]?["code"] == -31009)
        #expect(answer["error"]?["message"]?.stringValue?.contains("DUVO_API_KEY") == true)
        bridge.closeInput()
        #expect(await bridge.stopped() == .endOfInput)
    }

    @Test("an unreachable Duvo is a network error, and the key appears nowhere in any output")
    func unreachable() async throws {
        let secret = "dv_live_\(UUID().uuidString)"
        let bridge = try RPCProcess(arguments: ["rpc", "--log-level", "trace"], environment: RPCProcess.cleanEnvironment(
            adding: ["DUVO_API_KEY": secret, "DUVO_BASE_URL": "http://127.0.0.1:1", "DUVO_TEAM_ID": "t"]))
        let answer = try await bridge.request("runs/get", ["run_id": .string(UUID().uuidString)])
        #expect(answer["error"]?["code"] == -31007)
        #expect(answer["error"]?["message"]?.stringValue?.contains("DUVO_BASE_URL") == true)
        bridge.closeInput()
        _ = await bridge.waitForExit()
        #expect(!bridge.stdoutText.contains(secret))
        #expect(!bridge.stderr.text.contains(secret))
    }

    @Test("a mistyped flag is a usage error (exit 2) that suggests the right one, with nothing on stdout")
    func flags() async throws {
        let bad = try RPCProcess(arguments: ["rpc", "--framng", "lsp"])
        #expect(await bad.waitForExit() == 2)
        #expect(bad.stderr.text.contains("did you mean '--framing'"))
        #expect(bad.stdoutText.isEmpty, "stdout carries frames only")
    }
}
