@testable import DuvoAPI
import Testing

@Suite("RESP and Redis URLs")
struct RESPTests {
    @Test("replies are parsed whole however the bytes arrive, one at a time included")
    func byteAtATime() throws {
        let wire = Array(("+OK\r\n-NOSCRIPT No matching script\r\n:42\r\n$-1\r\n"
            + "*2\r\n:1\r\n$3\r\n0.5\r\n$0\r\n\r\n").utf8)
        var reader = RESPReader()
        var replies: [RESPValue] = []
        for byte in wire {
            reader.append([byte])
            while let reply = try reader.next() { replies.append(reply) }
        }
        #expect(replies == [.simple("OK"), .error("NOSCRIPT No matching script"), .integer(42), .bulk(nil),
                            .array([.integer(1), .bulk(Array("0.5".utf8))]), .bulk([])])
    }

    @Test("bytes that are not RESP are an error, not a hang")
    func garbage() {
        var reader = RESPReader()
        reader.append(Array("HTTP/1.1 400 Bad Request\r\n".utf8))
        #expect(throws: RESPProtocolError.self) { try reader.next() }
    }

    @Test("a command is an array of bulk strings")
    func command() {
        #expect(RESPValue.command(["GET", "k"]) == Array("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".utf8))
    }

    @Test("a Redis URL names host, port, database and password; its description leaves the password out")
    func endpoint() throws {
        let endpoint = try RedisEndpoint(url: "redis://:s3cret@cache.internal:6380/2")
        #expect(endpoint.host == "cache.internal" && endpoint.port == 6380 && endpoint.database == 2)
        #expect(endpoint.password == "s3cret" && endpoint.user == nil)
        #expect(endpoint.description == "redis://cache.internal:6380/2")
        #expect(try RedisEndpoint(url: "redis://localhost").port == 6379)
        #expect(try CoordinationMode(parsing: nil) == .runtimeDirectory)
        #expect(try CoordinationMode(parsing: "off") == .off)
        for bad in ["http://x", "redis://:pw@host/db9x", "redis://"] {
            #expect(throws: RedisEndpointError.self) { try CoordinationMode(parsing: bad) }
            do { _ = try CoordinationMode(parsing: bad) } catch { #expect(!"\(error)".contains("pw")) }
        }
    }
}
