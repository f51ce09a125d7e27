import CSRTP

/// An SRTP crypto suite by its SDES name (RFC 4568 6.2, RFC 6188, RFC 7714 14.2).
public enum SRTPSuite: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// AES in counter mode with a 128-bit key, HMAC-SHA1 with an 80-bit tag (RFC 3711's default).
  case aesCM128HMACSHA1With80BitTag = "AES_CM_128_HMAC_SHA1_80"
  /// AES in counter mode with a 128-bit key, HMAC-SHA1 with a 32-bit tag on SRTP (80 on SRTCP).
  case aesCM128HMACSHA1With32BitTag = "AES_CM_128_HMAC_SHA1_32"
  /// AES-GCM with a 128-bit key and a 16-byte tag (RFC 7714).
  case aeadAES128GCM = "AEAD_AES_128_GCM"
  /// AES-GCM with a 256-bit key and a 16-byte tag (RFC 7714).
  case aeadAES256GCM = "AEAD_AES_256_GCM"
  /// AES in counter mode with a 256-bit key, HMAC-SHA1 with an 80-bit tag (RFC 6188).
  case aes256CMHMACSHA1With80BitTag = "AES_256_CM_HMAC_SHA1_80"

  /// The suite named `name`, as SDP and `--srtp-key` spell it (case-insensitive).
  public init?(name: some StringProtocol) {
    guard let suite = SRTPSuite(rawValue: name.uppercased()) else { return nil }
    self = suite
  }

  /// The suite's SDES name.
  public var description: String { rawValue }

  /// Bytes of master key.
  public var keyLength: Int {
    switch self {
    case .aesCM128HMACSHA1With80BitTag, .aesCM128HMACSHA1With32BitTag, .aeadAES128GCM: 16
    case .aeadAES256GCM, .aes256CMHMACSHA1With80BitTag: 32
    }
  }

  /// Bytes of master salt: 14 for counter mode (RFC 3711), 12 for GCM (RFC 7714).
  public var saltLength: Int {
    switch self {
    case .aeadAES128GCM, .aeadAES256GCM: 12
    default: 14
    }
  }

  /// Bytes of SRTP authentication tag each packet carries.
  public var tagLength: Int {
    switch self {
    case .aesCM128HMACSHA1With80BitTag, .aes256CMHMACSHA1With80BitTag: 10
    case .aesCM128HMACSHA1With32BitTag: 4
    case .aeadAES128GCM, .aeadAES256GCM: 16
    }
  }

  /// Sets libsrtp's policies for SRTP and SRTCP to this suite.
  func configure(rtp: inout srtp_crypto_policy_t, rtcp: inout srtp_crypto_policy_t) {
    switch self {
    case .aesCM128HMACSHA1With80BitTag:
      rtpsynth_srtp_policy_aes_cm_128_hmac_sha1_80(&rtp)
      rtpsynth_srtp_policy_aes_cm_128_hmac_sha1_80(&rtcp)
    case .aesCM128HMACSHA1With32BitTag:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&rtp)
      // RFC 4568 6.2.1: SRTCP keeps the 80-bit tag.
      rtpsynth_srtp_policy_aes_cm_128_hmac_sha1_80(&rtcp)
    case .aeadAES128GCM:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtp)
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtcp)
    case .aeadAES256GCM:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&rtp)
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&rtcp)
    case .aes256CMHMACSHA1With80BitTag:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtp)
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtcp)
    }
  }
}
