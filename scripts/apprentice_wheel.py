"""`make apprentice-wheel`: the apprentice build, with the practice set only, checked.

    python -m scripts.apprentice_wheel [OUT_DIR]     (default dist/apprentice)

Builds the wheel with `DISCUSSION_EDITION=apprentice` (hatch_build.py leaves the confidential
assessment set out), then opens every file in it and searches for every assessment question,
probe and look-for of the source bank. Any hit, or any file under an `assessment/` folder,
deletes the wheel and exits 1: a leaked assessment question cannot be taken back. OUT_DIR is
emptied first, so it holds exactly one file afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSESSMENT_DIR = ROOT / "question_bank" / "assessment"
# The fields that carry an assessment question's own words. Reminders ("please leave out
# names") and `sufficient` ("look-fors 1 and 3") are the same generic words in both sets.
CONFIDENTIAL_FIELDS = ("text", "probes", "look_fors")


@dataclass(frozen=True)
class Leak:
    """An assessment text found in a file of the wheel."""

    member: str
    question_id: str
    field: str
    text: str


def normalise(text: str) -> str:
    """Lower case, runs of white space as one space: a text survives re-wrapping and escaping."""
    return re.sub(r"\s+", " ", text.replace('\\"', '"')).strip().lower()


def assessment_texts(folder: Path = ASSESSMENT_DIR) -> list[tuple[str, str, str]]:
    """(question id, field, text) for every confidential text of the assessment set's files.

    Read straight from the TOML, not through the bank loader, so the check still runs while
    the bank is being edited.
    """
    found = []
    for path in sorted(folder.rglob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for question in data.get("question", []):
            qid = str(question.get("id", path.name))
            for field in CONFIDENTIAL_FIELDS:
                value = question.get(field)
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str) and text.strip():
                        found.append((qid, field, text))
    return found


def leaks(wheel: Path, texts: list[tuple[str, str, str]]) -> list[Leak]:
    """Every assessment text found in any member of `wheel`, and any assessment-set file."""
    found = []
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if "assessment" in Path(member).parts:
                found.append(Leak(member, "-", "file", member))
            content = normalise(archive.read(member).decode("utf-8", "replace"))
            for qid, field, text in texts:
                if normalise(text) in content:
                    found.append(Leak(member, qid, field, text))
    return found


def build(out_dir: Path) -> Path:
    """Build the apprentice wheel into an emptied `out_dir`; return its path."""
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    env = {**os.environ, "DISCUSSION_EDITION": "apprentice"}
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
    command += ["--no-build-isolation", "--wheel-dir", str(out_dir), str(ROOT)]
    subprocess.run(command, check=True, env=env, cwd=ROOT)
    wheels = sorted(out_dir.iterdir())
    if len(wheels) != 1 or wheels[0].suffix != ".whl":
        raise SystemExit(f"apprentice-wheel: expected one wheel in {out_dir}, found {wheels}")
    return wheels[0]


def main(argv: list[str]) -> int:
    """Build, check, and say where the wheel is (exit 1 and no wheel if anything leaked)."""
    out_dir = Path(argv[0]) if argv else ROOT / "dist" / "apprentice"
    wheel = build(out_dir)
    texts = assessment_texts()
    found = leaks(wheel, texts)
    if found:
        wheel.unlink()
        for leak in found[:20]:
            print(f"LEAK {leak.member}: {leak.question_id} {leak.field}: {leak.text[:70]}")
        print(f"apprentice-wheel: {len(found)} assessment text(s) found; no wheel written")
        return 1
    print(f"{wheel} (practice set only; {len(texts)} assessment texts searched for, none found)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
