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
}
