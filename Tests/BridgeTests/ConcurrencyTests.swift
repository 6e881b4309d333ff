import Foundation
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// Requests run concurrently and can be cancelled (in memory); the process shuts down cleanly however it is asked
/// to (signals, LSP exit, a closed stdout: a child process, since the process is the point).
@Suite("duvo rpc concurrency, cancellation and shutdown", .timeLimit(.minutes(2)))
struct ConcurrencyTests {
    @Test("a long runs/wait does not hold back a runs/get sent after it")
    func waitDoesNotBlock() async throws {
        let bridge = try startInProcess { $0.speed = 5 }
        let runID = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("slow"))]).runID
        bridge.send(["jsonrpc": "2.0", "id": "wait", "method": "runs/wait",
                     "params": ["run_id": .string(runID), "timeout_s": 600]])
        let got = try await bridge.call("runs/get", ["run_id": .string(runID)])
        #expect(got["run"]?["id"]?.stringValue == runID)
        #expect(!bridge.frames.contains { $0["id"] == "wait" }, "the wait is still running")
    }

    /// A bridge with a wait of a slow run in flight as request 99.
    private func bridgeWaiting() async throws -> InProcessBridge {
        let bridge = try startInProcess { $0.speed = 5 }
        let runID = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("slow"))]).runID
        bridge.send(["jsonrpc": "2.0", "id": 99, "method": "runs/wait", "params": ["run_id": .string(runID)]])
        _ = try await bridge.call("runs/get", ["run_id": .string(runID)])
        return bridge
    }

    @Test("$/cancelRequest aborts a wait, which is answered with -32800")
    func cancel() async throws {
        let bridge = try await bridgeWaiting()
        bridge.notify("$/cancelRequest", ["id": 99])
        let answer = try await bridge.frame(timeout: 10) { $0["id"] == 99 }
        #expect(answer["error"]?["code"] == -32800)
        _ = try await bridge.call("rpc.discover")
    }

    @Test("notifications/cancelled aborts a wait, and nothing is ever written for it (MCP's rule)")
    func cancelTheMCPWay() async throws {
        let bridge = try await bridgeWaiting()
        bridge.notify("notifications/cancelled", ["requestId": 99, "reason": "timeout"])
        _ = try await bridge.call("rpc.discover")
        // Shutdown answers every request still owed an answer; the cancelled wait is owed none.
        bridge.closeInput()
        #expect(await bridge.stopped() == .endOfInput)
        #expect(!bridge.frames.contains { $0["id"] == 99 })
    }

    @Test("end of input answers what is in flight (cancelling long waits), ends follows, and exits 0")
    func endOfInput() async throws {
        let bridge = try startInProcess { $0.speed = 5 }
        let runID = try await bridge.call("runs/start", ["agent_id": .string(try bridge.agentID("slow"))]).runID
        let subscription = try await bridge.call("runs/follow", ["run_id": .string(runID)])["subscription"]
        bridge.send(["jsonrpc": "2.0", "id": "w", "method": "runs/wait", "params": ["run_id": .string(runID)]])
        bridge.send(["jsonrpc": "2.0", "id": "g", "method": "runs/get", "params": ["run_id": .string(runID)]])
        bridge.closeInput()
        #expect(await bridge.stopped() == .endOfInput)
        let frames = bridge.frames
        #expect(frames.first { $0["id"] == "g" }?["result"] != nil)
        #expect(frames.first { $0["id"] == "w" }?["error"]?["code"] == -32800)
        let ended = frames.last { $0["method"] == "runs/followEnded" }
        #expect(ended?["params"]?["subscription"] == subscription)
        #expect(ended?["params"]?["reason"] == "shutdown")
    }

    @Test("SIGTERM during many in-flight requests answers or cancels every one and exits 0")
    func sigterm() async throws {
        let bridge = try startBridgeForSlowRuns()
        let runID = try await bridge.call("runs/start", ["agent_id": .string(try SimAgents.id("slow"))]).runID
        for id in 0..<200 {
            bridge.send(["jsonrpc": "2.0", "id": .int(id), "method": "runs/wait",
                         "params": ["run_id": .string(runID), "timeout_s": 600]])
        }
        _ = try await bridge.call("runs/get", ["run_id": .string(runID)])
        bridge.signal(SIGTERM)
        #expect(await bridge.waitForExit(timeout: 10) == 0)
        let answered = Set(bridge.frames.compactMap { $0["id"]?.intValue })
        #expect((0..<200).allSatisfy { answered.contains($0) })
    }

    @Test("LSP shutdown then exit ends with status 0; exit without shutdown with 1")
    func lspLifecycle() async throws {
        let polite = try startBridge(wire: .contentLength)
        #expect(try await polite.request("shutdown")["result"] == .null)
        polite.notify("exit")
        #expect(await polite.waitForExit() == 0)
        let abrupt = try startBridge(wire: .contentLength)
        abrupt.notify("exit")
        #expect(await abrupt.waitForExit() == 1)
    }

    @Test("a client that closes stdout ends the process quietly")
    func closedOutput() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DuvoBinary.path)
        process.arguments = ["rpc", "--simulate=private"]
        process.environment = RPCProcess.cleanEnvironment()
        let input = try ChildPipe(.toChild), output = try ChildPipe(.fromChild), errors = try ChildPipe(.fromChild)
        process.standardInput = input.childEnd
        process.standardOutput = output.childEnd
        process.standardError = errors.childEnd
        try ChildProcesses.run(process)
        for pipe in [input, output, errors] { pipe.closeChildEnd() }
        try output.parentEnd.close()
        try input.parentEnd.write(contentsOf: Data(#"{"jsonrpc":"2.0","id":1,"method":"rpc.discover"}"#.utf8 + [0x0A]))
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        #expect(process.terminationReason == .exit, "not killed by SIGPIPE")
        try? input.parentEnd.close()
    }
}
