"""Moving a directory written aside into place (``_base.directories``)."""

from yunpei_match._base.directories import replace_directory


def _written(path, text):
    path.mkdir()
    (path / "part-0").write_text(text)
    return path


def test_a_new_directory_is_moved_into_place(tmp_path):
    staging = _written(tmp_path / ".out.tmp", "new")
    replace_directory(staging, tmp_path / "out")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert (tmp_path / "out" / "part-0").read_text() == "new"


def test_a_full_directory_is_swapped_out_and_nothing_is_left_beside_it(tmp_path):
    _written(tmp_path / "out", "old")
    (tmp_path / "out" / "part-1").write_text("old")
    staging = _written(tmp_path / ".out.tmp", "new")
    replace_directory(staging, tmp_path / "out")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["part-0"]
    assert (tmp_path / "out" / "part-0").read_text() == "new"
