/// Turns capture records into UDP datagrams: strips the link layer, checks the IPv4 or IPv6
/// header and the UDP header against the captured bytes, and reassembles IPv4 fragments.
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

  /// Creates a decoder that reassembles at most `maxDatagramsInProgress` fragmented IPv4
  /// datagrams at once and drops any still incomplete `fragmentTimeout` nanoseconds of capture
  /// time after its first fragment.
  public init(maxDatagramsInProgress: Int = 64, fragmentTimeout: Int64 = 30_000_000_000) {
    reassembler = FragmentReassembler(
      capacity: max(1, maxDatagramsInProgress), timeout: fragmentTimeout)
  }

  /// Fragmented datagrams dropped incomplete: evicted for room or expired.
  public var incompleteDatagramsDropped: Int { reassembler.evicted + reassembler.expired }

  /// Fragmented datagrams evicted incomplete because the reassembly table was full.
  public var incompleteDatagramsEvicted: Int { reassembler.evicted }

  /// Fragmented datagrams dropped incomplete because their fragments stopped arriving.
  public var incompleteDatagramsExpired: Int { reassembler.expired }

  /// Fragmented datagrams still waiting for fragments.
  public var datagramsInProgress: Int { reassembler.inProgress }

  /// Decodes one record.
  @inline(__always)
  public func decode(_ record: CaptureRecord) -> DecodeOutcome {
    if let endpoints = record.rtpdumpEndpoints {
      return .datagram(
        UDPDatagram(
          timestamp: record.timestamp, source: endpoints.source,
          destination: endpoints.destination, payload: record.bytes))
    }
    return decodeLinkLayer(record.bytes, linkType: record.linkType, timestamp: record.timestamp)
  }
}
