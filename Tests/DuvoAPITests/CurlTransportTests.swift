import DuvoAPI
import DuvoHTTP
import Foundation
import JSONCore
import TestSupport
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite("The libcurl transport")
struct CurlTransportTests {
    @Test("a POST reaches the server with its headers and body, and the answer comes back whole")
    func roundTrip() async throws {
        let listener = try LoopbackListener()
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/v1/runs?x=1"))
        async let served = listener.acceptRequest()
        async let answer = CurlTransport().send(method: "POST", url: url, headers: ["Authorization": "Bearer k"],
                                                body: Array(#"{"a":1}"#.utf8), timeout: 10)
        let (connection, request) = await served
        LoopbackListener.answer(connection, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
            + "X-Ratelimit-Remaining: 7\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}")
        let response = try await answer
        let text = String(decoding: request, as: UTF8.self)
        #expect(text.hasPrefix("POST /v1/runs?x=1 HTTP/1.1\r\n"))
        #expect(text.contains("Authorization: Bearer k\r\n") && text.hasSuffix(#"{"a":1}"#))
        #expect(!text.lowercased().contains("expect:"), "no 100-continue round trip")
        #expect(response.status == 201)
        #expect(response.headers["x-ratelimit-remaining"] == "7")
        #expect(try JSONParser().parse(response.body)["ok"]?.boolValue == true)
    }

    @Test("cancelling the caller aborts an exchange the server never answers")
    func cancellation() async throws {
        let listener = try LoopbackListener()
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/v1/runs/1"))
        let call = Task { () throws(TransportError) -> APIResponse in
            try await CurlTransport().send(method: "GET", url: url, headers: [:], body: nil, timeout: 600)
        }
        let (connection, _) = await listener.acceptRequest()
        defer { close(connection) }
        call.cancel()
        let result = await call.result
        #expect(throws: TransportError.cancelled) { try result.get() }
    }

    @Test("a server that refuses the connection is a connect failure, safe to retry")
    func refused() async throws {
        let port = try LoopbackListener().port  // closed again at once: nothing listens there now
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/"))
        do {
            _ = try await CurlTransport().send(method: "POST", url: url, headers: [:], body: [], timeout: 10)
            Issue.record("expected a failure")
        } catch {
            #expect(error.requestCertainlyNotSent)
        }
    }

    @Test("a certificate rejection or a refusing proxy is final: sent once, and the error says what to set",
          arguments: [
              (TransportError.certificateRejected("SSL certificate problem: self-signed"),
               ["SSL certificate problem: self-signed", "SSL_CERT_FILE", "DUVO_CA_FILE"]),
              (TransportError.proxyRejected("CONNECT tunnel failed, response 407"), ["response 407", "HTTPS_PROXY"]),
          ])
    func finalFailures(failure: TransportError, advice: [String]) async throws {
        let transport = ScriptedTransport([.fail(failure)])
        let client = DuvoClient.scripted(transport)
        do {
            _ = try await client.send(APIRequest(.get, "/v1/runs/1", operation: "get run"))
            Issue.record("expected a failure")
        } catch {
            #expect(transport.sentCount == 1)
            for text in advice { #expect(error.message.contains(text)) }
        }
    }
}
