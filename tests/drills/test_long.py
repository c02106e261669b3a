"""Long drills (``make drill``): real processes killed, paused and frozen.

- PostgreSQL frozen (SIGSTOP) under gunicorn: pages and the API answer 503 within the
  timeouts, /readyz within a second, and everything answers again once it thaws. This drill
  starts a PostgreSQL server of its own (pgserver, its own data folder), never the suite's.
- A Celery worker killed (SIGKILL) in the middle of a report: another worker takes the run
  over, and one file comes out, from the attempt the database records.
- A worker paused (SIGSTOP) in the middle of a report, taken over, then resumed: the
  superseded attempt stops and the succeeded file is left untouched.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from cooperation.outbox import dispatch
from cooperation.postgresql.base import HEALTH_CHECK_GRACE_SECONDS
from reports.models import ReportRun
from reports.services import report_request
from tests.drills.conftest import wait_until
from tests.loopback import free_port

pytestmark = pytest.mark.long_drill

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str, *, timeout: float = 20, **headers: str) -> tuple[int, float, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Language": "ca", **headers})  # noqa: S310
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return (
                response.status,
                time.monotonic() - started,
                dict(response.headers),
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started, dict(error.headers), error.read()


def _postgres_pids(postmaster: int) -> list[int]:
    children = subprocess.run(
        ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [postmaster, *(int(pid) for pid in children)]


@pytest.fixture
def own_postgres(tmp_path_factory) -> Iterator[tuple[str, int]]:
    """A PostgreSQL server for this drill alone, migrated; yield its URL and postmaster pid."""
    from devtools.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(tmp_path_factory.mktemp("frozen-postgres"))
    url = server.start()
    try:
        yield url, int(server.pid or 0)
    finally:
        for pid in _postgres_pids(int(server.pid or 0)):
            os.kill(pid, signal.SIGCONT)
        server.stop()


def _environment(**values: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **values}


def test_a_frozen_postgresql_gets_503_within_the_timeouts_and_recovery_after(
    own_postgres, tmp_path
):
    url, postmaster = own_postgres
    env = _environment(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="drill-only-secret-key-drill-only-secret-key-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_CONNECT_TIMEOUT="2",
        DATABASE_STATEMENT_TIMEOUT="3",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True, timeout=120
    )
    port = free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "30",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: _answers(base), timeout=30)
        assert _get(f"{base}/")[0] == 200
        pids = _postgres_pids(postmaster)
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            # A connection that answered less than a second ago skips its health check
            # (cooperation/postgresql/base.py); past that, the check meets the frozen server.
            time.sleep(HEALTH_CHECK_GRACE_SECONDS + 0.2)
            status, took, headers, body = _get(f"{base}/")
            print(f"\nfrozen: page {status} in {took:.2f} s")
            assert status == 503
            # The worker's kept connection fails its health check, then a new connection fails
            # to open: twice the connect timeout (2 s), plus slack.
            assert took < 2 + 2 + 1.5
            assert headers["Retry-After"] == "30"
            assert b"No disponible temporalment" in body
            status, took, _headers, _body = _get(f"{base}/readyz")
            print(f"frozen: /readyz {status} in {took:.2f} s")
            assert (status, took < 1.5) == (503, True)
            status, took, headers, body = _get(
                f"{base}/api/v1/areas/", Authorization="Bearer drill-token"
            )
            print(f"frozen: API {status} in {took:.2f} s")
            assert status == 503
            assert headers["Content-Type"] == "application/problem+json"
            assert took < 2 + 2 + 1.5
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)
        thawed = time.monotonic()
        assert wait_until(lambda: _get(f"{base}/", timeout=5)[0] == 200, timeout=20)
        print(f"thawed: 200 again after {time.monotonic() - thawed:.2f} s")
        assert _get(f"{base}/readyz")[0] in {200, 503}  # Redis may be the suite's or none
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(20)


def _answers(base: str) -> bool:
    try:
        return _get(f"{base}/healthz", timeout=2)[0] == 200
    except OSError:
        return False


# --- Reports under a worker that dies or pauses ------------------------------------------------


def _test_database_url() -> str:
    settings = connection.settings_dict
    host = quote(settings["HOST"] or "localhost", safe="")
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{settings['USER']}@{host}{port}/{settings['NAME']}"


def _institutions(count: int) -> None:
    """Enough institutions for the register's CSV to take several seconds (one INSERT)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cooperation_institution
                (code, name, name_es, name_ca, name_en, acronym, kind, party_id, ecos_member,
                 website, ror_id, active)
            SELECT 'DRILL-' || n, 'Institución ' || n, 'Institución ' || n, NULL, NULL, '',
                   'university', (SELECT id FROM cooperation_party ORDER BY code LIMIT 1),
                   n %% 2 = 0, '', '', true
            FROM generate_series(1, %s) AS n
            """,
            [count],
        )


def _worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "-n",
            f"{name}@drill",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--logfile",
            str(log),
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )


def _writing(root: Path) -> bool:
    """Whether an attempt has its temporary file open (it is writing the report)."""
    return any((root / "tmp").glob("*.part")) if (root / "tmp").exists() else False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGCONT)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@pytest.fixture
def report_scene(drill_redis, settings, tmp_path, official_cdmx):
    settings.REPORTS_ROOT = tmp_path / "reports"
    settings.REPORT_STALE_SECONDS = 10
    settings.OUTBOX_GRACE_SECONDS = 1
    official_cdmx.language = "en"
    official_cdmx.save()
    _institutions(200_000)
    env = _environment(
        DATABASE_URL=_test_database_url(),
        REDIS_URL=drill_redis.url,
        DEBUG="1",
        REPORTS_ROOT=str(settings.REPORTS_ROOT),
        REPORT_STALE_SECONDS="10",
    )
    return env, settings.REPORTS_ROOT


def _progress(run: ReportRun) -> tuple[str, int, int]:
    run.refresh_from_db()
    return run.state, run.progress, run.attempts


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_in_the_middle_of_a_report_leaves_one_file_of_the_recorded_attempt(
    report_scene, official_cdmx
):
    env, root = report_scene
    first = _worker(env, "first", root.parent / "first.log")
    second = None
    try:
        run = report_request(actor=official_cdmx, kind="institutions", parameters={}, format="csv")
        assert wait_until(lambda: _writing(root), timeout=60, step=0.02)
        os.killpg(first.pid, signal.SIGKILL)  # in the middle of writing the file
        first.wait(10)
        assert _progress(run)[0] == "running"
        second = _worker(env, "second", root.parent / "second.log")
        time.sleep(11)  # the heartbeat goes stale
        dispatch.sweep(["report"])
        assert wait_until(lambda: _progress(run)[0] == "succeeded", timeout=90)
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
    run.refresh_from_db()
    assert run.attempts == 2
    files = sorted(p.name for p in root.iterdir() if p.is_file())
    assert files == [run.file.name]
    assert list((root / "tmp").iterdir()) == []  # the killed attempt's half file is gone
    import zipfile

    with zipfile.ZipFile(root / run.file.name) as archive:
        listing = archive.read("institutions.csv").decode("utf-8-sig").splitlines()
    assert len(listing) == 1 + 200_000  # complete: heading and every institution


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_paused_attempt_that_resumes_after_a_takeover_leaves_the_succeeded_file_untouched(
    report_scene, official_cdmx
):
    env, root = report_scene
    log = root.parent / "first.log"
    first = _worker(env, "first", log)
    second = None
    try:
        run = report_request(actor=official_cdmx, kind="institutions", parameters={}, format="csv")
        assert wait_until(lambda: _writing(root), timeout=60, step=0.02)
        os.killpg(first.pid, signal.SIGSTOP)  # a frozen VM, a long pause, mid-file
        second = _worker(env, "second", root.parent / "second.log")
        time.sleep(11)
        dispatch.sweep(["report"])
        assert wait_until(lambda: _progress(run)[0] == "succeeded", timeout=90)
        run.refresh_from_db()
        final = root / run.file.name
        digest, mtime = _digest(final), final.stat().st_mtime_ns
        os.killpg(first.pid, signal.SIGCONT)  # the superseded attempt resumes
        assert wait_until(lambda: "was taken over" in log.read_text(), timeout=60)
        assert not list((root / "tmp").iterdir())
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
    run.refresh_from_db()
    assert (run.state, run.attempts) == ("succeeded", 2)
    assert (_digest(final), final.stat().st_mtime_ns) == (digest, mtime)
    assert sorted(p.name for p in root.iterdir() if p.is_file()) == [run.file.name]
