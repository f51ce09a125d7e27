/// Where the samples of a WAV stream are and how they are stored, as its header says.
struct WAVLayout: Sendable, Hashable {
  /// How each sample is stored.
  var stored: StoredSampleFormat
  /// Channels per frame.
  var channels: Int
  /// Frames per second.
  var sampleRate: Int
  /// Bytes of samples to read before stopping, or `nil` to read to the end of the input (a
  /// streaming header: 0xFFFFFFFF, sox's 0x7FFFF000 placeholder, or 0 with an unknown RIFF size).
  var dataLength: UInt64?
  /// The absolute byte at which the data chunk says it ends.
  var declaredEnd: UInt64
  /// Why stopping after ``dataLength`` bytes is an error: the RIFF chunk ends inside the data.
  var overrun: String?
}
