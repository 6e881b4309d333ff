import Dispatch
import Platform

/// Turns POSIX signals into a callback on a dispatch queue, so shutdown runs as ordinary code, not in a handler.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    /// Starts catching `signals`; each delivery calls `handler` with the signal number.
    init(_ signals: [Platform.Signal], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { signal in
            Platform.ignore(signal)
            let source = DispatchSource.makeSignalSource(signal: signal.number, queue: .global())
            source.setEventHandler { handler(signal.number) }
            source.resume()
            return source
        }
    }

    /// Stops catching the signals.
    func cancel() {
        for source in sources { source.cancel() }
    }
}
