"""`discussion judge` and `discussion verify` / `export` on verification.jsonl, through a real
interpreter (the dispatcher, its one-line errors and exit codes)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_record_support import run_cli
from verification_helpers import make_record, sealed_folder

V = "Kim Verifier"


def _key() -> str:
    """The fingerprint of this test's data folder's verifier key (made by the first finish)."""
    from discussion.signing.keys import load_or_create_key

    return load_or_create_key("verifier").fingerprint


def _judge(folder: Path, *args: str) -> tuple[int, str, str]:
    done = run_cli("judge", str(folder), "--verifier", V, *args)
    return done.returncode, done.stdout, done.stderr


def test_each_option_appends_and_the_outcome_signs(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    code, out, err = _judge(folder, "--criterion", "1A", "--agree", "--notes", "1,0:01")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "recorded 0 started IQA Kim Verifier",
        "recorded 1 judgement 1A agree",
    ]
    code, out, _ = _judge(
        folder, "--criterion", "2a", "--disagree", "--comment", "outcome at 0:01", "--notes", "m1"
    )
    assert (code, out) == (0, "recorded 2 judgement 2A disagree\n")
    code, out, _ = _judge(folder, "--outcome", "referred", "--comment", "review 2A")
    assert code == 0
    last = json.loads((folder / "verification.jsonl").read_text().splitlines()[-1])
    assert out.splitlines() == [
        "recorded 3 outcome referred",
        "recorded 4 finished signed by Kim Verifier with the verifier key " + _key(),
        f"verification hash: {last['hash']}",
    ]
    done = run_cli("verify", str(folder))
    assert done.returncode == 0, done.stdout
    assert "verification: IQA Kim Verifier: REFERRED BACK; signed by Kim Verifier" in done.stdout
    report = json.loads(run_cli("verify", "--json", str(folder)).stdout)
    (entry,) = report["verification"]["rounds"]
    assert entry["signature_ok"] and entry["signed_by"]["name"] == V and entry["trusted"]
    assert entry["finished_hash"] == last["hash"]


def test_finish_and_role(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    code, out, _ = _judge(folder, "--role", "EQA", "--criterion", "1A", "--agree", "--finish")
    assert code == 0
    assert out.splitlines()[0] == "recorded 0 started EQA Kim Verifier"
    assert out.splitlines()[-2].startswith("recorded 2 finished signed by Kim Verifier with the")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--criterion", "1A"], "--criterion needs --agree or --disagree"),
        (["--agree"], "need --criterion"),
        (["--criterion", "2A", "--disagree"], "a disagreement needs a comment"),
        (["--criterion", "1A", "--agree", "--notes", "12"], "no note 12"),
        (["--criterion", "9Z", "--agree"], "not a discussion criterion"),
        (["--outcome", "maybe"], "--outcome 'maybe': use confirmed or referred"),
        (["--role", "boss", "--finish"], "use IQA (internal) or EQA (external)"),
        (["--outcome", "referred"], "referred outcome needs a comment"),
        (["--criterion", "1A", "--agree", "--outcome", "confirmed"], "not both"),
        ([], "nothing to record"),
        (["--finish", "--comment", "lost"], "--comment needs --criterion or --outcome"),
        (["--criterion", "1A", "--agree", "--disagree"], "not both"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    folder = sealed_folder(tmp_path)
    code, out, err = _judge(folder, *args)
    assert code == 2, (out, err)
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert not (folder / "verification.jsonl").exists()


def test_a_missing_verifier_is_one_line(tmp_path: Path) -> None:
    done = run_cli("judge", str(tmp_path), "--finish")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        'discussion: error: --verifier NAME is required: who is judging (e.g. --verifier "Kim Lee")'
    ]


def test_unsealed_or_altered_records_are_refused_exit_1(tmp_path: Path) -> None:
    record = make_record(tmp_path / "open", close=False)
    record.release()
    code, _, err = _judge(record.folder, "--criterion", "1A", "--agree")
    assert code == 1 and "is not sealed" in err and len(err.strip().splitlines()) == 1
    folder = sealed_folder(tmp_path / "altered")
    (folder / "recorder.log").write_text("changed\n")
    code, _, err = _judge(folder, "--criterion", "1A", "--agree")
    assert code == 1 and "does not verify" in err and len(err.strip().splitlines()) == 1


def test_a_changed_byte_makes_verify_exit_1(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    assert _judge(folder, "--outcome", "confirmed")[0] == 0
    path = folder / "verification.jsonl"
    data = bytearray(path.read_bytes())
    data[data.index(b"confirmed")] ^= 0x20  # c -> C
    path.write_bytes(bytes(data))
    done = run_cli("verify", str(folder))
    assert done.returncode == 1
    assert "verification.jsonl line" in done.stdout


class _Cells(HTMLParser):
    """Collects each table row's cell texts, keyed by the row's data-criterion."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._row: str | None = None
        self._in_cell = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = dict(attrs).get("data-criterion")
            if self._row:
                self.rows[self._row] = []
        elif tag == "td" and self._row:
            self._in_cell = True
            self.rows[self._row].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False
        elif tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_cell and self._row:
            self.rows[self._row][-1] += data


