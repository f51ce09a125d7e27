/// Bookkeeping for one datagram being reassembled: its key, age, what has arrived, and its
/// place in the reassembler's age list. Its bytes and the map of 8-byte units received live in
/// the reassembler's blocks, named by the datagram's page table there.
struct PartialDatagram {
  var key: FragmentKey
  /// Capture time of the first fragment seen, for expiry.
  var firstSeen: Int64
  /// The payload length, known once the last fragment (more-fragments clear) arrives; -1 before.
  var totalLength = -1
  /// The end of the furthest fragment received.
  var highestEnd = 0
  /// The number of distinct 8-byte units received.
  var unitsReceived = 0
  /// Fragments kept in it so far.
  var fragments = 0
  /// Blocks of storage it holds.
  var blocks = 0
  /// For IPv6, the next header named by the fragment at offset 0; -1 until it arrives.
  var nextHeader: Int16 = -1
  /// The next older and next newer datagram in progress (entry indices), -1 at either end.
  var older: Int32 = -1
  var newer: Int32 = -1

  init(key: FragmentKey, firstSeen: Int64) {
    self.key = key
    self.firstSeen = firstSeen
  }
}
