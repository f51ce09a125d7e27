import RTPCaptures
import RTPPlayout

/// What rtpjb has counted so far, so that `--stats` is printed on every exit path, a failure
/// before play-out included.
final class StatisticsReport {
  /// The counts so far: the scan's until play-out has begun, then the pipeline's.
  var counts = PlayoutStatistics()
  /// Whether `--stats` has been printed already.
  var printed = false
  /// What `--output payload` wrote and left out, once it has run.
  var payload: PayloadCounts?

  /// The counts a scan for stream selection gives: the RTP of streams is another stream's,
  /// since none was chosen; flows that never passed probation are skipped, as the skip line
  /// says.
  func scanned(_ reader: DatagramReader, table: RTPStreamTable) {
    var counts = PlayoutStatistics()
    counts.read = reader.recordsRead
    counts.skippedRecords = reader.skipped.total
    counts.fragments = reader.fragmentsReassembled
    counts.notRTP = table.notRTP + table.unconfirmedPackets
    counts.parseErrors = table.invalidRTP
    // Packets past the table's limit are all in untrackedPackets, the sketch's streams' too.
    counts.otherStreams =
      table.tracked.reduce(0) { $0 + ($1.isConfirmed ? $1.packets : 0) } + table.untrackedPackets
    self.counts = counts
  }
}
