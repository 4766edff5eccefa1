"""`discussion export FOLDER --format verification|verification-html`: the verifier's report."""

from __future__ import annotations

from pathlib import Path

from discussion.errors import UserError

VERIFICATION_FORMATS = ("verification", "verification-html")


def verification_text(folder: Path, fmt: str) -> str:
    """The verification report of `folder` as Markdown (`verification`) or HTML."""
    from discussion.verification.html import render_verification_html
    from discussion.verification.markdown import render_verification_markdown
    from discussion.verification.report import build_verification_report

    if fmt not in VERIFICATION_FORMATS:
        raise UserError(
            f"unknown verification format {fmt!r}: use verification or verification-html"
        )
    report = build_verification_report(folder)
    if fmt == "verification":
        return render_verification_markdown(report)
    return render_verification_html(report)
