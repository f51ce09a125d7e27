#ifndef RTPSYNTH_CSPEEX_SHIM_H
#define RTPSYNTH_CSPEEX_SHIM_H

#include <speex/speex.h>

#endif
