from __future__ import annotations

from pathlib import Path

import pytest

from docketwatch.sudrf.encoding import CP1251, UTF8, decode_page, detect_encoding

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "sudrf"
TEXT = "<html><head><meta charset=windows-1251></head><body>Вынесен ПРИГОВОР</body></html>"


@pytest.mark.parametrize("page", sorted(GOLDEN.glob("*.html")), ids=lambda p: p.name)
def test_fixture_encoding_matches_its_name(page: Path) -> None:
    expected = UTF8 if ".utf8." in page.name else CP1251
    assert detect_encoding(page.read_bytes()) == expected
    # Every fixture says windows-1251 in its meta tag; the decoded text is right anyway.
    assert "charset=windows-1251" in decode_page(page.read_bytes())[0].replace('"', "'").lower()


def test_cp1251_and_utf8_decode_to_the_same_text() -> None:
    assert decode_page(TEXT.encode("cp1251"))[0] == TEXT
    assert decode_page(TEXT.encode("utf-8"))[0] == TEXT


def test_header_charset_does_not_override_bytes() -> None:
    assert decode_page(TEXT.encode("utf-8"), "windows-1251")[0] == TEXT
    assert decode_page(TEXT.encode("cp1251"), "utf-8")[0] == TEXT


def test_utf8_cut_inside_a_character_is_still_utf8() -> None:
    body = TEXT.encode("utf-8")
    cut = body[: body.index("ПРИГОВОР".encode()) + 1]  # half of "П"
    assert detect_encoding(cut) == UTF8
    assert decode_page(cut)[0].endswith("Вынесен \ufffd")


def test_utf8_with_a_damaged_byte_is_still_utf8() -> None:
    body = bytearray(("Судебное делопроизводство " * 50).encode("utf-8"))
    body[100] = 0xFF
    assert detect_encoding(bytes(body)) == UTF8


def test_bom_and_ascii() -> None:
    assert decode_page(b"\xef\xbb\xbf<html>x</html>")[0] == "<html>x</html>"
    assert detect_encoding(b"<html></html>") == CP1251
    assert detect_encoding(b"<html></html>", "UTF-8") == UTF8
    assert decode_page(b"<html></html>")[0] == "<html></html>"


def test_undefined_cp1251_byte_does_not_raise() -> None:
    # 0x98 is unassigned in windows-1251
    assert decode_page("Суд".encode("cp1251") + b"\x98")[0] == "Суд\ufffd"
