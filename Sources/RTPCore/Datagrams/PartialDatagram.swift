/// Bookkeeping for one IPv4 datagram being reassembled: its key, age, and how much has arrived.
/// The bytes and the map of 8-byte units received live in the reassembler's slot storage.
struct PartialDatagram {
  /// Whether this slot holds a datagram in progress.
  var inUse = false
  var source: UInt32 = 0
  var destination: UInt32 = 0
  var identification: UInt16 = 0
  var proto: UInt8 = 0
  /// Capture time of the first fragment seen, for expiry.
  var firstSeen: Int64 = 0
  /// Arrival order, for evicting the oldest when the table is full.
  var sequence: UInt64 = 0
  /// The payload length, known once the last fragment (more-fragments clear) arrives; -1 before.
  var totalLength = -1
  /// The end of the furthest fragment received.
  var highestEnd = 0
  /// The number of distinct 8-byte units received.
  var unitsReceived = 0

  /// Whether this slot holds the datagram with this key.
  @inline(__always)
  func matches(source: UInt32, destination: UInt32, identification: UInt16, proto: UInt8) -> Bool {
    inUse && self.identification == identification && self.source == source
      && self.destination == destination && self.proto == proto
  }
}
