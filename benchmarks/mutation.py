"""Mutation testing of the engine's logic with mutmut, in a scratch copy of the repository:

    python benchmarks/mutation.py [--children N] [--only govreport_xl/importing/solve.py ...] [--tests tests/test_solve.py ...]
                                  [--mutants 'govreport_xl.importing.flat.x__figures*' ...] [--deselect TEST_ID ...]
                                  [--timeout-multiplier 3] [--resume SCRATCH]

mutmut (installed into the scratch copy's own virtualenv if missing) changes the modules listed
under [mutmut] in setup.cfg (or those given with --only) one small step at a time and runs the
tests that cover each change (those of setup.cfg, or those given with --tests), or only the
mutants named (mutmut's globs, --mutants); --deselect leaves out single tests (pytest node ids: the slow
bound tests, whose mutants mutmut's timeout catches anyway). A mutant the tests do not notice
"survived"; one that makes them run past mutmut's timeout is detected too. Prints the share
detected per module, the survivors, and which of them are known to be equivalent (no test can
tell them apart).

The importer's three modules (solve, flat, tables: about 3,000 mutants) take hours on two cores
even with their own tests alone: run them a module at a time, and --resume a run cut short (mutmut keeps
what it has checked) with the scratch copy's path.

To try one mutant against a test by hand (say, a test written to kill it), in the scratch copy:
    cd SCRATCH/mutants && MUTANT_UNDER_TEST=govreport_xl.importing.flat.x__read__mutmut_8 ../.venv/bin/python -m pytest tests/test_flat.py
(MUTANT_UNDER_TEST=none runs the original). A script run there imports the mutated package only with
PYTHONPATH=. (else it finds the installed, unmutated one).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Survivors that behave exactly like the original: (mutant name pattern, why)
EQUIVALENT = [
    (r"cell_values\.x_parse_amount__mutmut_\d+", "the numeric a spreadsheet adds for a refused amount: no rule sums T2.R6.C1"),
    (r"cell_values\.x__show__mutmut_\d+", "format(d, 'f') vs format(d): Decimals from cells never carry exponents"),
    (r"uscc\.x_check_character__mutmut_5", "index vs rindex: the 31 characters of the code set are all different"),
    (r"reading\.x_complete_totals__mutmut_(19|20|22|23|24)", "a whole Decimal total becomes the same int in the model"),
    (r"reading\.xǁ_Readerǁtotal_content__mutmut_(4[2-9]|50|5[6-9])",
     "an S-01 finding that names no cells is located from its codes"),
    (r"reading\.xǁ_Readerǁtotal_content__mutmut_(4|7)", "workbook sources always give a cell's address"),
    # the importer's: "steps only" are prunings (P1-P6 of solve's account) made looser, or tighter
    # only where no reading can fit: the same readings, found in more or fewer steps of the budget
    *[(rf"importing\.{pattern}", why) for pattern, why in (
        (r"solve\.x_fixed_by_digits__mutmut_5", "a run given its readings has no pieces: cutting none gives no reading"),
        (r"solve\.xǁSumsǁ__init____mutmut_13", "an equality within one run holds in each of its readings: across runs it adds 0"),
        (r"solve\.x_combine__mutmut_(20|28)", "a run with no reading leaves no partial sum, whatever its bound (decode passes none)"),
        (r"solve\.x_combine__mutmut_95", "P6 keeps only zero sums in the last layer: it is {0} or empty already"),
        (r"solve\.x__digits__mutmut_[1-9]", "steps only: P4's bound, tighter only for a total already exceeded or a fraction "
                                             "(no equality of the tables has amounts)"),
        (r"solve\.x_cuttings__mutmut_(8|9)", "steps only: the search finds no reading for digits no cells can hold either"),
        (r"solve\.x_cuttings__mutmut_(46|71|132|149)", "steps only: P3's largest figure a piece can give, looser by one"),
        (r"solve\.x_cuttings__mutmut_(183|184|186|192|193|195|197)", "steps only: P3's largest figure the digits left can give, looser"),
        (r"solve\.x_cuttings__mutmut_(211|213|215)", "steps only: P4 counts room for one digit more, or gives up bounding"),
        (r"solve\.x_cuttings__mutmut_228", "steps only: P4 counts whole pieces as room, not as cells to fill"),
        (r"solve\.x_cuttings__mutmut_(232|238)", "steps only: P5 allows a cell more, or counts fewer pieces as giving one"),
        (r"solve\.x_cuttings__mutmut_237", "P5: no piece left is empty (each has a digit or is one whole cell)"),
        (r"solve\.x_cuttings__mutmut_(251|252)", "P5 lets the first cell be cut only where no digit is left before it"),
        (r"solve\.x_cuttings__mutmut_243", "steps only: each step counted twice against the budget"),
        (r"solve\.x_cuttings__mutmut_248", "each reading is a step of its own after the first: the search holds at most "
                                           "MAX_STEPS - 1 readings, never MAX_READINGS (= MAX_STEPS)"),
        (r"solve\.x_cuttings__mutmut_295", "steps only: P2 no longer ends the longer cuts (each is still refused by P1)"),
        (r"solve\.x_cuttings__mutmut_296", "the loop P2 breaks is the last statement of the walk"),
        (r"solve\.x_cuttings__mutmut_(304|307)", "with no piece left (i = -1) the digits left are never looked at"),
        (r"solve\.x_cuttings__mutmut_(118|126)", "P1's verdict is read by its sign alone"),
        (r"solve\.x_cuttings__mutmut_109", "steps only: the last part of a sum is no longer known as such (P1, P3)"),
        (r"solve\.x_cuttings__mutmut_94", "steps only: a known total no longer bounds its parts (P1); the equality is still checked"),
        (r"flat\.x__tables_end__mutmut_11", "with no heading found the end is never used: regions gives each table the whole "
                                           "text, and _table_span returns None before asking"),
        (r"flat\.x__read__mutmut_84", "a row with no figures has no pieces, so it is short already (can_fill of no "
                                        "pieces is False: every row has a cell): `not raws` adds nothing to the skip"),
        (r"flat\.x__near_labels__mutmut_42", "at == end leaves text[at:end] empty: no label matches, and the loop ends as it would"),
        (r"flat\.x__near_labels__mutmut_50", "unreachable: `at` stands after a greedy _FIGURES match, so the text there never starts "
                                            "with a digit, /, — or -: a label always matches"),
        (r"flat\.x__near_labels__mutmut_74", "figures is None only where the label ran to `end` (a label stops only where _FIGURES "
                                            "matches): at = end or end + 1 ends the loop alike"),
        (r"flat\.x__near_labels__mutmut_41", "`or` for `and`: with the gap empty no spec is in it, so each turn only moves `at` on "
                                            "(by a label of one character or more; closest is pure) until no label is left; with "
                                            "at >= end, text[at:end] is empty, no label matches and the loop breaks"),
        (r"flat\.x__cut_off__mutmut_25", "the one amount cell (T2.R6.C1) is a row of one cell: never a row cut off short"),
        (r"flat\.x__strays_anywhere__mutmut_9", "the sentinel after the last piece still holds a line break, all that is asked of it"),
        (r"flat\.x__strays_anywhere__mutmut_40", "a reading listed twice adds none (readings are a set), and one with fewer digits "
                                                  "than cells has none (each cell takes a digit)"),
        (r"flat\.x__figures__mutmut_32", "n = 0 slices from the last piece's start to the first's: empty, so no ending is added"),
        (r"flat\.x__figures__mutmut_78", "for the standard's rows: < 20 differs only where a row's digits end in 「20」 glued to "
                                          "「.」/「、」/「．」 (a label numbered 20 or 0); the standard numbers its labels 1 to 8"),
        (r"flat\.x__figures__mutmut_87", "an empty ending (the run was the next label's number alone) cuts into no reading; "
                                          "one equal to the run repeats its readings"),
        (r"flat\.x__t4_figures__mutmut_35", "a figure after a 总计 inside the region starts before its end: what stands at the end "
                                             "(五、, a table heading, the text's end) is no figure"),
        (r"flat\.x__t4_figures__mutmut_40", "without a heading, _read skips a row with no figures: table 4 placed after a 总计 no "
                                             "figure follows reads as nothing, as no place does"),
        (r"flat\.x__other_as_one_row__mutmut_(11|12)", "no row of R21-R23 is among those found here (else it returned): "
                                                        "< R21, <= R21 and < R22 count the same rows"),
        (r"flat\.x__other_as_one_row__mutmut_(54|66|67|68)", "the row's `where` is only compared with itself (to find its "
                                                               "decoding and leave it out of put_decodings): any string does"),
        (r"flat\.x__other_as_one_row__mutmut_41", "stop is where R24's or R25's label (a key starting 七, 四 or 结, or a label "
                                                  "_near_labels took, which starts where a greedy figure run stopped), the next "
                                                  "heading or 五、 begins, or the text ends: a figure run from before stop never "
                                                  "reaches past it"),
        (r"flat\.x__other_as_one_row__mutmut_(59|65)", "the inserted row's start is read by nothing after its insertion"),
        (r"flat\.x__other_as_one_row__mutmut_56", "the row's label is read only by _cut_off, which this row never reaches (_read)"),
        (r"tables\.xǁ_TableReaderǁchoose__mutmut_51", "a run given its readings never looks at its pieces"),
        (r"tables\.xǁ_TableReaderǁchoose__mutmut_4", "_value looks for CellKind.AMOUNT only, and the one amount cell (T2.R6.C1) "
                                                       "is a row of one cell: a figure in it sits one way only, and put reads it by its kind"),
        (r"tables\.xǁ_TableReaderǁrow__mutmut_(1|2)", "row's one caller (read_rows) passes strict and cut_off: the defaults are never used"),
        (r"tables\.xǁ_TableReaderǁrow__mutmut_(34|54)", "a run with n cells once its blank ends are stripped has an alignment already"),
        (r"tables\.xǁ_TableReaderǁrow__mutmut_59", "the one amount cell (T2.R6.C1) is a row of one cell: never a row cut off short"),
        (r"tables\.xǁ_TableReaderǁcut_short__mutmut_31", "the one amount cell (T2.R6.C1) is a row of one cell: never a row cut off short"),
        (r"tables\.x_read_t4__mutmut_1", "read_table, read_t4's one caller, always passes cut_off: the default is never used"),
        (r"tables\.x_read_t4__mutmut_(45|80)", "_value looks for CellKind.AMOUNT only: a kind of None reads a count, as COUNT does "
                                              "(choose and put use the kind for nothing else)"),
        (r"tables\.x_read_t4__mutmut_17", "doubt is read only as `not doubt`: None and False alike"),
        (r"tables\.x_read_t4__mutmut_(32|75)", "with as many figures (blank ends stripped) as cells, alignments always has a "
                                               "candidate (k = the leading blanks), so read_t4 returns before doubt or the "
                                               "cut-off branch is looked at"),
        (r"tables\.x__misprinted_after__mutmut_(11|18)", "end is the end of a key found in k, never past it; at len(k) the text "
                                                       "after is empty, tails('') is [] and closest gives None"),
        (r"tables\.x__misprinted_after__mutmut_(34|35)", "k[end:] is shorter than k (end > 0: a key was found), so the largest j "
                                                       "whose suffix keys to it is > 0 and is found before j = 0 or -1"),
        (r"tables\.x_read_rows__mutmut_(1|2)", "read_rows' one caller, read_table, passes strict and cut_off: its defaults are never used"),
        (r"tables\.x_read_rows__mutmut_(77|93)", "a run holds no text token (is_value is always true), and an all-blank run with no row "
                                               "matched was skipped above: where match is None the run has a non-blank cell either way"),
        (r"tables\.x__other_as_one_row__mutmut_44", "_value looks for CellKind.AMOUNT only: a kind of None reads a count, as COUNT does"),
        (r"tables\.x__ambiguous_note__mutmut_(4|6)", "a run its digits alone leave ambiguous is T2.R1 or R2 (table 2 has no "
                                                  "equality), P-01 its one relation within; fits keeps only relations within the "
                                                  "run, and every reading the sums leave satisfies each equality within it"),
        (r"tables\.x__ambiguous_note__mutmut_(55|56)", "a run its digits alone leave ambiguous (T2.R1/R2) has one rule within it, "
                                                    "P-01: the hint is never two rules joined, never none"),
        (r"tables\.x__match__mutmut_(4|5)", "every row and group key has two characters or more: a key found ends past -1, -2 and +1 alike"),
        (r"tables\.x__match__mutmut_(12|23)", "two keys end at the same place only where one ends the other: no row key ends another "
                                               "row's, no group key ends a row key or the other way round (T2, T3)"),
        (r"tables\.x__match__mutmut_(8|18)", "find and rfind differ only where the text before one run holds the same label twice with "
                                              "another between: no layout prints a row's or a group's label twice before its figures"),
        (r"tables\.x__wrapped__mutmut_(8|10|17|23)", "_wrapped runs only where _match found no key in the text before the run: no "
                                                      "key lies wholly in it, so the search from 0 (or two places earlier) finds the "
                                                      "same first key running past it, and none ends exactly at its end"),
        (r"tables\.x__wrapped__mutmut_11", "rfind differs only where a label running past its figures is printed again, whole, before "
                                            "the next figures: no layout prints a row's label twice"),
        (r"tables\.x_alignments__mutmut_22", "range(0, n) is range(n)"),
        (r"tables\.x__has_subtotal_column__mutmut_3", "_value looks for CellKind.AMOUNT only: a kind of None reads a count, as COUNT does"),
        (r"tables\.x__pieces__mutmut_1", "piece() refuses the tokens _pieces refuses by kind (a blank, an unreadable cell: printed_number "
                                          "fails on both, the lines NFKC-normalized); no token at all gives () or None, and can_fill "
                                          "refuses both"),
        (r"tables\.x__pieces__mutmut_11", "a NUMBER or NONE token always gives a piece: piece() tests the same NONE_WORDS and "
                                           "printed_number that classify did"),
        (r"tables\.x__together__mutmut_3", "every cell of a group is in the same table and column"),
        (r"tables\.x_with_totals__mutmut_(13|14)", "the relations made whole by the looser test keep a member (R21.C7 …) that is "
                                                    "never given (only the groups' sums are): no search uses a relation with a cell "
                                                    "neither known nor in a run"),
        (r"tables\.x_with_totals__mutmut_(25|61)", "Term's sign is 1 by default, the sign every term of T3-02 and T3-03 has"),
        (r"tables\.x_with_totals__mutmut_(29|30|34|40|64|65|69|75|77)", "decode reads a relation's op and terms only, never its "
                                                                          "rule, key or params"),
        (r"tables\.x_with_totals__mutmut_(46|47)", "the row relations of R22 and R23 swapped to the groups' sums are T3-02 of R21 "
                                                    "swapped, again: the same equality twice"),
    )],
]

# Survivors of a run whose test selection left out the test that kills them (the slow bound tests
# deselected, or a test module outside setup.cfg's selection): (mutant name pattern, that test's node id)
KILLED_ELSEWHERE: list[tuple[str, str]] = [
]


def run(cmd, cwd, **kw):
    return subprocess.run(cmd, cwd=cwd, text=True, **kw)


def prepare(args) -> tuple[Path, Path]:
    """A scratch copy of the repository with mutmut's settings as asked, and its virtualenv."""
    scratch = Path(tempfile.mkdtemp(prefix="govreport-mutation-"))
    files = run(["git", "ls-files", "-co", "--exclude-standard"], ROOT, capture_output=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (scratch / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, scratch / name)
    config = (scratch / "setup.cfg").read_text(encoding="utf-8")
    for option, values in (("only_mutate", args.only), ("pytest_add_cli_args_test_selection", args.tests)):
        if values:
            config = re.sub(rf"^{option} =\n(?:    \S.*\n)+", f"{option} =\n" + "".join(f"    {v}\n" for v in values), config, flags=re.M)
    config = re.sub(r"^\[mutmut\]\n", f"[mutmut]\ntimeout_multiplier = {args.timeout_multiplier}\n", config, count=1, flags=re.M)
    if args.deselect:
        config = re.sub(r"^(pytest_add_cli_args = .*)$", lambda m: m.group(1) + "".join(f" --deselect {t}" for t in args.deselect),
                        config, count=1, flags=re.M)
    (scratch / "setup.cfg").write_text(config, encoding="utf-8")
    venv = scratch / ".venv"
    run([sys.executable, "-m", "venv", str(venv)], scratch, check=True)
    run([str(venv / "bin" / "pip"), "install", "-q", "-e", ".[test]", "mutmut>=3.3"], scratch, check=True)
    return scratch, venv


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2)
    parser.add_argument("--only", nargs="+", help="modules to mutate instead of setup.cfg's")
    parser.add_argument("--tests", nargs="+", help="tests to run instead of setup.cfg's")
    parser.add_argument("--mutants", nargs="+", default=[], help="only these mutants (mutmut's name globs)")
    parser.add_argument("--deselect", nargs="+", default=[], help="tests to leave out (pytest node ids)")
    # mutmut's default (15) lets a mutant that loops run 30 times its tests' time: hours for the importer
    parser.add_argument("--timeout-multiplier", type=float, default=3.0, help="mutmut's timeout_multiplier")
    parser.add_argument("--resume", type=Path, help="a scratch copy of an earlier run: go on with its mutants")
    args = parser.parse_args()
    if args.resume:
        scratch, venv = args.resume, args.resume / ".venv"
    else:
        scratch, venv = prepare(args)
    done = run([str(venv / "bin" / "mutmut"), "run", "--max-children", str(args.children), *args.mutants], scratch,
               capture_output=True)
    if done.returncode:
        sys.exit(f"mutmut run failed (the tests must pass unmutated first):\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    results = run([str(venv / "bin" / "mutmut"), "results", "--all", "true"], scratch, capture_output=True).stdout
    status = {}
    for line in results.splitlines():
        m = re.match(r"\s*govreport_xl\.(?:core\.)?(\S+):\s*(.+)", line)  # core modules by their name alone
        if m:
            status[m.group(1)] = m.group(2).strip()
    if args.mutants:  # the mutants named alone, not those left unchecked
        status = {name: state for name, state in status.items() if state != "not checked"}
    per_module: dict[str, Counter] = {}
    for name, state in status.items():
        module = name.split(".x")[0] if name.startswith("importing.") else name.split(".")[0]
        per_module.setdefault(module, Counter())[state] += 1
    detected = ("killed", "timeout")
    print(f"{'module':18} {'mutants':>8} {'killed':>8} {'timeout':>8} {'survived':>8} {'share':>7}")
    for module, counts in sorted(per_module.items()):
        total = sum(counts.values())
        print(f"{module:18} {total:8} {counts['killed']:8} {counts['timeout']:8} {counts['survived']:8} "
              f"{(counts['killed'] + counts['timeout']) / total:7.1%}")
    total, killed = len(status), sum(s in detected for s in status.values())
    survivors = sorted(n for n, s in status.items() if s not in detected)
    known = {n: f"equivalent: {why}" for n in survivors for pattern, why in EQUIVALENT if re.fullmatch(pattern, n)}
    elsewhere = {n: f"killed by {test}, left out of this run" for n in survivors
                 for pattern, test in KILLED_ELSEWHERE if re.fullmatch(pattern, n) and n not in known}
    print(f"\nkilled (or timed out) {killed} of {total} mutants: {killed / total:.1%}; "
          f"counting the {len(known)} equivalent survivors and the {len(elsewhere)} killed by tests left out as killed: "
          f"{(killed + len(known) + len(elsewhere)) / total:.1%}")
    known |= elsewhere
    for name in survivors:
        print(f"  {status[name]:10} {name}" + (f"  ({known[name]})" if name in known else ""))
    print(f"\nscratch copy (mutmut show <name> there): {scratch}")


if __name__ == "__main__":
    main()
