"""The review's list of moments (or of one criterion's evidence); Enter plays the one selected.

Notes and criteria are coloured by criterion (`CriterionPalette`), named in the legend along
the list's bottom edge; a decision the verifier has judged shows the judgement under it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from discussion.playback.items import ReviewItem
from discussion.text_safety import visible
from discussion.ui.widgets.review_palette import CriterionPalette
from discussion.verification.events import JudgementData

KIND_STYLE = {
    "question": "cyan",
    "mark": "dim",
    "gap": "bold yellow",
    "alarm": "bold red",
    "cleared": "yellow",
    "pause": "yellow",
    "declined": "bold red",
    "decision": "bold",
    "segment": "dim",
    "recovered": "yellow",
    "time": "dim",
    "consent": "",
}
INDENT = " " * 18  # under the row's text (time and label columns)


def judgement_text(judgement: JudgementData, who: str) -> Text:
    """The line under a judged decision: `✓ IQA Kim agrees: comment (rests on #1, 00:12:30)`."""
    text = Text(INDENT)
    if judgement.agree:
        text.append(f"✓ {who} agrees", "bold green")
    else:
        text.append(f"✗ {who} DISAGREES", "bold red")
    if judgement.comment:
        text.append(f": {visible(judgement.comment)}")
    cited = [f"#{n}" for n in judgement.notes] + [f"mark {m}" for m in judgement.marks]
    cited += [f"{int(t) // 60:02d}:{int(t) % 60:02d}" for t in judgement.times]
    if cited:
        text.append(f" (rests on {', '.join(cited)})", "dim")
    return text


def item_text(
    item: ReviewItem,
    palette: CriterionPalette | None = None,
    judgement: JudgementData | None = None,
    who: str = "verifier",
) -> Text:
    """One row: time, label, criteria, text (the row wraps under a narrow terminal); a judged
    decision gets a second line with the judgement."""
    colours = palette or CriterionPalette()
    text = Text()
    text.append(f"{item.time_text:>8} ", "dim" if item.playable else "")
    text.append(f"{item.label:<8} ", "bold")
    for criterion in item.criteria:
        text.append(criterion, colours.tag_style(criterion))
        text.append(" ")
    style = KIND_STYLE.get(item.kind, "")
    if item.kind == "note" and item.criteria:
        style = colours.text_style(item.criteria[0])
    if item.kind == "decision" and ": " in item.text:
        verdict, _, rest = item.text.partition(": ")
        text.append(verdict, "bold green" if verdict == "MET" else "bold red")
        text.append(f": {visible(rest)}")
    else:
        text.append(visible(item.text), style)
    if judgement is not None:
        text.append("\n")
        text.append_text(judgement_text(judgement, who))
    return text


class ReviewList(OptionList):
    """The moments of the recording; `items[i]` is what option i shows."""

    DEFAULT_CSS = """
    ReviewList { height: 1fr; border: round $primary 60%; border-subtitle-align: left; }
    """

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.items: list[ReviewItem] = []
        self.palette = CriterionPalette()
        self.judgements: Mapping[str, JudgementData] = {}
        self.judged_by = "verifier"
        self.title_text = ""

    def show(
        self, items: Sequence[ReviewItem], title: str, *, keep_highlight: bool = False
    ) -> None:
        """Replace the list (the first playable item highlighted, or the same row as before)."""
        before = self.highlighted
        self.items = list(items)
        self.clear_options()
        self.add_options([Option(self._row(item)) for item in self.items])
        self.title_text = title
        self.border_title = title
        self.border_subtitle = self.palette.legend(self.judgements)  # the colours' key
        first = next((i for i, item in enumerate(self.items) if item.playable), 0)
        if self.items:
            kept = keep_highlight and before is not None and before < len(self.items)
            self.highlighted = before if kept else first

    def set_judgements(self, judgements: Mapping[str, JudgementData], who: str) -> None:
        """The verifier's judgements to show under the decisions (redrawn at once if changed)."""
        if dict(judgements) == self.judgements and who == self.judged_by:
            return  # a list of 1,000 moments is not rebuilt for nothing
        self.judgements = dict(judgements)
        self.judged_by = who
        self.show(self.items, self.title_text, keep_highlight=True)

    def _row(self, item: ReviewItem) -> Text:
        judgement = None
        if item.kind == "decision" and item.criteria:
            judgement = self.judgements.get(item.criteria[0])
        return item_text(item, self.palette, judgement, self.judged_by)

    @property
    def current(self) -> ReviewItem | None:
        """The highlighted item."""
        index = self.highlighted
        return self.items[index] if index is not None and index < len(self.items) else None

    def index_near(self, seconds: float) -> int | None:
        """The row of the moment last passed at `seconds` (the latest at or before it; the last
        row of equals), None before the first; the list need not be in time order."""
        best: int | None = None
        best_offset = -1.0
        for index, item in enumerate(self.items):
            if item.offset is not None and best_offset <= item.offset <= seconds:
                best, best_offset = index, item.offset
        return best

    def highlight_near(self, seconds: float) -> None:
        """Highlight the moment last passed at `seconds` (the one being heard)."""
        best = self.index_near(seconds)
        if best is not None:
            self.highlighted = best

    def step_note(self, forward: bool) -> ReviewItem | None:
        """Highlight the next (or previous) note after the highlighted row; None at the end."""
        start = self.highlighted if self.highlighted is not None else -1
        indexes = range(start + 1, len(self.items)) if forward else range(start - 1, -1, -1)
        for index in indexes:
            if self.items[index].kind == "note":
                self.highlighted = index
                return self.items[index]
        return None
