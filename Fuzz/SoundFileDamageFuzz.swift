// libFuzzer target: audio files that libsndfile reads (AU, AIFF, FLAC, ADPCM and GSM WAV, µ-law
// AU), damaged the ways files are damaged: cut, bytes flipped, header fields overwritten, bytes
// inserted. The undamaged files are written by libsndfile itself when the target starts, so the
// fuzzer spends its time on the damage, not on finding the formats.
//
// An input is byte 0 (which file) and then 6-byte operations: kind, a 32-bit big-endian position
// and a value byte. Each damaged file is read through AudioReader from a regular file (as the
// tools read a file argument), in calls of 1 to 509 frames. What must hold:
// - no crash, no overflow, no unbounded memory (AddressSanitizer, libFuzzer's RSS limit);
// - a read that ends cleanly has delivered every frame the header declares, when it declares
//   a count: damage is an error, never a short file that looks whole (the property rtpulaw and
//   rtpresample depend on to exit 65);
// - an undamaged file is read whole, without error, with the samples written.
//
// Built by scripts/fuzz with RTPCore's sources in one module, so internal API is in reach.

import CSndfile
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Frames in each undamaged file: a 440 Hz tone at 8 kHz, quantised the same for every format.
let sourceFrames = 1000

/// The tone every file holds.
let tone: [Int16] = (0..<sourceFrames).map { index in
  Int16((sin(Double(index) * 2 * Double.pi * 440 / 8000) * 12_000).rounded())
}

/// The formats written, with whether libsndfile gives the samples back exactly.
let formats: [(format: Int32, lossless: Bool)] = [
  (Int32(SF_FORMAT_AU | SF_FORMAT_PCM_16), true),
  (Int32(SF_FORMAT_AIFF | SF_FORMAT_PCM_16), true),
  (Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16), true),
  (Int32(SF_FORMAT_WAV | SF_FORMAT_IMA_ADPCM), false),
  (Int32(SF_FORMAT_WAV | SF_FORMAT_GSM610), false),
  (Int32(SF_FORMAT_AU | SF_FORMAT_ULAW), false),
  (Int32(SF_FORMAT_AIFF | SF_FORMAT_ALAW), false),
]

/// Each format's undamaged file, as bytes, written once by libsndfile.
let originals: [[UInt8]] = formats.map { entry in
  var template = Array("/tmp/rtpsynth-fuzz-sound-XXXXXX".utf8CString)
  let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
  precondition(descriptor >= 0, "cannot create a file in /tmp")
  defer {
    close(descriptor)
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
  }
  var info = SF_INFO()
  info.samplerate = 8000
  info.channels = 1
  info.format = entry.format
  guard let handle = sf_open_fd(descriptor, Int32(SFM_WRITE), &info, 0) else {
    fatalError("libsndfile cannot write format 0x\(String(entry.format, radix: 16))")
  }
  var samples = tone
  precondition(sf_write_short(handle, &samples, sf_count_t(samples.count)) == samples.count)
  sf_close(handle)
  let size = Int(lseek(descriptor, 0, SEEK_END))
  var bytes = [UInt8](repeating: 0, count: size)
  precondition(pread(descriptor, &bytes, size, 0) == size, "cannot read the file back")
  return bytes
}

/// The regular file damaged inputs are written to: unlinked, reused for every input.
let scratchFile: CInt = {
  var template = Array("/tmp/rtpsynth-fuzz-damage-XXXXXX".utf8CString)
  let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
  precondition(descriptor >= 0, "cannot create a scratch file in /tmp")
  template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
  return descriptor
}()

/// `bytes` damaged by the operations in `input` after its first byte.
func damage(_ original: [UInt8], by input: UnsafeRawBufferPointer) -> [UInt8] {
  var bytes = original
  var at = 1
  while at + 6 <= input.count, bytes.count > 0 {
    let kind = input[at] % 5
    let raw =
      Int(input[at + 1]) << 24 | Int(input[at + 2]) << 16 | Int(input[at + 3]) << 8
      | Int(input[at + 4])
    let value = input[at + 5]
    at += 6
    // Most damage lands in the first bytes, where the headers are.
    let position = raw & 0x8000_0000 != 0 ? raw % bytes.count : raw % min(bytes.count, 128)
    switch kind {
    case 0:
      bytes.removeSubrange(position...)
    case 1:
      bytes[position] ^= value | 1
    case 2:
      let end = min(position + 4, bytes.count)
      for index in position..<end { bytes[index] = value }
    case 3:
      bytes.insert(contentsOf: [UInt8](repeating: value, count: Int(value % 16) + 1), at: position)
    default:
      let end = min(position + Int(value) + 1, bytes.count)
      bytes.removeSubrange(position..<end)
    }
  }
  return bytes
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size >= 1 else { return 0 }
  let input = UnsafeRawBufferPointer(start: data, count: size)
  let choice = Int(input[0]) % formats.count
  let bytes = damage(originals[choice], by: input)
  let damaged = bytes != originals[choice]

  precondition(ftruncate(scratchFile, 0) == 0 && lseek(scratchFile, 0, SEEK_SET) == 0)
  var written = 0
  while written < bytes.count {
    let result = bytes.withUnsafeBytes { write(scratchFile, $0.baseAddress! + written, $0.count - written) }
    precondition(result > 0, "cannot write the scratch file")
    written += result
  }
  precondition(lseek(scratchFile, 0, SEEK_SET) == 0)

  let reader: AudioReader
  do {
    reader = try AudioReader(
      fileDescriptor: FileDescriptor(rawValue: scratchFile), raw: nil, fallback: nil,
      bufferCapacity: 4096)
  } catch {
    precondition(damaged, "the undamaged file of format \(choice) was refused: \(error)")
    return 0
  }
  let count = 1 + size % 509
  let samples = UnsafeMutableBufferPointer<Int16>.allocate(capacity: count)
  defer { samples.deallocate() }
  var delivered: [Int16] = []
  var failure: AudioError? = nil
  var calls = 0
  do {
    while calls < 100_000 {
      calls += 1
      let got = try reader.readSamples(into: samples, channels: .mix)
      precondition(got <= count, "read \(got) frames into \(count)")
      if got == 0 { break }
      if !damaged { delivered += samples[..<got] }
    }
  } catch {
    failure = error
  }
  precondition(calls < 100_000, "a damaged file never ends")
  if failure == nil, let declared = reader.frameCount {
    precondition(
      reader.framesRead >= declared,
      "ended cleanly after \(reader.framesRead) of \(declared) declared frames (format \(choice))")
  }
  if !damaged {
    precondition(failure == nil, "the undamaged file of format \(choice) failed: \(failure!)")
    if formats[choice].lossless {
      precondition(delivered == tone, "format \(choice) changed the samples")
    } else {
      // Block codecs (IMA ADPCM, GSM) pad the last block.
      precondition(
        delivered.count >= sourceFrames && delivered.count < sourceFrames + 1024,
        "\(delivered.count) frames of \(sourceFrames)")
    }
  }
  return 0
}
