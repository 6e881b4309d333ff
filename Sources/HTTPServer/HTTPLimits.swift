/// Bounds that keep one client from exhausting the server.
public struct HTTPLimits: Sendable, Hashable {
    /// The most bytes the request line and headers may take; more is answered with 431.
    public var maxHeaderBytes: Int
    /// The largest body accepted; more is answered with 413.
    public var maxBodyBytes: Int
    /// Seconds a keep-alive connection may sit idle before the server closes it.
    public var idleTimeoutSeconds: Int
    /// The most connections served at once; the next one is answered with 503 and closed.
    public var maxConnections: Int

    /// Limits suited to a local API server: 16 KiB of headers, 1 MiB bodies, 60 s idle, 2048 connections.
    public init(
        maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 1024 * 1024, idleTimeoutSeconds: Int = 60,
        maxConnections: Int = 2048
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }
}
