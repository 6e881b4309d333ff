import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The production transport: one long-lived `URLSession` with keep-alive connections for the whole process.
public final class URLSessionTransport: HTTPTransport {
    private let maxConnectionsPerHost: Int
    /// Made on first use: setting up URLSession (and libcurl under it) costs start-up time a process may not need.
    private let lazySession = Mutex<URLSession?>(nil)

    /// A transport allowing up to `maxConnectionsPerHost` parallel keep-alive connections.
    public init(maxConnectionsPerHost: Int = 16) {
        self.maxConnectionsPerHost = maxConnectionsPerHost
    }

    deinit { lazySession.withLock { $0?.invalidateAndCancel() } }

    private var session: URLSession {
        lazySession.withLock { session in
            if let session { return session }
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = maxConnectionsPerHost
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            configuration.urlCache = nil
            configuration.httpCookieStorage = nil
            configuration.httpShouldSetCookies = false
            let made = URLSession(configuration: configuration)
            session = made
            return made
        }
    }

    public func send(method: String, url: URL, headers: [String: String], body: [UInt8]?,
                     timeout: TimeInterval) async throws(TransportError) -> APIResponse {
        var request = URLRequest(url: url)
        request.httpMethod = method
        // URLSession's timeout is an inactivity timer in whole seconds; under 1 s it would fail at once.
        request.timeoutInterval = max(1, timeout.rounded(.up))
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body) }
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else {
                throw TransportError.connectionLost("the response was not HTTP")
            }
            var lowered: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { lowered[name.lowercased()] = value }
            }
            return APIResponse(status: http.statusCode, headers: lowered, body: [UInt8](data))
        } catch let error as TransportError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch let error as URLError {
            throw Self.classify(error)
        } catch {
            throw .connectionLost(String(describing: type(of: error)))
        }
    }

    private static func classify(_ error: URLError) -> TransportError {
        switch error.code {
        case .cancelled: .cancelled
        case .timedOut: .timedOut
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet,
             .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            .connectFailed(error.localizedDescription)
        default: .connectionLost(error.localizedDescription)
        }
    }
}
