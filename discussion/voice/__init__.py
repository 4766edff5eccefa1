"""The mock discussion's voice (issue 12): questions spoken aloud, offline; Textual-free.

    speaker = Speaker.from_settings(settings, on_event)  # or Speaker(on_event, engine=...)
    if not speaker.available():
        show(speaker.reason)        # one line with the fix; questions are shown as text only
    speaker.start()                 # on_mount: loads and warms the voice in its thread
    speaker.say(question_text)      # returns at once; replaces anything being said
    speaker.stop()                  # silence now (SpeechFinished(cancelled=True))
    speaker.close()                 # on_unmount: joins the thread

Events (dataclasses in events.py), passed to `on_event` from the speaker's own thread, never
the UI's: `SpeakerReady(engine, note)`, `SpeechStarted(text, at_monotonic)` (the first sample
handed to the output device), `SpeechFinished(text, cancelled, at_monotonic)`,
`SpeechFailed(message, text)` (one line with the fix; the question stays on screen as text).

Voices (engine.py): "hibari" (hibari-tts 0.2.1, a neural American English voice inside the
wheel, Apache-2.0, never downloads), "espeak-ng" (British English, a separate program), "auto"
(hibari, else espeak-ng), "off". Settings: `voice_engine`, `voice_rate` (0.5-2.0).
"""

from discussion.voice.engine import EngineChoice, VoiceEngine, VoiceUnavailable, make_engine
from discussion.voice.events import (
    SpeakerReady,
    SpeechFailed,
    SpeechFinished,
    SpeechStarted,
    VoiceEvent,
)
from discussion.voice.speaker import Speaker

__all__ = [
    "EngineChoice",
    "Speaker",
    "SpeakerReady",
    "SpeechFailed",
    "SpeechFinished",
    "SpeechStarted",
    "VoiceEngine",
    "VoiceEvent",
    "VoiceUnavailable",
    "make_engine",
]