def _judged(tmp_path: Path) -> Path:
    folder = sealed_folder(tmp_path)
    _judge(folder, "--criterion", "1A", "--agree", "--comment", "<b>sound</b>", "--notes", "1")
    _judge(
        folder, "--criterion", "2A", "--disagree", "--comment", "outcome at 0:01", "--notes", "0:01"
    )
    _judge(folder, "--outcome", "referred", "--comment", "2A to be reviewed")
    return folder


def test_export_verification_markdown(tmp_path: Path) -> None:
    folder = _judged(tmp_path)
    done = run_cli("export", str(folder), "--format", "verification")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "## Verification 1: IQA by Kim Verifier" in text
    assert "**Outcome:** referred back to the assessor" in text
    assert "signed by Kim Verifier" in text
    assert "- **Record signed:** signed by Test Assessor" in text  # the assessor's seal
    last = json.loads((folder / "verification.jsonl").read_text().splitlines()[-1])
    assert f"- **Verification hash:** {last['hash']}" in text
    row_1a = next(line for line in text.splitlines() if line.startswith("| 1A |"))
    assert "| met |" in row_1a and "clear example with detail (rests on \\#1)" in row_1a
    assert "**agree**" in row_1a and "\\<b\\>sound\\</b\\>" in row_1a and "\\#1" in row_1a
    row_2a = next(line for line in text.splitlines() if line.startswith("| 2A |"))
    assert "| not met |" in row_2a and "**DISAGREE**" in row_2a and "00:00:01" in row_2a
    assert "| 3B | undecided |" in text and "not judged" in text


def test_export_verification_html_parses(tmp_path: Path) -> None:
    folder = _judged(tmp_path)
    out = tmp_path / "report.html"
    done = run_cli("export", str(folder), "--format", "verification-html", "-o", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    assert "<b>sound</b>" not in page  # escaped, never markup
    parser = _Cells()
    parser.feed(page)
    parser.close()
    assert parser.rows["1A"][1:4] == ["met", "clear example with detail (rests on #1)", "agree"]
    assert parser.rows["1A"][4] == "<b>sound</b>"
    assert parser.rows["2A"][1] == "not met" and parser.rows["2A"][3] == "DISAGREE"
    assert parser.rows["2A"][5] == "00:00:01"
    assert parser.rows["3B"][3] == "not judged"
    assert "referred back to the assessor" in "".join(parser.text)


def test_export_of_a_record_without_verification_says_so(tmp_path: Path) -> None:
    folder = sealed_folder(tmp_path)
    done = run_cli("export", str(folder), "--format", "verification")
    assert done.returncode == 0
    assert "No verification has been recorded for this session." in done.stdout
