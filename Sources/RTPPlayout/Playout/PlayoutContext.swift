import RTPCaptures
import RTPIO
import RTPPackets

/// The state a ``PlayoutPipeline`` keeps while it runs: the output, and each packet's endpoints,
/// which the jitter buffer does not carry.
///
/// Endpoints are remembered by 16-bit sequence number as an index into a fixed table of pairs,
/// so the lookup for a packet released later costs one load and nothing is allocated per
/// packet.
struct PlayoutContext<Handler: PlayoutHandler> {
  /// The most distinct endpoint pairs remembered for the packets of the selected stream (only a
  /// selection by SSRC alone can have more than one); a pair beyond that is written with the
  /// last one remembered.
  static var maximumEndpointPairs: Int { 256 }

  /// The output; the pipeline keeps it alive while this exists. Held unmanaged so that handing
  /// it an event costs no retain and release.
  private let handler: Unmanaged<Handler>
  /// The first write failure; nothing is written after it.
  var writeFailure: IOError? = nil
  /// The bytes of the packet being fed, to recognise its drop.
  var current: UnsafeRawPointer? = nil
  private let pairs: UnsafeMutablePointer<(source: Endpoint, destination: Endpoint)>
  private var pairCount = 0
  private var currentPair = 0
  private let pairBySequence: UnsafeMutablePointer<UInt8>
  /// The table entry the packet being fed replaced, restored if that packet is dropped.
  private var displaced: UInt8 = 0

  /// Whether every packet fed has the endpoints of the first (a selection by stream key), so
  /// that they need not be compared per packet.
  private let singlePair: Bool

  init(handler: Handler, singlePair: Bool = false) {
    self.singlePair = singlePair
    handler.startPlayout()
    self.handler = .passUnretained(handler)
    pairs = .allocate(capacity: Self.maximumEndpointPairs)
    pairBySequence = .allocate(capacity: 65536)
    pairBySequence.initialize(repeating: 0, count: 65536)
  }

  /// Frees the tables.
  func release() {
    pairs.deinitialize(count: pairCount)
    pairs.deallocate()
    pairBySequence.deallocate()
  }

  /// Notes the endpoints of `packet` before it is fed.
  @inline(__always)
  mutating func willFeed(_ packet: RTPPacket, datagram: UDPDatagram) {
    if pairCount == 0
      || (!singlePair
        && (pairs[currentPair].source != datagram.source
          || pairs[currentPair].destination != datagram.destination))
    {
      currentPair = pairIndex(source: datagram.source, destination: datagram.destination)
    }
    let sequence = Int(packet.sequenceNumber)
    displaced = pairBySequence[sequence]
    pairBySequence[sequence] = UInt8(truncatingIfNeeded: currentPair)
    current = datagram.payload.baseAddress
  }

  /// Hands `event` to the output with the endpoints of its packet.
  @inline(__always)
  mutating func emit(_ event: JitterBufferEvent) {
    guard writeFailure == nil else { return }
    var pair = currentPair
    switch event {
    case .ready(let ready):
      pair = Int(pairBySequence[Int(ready.packet.sequenceNumber)])
    case .dropped(let dropped, _):
      let sequence = Int(dropped.packet.sequenceNumber)
      if dropped.packet.bytes.baseAddress == current {
        // The packet just fed is dropped: its number's entry belongs to the one kept.
        pairBySequence[sequence] = displaced
      }
      pair = Int(pairBySequence[sequence])
    case .erasure, .streamStarted:
      break
    }
    let endpoints = UnsafePointer(pairs + pair)
    let failure = handler._withUnsafeGuaranteedRef { handler -> IOError? in
      do throws(IOError) {
        try handler.handle(event, pair: pair, endpoints: endpoints)
        return nil
      } catch {
        return error
      }
    }
    if let failure { writeFailure = failure }
  }

  /// The index of `source` → `destination` among the pairs, added if new and there is room,
  /// else the last one.
  private mutating func pairIndex(source: Endpoint, destination: Endpoint) -> Int {
    for index in 0..<pairCount
    where pairs[index].source == source && pairs[index].destination == destination {
      return index
    }
    guard pairCount < Self.maximumEndpointPairs else { return pairCount - 1 }
    (pairs + pairCount).initialize(to: (source, destination))
    pairCount += 1
    return pairCount - 1
  }
}
