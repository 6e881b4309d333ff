import Digest
import Testing

@Suite("SHA-256 and HMAC")
struct DigestTests {
    @Test("SHA-256 matches the FIPS 180-4 examples, across block boundaries")
    func sha256Vectors() {
        #expect(Hex.encode(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(SHA256.hash(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Hex.encode(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("HMAC-SHA-256 matches RFC 4231, including a key longer than a block; a changed code is refused")
    func hmacVectors() {
        let short = HMACSHA256(key: [UInt8](repeating: 0x0b, count: 20))
        let code = short.authenticationCode(for: Array("Hi There".utf8))
        #expect(Hex.encode(code) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let long = HMACSHA256(key: [UInt8](repeating: 0xaa, count: 131))
        #expect(Hex.encode(long.authenticationCode(
            for: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(short.isValid(code, for: Array("Hi There".utf8)))
        var forged = code
        forged[31] ^= 1
        #expect(!short.isValid(forged, for: Array("Hi There".utf8)))
        #expect(Hex.decode(Hex.encode(code)) == code)
        #expect(Hex.decode("0g") == nil)
    }
}
