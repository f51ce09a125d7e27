#ifndef RTPSYNTH_CZLIB_SHIM_H
#define RTPSYNTH_CZLIB_SHIM_H

#include <zlib.h>

/* inflateInit2 is a macro over inflateInit2_ with the library's version and the stream's size;
   this gives it a name Swift can see. 15 + 16: a 32 KiB window, gzip wrapper only. */
static inline int rtpsynth_inflate_init_gzip(z_stream *stream) {
  return inflateInit2(stream, 15 + 16);
}

#endif
