import Diagnostics
import Foundation
@testable import KeyCoordination
import Testing
import TestSupport
import Time

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
        let tls = try RedisEndpoint(url: "rediss://duvo:p%40ss@cache.example.net:6380/1")
        #expect(tls.tls && tls.user == "duvo" && tls.password == "p@ss" && tls.percentEncodedPassword == "p%40ss")
        let plain = try RedisEndpoint(url: "redis://h")
        #expect(tls.description == "rediss://cache.example.net:6380/1" && !plain.tls)
        #expect(try CoordinationMode(parsing: "rediss://h:1/0") == .redis(try RedisEndpoint(url: "rediss://h:1/0")))
        #expect(try CoordinationMode(parsing: nil) == .runtimeDirectory)
        #expect(try CoordinationMode(parsing: "off") == .off)
        for bad in ["http://x", "redis://:pw@host/db9x", "redis://"] {
            #expect(throws: RedisEndpointError.self) { try CoordinationMode(parsing: bad) }
            do { _ = try CoordinationMode(parsing: bad) } catch { #expect(!"\(error)".contains("pw")) }
        }
    }

    @Test("a '/', '?', '#' or '@' left unencoded in a Redis password: refused, quoting none of the URL, saying what to do",
          arguments: [
        "redis://default:12/secretpart@redis.example:6379/0", "redis://:pa/ss-secretpart@redis.example:6379/0",
        "redis://u:12?secretpart@redis.example:6379/0", "redis://u:ab#secretpart@redis.example:6379/0",
        "rediss://duvo:secret@part@redis.example/1", "redis://:secretpart@redis.example/db9x@",
    ])
    func unencodedPassword(url: String) {
        do {
            let endpoint = try RedisEndpoint(url: url)
            Issue.record("parsed as \(endpoint)")
        } catch {
            let text = "\(error)"
            #expect(text.hasSuffix("a '/', '?', '#' or '@' in the user or password must be percent-encoded "
                + "(%2F, %3F, %23, %40)"), "\(text)")
            // No 4-character stretch of what follows the scheme: no part of a password, nor what it spilled into.
            guard let scheme = url.range(of: "://") else { return }
            let rest = Array(url[scheme.upperBound...])
            let quoted = (0...(rest.count - 4)).map { String(rest[$0..<($0 + 4)]) }.first { text.contains($0) }
            #expect(quoted == nil, "\(text)")
        }
    }

    @Test("the same URLs percent-encoded are read whole; a database that is not a number is refused without quoting it")
    func encodedPassword() throws {
        let endpoint = try RedisEndpoint(url: "redis://default:12%2Fsecret%3F%23%40part@redis.example:6379/0")
        #expect(endpoint.password == "12/secret?#@part" && endpoint.user == "default")
        #expect(endpoint.host == "redis.example" && endpoint.port == 6379 && endpoint.database == 0)
        #expect(throws: RedisEndpointError(reason: "the database (the path after host:port) is not a number")) {
            try RedisEndpoint(url: "redis://:pw@host/db9x")
        }
    }
}

