/* codec_loop: each codec library's own decode and encode loop, the peer of rtpdec and rtpgen
 * --codec in scripts/bench ("codecs"). Built by the script with cc against the system libraries
 * (libopus, libgsm, libbcg729, libspandsp, libopencore-amrnb, libopencore-amrwb, libvo-amrwbenc,
 * libspeex); written for this project, from the libraries' public headers.
 *
 *   codec_loop payloads CAPTURE.pcap OUT      the RTP payloads of a classic pcap, in order, as
 *                                             a dump: each a 4-byte little-endian length, then
 *                                             the bytes (RTP header, CSRCs, extension and
 *                                             padding removed)
 *   codec_loop decode CODEC DUMP              decodes every payload of DUMP in one loop
 *   codec_loop encode CODEC RAW               encodes RAW (16-bit little-endian mono samples at
 *                                             the codec's rate) in 20 ms packets, as rtpgen
 *                                             --codec does by default
 *
 * decode and encode read their whole input into memory first, then time only the codec calls
 * (CLOCK_MONOTONIC around the loop) and print "NANOSECONDS SAMPLES BYTES" on stdout: the loop's
 * time, the samples decoded (or encoded) and the payload bytes read (or made).
 *
 * CODEC: gsm, g729, g722, g726-16, g726-24, g726-32, g726-40 (RFC 3551 packing), amr and amr-wb
 * (RFC 4867 octet-aligned payloads; encoding at the fastest mode, one frame a packet), opus
 * (decoding 48 kHz mono, as rtpdec does for opus/48000/2 without stereo=1; encoding as rtpgen's
 * defaults: two channels, the mono input in both, VOIP, in-band FEC, 10 % expected loss), speex
 * (narrowband, quality 8, perceptual enhancement on when decoding).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
#include <gsm.h>
#include <opencore-amrnb/interf_dec.h>
#include <opencore-amrnb/interf_enc.h>
#include <opencore-amrwb/dec_if.h>
#include <opus.h>
#include <spandsp.h>
#include <speex/speex.h>
#include <vo-amrwbenc/enc_if.h>

static void fail(const char *message) {
  fprintf(stderr, "codec_loop: %s\n", message);
  exit(1);
}

static uint8_t *slurp(const char *path, size_t *size) {
  FILE *file = fopen(path, "rb");
  if (!file) fail("cannot open the input");
  size_t capacity = 1 << 20, used = 0;
  uint8_t *data = malloc(capacity);
  if (!data) fail("out of memory");
  for (;;) {
    if (used == capacity) {
      capacity *= 2;
      data = realloc(data, capacity);
      if (!data) fail("out of memory");
    }
    size_t got = fread(data + used, 1, capacity - used, file);
    if (got == 0) break;
    used += got;
  }
  fclose(file);
  *size = used;
  return data;
}

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

/* payloads: classic pcap (either byte order) with Ethernet, Linux cooked, raw IP or BSD
 * loopback framing; IPv4 or IPv6, UDP. */
