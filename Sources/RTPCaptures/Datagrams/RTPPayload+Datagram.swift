import RTPPackets

extension RTPPayload {
  /// Sorts a datagram's payload, whole or cut short by the capture (``UDPDatagram/isTruncated``):
  /// ``init(sorting:)`` or `init(sortingTruncated:)`.
  @inlinable @inline(__always)
  public init(sorting datagram: UDPDatagram) {
    if datagram.isTruncated {
      self.init(sortingTruncated: datagram.payload)
    } else {
      self.init(sorting: datagram.payload)
    }
  }
}
