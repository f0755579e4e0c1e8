"""The .xlam built from text, checked by readers that are not ours: oletools' olevba, olefile in
strict mode and LibreOffice (which lists the VBA modules and runs one of them)."""

from __future__ import annotations

import json
import random
import struct
import subprocess
import zipfile
from pathlib import Path

import olefile
import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from govreport_xl.addin.build import ovba
from govreport_xl.addin.build.cfb import Entry, compare_key, write_cfb
from govreport_xl.addin.build.vba_project import Module, standard_module, vba_project
from govreport_xl.addin.build.xlam import ADDIN_TYPE, MACROS, UI_REL, build, chrw, modules, parts
from govreport_xl.cli import main
from libreoffice import require, require_uno

UNO_SCRIPT = Path(__file__).parent / "uno" / "run_vba.py"

# [MS-OVBA] 3.2.1 and 3.2.2: text and its compressed container
SPEC_EXAMPLES = [
    (b"abcdefghijklmnopqrstuv.", "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"),
    (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
     "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E 6F 70 06 71 02 "
     "70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"),
]


@pytest.mark.parametrize("text, container", SPEC_EXAMPLES)
def test_the_specifications_compression_examples(text, container):
    assert ovba.compress(text) == bytes.fromhex(container)
    assert ovba.decompress(bytes.fromhex(container)) == text


def _chunks(container: bytes) -> list[tuple[bool, bytes]]:
    """(compressed?, the chunk's bytes after its header) of each chunk, read from the headers alone."""
    out, pos = [], 1
    while pos < len(container):
        (header,) = struct.unpack_from("<H", container, pos)
        assert header & 0x7000 == 0x3000, "chunk signature"
        size = (header & 0x0FFF) + 1
        compressed = bool(header & 0x8000)
        assert compressed or size == 4096, "a stored chunk's header says 4096 bytes"
        out.append((compressed, container[pos + 2:pos + 2 + size]))
        pos += 2 + size
    return out


def _chunk_alone(compressed: bool, body: bytes) -> bytes:
    """A container holding this one chunk."""
    header = ((len(body) - 1) | 0xB000) if compressed else 0x3FFF
    return b"\x01" + struct.pack("<H", header) + body


def _incompressible(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


# text as VBA is, random bytes (which do not compress), and both around the 4096-byte chunk edge
_SIZES = st.sampled_from([1, 2, 3640, 3641, 4095, 4096, 4097, 8191, 8192, 8193]) | st.integers(0, 9000)
_DATA = (st.binary(max_size=9000)
         | st.text("Sub x()\r\n End If ab", max_size=12000).map(str.encode)
         | st.builds(_incompressible, st.integers(0, 2**32), _SIZES)
         | st.builds(lambda text, seed, n: text + _incompressible(seed, n),
                     st.text("Sub x()\r\n", max_size=6000).map(str.encode), st.integers(0, 2**32), _SIZES))


@settings(max_examples=80, deadline=None)
@given(_DATA)
def test_compression_round_trips_through_oletools(data):
    container = ovba.compress(data)
    assert ovba.decompress(container) == data
    assert bytes(decompress_stream(bytearray(container))) == data
    chunks = _chunks(container)
    assert len(chunks) == -(-len(data) // 4096)
    for i, (compressed, body) in enumerate(chunks):
        expected = data[i * 4096:(i + 1) * 4096]
        alone = bytes(decompress_stream(bytearray(_chunk_alone(compressed, body))))
        assert alone == expected  # every chunk holds its own 4096 bytes (the last: what is left)
        if not compressed:
            assert body == expected and (len(body) == 4096 or i == len(chunks) - 1)


@pytest.mark.parametrize("size", [4095, 4096, 4097, 3641, 8191])
def test_incompressible_data_comes_back_the_same_length(size):
    data = _incompressible(size, size)
    container = ovba.compress(data)
    assert len(ovba.decompress(container)) == len(bytes(decompress_stream(bytearray(container)))) == size


@pytest.mark.parametrize("seed", [0x00, 0x41, 0x06, 0xFF])
def test_encryption_round_trips_with_the_projects_key(seed):
    pid = "{9E394C0B-697E-4AEE-9FA6-446F51FB30DC}"
    for data in (bytes(4), b"\x00", b"\xff", b"secret password"):
        version, key, plain = ovba.decrypt(ovba.encrypt(data, pid, seed))
        assert (version, key, plain) == (2, ovba.project_key(pid), data)


def _tree_is_red_black(entries, root) -> int:
    """The black height of a sibling tree; fails on a red node with a red child or unequal heights."""
    if root == olefile.NOSTREAM:
        return 1
    e = entries[root]
    left, right = _tree_is_red_black(entries, e.sid_left), _tree_is_red_black(entries, e.sid_right)
    assert left == right, "unequal black heights"
    if e.color == 0:  # red
        for child in (e.sid_left, e.sid_right):
            assert child == olefile.NOSTREAM or entries[child].color == 1, "red child of a red node"
    for child, side in ((e.sid_left, -1), (e.sid_right, 1)):
        if child != olefile.NOSTREAM:
            assert (compare_key(entries[child].name) > compare_key(e.name)) == (side > 0), "siblings out of order"
    return left + (e.color == 1)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 20])
