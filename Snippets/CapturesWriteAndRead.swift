// RTPCaptures: write UDP datagrams as a pcap file, then read them back as datagrams.
import RTPCore
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

let path = FilePath("/tmp/rtpsynth-snippet-\(getpid()).pcap")
defer { unlink(path.string) }

let out = try FileDescriptor.open(
  path, .writeOnly, options: [.create, .truncate], permissions: .ownerReadWrite)
let writer = try CaptureWriter(sink: OutputSink(fileDescriptor: out), format: .pcap)
let source = Endpoint("192.0.2.1:5004")!
let destination = Endpoint("192.0.2.2:5006")!
var synth = RTPSynth(sampleRate: 8000, packetTimeMicroseconds: 20_000)
for index in 0..<3 {
  let packet = try synth.nextPacket(payloadType: 0, payload: [UInt8](repeating: 0xFF, count: 160))
  try packet.withUnsafeBytes { payload in
    _ = try writer.write(
      UDPDatagram(
        timestamp: 1_700_000_000_000_000_000 + Int64(index) * 20_000_000, source: source,
        destination: destination, payload: payload))
  }
}
try writer.finish()
try out.close()

// Reading sniffs the format by its magic; each datagram's payload is valid until the next call.
let input = try FileDescriptor.open(path, .readOnly)
defer { try? input.close() }
let reader = try DatagramReader(source: InputSource(fileDescriptor: input))
while let datagram = try reader.next() {
  print("\(datagram.source) -> \(datagram.destination): \(datagram.payload.count) bytes")
}
print("\(reader.format): \(reader.recordsRead) records, \(reader.skipped.total) skipped")
