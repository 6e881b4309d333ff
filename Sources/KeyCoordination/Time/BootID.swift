import Platform

/// This boot of the machine, as the kernel names it (`/proc/sys/kernel/random/boot_id`), for times on
/// ``MonotonicClock`` kept in files: such a time means something only to processes of the boot that wrote it, and a
/// runtime directory may outlive a reboot (a persistent `/tmp`, a restarted container).
package struct BootID: Sendable, Hashable {
    /// The id's 128 bits as two words.
    package let high: UInt64
    package let low: UInt64
}

extension BootID {
    /// The boot id in its usual text form (`8-4-4-4-12` hexadecimal digits); nil unless it is one.
    package init?(text: some StringProtocol) {
        let digits = String(text.filter { $0 != "-" && $0 != "\n" })
        guard digits.count == 32, let high = UInt64(digits.prefix(16), radix: 16),
              let low = UInt64(digits.suffix(16), radix: 16)
        else { return nil }
        self.init(high: high, low: low)
    }

    /// The id as one token without spaces, for text files.
    package var text: String {
        ParticipantID.text(high) + ParticipantID.text(low)
    }

    /// This boot's id; zero where the kernel does not tell it (then every reader agrees on it, as before).
    package static let current: BootID = {
        guard let text = Platform.bootIDText() else { return BootID(high: 0, low: 0) }
        return BootID(text: text) ?? BootID(high: 0, low: 0)
    }()
}
