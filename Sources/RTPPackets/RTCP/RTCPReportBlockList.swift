/// The report blocks of an SR or RR read in place (see ``RTCPPacketView/reportBlocks``), each
/// decoded when accessed.
public struct RTCPReportBlockList: RandomAccessCollection {
  /// The blocks' bytes, 24 a block.
  let bytes: UnsafeRawBufferPointer

  public var startIndex: Int { 0 }
  public var endIndex: Int { bytes.count / RTCPReportBlock.length }

  public subscript(position: Int) -> RTCPReportBlock {
    precondition(position >= 0 && position < endIndex, "report block index out of range")
    return RTCPReportBlock(reading: bytes, at: position * RTCPReportBlock.length)
  }
}
