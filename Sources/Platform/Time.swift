#if canImport(Glibc)
import Glibc
#endif

extension Platform {
    /// Seconds on a clock that never jumps, since an arbitrary fixed point.
    package static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Nanoseconds on a clock that never jumps, since an arbitrary fixed point.
    package static func monotonicNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Wall-clock milliseconds since the Unix epoch.
    package static func wallMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Whole wall-clock seconds since the Unix epoch (`time(2)`).
    package static func wallSeconds() -> Int {
        time(nil)
    }

    /// Blocks the calling thread for `duration`, resuming after interruptions by signals.
    package static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || attoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// Blocks the calling thread for `microseconds` (`usleep(3)`).
    package static func sleep(microseconds: UInt32) {
        _ = usleep(microseconds)
    }

    /// The fields of a UTC calendar date and time.
    package struct CalendarFields: Sendable, Hashable {
        /// The full year, e.g. 2026.
        package var year: Int
        /// 1...12.
        package var month: Int
        /// 1...31.
        package var day: Int
        package var hour: Int
        package var minute: Int
        package var second: Int
        /// 0 (Sunday) ... 6; ignored by ``epochSeconds(utc:)``.
        package var weekday: Int

        package init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int = 0) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
            self.weekday = weekday
        }
    }

    /// The UTC calendar fields of `seconds` since the epoch (`gmtime_r`).
    package static func utcFields(epochSeconds seconds: Int64) -> CalendarFields {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return CalendarFields(
            year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
            hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec), weekday: Int(parts.tm_wday))
    }

    /// Seconds since the epoch of a UTC date and time (`timegm`, which normalises out-of-range fields).
    package static func epochSeconds(utc fields: CalendarFields) -> Int64 {
        var parts = tm()
        parts.tm_year = Int32(fields.year - 1900)
        parts.tm_mon = Int32(fields.month - 1)
        parts.tm_mday = Int32(fields.day)
        parts.tm_hour = Int32(fields.hour)
        parts.tm_min = Int32(fields.minute)
        parts.tm_sec = Int32(fields.second)
        return Int64(timegm(&parts))
    }
}
