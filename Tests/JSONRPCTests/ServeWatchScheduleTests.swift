import Testing

@testable import JSONRPC

/// The watch that hands reading over when a request the reader serves itself runs long, decided at given times (no
/// thread, no clock): patience 100.
@Suite("The watch over a request the reader serves itself")
struct ServeWatchScheduleTests {
    @Test("the first serve starts the thread; a serve that ends before its patience is never reported")
    func quickServeIsNotReported() {
        var schedule = ServeWatchSchedule(patience: 100)
        #expect(schedule.began(1, now: 0) == .startThread)
        #expect(schedule.sample(now: 10) == .wait(until: 100))
        schedule.ended(1)
        #expect(schedule.sample(now: 100) == .wait(until: 200))
        #expect(schedule.sample(now: 200) == .wait(until: 300))
    }

    @Test("a serve that runs past its patience is reported once; a later serve is timed from its own start")
    func longServeIsReportedOnce() {
        var schedule = ServeWatchSchedule(patience: 100)
        _ = schedule.began(7, now: 0)
        #expect(schedule.sample(now: 99) == .wait(until: 100))
        #expect(schedule.sample(now: 100) == .report(7))
        #expect(schedule.sample(now: 150) == .wait(until: 250), "reported once, even while it still runs")
        schedule.ended(7)
        #expect(schedule.began(8, now: 260) == .none, "the thread is sampling: no wake-up needed")
        #expect(schedule.sample(now: 300) == .wait(until: 360))
        #expect(schedule.sample(now: 360) == .report(8))
    }

    @Test("the end of another serve leaves the current one watched")
    func endOfAnotherServe() {
        var schedule = ServeWatchSchedule(patience: 100)
        _ = schedule.began(2, now: 0)
        schedule.ended(1)
        #expect(schedule.sample(now: 120) == .report(2))
    }

    @Test("after ten empty samples the thread sleeps, with no timer; the next serve wakes it and is timed")
    func sleepsWhenIdleAndWakesForTheNextServe() {
        var schedule = ServeWatchSchedule(patience: 100)
        _ = schedule.began(1, now: 0)
        schedule.ended(1)
        var now: UInt64 = 0
        for _ in 1..<ServeWatchSchedule.idleTicksBeforeSleep {
            now += 100
            #expect(schedule.sample(now: now) == .wait(until: now + 100))
        }
        #expect(schedule.sample(now: now + 100) == .sleep)
        #expect(schedule.phase == .asleep)
        #expect(schedule.began(2, now: 5000) == .signal)
        #expect(schedule.sample(now: 5001) == .wait(until: 5101))
        #expect(schedule.sample(now: 5101) == .report(2))
    }

    @Test("a stopped watch ends its thread and reports nothing more")
    func stop() {
        var schedule = ServeWatchSchedule(patience: 100)
        #expect(schedule.stop() == false, "no serve ever began: there is no thread to end")
        var running = ServeWatchSchedule(patience: 100)
        _ = running.began(1, now: 0)
        #expect(running.stop() == true)
        #expect(running.sample(now: 500) == .exit)
        #expect(running.began(2, now: 600) == .none)
        #expect(running.sample(now: 900) == .exit)
    }
}
