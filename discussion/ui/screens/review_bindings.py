"""The review screen's keys (`ReviewScreen.BINDINGS`), each with its id and tooltip."""

from __future__ import annotations

from textual.binding import Binding, BindingType

REVIEW_BINDINGS: list[BindingType] = [
    Binding("escape", "back", "Back", id="review.back", tooltip="Leave the review"),
    Binding("space", "play_pause", "Play/pause", id="review.play",
            tooltip="Pause, or play on (from 2 s before where it paused)"),
    # priority: before the list's own (horizontal scroll) keys
    Binding("left", "skip(-5)", "−5 s", id="review.back5", tooltip="Back 5 seconds",
            priority=True),
    Binding("right", "skip(5)", "+5 s", id="review.forward5", tooltip="Forward 5 seconds",
            priority=True),
    Binding("shift+left,left_square_bracket", "skip(-30)", "−30 s", show=False,
            id="review.back30", tooltip="Back 30 seconds", priority=True),
    Binding("shift+right,right_square_bracket", "skip(30)", "+30 s", show=False,
            id="review.forward30", tooltip="Forward 30 seconds", priority=True),
    Binding("n", "step_note(True)", "Next note", id="review.next",
            tooltip="Select the next note in the list and play from it (less the pre-roll)"),
    Binding("p", "step_note(False)", "Prev note", show=False, id="review.previous",
            tooltip="Select the previous note in the list and play from it"),
    Binding("a", "loop_a", "Loop A", show=False, id="review.loop_a",
            tooltip="Start an A–B loop here (then b where it should end)"),
    Binding("b", "loop_b", "Loop B", show=False, id="review.loop_b",
            tooltip="End the A–B loop here and play it round; b again stops looping"),
    Binding("plus,equals_sign", "speed(1)", "Faster", show=False, id="review.faster",
            tooltip="Play faster, same pitch (up to 2×)"),
    Binding("minus", "speed(-1)", "Slower", show=False, id="review.slower",
            tooltip="Play slower, same pitch (down to 0.75×)"),
    Binding("g", "go_to", "Go to", id="review.go_to", tooltip="Go to a time (MM:SS)"),
    Binding("f", "filter", "Criterion", id="review.filter",
            tooltip="Show one criterion's evidence: decision, rationale, the notes it rests "
            "on (empty: everything)"),
    Binding("j", "judge", "Judge", id="review.judge",
            tooltip="Agree or disagree with the assessor's decision on the highlighted "
            "criterion, with a comment and the notes it rests on"),
    Binding("o", "outcome", "Outcome", show=False, id="review.outcome",
            tooltip="The overall outcome (confirmed / referred back): ends your "
            "verification, signed with your verifier key"),
    Binding("l", "follow", "Follow", show=False, id="review.follow",
            tooltip="The list follows playback, or stops following (toggle)"),
    Binding("left_curly_bracket", "preroll(-1)", "Pre-roll −", show=False,
            id="review.preroll_less", tooltip="Play a second less before a note"),
    Binding("right_curly_bracket", "preroll(1)", "Pre-roll +", show=False,
            id="review.preroll_more", tooltip="Play a second more before a note (up to 30)"),
    Binding("t", "transcript", "Transcript", id="review.transcript",
            tooltip="To the transcript pane and back (narrow terminal: shown instead of "
            "the list)"),
    Binding("m", "answers", "Answers", id="review.answers",
            tooltip="A mock's answers (probes, why, self-check) or the transcript (toggle)"),
]  # fmt: skip
