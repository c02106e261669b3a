"""docker-compose.yml follows the Compose Specification and describes the whole production."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _validator() -> jsonschema.Draft201909Validator:
    schema = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())
    return jsonschema.Draft201909Validator(schema)


def test_compose_file_is_valid_against_the_compose_specification():
    errors = [f"{list(e.path)}: {e.message}" for e in _validator().iter_errors(_compose())]
    assert errors == []


def test_the_schema_check_catches_a_broken_file():
    broken = _compose()
    broken["services"]["web"]["healthcheck"]["retries"] = "three"
    broken["services"]["web"]["unknown_key"] = True
    assert len(list(_validator().iter_errors(broken))) >= 2


def test_compose_runs_web_worker_beat_postgres_and_redis_with_health_checks():
    services = _compose()["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    for name in ("web", "worker", "beat", "db", "redis"):
        assert "healthcheck" in services[name], name
    assert "celery" in " ".join(services["worker"]["command"])
    assert "beat" in services["beat"]["command"]
    assert services["web"]["env_file"] == ".env"
    assert set(_compose()["volumes"]) >= {"pgdata", "redisdata", "files"}


def test_env_example_lists_every_variable_the_settings_read():
    import re

    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\("([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()


APP_SERVICES = (
    "migrate",
    "web",
    "worker",
    "worker-reports",
    "worker-email",
    "worker-webhooks",
    "beat",
)


def test_web_and_workers_share_one_volume_holding_every_kind_of_kept_file():
    """A report built by a worker is downloadable from web; documents survive a rebuild."""
    services = _compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert "files:/srv/files" in service["volumes"], name
        env = service["environment"]
        for variable in (
            "MEDIA_ROOT",
            "PRIVATE_MEDIA_ROOT",
            "REPORTS_ROOT",
            "IMPORTS_ROOT",
            "OPENDATA_ROOT",
        ):
            assert env[variable].startswith("/srv/files/"), (name, variable)
    # Nothing kept under the image's own /srv/var, which a rebuild replaces.
    assert "/srv/var/media" not in (ROOT / "docker-compose.yml").read_text()


def test_compose_runs_a_worker_for_each_queue():
    from django.conf import settings

    services = _compose()["services"]
    consumed: set[str] = set()
    for name, service in services.items():
        command = service.get("command") or []
        if "worker" in command:
            consumed.update(command[command.index("-Q") + 1].split(","))
            assert "healthcheck" in service, name
    assert consumed == set(settings.CELERY_QUEUES)


def test_minio_variant_is_valid_and_points_every_app_service_at_the_bucket():
    minio = yaml.safe_load((ROOT / "docker-compose.minio.yml").read_text())
    errors = [f"{list(e.path)}: {e.message}" for e in _validator().iter_errors(minio)]
    assert errors == []
    base = set(_compose()["services"])
    for name in APP_SERVICES:
        assert minio["services"][name]["environment"]["STORAGE_URL"] == "s3://portal-files", name
    assert set(minio["services"]) - base == {"minio", "minio-bucket"}


def test_the_image_starts_gunicorn_from_its_config_file():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]' in dockerfile
    # The volume's mount point exists in the image, owned by the portal's user.
    assert "/srv/files" in dockerfile and "chown -R portal /srv/var /srv/files" in dockerfile
