# The librtpsynth side of scripts/bench's comparison: the work Benchmarks/PeerHarness (in
# process) and the tools (whole process) do, through librtpsynth's Python bindings (PyPI
# rtpsynth), in the tightest plain Python loop its API allows. Run by scripts/bench with the
# Python of the venv it installs rtpsynth into; not a tool of its own.
#
#   generate PACKETS RUNS          in process: RtpSynth.next_pkt(160, 0), median packets/s
#   generate-write PACKETS         whole process: the same packets written to standard output
#   jitter-data FILE               librtpsynth's tests/test_jbuf.py arrival pattern, to FILE
#   jitter FILE CAPACITY RUNS      in process: RtpJBuf(CAPACITY).udp_in over FILE, then flush
#   jitter-pcap FILE OUT           FILE's datagrams, in its order, as a pcap (Ethernet, IPv4,
#                                  UDP 5006 -> 5004, 1 ms apart) for rtpjb and rtpstat
#   encode FILE RUNS               in process: linear2ulaw over FILE (raw s16le), one call
#   decode FILE RUNS               in process: ulaw2linear over FILE (raw octets), one call
#   resample FILE IN OUT RUNS      in process: resample_linear over FILE (raw s16le), one call
#   encode-filter | decode-filter  whole process: WAV (or raw u-law) in, 1 MiB bulk calls
#   resample-filter IN OUT         whole process: WAV in, raw s16le out, 1 MiB bulk calls
#
# In-process figures go to standard output as "<median per second> <unit>", counts to standard
# error.

import sys
import time
from array import array


