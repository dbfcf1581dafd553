"""Real sample videos made by the tests themselves, with PyAV (FFmpeg's encoders)."""

from __future__ import annotations

import hashlib
import io
import os
import struct
from fractions import Fraction

import av
import numpy as np

# What `phone_video` carries, as MyPhoto should read it back.
CREATION_DATE = "2023-10-05T14:30:00+0900"
TAKEN_AT = "2023-10-05T14:30:00+09:00"
LOCATION = "+37.5665+126.9780+030.000/"
GPS = (37.5665, 126.978)
MAKE = "Apple"
MODEL = "iPhone 15 Pro"
# The marker's colour in the encoded frames (pure red survives YUV 4:2:0 nearly intact).
MARKER = (255, 0, 0)
# Apple's QuickTime keys, written as `mdta` metadata as an iPhone writes them.
_APPLE = "com.apple.quicktime."


def frames(width: int, height: int, count: int, *, marker: bool = True) -> list[np.ndarray]:
    """Landscape frames: a grey gradient that moves, the first one black, a red top-left block.

    The first frame is black as many phones' are, so a poster taken from it shows.
    """
    images = []
    for index in range(count):
        image = np.zeros((height, width, 3), dtype=np.uint8)
        if index:
            ramp = (np.arange(width, dtype=np.uint32) * 200 // max(1, width - 1) + index) % 200
            image[:, :, :] = (ramp + 40).astype(np.uint8)[None, :, None]
            if marker:
                image[: height // 5, : width // 5] = MARKER
        images.append(image)
    return images


def encode_video(
    *,
    container: str = "mp4",
    codec: str = "libx264",
    width: int = 320,
    height: int = 240,
    seconds: float = 2.0,
    rate: int = 10,
    audio: str | None = "aac",
    metadata: dict[str, str] | None = None,
    pix_fmt: str = "yuv420p",
    options: dict[str, str] | None = None,
) -> bytes:
    """Encode moving frames (and a tone) into a container; return its bytes."""
    out = io.BytesIO()
    container_options = {"movflags": "use_metadata_tags"} if container in {"mp4", "mov"} else {}
    with av.open(out, "w", format=container, options=container_options) as output:
        for name, value in (metadata or {}).items():
            output.metadata[name] = value
        video = output.add_stream(codec, rate=rate, options=options or {})
        video.width, video.height, video.pix_fmt = width, height, pix_fmt
        sound = output.add_stream(audio, rate=48000) if audio else None
        count = max(1, round(seconds * rate))
        for index, image in enumerate(frames(width, height, count)):
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, rate)
            output.mux(video.encode(frame))
        output.mux(video.encode(None))
        if sound is not None:
            samples = int(seconds * 48000)
            tone = (0.1 * np.sin(np.arange(samples) * 2 * np.pi * 440 / 48000)).astype(np.float32)
            layout = "stereo"
            planar = np.vstack([tone, tone])
            step = 1024
            for start in range(0, samples, step):
                chunk = np.ascontiguousarray(planar[:, start : start + step])
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
                frame.sample_rate = 48000
                frame.pts = start
                frame.time_base = Fraction(1, 48000)
                output.mux(sound.encode(frame))
            output.mux(sound.encode(None))
    return out.getvalue()


def phone_video(*, rotate: bool = True, seconds: float = 2.0) -> bytes:
    """An H.264/AAC MP4 as a phone writes it: held upright (90° display matrix), dated with
    an offset, located, with the camera's make and model."""
    data = encode_video(
        metadata={
            f"{_APPLE}creationdate": CREATION_DATE,
            f"{_APPLE}location.ISO6709": LOCATION,
            f"{_APPLE}make": MAKE,
            f"{_APPLE}model": MODEL,
        },
        seconds=seconds,
    )
    return rotated_90(data) if rotate else data


def hevc_mov(**kwargs) -> bytes:
    """An iPhone-style HEVC MOV (hvc1, 10 fps), with AAC sound."""
    return encode_video(
        container="mov",
        codec="libx265",
        options={"x265-params": "log-level=error", "tag": "hvc1"},
        **kwargs,
    )


def vp9_webm(**kwargs) -> bytes:
    return encode_video(container="webm", codec="libvpx-vp9", audio="libopus", **kwargs)


# A track header's transformation matrix: identity, and the one a phone held upright
# writes (shown turned 90° clockwise).
_IDENTITY = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
_ROTATE_90 = struct.pack(">9I", 0, 0x10000, 0, 0xFFFF0000, 0, 0, 0, 0, 0x40000000)


def rotated_90(data: bytes) -> bytes:
    """The same video with its video track's display matrix turned 90° (tkhd follows mvhd)."""
    first = data.find(_IDENTITY)  # the movie header's
    track = data.find(_IDENTITY, first + 1)  # the first track's: the video, added first
    assert first >= 0 and track > first, "no track matrix found"
    return data[:track] + _ROTATE_90 + data[track + len(_ROTATE_90) :]


def sound_only() -> bytes:
    """An M4A: an MP4 with AAC sound and no picture."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as output:
        sound = output.add_stream("aac", rate=48000)
        for index in range(20):
            silence = np.zeros((2, 1024), dtype=np.float32)
            frame = av.AudioFrame.from_ndarray(silence, format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = 48000, index * 1024
            output.mux(sound.encode(frame))
        output.mux(sound.encode(None))
    return out.getvalue()


def fast_start(data: bytes, folder) -> bytes:
    """The same streams remuxed with the index first (as a phone's export or a web MP4)."""
    target = str(folder / "fast-start.mp4")
    with (
        av.open(io.BytesIO(data)) as source,
        av.open(target, "w", options={"movflags": "faststart"}) as output,
    ):
        streams = {s.index: output.add_stream_from_template(s) for s in source.streams}
        for packet in source.demux():
            if packet.dts is None:
                continue
            packet.stream = streams[packet.stream.index]
            output.mux(packet)
    with open(target, "rb") as written:
        return written.read()


def live_motion(content_identifier: str, *, seconds: float = 1.5) -> bytes:
    """A Live Photo's motion: a short HEVC MOV carrying Apple's content identifier."""
    return hevc_mov(seconds=seconds, metadata={f"{_APPLE}content.identifier": content_identifier})


def huge_frames(width: int = 8192, height: int = 5200) -> bytes:
    """One black frame past 8K (more pixels than MYPHOTO_MAX_VIDEO_PIXELS allows): a tiny
    file whose frames would take hundreds of MB to decode."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as output:
        video = output.add_stream("libx264", rate=1, options={"preset": "ultrafast", "crf": "51"})
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        frame = av.VideoFrame(width, height, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.pts, frame.time_base = 0, Fraction(1, 1)
        output.mux(video.encode(frame))
        output.mux(video.encode(None))
    return out.getvalue()


def noisy_video(*, width: int = 320, height: int = 240, count: int = 240) -> bytes:
    """Frames of noise, losslessly coded: a video of tens of MB that encodes in seconds
    (its index is written last, as a camera writes it)."""
    rng = np.random.default_rng(7)
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as output:
        video = output.add_stream("libx264", rate=30, options={"qp": "0", "preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        for index in range(count):
            image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 30)
            output.mux(video.encode(frame))
        output.mux(video.encode(None))
    return out.getvalue()


def padded_video(size: int, *, seed: int = 0) -> bytes:
    """A real MP4 grown to `size` bytes by a trailing `free` box of random bytes (as
    cameras leave room after the index): every byte counts, the probe still plays it."""
    head = phone_video(seconds=1.0)
    filler = size - len(head) - 8
    return head + struct.pack(">I", filler + 8) + b"free" + random_bytes(filler, seed)


def random_bytes(count: int, seed: int) -> bytes:
    return hashlib.sha256(str(seed).encode()).digest() + os.urandom(count - 32)


XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")


def with_xmp_place(data: bytes, *, latitude: str, longitude: str, city: str) -> bytes:
    """The video with an XMP packet after it, in a top-level `uuid` box as Adobe's tools and
    some cameras write it, naming where it was taken (GPS as attributes, the city as an
    element)."""
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        f'exif:GPSLatitude="{latitude}" exif:GPSLongitude="{longitude}">'
        f"<photoshop:City>{city}</photoshop:City>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()
    return data + struct.pack(">I", 8 + 16 + len(packet)) + b"uuid" + XMP_UUID + packet
