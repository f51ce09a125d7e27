import RTPBase
import RTPNetwork
import Synchronization

/// The registry that runs ``RTPSession``s, the seed's `RTPControl`: add a session to get its
/// cookie, start and stop sessions one by one or all at once, find a session by its cookie.
///
/// Every session of one control shares one ``/RTPNetwork/RTPServer`` (one network worker thread for all
/// their sockets) and one ``/RTPNetwork/RTPProc`` (one thread for all their RTCP timers), both started
/// when the first session starts. ``shared`` is the process-wide control, like the seed's
/// singleton; make instances to keep sessions apart (tests, tools).
public final class RTPControl: @unchecked Sendable {
  // @unchecked: every mutable field is in `registry`, a Mutex.

  /// The process-wide control.
  public static let shared = RTPControl(name: "rtp-control")

  private struct Registry {
    var sessions: [RTPSessionCookie: RTPSession] = [:]
    var nextCookie = 1
    var server: RTPServer?
    var proc: RTPProc?
    var shutDown = false
  }

  private let name: String
  private let registry = LockedValue(Registry())

  /// A control whose threads are named after `name`.
  public init(name: String = "rtp-control") {
    self.name = name
  }

  deinit { shutdown() }

  /// Registers `session` and returns its cookie. The session is not started.
  ///
  /// - Throws: ``RTPSessionError/alreadyAdded`` when the session belongs to a control.
  public func addSession(_ session: RTPSession) throws(RTPSessionError) -> RTPSessionCookie {
    let identity = ObjectIdentifier(self)
    let claimed = session.owner.withLock { owner in
      guard owner == nil else { return false }
      owner = identity
      return true
    }
    guard claimed else { throw .alreadyAdded }
    return registry.withLock { registry in
      let cookie = RTPSessionCookie(rawValue: registry.nextCookie)
      registry.nextCookie += 1
      registry.sessions[cookie] = session
      return cookie
    }
  }

  /// The session registered under `cookie`.
  public func session(for cookie: RTPSessionCookie) -> RTPSession? {
    registry.withLock { $0.sessions[cookie] }
  }

  /// The cookies of every registered session, in the order they were added.
  public var cookies: [RTPSessionCookie] {
    registry.withLock { $0.sessions.keys.sorted() }
  }

  /// Opens the session's sockets and RTCP timer and calls its ``RTPSession/start()``. Starting
  /// a running session does nothing.
  ///
  /// - Throws: ``RTPSessionError/unknownCookie(_:)``, ``RTPSessionError/network(_:)`` when
  ///   a port cannot be bound, or ``RTPSessionError/cannotStartScheduler(_:)``.
  public func startSession(_ cookie: RTPSessionCookie) throws(RTPSessionError) {
    let found: (RTPSession, RTPServer, RTPProc)? = try registry.withLock {
      registry throws(RTPSessionError) in
      guard let session = registry.sessions[cookie] else { throw .unknownCookie(cookie) }
      guard !registry.shutDown else { throw .network(.closed) }
      if registry.server == nil {
        do throws(NetworkError) {
          registry.server = try RTPServer(name: name)
        } catch {
          throw .network(error)
        }
      }
      if registry.proc == nil {
        do throws(SystemError) {
          registry.proc = try RTPProc(name: "\(name)-rtcp")
        } catch {
          throw .cannotStartScheduler(error)
        }
      }
      return (session, registry.server!, registry.proc!)
    }
    guard let (session, server, proc) = found else { return }
    try session.open(server: server, proc: proc, cookie: cookie)
  }

  /// Stops the session: a last report with a BYE, sockets closed, held packets delivered, then
  /// its ``RTPSession/stop()``. Stopping a stopped session does nothing.
  public func stopSession(_ cookie: RTPSessionCookie) throws(RTPSessionError) {
    guard let session = session(for: cookie) else { throw .unknownCookie(cookie) }
    session.close()
  }

  /// Stops the session if it runs and forgets it.
  public func removeSession(_ cookie: RTPSessionCookie) throws(RTPSessionError) {
    guard let session = registry.withLock({ $0.sessions.removeValue(forKey: cookie) }) else {
      throw .unknownCookie(cookie)
    }
    session.close()
    session.owner.withLock { $0 = nil }
  }

  /// Starts every registered session that is not running, in cookie order; stops at the
  /// first failure and throws it.
  public func start() throws(RTPSessionError) {
    for cookie in cookies { try startSession(cookie) }
  }

  /// Stops every running session.
  public func stop() {
    let sessions = registry.withLock { Array($0.sessions.values) }
    for session in sessions { session.close() }
  }

  /// Stops every session and the control's threads; the control cannot start sessions
  /// afterwards. Safe to call more than once.
  public func shutdown() {
    stop()
    let (server, proc) = registry.withLock { registry in
      registry.shutDown = true
      defer {
        registry.server = nil
        registry.proc = nil
      }
      return (registry.server, registry.proc)
    }
    server?.shutdown()
    proc?.shutdown()
  }
}
