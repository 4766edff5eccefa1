"""The mock discussion for apprentices: pure, Textual-free domain (the screens are discussion.ui).

- `plan`: which practice questions a mock asks, with minute budgets and scaled warnings.
- `cues`: which look-fors an answer covered, from the bank's cue words.
- `examiner`: the state machine asking questions and up to two probes for what was left out.
- `practice_record`: the mock written as a session record of kind "practice".
- `readiness`: the report over one or more practice records (Markdown, HTML with an SVG chart).
- `listener` (VOICE): the recording and transcription of spoken answers.

Only the practice set is ever read; grading refuses practice records.
"""
