#ifndef RTPSYNTH_COPUS_SHIM_H
#define RTPSYNTH_COPUS_SHIM_H

#include <opus.h>

#endif
