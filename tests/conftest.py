"""Shared fixtures. Audio fixtures FAIL (never skip) when the test audio environment is missing:
a green run must mean the recorder was tested against real audio."""

from __future__ import annotations

import gc
import os
import re
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import audio_helpers
import pytest
import textual._wait as textual_wait
from hypothesis import settings
from hypothesis_budget import FULL_EXAMPLES

pytest_plugins = ["hub_fixtures"]  # the hub's real SeaweedFS and PostgreSQL (issue 13)

# Property tests: `make test` runs the full profile; `make test-fast` sets HYPOTHESIS_PROFILE=fast
# (a fifth of the examples; hypothesis_budget.examples scales the counts tests name).
settings.register_profile("full", max_examples=FULL_EXAMPLES)
settings.register_profile("fast", max_examples=FULL_EXAMPLES // 5)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "full"))

# Pilot waits, after every key it presses, until the process looks idle: it sleeps in steps of
# 20 ms until one step used under 1 ms of CPU. Typing a note key by key spent most of a UI test
# asleep. Steps of 4 ms with the same ratio (idle = under 5% of a step busy) still wait while any
# thread of the app works, and the tests wait for what they check as before.
textual_wait.SLEEP_GRANULARITY = 0.004
textual_wait.SLEEP_IDLE = textual_wait.SLEEP_GRANULARITY / 20

# Fixtures that reach the private PulseAudio: a test using one is marked `audio` automatically,
# so `make test-fast` (`-m "not audio"`) never needs the sound server.
AUDIO_FIXTURES = frozenset({"pulse", "tiny_disk"})


# Set in a pytest-xdist worker that started a PulseAudio of its own.
_WORKER_PULSE = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    """Register `ui_flow`. Under pytest-xdist with the private PulseAudio running, each worker
    starts its own daemon (audio_helpers.start_worker_pulse), so the audio tests run in parallel,
    one sink each."""
    config.addinivalue_line(
        "markers",
        "ui_flow: a longer Pilot flow whose screen keeps a shorter Pilot test in make test-fast;"
        " make test runs it, make test-fast leaves it out",
    )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and os.environ.get("DISCUSSION_TEST_PULSE_DIR") and os.environ.get("PULSE_SERVER"):
        audio_helpers.start_worker_pulse(worker)
        config.stash[_WORKER_PULSE] = True


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the worker's own daemon (scripts/test-audio.sh `stop` cleans up after a crash)."""
    if config.stash.get(_WORKER_PULSE, False):
        audio_helpers.stop_worker_pulse()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses an audio fixture `audio`, and every test that drives the real
    app through tmux (modules named `*_tmux.py`) `slow`: `make test-fast` leaves both out."""
    for item in items:
        if AUDIO_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.audio)
        if item.path.name.endswith("_tmux.py"):
            item.add_marker(pytest.mark.slow)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep what lasts out of the garbage collector's full passes (see _freeze_survivors)."""
    gc.collect()
    gc.freeze()
    gc.callbacks.append(_freeze_survivors)


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    # The imported modules (Textual, pydantic, numpy, hypothesis, every test module) live as
    # long as the worker, yet each full collection scanned them all again: about a tenth of a
    # worker's CPU. What survived a full collection is frozen, so the next one scans only what
    # was made since. The discussion and review screens thaw everything when they close (their
    # own freeze); the next full collection frees the garbage among it and freezes the rest.
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


@pytest.fixture
def gc_freeze_untouched() -> Iterator[None]:
    """For a test of the app's own gc.freeze: no freeze of the tests' making meanwhile."""
    if _freeze_survivors not in gc.callbacks:
        yield
        return
    gc.callbacks.remove(_freeze_survivors)
    try:
        yield
    finally:
        gc.callbacks.append(_freeze_survivors)


@pytest.fixture(scope="session")
def _test_folders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where each test's own folders go. pytest numbers its folders by listing their parent
    on each one made, which grows with every test of a run; mkdtemp's names need no listing."""
    return tmp_path_factory.mktemp("tests")


@pytest.fixture
def tmp_path(request: pytest.FixtureRequest, _test_folders: Path) -> Path:
    """pytest's `tmp_path` (a new empty folder named after the test), made without the
    listing: see `_test_folders`."""
    name = re.sub(r"\W", "_", request.node.name)[:30]
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=_test_folders))


@pytest.fixture(autouse=True)
def _own_data_home(_test_folders: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every subprocess it starts) gets its own empty DISCUSSION_HOME, so no
    test can read or change the real user data folder, and no DISCUSSION_HUB_* or AWS_*
    variable. Tests that need a home or a hub of their own set them themselves."""
    home = Path(tempfile.mkdtemp(prefix="discussion-home-", dir=_test_folders))
    monkeypatch.setenv("DISCUSSION_HOME", str(home))
    # A hub (or cloud keys) set in the developer's shell would change what the home screen
    # shows and where a hand-in goes: every test starts without one (hub_env sets its own).
    for name in list(os.environ):
        if name.startswith(("DISCUSSION_HUB_", "AWS_")):
            monkeypatch.delenv(name)
    return home


@pytest.fixture
def pulse() -> Path:
    """The private PulseAudio of scripts/test-audio.sh, running (restarted if a test killed it).

    Returns its runtime dir. Fails with the command to use when PULSE_SERVER is not set.
    """
    try:
        directory = audio_helpers.pulse_dir()
    except audio_helpers.AudioEnvironmentMissing as error:
        pytest.fail(str(error), pytrace=False)
    if audio_helpers.pulse_pid() is None:
        audio_helpers.start_pulse()
    if not audio_helpers.pulse_ready():
        pytest.fail("the private PulseAudio does not answer on PULSE_SERVER", pytrace=False)
    return directory


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 200 KiB tmpfs (about 6 s of 16 kHz PCM_16): for disk-full tests. Needs root."""
    if os.geteuid() != 0:
        pytest.fail("the disk-full tests mount a tmpfs and must run as root", pytrace=False)
    mount_point = tmp_path / f"tiny-{uuid.uuid4().hex[:8]}"
    mount_point.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount_point)],
        check=True,
        capture_output=True,
    )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False, capture_output=True)
