import ArgumentKit
import Testing
@testable import DuvoCLI

@Suite("duvo webhooks: its options")
struct WebhooksCommandTests {
    private func address(_ text: String) throws -> (host: String, port: UInt16) {
        guard case .command(let parsed) = try WebhooksCommand.spec.parse(["--listen", text]) else {
            throw UsageError("not a command", commandPath: "duvo webhooks")
        }
        return try WebhooksCommand.listenAddress(parsed)
    }

    @Test("--listen takes IPv4, a bracketed IPv6 address, or a bare :PORT for every address")
    func listen() throws {
        #expect(try address("127.0.0.1:8788") == ("127.0.0.1", 8788))
        #expect(try address("[::1]:0") == ("::1", 0))
        #expect(try address(":8788") == ("0.0.0.0", 8788))
        #expect(try address("localhost:65535") == ("localhost", 65535))
    }

    @Test("--listen without a port, with a port out of range or an unbracketed IPv6 address is a usage error")
    func listenRefused() {
        for text in ["127.0.0.1", "127.0.0.1:65536", "127.0.0.1:http", "::1:8788", "[::1]8788", "[::1]", ""] {
            #expect(throws: UsageError.self, "\(text)") { try address(text) }
        }
    }
}
