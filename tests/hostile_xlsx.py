"""Small workbooks that once hung or exploded the reader (issue 18), made by code: each maker
writes one file into a folder and returns its path. Most are well-formed; their hostility is in
their sizes, counts and structures."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from govreport_xl.excel.layout import SHEET_OF_TABLE, address
from hostile import GB, NS, _members, _sheet_part, _with_raw_member, _write

CHECK_SHEET = "校验"


def broken(members: dict[str, bytes]) -> dict[str, bytes]:
    """The example's table 3 with one figure made negative: a V-01 finding (a marked copy is due)."""
    part = _sheet_part(members, SHEET_OF_TABLE["T3"])
    members[part] = members[part].replace(b'<c r="D8" s="12" t="n"><v>78</v></c>', b'<c r="D8" s="12" t="n"><v>-1</v></c>', 1)
    return members


def empty_date_cell(folder: Path) -> Path:
    """An input cell `<c t="d"/>`: openpyxl loads it, then cannot save it (AttributeError)."""
    members = broken(_members())
    part = _sheet_part(members, SHEET_OF_TABLE["T3"])
    members[part] = members[part].replace(b'<c r="E8" s="12" t="n"><v>0</v></c>', b'<c r="E8" s="12" t="d"/>', 1)
    return _replace(folder, "empty_date_cell.xlsx", members)


def _replace(folder: Path, name: str, members: dict[str, bytes], stored: bool = True) -> Path:
    """Stored, not deflated: a part this repetitive would be refused on its compression ratio,
    and these cases are about what the parser does with it."""
    if not stored:
        return _write(folder / name, members)
    with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_STORED) as z:
        for member, data in members.items():
            z.writestr(member, data)
    return folder / name


