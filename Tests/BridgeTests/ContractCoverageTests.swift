import Foundation
import JSONCore
import ServerTestSupport
import Testing
import TestSupport

/// Every method called through the server in memory, on the simulator: each result and each `runs/*` notification
/// holds to its schema in `schema/openrpc.json`, carries no key the document does not declare, and, over the whole
/// session, every property the document declares is sent at least once (except those listed in ``unsent``). Errors
/// are ones the method documents, their data as `InvalidParamsData` or `UpstreamErrorData` declare it.
@Suite("OpenRPC contract, against what the server sends", .timeLimit(.minutes(2)))
struct ContractCoverageTests {
    /// Declared properties this session cannot make the server send, and why (each is covered elsewhere).
    static let unsent: [String: String] = [
        "StartResult/properties/recovered": "only after a lost write (RecoveryTests, test_recovery_clock.py)",
        "SendMessageResult/properties/recovered": "only after a lost write (the same tests)",
        "FollowEndedNotification/properties/error": "only when Duvo ends a follow with 404/401/403 mid-way",
        "FollowStalledNotification": "only when Duvo keeps failing (test_follow_stalls.py)",
        "FollowRecoveredNotification": "only after a stall (test_follow_stalls.py)",
        "RPCErrorObject": "only in the two notifications above",
    ]

