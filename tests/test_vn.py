"""Tests for kehoach.vn — Vietnamese text rules (NĐ 30/2020/NĐ-CP)."""

from __future__ import annotations

import doctest
import unicodedata

import pytest

from kehoach import vn
from kehoach.vn import (
    document_code,
    document_number,
    format_date,
    format_short_date,
    is_nfc,
    join_names,
    nfc,
    roman,
    short_date,
    upper,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


BLANK = "      "


# ---------------------------------------------------------------------------
# format_date
# ---------------------------------------------------------------------------


class TestFormatDate:
    @pytest.mark.parametrize(
        ("year", "month", "day", "expected"),
        [
            (2025, 1, 3, "ngày 03 tháng 01 năm 2025"),
            (2025, 3, 15, "ngày 15 tháng 3 năm 2025"),
            (2025, 2, 5, "ngày 05 tháng 02 năm 2025"),
            (2025, 12, 31, "ngày 31 tháng 12 năm 2025"),
            (2025, 1, 1, "ngày 01 tháng 01 năm 2025"),
            (2025, 1, 9, "ngày 09 tháng 01 năm 2025"),
            (2025, 1, 10, "ngày 10 tháng 01 năm 2025"),
            (2025, 2, 28, "ngày 28 tháng 02 năm 2025"),
            (2025, 3, 1, "ngày 01 tháng 3 năm 2025"),
            (2025, 9, 2, "ngày 02 tháng 9 năm 2025"),
            (2025, 10, 20, "ngày 20 tháng 10 năm 2025"),
            (2025, 11, 11, "ngày 11 tháng 11 năm 2025"),
        ],
    )
    def test_leading_zero_rules(self, year, month, day, expected):
        assert format_date(year, month, day) == expected

    @pytest.mark.parametrize("month", range(3, 13))
    def test_months_3_to_12_never_padded(self, month):
        assert format_date(2025, month, 1) == f"ngày 01 tháng {month} năm 2025"
        assert f"tháng 0{month}" not in format_date(2025, month, 1)

    @pytest.mark.parametrize("day", range(1, 10))
    def test_days_1_to_9_padded(self, day):
        assert format_date(2025, 3, day) == f"ngày 0{day} tháng 3 năm 2025"

    def test_with_place(self):
        assert (
            format_date(2025, 1, 3, place="Tam Đường")
            == "Tam Đường, ngày 03 tháng 01 năm 2025"
        )

    def test_place_is_stripped(self):
        assert (
            format_date(2025, 3, 15, place="  Lai Châu ")
            == "Lai Châu, ngày 15 tháng 3 năm 2025"
        )

    @pytest.mark.parametrize("place", ["", "   "])
    def test_empty_place_means_no_place(self, place):
        assert format_date(2025, 3, 15, place=place) == "ngày 15 tháng 3 năm 2025"

    def test_place_nfd_is_normalised(self):
        out = format_date(2025, 3, 15, place=nfd("Tam Đường"))
        assert out == "Tam Đường, ngày 15 tháng 3 năm 2025"
        assert is_nfc(out)

    def test_draft_without_day(self):
        assert format_date(2025, 3) == "ngày      tháng 3 năm 2025"
        assert format_date(2025, 3) == "ngày" + BLANK + "tháng 3 năm 2025"
        assert format_date(2025, 3, None) == "ngày" + " " * 6 + "tháng 3 năm 2025"

    def test_draft_without_day_pads_month_1_2(self):
        assert format_date(2025, 1) == "ngày      tháng 01 năm 2025"
        assert format_date(2025, 2) == "ngày      tháng 02 năm 2025"

    def test_draft_without_day_and_month(self):
        assert format_date(2025) == "ngày      tháng      năm 2025"

    def test_draft_with_place(self):
        assert (
            format_date(2025, 3, place="Tam Đường")
            == "Tam Đường, ngày      tháng 3 năm 2025"
        )

    def test_custom_blank(self):
        assert format_date(2025, 3, blank=" ... ") == "ngày ... tháng 3 năm 2025"
        assert format_date(2025, blank=" __ ") == "ngày __ tháng __ năm 2025"
        assert format_date(2025, 3, blank="") == "ngàytháng 3 năm 2025"

    def test_default_blank_is_six_spaces(self):
        assert vn.DEFAULT_BLANK == " " * 6

    def test_leap_year_valid(self):
        assert format_date(2024, 2, 29) == "ngày 29 tháng 02 năm 2024"
        assert format_date(2000, 2, 29) == "ngày 29 tháng 02 năm 2000"

    @pytest.mark.parametrize(
        ("year", "month", "day"),
        [
            (2025, 2, 29),  # not a leap year
            (1900, 2, 29),  # century, not a leap year
            (2025, 2, 30),
            (2025, 4, 31),
            (2025, 13, 1),
            (2025, 0, 1),
            (2025, 1, 0),
            (2025, 1, 32),
            (2025, 1, -1),
        ],
    )
    def test_impossible_dates_raise(self, year, month, day):
        with pytest.raises(ValueError):
            format_date(year, month, day)

    @pytest.mark.parametrize("month", [0, 13, -1])
    def test_invalid_month_in_draft_raises(self, month):
        with pytest.raises(ValueError):
            format_date(2025, month)

    def test_day_without_month_raises(self):
        with pytest.raises(ValueError):
            format_date(2025, None, 3)

    def test_non_int_rejected(self):
        with pytest.raises(TypeError):
            format_date(2025, "3", 1)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            format_date(2025, 3, True)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# format_short_date
# ---------------------------------------------------------------------------


class TestFormatShortDate:
    def test_padded(self):
        assert format_short_date(2025, 1, 3) == "03/01/2025"
        assert format_short_date(2025, 3, 11) == "11/03/2025"
        assert format_short_date(2025, 12, 31) == "31/12/2025"

    def test_unpadded(self):
        assert format_short_date(2025, 1, 3, pad=False) == "3/1/2025"
        assert format_short_date(2025, 3, 11, pad=False) == "11/3/2025"
        assert format_short_date(2025, 12, 31, pad=False) == "31/12/2025"

    def test_day_first_order(self):
        # Vietnamese order is dd/mm/yyyy, not mm/dd/yyyy.
        assert format_short_date(2025, 2, 13) == "13/02/2025"

    def test_leap_day(self):
        assert format_short_date(2024, 2, 29) == "29/02/2024"
        with pytest.raises(ValueError):
            format_short_date(2025, 2, 29)

    @pytest.mark.parametrize(("m", "d"), [(13, 1), (0, 1), (1, 0), (2, 30)])
    def test_invalid(self, m, d):
        with pytest.raises(ValueError):
            format_short_date(2025, m, d)


# ---------------------------------------------------------------------------
# document_code / document_number
# ---------------------------------------------------------------------------


class TestDocumentCode:
    def test_typed_document(self):
        assert document_code("KH", "UBND") == "KH-UBND"

    def test_cong_van_none_code(self):
        assert document_code(None, "UBND", "VP") == "UBND-VP"

    def test_cong_van_empty_code(self):
        assert document_code("", "UBND", unit="VP") == "UBND-VP"

    def test_uppercased_and_stripped(self):
        assert document_code(" kh ", "ubnd") == "KH-UBND"

    def test_vietnamese_abbreviation_uppercased(self):
        assert document_code("qđ", "ttg") == "QĐ-TTG"
        assert document_code(nfd("QĐ"), "TTg".upper()) == "QĐ-TTG"
        assert is_nfc(document_code(nfd("qđ"), "ubnd"))

    def test_issuer_only(self):
        assert document_code(None, "UBND") == "UBND"

    def test_all_parts(self):
        assert document_code("KH", "UBND", "VP") == "KH-UBND-VP"

    @pytest.mark.parametrize("issuer", ["", "   "])
    def test_empty_issuer_raises(self, issuer):
        with pytest.raises(ValueError):
            document_code("KH", issuer)

    @pytest.mark.parametrize("bad", ["K/H", "K H"])
    def test_bad_characters_raise(self, bad):
        with pytest.raises(ValueError):
            document_code(bad, "UBND")


class TestDocumentNumber:
    @pytest.mark.parametrize(
        ("number", "expected"),
        [
            (1, "Số: 01/KH-UBND"),
            (5, "Số: 05/KH-UBND"),
            (9, "Số: 09/KH-UBND"),
            (10, "Số: 10/KH-UBND"),
            (99, "Số: 99/KH-UBND"),
            (123, "Số: 123/KH-UBND"),
            (1005, "Số: 1005/KH-UBND"),
        ],
    )
    def test_numbers(self, number, expected):
        assert document_number("KH", "UBND", number) == expected

    def test_draft_number(self):
        assert document_number("KH", "UBND") == "Số:      /KH-UBND"
        assert document_number("KH", "UBND", None) == "Số:" + BLANK + "/KH-UBND"

    def test_draft_custom_blank(self):
        assert document_number("KH", "UBND", blank="...") == "Số:.../KH-UBND"

    def test_cong_van(self):
        assert document_number(None, "UBND", 12, unit="VP") == "Số: 12/UBND-VP"
        assert document_number("", "UBND", 3, unit="VP") == "Số: 03/UBND-VP"

    def test_cong_van_draft(self):
        assert document_number(None, "UBND", unit="VP") == "Số:      /UBND-VP"

    def test_codes_uppercased(self):
        assert document_number("qđ", "ubnd", 7) == "Số: 07/QĐ-UBND"

    @pytest.mark.parametrize("number", [0, -1])
    def test_non_positive_raises(self, number):
        with pytest.raises(ValueError):
            document_number("KH", "UBND", number)

    def test_non_int_raises(self):
        with pytest.raises(TypeError):
            document_number("KH", "UBND", 5.0)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            document_number("KH", "UBND", "5a")  # type: ignore[arg-type]

    def test_digits_as_text_print_as_the_register_wrote_them(self):
        assert document_number("KH", "UBND", "0124") == "Số: 0124/KH-UBND"
        assert document_number("KH", "UBND", "5") == "Số: 5/KH-UBND"


# ---------------------------------------------------------------------------
# roman
# ---------------------------------------------------------------------------


class TestRoman:
    @pytest.mark.parametrize(
        ("n", "expected"),
        [
            (1, "I"),
            (2, "II"),
            (3, "III"),
            (4, "IV"),
            (5, "V"),
            (6, "VI"),
            (8, "VIII"),
            (9, "IX"),
            (10, "X"),
            (14, "XIV"),
            (19, "XIX"),
            (40, "XL"),
            (44, "XLIV"),
            (49, "XLIX"),
            (90, "XC"),
            (400, "CD"),
            (500, "D"),
            (900, "CM"),
            (1999, "MCMXCIX"),
            (2025, "MMXXV"),
            (3888, "MMMDCCCLXXXVIII"),
            (3999, "MMMCMXCIX"),
        ],
    )
    def test_values(self, n, expected):
        assert roman(n) == expected

    @pytest.mark.parametrize("n", [0, -1, 4000, 10_000])
    def test_out_of_range(self, n):
        with pytest.raises(ValueError):
            roman(n)

    def test_non_int(self):
        with pytest.raises(TypeError):
            roman(True)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            roman(1.0)  # type: ignore[arg-type]

    def test_round_trip_all(self):
        values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

        def parse(r: str) -> int:
            total = 0
            for a, b in zip(r, r[1:] + " "):
                v = values[a]
                total += -v if b != " " and values[b] > v else v
            return total

        seen = set()
        for n in range(1, 4000):
            r = roman(n)
            assert parse(r) == n
            assert "IIII" not in r and "XXXX" not in r and "CCCC" not in r
            seen.add(r)
        assert len(seen) == 3999


def test_short_date_is_the_unpadded_running_text_form():
    import datetime
    assert short_date(datetime.date(2025, 6, 20)) == "20/6/2025"
    assert short_date(datetime.date(2024, 12, 5)) == "5/12/2024"


# ---------------------------------------------------------------------------
# nfc / is_nfc / upper
# ---------------------------------------------------------------------------


class TestNormalisation:
    def test_nfc_composes(self):
        decomposed = "Tam \u0110u\u031bo\u031b\u0300ng"  # Đường in NFD
        assert nfc(decomposed) == "Tam Đường"
        assert len(nfc(decomposed)) == len("Tam Đường") == 9

    def test_nfc_idempotent(self):
        assert nfc("Tam Đường") == "Tam Đường"
        assert nfc(nfc(nfd("Ủy ban"))) == "Ủy ban"

    def test_is_nfc(self):
        assert is_nfc("Tam Đường") is True
        assert is_nfc(nfd("Tam Đường")) is False
        assert is_nfc("ascii only") is True
        assert is_nfc("") is True

    def test_upper(self):
        assert upper("ủy ban nhân dân") == "ỦY BAN NHÂN DÂN"
        assert upper("huyện tam đường") == "HUYỆN TAM ĐƯỜNG"
        assert upper("quyết định") == "QUYẾT ĐỊNH"

    def test_upper_nfd_input_gives_nfc(self):
        out = upper(nfd("huyện tam đường"))
        assert out == "HUYỆN TAM ĐƯỜNG"
        assert is_nfc(out)

    def test_upper_already_upper(self):
        assert upper("MỤC ĐÍCH, YÊU CẦU") == "MỤC ĐÍCH, YÊU CẦU"


# ---------------------------------------------------------------------------
# join_names
# ---------------------------------------------------------------------------


class TestJoinNames:
    def test_empty(self):
        assert join_names([]) == ""

    def test_one(self):
        assert join_names(["Phòng Y tế"]) == "Phòng Y tế"

    def test_two(self):
        assert join_names(["A", "B"]) == "A và B"

    def test_three(self):
        assert join_names(["A", "B", "C"]) == "A, B và C"

    def test_four_no_oxford_comma(self):
        out = join_names(["A", "B", "C", "D"])
        assert out == "A, B, C và D"
        assert ", và" not in out

    def test_vietnamese_names(self):
        assert (
            join_names(["Phòng Y tế", "Phòng Văn hóa", "UBND các xã"])
            == "Phòng Y tế, Phòng Văn hóa và UBND các xã"
        )

    def test_nfd_names_normalised(self):
        out = join_names([nfd("Bản Bo"), nfd("Tả Lèng")])
        assert out == "Bản Bo và Tả Lèng"
        assert is_nfc(out)

    def test_accepts_tuple(self):
        assert join_names(("A", "B")) == "A và B"  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Docstring examples stay true
# ---------------------------------------------------------------------------


def test_module_doctests():
    result = doctest.testmod(vn, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
