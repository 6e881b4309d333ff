import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns POSIX signals into a callback on a dispatch queue, so shutdown runs as ordinary code, not in a handler.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    /// Starts catching `signals`; each delivery calls `handler` with the signal number.
    init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Stops catching the signals.
    func cancel() {
        for source in sources { source.cancel() }
    }
}
