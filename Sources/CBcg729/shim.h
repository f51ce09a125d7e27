#ifndef RTPSYNTH_CBCG729_SHIM_H
#define RTPSYNTH_CBCG729_SHIM_H

#include <bcg729/decoder.h>
#include <bcg729/encoder.h>

#endif
