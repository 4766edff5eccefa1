"""Every object goes up with its sha256, which the store checks: the body is not hashed a
second time for the request's signature (UNSIGNED-PAYLOAD, as botocore itself does over HTTPS
with a checksum), and a body that does not match its checksum is still refused (real
SeaweedFS, tests/hub_fixtures.py); a store made after the keys changed signs with the new
ones."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from discussion.hub.config import load_config
from discussion.hub.store import Store, hex_to_b64
from scripts.hub_servers import HubServers


def test_bodies_go_up_with_their_checksum_and_a_wrong_one_is_refused(
    hub_env: dict[str, str],
) -> None:
    store = Store(load_config())
    store.init_bucket(1, "COMPLIANCE")
    signed: list[tuple[str, str | None]] = []

    def seen(request: Any, **_: Any) -> None:
        signed.append((request.method, request.headers.get("X-Amz-Content-SHA256")))

    store.client.meta.events.register("request-created.s3", seen)
    body = b"a sealed file " * 1000
    stored = store.put_bytes("records/x/file", body)
    assert stored.sent == len(body) and stored.checksum is not None
    assert ("PUT", "UNSIGNED-PAYLOAD") in signed
    other = hex_to_b64("0" * 64)
    with pytest.raises(ClientError) as refused:
        store.client.put_object(
            Bucket=store.bucket, Key="records/x/other", Body=body, ChecksumSHA256=other
        )
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert store.head("records/x/other") is None
    # A request without a checksum of its own keeps its body signed.
    store.client.put_object(Bucket=store.bucket, Key="records/x/plain", Body=b"plain")
    assert signed[-1][1] not in (None, "UNSIGNED-PAYLOAD"), signed[-1]


def test_a_store_made_after_the_keys_changed_uses_the_new_keys(
    hub_env: dict[str, str], hub_servers: HubServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The service model is loaded once per process; the credentials are looked up each time.
    bucket = hub_env["DISCUSSION_HUB_BUCKET"]
    Store(load_config()).init_bucket(1, "COMPLIANCE")  # the organisation's (Admin) keys
    writer = hub_servers.environment(bucket, writer=True)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", writer["AWS_ACCESS_KEY_ID"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", writer["AWS_SECRET_ACCESS_KEY"])
    with pytest.raises(ClientError) as refused:
        Store(load_config()).client.create_bucket(Bucket=f"{bucket}-more")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
