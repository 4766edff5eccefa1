"""The organisation hub: sealed records handed in to S3-compatible storage, indexed in PostgreSQL.

Textual-free; `discussion.record` never imports it. Importing this package loads nothing heavy
(boto3 and psycopg load on first use). The API the app and the CLI share (docs/hub.md):

- `config.load_config() -> HubConfig`: environment over settings.json `"hub"`; `.require()`.
- `push.push_record(folder, config) -> PushResult` and `push.push_judgement(folder, config) ->
  JudgementResult`; `errors.HubUnreachable` when the hub is away (then `queue.enqueue(...)`).
- `pull.pull(session_id, dest, config) -> PullReport` (`.ok`, `.differences`).
- `index.open_index(config)` -> `Index.sessions()` (a list of `discussion.sampling.SessionEntry`,
  the same meaning as the local list; filter with `SessionFilter`, sample with `draw_sample`).
- `queue.status_of(session_id)` ("handed in" / "queued" / "not handed in") for the home screen;
  `queue.items()`, `queue.retry(config)` for a worker the app owns.
- `status.hub_status(reach=...) -> HubStatus` for `discussion hub status` and a status line.
"""
