import RTPBase
import RTPIO
import RTPNetwork
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// How far a tool working through a long input has got, as one line on standard error redrawn
/// in place: bytes read (of the total when the input is a regular file), units (packets or
/// samples) and units a second, elapsed time, and the time left when the total is known.
/// A tool that reads its input more than once (rtpjb: to choose a stream, then to play it)
/// shows which pass it is in and the bytes and units of that pass, of the file's one total;
/// the time left covers the passes still to come.
///
/// A meter exists only when standard error is a terminal (see
/// ``init(tool:unit:requested:input:from:passes:totalUnits:)``); it draws from the first update when asked for with `--progress`, otherwise once the work has
/// run for ``quietPeriod`` nanoseconds, and at most every ``redrawInterval``. ``finish()``
/// clears the line, so that what the tool prints next (`--stats`, an error) starts clean.
///
/// The loops it watches call ``update(_:)`` every ``progressInterval`` packets or once a chunk
/// of audio (see ``ProgressHandler``); an update reads the clock and returns unless a redraw
/// is due.
public final class ProgressMeter {
  /// How long a tool works before the meter appears unasked.
  public static let quietPeriod: Int64 = 2_500_000_000
  /// The least time between two redraws.
  public static let redrawInterval: Int64 = 200_000_000

  private let tool: String
  private let unit: String
  private let input: FileDescriptor?
  /// The input's bytes from where reading started to its end: one pass's worth.
  private let totalBytes: UInt64?
  /// How many passes the work makes over the input, and which one (from 0) this is.
  private let passes: Int
  private var pass = 0
  private let totalUnits: UInt64?
  private let started: Int64
  private var nextDraw: Int64
  /// Units and bytes of the passes before this one (for the rates and the time left).
  private var unitsBefore: UInt64 = 0
  private var bytesBefore: UInt64 = 0
  private var units: UInt64 = 0
  private var passStart: Int64 = 0
  /// The source the work reads through, when the tool made one: its offset is what has been
  /// handed out, where the descriptor's position runs up to a buffer ahead.
  private var source: InputSource?
  private var drawn = false
  /// When the last line was drawn, with the units and bytes done then.
  private var last: (time: Int64, units: UInt64, bytes: UInt64)?
  private var smoothed: (units: Double, bytes: Double) = (0, 0)
  private var finished = false

  /// A meter for `tool`'s work, counted in `unit` (`packets`, `samples`), or `nil` when
  /// standard error is not a terminal (progress never goes into a file or a pipe), or when
  /// `--progress` was not given and `input` is a pipe (the tool upstream may draw its own).
  ///
  /// - Parameters:
  ///   - requested: whether `--progress` was given: draw from the first update rather than
  ///     after ``quietPeriod``.
  ///   - input: the descriptor the work reads; when it is a regular file, its position and size
  ///     give the bytes read and the total.
  ///   - start: the offset in `input` where reading started (default: its position now), for
  ///     a reader that has read ahead before the meter is made.
  ///   - passes: how many times the input is read from where it is now to its end (call
  ///     ``startPass()`` before each after the first).
  ///   - totalUnits: the units the work will do, when known: the fraction done is then of
  ///     these rather than of the input's bytes.
  public init?(
    tool: String, unit: String, requested: Bool, input: FileDescriptor? = nil,
    from start: Int64? = nil, passes: Int = 1, totalUnits: UInt64? = nil
  ) {
    guard Terminal.isTerminal(.standardError) else { return nil }
    // Unasked, only the tool that reads a file (or nothing) draws: a tool reading a pipe may
    // have another upstream drawing on the same terminal line.
    guard requested || input.map({ !Terminal.isPipe($0) }) ?? true else { return nil }
    self.tool = tool
    self.unit = unit
    self.totalUnits = totalUnits
    self.passes = max(passes, 1)
    started = NetworkClock.monotonic.nanoseconds
    nextDraw = requested ? started : started + Self.quietPeriod
    if let input, Terminal.isRegularFile(input) {
      var info = stat()
      let position = start ?? Int64(lseek(input.rawValue, 0, SEEK_CUR))
      if fstat(input.rawValue, &info) == 0, position >= 0, Int64(info.st_size) >= position {
        self.input = input
        passStart = Int64(position)
        totalBytes = UInt64(Int64(info.st_size) - Int64(position))
      } else {
        self.input = nil
        totalBytes = nil
      }
    } else {
      self.input = nil
      totalBytes = nil
    }
  }

  /// The handler to give a loop: it passes the loop's count to ``update(_:)``.
  public var handler: ProgressHandler {
    { [self] done in update(done) }
  }

  /// Records that the current pass has done `done` units, and redraws when one is due.
  public func update(_ done: UInt64) {
    units = done
    let now = NetworkClock.monotonic.nanoseconds
    guard now >= nextDraw, !finished else { return }
    nextDraw = now + Self.redrawInterval
    draw(now: now)
  }

  /// Measures this pass's bytes by what `source`, which reads the input from where this pass
  /// started, has handed out, rather than by the descriptor's position.
  public func track(_ source: InputSource) {
    self.source = source
  }

  /// Starts another pass over the input, from the position it is at now; the units given to
  /// ``update(_:)`` count from zero again, and the line, once drawn, is redrawn at the next
  /// update to show the new pass.
  public func startPass() {
    unitsBefore += units
    units = 0
    bytesBefore += passBytes()
    source = nil
    pass += 1
    if let input { passStart = Int64(lseek(input.rawValue, 0, SEEK_CUR)) }
    if drawn { nextDraw = 0 }
  }

