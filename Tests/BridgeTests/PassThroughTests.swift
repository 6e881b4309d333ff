import HTTPServer
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// What a newer Duvo adds reaches JSON-RPC callers; what it answers in a shape we cannot read is a clear error.
@Suite("Duvo's answers through the typed models", .timeLimit(.minutes(1)))
struct PassThroughTests {
    static let newer = "11111111-1111-4111-8111-111111111111"
    static let broken = "22222222-2222-4222-8222-222222222222"

    /// A Duvo that answers `GET /v2/runs/{id}` one exact way: a run with fields no document names, or a run whose
    /// status is a number.
    static func fakeDuvo() throws -> HTTPServer {
        let server = HTTPServer(port: 0) { request in
            let body: String
            switch request.path {
            case "/v2/runs/\(newer)":
                body = #"{"run":{"id":"\#(newer)","status":"reviewing","cost_cents":12,"labels":["a"],"#
                    + #""started_at":null},"pending_human_request":null,"trace":"t-1"}"#
            case "/v2/runs/\(broken)":
                body = #"{"run":{"id":"\#(broken)","status":7}}"#
            default:
                return HTTPResponse(status: 404, headers: ["Content-Type": "application/json"],
                                    body: Array(#"{"error":"not_found"}"#.utf8))
            }
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(body.utf8))
        }
        _ = try server.start()
        return server
    }

    @Test("a run with a field no document names, and a status this version does not know, comes out of runs/get whole")
    func unknownFieldsReachCallers() async throws {
        let duvo = try Self.fakeDuvo()
        defer { duvo.stop() }
        let bridge = try startInProcess { $0.upstream = "http://127.0.0.1:\(duvo.boundPort)" }
        let got = try await bridge.call("runs/get", ["run_id": .string(Self.newer)])
        #expect(got == [
            "run": ["id": .string(Self.newer), "status": "reviewing", "cost_cents": 12, "labels": ["a"],
                    "started_at": nil],
            "pending_human_request": nil, "trace": "t-1",
        ])
    }

    @Test("a run whose status is not a string is an upstream error that names the field; the server keeps serving")
    func unreadableAnswer() async throws {
        let duvo = try Self.fakeDuvo()
        defer { duvo.stop() }
        let bridge = try startInProcess { $0.upstream = "http://127.0.0.1:\(duvo.boundPort)" }
        do {
            _ = try await bridge.call("runs/get", ["run_id": .string(Self.broken)])
            Issue.record("an unreadable run was answered")
        } catch let error as RPCErrorAnswer {
            #expect(error.code == -31000)
            #expect(error.data?["detail"]?.stringValue?.contains("'status' of Duvo's run is a number, not a string") == true, "\(error)")
        }
        let again = try await bridge.call("runs/get", ["run_id": .string(Self.newer)])
        #expect(again["run"]?["status"] == "reviewing")
    }

    @Test("MCP's tools run the same operations: the unknown field reaches structuredContent, a bad id is the same advice")
    func mcpToolsShareTheOperations() async throws {
        let duvo = try Self.fakeDuvo()
        defer { duvo.stop() }
        let bridge = try startInProcess { $0.upstream = "http://127.0.0.1:\(duvo.boundPort)" }
        let meta: JSONValue = ["io.modelcontextprotocol/protocolVersion": "2026-07-28",
                               "io.modelcontextprotocol/clientCapabilities": [:],
                               "io.modelcontextprotocol/clientInfo": ["name": "pass-through-test", "version": "1"]]
        let got = try await bridge.call("tools/call", ["name": "duvo_get_run", "arguments": ["run_id": .string(Self.newer)],
                                                       "_meta": meta])
        #expect(got["isError"] == false, "\(got)")
        #expect(got["structuredContent"]?["run"]?["cost_cents"] == 12, "\(got)")
        for tool in ["duvo_wait_for_run", "duvo_list_messages", "duvo_get_run"] {
            let refused = try await bridge.call("tools/call", ["name": .string(tool), "arguments": ["run_id": "r1"],
                                                               "_meta": meta])
            #expect(refused["isError"] == true, "\(tool): \(refused)")
            let text = refused["content"]?[0]?["text"]?.stringValue ?? ""
            #expect(text.contains("'run_id' must be a UUID such as 550e8400-e29b-41d4-a716-446655440000, got 'r1'"),
                    "\(tool): \(text)")
        }
    }

    @Test("runs/messages with all stops at 10,000 messages, whatever total an answer claims, and says the total")
    func allIsBounded() async throws {
        // A Duvo whose run always has fifty more messages: read to its claimed total, "all" would never end.
        let endless = HTTPServer(port: 0) { request in
            let offset = Int(request.query("offset") ?? "0") ?? 0
            let messages = (offset..<offset + 50).map { index in
                #"{"id":"m\#(index)","type":"text","role":"assistant","timestamp":"2026-12-07T10:00:00Z","text_content":"#
                    + #""\#(index)"}"#
            }
            let body = #"{"messages":[\#(messages.joined(separator: ","))],"total":1000000000,"limit":50,"#
                + #""offset":\#(offset)}"#
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(body.utf8))
        }
        _ = try endless.start()
        defer { endless.stop() }
        let bridge = try startInProcess { $0.upstream = "http://127.0.0.1:\(endless.boundPort)" }
        let got = try await bridge.call("runs/messages", ["run_id": .string(Self.newer), "all": true])
        #expect(got["messages"]?.arrayValue?.count == 10_000)
        #expect(got["total"] == 1_000_000_000)
        #expect(got["messages"]?[9_999]?["id"] == "m9999")
    }

    @Test("a page whose total is not a count is an upstream error naming it, not a crash of the tail arithmetic")
    func negativeTotal() async throws {
        let duvo = HTTPServer(port: 0) { _ in
            let body = #"{"messages":[],"total":-9223372036854775808,"limit":1,"offset":0}"#
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(body.utf8))
        }
        _ = try duvo.start()
        defer { duvo.stop() }
        let bridge = try startInProcess { $0.upstream = "http://127.0.0.1:\(duvo.boundPort)" }
        let meta: JSONValue = ["io.modelcontextprotocol/protocolVersion": "2026-07-28",
                               "io.modelcontextprotocol/clientCapabilities": [:],
                               "io.modelcontextprotocol/clientInfo": ["name": "pass-through-test", "version": "1"]]
        let tail = try await bridge.call("tools/call", [
            "name": "duvo_list_messages", "arguments": ["run_id": .string(Self.newer), "tail": 5], "_meta": meta,
        ])
        #expect(tail["isError"] == true, "\(tail)")
        #expect(tail["content"]?[0]?["text"]?.stringValue?.contains("'total'") == true, "\(tail)")
        do {
            _ = try await bridge.call("runs/messages", ["run_id": .string(Self.newer)])
            Issue.record("a negative total was passed on")
        } catch let error as RPCErrorAnswer {
            #expect(error.code == -31000)
        }
    }

    @Test("a 429 asking for an absurd wait (1e20 s, inf) is a rate-limit error that says a day at most, not a crash",
          arguments: ["1e20", "inf", "99999999999999999999"])
    func absurdRetryAfter(_ header: String) async throws {
        let duvo = HTTPServer(port: 0) { _ in
            HTTPResponse(status: 429, headers: ["Content-Type": "application/json", "Retry-After": header],
                         body: Array(#"{"error":"rate_limited"}"#.utf8))
        }
        _ = try duvo.start()
        defer { duvo.stop() }
        let bridge = try startInProcess { $0.upstream = "http://127.0.0.1:\(duvo.boundPort)" }
        do {
            _ = try await bridge.call("runs/get", ["run_id": .string(Self.newer)])
            Issue.record("a 429 was answered as a result")
        } catch let error as RPCErrorAnswer {
            #expect(error.code == -31005, "\(error)")
            let wait = error.data?["retry_after_s"]?.doubleValue
            #expect(wait == nil || wait! <= 86_400, "\(error)")
        }
    }

    @Test("an offset beyond JSON's exact integers is refused before anything is sent, so no sum with a count overflows",
          arguments: ["runs/messages", "runs/follow", "runs/list"])
    func hugeOffset(_ method: String) async throws {
        let duvo = try Self.fakeDuvo()
        defer { duvo.stop() }
        let bridge = try startInProcess { $0.upstream = "http://127.0.0.1:\(duvo.boundPort)" }
        var params: [String: JSONValue] = ["offset": .int(Int.max)]
        if method != "runs/list" { params["run_id"] = .string(Self.newer) }
        do {
            _ = try await bridge.call(method, .object(params))
            Issue.record("an offset of 2^63 - 1 was taken")
        } catch let error as RPCErrorAnswer {
            #expect(error.code == -32602, "\(error)")
            #expect(error.data?["field"] == "offset", "\(error)")
        }
    }
}