def median_ns(runs, body):
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        body()
        times.append(time.perf_counter_ns() - start)
    times.sort()
    return times[len(times) // 2]


def report(count, ns, unit):
    print(f"{count / ns * 1e3:.2f} {unit}")


def skip_wav_header(stream):
    """Reads a RIFF/WAVE header up to the start of its data chunk."""
    head = stream.read(12)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        sys.exit("bench_peers: input is not a WAV file")
    while True:
        chunk = stream.read(8)
        if len(chunk) < 8:
            sys.exit("bench_peers: WAV without a data chunk")
        size = int.from_bytes(chunk[4:8], "little")
        if chunk[:4] == b"data":
            return
        stream.read(size + (size & 1))


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "generate":
        from rtpsynth.RtpSynth import RtpSynth

        packets, runs = int(args[0]), int(args[1])

        def body():
            next_pkt = RtpSynth(8000, 20).next_pkt
            for _ in range(packets):
                next_pkt(160, 0)

        report(packets, median_ns(runs, body), "M packets/s")
    elif mode == "generate-write":
        from rtpsynth.RtpSynth import RtpSynth

        packets = int(args[0])
        next_pkt = RtpSynth(8000, 20).next_pkt
        with open(sys.stdout.fileno(), "wb", buffering=1 << 20, closefd=False) as out:
            write = out.write
            for _ in range(packets):
                write(next_pkt(160, 0))
    elif mode == "jitter-data":
        # tests/test_jbuf.py of librtpsynth: 1 M packets of RtpSynth(8000, 30), next_pkt(170, 0),
        # in blocks of up to 200 shuffled, 10 % of each block repeated, shuffled again; seed 42.
        from random import random, seed, shuffle

        from rtpsynth.RtpSynth import RtpSynth

        seed(42)
        synth = RtpSynth(8000, 30)
        iterations = 1000000
        block, data = [], []
        for i in range(iterations):
            block.append(synth.next_pkt(170, 0))
            if len(block) > int(200 * random()) or i == iterations - 1:
                shuffle(block)
                block.extend(block[: int(len(block) / 10)])
                shuffle(block)
                data.extend(block)
                block = []
        with open(args[0], "wb") as out:
            for packet in data:
                out.write(len(packet).to_bytes(2, "little"))
                out.write(packet)
    elif mode == "jitter":
        from rtpsynth.RtpJBuf import RtpJBuf, RTPFrameType

        with open(args[0], "rb") as file:
            raw = file.read()
        capacity, runs = int(args[1]), int(args[2])
        packets, offset = [], 0
        while offset + 2 <= len(raw):
            length = int.from_bytes(raw[offset : offset + 2], "little")
            packets.append(raw[offset + 2 : offset + 2 + length])
            offset += 2 + length
        out = 0

        def body():
            nonlocal out
            udp_in = RtpJBuf(capacity).udp_in
            frames = 0
            for packet in packets:
                frames += len(udp_in(packet))
            out = frames

        median = median_ns(runs, body)
        # Untimed: what came out, to set beside PeerHarness's counts.
        buffer = RtpJBuf(capacity)
        ready = erased = 0
        for packet in packets:
            for frame in buffer.udp_in(packet):
                if frame.content.type == RTPFrameType.ERS:
                    erased += frame.content.lseq_end - frame.content.lseq_start + 1
                else:
                    ready += 1
        for frame in buffer.flush():
            if frame.content.type == RTPFrameType.ERS:
                erased += frame.content.lseq_end - frame.content.lseq_start + 1
            else:
                ready += 1
        print(
            f"bench_peers: jitter capacity {capacity}: {len(packets)} datagrams in, "
            f"{ready} ready, {erased} erased, {buffer.dropped} dropped",
            file=sys.stderr,
        )
        report(len(packets), median, "M packets/s")
    elif mode == "jitter-pcap":
        # Not librtpsynth: the same datagrams as "jitter", framed for the tools (no peer code).
        import struct

        with open(args[0], "rb") as file:
            raw = file.read()

        def checksum(header):
            total = sum(struct.unpack("!10H", header))
            while total > 0xFFFF:
                total = (total & 0xFFFF) + (total >> 16)
            return ~total & 0xFFFF

        ethernet = bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + b"\x08\x00"
        offset, index = 0, 0
        with open(args[1], "wb", buffering=1 << 20) as out:
            out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            while offset + 2 <= len(raw):
                length = int.from_bytes(raw[offset : offset + 2], "little")
                packet = raw[offset + 2 : offset + 2 + length]
                offset += 2 + length
                ip = bytearray(
                    struct.pack(
                        "!BBHHHBBH4s4s", 0x45, 0, 28 + length, 0, 0, 64, 17, 0,
                        bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]),
                    )
                )
                ip[10:12] = struct.pack("!H", checksum(bytes(ip)))
                udp = struct.pack("!HHHH", 5006, 5004, 8 + length, 0)
                frame = ethernet + bytes(ip) + udp + packet
                micros = index * 1000
                out.write(struct.pack("<IIII", micros // 1000000, micros % 1000000, len(frame), len(frame)))
                out.write(frame)
                index += 1
        print(f"bench_peers: jitter-pcap: {index} datagrams", file=sys.stderr)
    elif mode in ("encode", "decode"):
        from rtpsynth.RtpUtils import linear2ulaw, ulaw2linear

        with open(args[0], "rb") as file:
            data = file.read()
        runs = int(args[1])
        if mode == "encode":
            report(len(data) // 2, median_ns(runs, lambda: linear2ulaw(data)), "M samples/s")
        else:
            report(len(data), median_ns(runs, lambda: ulaw2linear(data)), "M samples/s")
    elif mode == "resample":
        from rtpsynth.RtpUtils import resample_linear

        with open(args[0], "rb") as file:
            data = file.read()
        in_rate, out_rate, runs = int(args[1]), int(args[2]), int(args[3])
        produced = 0

        def body():
            nonlocal produced
            produced = len(resample_linear(data, in_rate, out_rate))

        median = median_ns(runs, body)
        print(f"bench_peers: resample: {len(data) // 2} samples in, {produced} out", file=sys.stderr)
        report(len(data) // 2, median, "M input samples/s")
    elif mode in ("encode-filter", "decode-filter", "resample-filter"):
        from rtpsynth.RtpUtils import linear2ulaw, resample_linear, ulaw2linear

        source = open(sys.stdin.fileno(), "rb", buffering=1 << 20, closefd=False)
        out = open(sys.stdout.fileno(), "wb", buffering=1 << 20, closefd=False)
        if mode == "encode-filter":
            skip_wav_header(source)
            convert = linear2ulaw
        elif mode == "decode-filter":
            convert = ulaw2linear
        else:
            skip_wav_header(source)
            in_rate, out_rate = int(args[0]), int(args[1])

            # resample_linear keeps no state: each 1 MiB chunk is resampled on its own.
            def convert(chunk):
                return resample_linear(chunk, in_rate, out_rate)

        read, write = source.read, out.write
        while True:
            chunk = read(1 << 20)
            if not chunk:
                break
            write(convert(chunk))
        out.flush()
    else:
        sys.exit(f"bench_peers: unknown mode {mode}")


if __name__ == "__main__":
    main()
