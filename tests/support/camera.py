"""A fake camera for Chromium (--use-file-for-fake-video-capture): a Y4M video whose
frames show a document's QR code as it was rendered in its PDF (pdftoppm, then the code
cropped where zxing finds it), the way a guard's phone would see it held up."""

from __future__ import annotations

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps

WIDTH, HEIGHT = 640, 480


def qr_video(pdf: bytes, workdir: Path, name: str, frames: int = 4) -> tuple[Path, str]:
    """The video file, and the text its QR holds (as zxing reads it)."""
    (workdir / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", f"{name}.pdf", name],
        cwd=workdir,
        check=True,
    )
    page = Image.open(workdir / f"{name}.png").convert("L")
    (found,) = zxingcpp.read_barcodes(page)
    corners = [found.position.top_left, found.position.top_right]
    corners += [found.position.bottom_right, found.position.bottom_left]
    xs, ys = [p.x for p in corners], [p.y for p in corners]
    margin = (max(xs) - min(xs)) // 8  # the quiet zone around it
    box = (min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)
    qr = page.crop(box).resize((HEIGHT - 20, HEIGHT - 20), Image.Resampling.LANCZOS)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(qr, ((WIDTH - qr.width) // 2, 10))
    video = workdir / f"{name}.y4m"
    _write_y4m(video, ImageOps.autocontrast(frame), frames)
    return video, str(found.text)


def _write_y4m(path: Path, frame: Image.Image, count: int) -> None:
    """YUV 4:2:0: the grey picture as luma, the chroma planes neutral."""
    luma = frame.tobytes()
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(count):
            out.write(b"FRAME\n" + luma + chroma + chroma)
