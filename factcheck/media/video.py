"""Videos through ffprobe and ffmpeg (Debian's packages): what a file holds, and a few frames
to look at and fingerprint, taken where the picture changes (scene cuts).

Both tools run without a shell, with a timeout, on a local path only: the ``file:``
protocol and a short list of demuxers (MP4/MOV, Matroska/WebM, AVI, MPEG-TS) are all they
may use, so that a crafted file (say, a playlist disguised as a video) cannot make them
read other files or the network.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Any

from factcheck.media.errors import MediaRefused

PROBE_TIMEOUT = 30
_SAFE_INPUT = ["-protocol_whitelist", "file", "-format_whitelist", "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts"]
_PTS_TIME = re.compile(r"\bpts_time:\s*(-?[0-9.]+)")
_MAX_SIDE = 1280  # keyframes are scaled down to this longest side (never up)


@dataclass(frozen=True)
class VideoInfo:
    duration: float | None  # seconds
    width: int  # as displayed (a phone's rotation applied)
    height: int
    video_codec: str
    audio_codec: str
    creation_time: str  # as the file says (often absent or rewritten by the app that shared it)
    format_name: str


def tools_available() -> bool:
    return bool(shutil.which("ffprobe") and shutil.which("ffmpeg"))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"{name} is not installed (Debian: apt-get install ffmpeg)")
    return path


def _input(path: str) -> str:
    """``file:`` plus an absolute path: never read as an option or as another protocol's address."""
    return "file:" + os.path.abspath(path)


def _run(command: list[str], timeout: int, what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
            command, capture_output=True, text=True, errors="replace", timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise MediaRefused(f"{what} took longer than {timeout} seconds; the file was refused.") from None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number >= 0 else None  # NaN and negative mean unknown


def _rotation(stream: dict[str, Any]) -> int:
    """A phone's rotation (display matrix or the older "rotate" tag), in degrees."""
    sides = [side.get("rotation") for side in stream.get("side_data_list") or [] if isinstance(side, dict)]
    for value in [*sides, (stream.get("tags") or {}).get("rotate")]:
        if value is None:
            continue
        try:
            return int(abs(float(value))) % 360
        except (TypeError, ValueError, OverflowError):
            continue
    return 0


def probe(path: str) -> VideoInfo:
    """What the file holds; MediaRefused if it is unreadable or has no video stream."""
    command = [_tool("ffprobe"), "-v", "error", *_SAFE_INPUT, "-print_format", "json", "-show_format", "-show_streams"]
    result = _run([*command, _input(path)], PROBE_TIMEOUT, "Reading this video")
    try:
        found = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        found = {}
    if result.returncode != 0 or not isinstance(found, dict) or "format" not in found:
        raise MediaRefused("This file could not be read as a video (it may be damaged or in a format we cannot read).")
    streams = [s for s in found.get("streams") or [] if isinstance(s, dict)]
    pictures = [
        s for s in streams if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    if not pictures:
        raise MediaRefused("This file has no video stream (it may be sound only); only videos and photos are accepted.")
    video, container = pictures[0], found["format"]
    audio = next((s for s in streams if s.get("codec_type") == "audio"), {})
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if _rotation(video) % 180 == 90:
        width, height = height, width
    tags = {**(video.get("tags") or {}), **(container.get("tags") or {})}
    return VideoInfo(
        duration=_number(container.get("duration")) or _number(video.get("duration")),
        width=width,
        height=height,
        video_codec=str(video.get("codec_name") or ""),
        audio_codec=str(audio.get("codec_name") or ""),
        creation_time=str(tags.get("creation_time") or "")[:64],
        format_name=str(container.get("format_name") or ""),
    )


def keyframes(path: str, *, max_frames: int = 6, scene: float = 0.3, timeout: int = 60) -> list[tuple[float, bytes]]:
    """(seconds from the start, JPEG bytes) of the first frame and of frames where the scene
    changes by more than ``scene`` (0-1, ffmpeg's scene score), at most ``max_frames``."""
    if max_frames < 1:
        return []
    selector = f"select='eq(n\\,0)+gt(scene\\,{scene:.3f})',showinfo"
    scale = f"scale='min(iw,{_MAX_SIDE})':'min(ih,{_MAX_SIDE})':force_original_aspect_ratio=decrease"
    with tempfile.TemporaryDirectory(prefix="factcheck-frames-") as folder:
        command = [
            _tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "info", *_SAFE_INPUT, "-i", _input(path),
            "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", f"{selector},{scale}", "-fps_mode", "vfr",
            "-frames:v", str(max_frames), "-q:v", "3", os.path.join(folder, "frame-%03d.jpg"),
        ]  # fmt: skip
        result = _run(command, timeout, "Extracting frames from this video")
        names = sorted(name for name in os.listdir(folder) if name.endswith(".jpg"))
        if result.returncode != 0 and not names:
            if "matches no streams" in result.stderr:
                raise MediaRefused("This file has no video stream (it may be sound only).")
            raise MediaRefused("No frame could be read from this video (it may be damaged).")
        times = [float(t) for t in _PTS_TIME.findall(result.stderr)]
        start = times[0] if times else 0.0
        frames = []
        for number, name in enumerate(names):
            at = round(max(0.0, times[number] - start), 3) if number < len(times) else float(number)
            with open(os.path.join(folder, name), "rb") as handle:
                frames.append((at, handle.read()))
    return frames
