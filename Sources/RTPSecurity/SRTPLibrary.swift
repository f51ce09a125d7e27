import CSRTP

/// libsrtp's one-time initialisation.
enum SRTPLibrary {
  /// `srtp_init`'s status, from its one call: Swift runs a global's initialiser once, under a
  /// lock, whichever thread first asks.
  private static let initialization: UInt32 = srtp_init().rawValue

  /// Initialises libsrtp if it is not yet, returning the failure code if that failed.
  static func initialize() -> Int? {
    let status = initialization
    return status == srtp_err_status_ok.rawValue ? nil : Int(status)
  }
}
