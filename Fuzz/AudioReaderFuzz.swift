// libFuzzer target: AudioReader: sniffing, the WAV header parser and sample streaming, raw input
// and the raw fallback, and libsndfile for the other formats it sniffs (AU, AIFF, FLAC, ...).
//
// An input is an audio file as the tools read it, so a crash input can be fed to rtpulaw as is.
// How it is read follows from its size, so that the fuzzer reaches every way by growing or
// shrinking an input: sniffed, with a raw fallback (16-bit or µ-law) or as raw stereo; mixed
// down or one channel picked; read in calls of 1 to 509 frames. Each input is read twice, from a
// regular file (libsndfile reads it in place) and from a pipe (libsndfile reads a spooled copy);
// when both read it as WAV or raw, they must deliver the same samples and end the same way.
//
// Built by scripts/fuzz with RTPCore's sources in one module, so internal API is in reach.

import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// FNV-1a over the samples delivered.
struct Digest: Equatable {
  private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

  mutating func add(_ bytes: UnsafeRawBufferPointer) {
    for byte in bytes {
      value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
  }
}

struct Reading: Equatable {
  var formatName: String?
  var frames: UInt64 = 0
  var digest = Digest()
  var failed = false
}

/// The regular file inputs are written to: unlinked, reused for every input.
let scratchFile: CInt = {
  var template = Array("/tmp/rtpsynth-fuzz-audio-XXXXXX".utf8CString)
  let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
  precondition(descriptor >= 0, "cannot create a scratch file in /tmp")
  template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
  return descriptor
}()

func read(_ descriptor: CInt, size: Int) -> Reading {
  var reading = Reading()
  let raw: AudioFormat? = size / 12 % 4 == 3 ? AudioFormat(sampleRate: 8000, channels: 2) : nil
  let fallback: AudioFormat?
  switch size / 12 % 4 {
  case 1: fallback = AudioFormat(sampleRate: 8000)
  case 2: fallback = AudioFormat(sampleRate: 8000, encoding: .ulaw)
  default: fallback = nil
  }
  let selection: ChannelSelection
  switch size / 4 % 3 {
  case 0: selection = .mix
  case 1: selection = .channel(1)
  default: selection = .channel(2)
  }
  let reader: AudioReader
  do {
    reader = try AudioReader(
      fileDescriptor: FileDescriptor(rawValue: descriptor), raw: raw, fallback: fallback,
      bufferCapacity: 4096)
  } catch {
    reading.failed = true
    return reading
  }
  reading.formatName = reader.formatName
  let format = reader.format
  precondition(format.problem == nil, "a reader's format is out of range: \(format)")
  let count = 1 + size % 509
  let samples = UnsafeMutableBufferPointer<Int16>.allocate(capacity: count)
  defer { samples.deallocate() }
  // Mono G.711 is read as stored on every other size, as rtpulaw --encode would not but a
  // payload writer does.
  let encoded = format.channels == 1 && format.encoding != .pcm16 && size % 2 == 1
  var calls = 0
  do {
    while calls < 1_000_000 {
      calls += 1
      let got: Int
      if encoded {
        got = try reader.readEncoded(into: UnsafeMutableRawBufferPointer(samples))
        precondition(got <= count * 2, "read \(got) octets into \(count * 2)")
        reading.digest.add(UnsafeRawBufferPointer(start: samples.baseAddress, count: got))
      } else {
        got = try reader.readSamples(into: samples, channels: selection)
        precondition(got <= count, "read \(got) frames into \(count)")
        reading.digest.add(
          UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: samples[..<got])))
      }
      if got == 0 { break }
      reading.frames += UInt64(got)
    }
  } catch {
    reading.failed = true
  }
  precondition(
    reader.framesRead == reading.frames,
    "framesRead \(reader.framesRead), delivered \(reading.frames)")
  return reading
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  // From a regular file.
  precondition(ftruncate(scratchFile, 0) == 0 && lseek(scratchFile, 0, SEEK_SET) == 0)
  var written = 0
  while written < size {
    let result = write(scratchFile, data + written, size - written)
    precondition(result > 0, "cannot write the scratch file")
    written += result
  }
  precondition(lseek(scratchFile, 0, SEEK_SET) == 0)
  let fromFile = read(scratchFile, size: size)

  // From a pipe, written whole first (inputs are smaller than a pipe's buffer).
  guard size <= 65_536 else { return 0 }
  var ends: [CInt] = [0, 0]
  precondition(pipe(&ends) == 0, "no pipe")
  written = 0
  while written < size {
    let result = write(ends[1], data + written, size - written)
    precondition(result > 0, "cannot write the pipe")
    written += result
  }
  close(ends[1])
  let fromPipe = read(ends[0], size: size)
  close(ends[0])

  if fromFile.formatName == fromPipe.formatName,
    fromFile.formatName == "WAV" || fromFile.formatName == "raw"
  {
    precondition(fromFile == fromPipe, "file: \(fromFile)\npipe: \(fromPipe)")
  }
  return 0
}