    @Test("each result and notification holds to its schema, declares every key it carries, and sends every field")
    func everyFieldBothWays() async throws {
        let document = try JSONParser().parse(Data(contentsOf: ContractTests.file))
        let validator = JSONSchemaValidator(document: document)
        let bridge = try startInProcess()
        var results: [(method: String, result: JSONValue)] = []
        func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
            let result = try await bridge.call(method, params, timeout: 60)
            results.append((method, result))
            return result
        }
        var errors: [(method: String, error: JSONValue)] = []
        func fail(_ method: String, _ params: JSONValue) async throws {
            let answer = try await bridge.request(method, params, timeout: 60)
            errors.append((method, try #require(answer["error"], "\(method) \(params) fails: \(answer)")))
        }
        func agent(_ name: String) throws -> JSONValue { .string(try bridge.agentID(name)) }

        _ = try await call("rpc.discover", [:])
        let echo = try await call("runs/start", ["agent_id": try agent("echo"), "message": "ping",
                                                 "sandbox_id": "sbx_contract"]).runID
        _ = try await call("runs/wait", ["run_id": .string(echo), "timeout_s": 30])
        _ = try await call("runs/get", ["run_id": .string(echo)])
        _ = try await call("runs/messages", ["run_id": .string(echo), "limit": 1])
        _ = try await call("runs/messages", ["run_id": .string(echo), "all": true])
        _ = try await call("runs/sendMessage", ["run_id": .string(echo), "message": "again"])

        let approval = try await call("runs/start", ["agent_id": try agent("approval"), "follow": true])
        let waiting = try await call("runs/wait", ["run_id": .string(approval.runID), "until": "attention",
                                                   "timeout_s": 30])
        #expect(waiting["pending_human_request"]?["type"] == "approval")
        // Nothing ends the run until it is answered, so a wait for its end times out.
        let timedOut = try await call("runs/wait", ["run_id": .string(approval.runID), "timeout_s": 0.2])
        _ = try await call("runs/respond", ["run_id": .string(approval.runID), "approved": true])
        let subscription = try #require(approval["subscription"]?.stringValue)
        _ = try await collectFollow(bridge, subscription: subscription)

        let questions = try await call("runs/start", ["agent_id": try agent("questions")]).runID
        let asked = try await call("runs/wait", ["run_id": .string(questions), "until": "attention", "timeout_s": 30])
        var answers: [JSONValue] = []
        for question in asked["pending_human_request"]?["questions"]?.arrayValue ?? [] {
            let label = question["options"]?[0]?["label"] ?? "yes"
            answers.append(["question": question["question"] ?? "", "answer": question["multi_select"] == true
                                ? [label] : label])
        }
        _ = try await call("runs/respond", ["run_id": .string(questions), "answers": .array(answers)])

        let failing = try await call("runs/start", ["agent_id": try agent("failing")]).runID
        _ = try await call("runs/wait", ["run_id": .string(failing), "timeout_s": 30])
        _ = try await call("runs/messages", ["run_id": .string(failing), "all": true])
        let slow = try await call("runs/start", ["agent_id": try agent("slow")]).runID
        let followed = try await call("runs/follow", ["run_id": .string(slow), "offset": 0])
        _ = try await call("runs/unfollow", ["subscription": followed["subscription"] ?? .null])
        _ = try await call("runs/stop", ["run_id": .string(slow)])
        _ = try await call("runs/stop", ["run_id": .string(slow)])
        _ = try await call("runs/list", ["limit": 2])
        _ = try await call("runs/list", ["all": true, "has_issues": true])
        _ = try await call("runs/stats", [:])
        try await fail("runs/get", ["run_id": "not-a-uuid"])
        try await fail("runs/get", ["run_id": .string(UUID().uuidString)])
        try await fail("runs/messages", ["run_id": .string(echo), "limit": 0])
        try await fail("runs/respond", ["run_id": .string(echo), "approved": true])
        try await fail("runs/sendMessage", ["run_id": .string(UUID().uuidString), "message": "lost"])
        try await fail("runs/start", ["agent_id": .string(UUID().uuidString)])
        bridge.closeInput()
        #expect(await bridge.stopped() == .endOfInput)
        #expect(timedOut["timed_out"] == true)

        var report = JSONSchemaValidator.Report()
        var roots: [String] = []
        for (method, result) in results {
            let pointer = try #require(Self.resultPointer(method, in: document), "\(method) documents a result")
            roots.append(pointer)
            report.merge(validator.check(result, against: pointer, at: method))
        }
        for notification in document["x-notifications"]?.arrayValue ?? [] {
            guard let name = notification["name"]?.stringValue,
                  let pointer = notification["params"]?["$ref"]?.stringValue else { continue }
            roots.append(pointer)
            for frame in bridge.frames where frame["id"] == nil && frame["method"]?.stringValue == name {
                report.merge(validator.check(frame["params"] ?? .null, against: pointer, at: name))
            }
        }
        for (method, error) in errors {
            let code = error["code"]?.intValue ?? 0
            let entry = document["methods"]?.arrayValue?.first { $0["name"]?.stringValue == method }
            let documented = (entry?["errors"]?.arrayValue ?? []).compactMap { reference in
                reference["$ref"]?.stringValue.flatMap(validator.resolve)?["code"]?.intValue
            }
            #expect(documented.contains(code), "\(method) answered \(code), which it does not document")
            // -32602 carries InvalidParamsData, Duvo's errors (-31000...-31010) UpstreamErrorData.
            let upstream = (-31010 ... -31000).contains(code)
            let data = code == -32602 ? "InvalidParamsData" : upstream ? "UpstreamErrorData" : nil
            if let data, let value = error["data"] {
                report.merge(validator.check(value, against: "#/components/schemas/\(data)", at: "\(method) error"))
            }
        }
        let sent = Set(bridge.frames.compactMap { $0["id"] == nil ? $0["method"]?.stringValue : nil })
        #expect(sent.isSuperset(of: ["runs/message", "runs/status", "runs/followEnded"]), "\(sent)")
        #expect(report.problems.isEmpty, "\(report.problems.joined(separator: "\n"))")
        let undeclared = report.undeclared.map { "\($0.path) (in \($0.schema))" }
        #expect(undeclared.isEmpty, "keys the document does not declare:\n\(undeclared.joined(separator: "\n"))")

        func exempt(_ field: String) -> Bool { Self.unsent.keys.contains { field == $0 || field.hasPrefix("\($0)/") } }
        let short = { (pointer: String) in pointer.replacingOccurrences(of: "#/components/schemas/", with: "") }
        let declared = validator.declaredProperties(reachableFrom: Array(Set(roots)))
        let never = declared.subtracting(report.seen).map(short).filter { !exempt($0) }
        #expect(never.isEmpty, "declared, never sent:\n\(never.sorted().joined(separator: "\n"))")
        let listedButSent = report.seen.map(short).filter(exempt)
        #expect(listedButSent.isEmpty, "sent after all, so no longer to be listed as unsent: \(listedButSent)")
    }

    /// Where a method's result schema is: its `$ref`, or its place in the document when it is inline.
    static func resultPointer(_ method: String, in document: JSONValue) -> String? {
        let methods = document["methods"]?.arrayValue ?? []
        guard let index = methods.firstIndex(where: { $0["name"]?.stringValue == method }) else { return nil }
        return methods[index]["result"]?["schema"]?["$ref"]?.stringValue ?? "#/methods/\(index)/result/schema"
    }
}
