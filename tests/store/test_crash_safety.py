"""Kill a writing process at random moments; every edit it reported committed must be there."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dossier.services import queries
from dossier.services.workspace import check_workspace, open_workspace

KILLS = 25

WRITER = """
import sys
from dossier.model import Person
from dossier.services import queries, records
from dossier.services.workspace import open_workspace
ws = open_workspace(sys.argv[1], daily_backup=False)
i = int(sys.argv[2])
print("ready", flush=True)
while True:
    records.create(ws, Person(id=f"p-{i}", name=f"Person {i}", bio="edit " * 50))
    print(i, flush=True)
    i += 1
"""


def _run_and_kill(path: Path, start: int, rng: random.Random) -> list[int]:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(start)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    reported: list[int] = []

    def read():
        for line in proc.stdout:
            reported.append(int(line))

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(rng.uniform(0.02, 0.4))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join()
    return reported


@pytest.mark.slow
def test_every_reported_edit_survives_sigkill(tmp_path):
    path = tmp_path / "w.sqlite"
    open_workspace(path, daily_backup=False).close()
    rng = random.Random(20261127)
    confirmed: set[int] = set()
    next_id = 0
    for _ in range(KILLS):
        confirmed.update(_run_and_kill(path, next_id, rng))
        with open_workspace(path, daily_backup=False) as ws:
            report = check_workspace(ws)
            assert report.ok, report
            present = {int(p.id[2:]) for p in queries.list_people(ws)}
        assert confirmed <= present, sorted(confirmed - present)[:5]
        next_id = max(present, default=-1) + 1
    assert len(confirmed) > KILLS  # the writer got real work done between kills
    print(f"kills survived: {KILLS}, edits confirmed: {len(confirmed)}, lost: 0")
