import Foundation
import Testing

/// The time a DTX sender leaves out after its silence descriptor is filled by the codec's own
/// comfort noise (G.729 Annex B, AMR), the length of the gap, quiet but not digital silence.
@Suite("Codec comfort noise in DTX gaps")
struct DTXComfortNoiseToolTests {
  @Test(
    "Talk, a second of near silence, talk: the untransmitted time is the codec's comfort noise",
    arguments: [
      ("g729", "", 8000), ("amr", "--codec 96=AMR/8000", 8000),
      ("amr-wb", "--codec 96=AMR-WB/16000", 16000),
    ])
  func comfortNoise(codec: String, mapping: String, rate: Int) throws {
    guard AudioTool.sox else { return print("skipped: no sox") }
    let dir = Shell.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = Shell.run(
      """
      sox -n -r \(rate) -c 1 talk.wav synth 0.5 sine 440 vol 0.3
      sox -n -r \(rate) -c 1 hush.wav synth 1 whitenoise vol 0.002
      sox talk.wav hush.wav talk.wav in.wav
      rtpgen --codec \(codec) --dtx in.wav > s.pcap
      rtpdec \(mapping) --stats --format raw s.pcap > out.raw
      """, in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let samples = AudioTool.samples(try Data(contentsOf: dir.appendingPathComponent("out.raw")))
    #expect(samples.count == 2 * rate)
    let stats = RTPJBToolTests.stats(run)
    let noise = stats["noiseSamples"] ?? 0
    #expect(noise > rate / 5, "\(codec): \(stats)")
    #expect(stats["filledSamples"] == noise)
    // The middle of the pause: comfort noise, far below the talk and not zero.
    let pause = samples[(rate * 7 / 10)..<(rate * 13 / 10)]
    let level = RTPDecToolTests.rms(pause)
    let talk = RTPDecToolTests.rms(samples[(rate / 10)..<(rate * 4 / 10)])
    #expect(level > 1 && level < talk / 50, "\(codec): pause RMS \(level), talk \(talk)")
  }

  @Test("The corpus AMR call's DTX gaps are filled with AMR comfort noise")
  func corpusAMR() throws {
    guard let path = RTPJBToolTests.corpusFile("hdiniz_sll_amrnb.pcap") else { return }
    let run = Shell.run("rtpdec --codec 118=AMR/8000 --stats '\(path)' > /dev/null")
    #expect(run.status == 0, "\(run.stderr)")
    let stats = RTPJBToolTests.stats(run)
    #expect(stats["filledSamples"] == 52000, "\(stats)")
    #expect((stats["noiseSamples"] ?? 0) >= 51000, "\(stats)")
  }
}
