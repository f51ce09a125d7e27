/// What a long loop calls every so often with how much of its work it has done so far: capture
/// records read, media slots generated or audio frames read, counted from the start of the loop.
///
/// Loops over packets call it every `progressInterval` units, loops over audio once a chunk,
/// so that a handler that looks at a clock costs nothing per packet; without a handler a loop
/// does no more than test for one.
public typealias ProgressHandler = (_ done: UInt64) -> Void

/// How many packets a loop handles between two calls of its ``ProgressHandler``.
package let progressInterval = 256
