#ifndef RTPSYNTH_COPENCOREAMR_SHIM_H
#define RTPSYNTH_COPENCOREAMR_SHIM_H

// AMR-NB decoding and encoding (opencore-amrnb), AMR-WB decoding (opencore-amrwb) and AMR-WB
// encoding (vo-amrwbenc). All four take and give frames in the storage format of RFC 4867 §5:
// one table-of-contents byte, then the speech bits padded to whole bytes.
#include <opencore-amrnb/interf_dec.h>
#include <opencore-amrnb/interf_enc.h>
#include <opencore-amrwb/dec_if.h>
#include <vo-amrwbenc/enc_if.h>

#endif
