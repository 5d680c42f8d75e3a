"""Files the command line writes get a normal user file's permissions.

Every writer goes through :func:`loaders.exports.atomic_write_bytes` or
:func:`loaders.exports.atomic_output` (a temporary file, then a rename): the
result has mode 0666 less the umask, as any file the user writes, never the
0600 of :func:`tempfile.mkstemp`, and no temporary file is left behind.
"""

from __future__ import annotations

import os
import stat

import pytest
from typer.testing import CliRunner

from dashboard.cli import app

ROSTER_CSV = (
    "Event,District,County,CDS Code,Role,Status,Name,Email\n"
    "CALMI-2015-SYMP,Oakland Unified,Alameda,01612590000000,Superintendent,"
    "Applied,A,a@example.org\n"
    "CALMI-2015-SYMP,Alameda Unified,Alameda,01611190000000,Board member,"
    "Applied,B,b@example.org\n"
    "CALMI-2015-SYMP,San Diego Unified,San Diego,,Superintendent,"
    "Attended,C,c@example.org\n"
    "CALMI-2015-SYMP,Fresno Unified,Fresno,10621660000000,Superintendent,"
    "Applied,D,d@example.org\n"
)

# (command line with {d} for the output folder, files the command writes)
WRITERS = [
    ("demo-roster --out {d}/demo.csv", ["demo.csv"]),
    ("demo-roster --out {d}/demo.xlsx", ["demo.xlsx"]),
    ("match {d}/roster.csv --out {d}/matched.csv", ["matched.csv"]),
    ("export table --roster {d}/roster.csv --out {d}/t.xlsx", ["t.xlsx"]),
    ("export table --roster {d}/roster.csv --out {d}/t.csv", ["t.csv"]),
    ("export map --roster {d}/roster.csv --out {d}/m.html", ["m.html"]),
    (
        "export map --roster {d}/roster.csv --region 4 --dpi 72 --out {d}/m.png",
        ["m.png"],
    ),
    (
        "plan --roster {d}/roster.csv --venues 2 --out {d}/plan.json "
        "--invites {d}/invites.csv",
        ["plan.json", "invites.csv"],
    ),
]


@pytest.fixture
def umask(request):
    """Run the test under the given umask (restored afterwards)."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


@pytest.mark.parametrize("umask", [0o022, 0o077], indirect=True, ids=oct)
@pytest.mark.parametrize(
    ("command", "written"), WRITERS, ids=[" ".join(w[1]) for w in WRITERS]
)
def test_written_files_respect_the_umask(
    tmp_path, workspace_dir, umask, command, written
):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "roster.csv").write_text(ROSTER_CSV, encoding="utf-8")
    before = {p.name for p in folder.iterdir()}
    result = CliRunner().invoke(app, command.format(d=folder).split())
    assert result.exit_code == 0, (result.stderr or "") + (result.output or "")
    expected = 0o666 & ~umask  # 0644 under umask 022, 0600 under 077
    for name in written:
        mode = stat.S_IMODE((folder / name).stat().st_mode)
        assert mode == expected, (name, oct(mode), oct(expected))
    # the temporary file was renamed, not left beside the result
    new = {p.name for p in folder.iterdir()} - before
    assert not [n for n in new if n.endswith(".tmp")], new


def test_replacing_a_file_keeps_it_whole_with_normal_permissions(tmp_path):
    from loaders.exports import atomic_output, atomic_write_bytes

    old = os.umask(0o022)
    try:
        path = tmp_path / "table.csv"
        path.write_bytes(b"previous")
        os.chmod(path, 0o600)
        atomic_write_bytes(path, b"new")
        assert path.read_bytes() == b"new"
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        with pytest.raises(OSError, match="disk full"):
            with atomic_output(path) as tmp:
                assert stat.S_IMODE(tmp.stat().st_mode) == 0o644
                tmp.write_bytes(b"half")
                raise OSError("disk full")
        assert path.read_bytes() == b"new"
        assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]
    finally:
        os.umask(old)
