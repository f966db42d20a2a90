"""Colour science for the palette's checks (pure, no Plotly): hex and sRGB, CIELAB, the CIEDE2000
colour difference, simulated colour-vision deficiency and WCAG contrast.

Every colour here is an sRGB hex string "#RRGGBB"; the arithmetic is plain floats, no dependencies."""

from __future__ import annotations

import math
from collections.abc import Sequence

Rgb = tuple[float, float, float]  # channels in [0, 1]
Lab = tuple[float, float, float]

VISIONS = ("normal", "protanopia", "deuteranopia", "tritanopia")

# Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of Color Vision
# Deficiency", IEEE TVCG 15(6): the matrices for dichromacy (severity 1.0), applied to linear RGB.
_MACHADO: dict[str, tuple[Rgb, Rgb, Rgb]] = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}

# IEC 61966-2-1 (sRGB): linear RGB to CIE XYZ, D65 white; and the D65 white point (Y = 1).
_TO_XYZ = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
_WHITE = (0.95047, 1.0, 1.08883)


def hex_to_rgb(colour: str) -> Rgb:
    """A "#RRGGBB" colour (any case) as three channels in [0, 1]."""
    text = colour.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return (int(text[0:2], 16) / 255, int(text[2:4], 16) / 255, int(text[4:6], 16) / 255)


def rgb_to_hex(rgb: Sequence[float]) -> str:
    """Three channels in [0, 1] as "#RRGGBB" (clipped, rounded to 8 bits)."""
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02X}" for c in rgb)


def to_linear(c: float) -> float:
    """An sRGB channel's linear light (IEC 61966-2-1 transfer function, as WCAG 2.2 uses it)."""
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def from_linear(c: float) -> float:
    """The inverse of `to_linear`."""
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _apply(matrix: Sequence[Sequence[float]], v: Sequence[float]) -> Rgb:
    return (
        matrix[0][0] * v[0] + matrix[0][1] * v[1] + matrix[0][2] * v[2],
        matrix[1][0] * v[0] + matrix[1][1] * v[1] + matrix[1][2] * v[2],
        matrix[2][0] * v[0] + matrix[2][1] * v[1] + matrix[2][2] * v[2],
    )


def lab(colour: str) -> Lab:
    """CIELAB (CIE 15:2004) of an sRGB colour: linearised, to XYZ under D65, then L*, a*, b*."""
    xyz = _apply(_TO_XYZ, [to_linear(c) for c in hex_to_rgb(colour)])

    def f(t: float) -> float:
        delta = 6 / 29
        return t ** (1 / 3) if t > delta**3 else t / (3 * delta**2) + 4 / 29

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, _WHITE, strict=True))
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def ciede2000(lab1: Lab, lab2: Lab) -> float:
    """The CIEDE2000 colour difference ΔE00 (kL = kC = kH = 1), following the equations and the
    implementation notes of Sharma, Wu & Dalal (2005), "The CIEDE2000 Color-Difference Formula",
    Color Research and Application 30(1): 21-30 (the mean hue and Δh rules of their eqs. 10 and 14)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0

    dlp = l2 - l1
    dcp = c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    dhp_big = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))

    lp_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_bar = (h1p + h2p + 360) / 2
    else:
        hp_bar = (h1p + h2p - 360) / 2

    t = (
        1
        - 0.17 * math.cos(math.radians(hp_bar - 30))
        + 0.24 * math.cos(math.radians(2 * hp_bar))
        + 0.32 * math.cos(math.radians(3 * hp_bar + 6))
        - 0.20 * math.cos(math.radians(4 * hp_bar - 63))
    )
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (lp_bar - 50) ** 2 / math.sqrt(20 + (lp_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (dhp_big / s_h) ** 2 + r_t * (dcp / s_c) * (dhp_big / s_h))


def simulate(colour: str, vision: str) -> str:
    """`colour` as a reader with `vision` sees it: one of VISIONS ("normal" returns it unchanged).
    Machado et al. (2009) at severity 1.0, applied in linear RGB and clipped to [0, 1]."""
    if vision == "normal":
        return colour
    linear = _apply(_MACHADO[vision], [to_linear(c) for c in hex_to_rgb(colour)])
    return rgb_to_hex([from_linear(min(max(c, 0.0), 1.0)) for c in linear])


def distance(colour1: str, colour2: str, vision: str = "normal") -> float:
    """ΔE00 between two colours as a reader with `vision` sees them."""
    return ciede2000(lab(simulate(colour1, vision)), lab(simulate(colour2, vision)))


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance: 0.2126 R + 0.7152 G + 0.0722 B of the linearised channels."""
    r, g, b = (to_linear(c) for c in hex_to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(colour1: str, colour2: str) -> float:
    """WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05), the lighter colour on top: 1 to 21."""
    high, low = sorted((luminance(colour1), luminance(colour2)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: str, alpha: float, background: str) -> str:
    """`colour` drawn at opacity `alpha` over `background` (sRGB compositing, as browsers do)."""
    top, bottom = hex_to_rgb(colour), hex_to_rgb(background)
    return rgb_to_hex([alpha * t + (1 - alpha) * b for t, b in zip(top, bottom, strict=True)])
