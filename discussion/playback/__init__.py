"""Playing a session's recording back for review (Textual-free).

`AudioTimeline` maps the session timeline onto its segment files; `Player` plays it through a
sounddevice OutputStream (seek, pre-roll, pause with a rewind on resume, A–B loop, speed
without pitch change through sox as a separate process); `second_levels` gives the level strip.
"""

from discussion.playback.output import NoSound, OutputFactory, OutputStreamLike, output_device
from discussion.playback.player import DEFAULT_PREROLL_S, RESUME_REWIND_S, SPEEDS, Player
from discussion.playback.status import PlaybackStatus, PlayerAlarm, SeekStages
from discussion.playback.timeline import AudioTimeline, Piece, second_levels

__all__ = [
    "DEFAULT_PREROLL_S",
    "RESUME_REWIND_S",
    "SPEEDS",
    "AudioTimeline",
    "NoSound",
    "OutputFactory",
    "OutputStreamLike",
    "Piece",
    "PlaybackStatus",
    "Player",
    "PlayerAlarm",
    "SeekStages",
    "output_device",
    "second_levels",
]
