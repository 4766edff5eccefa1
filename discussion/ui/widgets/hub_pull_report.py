"""What the last pull from the hub found, under the hub sessions table: intact (with the files
and who signed it, as the hub vouches) or every difference, one per line, in plain words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from discussion.hub.pull import PullReport


def pull_text(report: PullReport) -> str:
    """The report in words: one line when intact, else a line per difference."""
    if report.ok:
        signed = f"; signed by {', '.join(report.trusted)}" if report.trusted else ""
        return f"{report.session_id}: intact, {report.files} files in {report.folder}{signed}."
    lines = [
        f"{report.session_id}: ALTERED on the hub ({len(report.differences)} differences; "
        f"the copy is in {report.folder}):"
    ]
    lines += [f"  • {difference}" for difference in report.differences]
    return "\n".join(lines)


class HubPullReport(Static):
    """The last pull's outcome (hidden until there is one)."""

    DEFAULT_CSS = """
    HubPullReport { height: auto; max-height: 12; padding: 0 1; display: none; }
    HubPullReport.-shown { display: block; }
    HubPullReport.-altered { color: $error; }
    """

    def show_report(self, report: PullReport) -> None:
        """Show what the pull found."""
        self.update(Text(pull_text(report)))
        self.set_class(not report.ok, "-altered")
        self.add_class("-shown")

    def show_text(self, text: str, *, problem: bool = False) -> None:
        """Show one line (a pull or a judgement's hand-in that did not happen, with the fix)."""
        self.update(Text(text))
        self.set_class(problem, "-altered")
        self.add_class("-shown")
