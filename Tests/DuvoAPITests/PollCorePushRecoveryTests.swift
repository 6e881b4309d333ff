import DuvoAPI
import RunWatching
import Testing

/// Webhook events that stop and come back: after a missed event the runs are polled as ever, and once an event
/// arrives again the safety net is trusted again, without a second warning when events go missing once more.
@Suite("Poll core recovering from missed webhook events")
struct PollCorePushRecoveryTests {
    /// A core following run A (pushed) whose safety-net read at 60.2 s found it waiting with no event: missed at 65.3.
    static func missed() -> CoreScript {
        var script = PollCorePushTests.following("running")
        guard let (_, request) = PollCorePushTests.nextRead(&script, from: 0.2, until: 60.2) else {
            Issue.record("no safety-net read")
            return script
        }
        _ = script.step(.answered(request, Fixture.read(Fixture.runA, "waiting")), at: 60.2)
        #expect(script.step(.tick, at: 65.3).warnings.count == 1)
        return script
    }

    /// Answers every read due from `from` to `until` with `status`; returns the times of run A's reads.
    static func answerReads(_ script: inout CoreScript, from: Double, until: Double, status: RunStatus) -> [Double] {
        var reads: [Double] = []
        var now = from
        while now < until {
            for request in script.step(.tick, at: now).sent {
                reads.append(now)
                _ = script.step(.answered(request, Fixture.read(request.runID ?? "", status)), at: now)
            }
            now += 0.05
        }
        return reads
    }

    @Test("an event after a miss makes the runs with push read only as a safety net again")
    func recovers() {
        var script = Self.missed()
        let polled = Self.answerReads(&script, from: 65.3, until: 90, status: "waiting")
        #expect(polled.count >= 2, "polled as ever while events are missing: \(polled)")
        // An event arrives (for any run: the receiver and the bus carry events again).
        _ = script.step(.hinted(runID: Fixture.runB), at: 90)
        let back = script.step(.tick, at: 90)
        #expect(back.warnings.isEmpty)
        #expect(back.contains { if case .log(.info, let line) = $0 { line.contains("arrive again") } else { false } })
        // The read due next (polled as ever) happens once more; after it, the next waits for the safety net.
        let settling = Self.answerReads(&script, from: 90, until: 105, status: "waiting")
        #expect(settling.count <= 1, "reads after recovery: \(settling)")
        let quiet = Self.answerReads(&script, from: 105, until: 150, status: "waiting")
        #expect(quiet.isEmpty, "read only as a safety net again: \(quiet)")
    }

    @Test("events missed a second time are polled as ever again, with no second warning")
    func warnsOnce() {
        var script = Self.missed()
        _ = Self.answerReads(&script, from: 65.3, until: 70, status: "waiting")
        _ = script.step(.hinted(runID: Fixture.runB), at: 70)
        _ = script.step(.tick, at: 70)
        guard let (first, running) = PollCorePushTests.nextRead(&script, from: 70.05, until: 80) else {
            Issue.record("no read after recovery")
            return
        }
        _ = script.step(.answered(running, Fixture.read(Fixture.runA, "running")), at: first)
        guard let (second, waiting) = PollCorePushTests.nextRead(&script, from: first + 0.05, until: first + 61) else {
            Issue.record("no safety-net read")
            return
        }
        // A change Duvo announces, found by a read with no event for it: missed again, said at info this time.
        _ = script.step(.answered(waiting, Fixture.read(Fixture.runA, "waiting")), at: second)
        var warnings: [String] = []
        var infos: [String] = []
        var now = second + 0.05
        while now < second + 8 {
            for effect in script.step(.tick, at: now) {
                if case .log(let level, let line) = effect, line.contains("not arriving") {
                    if level == .warning { warnings.append(line) } else { infos.append(line) }
                }
            }
            now += 0.05
        }
        #expect(warnings.isEmpty)
        #expect(infos.count == 1, "\(infos)")
    }
}
