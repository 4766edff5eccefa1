"""Transcripts: an offline transcript of a sealed recording, on the session timeline.

`model` (transcript.json and its progress file), `engine` (the speech recogniser behind a small
interface), `timeline` (segment files and the session clock), `run` (resumable, cancellable
transcription of a session folder). No Textual here: the app and the CLI call these.
"""
