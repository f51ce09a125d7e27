// RTPAudio: G.711 µ-law and A-law, bit-exact with ITU-T G.191, and resampling.
import RTPCore

// One cycle of a 1 kHz tone at 8 kHz, amplitude 8000.
let tone: [Int16] = [0, 5657, 8000, 5657, 0, -5657, -8000, -5657]
var ulaw = [UInt8](repeating: 0, count: tone.count)
var decoded = [Int16](repeating: 0, count: tone.count)
tone.withUnsafeBufferPointer { samples in
  ulaw.withUnsafeMutableBytes { G711.encode(.ulaw, samples, into: $0) }
}
ulaw.withUnsafeBytes { codes in
  decoded.withUnsafeMutableBufferPointer { G711.decode(.ulaw, codes, into: $0) }
}
print("samples ", tone)
print("u-law   ", ulaw.map { String($0, radix: 16) })
print("decoded ", decoded)
print(
  "A-law of 1000:", String(G711.alawEncode(1000), radix: 16), "->",
  G711.alawDecode(G711.alawEncode(1000)))

// 8 kHz to 16 kHz, linear: twice as many samples.
let upsampled = try LinearResampler.resample(tone, from: 8000, to: 16000)
print("resampled to 16 kHz: \(upsampled.count) samples")
