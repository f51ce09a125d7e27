#ifndef RTPSYNTH_COPUS_SHIM_H
#define RTPSYNTH_COPUS_SHIM_H

#include <opus.h>

// opus_encoder_ctl and opus_decoder_ctl are variadic, which Swift cannot call: one function per
// request the toolkit makes.
static inline int rtpsynth_opus_encoder_set_bitrate(OpusEncoder *encoder, opus_int32 bitrate) {
  return opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bitrate));
}

static inline int rtpsynth_opus_encoder_set_dtx(OpusEncoder *encoder, opus_int32 on) {
  return opus_encoder_ctl(encoder, OPUS_SET_DTX(on));
}

static inline int rtpsynth_opus_encoder_set_inband_fec(OpusEncoder *encoder, opus_int32 on) {
  return opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(on));
}

static inline int rtpsynth_opus_encoder_set_packet_loss_perc(OpusEncoder *encoder,
                                                            opus_int32 percent) {
  return opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(percent));
}

static inline int rtpsynth_opus_encoder_reset(OpusEncoder *encoder) {
  return opus_encoder_ctl(encoder, OPUS_RESET_STATE);
}

static inline int rtpsynth_opus_decoder_reset(OpusDecoder *decoder) {
  return opus_decoder_ctl(decoder, OPUS_RESET_STATE);
}

#endif
