import CCurl
import Foundation
import Synchronization

/// One HTTP exchange on a libcurl easy handle: the request's options, the response as it arrives, and the caller
/// waiting for it.
///
/// Configured on the caller's thread, then owned by the engine's thread until ``complete(_:)``; the body and header
/// callbacks run on that thread only.
package final class CurlTransfer: @unchecked Sendable {
    // Safety: the request state is written on the caller's thread before `CurlEngine.start` and the response state
    // only on the engine's thread; `cancelled` is atomic and
    // `completion` behind a mutex.

    let easy: CurlEasyHandle
    private let cancelled = Atomic<Bool>(false)
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Texts that must not reach an error message (a proxy password).
    private let secrets: [String]
    /// The proxy's host and port when the request goes through one, to name it when it refuses us.
    private let proxyHost: String?
    private let completion = Mutex<Completion>(.pending)
    fileprivate var body: [UInt8] = []
    fileprivate var headers: [String: String] = [:]
    fileprivate var tooLarge = false

    /// A transfer on `easy` (fresh or reset) for one request.
    init(easy: CurlEasyHandle, secrets: [String], proxyHost: String?) {
        self.easy = easy
        self.secrets = secrets
        self.proxyHost = proxyHost
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        errorBuffer.deallocate()
        if let headerList { curl_slist_free_all(headerList) }
    }

    /// Whether the caller gave up; the engine aborts the exchange on its next turn.
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Marks the transfer cancelled (from any thread).
    func cancel() { cancelled.store(true, ordering: .releasing) }

    /// Where the exchange stands for its caller: not done and not awaited yet, awaited, or done.
    private enum Completion {
        case pending
        case waiting(CheckedContinuation<Result<APIResponse, TransportError>, Never>)
        case done(Result<APIResponse, TransportError>)
    }

    /// Sets the request and the options every exchange uses.
    /// - Returns: false when libcurl refused an option (then the transfer must not be submitted).
    func configure(method: String, url: String, headers: [String: String], body: [UInt8]?, timeout: TimeInterval,
                   tls: TLSConfiguration, proxy: ProxyConfiguration, share: UnsafeMutableRawPointer) -> Bool {
        let raw = easy.raw
        let timeoutMS = max(1, Int((timeout * 1000).rounded(.up)))
        var codes: [CURLcode] = [
            duvo_curl_set_string(raw, CURLOPT_URL, url),
            duvo_curl_set_string(raw, CURLOPT_PROTOCOLS_STR, "http,https"),
            duvo_curl_set_long(raw, CURLOPT_NOSIGNAL, 1),
            duvo_curl_set_long(raw, CURLOPT_TIMEOUT_MS, timeoutMS),
            duvo_curl_set_long(raw, CURLOPT_CONNECTTIMEOUT_MS, timeoutMS),
            duvo_curl_set_long(raw, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)),
            // "" asks for every encoding this libcurl decodes (gzip, deflate, br where built in).
            duvo_curl_set_string(raw, CURLOPT_ACCEPT_ENCODING, ""),
            duvo_curl_set_long(raw, CURLOPT_TCP_KEEPALIVE, 1),
            // The parsed CA store stays in memory for the process (libcurl's default is 24 h): a new connection
            // then costs a handshake, not a re-read of a 200 KB bundle.
            duvo_curl_set_long(raw, CURLOPT_CA_CACHE_TIMEOUT, -1),
            duvo_curl_set_share(raw, share),
            duvo_curl_set_pointer(raw, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)),
            // Only the origin's answer reaches the header callback, not a proxy's `200 Connection established`.
            duvo_curl_set_long(raw, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1),
            // An explicit empty proxy stops libcurl reading the environment itself: `ProxyConfiguration` did.
            duvo_curl_set_string(raw, CURLOPT_PROXY, proxy.url ?? ""),
        ]
        if let noProxy = proxy.noProxy { codes.append(duvo_curl_set_string(raw, CURLOPT_NOPROXY, noProxy)) }
        codes += Self.trustOptions(tls, easy: raw)
        let me = Unmanaged.passUnretained(self).toOpaque()
        codes += [
            duvo_curl_set_pointer(raw, CURLOPT_WRITEDATA, me),
            duvo_curl_set_write_function(raw) { data, size, count, user in
                guard let user else { return 0 }
                return Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().receiveBody(data, size * count)
            },
            duvo_curl_set_pointer(raw, CURLOPT_HEADERDATA, me),
            duvo_curl_set_header_function(raw) { data, size, count, user in
                guard let user else { return 0 }
                return Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().receiveHeader(data, size * count)
            },
        ]
        switch method {
        case "GET": codes.append(duvo_curl_set_long(raw, CURLOPT_HTTPGET, 1))
        default:
            if method != "POST" { codes.append(duvo_curl_set_string(raw, CURLOPT_CUSTOMREQUEST, method)) }
            let bytes = body ?? []
            codes.append(duvo_curl_set_off(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)))
            codes.append(bytes.withUnsafeBufferPointer { buffer in
                // COPYPOSTFIELDS copies, so the bytes need not outlive this call; an empty body still needs a pointer.
                buffer.baseAddress.map { duvo_curl_set_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0)) }
                    ?? duvo_curl_set_string(raw, CURLOPT_COPYPOSTFIELDS, "")
            })
        }
        // No `Expect: 100-continue` round trip before a POST body.
        var list = curl_slist_append(nil, "Expect:")
        for (name, value) in headers where !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            list = curl_slist_append(list, "\(name): \(value)")
        }
        headerList = list
        codes.append(duvo_curl_set_headers(raw, list))
        return codes.allSatisfy { $0 == CURLE_OK }
    }

    /// What is named is what is trusted (a file, a folder, or both); nothing named means the system's store, as a
    /// hashed folder where there is one (see ``SystemTrust``).
    package static func trustOptions(_ tls: TLSConfiguration, easy raw: UnsafeMutableRawPointer) -> [CURLcode] {
        let directory = (tls.caFile == nil && tls.caDirectory == nil) ? SystemTrust.hashedDirectory : tls.caDirectory
        if tls.caFile == nil && directory == nil { return [] }  // libcurl's built-in bundle
        return [
            tls.caFile.map { duvo_curl_set_string(raw, CURLOPT_CAINFO, $0) }
                ?? duvo_curl_set_pointer(raw, CURLOPT_CAINFO, nil),
            directory.map { duvo_curl_set_string(raw, CURLOPT_CAPATH, $0) }
                ?? duvo_curl_set_pointer(raw, CURLOPT_CAPATH, nil),
        ]
    }

    /// Waits for the outcome, whenever the engine completes the transfer.
    func awaitOutcome() async -> Result<APIResponse, TransportError> {
        await withCheckedContinuation { continuation in
            let done = completion.withLock { state -> Result<APIResponse, TransportError>? in
                if case .done(let outcome) = state { return outcome }
                state = .waiting(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Records the outcome and resumes a waiting caller; the engine calls it exactly once.
    func complete(_ outcome: Result<APIResponse, TransportError>) {
        let waiting = completion.withLock { state -> CheckedContinuation<Result<APIResponse, TransportError>, Never>? in
            defer { state = .done(outcome) }
            if case .waiting(let continuation) = state { return continuation }
            return nil
        }
        waiting?.resume(returning: outcome)
    }

    /// The response, or the failure libcurl's `code` stands for.
    func outcome(_ code: CURLcode) -> Result<APIResponse, TransportError> {
        guard code == CURLE_OK else {
            if tooLarge { return .failure(.connectionLost(HTTPResponseReader.tooLarge)) }
            var requestBytes = 0
            _ = duvo_curl_get_long(easy.raw, CURLINFO_REQUEST_SIZE, &requestBytes)
            var proxyStatus = 0
            _ = duvo_curl_get_long(easy.raw, CURLINFO_HTTP_CONNECTCODE, &proxyStatus)
            return .failure(CurlFailure.classify(code, detail: errorText(code), requestSent: requestBytes > 0,
                                                 proxyStatus: proxyStatus, proxyHost: proxyHost))
        }
        var status = 0
        _ = duvo_curl_get_long(easy.raw, CURLINFO_RESPONSE_CODE, &status)
        if let proxyHost, isProxyRefusal(status: status) {
            return .failure(.proxyRejected("the proxy \(proxyHost) answered \(status) and did not forward the request"))
        }
        return .success(APIResponse(status: status, headers: headers, body: body))
    }

    /// Whether a forwarding proxy (an http base URL) refused the request itself: 407, or a 401 with the proxy's
    /// challenge or without Duvo's JSON error body (tinyproxy answers 401 with an HTML page and a `WWW-Authenticate`
    /// challenge). Duvo sends neither: its 401 is always its JSON error.
    private func isProxyRefusal(status: Int) -> Bool {
        guard status == 401 else { return status == 407 }
        let first = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return headers["proxy-authenticate"] != nil || first != UInt8(ascii: "{")
    }

    /// libcurl's own sentence for the failure (naming the certificate problem, the host, ...), secrets removed.
    private func errorText(_ code: CURLcode) -> String {
        var text = String(cString: errorBuffer)
        if text.isEmpty { text = String(cString: curl_easy_strerror(code)) }
        for secret in secrets where !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "[redacted]") }
        return text
    }

    private func receiveBody(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let data else { return 0 }
        guard body.count + length <= HTTPResponseReader.maxBodyBytes else {
            tooLarge = true
            return 0
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    /// One header line. A status line starts a new response (after a redirect or `100 Continue`), so the headers
    /// kept are the final response's.
    private func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let data else { return 0 }
        data.withMemoryRebound(to: UInt8.self, capacity: length) { start in
            let line = UnsafeBufferPointer(start: start, count: length)
            if line.starts(with: "HTTP/".utf8) {
                headers.removeAll(keepingCapacity: true)
            } else if let (name, value) = HTTPHeaderLine.split(line) {
                headers[name] = headers[name].map { "\($0), \(value)" } ?? value
            }
        }
        return length
    }
}
