"""Only a Dossier writer's notices move an open window: a notice on the workspace's channel from
a login that merely can connect, naming no history row, a row that is not the writer's, or one
acted on already (a replay), is ignored; a real save still arrives."""

from __future__ import annotations

import dataclasses
import json
import time

from dossier.model.records import Party, Person
from dossier.services import live, records
from dossier.services.workspace import open_workspace
from dossier.store.feeds import CHANNEL


def _poll(feed: live.ChangeFeed, seconds: float) -> list:
    changes, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        changes += feed.poll(0.2)
    return changes


def test_forged_and_replayed_notices_are_ignored_and_real_saves_arrive(pg_url, psycopg):
    with open_workspace(pg_url) as a, open_workspace(pg_url) as b:
        records.create(b, Party(id="sy", name="Syria"))
        person = records.create(b, Person(id="p", name="Asaad", party="sy")).record
        with live.ChangeFeed(a) as feed:
            _poll(feed, 0.5)  # what was announced before
            captured = []
            with psycopg.connect(pg_url, autocommit=True) as spy:  # sees every payload, as anyone may
                spy.execute(f"LISTEN {CHANNEL}")
                records.update(b, dataclasses.replace(person, title="Minister"))
                captured = [n.payload for n in spy.notifies(timeout=5, stop_after=1)]
                real = _poll(feed, 1.0)
            assert any(c.changed.get("people") == ("p",) for c in real)  # a real save arrives
            assert captured and json.loads(captured[0])["row"]
            with psycopg.connect(pg_url, autocommit=True) as forger:
                forged = [
                    {"origin": "someone", "collection": "people", "id": "p", "action": "update"},  # no row
                    {"origin": "someone", "collection": "people", "id": "p", "action": "update", "row": 1},
                    {"origin": "x", "collection": "people", "id": "p", "action": "update", "row": 10**9},
                    "not json",
                ]
                for payload in forged:
                    text = payload if isinstance(payload, str) else json.dumps(payload)
                    forger.execute("SELECT pg_notify(%s, %s)", (CHANNEL, text))
                forger.execute("SELECT pg_notify(%s, %s)", (CHANNEL, captured[0]))  # a replay of the real one
            assert _poll(feed, 1.5) == []
            records.update(b, dataclasses.replace(person, title="Foreign Minister"))
            again = _poll(feed, 1.5)
            assert any(c.changed.get("people") == ("p",) for c in again)
