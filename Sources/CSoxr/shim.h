#ifndef RTPSYNTH_CSOXR_SHIM_H
#define RTPSYNTH_CSOXR_SHIM_H

#include <soxr.h>

/* soxr's quality recipes are macros; these give them names Swift can see. */
static const unsigned long rtpsynth_soxr_quick = SOXR_QQ;
static const unsigned long rtpsynth_soxr_low = SOXR_LQ;
static const unsigned long rtpsynth_soxr_medium = SOXR_MQ;
static const unsigned long rtpsynth_soxr_high = SOXR_HQ;
static const unsigned long rtpsynth_soxr_very_high = SOXR_VHQ;

#endif
