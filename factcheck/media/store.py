"""Keeping a photo or video: check the bytes (type from the content, size, pixels, frames),
then store the original, a clean thumbnail, the metadata, the keyframes of a video and the
perceptual fingerprints — all or nothing.

Everything is computed before anything is written; files are written to the storage
(local or S3-compatible, see ``settings.STORAGES``) and the rows in one transaction, and
the files are removed again if the transaction fails: a refused or failed item leaves
nothing half-written."""

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from factcheck.media import hashing, images, metadata, video
from factcheck.media.errors import MediaRefused
from factcheck.models import Fingerprint, Keyframe, Media

log = logging.getLogger(__name__)

PREVIEW_SIZE = 1600  # the larger view's longest side
VIDEO_TOOLS_MISSING = "Video metadata and keyframes were skipped: ffmpeg is not installed on the server."


@dataclass
class _Frame:
    at_seconds: float
    data: bytes
    thumbnail: bytes
    sha256: str
    width: int
    height: int
    prints: list[tuple[str, int]]


@dataclass
class Prepared:
    """Everything we keep of an item, computed before anything is written."""

    kind: str
    data: bytes
    sha256: str
    mime: str
    width: int | None
    height: int | None
    thumbnail: bytes | None
    preview: bytes | None
    metadata: dict[str, Any]
    prints: list[tuple[str, int]] = field(default_factory=list)
    frames: list[_Frame] = field(default_factory=list)


def limit_bytes() -> int:
    return int(settings.MEDIA_MAX_BYTES)


def check_size(size: int) -> None:
    """Refuse before reading: a sentence with the size and the limit."""
    if size <= 0:
        raise MediaRefused("The file is empty (0 bytes).")
    limit = limit_bytes()
    if size > limit:
        said, allowed = f"{size / 1_000_000:.1f} MB", f"{limit / 1_000_000:.0f} MB"
        if f"{size / 1_000_000:.1f}" == f"{limit / 1_000_000:.1f}":  # rounding would hide the difference
            said, allowed = f"{size:,} bytes", f"{limit:,} bytes"
        raise MediaRefused(f"The file is {said}; the limit is {allowed} (MEDIA_MAX_BYTES).")


def _frame(at_seconds: float, data: bytes) -> _Frame:
    info = images.inspect_image(data, max_pixels=settings.MEDIA_MAX_PIXELS, max_frames=1)
    return _Frame(
        at_seconds, data, images.thumbnail(data), info.sha256, info.width, info.height,
        hashing.fingerprints(images.open_image(data)),
    )  # fmt: skip


def _prepare_video(data: bytes, sha256: str, mime: str) -> Prepared:
    if not video.tools_available():
        notice: dict[str, Any] = {"stripped": False, "video": None, "problems": [VIDEO_TOOLS_MISSING]}
        return Prepared(Media.Kind.VIDEO, data, sha256, mime, None, None, None, None, notice)
    with tempfile.TemporaryDirectory(prefix="factcheck-video-") as folder:
        path = os.path.join(folder, "upload")
        with open(path, "wb") as handle:
            handle.write(data)
        info = video.probe(path)
        frames = [_frame(at, jpeg) for at, jpeg in video.keyframes(path, max_frames=settings.MEDIA_KEYFRAMES)]
    details: dict[str, Any] = {
        "video": {
            "duration": info.duration, "video_codec": info.video_codec, "audio_codec": info.audio_codec,
            "creation_time": info.creation_time, "format": info.format_name,
        },
        "stripped": not info.creation_time,
        "problems": [] if frames else ["No frame could be read from the video."],
    }  # fmt: skip
    poster = frames[0] if frames else None
    return Prepared(
        Media.Kind.VIDEO, data, sha256, mime, info.width, info.height, poster.thumbnail if poster else None,
        images.thumbnail(poster.data, size=PREVIEW_SIZE) if poster else None, details, frames=frames,
    )  # fmt: skip


def prepare(data: bytes, filename: str = "") -> Prepared:
    """Check and analyse the bytes; raises MediaRefused with a sentence for people."""
    check_size(len(data))
    kind = images.sniff_kind(data, filename)
    sha256 = hashlib.sha256(data).hexdigest()
    if kind == "video":
        return _prepare_video(data, sha256, images.video_mime(data))
    info = images.inspect_image(data, max_pixels=settings.MEDIA_MAX_PIXELS, max_frames=settings.MEDIA_MAX_FRAMES)
    return Prepared(
        Media.Kind.IMAGE, data, sha256, info.mime, info.width, info.height, images.thumbnail(data),
        images.thumbnail(data, size=PREVIEW_SIZE), metadata.read_metadata(data),
        prints=hashing.fingerprints(images.open_image(data)),
    )  # fmt: skip


def _extension(mime: str) -> str:
    return {
        "image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
        "video/mp4": "mp4", "video/webm": "webm",
    }.get(mime, "bin")  # fmt: skip


def save(media: Media, prepared: Prepared, *, filename: str = "") -> Media:
    """Write the prepared item into ``media`` (saved or not): files, fields, keyframes and
    fingerprints, in one transaction; the files are removed if it fails."""
    written: list[Any] = []
    try:
        with transaction.atomic():
            media.kind, media.sha256, media.mime = prepared.kind, prepared.sha256, prepared.mime
            media.width, media.height, media.bytes = prepared.width, prepared.height, len(prepared.data)
            media.metadata, media.state, media.error = prepared.metadata, Media.State.STORED, ""
            media.filename = (filename or media.filename or "")[:255]
            media.original.save(f"original.{_extension(prepared.mime)}", ContentFile(prepared.data), save=False)
            written.append(media.original)
            for rendition, data in (("thumbnail", prepared.thumbnail), ("preview", prepared.preview)):
                if data is not None:
                    field = getattr(media, rendition)
                    field.save(f"{rendition}.jpg", ContentFile(data), save=False)
                    written.append(field)
            media.save()
            media.fingerprints.all().delete()
            media.keyframes.all().delete()
            rows = [Fingerprint(media=media, kind=kind, value=value) for kind, value in prepared.prints]
            for frame in prepared.frames:
                keyframe = Keyframe(
                    media=media, at_seconds=frame.at_seconds, sha256=frame.sha256, width=frame.width,
                    height=frame.height,
                )  # fmt: skip
                keyframe.image.save(f"frame-{frame.at_seconds:.2f}.jpg", ContentFile(frame.data), save=False)
                written.append(keyframe.image)
                keyframe.thumbnail.save(
                    f"frame-{frame.at_seconds:.2f}-thumb.jpg", ContentFile(frame.thumbnail), save=False
                )
                written.append(keyframe.thumbnail)
                keyframe.save()
                rows += [Fingerprint(media=media, keyframe=keyframe, kind=k, value=v) for k, v in frame.prints]
            Fingerprint.objects.bulk_create(rows)
    except Exception:
        for stored in written:
            stored.storage.delete(stored.name)
        raise
    return media


def record_failure(media: Media, message: str) -> None:
    """Say why an item could not be kept; it can be retried."""
    Media.objects.filter(pk=media.pk).update(state=Media.State.FAILED, error=message[:2000])
    media.state, media.error = Media.State.FAILED, message[:2000]
