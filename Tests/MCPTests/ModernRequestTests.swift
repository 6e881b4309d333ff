import JSONCore
import JSONRPC
import Testing

@testable import DuvoMCP

@Suite("2026 _meta: recognised per request, checked as the specification says")
struct ModernRequestTests {
    private let version = "io.modelcontextprotocol/protocolVersion"
    private let capabilities = "io.modelcontextprotocol/clientCapabilities"

    private func error(_ meta: JSONValue) -> RPCError? {
        do {
            _ = try ModernRequest.read(meta: meta)
            return nil
        } catch {
            return error
        }
    }

    @Test("a 2025 request (no _meta, or only a progress token) is not a 2026 one")
    func legacy() throws {
        #expect(try ModernRequest.read(meta: nil) == nil)
        #expect(try ModernRequest.read(meta: ["progressToken": 1]) == nil)
    }

    @Test("capabilities, tasks and the log level are read from the request")
    func declarations() throws {
        let request = try ModernRequest.read(meta: [
            .init(stringLiteral: version): "2026-07-28", .init(stringLiteral: capabilities): [
                "elicitation": ["form": [:]], "extensions": ["io.modelcontextprotocol/tasks": [:]],
            ], "io.modelcontextprotocol/logLevel": "info",
        ])
        #expect(request?.capabilities == ClientCapabilities(formElicitation: true, tasks: true))
        #expect(request?.logLevel == .info)
        let bare = try ModernRequest.read(meta: [.init(stringLiteral: version): "2026-07-28",
                                                 .init(stringLiteral: capabilities): [:]])
        #expect(bare?.capabilities == ClientCapabilities.none && bare?.logLevel == nil)
    }

    @Test("missing or malformed required fields are -32602 naming the field")
    func missing() {
        let noCapabilities = error([.init(stringLiteral: version): "2026-07-28"])
        #expect(noCapabilities?.code == .invalidParams)
        #expect(noCapabilities?.data?["field"]?.stringValue == "_meta.\(capabilities)")
        let noVersion = error([.init(stringLiteral: capabilities): [:]])
        #expect(noVersion?.code == .invalidParams && noVersion?.data?["field"]?.stringValue == "_meta.\(version)")
        let notObject = error([.init(stringLiteral: version): "2026-07-28", .init(stringLiteral: capabilities): 3])
        #expect(notObject?.code == .invalidParams)
    }

    @Test("an unsupported revision is -32022 with what is supported and what was asked")
    func unsupported() {
        let refused = error([.init(stringLiteral: version): "2025-11-25", .init(stringLiteral: capabilities): [:]])
        #expect(refused?.code == .unsupportedProtocolVersion)
        #expect(refused?.data?["requested"] == "2025-11-25")
        #expect(refused?.data?["supported"]?.arrayValue?.contains("2026-07-28") == true)
    }
}
