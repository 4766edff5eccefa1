"""The apprentice build carries the practice set only (issue 12).

The wheel is really built (hatchling, offline), opened, and every file in it searched for every
assessment question, probe and look-for; the build's own check is shown to catch a planted one;
the installed apprentice edition is run and says which set it has.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scripts import apprentice_wheel as aw

ROOT = Path(__file__).resolve().parent.parent

# Real builds (hatchling in a subprocess, twice): about 10 s of a worker and 6 s of CPU, so the
# inner loop leaves them to `make test`, which runs them on every change.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("apprentice") / "dist"
    assert aw.main([str(out)]) == 0
    files = list(out.iterdir())
    assert len(files) == 1  # exactly one file, as `make apprentice-wheel` promises
    return files[0]


def members(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def test_the_apprentice_wheel_holds_no_assessment_text(wheel: Path) -> None:
    texts = aw.assessment_texts()
    assert len(texts) > 100  # every question, probe and look-for of the assessment set
    assert aw.leaks(wheel, texts) == []
    names = members(wheel)
    bank = [n for n in names if "/question_bank/" in n]
    assert any("/practice/" in n for n in bank)
    assert not any("assessment" in n for n in bank)
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("discussion/_bundled/EDITION").decode().strip() == "apprentice"


def test_the_check_finds_a_planted_assessment_text(wheel: Path, tmp_path: Path) -> None:
    qid, field, text = aw.assessment_texts()[0]
    planted = tmp_path / "planted.whl"
    shutil.copy(wheel, planted)
    rewrapped = text.upper().replace(" ", "\n    ", 3)  # case and wrapping do not hide it
    with zipfile.ZipFile(planted, "a") as archive:
        archive.writestr("discussion/help_text.py", f'HELP = """{rewrapped}"""\n')
        archive.writestr("discussion/_bundled/question_bank/assessment/x.toml", "")
    found = aw.leaks(planted, [(qid, field, text)])
    assert ("discussion/help_text.py", qid, field) in {
        (f.member, f.question_id, f.field) for f in found
    }
    assert any(f.field == "file" and "assessment/x.toml" in f.member for f in found)


def test_the_assessor_wheel_carries_both_sets(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCUSSION_EDITION"}
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run([*command, "-w", str(tmp_path), str(ROOT)], check=True, env=env)
    (built,) = tmp_path.glob("*.whl")
    names = members(built)
    assert any("/question_bank/assessment/" in n for n in names)
    assert any("/question_bank/practice/" in n for n in names)
    assert aw.leaks(built, aw.assessment_texts())  # the check would refuse this one


def test_an_unknown_edition_stops_the_build(tmp_path: Path) -> None:
    env = {**os.environ, "DISCUSSION_EDITION": "trainer"}
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    run = subprocess.run(
        [*command, "-w", str(tmp_path), str(ROOT)], env=env, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "DISCUSSION_EDITION='trainer' is not an edition" in run.stdout + run.stderr
    assert not list(tmp_path.glob("*.whl"))


def installed(wheel: Path, tmp_path: Path) -> dict[str, str]:
    """The environment of a process that imports `discussion` from the unpacked wheel."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return {**os.environ, "PYTHONPATH": str(site)}


def test_the_installed_apprentice_edition_has_the_practice_set_only(
    wheel: Path, tmp_path: Path
) -> None:
    env = installed(wheel, tmp_path)
    where = subprocess.run(
        [sys.executable, "-c", "import discussion.paths as p; print(p.bundled_bank_dir())"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip().startswith(str(tmp_path / "site"))
    check = subprocess.run(
        [sys.executable, "-m", "discussion", "bank", "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "practice set only" in check.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "discussion", "bank", "list", "--set", "practice", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert listing.returncode == 0 and '"P-' in listing.stdout
