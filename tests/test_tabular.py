"""Bad files are refused with a message that says what is wrong and where."""

import io

import openpyxl
import pytest

from rasd.imports.errors import ImportRejected
from rasd.imports.tabular import MAX_CELL_CHARS, read_table

REQUIRED = ["Text", "To"]


def refused(data: bytes, name: str = "file.csv") -> str:
    with pytest.raises(ImportRejected) as exc:
        read_table(data, name=name, required=REQUIRED)
    return str(exc.value)


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_good_csv_is_read_with_spreadsheet_row_numbers():
    table = read_table(
        "Text,To\nRatify the convention,Morocco\n\n« Éduquer »,Maroc\n".encode(), name="a.csv", required=REQUIRED
    )
    assert [number for number, _ in table.rows] == [2, 4]
    assert table.rows[1][1]["Text"] == "« Éduquer »"


def test_a_semicolon_separated_csv_from_a_french_spreadsheet_is_read():
    table = read_table(b"Text;To\nRatifier;Maroc\n", name="a.csv", required=REQUIRED)
    assert table.rows[0][1] == {"Text": "Ratifier", "To": "Maroc"}


def test_an_arabic_file_in_windows_1256_is_refused_with_the_line():
    message = refused("Text,To\nمكافحة التعذيب,المغرب\n".encode("cp1256"))
    assert "not UTF-8" in message and "line 2" in message


def test_a_utf16_file_is_refused():
    assert "UTF-16" in refused("Text,To\nx,y\n".encode("utf-16"))


def test_an_empty_file_is_refused():
    assert "empty" in refused(b"")
    assert "empty" in refused(b"   \n")


def test_a_header_without_rows_is_refused():
    assert "no rows" in refused(b"Text,To\n")


def test_missing_columns_are_named():
    message = refused(b"Text,From\nx,y\n")
    assert "Missing columns: To" in message


def test_a_duplicated_column_is_refused():
    assert "appears twice" in refused(b"Text,To,To\nx,y,z\n")


def test_a_formula_in_a_csv_cell_is_refused_with_its_row_and_column():
    message = refused(b'Text,To\nok,Morocco\n"=HYPERLINK(""http://x"")",Morocco\n')
    assert "row 3" in message and "Text" in message and "formula" in message


def test_a_formula_in_an_xlsx_cell_is_refused():
    message = refused(xlsx([["Text", "To"], ["=1+1", "Morocco"]]), name="a.xlsx")
    assert "formula" in message and "row 2" in message


def test_a_huge_cell_is_refused():
    message = refused(f"Text,To\n{'a' * (MAX_CELL_CHARS + 1)},Morocco\n".encode())
    assert "row 2" in message and "characters" in message


def test_a_truncated_workbook_is_refused():
    data = xlsx([["Text", "To"], ["Ratify", "Morocco"]])
    assert "damaged or truncated" in refused(data[: len(data) // 2], name="a.xlsx")


def test_binary_data_is_refused():
    assert "binary" in refused(b"\x00\x01\x02garbage" * 10)


def test_an_unsupported_extension_is_refused():
    assert "Unsupported file type" in refused(b"%PDF-1.4", name="a.pdf")


def test_a_row_with_more_cells_than_the_header_is_refused():
    assert "row 2" in refused(b"Text,To\na,b,c\n")


def test_a_good_workbook_keeps_cell_types():
    table = read_table(xlsx([["Text", "To", "Date"], ["Ratify", "Morocco", 45000]]), name="a.xlsx", required=REQUIRED)
    assert table.rows == [(2, {"Text": "Ratify", "To": "Morocco", "Date": 45000})]
