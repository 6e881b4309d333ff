import Foundation
import JSONCore
import Testing

@Suite("Decoding params straight from JSON values")
struct JSONValueDecoderTests {
    struct Sample: Decodable, Equatable {
        enum Mode: String, Decodable { case fast, slow }
        struct Inner: Decodable, Equatable {
            let name: String
            let flag: Bool?
        }

        let id: String
        let count: Int?
        let ratio: Double?
        let small: UInt8?
        let mode: Mode?
        let tags: [String]?
        let inner: Inner?
        let extra: JSONValue?
        let map: [String: Int]?
    }

    /// Inputs covering success and every kind of failure; each must give what `JSONDecoder` gives.
    static let inputs: [String] = [
        #"{"id":"a"}"#, #"{"id":"a","count":3,"ratio":0.5,"small":255,"mode":"fast","tags":["x","y"]}"#,
        #"{"id":"a","inner":{"name":"n","flag":true},"extra":{"k":[1,null,"s"]},"map":{"a":1}}"#,
        #"{"id":"a","count":null,"extra":null,"inner":null}"#, #"{"id":"a","count":1.0}"#, #"{"id":"a","count":1e2}"#,
        #"{}"#, #"{"id":null}"#, #"{"id":5}"#, #"{"id":true}"#, #"{"id":["a"]}"#, #"{"id":{"a":1}}"#,
        #"{"id":"a","count":"3"}"#, #"{"id":"a","count":true}"#,
        #"{"id":"a","ratio":"x"}"#, #"{"id":"a","ratio":2}"#, #"{"id":"a","mode":"medium"}"#, #"{"id":"a","mode":1}"#,
        #"{"id":"a","tags":"x"}"#, #"{"id":"a","tags":["x",1]}"#, #"{"id":"a","tags":[null]}"#,
        #"{"id":"a","inner":{}}"#, #"{"id":"a","inner":{"name":1}}"#, #"{"id":"a","inner":[]}"#,
        #"{"id":"a","map":{"a":"b"}}"#, #"{"id":"a","map":[1]}"#, #"[]"#, #"null"#, #""s""#, #"3"#,
    ]

    static func outcome(_ result: () throws -> Sample) -> String {
        do {
            return "ok \(try result())"
        } catch let error as DecodingError {
            return "error \(error.fieldPath): \(error.plainDescription)"
        } catch {
            return "other \(error)"
        }
    }

    @Test("values and error messages match JSONDecoder's", arguments: inputs)
    func matchesFoundation(_ text: String) throws {
        let value = try JSONValue(parsing: Data(text.utf8))
        let ours = Self.outcome { try value.decode(Sample.self) }
        let foundation = Self.outcome { try value.foundationDecode(Sample.self) }
        #expect(ours == foundation)
    }

    @Test("a number that does not fit names its field (JSONDecoder names none)", arguments: [
        (#"{"id":"a","count":1.5}"#, "'count': 1.5 does not fit in Int"),
        (#"{"id":"a","count":99999999999999999999}"#, "'count': 99999999999999999999 does not fit in Int"),
        (#"{"id":"a","small":256}"#, "'small': 256 does not fit in UInt8"),
        (#"{"id":"a","small":-1}"#, "'small': -1 does not fit in UInt8"),
    ])
    func outOfRange(_ text: String, _ message: String) throws {
        let value = try JSONValue(parsing: Data(text.utf8))
        #expect(Self.outcome { try value.decode(Sample.self) } == "error \(message.split(separator: "'")[0]): \(message)")
    }
}
