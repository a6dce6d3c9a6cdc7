"""Vietnamese text rules for administrative documents (Nghị định 30/2020/NĐ-CP).

Every rule that decides how a date, a document number or a list of names is
*spelled* lives here, so that templates never re-implement them and the whole
document follows one convention. All functions are pure: no I/O, no global
state, standard library only.

Text produced by these helpers is returned in Unicode NFC. Vietnamese can be
typed either precomposed (NFC, e.g. ``ả`` = U+1EA3) or decomposed (NFD,
``a`` + U+0309); the two look identical but compare unequal, break searching
and confuse fonts in office suites. Normalising at the boundary keeps the
output stable whatever keyboard/IME produced the input.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "DEFAULT_BLANK",
    "NBSP",
    "keep_names_together",
    "document_code",
    "document_number",
    "format_date",
    "format_short_date",
    "is_nfc",
    "join_names",
    "nfc",
    "roman",
    "short_date",
    "upper",
]

#: Placeholder left for the clerk (văn thư) to fill in by hand when a draft is
#: printed before it has a number or a signing date. Six spaces is wide enough
#: for a handwritten day or number while keeping the line visually intact.
DEFAULT_BLANK = "      "


# ---------------------------------------------------------------------------
# Unicode normalisation
# ---------------------------------------------------------------------------


def nfc(s: str) -> str:
    """Return ``s`` in Unicode Normalization Form C.

    NFC is the form Vietnamese government documents, fonts and search tools
    expect; NFD input (common from macOS file names and some IMEs) is
    converted so equal-looking strings are also equal code points.
    """
    return unicodedata.normalize("NFC", s)


def is_nfc(s: str) -> bool:
    """Return True if ``s`` is already NFC (cheap check, no copy)."""
    return unicodedata.is_normalized("NFC", s)


def upper(s: str) -> str:
    """Vietnamese uppercase, used for headers such as ``ỦY BAN NHÂN DÂN``.

    ``str.upper`` already knows every Vietnamese letter (including ``đ`` ->
    ``Đ``), but applied to NFD text it would leave the combining marks in
    decomposed form. Normalising before and after guarantees NFC output. It is
    a named helper so that every template uppercases by the same rule.
    """
    return nfc(nfc(s).upper())


#: A no-break space: prints as a space, never a line break.
NBSP = "\u00a0"
#: Administrative units that open a place name ("tỉnh Đồng Nai", "THÀNH PHỐ HỒ CHÍ MINH").
_UNITS = ("thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "xã", "phường", "đặc khu")
_UNIT_RE = re.compile(r"(?<!\w)(" + "|".join(u.replace(" ", r"\s+") for u in _UNITS) + r")\s+", re.IGNORECASE)


def keep_names_together(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with no-break spaces inside place names, so that a title or a
    header line wraps before "TỈNH ĐỒNG NAI", never inside it ("TỈNH ĐỒNG / NAI").

    A name is an administrative unit word followed by its proper name: in
    capitals, the next two words ("HUYỆN TAM ĐƯỜNG"); in running text, the
    following capitalised words ("tỉnh Đồng Nai").  ``names`` (the plan's
    places, e.g. "Hồ Chí Minh") are kept whole in any case.  Only the spaces
    change: the words print exactly as written.

    >>> keep_names_together("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI") == "ỦY BAN NHÂN DÂN TỈNH\u00a0ĐỒNG\u00a0NAI"
    True
    """
    text = nfc(text)
    for name in sorted({nfc(n) for n in names if n and " " in n.strip()}, key=len, reverse=True):
        words = [re.escape(w) for w in name.split()]
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
        text = pattern.sub(lambda m: NBSP.join(m.group(0).split()), text)

    out, at = [], 0
    for m in _UNIT_RE.finditer(text):
        if m.start() < at:
            continue
        rest = text[m.end():]
        upper_text = m.group(1).isupper()
        count = 0
        for w in re.findall(r"\S+", rest)[: 2 if upper_text else 4]:
            if not (upper_text or w[:1].isupper()) or (upper_text and not w.isupper()):
                break
            count += 1
            if not w[-1].isalnum():
                break
        if not count:
            continue
        # the end of the count-th word after the unit
        end = m.end() + [w.end() for w in re.finditer(r"\S+", rest)][count - 1]
        out.append(text[at:m.start()])
        out.append(NBSP.join(text[m.start():end].split()))
        at = end
    out.append(text[at:])
    return "".join(out)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def _check_int(name: str, value: object) -> None:
    # bool is a subclass of int; ``True`` as a day is always a bug upstream.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")


