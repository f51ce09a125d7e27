import ArgumentParser

/// What `--output` asks rtpjb to write.
enum OutputKind: String, ExpressibleByArgument, CaseIterable {
  /// Ready packets in play-out order, as a capture (`--format`).
  case pcap
  /// Payload bytes in play-out order, erasures filled with silence.
  case payload
  /// One JSON line per jitter buffer event.
  case events
}