static int payloads(const char *capture, const char *out) {
  size_t size;
  uint8_t *data = slurp(capture, &size);
  if (size < 24) fail("not a pcap");
  int swapped;
  if (le32(data) == 0xa1b2c3d4 || le32(data) == 0xa1b23c4d) swapped = 0;
  else if (be32(data) == 0xa1b2c3d4 || be32(data) == 0xa1b23c4d) swapped = 1;
  else fail("not a classic pcap");
  uint32_t (*u32)(const uint8_t *) = swapped ? be32 : le32;
  uint32_t link = u32(data + 20);
  FILE *file = fopen(out, "wb");
  if (!file) fail("cannot write the dump");
  size_t at = 24, count = 0;
  while (at + 16 <= size) {
    uint32_t captured = u32(data + at + 8);
    const uint8_t *frame = data + at + 16;
    at += 16 + captured;
    if (at > size) break;
    size_t offset;
    int ethertype;
    switch (link) {
    case 1: offset = 14; ethertype = captured >= 14 ? frame[12] << 8 | frame[13] : 0; break;
    case 113: offset = 16; ethertype = captured >= 16 ? frame[14] << 8 | frame[15] : 0; break;
    case 0: offset = 4; ethertype = captured >= 5 && frame[4] >> 4 == 6 ? 0x86dd : 0x0800; break;
    case 101: case 12: case 228: case 229:
      offset = 0;
      ethertype = captured >= 1 && frame[0] >> 4 == 6 ? 0x86dd : 0x0800;
      break;
    default: fail("unsupported link type");
    }
    if (offset > captured) continue;
    const uint8_t *ip = frame + offset;
    size_t left = captured - offset, udp;
    if (ethertype == 0x0800) {
      if (left < 20 || ip[9] != 17) continue;
      udp = (size_t)(ip[0] & 15) * 4;
    } else if (ethertype == 0x86dd) {
      if (left < 40 || ip[6] != 17) continue;
      udp = 40;
    } else {
      continue;
    }
    if (udp + 8 + 12 > left) continue;
    const uint8_t *rtp = ip + udp + 8;
    size_t length = left - udp - 8;
    if (rtp[0] >> 6 != 2) continue;
    size_t header = 12 + (size_t)(rtp[0] & 15) * 4;
    if (rtp[0] & 0x10) {
      if (header + 4 > length) continue;
      header += 4 + (size_t)(rtp[header + 2] << 8 | rtp[header + 3]) * 4;
    }
    size_t end = length;
    if (rtp[0] & 0x20 && length > 0) end -= rtp[length - 1];
    if (header >= end) continue;
    uint8_t prefix[4] = {(uint8_t)(end - header), (uint8_t)((end - header) >> 8), 0, 0};
    fwrite(prefix, 1, 4, file);
    fwrite(rtp + header, 1, end - header, file);
    count++;
  }
  if (fclose(file) != 0) fail("cannot write the dump");
  fprintf(stderr, "codec_loop: %zu payloads\n", count);
  free(data);
  return 0;
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* RFC 4867 octet-aligned speech bytes by frame type (after the ToC byte). */
static const int amr_bytes[16] = {12, 13, 15, 17, 19, 20, 26, 31, 5, 0, 0, 0, 0, 0, 0, 0};
static const int amrwb_bytes[16] = {17, 23, 32, 36, 40, 46, 50, 58, 60, 5, 0, 0, 0, 0, 0, 0};

static int decode(const char *codec, const char *path) {
  size_t size;
  uint8_t *data = slurp(path, &size);
  static int16_t out[5760 * 2 * 8];
  uint64_t samples = 0, bytes = 0;
  gsm gsm_state = NULL;
  bcg729DecoderChannelContextStruct *g729 = NULL;
  g722_decode_state_t *g722 = NULL;
  g726_state_t *g726 = NULL;
  void *amr = NULL, *amrwb = NULL, *speex = NULL;
  OpusDecoder *opus = NULL;
  SpeexBits bits;
  int speex_frame = 0, error = 0;
  const int *sizes = NULL;

  if (!strcmp(codec, "gsm")) gsm_state = gsm_create();
  else if (!strcmp(codec, "g729")) g729 = initBcg729DecoderChannel();
  else if (!strcmp(codec, "g722")) g722 = g722_decode_init(NULL, 64000, 0);
  else if (!strncmp(codec, "g726-", 5))
    g726 = g726_init(NULL, atoi(codec + 5) * 1000, G726_ENCODING_LINEAR, G726_PACKING_RIGHT);
  else if (!strcmp(codec, "amr")) amr = Decoder_Interface_init(), sizes = amr_bytes;
  else if (!strcmp(codec, "amr-wb")) amrwb = D_IF_init(), sizes = amrwb_bytes;
  else if (!strcmp(codec, "opus")) opus = opus_decoder_create(48000, 1, &error);
  else if (!strcmp(codec, "speex")) {
    speex = speex_decoder_init(&speex_nb_mode);
    int enhance = 1;
    speex_decoder_ctl(speex, SPEEX_SET_ENH, &enhance);
    speex_decoder_ctl(speex, SPEEX_GET_FRAME_SIZE, &speex_frame);
    speex_bits_init(&bits);
  } else
    fail("unknown codec");
  if (!gsm_state && !g729 && !g722 && !g726 && !amr && !amrwb && !opus && !speex)
    fail("the library made no state");

  uint64_t start = now_ns();
  size_t at = 0;
  while (at + 4 <= size) {
    uint32_t length = le32(data + at);
    uint8_t *payload = data + at + 4;
    at += 4 + length;
    if (at > size) break;
    bytes += length;
    if (gsm_state) {
      for (uint32_t frame = 0; frame + 33 <= length; frame += 33, samples += 160)
        gsm_decode(gsm_state, payload + frame, out);
    } else if (g729) {
      uint32_t frame = 0;
      for (; frame + 10 <= length; frame += 10, samples += 80)
        bcg729Decoder(g729, payload + frame, 10, 0, 0, 0, out);
      if (length - frame == 2) bcg729Decoder(g729, payload + frame, 2, 0, 1, 0, out), samples += 80;
    } else if (g722) {
      samples += (uint64_t)g722_decode(g722, out, payload, (int)length);
    } else if (g726) {
      samples += (uint64_t)g726_decode(g726, out, payload, (int)length);
    } else if (sizes) {
      /* CMR, then the table of contents (F bit: another entry follows), then the frames. */
      uint32_t toc = 1, entries = 0;
      while (toc < length && payload[toc] & 0x80) toc++;
      entries = toc; /* the ToC runs from byte 1 to byte toc inclusive */
      uint32_t frame = toc + 1;
      for (uint32_t entry = 1; entry <= entries && entry < length; entry++) {
        int type = payload[entry] >> 3 & 15;
        uint8_t storage[64];
        storage[0] = payload[entry] & 0x7c;
        if (frame + (uint32_t)sizes[type] > length) break;
        memcpy(storage + 1, payload + frame, (size_t)sizes[type]);
        frame += (uint32_t)sizes[type];
        if (amr) Decoder_Interface_Decode(amr, storage, out, 0), samples += 160;
        else D_IF_decode(amrwb, storage, out, _good_frame), samples += 320;
      }
    } else if (opus) {
      int made = opus_decode(opus, payload, (opus_int32)length, out, 5760, 0);
      if (made < 0) fail("opus_decode failed");
      samples += (uint64_t)made;
    } else {
      speex_bits_read_from(&bits, (char *)payload, (int)length);
      while (speex_bits_remaining(&bits) >= 5) {
        if (speex_decode_int(speex, &bits, out) != 0) break;
        samples += (uint64_t)speex_frame;
      }
    }
  }
  uint64_t elapsed = now_ns() - start;
  printf("%llu %llu %llu\n", (unsigned long long)elapsed, (unsigned long long)samples,
         (unsigned long long)bytes);
  free(data);
  return 0;
}

static int encode(const char *codec, const char *path) {
  size_t size;
  uint8_t *data = slurp(path, &size);
  size_t count = size / 2;
  int16_t *pcm = malloc(count * sizeof(int16_t) + 1);
  if (!pcm) fail("out of memory");
  for (size_t i = 0; i < count; i++) pcm[i] = (int16_t)(data[2 * i] | data[2 * i + 1] << 8);
  free(data);
  static uint8_t out[4000];
  uint64_t samples = 0, bytes = 0;
  int frame = 160, error = 0;
  gsm gsm_state = NULL;
  bcg729EncoderChannelContextStruct *g729 = NULL;
  g722_encode_state_t *g722 = NULL;
  g726_state_t *g726 = NULL;
  void *amr = NULL, *amrwb = NULL, *speex = NULL;
  OpusEncoder *opus = NULL;
  int16_t *stereo = NULL;
  SpeexBits bits;

  if (!strcmp(codec, "gsm")) gsm_state = gsm_create();
  else if (!strcmp(codec, "g729")) g729 = initBcg729EncoderChannel(0);
  else if (!strcmp(codec, "g722")) g722 = g722_encode_init(NULL, 64000, 0), frame = 320;
  else if (!strncmp(codec, "g726-", 5))
    g726 = g726_init(NULL, atoi(codec + 5) * 1000, G726_ENCODING_LINEAR, G726_PACKING_RIGHT);
  else if (!strcmp(codec, "amr")) amr = Encoder_Interface_init(0);
  else if (!strcmp(codec, "amr-wb")) amrwb = E_IF_init(), frame = 320;
  else if (!strcmp(codec, "opus")) {
    /* rtpgen's Opus is 48000/2: a mono input is encoded as two equal channels. */
    opus = opus_encoder_create(48000, 2, OPUS_APPLICATION_VOIP, &error);
    stereo = malloc(count * 2 * sizeof(int16_t) + 1);
    if (!stereo) fail("out of memory");
    for (size_t i = 0; i < count; i++) stereo[2 * i] = stereo[2 * i + 1] = pcm[i];
    if (opus) {
      opus_encoder_ctl(opus, OPUS_SET_INBAND_FEC(1));
      opus_encoder_ctl(opus, OPUS_SET_PACKET_LOSS_PERC(10));
    }
    frame = 960;
  } else if (!strcmp(codec, "speex")) {
    speex = speex_encoder_init(&speex_nb_mode);
    int quality = 8;
    speex_encoder_ctl(speex, SPEEX_SET_QUALITY, &quality);
    speex_encoder_ctl(speex, SPEEX_GET_FRAME_SIZE, &frame);
    speex_bits_init(&bits);
  } else
    fail("unknown codec");
  if (!gsm_state && !g729 && !g722 && !g726 && !amr && !amrwb && !opus && !speex)
    fail("the library made no state");

  uint64_t start = now_ns();
  for (size_t at = 0; at + (size_t)frame <= count; at += (size_t)frame) {
    int16_t *input = pcm + at;
    if (gsm_state) {
      gsm_encode(gsm_state, input, out);
      bytes += 33;
    } else if (g729) {
      uint8_t length = 0;
      for (int half = 0; half < 2; half++) {
        bcg729Encoder(g729, input + 80 * half, out + 10 * half, &length);
        bytes += length;
      }
    } else if (g722) {
      bytes += (uint64_t)g722_encode(g722, out, input, frame);
    } else if (g726) {
      bytes += (uint64_t)g726_encode(g726, out, input, frame);
    } else if (amr) {
      /* The storage frame (ToC byte first) is the octet-aligned payload after its CMR byte. */
      bytes += 1 + (uint64_t)Encoder_Interface_Encode(amr, MR122, input, out + 1, 0);
    } else if (amrwb) {
      bytes += 1 + (uint64_t)E_IF_encode(amrwb, 8, input, out + 1, 0);
    } else if (opus) {
      opus_int32 made = opus_encode(opus, stereo + 2 * at, frame, out, (opus_int32)sizeof out);
      if (made < 0) fail("opus_encode failed");
      bytes += (uint64_t)made;
    } else {
      speex_bits_reset(&bits);
      speex_encode_int(speex, input, &bits);
      speex_bits_insert_terminator(&bits);
      bytes += (uint64_t)speex_bits_write(&bits, (char *)out, (int)sizeof out);
    }
    samples += (uint64_t)frame;
  }
  uint64_t elapsed = now_ns() - start;
  printf("%llu %llu %llu\n", (unsigned long long)elapsed, (unsigned long long)samples,
         (unsigned long long)bytes);
  free(pcm);
  free(stereo);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "payloads")) return payloads(argv[2], argv[3]);
  if (argc == 4 && !strcmp(argv[1], "decode")) return decode(argv[2], argv[3]);
  if (argc == 4 && !strcmp(argv[1], "encode")) return encode(argv[2], argv[3]);
  fprintf(stderr, "usage: codec_loop payloads CAPTURE.pcap OUT | decode CODEC DUMP | "
                  "encode CODEC RAW\n");
  return 64;
}
