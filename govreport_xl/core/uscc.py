"""统一社会信用代码 check character (GB 32100-2015)."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3**i mod 31


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> tuple[str, str] | None:
    """None when the code is valid, else (reason key, detail) for the M-03 message."""
    if len(code) != 18:
        return "uscc_length", str(len(code))
    bad = "".join(sorted({ch for ch in code if ch not in CHARSET}))
    if bad:
        return "uscc_chars", bad
    expected = check_character(code[:17])
    if code[17] != expected:
        return "uscc_check", expected
    return None
