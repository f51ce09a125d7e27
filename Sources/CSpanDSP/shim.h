#ifndef RTPSYNTH_CSPANDSP_SHIM_H
#define RTPSYNTH_CSPANDSP_SHIM_H

// spandsp's public API only (init, encode, decode, release, free): its state structures stay
// opaque, so SPANDSP_EXPOSE_INTERNAL_STRUCTURES is not defined.
#include <spandsp.h>

#endif
