#ifndef RTPSYNTH_CGSM_SHIM_H
#define RTPSYNTH_CGSM_SHIM_H

// libgsm (GSM 06.10 full rate) ships no pkg-config file: the header is found in the system
// include directory and the library linked by name.
#include <gsm/gsm.h>

#endif
