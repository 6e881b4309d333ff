@testable import DuvoHTTP
import Foundation
import Testing
@testable import DuvoAPI

@Suite("URL pieces built by hand")
struct URLPieceTests {
    @Test("percent-encoding matches Foundation's over the unreserved set", arguments: [
        "", "run_1-2.3~x", "a/b", "a b", "100%", "é😀", "?#&=+", "\r\n", "../x",
    ])
    func percentEncoding(_ text: String) {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        #expect(DuvoClient.encode(text) == text.addingPercentEncoding(withAllowedCharacters: unreserved))
    }

    @Test("the request target is the path and query as written", arguments: [
        ("http://127.0.0.1:8080/v2/runs/a%2Fb?limit=5&offset=0", "/v2/runs/a%2Fb?limit=5&offset=0"),
        ("http://host/base/v2/runs", "/base/v2/runs"), ("http://host", "/"), ("http://host?x=1", "/?x=1"),
        ("http://user@host:1/p#frag", "/p"),
    ])
    func requestTarget(_ url: String, _ target: String) {
        #expect(SocketHTTPTransport.requestTarget(of: url) == target)
        #expect(SocketHTTPTransport.requestTarget(of: "not a url") == nil)
    }
}
