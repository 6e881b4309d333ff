/// Bounds that keep one client from exhausting the server.
public struct HTTPLimits: Sendable, Hashable {
    /// The most bytes the request line and headers may take; more is answered with 431.
    public var maxHeaderBytes: Int
    /// The largest body accepted; more is answered with 413.
    public var maxBodyBytes: Int
    /// Seconds a keep-alive connection may sit idle before the server closes it.
    public var idleTimeoutSeconds: Int
    /// Seconds a request may take to arrive whole (request line, headers and body), from its first byte: a client
    /// trickling bytes, each within the idle timeout, is answered 408 and closed, so it cannot hold a connection.
    public var requestTimeoutSeconds: Double
    /// The most connections served at once; the next one is answered with 503 and closed.
    public var maxConnections: Int

    /// Limits suited to a local API server: 16 KiB of headers, 1 MiB bodies, 60 s idle, 30 s for a request to
    /// arrive, 2048 connections.
    public init(
        maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1024 * 1024, idleTimeoutSeconds: Int = 60,
        requestTimeoutSeconds: Double = 30, maxConnections: Int = 2048
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxConnections = maxConnections
    }
}