def test_compound_files_are_strict_and_their_trees_red_black(tmp_path, n):
    streams = [Entry(f"s{i:02d}" * (1 + i % 3), bytes([i]) * (100 * i + (5000 if i % 4 == 0 else 0))) for i in range(n)]
    data = write_cfb([Entry("Storage", None, streams[: n // 2]), *streams[n // 2:]])
    (tmp_path / "x.bin").write_bytes(data)
    ole = olefile.OleFileIO(str(tmp_path / "x.bin"), raise_defects=olefile.DEFECT_INCORRECT)
    for s in streams:
        path = ["Storage", s.name] if s in streams[: n // 2] else [s.name]
        assert ole.openstream(path).read() == s.data
    entries = ole.direntries
    for e in entries:
        if e is not None and e.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            _tree_is_red_black(entries, e.sid_child)
    assert entries[0].color == 1 or entries[entries[0].sid_child].color == 1


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("addin") / "govreport_xl.xlam").path


def test_build_is_deterministic(xlam, tmp_path):
    assert build(tmp_path / "again.xlam").path.read_bytes() == xlam.read_bytes()


def test_package_parts(xlam):
    with zipfile.ZipFile(xlam) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
        ribbon = z.read("customUI/customUI14.xml").decode()
        assert ADDIN_TYPE in types and 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
        assert UI_REL in rels and 'Target="customUI/customUI14.xml"' in rels
        assert "vbaProject" in z.read("xl/_rels/workbook.xml.rels").decode()
    assert 'label="政务公开年报"' in ribbon
    for label, action in (("校验", "GovReport.Validate"), ("清除标记", "GovReport.ClearMarks"), ("导出JSON", "GovReport.ExportJson")):
        assert f'label="{label}"' in ribbon and f'onAction="{action}"' in ribbon
    assert ribbon.count("imageMso=") == 3


def test_olevba_extracts_every_module_exactly(xlam):
    parser = VBA_Parser(str(xlam))
    found = {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    expected = {m.name: m for m in modules()}
    assert set(found) == set(expected)
    for name, module in expected.items():
        assert found[name].replace("\r\n", "\n") == module.code.replace("\r\n", "\n"), name


def test_vba_is_ascii_and_carries_the_installed_xlwings(xlam):
    by_name = {m.name: m for m in modules()}
    for m in by_name.values():
        m.code.encode("ascii")
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in by_name["xlwings"].code
    assert 'PROJECT_NAME As String = "govreport_xl"' in by_name["xlwings"].code
    assert 'RunPython "import govreport_xl.addin as a; a.validate()"' in by_name["GovReport"].code
    assert chrw("政务公开年报") in by_name["GovReport"].code
    with pytest.raises(UnicodeEncodeError):
        vba_project("P", [Module("M", "standard", 'Attribute VB_Name = "M"\r\nx = "校验"\r\n')])


def test_project_stream_and_strict_compound_file(xlam, tmp_path):
    with zipfile.ZipFile(xlam) as z:
        (tmp_path / "vbaProject.bin").write_bytes(z.read("xl/vbaProject.bin"))
    ole = olefile.OleFileIO(str(tmp_path / "vbaProject.bin"), raise_defects=olefile.DEFECT_INCORRECT)
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert project.startswith('ID="{') and "[Host Extender Info]" in project
    pid = project.split('"')[1]
    values = dict(line.split("=", 1) for line in project.splitlines() if line.split("=")[0] in ("CMG", "DPB", "GC"))
    assert ovba.decrypt(values["CMG"].strip('"'))[1:] == (ovba.project_key(pid), bytes(4))  # not protected
    assert ovba.decrypt(values["DPB"].strip('"'))[2] == b"\x00"  # no password
    assert ovba.decrypt(values["GC"].strip('"'))[2] == b"\xff"  # visible
    assert ole.openstream(["VBA", "_VBA_PROJECT"]).read() == bytes.fromhex("CC61FFFF000100")  # as Excel writes it


def _libreoffice_modules(xlam: Path, tmp_path: Path) -> dict[str, str]:
    soffice = require()
    out = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--norestore",
                    "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods", "--outdir", str(out), str(xlam)],
                   capture_output=True, timeout=300)
    with zipfile.ZipFile(out / (xlam.stem + ".ods")) as z:
        return {Path(n).stem: z.read(n).decode() for n in z.namelist()
                if n.startswith("Basic/") and n.endswith(".xml") and not Path(n).stem.startswith("script-")}


@pytest.mark.slow
def test_libreoffice_opens_the_addin_and_reads_its_vba(xlam, tmp_path):
    found = _libreoffice_modules(xlam, tmp_path)
    assert set(found) == {m.name for m in modules()}
    assert 'moduleType="document"' in found["ThisWorkbook"] and 'moduleType="class"' in found["Dictionary"]
    assert "a.validate()" in found["GovReport"]


@pytest.mark.slow
def test_libreoffice_runs_our_vba(tmp_path):
    """LibreOffice compiles and runs our module (and decodes its ChrW text). It cannot compile
    xlwings' modules (conditional compilation, DLL declarations), and a library with one module
    that does not compile runs nothing, so this project holds our module alone."""
    python = require_uno()
    ours = [m for m in modules() if m.kind == "document" or m.name == "GovReport"]
    xlam = tmp_path / "ours.xlam"
    with zipfile.ZipFile(xlam, "w") as z:
        for name, data in parts((MACROS / "customUI14.xml").read_text(encoding="utf-8"), vba_project("GovReportXL", ours)).items():
            z.writestr(name, data)
    proc = subprocess.run([python, str(UNO_SCRIPT), str(xlam), "GovReport.AppTitle", "GovReport.NoReportMessage"],
                          capture_output=True, text=True, timeout=300)
    out = json.loads(proc.stdout)
    assert out["modules"]["GovReportXL"] == sorted(m.name for m in ours)
    assert out["results"]["GovReport.AppTitle"] == "政务公开年报"
    # a host without Protected View answers the probe with False instead of failing
    assert out["results"]["GovReport.NoReportMessage"] == "请先打开要处理的年报工作簿。"


def test_protected_view_is_told_apart_from_no_workbook():
    """Excel's Protected View leaves ActiveWorkbook Nothing: the clerk is told to enable editing."""
    code = {m.name: m for m in modules()}["GovReport"].code
    assert chrw("这个工作簿在受保护的视图中打开：请先点黄色提示栏中的“启用编辑”，启用编辑后再校验。") in code
    assert "host.ActiveProtectedViewWindow Is Nothing" in code and "Set host = Application" in code


def test_cli_build_and_install(tmp_path, capsys):
    assert main(["addin", "build", "-o", str(tmp_path / "a.xlam")]) == 0 and zipfile.is_zipfile(tmp_path / "a.xlam")
    assert "GovReport" in capsys.readouterr().out  # what was built is the result: stdout
    assert main(["addin", "install"]) == 2  # no Excel on this system
    err = capsys.readouterr().err
    assert "没有 Excel" in err and "addin build" in err


def test_standard_module_needs_its_name():
    with pytest.raises(ValueError):
        standard_module("Sub x()\nEnd Sub\n")