def check_sheet_unclosed(folder: Path, size: int = 20_000) -> Path:
    """A check sheet of `<c r="A1" ` repeated: the formula-cell regex went past 120 s on 20 KB."""
    members = _members()
    body = b'<c r="A1" ' * (size // 10)
    members[_sheet_part(members, CHECK_SHEET)] = b'<worksheet ' + NS + b'><sheetData><row r="1">' + body
    return _replace(folder, f"check_unclosed_{size}.xlsx", members)


def check_sheet_cells(folder: Path, size: int = 20_000) -> Path:
    """The same start tags, each closed: a well-formed sheet of empty cells."""
    members = _members()
    body = b'<c r="A1" />' * (size // 12)
    members[_sheet_part(members, CHECK_SHEET)] = b'<worksheet ' + NS + b'><sheetData><row r="1">' + body + b"</row></sheetData></worksheet>"
    return _replace(folder, f"check_cells_{size}.xlsx", members)


def _string_cell(members: dict[str, bytes], code: str, index: int) -> None:
    sheet_name, ref = address(code).split("!")
    part = _sheet_part(members, sheet_name)
    text = members[part].decode()
    start = text.index(f'<c r="{ref}"')
    end = text.index(">", start)
    element_end = end + 1 if text[end - 1] == "/" else text.index("</c>", end) + 4
    attrs = text[start:end].rstrip("/").replace(' t="inlineStr"', "").replace(' t="n"', "")
    members[part] = (text[:start] + attrs + f' t="s"><v>{index}</v></c>' + text[element_end:]).encode()


def _with_strings(members: dict[str, bytes], data: bytes) -> None:
    members["xl/sharedStrings.xml"] = data
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')


def strings_unclosed(folder: Path, size: int = 66_000) -> Path:
    """A sharedStrings part of `<si>` without `</si>`: the item regex rescanned to the end for each."""
    members = _members()
    _with_strings(members, b"<sst " + NS + b">" + b"<si>" * (size // 4))
    _string_cell(members, "META_NAME", 0)
    return _replace(folder, f"strings_unclosed_{size}.xlsx", members)


def strings_nested(folder: Path, depth: int = 200_000) -> Path:
    """Well-formed: one item nested `depth` deep (a recursive walk would overflow)."""
    members = _members()
    _with_strings(members, b"<sst " + NS + b"><si>" + b"<r>" * depth + b"<t>x</t>" + b"</r>" * depth + b"</si></sst>")
    _string_cell(members, "META_NAME", 0)
    return _replace(folder, f"strings_nested_{depth}.xlsx", members)


def with_number_format(styles: bytes, fmt_id: int, format_code: bytes) -> bytes:
    """styles.xml with one more number format (the template may have none of its own)."""
    import re

    fmt = b'<numFmt numFmtId="%d" formatCode="%s"/>' % (fmt_id, format_code)
    styles = re.sub(rb'<numFmts count="0"\s*/>', b"<numFmts></numFmts>", styles)
    if b"</numFmts>" not in styles:
        styles = styles.replace(b"<fonts", b"<numFmts></numFmts><fonts", 1)
    styles = styles.replace(b"</numFmts>", fmt + b"</numFmts>", 1)
    assert fmt in styles, "the example's styles are not written as this helper expects"
    return styles


def _styled_input(members: dict[str, bytes], code: str, format_code: bytes) -> None:
    """Give the cell of `code` a new style whose number format is `format_code`."""
    import re

    styles = with_number_format(members["xl/styles.xml"], 300, format_code)
    count = int(re.search(rb'<cellXfs count="(\d+)"', styles).group(1))
    styles = re.sub(rb'<cellXfs count="\d+">(.*?)</cellXfs>', lambda m: b'<cellXfs count="%d">%s<xf numFmtId="300"/></cellXfs>'
                    % (count + 1, m.group(1)), styles, flags=re.S)
    members["xl/styles.xml"] = styles
    sheet_name, ref = address(code).split("!")
    part = _sheet_part(members, sheet_name)
    members[part], n = re.subn(rf'<c r="{ref}" s="\d+"'.encode(), f'<c r="{ref}" s="{count}"'.encode(), members[part], count=1)
    assert n == 1, "the example's cells are not written as this helper expects"


def format_brackets(folder: Path, size: int = 400_000) -> Path:
    """A number format of 400,000 `[` on an input cell: openpyxl's is_date_format took 99 s."""
    members = _members()
    _styled_input(members, "T3.R03.C1", b"[" * size)
    return _replace(folder, f"format_brackets_{size}.xlsx", members)


def _shared_formula_rows(master: bytes, cells: int, column: str = "Z", first_row: int = 100) -> bytes:
    rows = [b'<row r="%d"><c r="%s%d"><f t="shared" si="0" ref="%s%d:%s%d">%s</f></c></row>'
            % (first_row, column.encode(), first_row, column.encode(), first_row, column.encode(), first_row + cells, master)]
    rows += [b'<row r="%d"><c r="%s%d"><f t="shared" si="0"/></c></row>' % (r, column.encode(), r)
             for r in range(first_row + 1, first_row + cells)]
    return b"".join(rows)


def shared_formulas(folder: Path, master_chars: int = 50_000, cells: int = 20_000, extra: bool = False, fault: bool = False) -> Path:
    """A shared formula whose master is 50 KB, under thousands of cells (each used to be
    re-translated): on the table 3 sheet, or (`extra`) on a sheet of its own."""
    members = broken(_members()) if fault else _members()
    master = b"+".join([b"A1"] * (master_chars // 3))
    rows = _shared_formula_rows(master, cells)
    if extra:
        members["xl/worksheets/shared.xml"] = b"<worksheet " + NS + b"><sheetData>" + rows + b"</sheetData></worksheet>"
        _add_sheet(members, "shared", "xl/worksheets/shared.xml")
    else:
        part = _sheet_part(members, SHEET_OF_TABLE["T3"])
        members[part] = members[part].replace(b"</sheetData>", rows + b"</sheetData>")
    return _replace(folder, f"shared_{master_chars}_{cells}{'_extra' if extra else ''}{'_fault' if fault else ''}.xlsx", members)


def shared_over_the_tables(folder: Path, master_chars: int = 8_190) -> Path:
    """Every cell of the three tables a dependent of one shared formula of Excel's longest length:
    each is translated once, when the rules ask about it (about 200 translations)."""
    import re

    from govreport_xl.core.standard import CELLS

    members = _members()
    master = b"+".join([b"A1"] * (master_chars // 3))
    first: dict[str, bytes] = {}
    for code in CELLS:
        sheet, ref = address(code).split("!")
        part = _sheet_part(members, sheet)
        if part not in first:
            first[part] = b'<c r="%s"><f t="shared" si="0" ref="A1:Z99">%s</f></c>' % (ref.encode(), master)
            cell = first[part]
        else:
            cell = b'<c r="%s"><f t="shared" si="0"/></c>' % ref.encode()
        members[part] = re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), lambda m: cell, members[part], count=1, flags=re.S)
    return _replace(folder, f"shared_tables_{master_chars}.xlsx", members)


def _add_sheet(members: dict[str, bytes], name: str, part: str) -> None:
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="'
        + name.encode() + b'" sheetId="77" r:id="rIdExtra"/></sheets>')
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdExtra" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/'
        + part.encode() + b'"/></Relationships>')


def dense_sheet(folder: Path, megabytes: int = 60, empty: bool = False) -> Path:
    """The table 3 sheet as tens of megabytes of cells with random figures (an 18 MB file once
    took 3.2 GB), or (`empty`) of styled empty cells, one tag each: the most tags a part can hold."""
    members = _members()
    rng = random.Random(18)
    out, size, row = [], 0, 0
    while size < megabytes * 1024 * 1024:
        row += 1
        line = (b'<row r="%d">' % row) + b"".join(
            (b'<c r="%s%d" s="1"/>' % (c.encode(), row)) if empty else (b'<c r="%s%d"><v>%d</v></c>' % (c.encode(), row, rng.randrange(10 ** 9)))
            for c in ("A", "B", "C", "D", "E", "F", "G", "H")) + b"</row>"
        out.append(line)
        size += len(line)
    members[_sheet_part(members, SHEET_OF_TABLE["T3"])] = b"<worksheet " + NS + b"><sheetData>" + b"".join(out) + b"</sheetData></worksheet>"
    return _replace(folder, f"dense_{megabytes}{'_empty' if empty else ''}.xlsx", members, stored=False)


def mimetype_only(folder: Path, size: int = GB, declared: int = 100) -> Path:
    """A zip holding only a `mimetype` member that inflates to a gigabyte (declaring 100 bytes):
    it was read whole to sniff its first 100 bytes."""
    path = folder / "mimetype_bomb.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("placeholder", b"")
    members = {}
    return _with_raw_member(path, members, "mimetype", size, declared)


def theme_bomb(folder: Path, size: int = GB, declared: int | None = 4000, fault: bool = False) -> Path:
    """The example with a theme part of a gigabyte (the reader never opens it; `--marked` loaded
    it whole into openpyxl: 2.1 GB)."""
    members = broken(_members()) if fault else _members()
    return _with_raw_member(folder / f"theme_bomb{'_lying' if declared else ''}{'_fault' if fault else ''}.xlsx",
                            members, "xl/theme/theme1.xml", size, declared)


def extra_sheet(folder: Path, cells: int = 1_000_000, dtd: bool = False, fault: bool = False) -> Path:
    """The example with one more sheet: of `cells` cells (a 3 M-cell one took `--marked` 58 s),
    or holding a DTD (openpyxl refuses it: "内部错误" under `--marked`)."""
    from hostile import BILLION_LAUGHS, _col

    members = broken(_members()) if fault else _members()
    if dtd:
        xml = BILLION_LAUGHS + b"<worksheet " + NS + b"><sheetData/></worksheet>"
    else:
        rows = (f'<row r="{r}">' + "".join(f'<c r="{_col(c)}{r}"><v>{r * c}</v></c>' for c in range(1, 101)) + "</row>"
                for r in range(1, cells // 100 + 1))
        xml = f'<worksheet {NS.decode()}><sheetData>{"".join(rows)}</sheetData></worksheet>'.encode()
    members["xl/worksheets/junk.xml"] = xml
    _add_sheet(members, "junk", "xl/worksheets/junk.xml")
    return _write(folder / f"extra_{'dtd' if dtd else cells}{'_fault' if fault else ''}.xlsx", members)


def many_members(folder: Path, count: int = 100_000) -> Path:
    members = _members()
    members.update({f"xl/media/m{i}.bin": b"" for i in range(count)})
    return _replace(folder, f"members_{count}.xlsx", members, stored=False)


def deep_cell(folder: Path, depth: int = 300_000) -> Path:
    """One input cell whose inline string nests `depth` elements."""
    members = _members()
    sheet_name, ref = address("T3.R03.C1").split("!")
    part = _sheet_part(members, sheet_name)
    import re

    cell = (f'<c r="{ref}" t="inlineStr"><is>'.encode() + b"<r>" * depth + b"<t>1</t>" + b"</r>" * depth + b"</is></c>")
    members[part] = re.sub(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), cell.replace(b"\\", b"\\\\"), members[part], count=1, flags=re.S)
    return _replace(folder, f"deep_cell_{depth}.xlsx", members)


def huge_attribute(folder: Path, megabytes: int = 50) -> Path:
    """One start tag of 50 MB (an attribute no writer makes): one token for the parser."""
    members = _members()
    part = _sheet_part(members, SHEET_OF_TABLE["T3"])
    members[part] = members[part].replace(b"<sheetData>", b'<sheetData><row r="999" x="' + b"a" * (megabytes << 20) + b'"/>', 1)
    return _replace(folder, f"huge_attribute_{megabytes}.xlsx", members)


def many_names(folder: Path, count: int = 200_000) -> Path:
    members = _members()
    names = b"".join(b'<definedName name="N%d">\'x\'!$A$1</definedName>' % i for i in range(count))
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(b"<definedNames>", b"<definedNames>" + names, 1)
    return _replace(folder, f"names_{count}.xlsx", members)