  /// Clears the line, if drawn, and draws no more.
  public func finish() {
    guard !finished else { return }
    finished = true
    if drawn { write("\r\u{1B}[K") }
  }

  /// Bytes read in this pass: how far the input's position has moved from where it started.
  private func passBytes() -> UInt64 {
    guard let input else { return 0 }
    if let source { return source.inputOffset }
    let position = Int64(lseek(input.rawValue, 0, SEEK_CUR))
    return position > passStart ? UInt64(position - passStart) : 0
  }

  private func draw(now: Int64) {
    let elapsed = now - started
    // This pass's units and bytes are shown; all passes' give the rates and the time left.
    let doneUnits = units
    let doneBytes = totalBytes.map { min(passBytes(), $0) }
    let rates = measureRates(
      now: now, units: unitsBefore + units, bytes: bytesBefore + (doneBytes ?? 0))
    var parts: [String] = []
    if passes > 1 { parts.append("pass \(pass + 1) of \(passes)") }
    // What is left: of the units when their total is known, else of the input's bytes when
    // they are measured.
    var left: Double? = nil
    if let totalUnits {
      let fraction = totalUnits == 0 ? 1 : min(Double(doneUnits) / Double(totalUnits), 1)
      parts.append(
        "\(Self.percent(fraction)) \(Self.count(doneUnits)) of \(Self.count(totalUnits)) \(unit)"
      )
      if rates.units > 0 {
        left = Double(totalUnits - min(doneUnits, totalUnits)) / rates.units
      }
    } else if let totalBytes, let doneBytes {
      let fraction = totalBytes == 0 ? 1 : Double(doneBytes) / Double(totalBytes)
      parts.append(
        "\(Self.percent(fraction)) \(Self.bytes(doneBytes)) of \(Self.bytes(totalBytes))")
      parts.append("\(Self.count(doneUnits)) \(unit)")
      let passesLeft = UInt64(max(passes - pass - 1, 0))
      let bytesLeft = totalBytes - doneBytes + passesLeft * totalBytes
      if rates.bytes > 0 { left = Double(bytesLeft) / rates.bytes }
    } else {
      parts.append("\(Self.count(doneUnits)) \(unit)")
    }
    parts.append("\(Self.count(UInt64(rates.units))) \(unit)/s")
    parts.append("\(Self.duration(elapsed)) elapsed")
    if let left { parts.append("\(Self.duration(Int64(left * 1e9))) left") }
    var line = "\(tool): " + parts.joined(separator: ", ")
    let width = Self.terminalWidth()
    if width > 1, line.count >= width { line = String(line.prefix(width - 1)) }
    write("\r" + line + "\u{1B}[K")
    drawn = true
  }

  /// Units and bytes a second, recently: the rates since the last draw, smoothed over the
  /// draws before (the work's speed changes, between rtpjb's passes for one); on the first
  /// draw, the averages since the start.
  private func measureRates(now: Int64, units: UInt64, bytes: UInt64)
    -> (units: Double, bytes: Double)
  {
    defer { last = (now, units, bytes) }
    guard let last, now > last.time, units >= last.units, bytes >= last.bytes else {
      let elapsed = Double(max(now - started, 1))
      smoothed = (Double(units) * 1e9 / elapsed, Double(bytes) * 1e9 / elapsed)
      return smoothed
    }
    let interval = Double(now - last.time)
    let unitRate = Double(units - last.units) * 1e9 / interval
    let byteRate = Double(bytes - last.bytes) * 1e9 / interval
    let weight = 0.3
    smoothed = (
      smoothed.units + weight * (unitRate - smoothed.units),
      smoothed.bytes + weight * (byteRate - smoothed.bytes)
    )
    return smoothed
  }

  private func write(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      _ = try? FileDescriptor.standardError.writeAll(UnsafeRawBufferPointer(bytes))
    }
  }

  private static func terminalWidth() -> Int {
    var size = winsize()
    guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 else { return 0 }
    return Int(size.ws_col)
  }

  /// `42%`.
  static func percent(_ fraction: Double) -> String {
    "\(Int((fraction * 100).rounded(.down)))%"
  }

  /// A count as people read it: exact below 10,000, else with one decimal and k, M or G.
  static func count(_ value: UInt64) -> String {
    if value < 10_000 { return String(value) }
    return scaled(Double(value), units: ["k", "M", "G", "T"], separator: " ")
  }

  /// Bytes in B, kB, MB, GB (powers of 1000).
  static func bytes(_ value: UInt64) -> String {
    if value < 1000 { return "\(value) B" }
    return scaled(Double(value), units: ["kB", "MB", "GB", "TB"], separator: " ")
  }

  private static func scaled(_ value: Double, units: [String], separator: String) -> String {
    var value = value / 1000
    var index = 0
    while value >= 999.95 && index < units.count - 1 {
      value /= 1000
      index += 1
    }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)\(separator)\(units[index])"
  }

  /// `m:ss`, or `h:mm:ss` from an hour.
  static func duration(_ nanoseconds: Int64) -> String {
    let seconds = max(nanoseconds, 0) / 1_000_000_000
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
    let ss = rest < 10 ? "0\(rest)" : "\(rest)"
    if hours > 0 {
      let mm = minutes < 10 ? "0\(minutes)" : "\(minutes)"
      return "\(hours):\(mm):\(ss)"
    }
    return "\(minutes):\(ss)"
  }
}
