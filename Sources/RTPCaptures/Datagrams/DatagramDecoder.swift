/// Turns capture records into UDP datagrams: strips the link layer, checks the IPv4 or IPv6
/// header and the UDP header against the captured bytes, and reassembles IPv4 and IPv6 fragments
/// (IPv6 atomic fragments, offset 0 with M clear, are read at once as RFC 6946 says).
///
/// Decoding never fails: a record that holds no usable UDP datagram is ``DecodeOutcome/skipped(_:)``
/// with a ``SkipReason``. Datagrams point into the record's bytes (no copy, no allocation); a
/// datagram reassembled from fragments points into storage owned by the decoder. Either is valid
/// until the decoder or the capture reader is next called.
///
/// Link types read: Ethernet (with any number of 802.1Q, 802.1ad and 0x9100 tags), raw IP (101,
/// 12, 14), BSD loopback (0, host byte order) and OpenBSD loopback (108), Linux cooked captures
/// (113, 276), IPv4 (228) and IPv6 (229). rtpdump records become datagrams as they are. IPv4
/// header checksums are not verified: captures taken with checksum offload have wrong ones.
public final class DatagramDecoder {
  let reassembler: FragmentReassembler
  /// Whether a datagram whose UDP header was captured but whose payload the capture cut short
  /// is returned (``UDPDatagram/isTruncated``), for a reader of headers only; otherwise it is
  /// skipped as ``SkipReason/truncatedPayload``.
  public let keepsTruncatedDatagrams: Bool

  /// The default bound on fragmented datagrams in progress at once.
  public static let defaultMaxDatagramsInProgress = 16_384
  /// The default bound on the bytes of fragments held for reassembly: 64 MiB.
  public static let defaultMemoryBudget = 64 << 20

  /// Creates a decoder that reassembles at most `maxDatagramsInProgress` fragmented IPv4 and
  /// IPv6 datagrams at once, holding at most `memoryBudget` bytes of their fragments (in 2 KiB
  /// blocks; at least 64 KiB, the largest datagram, rounded down to a multiple of 64 KiB), and
  /// drops any still incomplete `fragmentTimeout` nanoseconds of capture time after its first
  /// fragment. When either bound is reached the datagram whose first fragment came earliest is
  /// evicted. Memory grows with the fragments held, not with the bounds. With
  /// `keepsTruncatedDatagrams`, datagrams the capture cut short are returned, not skipped.
  public init(
    maxDatagramsInProgress: Int = DatagramDecoder.defaultMaxDatagramsInProgress,
    memoryBudget: Int = DatagramDecoder.defaultMemoryBudget,
    fragmentTimeout: Int64 = 30_000_000_000, keepsTruncatedDatagrams: Bool = false
  ) {
    self.keepsTruncatedDatagrams = keepsTruncatedDatagrams
    reassembler = FragmentReassembler(
      maxDatagrams: maxDatagramsInProgress, memoryBudget: memoryBudget, timeout: fragmentTimeout)
  }

  /// Fragmented datagrams dropped incomplete: evicted for room or expired.
  public var incompleteDatagramsDropped: Int { reassembler.evicted + reassembler.expired }

  /// Fragmented datagrams evicted incomplete because the reassembly table was full.
  public var incompleteDatagramsEvicted: Int { reassembler.evicted }

  /// Fragmented datagrams dropped incomplete because their fragments stopped arriving.
  public var incompleteDatagramsExpired: Int { reassembler.expired }

  /// Fragmented datagrams still waiting for fragments.
  public var datagramsInProgress: Int { reassembler.inProgress }

  /// Bytes of storage held for the fragments of datagrams in progress (whole 2 KiB blocks),
  /// never more than the memory budget.
  public var fragmentBytesHeld: Int { reassembler.bytesHeld }

  /// The memory budget in force: the one asked for, rounded as `init(maxDatagramsInProgress:memoryBudget:fragmentTimeout:)` says.
  public var memoryBudget: Int { reassembler.maxBlocks * FragmentReassembler.blockBytes }

  /// Fragments that ``decode(_:)`` answered ``DecodeOutcome/held`` for and whose datagram was
  /// then completed by a later fragment (the one that completed it became the datagram).
  public var fragmentsReassembled: Int { reassembler.fragmentsReassembled }

  /// Fragments answered ``DecodeOutcome/held`` whose datagram did not complete: evicted,
  /// expired or dropped as inconsistent, and, as never completed, those of the datagrams still
  /// in progress. With ``fragmentsReassembled`` they count every fragment held.
  public var fragmentsSkipped: SkipCounters {
    var counters = reassembler.dropped
    counters.count(.incompleteFragment, reassembler.heldIPv4)
    counters.count(.incompleteIPv6Fragment, reassembler.heldIPv6)
    return counters
  }

  /// Decodes one record.
  @inline(__always)
  public func decode(_ record: CaptureRecord) -> DecodeOutcome {
    if let endpoints = record.rtpdumpEndpoints {
      // An rtpdump record may hold only the start of its packet (rtpdump -F header).
      if record.originalLength > record.bytes.count && !keepsTruncatedDatagrams {
        return .skipped(.truncatedPayload)
      }
      return .datagram(
        UDPDatagram(
          timestamp: record.timestamp, source: endpoints.source,
          destination: endpoints.destination, payload: record.bytes,
          length: record.originalLength))
    }
    return decodeLinkLayer(
      record.bytes, linkType: record.linkType, timestamp: record.timestamp,
      snapped: record.originalLength > record.bytes.count)
  }
}
