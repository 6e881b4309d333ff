import Diagnostics
import Foundation
import HTTPServer
import KeyCoordination
import Platform

/// The HTTP side of `duvo webhooks`: takes Duvo's POSTs at the token's path, checks them, answers at once and hands
/// each accepted event to the publisher.
///
/// Only `POST` to a path whose last segment is the token (so an ingress may forward `/any/prefix/<token>`); a body
/// of at most ``limits``' 4 KiB; one connection thread each, at most 256 at once. Nothing refused is published,
/// and the path (the token) is never logged.
package final class WebhookReceiver: Sendable {
    /// The receiver's bounds: 4 KiB bodies, 4 KiB of headers, 10 s idle, 5 s for a request to arrive whole, 256
    /// connections.
    package static let limits = HTTPLimits(maxHeaderBytes: 4096, maxBodyBytes: 4096, idleTimeoutSeconds: 10,
                                           requestTimeoutSeconds: 5, maxConnections: 256)

    private let server: HTTPServer
    private let publisher: WebhookPublisher

    /// A receiver on `host:port` (0: a free port) checking tokens against `token`, publishing through `publisher`.
    package init(host: String, port: UInt16, token: WebhookToken, publisher: WebhookPublisher, logger: Logger) {
        self.publisher = publisher
        server = HTTPServer(host: host, port: port, limits: Self.limits) { request in
            Self.answer(request, token: token, publisher: publisher, logger: logger)
        }
    }

    /// Starts listening.
    /// - Returns: the bound port.
    /// - Throws: ``HTTPServerError`` when the address cannot be bound.
    package func start() throws(HTTPServerError) -> UInt16 { try server.start() }

    /// Stops accepting and closes connections, then publishes what is still queued or held.
    package func stop() async {
        // Stopping waits for the accept thread to end: on a thread made for blocking, not the cooperative pool.
        await BlockingExecutor.shared.run { [server] in server.stop() }
        await publisher.finish()
    }

    static func answer(_ request: HTTPRequest, token: WebhookToken, publisher: WebhookPublisher, logger: Logger)
        -> HTTPResponse
    {
        let segment = request.path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard token.matches(segment) else {
            logger.debug("refused \(request.method) to an unknown path (404)")
            return text(404, "not found")
        }
        guard request.method == "POST" else {
            logger.info("refused \(request.method) to the webhook path (405)")
            var response = text(405, "only POST")
            response.headers.add("Allow", "POST")
            return response
        }
        let hint: WebhookHint
        do {
            hint = try WebhookHint(payload: request.body, receivedAt: Date().timeIntervalSince1970)
        } catch {
            logger.info("refused a webhook body (400): \(error)")
            return text(400, error.description)
        }
        logger.info("received \(hint.event) for run \(hint.runID) (status \(hint.status))")
        publisher.submit(hint)
        return HTTPResponse(status: 204)
    }

    private static func text(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"],
                     body: Array((message + "\n").utf8))
    }
}
