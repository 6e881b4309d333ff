import JSONCore
import JSONRPC
import Testing
import TestSupport

/// Valid frames with bytes flipped, inserted and deleted, from a fixed seed: the same cases on every run.
@Suite("Mutation fuzzing")
struct MutationFuzzTests {
    static let seeds: [String] = [
        #"{"jsonrpc":"2.0","id":1,"method":"echo","params":[1,"two",{"three":3}]}"#,
        #"{"jsonrpc":"2.0","id":"abc","method":"sum","params":[1,2,3]}"#,
        #"{"jsonrpc":"2.0","method":"note","params":{"x":1}}"#,
        #"[{"jsonrpc":"2.0","id":10,"method":"echo"},{"jsonrpc":"2.0","method":"note"},"#
            + #"{"jsonrpc":"2.0","id":11,"method":"sum","params":[4]}]"#,
        #"{"jsonrpc":"2.0","id":12345678901234567890123,"method":"echo","params":{"deep":[[[[]]]]}}"#,
        #"{"jsonrpc":"2.0","id":"s1","result":{"ok":true}}"#,
        #"{"jsonrpc":"2.0","id":null,"method":"echo"}"#,
        #"{"jsonrpc":"2.0","id":"c","method":"$/cancelRequest","params":{"id":1}}"#,
    ]

    static let interesting = Array("{}[]\":,\n\r\\01-e. ".utf8)

    static var router: RPCRouter {
        var router = RPCRouter()
        router.register(name: "echo") { params, _ in params ?? .null }
        router.register(name: "sum") { params, _ in .int((params?.arrayValue ?? []).compactMap(\.intValue).reduce(0, +))
        }
        router.onNotification(name: "note") { _, _ in }
        return router
    }

    static func mutate(_ bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let pick: UInt8 =
                Bool.random(using: &random)
                ? interesting.randomElement(using: &random) ?? 0 : UInt8.random(in: 0...255, using: &random)
            let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4 where !bytes.isEmpty: bytes[index] = pick
            case 4..<8 where !bytes.isEmpty: bytes.remove(at: index)
            case 8: bytes = Array(bytes.prefix(index))
            default: bytes.insert(pick, at: index)
            }
        }
        return bytes
    }

    /// The ids the specification says must be answered for one newline-delimited input, as JSON text, or `nil`
    /// after an `exit` (nothing later is read).
    static func expectedAnswerIDs(_ input: [UInt8]) -> [String] {
        var ids: [String] = []
        for var line in input.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if line.last == 0x0D { line = line.dropLast() }
            guard line.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { continue }
            guard let value = try? JSONParser().parse(line) else {
                ids.append("null")
                continue
            }
            if case .array(let elements) = value {
                ids += elements.isEmpty ? ["null"] : elements.flatMap(entryIDs)
            } else {
                ids += entryIDs(value)
            }
        }
        return ids
    }

    static func entryIDs(_ value: JSONValue) -> [String] {
        guard case .object(let members) = value else { return ["null"] }
        let id = members["id"]
        let idIsValid: Bool
        switch id {
        case nil, .string?, .number?, .null?: idIsValid = true
        default: idIsValid = false
        }
        let answerID = idIsValid ? (id ?? .null).jsonString : "null"
        if let method = members["method"] {
            let paramsFit: Bool
            switch members["params"] {
            case nil, .object?, .array?: paramsFit = true
            default: paramsFit = false
            }
            let valid = members["jsonrpc"] == "2.0" && method.stringValue != nil && paramsFit && idIsValid
            guard valid else { return [answerID] }
            return id == nil ? [] : [answerID]
        }
        if members["result"] != nil || members["error"] != nil { return [] }
        return [answerID]
    }

    /// The ids of everything the server wrote (batch answers flattened), as JSON text.
    static func answeredIDs(_ frames: [JSONValue]) -> [String] {
        frames.flatMap { frame -> [JSONValue] in frame.arrayValue ?? [frame] }.map { ($0["id"] ?? .null).jsonString }
    }

    static func counts(_ ids: [String]) -> [String: Int] {
        ids.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    @Test("mutated newline-delimited frames never crash or stall it, and every request with an id is answered once")
    func newlineDelimited() async {
        var random = SeededGenerator(seed: 2024)
        var mismatches = 0
        var casesWithAnswers = 0
        for round in 0..<4000 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let seed = Array((Self.seeds.randomElement(using: &random) ?? "").utf8)
                input += Self.mutate(seed, using: &random) + [0x0A]
            }
            let harness = ConnectionHarness(router: Self.router, configuration: .init(framing: .newlineDelimited))
            harness.client.send(bytes: input)
            let frames = await harness.closeAndCollect()
            let expected = Self.counts(Self.expectedAnswerIDs(input))
            if expected.keys.contains(where: { $0 != "null" }) { casesWithAnswers += 1 }
            let answered = Self.counts(Self.answeredIDs(frames))
            if expected != answered {
                mismatches += 1
                let sent = String(decoding: input, as: UTF8.self).debugDescription
                Issue.record("case \(round): \(sent) expected \(expected), got \(answered)")
                if mismatches > 5 { return }
            }
        }
        #expect(casesWithAnswers > 700, "the mutations must leave many requests intact for the check to mean much")
    }

    @Test("mutated Content-Length frames never crash or stall it, and it writes only well-formed answers")
    func contentLength() async {
        var random = SeededGenerator(seed: 99)
        for round in 0..<1000 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let seed = Array((Self.seeds.randomElement(using: &random) ?? "").utf8)
                input += Self.mutate(Framing.contentLength.encode(seed), using: &random)
            }
            let harness = ConnectionHarness(
                router: Self.router, configuration: .init(maxFrameBytes: 4096), clientFraming: .contentLength)
            harness.client.send(bytes: input)
            let frames = await harness.closeAndCollect()
            for answer in frames.flatMap({ $0.arrayValue ?? [$0] }) {
                let wellFormed =
                    answer["jsonrpc"] == "2.0" && answer["id"] != nil
                    && (answer["result"] != nil) != (answer["error"] != nil)
                #expect(wellFormed, "case \(round): \(answer.jsonString)")
            }
        }
    }
}
