import Foundation
import Testing
@testable import JSONCore

@Suite("JSON parser")
struct JSONParserTests {
    let parser = JSONParser()

    @Test("numbers keep their literal text, even beyond 2^53")
    func numbersExact() throws {
        let value = try parser.parse(#"{"id": 9007199254740993, "big": 1e400, "neg": -0.5}"#)
        #expect(JSONWriter(sortedKeys: true).string(value) == #"{"big":1e400,"id":9007199254740993,"neg":-0.5}"#)
    }

    @Test("strings decode escapes and surrogate pairs; slashes are not escaped on output")
    func strings() throws {
        let value = try parser.parse(#"["a\"b\\c\/d\n\u00e9\ud83d\ude00", "plain/é"]"#)
        #expect(value == .array([.string("a\"b\\c/d\né😀"), .string("plain/é")]))
        #expect(JSONWriter().string(.string("x/y\n")) == #""x/y\n""#)
    }

    @Test("invalid input is an error with an offset, never a crash", arguments: [
        "", "{", "[1,]", "01", "1.", "-", "\"abc", "{\"a\" 1}", "tru", "nul", "[1] x", "\"\u{01}\"", "\"\\x\"",
        "{\"a\":1,}", "[", "\"\\u12\"",
    ])
    func rejects(_ text: String) {
        #expect(throws: JSONParseError.self) { try parser.parse(text) }
    }

    @Test("invalid UTF-8 is rejected")
    func invalidUTF8() {
        #expect(throws: JSONParseError.self) { try parser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test("nesting beyond the limit is rejected without recursing further")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try parser.parse(deep) }
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect((try? parser.parse(ok)) != nil)
    }

    @Test("writer output reparses to the same value and contains no raw newline")
    func roundTrip() throws {
        let text = #"{"a":[1,2.5,true,false,null,{"b":"line1\nline2\u0001"}],"c":{}}"#
        let value = try parser.parse(text)
        let written = JSONWriter().bytes(value)
        #expect(!written.contains(0x0A))
        #expect(try parser.parse(written) == value)
    }

    @Test("Codable bridging keeps booleans and numbers apart and names the bad field")
    func codable() throws {
        struct Params: Decodable { let run_id: String; let limit: Int? }
        let value: JSONValue = ["run_id": 1]
        do {
            _ = try value.decode(Params.self)
            Issue.record("expected a decoding error")
        } catch let error as DecodingError {
            #expect(error.fieldPath == "run_id")
        }
        let flags = try JSONValue(parsing: Data("[1, true]".utf8))
        #expect(try JSONValue(parsing: JSONValue(encoding: flags).data()) == flags)
        #expect(flags[0]?.boolValue == nil)
        #expect(flags[1]?.boolValue == true)
    }
}
