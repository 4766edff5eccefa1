"""`discussion record`: record a discussion from the command line, notes typed on stdin.

    discussion record [--apprentice NAME --uln ULN --assessor NAME] [--mode M] [--attempt N]
                      [--epa-window-start DATE] [--device D] [--reaction-lag S]
                      [--no-audio REASON] [--consent TEXT] [--home DIR] [--resume FOLDER]

Output protocol (stdout, one line each, flushed; scripts and tests read it):

    session: <folder>                  always the first line
    recording                          the first audio block arrived (or `notes only: <reason>`)
    saved <seq> <HH:MM:SS.mmm> <ids>   a note is durable; offset after the reaction lag, ids
                                       comma-joined or `-`
    closed <folder>                    the session is sealed
    verify: <summary>                  `discussion verify` of the sealed folder

Errors and alarms go to stderr (`unknown criterion 9Z: note saved untagged`, `error: note NOT
saved (...)`, `alarm device_lost: ...`). PortAudio's own stderr goes to the session's
recorder.log. EOF, SIGINT, SIGTERM or SIGHUP stop the recording and seal the session (exit 0;
1 if the sealed folder does not verify or a note could never be saved). On a signal the notes
already read are saved for at most 1 s and any not saved are named by stdin line number, so the
session is sealed within 2 s; invalid UTF-8 in a line is kept as U+FFFD and said on stderr.

Each stdin line is one note, `[CRITERIA:] text` (see `discussion.notes.parse_note`); an empty
line marks the moment (a note with empty text). A note's first-keystroke offset is the sample
clock when the read that delivered the line's first byte returned: on a terminal that is when
Enter was pressed, on a pipe when the writer wrote it.

Without --apprentice and --uln the session is a *practice* session with fictional details
("Test Apprentice", ULN 9999999998). See docs/record-format.md for failure handling.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 5.0


def add_parser(subparsers: Any) -> None:
    """Register the `record` sub-command."""
    parser = subparsers.add_parser(
        "record",
        help="record a discussion; notes are read from stdin, one per line",
        description="Record a discussion from the default (or given) input device. Each stdin "
        "line is a note, optionally tagged `3A,3B: text`; an empty line marks the moment. "
        "EOF, Ctrl-C or SIGTERM stop and seal the session. Without --apprentice and --uln "
        "this is a practice session with fictional details.",
    )
    parser.add_argument("--device", help="input device name or index (default: settings/system)")
    parser.add_argument("--apprentice", help="apprentice's name (assessment sessions)")
    parser.add_argument("--uln", help="apprentice's Unique Learner Number (10 digits)")
    parser.add_argument("--assessor", help="assessor's name (default: settings)")
    parser.add_argument("--mode", choices=["virtual", "face-to-face"], default="virtual")
    parser.add_argument("--attempt", type=int, default=1, help="attempt number, 1-3")
    parser.add_argument(
        "--epa-window-start", help="YYYY-MM-DD the EPA window opened (default: today)"
    )
    parser.add_argument(
        "--practice", action="store_true", help="a practice session even with real details"
    )
    parser.add_argument(
        "--no-audio", metavar="REASON", help="notes only, no recording (the reason is recorded)"
    )
    parser.add_argument(
        "--reaction-lag",
        type=float,
        metavar="SECONDS",
        help="seconds subtracted from each note's offset (default: settings, 1.5)",
    )
    parser.add_argument("--consent", metavar="STATEMENT", help="log consent once recording")
    parser.add_argument("--home", type=Path, help="data home (default: DISCUSSION_HOME)")
    parser.add_argument(
        "--resume", type=Path, metavar="FOLDER", help="continue an interrupted session"
    )
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=START_TIMEOUT_S,
        metavar="SECONDS",
        help=f"give up when no audio arrives within this time (default {START_TIMEOUT_S:g})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Set up the session, record, take notes until EOF or a signal, then seal."""
    from discussion.cli.record_session import Output, RecordCommand

    if args.home is not None:
        os.environ["DISCUSSION_HOME"] = str(args.home.resolve())
    # A full disk must not print logging tracebacks over the terminal.
    logging.raiseExceptions = False
    terminal_err = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    saved_stderr = sys.stderr
    sys.stderr = terminal_err  # Python's stderr stays on the terminal; fd 2 may be redirected
    try:
        command = RecordCommand(args, Output(sys.stdout, terminal_err))
        return command.run()
    finally:
        sys.stderr = saved_stderr
        with contextlib.suppress(OSError):
            terminal_err.close()
