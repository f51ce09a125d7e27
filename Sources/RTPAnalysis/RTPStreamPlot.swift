import RTPBase
import RTPCaptures

/// A self-contained SVG drawing of delta and jitter over time, one line per stream: two panels
/// sharing the time axis, with axes, tick labels and a legend.
package enum RTPStreamPlot {
  private static let colors = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
  ]
  private static let width = 960.0
  private static let panelHeight = 260.0
  private static let left = 70.0
  private static let right = 20.0
  private static let top = 40.0
  private static let gap = 60.0

  /// The SVG document for `streams` (their ``RTPStreamStatistics/samples``).
  package static func svg(_ streams: [RTPStreamStatistics]) -> String {
    let drawn = streams.filter { !$0.samples.isEmpty }
    let times = drawn.flatMap { $0.samples.map(\.time) }
    let minTime = times.min() ?? 0
    let maxTime = max(times.max() ?? 1, minTime + 1e-3)
    let maxDelta = max(drawn.flatMap { $0.samples.map(\.deltaMs) }.max() ?? 1, 1e-3)
    let maxJitter = max(drawn.flatMap { $0.samples.map(\.jitterMs) }.max() ?? 1, 1e-3)
    let legendHeight = 20.0 * Double(drawn.count) + 20
    let height = top + 2 * panelHeight + gap + 50 + legendHeight
    var svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height))\""
      + " viewBox=\"0 0 \(number(width)) \(number(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    svg += "<text x=\"\(number(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">"
    svg += "RTP delta and jitter over time</text>\n"
    let panels: [(String, Double, Double, KeyPath<RTPStreamSample, Double>)] = [
      ("Delta (ms)", top, maxDelta, \.deltaMs),
      ("Jitter (ms)", top + panelHeight + gap, maxJitter, \.jitterMs),
    ]
    let plotWidth = width - left - right
    for (title, y0, maxValue, path) in panels {
      svg += axes(
        title: title, y0: y0, maxValue: maxValue, minTime: minTime, maxTime: maxTime,
        plotWidth: plotWidth)
      for (position, stream) in drawn.enumerated() {
        let points = stream.samples.filter { $0[keyPath: path] >= 0 }.map { sample in
          let x = left + (sample.time - minTime) / (maxTime - minTime) * plotWidth
          let y = y0 + panelHeight - sample[keyPath: path] / maxValue * panelHeight
          return number(x) + "," + number(y)
        }
        guard !points.isEmpty else { continue }
        svg +=
          "<polyline fill=\"none\" stroke-width=\"1\" stroke=\"\(colors[position % colors.count])\""
        svg += " points=\"\(points.joined(separator: " "))\"/>\n"
      }
    }
    var legendY = top + 2 * panelHeight + gap + 50
    for (position, stream) in drawn.enumerated() {
      let color = colors[position % colors.count]
      svg +=
        "<rect x=\"\(number(left))\" y=\"\(number(legendY - 10))\" width=\"14\" height=\"10\" fill=\"\(color)\"/>\n"
      let label =
        "\(RTPStreamTable.hex(stream.key.ssrc)) \(stream.key.source) → \(stream.key.destination)"
        + " \(stream.payloadTypeName)" + (stream.clockRate > 0 ? "" : " (no clock rate: no jitter)")
      svg += "<text x=\"\(number(left + 20))\" y=\"\(number(legendY))\">\(escape(label))</text>\n"
      legendY += 20
    }
    return svg + "</svg>\n"
  }

  private static func axes(
    title: String, y0: Double, maxValue: Double, minTime: Double, maxTime: Double,
    plotWidth: Double
  ) -> String {
    let bottom = y0 + panelHeight
    var svg = "<g stroke=\"black\" stroke-width=\"1\">"
    svg +=
      "<line x1=\"\(number(left))\" y1=\"\(number(y0))\" x2=\"\(number(left))\" y2=\"\(number(bottom))\"/>"
    svg +=
      "<line x1=\"\(number(left))\" y1=\"\(number(bottom))\" x2=\"\(number(left + plotWidth))\" y2=\"\(number(bottom))\"/>"
    svg += "</g>\n"
    for tick in 0...5 {
      let fraction = Double(tick) / 5
      let y = bottom - fraction * panelHeight
      let x = left + fraction * plotWidth
      svg +=
        "<line x1=\"\(number(left - 4))\" y1=\"\(number(y))\" x2=\"\(number(left))\" y2=\"\(number(y))\" stroke=\"black\"/>"
      svg += "<text x=\"\(number(left - 6))\" y=\"\(number(y + 4))\" text-anchor=\"end\">"
      svg += DecimalText.fixed(fraction * maxValue, decimals: 2) + "</text>\n"
      svg +=
        "<line x1=\"\(number(x))\" y1=\"\(number(bottom))\" x2=\"\(number(x))\" y2=\"\(number(bottom + 4))\" stroke=\"black\"/>"
      svg += "<text x=\"\(number(x))\" y=\"\(number(bottom + 16))\" text-anchor=\"middle\">"
      svg += DecimalText.fixed(minTime + fraction * (maxTime - minTime), decimals: 2) + "</text>\n"
    }
    svg += "<text x=\"14\" y=\"\(number(y0 + panelHeight / 2))\" text-anchor=\"middle\""
    svg += " transform=\"rotate(-90 14 \(number(y0 + panelHeight / 2)))\">\(title)</text>\n"
    svg +=
      "<text x=\"\(number(left + plotWidth / 2))\" y=\"\(number(bottom + 32))\" text-anchor=\"middle\">"
    svg += "Time (s)</text>\n"
    return svg
  }

  private static func number(_ value: Double) -> String { DecimalText.fixed(value, decimals: 1) }

  /// `text` with XML's special characters escaped.
  static func escape(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
