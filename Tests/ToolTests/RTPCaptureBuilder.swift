import Foundation

/// Builds a pcap (µs, Ethernet, IPv4, UDP) of RTP packets with chosen fields: for streams with
/// timestamp gaps, losses, comfort noise and events that no generator makes.
enum RTPCaptureBuilder {
  /// One RTP packet and when it was captured.
  struct Packet {
    var sequence: UInt16
    var timestamp: UInt32
    var payloadType: UInt8
    var payload: [UInt8]
    var ssrc: UInt32 = 0x1234_5678
    var marker = false
    var microseconds: UInt64
  }

  /// A 20 ms packet every 20 ms from sequence `first`, timestamp `first × 160`.
  static func pcmu(count: Int, payload: (Int) -> [UInt8]) -> [Packet] {
    (0..<count).map { index in
      Packet(
        sequence: UInt16(index), timestamp: UInt32(index * 160), payloadType: 0,
        payload: payload(index), microseconds: UInt64(index) * 20_000)
    }
  }

  /// µ-law codes of a sine of `hertz` at 8 kHz, samples `start` to `start + count`.
  static func ulawTone(hertz: Double, start: Int, count: Int) -> [UInt8] {
    (start..<(start + count)).map { index in
      let value = sin(2 * Double.pi * hertz * Double(index) / 8000) * 8000
      return ulaw(Int16(value))
    }
  }

  /// G.711 µ-law of one sample (the G.191 reference's rule).
  static func ulaw(_ sample: Int16) -> UInt8 {
    let bias = 0x84
    var value = Int(sample)
    let sign = value < 0 ? 0x80 : 0
    if value < 0 { value = -value }
    value = min(value, 32635) + bias
    var exponent = 7
    var mask = 0x4000
    while exponent > 0 && value & mask == 0 {
      exponent -= 1
      mask >>= 1
    }
    let mantissa = (value >> (exponent + 3)) & 0x0F
    return UInt8(~(sign | exponent << 4 | mantissa) & 0xFF)
  }

  static func pcap(_ packets: [Packet]) -> Data {
    var bytes: [UInt8] = []
    put32(0xA1B2_C3D4, &bytes)
    put16(2, &bytes)
    put16(4, &bytes)
    put32(0, &bytes)
    put32(0, &bytes)
    put32(65535, &bytes)
    put32(1, &bytes)
    for packet in packets {
      var rtp: [UInt8] = [0x80, (packet.marker ? 0x80 : 0) | packet.payloadType]
      rtp += [UInt8(packet.sequence >> 8), UInt8(packet.sequence & 0xFF)]
      rtp += big32(packet.timestamp) + big32(packet.ssrc) + packet.payload
      let udpLength = 8 + rtp.count
      var frame: [UInt8] = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00]
      var ip: [UInt8] = [0x45, 0, UInt8((20 + udpLength) >> 8), UInt8((20 + udpLength) & 0xFF)]
      ip += [0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
      var sum = 0
      for index in stride(from: 0, to: 20, by: 2) {
        sum += Int(ip[index]) << 8 | Int(ip[index + 1])
      }
      while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
      let checksum = ~sum & 0xFFFF
      ip[10] = UInt8(checksum >> 8)
      ip[11] = UInt8(checksum & 0xFF)
      frame += ip
      frame += [0x13, 0x88, 0x13, 0x8A, UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0]
      frame += rtp
      put32(UInt32(packet.microseconds / 1_000_000), &bytes)
      put32(UInt32(packet.microseconds % 1_000_000), &bytes)
      put32(UInt32(frame.count), &bytes)
      put32(UInt32(frame.count), &bytes)
      bytes += frame
    }
    return Data(bytes)
  }

  private static func put16(_ value: UInt16, _ bytes: inout [UInt8]) {
    bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
  }

  private static func put32(_ value: UInt32, _ bytes: inout [UInt8]) {
    bytes += [
      UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF),
      UInt8(value >> 24),
    ]
  }

  private static func big32(_ value: UInt32) -> [UInt8] {
    [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }
}
