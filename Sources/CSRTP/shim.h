#ifndef RTPSYNTH_CSRTP_SHIM_H
#define RTPSYNTH_CSRTP_SHIM_H

#include <srtp2/srtp.h>

// Names libsrtp gives as macros, which Swift cannot call or import: one function each.

/// The most bytes srtp_protect may append to a packet (authentication tag and MKI).
static inline int rtpsynth_srtp_max_trailer_length(void) { return SRTP_MAX_TRAILER_LEN; }

/// AES_CM_128_HMAC_SHA1_80, which libsrtp names only as a macro over its RTP default.
static inline void rtpsynth_srtp_policy_aes_cm_128_hmac_sha1_80(srtp_crypto_policy_t *policy) {
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(policy);
}

#endif
