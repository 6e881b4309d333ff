import Platform

/// Opens listening sockets; the only place that deals with address resolution.
enum Listener {
    /// A listening socket bound to `host:port` (IPv4 or IPv6 literal, or a name the resolver knows).
    static func open(host: String, port: UInt16) throws(HTTPServerError) -> Int32 {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        switch Platform.listen(host: host, port: port) {
        case .success(let fd):
            return fd
        case .failure(let failure):
            let step: HTTPServerError.Step =
                switch failure.step {
                case .resolve: .resolve
                case .socket: .socket
                case .bind: .bind
                case .listen: .listen
                }
            throw HTTPServerError(step: step, address: address, reason: failure.reason)
        }
    }

    /// The port a bound socket actually uses (the system's choice after binding port 0).
    static func boundPort(of fd: Int32) -> UInt16 {
        Platform.boundPort(of: fd)
    }
}
