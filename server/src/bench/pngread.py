"""The one PNG reader of the benchmark scripts (map.sh, choropleth.sh): standard library only, 8-bit PNGs.

The scripts write their Python helpers under var/bench/ and run them with this directory on PYTHONPATH, so both check
images with the same decoder: a fix to filtering or a colour type is made once.
"""
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Bytes per pixel of each colour type this reader decodes (bit depth 8): grey, RGB, palette, grey + alpha, RGBA.
_BPP = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def header(data):
    """(width, height, bit depth, colour type) from the IHDR chunk, or None if the bytes are not a PNG."""
    if data[:8] != SIGNATURE or len(data) < 26:
        return None
    w, h, depth, ctype = struct.unpack(">IIBB", data[16:26])
    return w, h, depth, ctype


def rgba(data):
    """(width, height, RGBA bytes, 4 a pixel row by row) of a non-interlaced 8-bit PNG of any colour type, or None
    if the bytes are not a PNG or have another depth or interlacing."""
    if data[:8] != SIGNATURE:
        return None
    pos, idat, w, h, depth, ctype, interlace, plte, trns = 8, [], 0, 0, 0, 0, 0, b"", b""
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            interlace = chunk[12]
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"PLTE":
            plte = chunk
        elif kind == b"tRNS":
            trns = chunk
        elif kind == b"IEND":
            break
        pos += 12 + length
    bpp = _BPP.get(ctype)
    if depth != 8 or interlace or bpp is None:
        return None
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    out = bytearray(w * h * 4)
    for r in range(h):
        f = raw[r * (stride + 1)]
        line = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif f == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        o = r * w * 4
        if ctype == 6:
            out[o:o + stride] = line
        elif ctype == 2:
            for i in range(w):
                out[o + 4 * i:o + 4 * i + 3] = line[3 * i:3 * i + 3]
                out[o + 4 * i + 3] = 255
        elif ctype == 3:
            for i in range(w):
                k = line[i]
                out[o + 4 * i:o + 4 * i + 3] = plte[3 * k:3 * k + 3]
                out[o + 4 * i + 3] = trns[k] if k < len(trns) else 255
        else:
            for i in range(w):
                g = line[i * (bpp)]
                out[o + 4 * i:o + 4 * i + 3] = bytes((g, g, g))
                out[o + 4 * i + 3] = line[i * bpp + 1] if bpp == 2 else 255
        prev = line
    return w, h, bytes(out)


def drawn_share(img):
    """Share of an rgba() image's pixels that are not fully transparent."""
    w, h, px = img
    return sum(1 for k in range(3, len(px), 4) if px[k]) / (w * h) if w and h else 0.0
