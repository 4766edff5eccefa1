"""The autouse fixture of tests/conftest.py: no test sees a hub or cloud keys from the shell
that started pytest (a developer with DISCUSSION_HUB_* set would change the home snapshots)."""

from __future__ import annotations

import os

import pytest

from discussion.hub.config import load_config


def test_no_hub_or_cloud_variable_reaches_a_test() -> None:
    leaked = sorted(n for n in os.environ if n.startswith(("DISCUSSION_HUB_", "AWS_")))
    assert leaked == []
    assert not load_config().configured


def test_a_test_can_still_set_its_own_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCUSSION_HUB_BUCKET", "own-bucket")
    monkeypatch.setenv("DISCUSSION_HUB_DSN", "postgresql://127.0.0.1:9/own")
    assert load_config().configured
