import Synchronization

/// Runs `operation`, giving up after `seconds` so that a bug makes a test fail instead of hang.
///
/// This bounds a wait; it never asserts how long anything took. On time-out the operation is left running.
func withDeadline<T: Sendable>(_ seconds: Double = 30, _ operation: @escaping @Sendable () async -> T) async -> T? {
    let outcome = FirstOutcome<T>()
    return await withCheckedContinuation { continuation in
        outcome.wait(with: continuation)
        Task { outcome.resume(await operation()) }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            outcome.resume(nil)
        }
    }
}

/// Resumes a continuation with whichever value comes first.
private final class FirstOutcome<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T?, Never>?>(nil)

    func wait(with continuation: CheckedContinuation<T?, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(_ value: T?) {
        let waiting = continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }
        waiting?.resume(returning: value)
    }
}
