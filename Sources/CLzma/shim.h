#ifndef RTPSYNTH_CLZMA_SHIM_H
#define RTPSYNTH_CLZMA_SHIM_H

#include <lzma.h>

/* An .xz decoder for one stream or several concatenated (with padding), as xz(1) reads them;
   LZMA_CONCATENATED is a macro Swift does not see. */
static inline lzma_ret rtpsynth_xz_decoder(lzma_stream *stream, uint64_t memory_limit) {
  return lzma_stream_decoder(stream, memory_limit, LZMA_CONCATENATED);
}

#endif
