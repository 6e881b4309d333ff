import CCurl
import DuvoHTTP
import Foundation
import Platform
import Time

/// A TLS connection to Redis (`rediss://`), made by libcurl (`CURLOPT_CONNECT_ONLY`) with the same trust settings
/// and certificate checks as https: the chain against ``TLSConfiguration``'s CAs, and the host name (or IP address)
/// against the certificate's names. After the handshake `curl_easy_send`/`curl_easy_recv` carry RESP's bytes, and
/// every wait is a `poll` on the connection's socket bounded by the deadline.
final class TLSRedisStream: RedisByteStream, @unchecked Sendable {
    // Safety: the handle is used by one thread at a time, the client's serial queue, and freed once by `close()`.
    private let easy: UnsafeMutableRawPointer
    private let fd: Int32

    /// Connects to `host:port` and completes the TLS handshake before `deadline`.
    init(host: String, port: Int, tls: TLSConfiguration, deadline: Double) throws(RedisStreamError) {
        guard let easy = curl_easy_init() else { throw .failed("cannot start TLS (libcurl)") }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        let literal = host.contains(":") ? "[\(host)]" : host
        let milliseconds = max(1, Int(((deadline - MonotonicClock.now()) * 1000).rounded(.up)))
        let codes: [CURLcode] = [
            duvo_curl_set_string(easy, CURLOPT_URL, "https://\(literal):\(port)"),
            duvo_curl_set_long(easy, CURLOPT_CONNECT_ONLY, 1),
            duvo_curl_set_long(easy, CURLOPT_NOSIGNAL, 1),
            duvo_curl_set_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds),
            duvo_curl_set_long(easy, CURLOPT_SSL_ENABLE_ALPN, 0),
            // Redis is reached directly, as plain redis:// is: no http proxy in between.
            duvo_curl_set_string(easy, CURLOPT_PROXY, ""),
            duvo_curl_set_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)),
        ] + CurlTransfer.trustOptions(tls, easy: easy)
        guard codes.allSatisfy({ $0 == CURLE_OK }) else {
            curl_easy_cleanup(easy)
            throw .failed("libcurl refused the TLS options")
        }
        let code = curl_easy_perform(easy)
        // Clear the buffer's registration: it is freed on return, and the handle lives on.
        _ = duvo_curl_set_pointer(easy, CURLOPT_ERRORBUFFER, nil)
        guard code == CURLE_OK else {
            var detail = String(cString: errorBuffer)
            if detail.isEmpty { detail = String(cString: curl_easy_strerror(code)) }
            curl_easy_cleanup(easy)
            switch code {
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
                throw .failed("TLS: the server's certificate is not trusted (\(detail)); "
                    + TLSConfiguration.advice)
            case CURLE_OPERATION_TIMEDOUT:
                throw .timedOut
            default:
                throw .failed("cannot connect over TLS (\(detail))")
            }
        }
        var socket = curl_socket_t(-1)
        guard duvo_curl_get_socket(easy, &socket) == CURLE_OK, socket >= 0 else {
            curl_easy_cleanup(easy)
            throw .failed("libcurl gave no socket for the TLS connection")
        }
        self.easy = easy
        fd = socket
    }

    func write(_ bytes: [UInt8], deadline: Double) throws(RedisStreamError) {
        var written = 0
        while written < bytes.count {
            var sent = 0
            let code = bytes.withUnsafeBytes { raw in
                curl_easy_send(easy, raw.baseAddress.map { $0 + written }, raw.count - written, &sent)
            }
            switch code {
            case CURLE_OK: written += sent
            case CURLE_AGAIN:
                guard try waitUntilReady(fd, events: .writable, deadline: deadline) else { throw .timedOut }
            default: throw .failed("cannot send over TLS (\(String(cString: curl_easy_strerror(code))))")
            }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Double) throws(RedisStreamError) -> Int {
        while true {
            var received = 0
            let code = curl_easy_recv(easy, buffer.baseAddress, buffer.count, &received)
            switch code {
            case CURLE_OK: return received
            case CURLE_AGAIN:
                guard try waitUntilReady(fd, events: .readable, deadline: deadline) else { throw .timedOut }
            default: throw .failed("cannot receive over TLS (\(String(cString: curl_easy_strerror(code))))")
            }
        }
    }

    func close() { curl_easy_cleanup(easy) }
}
