import RTPCore
import SystemPackage
import Testing

@testable import RTPCaptures
@testable import RTPIO
@testable import RTPPackets

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Capture recorder")
struct CaptureRecorderTests {
  @Test("Accounts for every datagram: written, rejected by peer, past the limit; keeps non-RTP")
  func accounting() throws {
    var template = Array("/tmp/rtpsynth-recorder.XXXXXX".utf8CString)
    let raw = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    try #require(raw >= 0)
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    let file = FileDescriptor(rawValue: raw)
    defer { try? file.close() }
    let writer = try CaptureWriter(sink: OutputSink(fileDescriptor: file), format: .pcap)
    let recorder = CaptureRecorder(writer: writer, peer: IPAddress("127.0.0.1")!, limit: 3)
    let local = Endpoint("127.0.0.1:5004")!
    let peer = Endpoint("127.0.0.1:40000")!
    let stranger = Endpoint("127.0.0.2:40000")!
    let rtp = try RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3)
      .serialized(payload: [7, 7])
    let other: [UInt8] = [0, 1, 2]
    for (bytes, source) in [(rtp, peer), (other, peer), (rtp, stranger), (rtp, peer), (rtp, peer)] {
      bytes.withUnsafeBytes {
        recorder.record($0, source: source, destination: local, time: 1_700_000_000_000_000_000)
      }
    }
    try recorder.finish()
    #expect(recorder.received == 5)
    #expect(recorder.written == 3)
    #expect(recorder.rejected == 1)
    #expect(recorder.notWritten == 1)
    #expect(recorder.notRTP == 1)
    #expect(recorder.isComplete)
    _ = try file.seek(offset: 0, from: .start)
    let reader = try DatagramReader(source: InputSource(fileDescriptor: file))
    var read: [([UInt8], Endpoint, Endpoint, Int64)] = []
    while let datagram = try reader.next() {
      read.append(
        (Array(datagram.payload), datagram.source, datagram.destination, datagram.timestamp))
    }
    #expect(read.map(\.0) == [rtp, other, rtp])
    #expect(read.allSatisfy { $0.1 == peer && $0.2 == local })
    #expect(read.allSatisfy { $0.3 == 1_700_000_000_000_000_000 })
  }
}
