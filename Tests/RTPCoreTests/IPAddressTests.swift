import RTPCore
import Testing

@testable import RTPCaptures

@Suite("Addresses and endpoints")
struct IPAddressTests {
  @Test(
    "IPv4 literals parse and print back",
    arguments: ["0.0.0.0", "127.0.0.1", "192.0.2.255", "255.255.255.255"])
  func ipv4RoundTrip(text: String) throws {
    let address = try #require(IPv4Address(text))
    #expect(address.description == text)
  }

  @Test(
    "Malformed IPv4 literals are refused",
    arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "a.b.c.d", "1.2.3.4 "])
  func ipv4Rejects(text: String) {
    #expect(IPv4Address(text) == nil)
  }

  @Test(
    "IPv6 literals print in RFC 5952 form",
    arguments: [
      ("::1", "::1"), ("::", "::"), ("2001:DB8::1", "2001:db8::1"),
      ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("fe80::1:2:3:4", "fe80::1:2:3:4"),
      ("::ffff:192.0.2.1", "::ffff:c000:201"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
      ("2001:db8::", "2001:db8::"),
    ])
  func ipv6Canonical(input: String, expected: String) throws {
    let address = try #require(IPv6Address(input))
    #expect(address.description == expected)
  }

  @Test(
    "Malformed IPv6 literals are refused",
    arguments: ["", ":", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "g::1", "1:2:3:4:5:6:7"])
  func ipv6Rejects(text: String) {
    #expect(IPv6Address(text) == nil)
  }

  @Test(
    "Endpoints parse HOST:PORT with bracketed and bare IPv6",
    arguments: [
      ("127.0.0.1:5004", "127.0.0.1:5004"), ("[::1]:5004", "[::1]:5004"),
      ("::1:5004", "[::1]:5004"), ("[2001:db8::7]:65535", "[2001:db8::7]:65535"),
    ])
  func endpoints(input: String, expected: String) throws {
    let endpoint = try #require(Endpoint(input))
    #expect(endpoint.description == expected)
  }

  @Test(
    "Endpoints without a valid port are refused",
    arguments: ["127.0.0.1", "1.2.3.4:65536", ":80", "[::1:5004"])
  func endpointRejects(text: String) {
    #expect(Endpoint(text) == nil)
  }
}
