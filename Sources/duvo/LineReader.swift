import Platform
import Synchronization

/// Reads one line of stdin for a prompt without holding a cooperative thread, and gives up (nil) when the waiting
/// task is cancelled (Ctrl-C at a prompt), so the command winds down at once instead of at the grace deadline.
final class LineReader: Sendable {
    private enum State {
        case waiting
        case asking(CheckedContinuation<String?, Never>)
        case done
    }

    private let state = Mutex(State.waiting)

    /// The next line of stdin without its newline; nil at end of input or on cancellation.
    static func next() async -> String? {
        let reader = LineReader()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                reader.ask(continuation)
                // A cancelled prompt leaves the blocking read to end with the next line or the process.
                BlockingExecutor.shared.submit { reader.finish(Swift.readLine(strippingNewline: true)) }
            }
        } onCancel: {
            reader.finish(nil)
        }
    }

    private func ask(_ continuation: CheckedContinuation<String?, Never>) {
        let cancelledAlready = state.withLock { state -> Bool in
            guard case .waiting = state else { return true }
            state = .asking(continuation)
            return false
        }
        if cancelledAlready { continuation.resume(returning: nil) }
    }

    private func finish(_ line: String?) {
        let continuation = state.withLock { state -> CheckedContinuation<String?, Never>? in
            defer { state = .done }
            if case .asking(let continuation) = state { return continuation }
            return nil
        }
        continuation?.resume(returning: line)
    }
}
