import JSONCore
import JSONRPC
import Testing

@Suite("Answers: ids, params and errors")
struct ConnectionAnswerTests {
    @Test("ids of every kind are echoed exactly, a number beyond 2^53 included")
    func idsEchoed() async {
        let harness = ConnectionHarness(router: .sample())
        let ids = [#""a-string""#, "7", "12345678901234567890123", "null", "-1.50"]
        for id in ids {
            harness.send(#"{"jsonrpc":"2.0","id":\#(id),"method":"echo","params":[\#(id)]}"#)
        }
        _ = await harness.closeAndCollect()
        let output = String(decoding: harness.client.receivedBytes, as: UTF8.self)
        for id in ids {
            #expect(output.contains(#"{"jsonrpc":"2.0","id":\#(id),"result":[\#(id)]}"#), "id \(id)")
        }
    }

    @Test("params that do not fit a typed method get -32602 naming the field")
    func invalidParamsNameTheField() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"runs/get","params":{}}"#)
        harness.send(#"{"jsonrpc":"2.0","id":2,"method":"runs/get","params":{"run_id":"r","limit":"ten"}}"#)
        harness.send(#"{"jsonrpc":"2.0","id":3,"method":"runs/get","params":{"run_id":"r","answers":["a",2]}}"#)
        harness.send(#"{"jsonrpc":"2.0","id":4,"method":"runs/get"}"#)
        harness.send(#"{"jsonrpc":"2.0","id":5,"method":"runs/get","params":["r"]}"#)
        harness.send(#"{"jsonrpc":"2.0","id":6,"method":"runs/get","params":{"run_id":"r","limit":3}}"#)
        let answers = await harness.closeAndCollect().byID
        #expect(answers["1"]?["error"]?["code"] == -32602)
        #expect(answers["1"]?["error"]?["data"]?["field"] == "run_id")
        #expect(answers["1"]?["error"]?["message"]?.stringValue?.contains("run_id") == true)
        #expect(answers["2"]?["error"]?["data"]?["field"] == "limit")
        #expect(answers["3"]?["error"]?["data"]?["field"] == "answers.1")
        #expect(answers["4"]?["error"]?["data"]?["field"] == "run_id", "absent params decode as {}")
        #expect(answers["5"]?["error"]?["code"] == -32602)
        #expect(answers["6"]?["result"] == ["run_id": "r", "limit": 3])
    }

    @Test("a handler's RPCError goes out as is; any other error becomes a generic -32603 without its text")
    func errorMapping() async {
        let harness = ConnectionHarness(router: .sample())
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"fail/rpc"}"#)
        harness.send(#"{"jsonrpc":"2.0","id":2,"method":"fail/leaky"}"#)
        let answers = await harness.closeAndCollect().byID
        #expect(
            answers["1"]?["error"] == ["code": -31010, "message": "Duvo is unreachable", "data": ["http_status": 502]])
        #expect(answers["2"]?["error"]?["code"] == -32603)
        #expect(!String(decoding: harness.client.receivedBytes, as: UTF8.self).contains("sk-secret"))
    }

    @Test("a fallback answers methods the table lacks")
    func fallback() async {
        var router = RPCRouter.sample()
        router.fallback = { method, _, _ in .string("fallback for \(method)") }
        let harness = ConnectionHarness(router: router)
        harness.send(#"{"jsonrpc":"2.0","id":1,"method":"nope"}"#)
        #expect(await harness.next()?["result"] == "fallback for nope")
    }

    @Test("the method table lists every registered name")
    func methodNames() {
        let router = RPCRouter.sample()
        #expect(router.methodNames == ["echo", "fail/leaky", "fail/rpc", "get_data", "runs/get", "subtract", "sum"])
        #expect(router.notificationNames == ["notify_hello", "notify_sum", "update"])
    }

    @Test("a frame over the size cap gets -32600 and the next frame is served")
    func oversizedFrame() async {
        let harness = ConnectionHarness(router: .sample(), configuration: .init(maxFrameBytes: 200))
        harness.send(
            #"{"jsonrpc":"2.0","id":1,"method":"echo","params":[""# + String(repeating: "x", count: 500) + #""]}"#)
        harness.send(#"{"jsonrpc":"2.0","id":2,"method":"echo","params":[2]}"#)
        let first = await harness.next()
        #expect(first?["id"] == .null)
        #expect(first?["error"]?["code"] == -32600)
        #expect(first?["error"]?["data"]?["limit"] == 200)
        #expect(await harness.next()?["result"] == [2])
    }

    @Test("a Content-Length client is answered with Content-Length frames")
    func contentLengthClient() async {
        let harness = ConnectionHarness(router: .sample(), clientFraming: .contentLength)
        harness.client.send(.request(id: 1, method: "get_data", params: nil))
        #expect(await harness.next()?["result"] == ["hello", 5])
        let raw = String(decoding: harness.client.receivedBytes, as: UTF8.self)
        let body = #"{"jsonrpc":"2.0","id":1,"result":["hello",5]}"#
        #expect(raw == "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
    }

    @Test("a malformed header is answered with -32700 and the next frame is served")
    func malformedHeader() async {
        let harness = ConnectionHarness(router: .sample(), clientFraming: .contentLength)
        harness.client.send(raw: "Content-Length: 2\r\nno colon here\r\n\r\n{}")
        harness.client.send(.request(id: 2, method: "get_data", params: nil))
        let first = await harness.next()
        #expect(first?["error"]?["code"] == -32700)
        #expect(first?["id"] == .null)
        #expect(await harness.next()?["id"] == 2)
    }

    @Test("input that ends inside a frame is answered with -32700")
    func truncatedFrame() async {
        let harness = ConnectionHarness(router: .sample(), clientFraming: .contentLength)
        harness.client.send(raw: "Content-Length: 50\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1")
        let frames = await harness.closeAndCollect()
        #expect(frames.count == 1)
        #expect(frames.first?["error"]?["code"] == -32700)
    }
}
