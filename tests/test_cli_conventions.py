"""The command line follows the conventions a shell user expects.

`-` is standard input/output, every reporting command has --json, completion scripts for
bash/zsh/fish come from the parser, every --help ends with an example, and the exit codes
are the same everywhere: 0 ok, 1 not found / nothing done, 2 bad input, 3 database busy or
unavailable, 4 a bug (one line; the traceback only with CALLSHEET_DEBUG=1).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from callsheet.tui.cli import EXAMPLES, build_parser

CALLSHEET = str(Path(sys.executable).with_name("callsheet"))
CSV = "name,phone,email\nAna Pop,0721 234 567,ana@example.ro\nBob Stone,,bob@example.com\n"


def _commands() -> dict:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


def test_import_reads_standard_input_given_as_dash_with_a_format(db_path):
    result = subprocess.run(
        [CALLSHEET, "import", "--format", "csv", "--json", "-", "--db", str(db_path)],
        input=CSV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report[0]["file"] == "-" and sorted(report[0]["added"]) == ["Ana Pop", "Bob Stone"]
    result = subprocess.run(
        [CALLSHEET, "import", "-", "--db", str(db_path)], input=CSV, capture_output=True, text=True
    )
    assert result.returncode == 2 and "--format" in result.stderr


def test_export_and_facts_write_to_standard_output_given_dash(cli, tmp_path):
    cli("add", "Ana Pop", "--email", "ana@example.ro")
    code, out, _ = cli("export", "-o", "-")
    assert code == 0 and json.loads(out)["clients"][0]["name"] == "Ana Pop"
    code, out, _ = cli("facts", "Ana", "-o", "-")
    assert code == 0 and out.startswith("# ") and "Ana Pop" in out
    assert not (Path.cwd() / "-").exists()


def test_every_reporting_command_answers_in_json(cli, monkeypatch):
    added = cli.json("add", "Ana Pop", "--phone", "0721 234 567", "--json")
    assert added["name"] == "Ana Pop" and added["id"] == 1
    logged = cli.json("log", "Ana", "--signal", "rude", "--json", "Shouted")
    assert logged["client"]["name"] == "Ana Pop" and logged["interaction"]["signals"] == ["rude"]
    assert logged["risk"]["band"] in {"low", "watch", "high"}
    who = cli.json("who", "+40 721 234 567", "--json")
    assert who["id"] == 1 and who["risk"]["score"] == logged["risk"]["score"]
    forgotten = cli.json("forget", "Ana", "--yes", "--json")
    assert forgotten["forgotten"] == "Ana Pop" and forgotten["rows"] >= 3


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_name_every_command_and_the_choices_of_options(cli, shell):
    code, script, _ = cli("completion", shell, db=False)
    assert code == 0
    for command in _commands():
        assert command in script
    assert "json csv vcf ics" in script  # export --format
    if shell == "bash" and shutil.which("bash"):
        assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0


def test_bash_completion_completes_commands_and_option_values():
    if not shutil.which("bash"):
        pytest.fail("bash is needed to check the bash completion")
    script = subprocess.run(
        [CALLSHEET, "completion", "bash"], capture_output=True, text=True, check=True
    ).stdout
    probe = (
        script
        + 'COMP_WORDS=(callsheet exp); COMP_CWORD=1; _callsheet; echo "${COMPREPLY[*]}"\n'
        + 'COMP_WORDS=(callsheet --db x.db export --format ""); COMP_CWORD=5; _callsheet; '
        + 'echo "${COMPREPLY[*]}"\n'
    )
    lines = subprocess.run(
        ["bash"], input=probe, capture_output=True, text=True
    ).stdout.splitlines()
    assert lines == ["export", "json csv vcf ics"]


def test_every_command_has_an_example_in_its_help():
    commands = _commands()
    missing = [name for name, sub in commands.items() if "example" not in (sub.epilog or "")]
    assert missing == []
    assert set(commands) - {"triage", "doctor"} <= set(EXAMPLES)  # those two bring their own
    help_text = commands["import"].format_help()
    assert "callsheet import contacts.vcf" in help_text


def test_exit_codes_not_found_1_ambiguous_or_bad_input_2(cli):
    cli("add", "Ana Pop")
    assert cli("show", "Nobody")[0] == 1
    assert cli("log", "Nobody", "x")[0] == 1
    cli("add", "Ana Popescu")
    assert cli("show", "Ana")[0] == 2  # matches two: say more, or use the id
    assert cli("log", "Ana", "--signal", "grumpy", "x")[0] == 2
    assert cli("add", "Bad", "--email", "not-an-address")[0] == 2
    assert cli("export", "--format", "pdf")[0] == 2  # argparse's own usage error


def test_an_unexpected_error_is_one_line_exit_4_and_the_traceback_only_when_asked(cli, monkeypatch):
    def broken(args):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr("callsheet.tui.cli.records.cmd_list", broken)
    code, _, err = cli("list")
    assert code == 4 and "Traceback" not in err
    assert err.strip().splitlines() == [
        "callsheet: unexpected error (RuntimeError: something nobody foresaw); "
        "run again with CALLSHEET_DEBUG=1 to see where"
    ]
    monkeypatch.setenv("CALLSHEET_DEBUG", "1")
    code, _, err = cli("list")
    assert code == 4 and "Traceback" in err and "something nobody foresaw" in err


def test_a_closed_pipe_is_not_an_error(db_path):
    subprocess.run(
        [CALLSHEET, "demo", "--clients", "300", "--interactions", "10", "--db", str(db_path)],
        check=True,
        capture_output=True,
    )
    producer = subprocess.Popen(
        [CALLSHEET, "list", "--json", "--db", str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    producer.stdout.read(10)
    producer.stdout.close()
    _, err = producer.communicate(timeout=60)
    assert producer.returncode == 0 and b"Traceback" not in err and err == b""


def test_control_characters_in_an_error_line_are_made_visible(cli):
    cli("add", "Ana Pop")
    code, _, err = cli("import", "\x1b]2;PWNED\x07\x1b[2J.vcf")  # a missing file, named raw
    assert code == 2 and "\x1b" not in err and "\x07" not in err and "PWNED" in err
