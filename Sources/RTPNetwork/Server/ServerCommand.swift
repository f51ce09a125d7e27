/// What callers ask of an ``RTPServer``'s worker.
enum ServerCommand: Sendable {
  /// Register a new channel's socket.
  case add(RTPChannel)
  /// A channel's queue has datagrams the worker has not seen.
  case service(RTPChannel)
  /// Close a channel; the completion, if any, is signalled once no callback for it can run.
  case remove(RTPChannel, Completion?)
  /// Close everything and end the thread.
  case shutdown
}
