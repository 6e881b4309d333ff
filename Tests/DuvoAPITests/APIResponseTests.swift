import DuvoHTTP
import Testing

@Suite("API responses")
struct APIResponseTests {
    @Test("the server's Date is read as IMF-fixdate; anything else is no date")
    func serverDate() {
        func date(_ text: String) -> Double? { APIResponse(status: 200, headers: ["date": text], body: []).serverDate }
        #expect(date("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(date("Sun, 17 May 2026 10:00:00 GMT") == 1_779_012_000)
        #expect(date("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(date("Thu, 29 Feb 2024 23:59:59 GMT") == 1_709_251_199, "a leap day")
        #expect(date("Wed, 01 Mar 2000 00:00:00 GMT") == 951_868_800, "the day after a leap day of a century")
        #expect(date("Sun, 6 Nov 1994 08:49:37 GMT") == nil, "a day needs two digits")
        #expect(date("Sun, 06 Nov 1994 08:49:37 UTC") == nil)
        #expect(date("Sunday, 06-Nov-94 08:49:37 GMT") == nil, "the obsolete RFC 850 form")
        #expect(date("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
        #expect(date("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
        #expect(APIResponse(status: 200, headers: [:], body: []).serverDate == nil)
    }
}