/// A reply from a broken or hostile server fails with a short error naming its type, at once and without trapping,
/// recursing, allocating what it announces or re-reading what came before.
@Suite("RESP reader limits", .timeLimit(.minutes(1)))
struct RESPReaderLimitTests {
    /// The error `wire` (given at once) raises, or nil when it parses.
    private func failure(_ wire: [UInt8], maxReplyBytes: Int = RESPReader.defaultMaxReplyBytes)
        -> RESPProtocolError?
    {
        var reader = RESPReader(maxReplyBytes: maxReplyBytes)
        reader.append(wire)
        do {
            while try reader.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    @Test("a bulk length near Int.max is refused, not added to (it trapped with exit 132)")
    func hugeBulkLength() throws {
        let error = try #require(failure(Array("$9223372036854775807\r\nabc".utf8)))
        #expect(error.kind == "a bulk string" && "\(error)".contains("over the 4 MiB limit"), "\(error)")
    }

    @Test("arrays nested 10,000 deep are refused at the nesting limit (they overflowed the stack)")
    func deepNesting() throws {
        let wire = Array(String(repeating: "*1\r\n", count: 10_000).utf8) + Array(":1\r\n".utf8)
        let error = try #require(failure(wire))
        #expect("\(error)".contains("deeper than \(RESPReader.defaultMaxDepth) levels"), "\(error)")
        var reader = RESPReader()
        reader.append(Array(String(repeating: "*1\r\n", count: 8).utf8) + Array(":7\r\n".utf8))
        var expected = RESPValue.integer(7)
        for _ in 0..<8 { expected = .array([expected]) }
        #expect(try reader.next() == expected, "nesting within the limit parses")
    }

    @Test("an array announcing 100,000,000 elements is refused before any is read")
    func hugeArray() throws {
        let error = try #require(failure(Array("*100000000\r\n:1\r\n".utf8)))
        #expect(error.kind == "an array" && "\(error)".contains("100000000 elements"), "\(error)")
    }

    @Test("an endless string is refused at the reply size cap, whatever its type")
    func endless() throws {
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: 8192)
        for prefix in ["+", "-ERR ", ":", "$1000\r\n", "*3\r\n:1\r\n+"] {
            var reader = RESPReader(maxReplyBytes: 64 << 10)
            reader.append(Array(prefix.utf8))
            var thrown: RESPProtocolError?
            for _ in 0..<100 where thrown == nil {
                reader.append(filler)
                do { _ = try reader.next() } catch { thrown = error }
            }
            let error = try #require(thrown, "\(prefix)")
            #expect(!"\(error)".contains("xxx"), "the error never holds the reply: \(error)")
        }
    }

    @Test("errors name the reply's type and never its content")
    func errorsHoldNoContent() throws {
        let error = try #require(failure(Array("*2\r\n$6\r\nsecret\r\n:s3cr3t-number\r\n".utf8)))
        #expect(error.kind == "an array")
        #expect(!"\(error)".contains("secret") && !"\(error)".contains("s3cr3t"), "\(error)")
        #expect(RESPValue.error("ERR " + String(repeating: "y", count: 10_000)).summary.count < 100)
        #expect(RESPValue.bulk(Array("secret".utf8)).summary == "a bulk string of 6 bytes")
    }

    @Test("a long reply arriving a few bytes at a time is parsed once, not again from its start each time")
    func incremental() throws {
        let count = 100_000
        var wire = Array("*\(count)\r\n".utf8)
        for index in 0..<count { wire += Array(":\(index % 10)\r\n".utf8) }
        var reader = RESPReader()
        var reply: RESPValue?
        var offset = 0
        while offset < wire.count {
            let end = min(wire.count, offset + 3)
            reader.append(wire[offset..<end])
            offset = end
            if let value = try reader.next() { reply = value }
        }
        guard case .array(let items?) = reply else {
            Issue.record("no array")
            return
        }
        #expect(items.count == count && items.last == .integer((count - 1) % 10))
    }

    @Test("random bytes and mangled replies never crash the reader (seeded fuzz, bounded)")
    func fuzz() {
        var random = SeededRandom(seed: 0x5EED_2026)
        let pieces = ["*", "$", ":", "+", "-", "\r\n", "\r", "\n", "-1", "0", "3", "9223372036854775807",
                      "-9223372036854775808", "99999999999999999999", "abc", "*1\r\n", "$3\r\nabc\r\n", ":1\r\n"]
        var parsed = 0
        for _ in 0..<20_000 {
            var wire: [UInt8] = []
            for _ in 0..<Int.random(in: 1...24, using: &random) {
                if Bool.random(using: &random) {
                    wire += Array(pieces[Int.random(in: 0..<pieces.count, using: &random)].utf8)
                } else {
                    wire.append(UInt8.random(in: 0...255, using: &random))
                }
            }
            var reader = RESPReader(maxReplyBytes: 4096, maxDepth: 4)
            var offset = 0
            do {
                while offset < wire.count {
                    let end = min(wire.count, offset + Int.random(in: 1...8, using: &random))
                    reader.append(wire[offset..<end])
                    offset = end
                    while try reader.next() != nil { parsed += 1 }
                }
            } catch {
                #expect(!error.kind.isEmpty)
            }
        }
        #expect(parsed > 0, "some inputs were whole replies")
    }
}

/// The client against a loopback server that speaks RESP badly on purpose.
@Suite("RESP client against a hostile server", .timeLimit(.minutes(1)))
struct RESPClientHostileTests {
    func error(_ reply: HostileRedisServer.Reply) async throws -> String {
        let server = try HostileRedisServer(reply: reply)
        defer { server.stop() }
        let client = RESPClient(endpoint: try RedisEndpoint(url: server.url), timeout: 1)
        do {
            let reply = try await client.run(["GET", "k"])
            Issue.record("a reply came: \(reply.summary)")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test("a reply trickled one byte every 0.5 s fails at the command's deadline (each read's timeout never fired)")
    func trickle() async throws {
        let text = try await error(.trickle(prefix: Array("+".utf8), interval: 0.5))
        #expect(text.contains("GET: the reply (a simple string) was not complete within 1.0 s"), "\(text)")
        #expect(!text.contains("xx"))
    }

    @Test("an endless reply fails at the size cap with a short error")
    func endless() async throws {
        for prefix in ["+", "$4000000\r\n", "*2\r\n$999999999999\r\n"] {
            let text = try await error(.endless(prefix: Array(prefix.utf8)))
            #expect(text.hasPrefix("Redis at redis://127.0.0.1:") && text.contains("GET: the reply ("), "\(text)")
            #expect(text.count < 300 && !text.contains("xxx"), "\(text)")
        }
    }

    @Test("a malformed reply fails the command with an error naming it and the reply's type")
    func malformed() async throws {
        let text = try await error(.bytes(Array("$9223372036854775807\r\n".utf8)))
        #expect(text.contains("GET: the reply (a bulk string) announces a bulk string of 9223372036854775807 bytes"),
                "\(text)")
    }
}

extension RESPClientHostileTests {
    @Test("a second reply to one command fails it (it would have been taken for the next command's reply)")
    func extraReply() async throws {
        let text = try await error(.bytes(Array("+OK\r\n+EXTRA\r\n".utf8)))
        #expect(text.contains("GET: the server sent more than one reply") && !text.contains("EXTRA"), "\(text)")
    }
}

/// xorshift64*: a fixed sequence for a seed, so a fuzz failure reproduces.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

extension RESPClientHostileTests {
    @Test("a budget reply asking to wait inf, a year or a negative time is an error the failover takes over from, not a wait",
          arguments: ["inf", "31536000", "-5", "nan"])
    func absurdBudgetWait(_ wait: String) async throws {
        let digest = "$40\r\n" + String(repeating: "a", count: 40) + "\r\n"
        let answer = "*2\r\n$1\r\n0\r\n$\(wait.utf8.count)\r\n\(wait)\r\n"
        let server = try HostileRedisServer(reply: .each([Array(digest.utf8), Array(answer.utf8)]))
        defer { server.stop() }
        let store = RedisBudgetStore(client: RESPClient(endpoint: try RedisEndpoint(url: server.url), timeout: 1),
                                     name: "test")
        let request = SlotRequest(participant: "0000000000001", priority: .interactive, waitingAfterGrant: nil,
                                  allowances: Allowances(limit: 300, backgroundShare: 0.8))
        do {
            let decision = try await store.attempt(request)
            Issue.record("taken as \(decision)")
        } catch {
            #expect("\(error)".contains("unexpected budget reply"), "\(error)")
        }
    }