def _day_text(day: int) -> str:
    """Day as written in a document date: 1–9 get a leading zero.

    NĐ 30/2020, Phụ lục I: "những số chỉ ngày nhỏ hơn 10 ... phải ghi thêm số 0
    ở trước" — this stops a ``1`` from being turned into ``11`` by hand later.
    """
    return f"{day:02d}"


def _month_text(month: int) -> str:
    """Month as written in a document date: only January and February padded.

    NĐ 30/2020 requires the extra ``0`` for "tháng 1, 2" only, because those
    are the months that could be altered into ``11``/``12`` by adding a digit.
    Months 3–9 are written without a leading zero (``tháng 3``).
    """
    return f"{month:02d}" if month in (1, 2) else str(month)


def format_date(
    year: int,
    month: int | None = None,
    day: int | None = None,
    place: str | None = None,
    blank: str = DEFAULT_BLANK,
) -> str:
    """Format the "địa danh, ngày ... tháng ... năm ..." line of a document.

    >>> format_date(2025, 1, 3)
    'ngày 03 tháng 01 năm 2025'
    >>> format_date(2025, 3, 15, place="Tam Đường")
    'Tam Đường, ngày 15 tháng 3 năm 2025'

    A draft is printed before it is signed, so the day (and possibly the
    month) is unknown: those parts are replaced by ``blank`` so the clerk can
    write them in by hand. The blank replaces the number *and* the spaces
    around it, so the default six spaces give ``'ngày      tháng 3 năm 2025'``
    (six spaces between "ngày" and "tháng"); a custom blank should carry its
    own spacing, e.g. ``blank=" ... "``.

    Raises ValueError for dates that do not exist (day 0, month 13,
    2025-02-29 ...) — validated with :class:`datetime.date` so leap years are
    handled by the standard library — and for a day given without a month,
    which cannot be validated or meaningfully printed.

    ``place`` (địa danh) is stripped; an empty/blank place is treated as no
    place. The result is NFC.
    """
    _check_int("year", year)
    if month is not None:
        _check_int("month", month)
    if day is not None:
        _check_int("day", day)

    if month is None and day is not None:
        raise ValueError("a day cannot be given without a month")

    # Validate whatever is known; day 1 stands in for an unknown day, and
    # month 1 for an unknown month, so only the known parts are checked.
    datetime.date(year, month if month is not None else 1, day if day is not None else 1)

    # A known value is surrounded by single spaces; a blank *replaces* the
    # value together with those spaces, so the default six-space blank gives
    # exactly "ngày      tháng" (the same convention as "Số:      /KH-UBND").
    day_part = f" {_day_text(day)} " if day is not None else blank
    month_part = f" {_month_text(month)} " if month is not None else blank
    text = f"ngày{day_part}tháng{month_part}năm {year}"

    if place is not None and place.strip():
        text = f"{place.strip()}, {text}"
    return nfc(text)


def format_short_date(year: int, month: int, day: int, pad: bool = True) -> str:
    """Format a date in numeric form for citations, e.g. ``03/01/2025``.

    Citations of other documents ("Quyết định số 27/QĐ-TTg ngày 03/01/2025")
    are usually zero-padded (``pad=True``), but many issuers write the
    unpadded form (``11/3/2025``); ``pad=False`` reproduces that so a cited
    date can be copied exactly as the source document spells it.

    Raises ValueError for impossible dates.
    """
    _check_int("year", year)
    _check_int("month", month)
    _check_int("day", day)
    datetime.date(year, month, day)
    if pad:
        return f"{day:02d}/{month:02d}/{year}"
    return f"{day}/{month}/{year}"


def short_date(day: datetime.date) -> str:
    """``20/6/2025``: a date in running text — deadlines, cut-offs, submissions —
    unpadded, as reports and letters write it (every document uses this one)."""
    return format_short_date(day.year, day.month, day.day, pad=False)


# ---------------------------------------------------------------------------
# Document number and code (số, ký hiệu)
# ---------------------------------------------------------------------------


def _code_part(name: str, value: str) -> str:
    part = nfc(value).strip().upper()
    if not part:
        raise ValueError(f"{name} must not be empty")
    if "/" in part or any(ch.isspace() for ch in part):
        # "/" separates number from code; whitespace would split the code
        # across lines in the rendered header.
        raise ValueError(f"{name} must not contain '/' or whitespace: {value!r}")
    return part


