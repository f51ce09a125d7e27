import Foundation
import Testing

/// rtpgen --codec X | rtpdec gives back its source: a chord of 300 and 500 Hz made by sox,
/// compared sample by sample at the best alignment, with a signal-to-noise ratio stated for
/// each codec (a few dB under what was measured: waveform codecs keep the wave, parametric
/// ones only its sound).
@Suite("rtpgen --codec | rtpdec: the source back, per codec")
struct CodecFidelityToolTests {
  @Test(
    "Each codec's round trip keeps the source above its stated SNR",
    arguments: [
      ("pcmu", "", 8000, 36.0), ("pcma", "", 8000, 35), ("dvi4", "", 8000, 26),
      ("g722", "", 16000, 50), ("g726-32", "--codec 96=G726-32/8000", 8000, 42),
      ("g726-16", "--codec 96=G726-16/8000", 8000, 21), ("gsm", "", 8000, 35),
      ("g729", "", 8000, 7), ("amr", "--codec 96=AMR/8000", 8000, 7),
      ("amr-wb", "--codec 96=AMR-WB/16000", 16000, 9),
      ("speex", "--codec 96=speex/8000", 8000, 8),
      ("speex/16000", "--codec 96=speex/16000", 16000, 13),
      ("opus", "--codec 96=opus/48000/2", 48000, 15),
      ("l16/16000", "--codec 96=L16/16000", 16000, 90),
    ])
  func fidelity(codec: String, mapping: String, rate: Int, minimum: Double) throws {
    guard AudioTool.sox else { return print("skipped: no sox") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = Shell.run(
      "sox -n -r \(rate) -c 1 -b 16 src.wav synth 1 sine 300 sine 500 remix 1,2 gain -6 && "
        + "sox src.wav -t s16 src.raw && rtpgen --codec \(codec) src.wav > s.pcap && "
        + "rtpdec \(mapping) --format raw s.pcap > out.raw", in: dir)
    #expect(run.status == 0, "\(codec): \(run.stderr)")
    let source = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("src.raw")))
    let decoded = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("out.raw")))
    #expect(decoded.count == rate, "\(codec): \(decoded.count) samples")
    // The chord repeats every 10 ms: any codec delay is one of rate / 100 alignments. The
    // middle of the second is compared, past the codec's start and the last packet's padding.
    var best = -Double.infinity
    let window = (rate / 5)..<(rate * 7 / 10)
    var signal = 0.0
    for index in window { signal += Double(source[index]) * Double(source[index]) }
    for delay in 0..<(rate / 100) {
      var noise = 0.0
      for index in window {
        let error = Double(source[index]) - Double(decoded[index + delay])
        noise += error * error
      }
      best = max(best, 10 * log10(signal / max(noise, 1e-9)))
    }
    #expect(best >= minimum, "\(codec): \(best) dB, stated \(minimum)")
  }
}