    @Test("the system clock's sleep of inf or 1e20 s waits (until cancelled) instead of trapping")
    func absurdSleep() async throws {
        for seconds in [Double.infinity, 1e20] {
            let sleeper = Task { try await SystemTimeSource().sleep(seconds: seconds) }
            try await Task.sleep(for: .milliseconds(50))
            sleeper.cancel()
            await #expect(throws: CancellationError.self) { try await sleeper.value }
        }
    }
}

/// A Redis (or something on its port) that quotes the password back in its errors: what the user is shown (the
/// warning logged when coordination falls back, the event bus's reason) holds none of it, however long it is or
/// whatever its characters.
@Suite("A Redis that echoes the password", .serialized, .timeLimit(.minutes(1)))
struct RESPEchoedPasswordTests {
    static let passwords = [
        "Zq8vLk2pWx7rTn4mHb6cJd9fRg3sYp5tUa1eKw0oMi",  // 42 characters: more than an error code's 32
        "päss-wörd-ünïcode-sécret-4217",  // non-ASCII: shown as `?` once made printable
        "hunter2-correct horse-battery staple",  // a space: the first word alone would be an error code
    ]

    /// `password` with every byte but letters and digits percent-encoded, as a URL carries it.
    private static func encoded(_ password: String) -> String {
        password.utf8.map { byte in
            let character = Character(Unicode.Scalar(byte))
            return byte < 128 && (character.isLetter || character.isNumber)
                ? String(character) : "%" + String(byte, radix: 16, uppercase: true)
        }.joined()
    }

