import Foundation
import RTPCore
import Testing

@testable import RTPAudio
@testable import RTPBase

/// librtpsynth's `resample_linear` as its source states it: `n × out / in` outputs rounded half
/// to even (at least one), output `i` at position `i × (in / out)`, interpolated, rounded half to
/// even, clamped, holding the last sample past the end.
private func seedResample(_ input: [Int16], from inputRate: Int, to outputRate: Int) -> [Int16] {
  if inputRate == outputRate || input.isEmpty { return input }
  let count = max(
    1, Int((Double(input.count) * Double(outputRate) / Double(inputRate)).rounded(.toNearestOrEven))
  )
  let ratio = Double(inputRate) / Double(outputRate)
  return (0..<count).map { i in
    let position = Double(i) * ratio
    let index = Int(position)
    let fraction = position - Double(index)
    let sample: Double
    if index >= input.count - 1 {
      sample = Double(input[input.count - 1])
    } else {
      let s0 = Double(input[index])
      let s1 = Double(input[index + 1])
      sample = s0 + (s1 - s0) * fraction
    }
    return Int16(max(-32768, min(32767, sample.rounded(.toNearestOrEven))))
  }
}

private func noise(_ count: Int, seed: UInt64) -> [Int16] {
  var random = SplitMix64(seed: seed)
  return (0..<count).map { _ in Int16.random(in: .min ... .max, using: &random) }
}

@Suite("Resamplers")
struct ResamplerTests {
  @Test(
    "Linear mode on a single chunk equals librtpsynth's algorithm exactly",
    arguments: [
      (8000, 11025), (11025, 8000), (44100, 8000), (8000, 16000), (48000, 8000), (8000, 48000),
      (16000, 16000), (8000, 8001), (22050, 44100),
    ])
  func linearEqualsSeed(inputRate: Int, outputRate: Int) throws {
    for count in [0, 1, 2, 3, 7, 160, 4410, 20_000] {
      let input = noise(count, seed: UInt64(count + inputRate))
      let ours = try LinearResampler.resample(input, from: inputRate, to: outputRate)
      let seed = seedResample(input, from: inputRate, to: outputRate)
      #expect(ours.count == seed.count, "\(count) samples")
      #expect(zip(ours, seed).allSatisfy { $0 == $1 }, "\(count) samples")
    }
  }

  @Test(
    "Linear mode at full scale, where a rounding past Int16 would wrap, equals librtpsynth's",
    arguments: [(8000, 11025), (44100, 8000), (8000, 48000), (7, 1000)])
  func linearFullScale(inputRate: Int, outputRate: Int) throws {
    // Alternating extremes, then runs of each, then extremes at random.
    var random = SplitMix64(seed: 12)
    let input: [Int16] =
      (0..<500).map { $0 % 2 == 0 ? .min : .max }
      + (0..<500).map { ($0 / 7) % 2 == 0 ? .max : .min }
      + (0..<2000).map { _ in Bool.random(using: &random) ? .min : .max }
    let ours = try LinearResampler.resample(input, from: inputRate, to: outputRate)
    #expect(ours == seedResample(input, from: inputRate, to: outputRate))
  }

