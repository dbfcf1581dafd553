"""The playback copy of a video browsers cannot play as it is: H.264/AAC MP4, at most 1080p.

HEVC from iPhones, ProRes, MPEG-2, AVI's codecs, AMR sound: every browser plays
what this makes. Frames are turned upright here (the copy carries no display
matrix), scaled to fit 1920×1080 and encoded by libx264 at `veryfast`, as peers
do with the ffmpeg command line; the MP4 is written fast-start (its index
first), so playback starts before the whole file has arrived. Nothing here
touches storage or the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from fractions import Fraction
from typing import IO

import av
import av.audio.resampler
import av.container
import av.filter
import av.video.frame

from . import videos
from .facts import UnsupportedVideo, gettext_noop

logger = logging.getLogger(__name__)

# The box the copy fits in (either way up): what a screen or a phone shows at most.
MAX_LONG_EDGE, MAX_SHORT_EDGE = 1920, 1080
X264_PRESET = "veryfast"
X264_CRF = 23
AUDIO_RATE = 48000
AUDIO_BIT_RATE = 128_000
# Filters that turn a frame upright, by its EXIF-style orientation (see videos.orientation_of).
_UPRIGHT = {6: ["transpose=clock"], 8: ["transpose=cclock"], 3: ["hflip", "vflip"]}


def playback_size(width: int, height: int) -> tuple[int, int]:
    """The copy's frame size for an upright `width`×`height` video: within the box, even."""
    long_edge, short_edge = max(width, height), min(width, height)
    scale = min(1.0, MAX_LONG_EDGE / long_edge, MAX_SHORT_EDGE / short_edge)
    return (max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2))


def make_playback_copy(
    source: IO[bytes], target: str, *, progress: Callable[[], None] | None = None
) -> None:
    """Write to the path `target` an H.264/AAC MP4 of the video in `source`.

    `progress()` is called as the work goes on (for each packet of video).
    Raises UnsupportedVideo if the video cannot be decoded.
    """
    demuxer = videos.demuxer_of(source)
    try:
        with (
            av.open(source, mode="r", format=demuxer) as inp,
            av.open(target, mode="w", format="mp4", options={"movflags": "+faststart"}) as out,
        ):
            _copy(inp, out, progress or (lambda: None))
    except UnsupportedVideo:
        raise
    except av.FFmpegError as err:
        raise UnsupportedVideo(
            gettext_noop("The video could not be converted for playback (%(why)s)."),
            {"why": err.strerror or err},
        ) from err


def _copy(
    inp: av.container.InputContainer,
    out: av.container.OutputContainer,
    progress: Callable[[], None],
) -> None:
    video_in = videos.video_stream(inp)
    audio_in = inp.streams.audio[0] if inp.streams.audio else None
    rate = video_in.average_rate or video_in.guessed_rate or Fraction(30)

    video_out = out.add_stream(
        "libx264", rate=rate, options={"preset": X264_PRESET, "crf": str(X264_CRF)}
    )
    video_out.pix_fmt = "yuv420p"
    # Frame threads, as the ffmpeg command line gives x264: PyAV's default (slices) makes
    # it cut each frame in two, slower and larger for the same quality.
    video_out.codec_context.thread_type = "FRAME"
    # The decoder's timestamps carry through: variable frame rates (phones) stay as shot.
    time_base = video_in.time_base or Fraction(1, 90000)
    video_out.time_base = time_base
    video_out.codec_context.time_base = time_base
    sound = _Sound(out) if audio_in is not None else None

    # The first video frame tells how to turn them upright (its display matrix), and the
    # encoder's frame size is fixed when the first packet is written: sound decoded before
    # that frame waits for it.
    graph: av.filter.Graph | None = None
    waiting: list[av.AudioFrame] = []
    streams: list[av.stream.Stream] = [video_in] if audio_in is None else [video_in, audio_in]
    for packet in inp.demux(*streams):
        for frame in packet.decode():
            if isinstance(frame, av.VideoFrame):
                progress()
                if graph is None:
                    graph = _graph(video_in, frame, video_out)
                graph.push(frame)
                _drain(graph, video_out, out)
                if sound is not None:
                    for early in waiting:
                        sound.encode(early)
                waiting.clear()
            elif isinstance(frame, av.AudioFrame) and sound is not None:
                if graph is None:
                    waiting.append(frame)
                else:
                    sound.encode(frame)
    if graph is None:
        raise UnsupportedVideo(gettext_noop("No frame of the video can be decoded."))
    graph.push(None)
    _drain(graph, video_out, out)
    out.mux(video_out.encode(None))
    if sound is not None:
        sound.finish()


class _Sound:
    """The copy's AAC track: any sound resampled to 48 kHz stereo, its samples numbered
    here from the first one's time (AVI's MP3 carries timestamps per frame of its own,
    which the encoder took for time running backwards)."""

    def __init__(self, container: av.container.OutputContainer) -> None:
        self._container = container
        self._stream = container.add_stream("aac", rate=AUDIO_RATE)
        self._stream.bit_rate = AUDIO_BIT_RATE
        self._stream.layout = "stereo"
        self._resampler = av.audio.resampler.AudioResampler(
            format="fltp", layout="stereo", rate=AUDIO_RATE
        )
        self._next: int | None = None

    def encode(self, frame: av.AudioFrame | None) -> None:
        if frame is not None and self._next is None:
            self._next = max(0, round((frame.time or 0) * AUDIO_RATE))
        for resampled in self._resampler.resample(frame):
            resampled.pts = self._next or 0
            resampled.time_base = Fraction(1, AUDIO_RATE)
            self._next = (self._next or 0) + resampled.samples
            self._container.mux(self._stream.encode(resampled))

    def finish(self) -> None:
        self.encode(None)
        self._container.mux(self._stream.encode(None))


def _graph(
    stream: av.video.stream.VideoStream, first: av.video.frame.VideoFrame, output: av.VideoStream
) -> av.filter.Graph:
    """Upright, scaled into the box, 8-bit 4:2:0: set up from the first decoded frame."""
    orientation = videos.orientation_of(first)
    width, height = first.width, first.height
    if orientation in {6, 8}:
        width, height = height, width
    width, height = playback_size(width, height)
    output.width, output.height = width, height
    graph = av.filter.Graph()
    chain = [graph.add_buffer(template=stream)]
    for spec in [*_UPRIGHT.get(orientation, []), f"scale={width}:{height}", "format=yuv420p"]:
        name, _, args = spec.partition("=")
        chain.append(graph.add(name, args))
    chain.append(graph.add("buffersink"))
    for before, after in zip(chain, chain[1:], strict=False):
        before.link_to(after)
    graph.configure()
    return graph


def _drain(
    graph: av.filter.Graph, output: av.VideoStream, container: av.container.OutputContainer
) -> None:
    while True:
        try:
            frame = graph.vpull()
        except (av.BlockingIOError, av.EOFError):
            return
        container.mux(output.encode(frame))