    /// The first 8-character stretch of `password` (or of its printable form, non-ASCII as `?`) found in `text`.
    private static func leak(of password: String, in text: String) -> String? {
        let printable = String(password.unicodeScalars.map { $0.isASCII ? Character($0) : "?" })
        for form in [Array(password), Array(printable)] where form.count >= 8 {
            for start in 0...(form.count - 8) where text.contains(String(form[start..<(start + 8)])) {
                return String(form[start..<(start + 8)])
            }
        }
        return nil
    }

    /// What a process on a Redis that answers `replies` logs when its budget falls back, and the reason its event
    /// bus gives; the coordination URL has `password` (and database 1, so a `SELECT` follows `AUTH`).
    private func shown(password: String, replies: [String]) async throws -> (log: String, bus: String) {
        let server = try HostileRedisServer(reply: .each(replies.map { Array($0.utf8) }))
        defer { server.stop() }
        let mode = try CoordinationMode(parsing: "redis://:\(Self.encoded(password))@127.0.0.1:\(server.port)/1")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("duvo-echo-\(UUID().uuidString)")
        let environment = ["DUVO_RUNTIME_DIR": directory.path]
        let log = try LogCapture()
        let logger = Logger(label: "test", level: .warning, fd: log.fd)
        let coordination = try Coordination.make(mode: mode, secret: "dv_key", baseURL: "http://x",
                                                 environment: environment, logger: logger)
        try await RateBudget(limit: 100, store: coordination.budgetStore).acquire()
        let bus = try #require(try Coordination.eventBus(mode: mode, secret: "dv_key", environment: environment,
                                                         logger: logger))
        let subscription = try bus.subscribe()
        defer { subscription.cancel() }
        let health = await StreamCollector(subscription.health).wait(for: 1)
        guard case .unavailable(let reason)? = health.first else {
            Issue.record("the bus did not fail: \(health)")
            return (log.text, "")
        }
        return (log.text, reason)
    }

    @Test("an AUTH error that starts with the password shows none of it: the error code is redacted",
          arguments: passwords)
    func authError(password: String) async throws {
        let (log, bus) = try await shown(password: password, replies: ["-\(password) is not accepted\r\n"])
        for text in [log, bus] {
            #expect(text.contains("authentication failed ([redacted])"), "\(text)")
            #expect(Self.leak(of: password, in: text) == nil, "\(text)")
        }
    }

    @Test("a SELECT or SUBSCRIBE error that quotes the password shows none of it, only that it was redacted",
          arguments: passwords)
    func laterError(password: String) async throws {
        let (log, bus) = try await shown(password: password,
                                         replies: ["+OK\r\n", "-ERR \(password) is not accepted\r\n"])
        #expect(log.contains("cannot select database 1: ERR [redacted] is not accepted"), "\(log)")
        #expect(bus.contains("an error (ERR [redacted] is not accepted)"), "\(bus)")
        for text in [log, bus] { #expect(Self.leak(of: password, in: text) == nil, "\(text)") }
    }
}
