import pytest

from bot.errors import DecodeError, KnowledgeError
from bot.textio import decode

SAMPLE = "2022年南昌市西湖区人民政府工作报告\n各位代表:"


@pytest.mark.parametrize("data, encoding", [
    (SAMPLE.encode("utf-8"), "utf-8-sig"),
    (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (SAMPLE.encode("gb18030"), "gb18030"),
    (SAMPLE.encode("gbk"), "gb18030"),
])
def test_decode_reads_utf8_with_or_without_bom_and_gb18030(data, encoding):
    text, used = decode(data, "r.txt")
    assert text == SAMPLE
    assert used == encoding


def test_decode_turns_windows_line_ends_into_newlines():
    assert decode("甲\r\n乙".encode(), "r.txt")[0] == "甲\n乙"


@pytest.mark.parametrize("data", [b"", b"   \n\n"])
def test_decode_empty_file_names_the_file(data):
    with pytest.raises(KnowledgeError, match="r.txt: the file is empty"):
        decode(data, "r.txt")


def test_decode_binary_file_names_the_file():
    with pytest.raises(DecodeError, match="bin.txt: cannot decode"):
        decode(bytes(range(128, 256)) * 4, "bin.txt")
