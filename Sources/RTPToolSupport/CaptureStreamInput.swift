import RTPCaptures
import RTPIO
import SystemPackage

/// The input of a tool that plays one stream of a capture (rtpdec): the file or standard input
/// (a pipe copied to a spool file so that it can be read twice), the first pass that lists its
/// streams, the choice of one, and the reader of the second pass.
package final class CaptureStreamInput {
  /// The tool's name, for messages.
  package let tool: String
  /// The input's name, for messages.
  package let name: String
  /// What is read: the file, or the spool a pipe was copied to.
  package private(set) var descriptor: FileDescriptor
  /// The progress meter, when asked for and standard error is a terminal.
  package private(set) var meter: ProgressMeter?
  private let input: InputFile
  private var spool: SpoolFile?
  private var start: Int64 = 0

  /// Opens `path` (`nil` or `-` for standard input).
  package init(tool: String, path: String?) throws(ToolFailure) {
    self.tool = tool
    input = try InputFile(path: path)
    name = input.displayName
    descriptor = input.descriptor
  }

  /// Closes the input and any spool.
  package func close() {
    meter?.finish()
    spool?.close()
    input.close()
  }

  /// Reads the capture once for its streams, after copying a pipe to a spool file; `progress`
  /// shows a meter over `passes` passes.
  package func scanStreams(progress: Bool, passes: Int) throws(ToolFailure) -> (
    table: RTPStreamTable, reader: DatagramReader, failure: CaptureError?
  ) {
    if !Terminal.isRegularFile(descriptor) {
      let copy = try SpoolFile(copyingCapture: descriptor, inputName: name)
      spool = copy
      descriptor = copy.descriptor
    }
    do {
      start = try descriptor.seek(offset: 0, from: .current)
    } catch {
      throw ToolFailure(.ioError, "\(name): \(error)")
    }
    meter = ProgressMeter(
      tool: tool, unit: "packets", requested: progress, input: descriptor, passes: passes)
    var table = RTPStreamTable()
    let reader = try openReader()
    var failure: CaptureError? = nil
    do {
      try table.read(from: reader, progress: meter?.handler)
    } catch {
      failure = error
    }
    return (table, reader, failure)
  }

  /// The stream `number` (1-based, as `--list` numbers them) names, or the one with the most
  /// packets.
  package func chooseStream(from table: RTPStreamTable, failure: CaptureError?, number: Int?)
    throws(ToolFailure) -> RTPStreamKey
  {
    if let number {
      guard number <= table.streams.count else {
        if let failure { throw ToolFailure(capture: failure, name: name) }
        throw ToolFailure(
          .dataError,
          "\(name): --stream \(number): the input has \(table.streams.count) RTP streams")
      }
      return table.streams[number - 1].key
    }
    guard let busiest = table.busiest else {
      if let failure { throw ToolFailure(capture: failure, name: name) }
      throw ToolFailure(.dataError, "\(name): no RTP stream")
    }
    return table.streams[busiest].key
  }

  /// Goes back to where the first pass started, for the second.
  package func rewind() throws(ToolFailure) {
    do {
      _ = try descriptor.seek(offset: start, from: .start)
    } catch {
      throw ToolFailure(.ioError, "\(name): cannot read it again: \(error)")
    }
    meter?.startPass()
  }

  /// A reader from where the input is, counted by the meter (made for one pass if there was no
  /// scan).
  package func openReader(progress: Bool = false) throws(ToolFailure) -> DatagramReader {
    if meter == nil && progress {
      meter = ProgressMeter(tool: tool, unit: "packets", requested: progress, input: descriptor)
    }
    let source = InputSource(fileDescriptor: descriptor)
    meter?.track(source)
    do {
      return try DatagramReader(source: source, keepsTruncatedDatagrams: true)
    } catch {
      throw ToolFailure(capture: error, name: name)
    }
  }

  /// One line on standard error when records or datagrams carried no RTP of any stream.
  package func reportSkipped(
    records: SkipCounters, notRTP: Int, invalid: Int, unconfirmed: Int = 0
  ) {
    var parts = records.nonZero.map { "\($0.count) \($0.reason)" }
    if notRTP > 0 { parts.append("\(notRTP) UDP not RTP") }
    if invalid > 0 { parts.append("\(invalid) invalid RTP") }
    if unconfirmed > 0 {
      parts.append("\(unconfirmed) RTP-like with no two packets of their flow in sequence")
    }
    let total = records.total + notRTP + invalid + unconfirmed
    guard total > 0 else { return }
    Terminal.printError(
      "\(tool): \(name): skipped \(total) packets: \(parts.joined(separator: ", "))")
  }
}
