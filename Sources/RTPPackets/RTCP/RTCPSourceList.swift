import RTPBase

/// The SSRCs and CSRCs of a BYE read in place (see ``RTCPPacketView/goodbyeSources``).
public struct RTCPSourceList: RandomAccessCollection {
  /// The sources' bytes, 4 a source.
  let bytes: UnsafeRawBufferPointer

  public var startIndex: Int { 0 }
  public var endIndex: Int { bytes.count / 4 }

  public subscript(position: Int) -> UInt32 {
    precondition(position >= 0 && position < endIndex, "source index out of range")
    return bytes.loadBigEndian(at: position * 4)
  }
}
