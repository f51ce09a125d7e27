import RTPBase

extension DatagramReader {
  /// Hands every datagram to `body`, to the end of the capture, calling `progress` (if given)
  /// with the records read so far every `progressInterval` datagrams. Throws the capture's
  /// damage after every datagram before it has been handed over.
  @inline(__always)
  public func forEach(
    progress: ProgressHandler?, _ body: (UDPDatagram) -> Void
  ) throws(CaptureError) {
    guard let progress else {
      while let datagram = try next() { body(datagram) }
      return
    }
    var countdown = progressInterval
    while let datagram = try next() {
      body(datagram)
      countdown -= 1
      if countdown == 0 {
        countdown = progressInterval
        progress(UInt64(recordsRead))
      }
    }
  }
}
