"""What a user installs: one wheel, one top-level name, every package in it, and it runs.

The wheel is built from this tree and installed into a fresh virtual environment, which
borrows the already installed dependencies through a path file (no network, no second
download) but not callsheet itself: the commands below run the wheel's copy.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # built from a copy: a build leaves build/ and *.egg-info behind in its source folder
    source = tmp_path_factory.mktemp("source") / "callsheet"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "build", "*.egg-info", "__pycache__", ".cache", ".*_cache"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("callsheet-*.whl")
    return built


def _source_packages() -> set[str]:
    """Every folder of Python code under models/ and tui/, as the installed package name."""
    found = set()
    for top in ("models", "tui"):
        for path in (ROOT / top).rglob("*.py"):
            if "__pycache__" not in path.parts:
                folder = path.parent.relative_to(ROOT)
                found.add("callsheet/" + "/".join(folder.parts))
    return found


def test_the_wheel_installs_one_top_level_name_and_every_package(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (top_level,) = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        assert archive.read(top_level).decode().split() == ["callsheet"]
    folders = {name.rsplit("/", 1)[0] for name in names if name.endswith(".py")}
    assert _source_packages() <= folders  # a package left out of pyproject's list fails here
    assert not {n for n in names if n.startswith(("models/", "tui/", "bench/", "tests/"))}
    assert "callsheet/tui/styles/app.tcss" in names
    assert "callsheet/models/risk/lexicon.toml" in names


def test_the_installed_wheel_runs_demo_and_doctor(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bin_dir = venv / "bin"
    python = bin_dir / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # the dependencies, borrowed from the test run's environment (a plain path entry: the
    # editable hook of this checkout, a .pth file there, is not processed through it)
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    where = subprocess.run(
        [
            python,
            "-c",
            "import callsheet.models, callsheet.tui; "
            "print(callsheet.models.__file__); print(callsheet.tui.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where

    db = tmp_path / "book.db"
    version = subprocess.run([bin_dir / "callsheet", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("callsheet ")
    demo = subprocess.run(
        [bin_dir / "callsheet", "demo", "--clients", "50", "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert demo.returncode == 0, demo.stderr
    doctor = subprocess.run(
        [bin_dir / "callsheet", "doctor", "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