def document_code(
    code: str | None,
    issuer_code: str,
    unit: str | None = None,
) -> str:
    """Build the ký hiệu (code) part of a document number.

    NĐ 30/2020 distinguishes two shapes:

    * a document with a type name (Kế hoạch, Quyết định ...): type
      abbreviation then issuer abbreviation — ``document_code("KH", "UBND")``
      -> ``'KH-UBND'``;
    * a công văn has no type abbreviation: issuer abbreviation then the
      drafting unit (or field) — ``document_code(None, "UBND", "VP")`` ->
      ``'UBND-VP'``.

    Parts are NFC-normalised, stripped, uppercased (so ``qđ`` -> ``QĐ``) and
    joined with ``-``. Empty/None ``code`` and ``unit`` are omitted; if both
    are given they are all joined in order (``KH-UBND-VP``), which some
    issuers use. ``issuer_code`` is mandatory.
    """
    parts: list[str] = []
    if code is not None and code.strip():
        parts.append(_code_part("code", code))
    parts.append(_code_part("issuer_code", issuer_code or ""))
    if unit is not None and unit.strip():
        parts.append(_code_part("unit", unit))
    return "-".join(parts)


def document_number(
    code: str | None,
    issuer_code: str,
    number: int | str | None = None,
    blank: str = DEFAULT_BLANK,
    unit: str | None = None,
) -> str:
    """Format the "Số: 05/KH-UBND" line.

    Numbers below 10 get one leading zero (NĐ 30/2020: "số nhỏ hơn 10 phải
    ghi thêm số 0 phía trước"), so ``5`` -> ``05``; 10 and above are written
    as is (``123``). A draft has no number yet — the clerk assigns it at
    issuance — so ``number=None`` leaves ``blank`` in its place:
    ``'Số:      /KH-UBND'``.

    A number given as digits in a string (``"0124"``) is printed as written:
    some registers print leading zeros.

    Raises ValueError for a number below 1 (registers start at 01).
    """
    doc_code = document_code(code, issuer_code, unit)
    if number is None:
        return f"Số:{blank}/{doc_code}"
    if isinstance(number, str) and number.isdigit() and int(number) >= 1:
        return f"Số: {number}/{doc_code}"  # as the register printed it ("0124")
    _check_int("number", number)
    assert isinstance(number, int)  # for the type checker: _check_int raised otherwise
    if number < 1:
        raise ValueError(f"document number must be >= 1, got {number}")
    return f"Số: {number:02d}/{doc_code}"


# ---------------------------------------------------------------------------
# Roman numerals (section headings: I. MỤC ĐÍCH, YÊU CẦU)
# ---------------------------------------------------------------------------

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(n: int) -> str:
    """Return ``n`` as an uppercase Roman numeral (1..3999).

    Level-1 headings of a plan are numbered I, II, III ... Standard
    subtractive notation is used (IV, IX, XL, CM). Outside 1..3999 there is
    no standard notation, so ValueError is raised.
    """
    _check_int("n", n)
    if not 1 <= n <= 3999:
        raise ValueError(f"roman numerals are defined for 1..3999, got {n}")
    out: list[str] = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


#: Letters used for lettered points (điểm) in Vietnamese documents, in order:
#: a, b, c, d, đ, e, g, h, i, k, l, m, n, o, p, q, r, s, t, u, v, x, y — no
#: ă/â/ê/ô/ơ/ư and no f, j, w, z (the order of Nghị định 30's examples and of
#: legal drafting, Luật Ban hành văn bản QPPL).
POINT_LETTERS = (
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
    "u", "v", "x", "y",
)


def letter(n: int, upper: bool = False) -> str:
    """The ``n``-th point letter (1 → ``a``, 5 → ``đ``, 6 → ``e``, 7 → ``g``);
    past ``y`` the letters double (``aa``, ``bb``…), as drafters do."""
    _check_int("n", n)
    if n < 1:
        raise ValueError(f"point letters start at 1, got {n}")
    count, index = divmod(n - 1, len(POINT_LETTERS))
    out = POINT_LETTERS[index] * (count + 1)
    return out.upper() if upper else out


# ---------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------


def join_names(names: list[str]) -> str:
    """Join names the Vietnamese way: ``A``, ``A và B``, ``A, B và C``.

    Vietnamese uses a comma between items and "và" before the last one, with
    no comma before "và" (no Oxford comma). An empty list gives ``""``.
    Names are used as given apart from NFC normalisation of the result.
    """
    items = list(names)
    if not items:
        return ""
    if len(items) == 1:
        return nfc(items[0])
    return nfc(", ".join(items[:-1]) + " và " + items[-1])