  @Test(
    "Linear mode fed in chunks gives the samples it gives fed whole",
    arguments: [
      (8000, 11025), (44100, 8000), (8000, 48000), (48000, 44100), (48000, 1000), (96000, 8000),
    ])
  func linearChunked(inputRate: Int, outputRate: Int) throws {
    let input = noise(50_000, seed: 9)
    let whole = try LinearResampler.resample(input, from: inputRate, to: outputRate)
    let resampler = try LinearResampler(inputRate: inputRate, outputRate: outputRate)
    var chunked: [Int16] = []
    var random = SplitMix64(seed: 10)
    var start = 0
    try input.withUnsafeBufferPointer { buffer in
      while start < buffer.count {
        let size = min(Int.random(in: 1...700, using: &random), buffer.count - start)
        try resampler.process(UnsafeBufferPointer(rebasing: buffer[start..<(start + size)])) {
          chunked.append(contentsOf: $0)
        }
        start += size
      }
      try resampler.finish { chunked.append(contentsOf: $0) }
    }
    #expect(chunked.count == whole.count)
    let firstDifference = zip(chunked, whole).enumerated().first { $0.element.0 != $0.element.1 }?
      .offset
    #expect(firstDifference == nil)
    // librtpsynth, fed 20 ms chunks at 8000 → 11025, gives 221 outputs a chunk and drifts; the
    // stream's length here is exact.
    #expect(
      whole.count
        == Int(
          (Double(input.count) * Double(outputRate) / Double(inputRate)).rounded(.toNearestOrEven)))
  }

  @Test("Rates that are not positive are refused")
  func invalidRates() {
    #expect(throws: ResamplerError.invalidRate(0)) {
      try LinearResampler(inputRate: 0, outputRate: 8000)
    }
    #expect(throws: ResamplerError.invalidRate(-1)) {
      try SoxrResampler(inputRate: 8000, outputRate: -1)
    }
  }

  @Test(
    "High quality: a 1 kHz sine from 44.1 kHz to 8 kHz keeps its line and nothing else above −90 dB"
  )
  func soxrSpectrum() throws {
    let inputRate = 44100
    let seconds = 2
    let input = (0..<(inputRate * seconds)).map { n in
      Int16((sin(2 * Double.pi * 1000 * Double(n) / Double(inputRate)) * 16384).rounded())
    }
    let resampler = try SoxrResampler(inputRate: inputRate, outputRate: 8000, quality: .high)
    var output: [Int16] = []
    try input.withUnsafeBufferPointer { buffer in
      var start = 0
      while start < buffer.count {
        let end = min(start + 1000, buffer.count)
        try resampler.process(UnsafeBufferPointer(rebasing: buffer[start..<end])) {
          output.append(contentsOf: $0)
        }
        start = end
      }
      try resampler.finish { output.append(contentsOf: $0) }
    }
    #expect(abs(output.count - 8000 * seconds) <= 1)
    // 4000 samples (exactly 500 periods) from the middle: the 1 kHz line falls on bin 500 and
    // needs no window.
    let window = Array(output[6000..<10_000]).map(Double.init)
    let count = window.count
    var magnitudes = [Double](repeating: 0, count: count / 2)
    for bin in 1..<(count / 2) {
      let step = -2 * Double.pi * Double(bin) / Double(count)
      var real = 0.0
      var imaginary = 0.0
      var cosine = 1.0
      var sine = 0.0
      let stepCosine = cos(step)
      let stepSine = sin(step)
      for sample in window {
        real += sample * cosine
        imaginary += sample * sine
        let nextCosine = cosine * stepCosine - sine * stepSine
        sine = cosine * stepSine + sine * stepCosine
        cosine = nextCosine
      }
      magnitudes[bin] = (real * real + imaginary * imaginary).squareRoot()
    }
    let peakBin = magnitudes.indices.max { magnitudes[$0] < magnitudes[$1] }!
    #expect(peakBin == 500)
    let peak = magnitudes[peakBin]
    let worst = magnitudes.indices.filter { abs($0 - 500) > 2 && $0 > 0 }.map { magnitudes[$0] }
      .max()!
    let decibels = 20 * log10(worst / peak)
    #expect(decibels < -90, "strongest other bin at \(decibels) dB")
  }

  @Test(
    "Every libsoxr quality resamples to the expected length",
    arguments: [ResamplerQuality.low, .medium, .high, .veryHigh])
  func soxrQualities(quality: ResamplerQuality) throws {
    let input = noise(16_000, seed: 3)
    let resampler = try makeResampler(quality: quality, inputRate: 16000, outputRate: 8000)
    var count = 0
    try input.withUnsafeBufferPointer { buffer in
      try resampler.process(buffer) { count += $0.count }
      try resampler.finish { count += $0.count }
    }
    #expect(abs(count - 8000) <= 1)
  }

  @Test(
    "Every libsoxr quality fed in uneven chunks gives the samples it gives fed whole",
    arguments: [ResamplerQuality.low, .medium, .high, .veryHigh])
  func soxrChunked(quality: ResamplerQuality) throws {
    let input = noise(30_000, seed: 4).map { $0 / 2 }
    func run(_ pieces: [Int]) throws -> [Int16] {
      let resampler = try makeResampler(quality: quality, inputRate: 44100, outputRate: 8000)
      var output: [Int16] = []
      try input.withUnsafeBufferPointer { buffer in
        var start = 0
        for size in pieces + [buffer.count] where start < buffer.count {
          let end = min(buffer.count, start + size)
          try resampler.process(UnsafeBufferPointer(rebasing: buffer[start..<end])) {
            output.append(contentsOf: $0)
          }
          start = end
        }
        try resampler.finish { output.append(contentsOf: $0) }
      }
      return output
    }
    let whole = try run([])
    #expect(whole.count > 5000)
    #expect(try run([1, 2, 3, 5000, 7, 1000, 13]) == whole)
    #expect(try run(Array(repeating: 160, count: 200)) == whole)
  }
}
