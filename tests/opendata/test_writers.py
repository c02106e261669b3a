"""The files' own checks find what a broken file would have wrong."""

from __future__ import annotations

from opendata.writers import check_csv, check_json, csv_cell


def test_a_csv_whose_header_width_or_count_differs_is_invalid(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("code,title\nA,B\nC\n", encoding="utf-8")
    errors = check_csv(path, names=["code", "name"], records=3)
    assert any("header" in e for e in errors)
    assert any("line 3" in e for e in errors)
    assert any("2 rows read, 3 written" in e for e in errors)


def test_a_json_file_with_a_broken_record_or_other_keys_is_invalid(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(
        '{"dataset": "x", "records": [\n{"code": "A"},\n{"code": \n{"other": 1}\n]}\n',
        encoding="utf-8",
    )
    errors = check_json(path, names=["code"], records=3)
    assert any(e.startswith("record 2:") for e in errors)
    assert any("keys" in e for e in errors)
    good = tmp_path / "y.json"
    good.write_text('{"dataset": "y", "records": [\n{"code": "A"}\n]}\n', encoding="utf-8")
    assert check_json(good, names=["code"], records=1) == []


def test_csv_cells_are_plain_values_and_lists_joined():
    assert csv_cell(None) == ""
    assert csv_cell(True) == "true"
    assert csv_cell(["A", "B"]) == "A;B"
