/// Why the server could not start listening.
public struct HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which step failed.
    public enum Step: String, Sendable, Hashable {
        case resolve, socket, bind, listen
    }

    /// The step that failed.
    public let step: Step
    /// The address the server tried to use, `host:port`.
    public let address: String
    /// The system's explanation (errno text or resolver message).
    public let reason: String

    /// An error at `step` for `address`.
    public init(step: Step, address: String, reason: String) {
        self.step = step
        self.address = address
        self.reason = reason
    }

    public var description: String {
        switch step {
        case .resolve: "cannot resolve \(address): \(reason); use an IP address such as 127.0.0.1"
        case .socket: "cannot create a socket for \(address): \(reason)"
        case .bind: "cannot listen on \(address): \(reason); pick another --port, or 0 for any free one"
        case .listen: "cannot listen on \(address): \(reason)"
        }
    }
}
