/// What ``FragmentReassembler`` did with one fragment.
enum ReassemblyResult {
  /// The fragment was kept; its datagram is not complete yet.
  case held
  /// The fragment completed its datagram: the IP payload (for IPv6, the fragmentable part, which
  /// starts with `nextHeader`), in the reassembler's storage, valid until the reassembler is
  /// next called.
  case complete(UnsafeRawBufferPointer, nextHeader: UInt8)
  /// The fragment was refused (and, for an inconsistent overlap, its datagram dropped).
  case rejected(SkipReason)
}
