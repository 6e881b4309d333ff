import JSONCore
import JSONRPC
import Testing

@Suite("Message classification and encoding")
struct MessageTests {
    static func classify(_ text: String) throws -> RPCMessage {
        try RPCMessage(json: JSONParser().parse(text))
    }

    static func rejection(_ text: String) -> RPCInvalidMessage? {
        do {
            _ = try classify(text)
            return nil
        } catch let error as RPCInvalidMessage {
            return error
        } catch {
            return nil
        }
    }

    @Test("requests, notifications and responses are told apart by their members")
    func classification() throws {
        #expect(
            try Self.classify(#"{"jsonrpc":"2.0","id":1,"method":"m"}"#) == .request(id: 1, method: "m", params: nil))
        #expect(
            try Self.classify(#"{"jsonrpc":"2.0","id":null,"method":"m","params":[1]}"#)
                == .request(id: .null, method: "m", params: [1]))
        #expect(
            try Self.classify(#"{"jsonrpc":"2.0","method":"m","params":{}}"#) == .notification(method: "m", params: [:])
        )
        #expect(
            try Self.classify(#"{"jsonrpc":"2.0","id":"s1","result":{"ok":true}}"#)
                == .response(id: "s1", result: ["ok": true]))
        #expect(
            try Self.classify(#"{"jsonrpc":"2.0","id":"s2","error":{"code":-1,"message":"no"}}"#)
                == .errorResponse(id: "s2", error: RPCError(code: RPCErrorCode(-1), message: "no")))
    }

    @Test(
        "invalid requests carry -32600 and the id when it could be read",
        arguments: [
            (#"{"id":5,"method":"m"}"#, "5"),
            (#"{"jsonrpc":"1.0","id":"a","method":"m"}"#, #""a""#),
            (#"{"jsonrpc":"2.0","id":6,"method":7}"#, "6"),
            (#"{"jsonrpc":"2.0","id":8,"method":"m","params":"x"}"#, "8"),
            (#"{"jsonrpc":"2.0","id":9,"method":"m","params":null}"#, "9"),
            (#"{"jsonrpc":"2.0","id":10}"#, "10"),
            (#"{"jsonrpc":"2.0","id":true,"method":"m"}"#, "null"),
            (#"{"jsonrpc":"2.0","id":[1],"method":"m"}"#, "null"),
            (#"{"jsonrpc":"2.0","id":{"a":1},"method":"m"}"#, "null"),
            (#""just a string""#, "null"),
            (#"{"jsonrpc":"2.0","method":1,"params":"bar"}"#, "null"),
        ])
    func invalidRequests(text: String, id: String) {
        let rejection = Self.rejection(text)
        #expect(rejection?.error.code == .invalidRequest, "\(text)")
        #expect(rejection?.id.description == id, "\(text)")
        #expect(rejection?.isResponse == false)
    }

    @Test("a malformed response is flagged as a response, so it is never answered")
    func malformedResponse() {
        #expect(
            Self.rejection(#"{"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":""}}"#)?.isResponse == true)
        #expect(Self.rejection(#"{"jsonrpc":"2.0","id":1,"error":"boom"}"#)?.isResponse == true)
        #expect(Self.rejection(#"{"jsonrpc":"2.0","result":1}"#)?.isResponse == true)
    }

    @Test("ids of every kind, including numbers beyond 2^53, encode exactly as they were read")
    func idsRoundTrip() throws {
        for id in [#""abc""#, "12345678901234567890123", "-0", "1.50", "1e400", "null", "0"] {
            let message = try Self.classify(#"{"jsonrpc":"2.0","id":\#(id),"method":"m"}"#)
            let encoded = String(decoding: message.encoded(), as: UTF8.self)
            #expect(encoded == #"{"jsonrpc":"2.0","id":\#(id),"method":"m"}"#)
        }
    }

    @Test("encoded messages hold no newline and put the envelope first")
    func encoding() {
        let response = RPCMessage.response(id: 1, result: ["text": "line one\nline two", "b": 1, "a": 2])
        let text = String(decoding: response.encoded(), as: UTF8.self)
        #expect(text == #"{"jsonrpc":"2.0","id":1,"result":{"a":2,"b":1,"text":"line one\nline two"}}"#)
        let error = RPCMessage.errorResponse(id: .null, error: .invalidParams("bad", field: "run_id"))
        #expect(
            String(decoding: error.encoded(), as: UTF8.self)
                == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"data":{"field":"run_id"},"message":"bad"}}"#)
        #expect(RPCMessage.notification(method: "n", params: nil).json == ["jsonrpc": "2.0", "method": "n"])
    }

    @Test("a decoding error becomes -32602 naming the field's path")
    func decodingErrorMapping() {
        do {
            let params: JSONValue = ["run_id": "r", "answers": ["a", 2]]
            _ = try params.decode(LookUpRun.Params.self)
            Issue.record("decoding should have failed")
        } catch let error as DecodingError {
            let mapped = RPCError(decoding: error)
            #expect(mapped.code == .invalidParams)
            #expect(mapped.data == ["field": "answers.1"])
            #expect(mapped.message.contains("answers.1"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("the framing flag accepts the documented names")
    func framingNames() {
        #expect(Framing(name: "ndjson") == .newlineDelimited)
        #expect(Framing(name: "LSP") == .contentLength)
        #expect(Framing(name: "content-length") == .contentLength)
        #expect(Framing(name: "xml") == nil)
    }
}
