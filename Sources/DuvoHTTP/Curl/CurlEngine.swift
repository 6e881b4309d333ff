import CCurl
import Dispatch
import Foundation
import Synchronization
import Time

/// The process's one libcurl multi handle, so every https exchange shares one connection cache, one DNS cache, one
/// TLS session cache and one parsed CA store.
///
/// Whoever holds `driver` drives the multi handle (`curl_multi_perform`/`curl_multi_poll`) and completes finished
/// transfers. A caller that finds no one driving drives its own exchange inline for up to ``inlineBudget`` (a local
/// answer usually comes back well within it, with no thread hand-off at all); otherwise, or after that, the engine's
/// own thread drives. `curl_multi_wakeup`, the only libcurl call made without `driver` (documented as thread-safe),
/// interrupts a poll when work arrives or a caller cancels.
final class CurlEngine: @unchecked Sendable {
    // Safety: `multi`, `share` and `active` are touched only while holding `driver`; `inbox` and `idle` are behind
    // mutexes of their own; an easy handle moves between threads only through those mutexes.

    /// The engine, started on first use; nil when libcurl could not be initialised.
    static let shared: CurlEngine? = CurlEngine()

    /// How long a caller may drive its own exchange before the engine thread takes over. Like the socket
    /// transport's inline wait: each hand-off costs two thread switches, most of a fast call's overhead.
    static let inlineBudget = 0.002

    private let multi: UnsafeMutableRawPointer
    private let share: UnsafeMutableRawPointer
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private let driver = Mutex(())
    private let inbox = Mutex<[CurlTransfer]>([])
    private let idle = Mutex<[CurlEasyHandle]>([])
    /// Wakes the engine thread when it sleeps with nothing in flight.
    private let work = DispatchSemaphore(value: 0)

    private init?() {
        guard curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK, let multi = curl_multi_init() else { return nil }
        guard let share = curl_share_init() else {
            curl_multi_cleanup(multi)
            return nil
        }
        // The share is only used under `driver`, so it needs no lock callbacks. Connections are shared by the multi
        // handle itself (its connection cache), so the share holds DNS answers and TLS sessions.
        _ = duvo_curl_share_lock_data(share, CURL_LOCK_DATA_DNS)
        _ = duvo_curl_share_lock_data(share, CURL_LOCK_DATA_SSL_SESSION)
        // Up to 16 connections per host, as URLSession had; HTTP/2 multiplexes many exchanges on one of them.
        _ = duvo_curl_multi_set_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 16)
        self.multi = multi
        self.share = share
        let thread = Thread { [self] in run() }
        thread.name = "duvo-curl"
        thread.stackSize = 512 << 10
        thread.start()
    }

    /// The TLS session and DNS caches every transfer uses.
    var sharedCaches: UnsafeMutableRawPointer { share }

    /// An easy handle from the pool of finished ones (reset), or a new one.
    func checkoutHandle() -> CurlEasyHandle? {
        if let reused = idle.withLock({ $0.popLast() }) { return reused }
        return curl_easy_init().map(CurlEasyHandle.init)
    }

    /// Starts a configured transfer: drives it on this thread for up to ``inlineBudget`` when no one else is
    /// driving, else hands it to whoever is. Either way it is completed exactly once (see ``CurlTransfer``).
    func start(_ transfer: CurlTransfer) {
        let handedOver = driver.withLockIfAvailable { _ -> Bool in
            inbox.withLock { $0.append(transfer) }
            let deadline = MonotonicClock.now() + Self.inlineBudget
            while true {
                turn()
                if transfer.isFinished { return !active.isEmpty }
                let remaining = deadline - MonotonicClock.now()
                if remaining <= 0 { return true }
                var descriptors: Int32 = 0
                _ = curl_multi_poll(multi, nil, 0, Int32((remaining * 1000).rounded(.up)), &descriptors)
            }
        }
        switch handedOver {
        case nil:  // someone else is driving: queue it for them
            inbox.withLock { $0.append(transfer) }
            wake()
        case true?:
            wake()
        case false?:
            break
        }
    }

    /// Interrupts the driver's poll, and wakes the engine thread, so that new work and cancellations are seen at once.
    func wake() {
        work.signal()
        _ = curl_multi_wakeup(multi)
    }

    private func run() {
        while true {
            let sleep = driver.withLock { _ -> Bool in
                turn()
                guard !active.isEmpty else { return true }
                var descriptors: Int32 = 0
                // curl shortens the wait to its own next timer (connect or transfer timeouts).
                _ = curl_multi_poll(multi, nil, 0, 1000, &descriptors)
                return false
            }
            if sleep { work.wait() }
        }
    }

    /// One round of driving: new transfers in, cancelled ones out, I/O, finished ones completed. Holds `driver`.
    private func turn() {
        admit()
        reapCancelled()
        var running: Int32 = 0
        _ = curl_multi_perform(multi, &running)
        collect()
    }

    /// Adds the transfers that arrived since the last turn, failing those whose caller already gave up.
    private func admit() {
        let arrived = inbox.withLock { queue -> [CurlTransfer] in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        for transfer in arrived {
            if transfer.isCancelled {
                finish(transfer, with: .failure(.cancelled))
            } else if curl_multi_add_handle(multi, transfer.easy.raw) == CURLM_OK {
                active[transfer.easy.raw] = transfer
            } else {
                finish(transfer, with: .failure(.connectFailed("libcurl refused the transfer")))
            }
        }
    }

    /// Aborts the transfers whose callers were cancelled: removing a handle closes its connection mid-exchange.
    private func reapCancelled() {
        for (raw, transfer) in active where transfer.isCancelled {
            active[raw] = nil
            _ = curl_multi_remove_handle(multi, raw)
            finish(transfer, with: .failure(.cancelled))
        }
    }

    /// Completes every transfer libcurl reports done.
    private func collect() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard duvo_curl_msg_done(message) != 0, let raw = duvo_curl_msg_easy(message),
                  let transfer = active.removeValue(forKey: raw) else { continue }
            // Read the result before removing the handle: removal invalidates the message.
            let code = duvo_curl_msg_result(message)
            _ = curl_multi_remove_handle(multi, raw)
            finish(transfer, with: transfer.outcome(code))
        }
    }

    private func finish(_ transfer: CurlTransfer, with outcome: Result<APIResponse, TransportError>) {
        // Reset first: the handle points into the transfer (error buffer, header list, callback data), which the
        // resumed caller may free at once.
        let handle = transfer.easy
        curl_easy_reset(handle.raw)
        transfer.complete(outcome)
        let kept = idle.withLock { pool -> Bool in
            guard pool.count < 64 else { return false }
            pool.append(handle)
            return true
        }
        if !kept { curl_easy_cleanup(handle.raw) }
    }
}

/// A libcurl easy handle, moved between a caller's thread and the driver, never used on both at once.
struct CurlEasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}
