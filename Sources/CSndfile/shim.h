#ifndef RTPSYNTH_CSNDFILE_SHIM_H
#define RTPSYNTH_CSNDFILE_SHIM_H

// libsndfile, for the audio files RTPCore reads other than WAV (AU, AIFF, FLAC, ...).
#include <sndfile.h>

#endif
