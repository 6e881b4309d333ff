import JSONCore
import JSONRPC
import Testing

/// The examples section of the JSON-RPC 2.0 specification, frame for frame.
@Suite("JSON-RPC 2.0 specification examples")
struct SpecificationExampleTests {
    @Test("positional params are passed in order")
    func positionalParams() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#)
        harness.send(#"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#)
        let answers = await harness.closeAndCollect().byID
        #expect(answers["1"] == ["jsonrpc": "2.0", "result": 19, "id": 1])
        #expect(answers["2"] == ["jsonrpc": "2.0", "result": -19, "id": 2])
        #expect(answers.count == 2)
    }

    @Test("named params are passed by name")
    func namedParams() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#)
        harness.send(#"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#)
        let answers = await harness.closeAndCollect().byID
        #expect(answers["3"]?["result"] == 19)
        #expect(answers["4"]?["result"] == 19)
    }

    @Test("notifications are run but never answered, known or not")
    func notifications() async {
        let ran = AsyncQueue<String>()
        let harness = ConnectionHarness(router: .sample(notifications: ran))
        harness.send(#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#)
        harness.send(#"{"jsonrpc": "2.0", "method": "foobar"}"#)
        #expect(await ran.next() == "update")
        #expect(await harness.closeAndCollect().isEmpty)
    }

    @Test("an unknown method is answered with -32601 naming it")
    func unknownMethod() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#)
        let answer = await harness.next()
        #expect(answer?["id"] == "1")
        #expect(answer?["error"]?["code"] == -32601)
        #expect(answer?["error"]?["message"]?.stringValue?.contains("foobar") == true)
        #expect(answer?["result"] == nil)
    }

    @Test("invalid JSON is answered with -32700 and a null id, and the next frame is still served")
    func invalidJSON() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#)
        harness.send(#"{"jsonrpc": "2.0", "method": "subtract", "params": [5, 3], "id": 7}"#)
        let first = await harness.next()
        #expect(first?["error"]?["code"] == -32700)
        #expect(first?["id"] == .null)
        #expect(await harness.next()?["result"] == 2)
    }

    @Test("a request object with a non-string method is answered with -32600 and a null id")
    func invalidRequest() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#)
        let answer = await harness.next()
        #expect(answer?["error"]?["code"] == -32600)
        #expect(answer?["id"] == .null)
    }

    @Test("a batch that is not JSON gets a single -32700")
    func batchInvalidJSON() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method""#)
        let frames = await harness.closeAndCollect()
        #expect(frames.count == 1)
        #expect(frames.first?["error"]?["code"] == -32700)
        #expect(frames.first?["id"] == .null)
    }

    @Test("an empty batch gets a single -32600, not an array")
    func emptyBatch() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send("[]")
        let frames = await harness.closeAndCollect()
        #expect(frames.count == 1)
        #expect(frames.first?["error"]?["code"] == -32600)
        #expect(frames.first?["id"] == .null)
    }

    @Test("a batch of one non-object gets an array of one -32600")
    func batchOfOneNumber() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send("[1]")
        let frames = await harness.closeAndCollect()
        #expect(frames.count == 1)
        let answers = frames.first?.arrayValue ?? []
        #expect(answers.count == 1)
        #expect(answers.first?["error"]?["code"] == -32600)
        #expect(answers.first?["id"] == .null)
    }

    @Test("a batch of three non-objects gets an array of three -32600")
    func batchOfThreeNumbers() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send("[1,2,3]")
        let answers = await harness.closeAndCollect().first?.arrayValue ?? []
        #expect(answers.count == 3)
        #expect(answers.allSatisfy { $0["error"]?["code"] == -32600 && $0["id"] == .null })
    }

    @Test("a mixed batch is answered with one array holding only the entries that get answers, in order")
    func mixedBatch() async {
        let ran = AsyncQueue<String>()
        let harness = ConnectionHarness(router: .sample(notifications: ran))
        harness.send(
            """
            [{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\
            {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},\
            {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},\
            {"foo": "boo"},\
            {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},\
            {"jsonrpc": "2.0", "method": "get_data", "id": "9"}]
            """)
        let frames = await harness.closeAndCollect()
        #expect(frames.count == 1)
        let answers = frames.first?.arrayValue ?? []
        #expect(answers.map { $0["id"] } == ["1", "2", .null, "5", "9"])
        #expect(answers.first?["result"] == 7)
        #expect(answers[safe: 1]?["result"] == 19)
        #expect(answers[safe: 2]?["error"]?["code"] == -32600)
        #expect(answers[safe: 3]?["error"]?["code"] == -32601)
        #expect(answers[safe: 4]?["result"] == ["hello", 5])
        #expect(ran.pending == ["notify_hello"])
    }

    @Test("a batch of notifications only gets no answer at all")
    func notificationBatch() async {
        let ran = AsyncQueue<String>()
        let harness = ConnectionHarness(router: .sample(notifications: ran))
        harness.send(
            #"[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},"#
                + #"{"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]"#
        )
        #expect(await harness.closeAndCollect().isEmpty)
        #expect(Set(ran.pending) == ["notify_sum", "notify_hello"])
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
