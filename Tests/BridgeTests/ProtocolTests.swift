import Foundation
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// JSON-RPC 2.0 to the letter, through the server in memory: batches, ids, malformed input, both framings.
@Suite("duvo rpc protocol", .timeLimit(.minutes(1)))
struct ProtocolTests {
    @Test("ids of string, number, null and beyond 2^53 are echoed exactly as sent")
    func ids() async throws {
        let bridge = try startInProcess()
        bridge.sendRaw(Array(#"""
            {"jsonrpc":"2.0","id":"abc","method":"rpc.discover"}
            {"jsonrpc":"2.0","id":12345678901234567890123,"method":"rpc.discover"}
            {"jsonrpc":"2.0","id":-7,"method":"rpc.discover"}
            {"jsonrpc":"2.0","id":null,"method":"rpc.discover"}

            """#.utf8))
        bridge.closeInput()
        #expect(await bridge.stopped() == .endOfInput)
        let text = bridge.outputText
        #expect(text.contains(#""id":"abc""#))
        #expect(text.contains(#""id":12345678901234567890123,"#))
        #expect(text.contains(#""id":-7,"#))
        #expect(text.contains(#""id":null,"result""#))
    }

    @Test("a batch is answered with one array; notifications in it are not answered; [] is invalid")
    func batches() async throws {
        let bridge = try startInProcess()
        bridge.sendRaw(Array(#"""
            [{"jsonrpc":"2.0","id":1,"method":"runs/get","params":{"run_id":"x"}},{"jsonrpc":"2.0","method":"runs/get"},{"jsonrpc":"2.0","id":2,"method":"nope"},5]
            []
            [{"jsonrpc":"2.0","method":"runs/get"}]

            """#.utf8))
        bridge.closeInput()
        #expect(await bridge.stopped() == .endOfInput)
        let frames = bridge.frames
        #expect(frames.count == 2, "the all-notification batch gets no answer")
        let batch = try #require(frames.first { $0.arrayValue != nil }?.arrayValue)
        #expect(batch.count == 3)
        #expect(batch.map { $0["error"]?["code"] } == [-32602, -32601, -32600])
        #expect(batch.map { $0["id"] } == [1, 2, .null])
        let empty = try #require(frames.first { $0.objectValue != nil })
        #expect(empty["error"]?["code"] == -32600)
        #expect(empty["id"] == .null)
    }

    @Test("garbage, wrong shapes and truncated frames get specific errors and the next frame is served")
    func malformed() async throws {
        let bridge = try startInProcess()
        bridge.sendRaw(Array(#"""
            {"jsonrpc":"2.0","id":1,"method":"rpc.discover"
            not json at all
            {"jsonrpc":"1.0","id":2,"method":"rpc.discover"}
            {"jsonrpc":"2.0","id":3,"method":7}
            {"jsonrpc":"2.0","id":4,"method":"runs/get","params":{"run_id":42}}
            {"jsonrpc":"2.0","id":5,"method":"runs/get","params":{"runid":"x"}}
            {"jsonrpc":"2.0","id":6,"method":"runs/get","params":["x"]}
            {"jsonrpc":"2.0","id":7,"method":"rpc.discover"}

            """#.utf8) + [0xFF, 0xFE, 0x0A])
        let served = try await bridge.frame { $0["id"] == 7 }
        #expect(served["result"]?["openrpc"] != nil)
        let frames = bridge.frames
        let parseErrors = frames.filter { $0["error"]?["code"] == -32700 }
        #expect(parseErrors.count >= 2)
        #expect(parseErrors.allSatisfy { $0["id"] == .null })
        #expect(frames.first { $0["id"] == 2 }?["error"]?["code"] == -32600)
        #expect(frames.first { $0["id"] == 3 }?["error"]?["code"] == -32600)
        let typed = try #require(frames.first { $0["id"] == 4 }?["error"])
        #expect(typed["code"] == -32602)
        #expect(typed["data"]?["field"] == "run_id")
        let misspelt = try #require(frames.first { $0["id"] == 5 }?["error"])
        #expect(misspelt["data"]?["field"] == "runid")
        #expect(misspelt["message"]?.stringValue?.contains("run_id") == true, "the message names the right field")
        #expect(frames.first { $0["id"] == 6 }?["error"]?["code"] == -32602)
        _ = try await bridge.call("rpc.discover")
        bridge.closeInput()
        #expect(await bridge.stopped() == .endOfInput)
    }

    @Test("a frame over the size cap gets an error, and the server keeps serving")
    func oversized() async throws {
        let bridge = try startInProcess { $0.connection.maxFrameBytes = 4096 }
        let big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"runs/get\",\"params\":{\"run_id\":\""
            + String(repeating: "x", count: 10_000) + "\"}}\n"
        bridge.sendRaw(Array(big.utf8))
        let rejected = try await bridge.frame { $0["error"] != nil }
        #expect(rejected["error"]?["code"] == -32600)
        #expect(rejected["error"]?["message"]?.stringValue?.contains("4096") == true)
        _ = try await bridge.call("rpc.discover")
    }

    @Test("Content-Length framing is detected, counts UTF-8 bytes, and is answered in kind")
    func contentLength() async throws {
        let bridge = try startInProcess { $0.framing = .contentLength }
        let answer = try await bridge.request("runs/get", ["run_id": "ü-not-a-uuid-é"])
        #expect(answer["error"]?["message"]?.stringValue?.contains("ü-not-a-uuid-é") == true)
        #expect(bridge.outputText.hasPrefix("Content-Length: "))
    }

    @Test("a run id is checked as a UUID in either case: a well-formed one reaches Duvo, anything else is -32602")
    func runIDs() async throws {
        let bridge = try startInProcess()
        for id in ["550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-44665544000A"] {
            let answer = try await bridge.request("runs/get", ["run_id": .string(id)])
            #expect(answer["error"]?["code"] != -32602, "\(id): \(answer)")
            #expect(answer["error"]?["message"]?.stringValue?.contains("404") == true, "\(id): \(answer)")
        }
        for id in ["550e8400e29b41d4a716446655440000", "550e8400-e29b-41d4-a716-44665544000", "",
                   "550e8400-e29b-41d4-a716-4466554400000", "550e8400-e29b-41d4-a716-44665544000g",
                   "550e8400-e29b-41d4a-716-446655440000", "{550e8400-e29b-41d4-a716-446655440000}"] {
            let answer = try await bridge.request("runs/get", ["run_id": .string(id)])
            #expect(answer["error"]?["code"] == -32602, "\(id): \(answer)")
            #expect(answer["error"]?["data"]?["field"] == "run_id", "\(id): \(answer)")
        }
    }

    @Test("unknown methods are answered at once with -32601 naming the method")
    func unknownMethod() async throws {
        let bridge = try startInProcess()
        // (server/discover is served since MCP 2026-07-28; resources/list is not.)
        let answer = try await bridge.request("resources/list")
        #expect(answer["error"]?["code"] == -32601)
        #expect(answer["error"]?["message"]?.stringValue?.contains("resources/list") == true)
    }

    @Test("a 100 KB method name or unknown field is named in its error clipped to 80 characters, not echoed in full")
    func hugeNamesAreClipped() async throws {
        let bridge = try startInProcess()
        let huge = String(repeating: "x", count: 100_000)
        let method = try await bridge.request(huge)
        #expect(method["error"]?["code"] == -32601)
        #expect(method["error"]?["message"]?.stringValue?.contains(String(repeating: "x", count: 80)) == true)
        #expect((method["error"]?["message"]?.stringValue?.count ?? .max) < 200)
        let field = try await bridge.request("runs/get", ["run_id": "11111111-1111-4111-8111-111111111111",
                                                         huge: 1])
        #expect(field["error"]?["code"] == -32602)
        #expect((field["error"]?["message"]?.stringValue?.count ?? .max) < 300)
        #expect(field["error"]?["data"]?["field"]?.stringValue == String(repeating: "x", count: 80))
    }
}
