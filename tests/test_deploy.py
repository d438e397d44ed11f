"""The deployment files cannot drift from the code: the services run commands that exist, the env file and the
settings name the same variables, nginx agrees with the settings, and the guide documents every file."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
INSTALL = "/srv/rasd/app/"  # where the guide puts the code
GUIDE = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
NGINX = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
SERVICES = ["rasd-web.service", "rasd-worker.service"]
# Read by the settings for the test suite only, never in production.
TEST_ONLY_VARIABLES = {"TEST_DATABASE_NAME"}


def unit(name: str) -> list[tuple[str, str, str]]:
    """A systemd unit file as (section, key, value) triples, in order (keys such as ExecStartPre repeat)."""
    entries, section = [], ""
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, value = line.split("=", 1)
        entries.append((section, key.strip(), value.strip()))
    return entries


def values(name: str, key: str) -> list[str]:
    return [value for _section, k, value in unit(name) if k == key]


def env_example(*, commented: bool = False) -> dict[str, str]:
    """The variables the example sets; with ``commented``, also those it shows commented out (``#NAME=value``:
    named, but left at their default)."""
    pairs = {}
    for line in (DEPLOY / "rasd.env.example").read_text(encoding="utf-8").splitlines():
        if commented and re.match(r"#[A-Z][A-Z0-9_]*=", line):
            line = line[1:]
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            pairs[name] = value
    return pairs


def variables_read(path: Path) -> set[str]:
    """The environment variables a Python file reads, through the settings' helpers or os.environ."""
    source = path.read_text(encoding="utf-8")
    return set(re.findall(r'(?:env(?:str|int|bool)|os\.environ\.get|os\.environ)[(\[]\s*"([A-Z0-9_]+)"', source))


def manage_commands(text: str) -> set[str]:
    return set(re.findall(r"(?:python manage\.py|`manage\.py|rasd-manage) ([a-z_]+)", text))


def test_the_web_service_runs_gunicorn_on_the_wsgi_application_of_the_code():
    (command,) = values("rasd-web.service", "ExecStart")
    program, *arguments = command.split()
    assert program == INSTALL + ".venv/bin/gunicorn"
    assert re.search(r"^gunicorn==", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.MULTILINE)
    config = arguments[arguments.index("-c") + 1]
    assert config.startswith(INSTALL) and (ROOT / config.removeprefix(INSTALL)).is_file()
    (target,) = [a for a in arguments if re.fullmatch(r"[\w.]+:\w+", a)]
    module, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert target == settings.WSGI_APPLICATION.replace(".application", ":application")


def test_the_web_service_listens_on_the_socket_nginx_talks_to():
    (socket_path,) = values("rasd-web.socket", "ListenStream")
    assert "rasd-web.socket" in values("rasd-web.service", "Requires")
    assert re.search(rf"server unix:{re.escape(socket_path)}\b", NGINX)
    assert values("rasd-web.socket", "SocketUser") == ["www-data"]


def test_the_worker_service_runs_commands_that_exist():
    commands = [*values("rasd-worker.service", "ExecStartPre"), *values("rasd-worker.service", "ExecStart")]
    names = [re.search(r"manage\.py (\w+)", c).group(1) for c in commands]
    assert names[-1] == "db_worker" and "recover_tasks" in names
    assert [n for n in names if n not in get_commands()] == []
    assert all(c.startswith(INSTALL + ".venv/bin/python manage.py ") for c in commands)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_restarts_runs_as_rasd_with_the_env_file_and_is_sandboxed(service):
    entries = {key: value for _s, key, value in unit(service)}
    assert entries["Restart"] in ("always", "on-failure")
    assert entries["User"] == entries["Group"] == "rasd"
    assert entries["EnvironmentFile"] == "/etc/rasd/rasd.env"
    assert entries["WorkingDirectory"] == INSTALL.rstrip("/")
    assert entries["NoNewPrivileges"] == "yes" and entries["ProtectSystem"] == "strict"
    # The uploaded files are the one place the services write.
    assert entries["ReadWritePaths"] == env_example()["MEDIA_ROOT"]


def test_the_env_example_names_every_variable_the_settings_read_and_no_other():
    read = variables_read(ROOT / "config" / "settings.py") | variables_read(DEPLOY / "gunicorn.conf.py")
    assert sorted(set(env_example(commented=True)) - read) == []
    assert sorted(read - TEST_ONLY_VARIABLES - set(env_example(commented=True))) == []


def test_the_settings_accept_the_env_example_as_production():
    """The example's values load: every integer and boolean parses, production's checks pass."""
    env = {k: v for k, v in os.environ.items() if k not in env_example() and k != "DJANGO_SETTINGS_MODULE"}
    env.update(env_example(), SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="config.settings")
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.MEDIA_ROOT, "
        "s.DATABASES['default']['ENGINE'], s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "/var/lib/rasd/media",
        "django.db.backends.postgresql",
        "False",
    ]


def test_nginx_accepts_the_largest_upload_the_settings_accept():
    (size,) = re.findall(r"client_max_body_size (\d+)m;", NGINX)
    production = env_example()
    for name in ("RASD_IMPORT_MAX_BYTES", "RASD_EVIDENCE_MAX_BYTES"):
        assert int(size) * 2**20 >= max(getattr(settings, name), int(production[name])), name


def test_nginx_serves_the_collected_static_files_and_never_the_uploaded_ones():
    static = re.search(r"location /(\S+)/ \{\s*alias (\S+);", NGINX)
    assert f"/{static.group(1)}/" == settings.STATIC_URL
    assert static.group(2) == INSTALL + str(Path(settings.STATIC_ROOT).relative_to(ROOT)) + "/"
    assert env_example()["MEDIA_ROOT"] not in NGINX
    assert re.search(r"location \^~ /media/ \{\s*return 404;", NGINX)


def test_nginx_passes_the_headers_rasd_trusts_behind_a_proxy():
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX
    # The client's address is the last entry of X-Forwarded-For: the one nginx appends.
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX
    assert "proxy_set_header Host $host;" in NGINX


def test_the_guide_is_linked_from_the_readme_and_documents_every_deploy_file():
    assert "(docs/deployment.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in DEPLOY.iterdir() if p.is_file())
    assert [f for f in files if f"`{f}`" not in GUIDE] == []


def test_every_command_the_guide_and_the_deploy_files_run_exists():
    texts = [GUIDE, *(p.read_text(encoding="utf-8") for p in DEPLOY.iterdir() if p.is_file())]
    used = set().union(*(manage_commands(t) for t in texts))
    assert {"migrate", "collectstatic", "load_reference_data", "createsuperuser", "db_worker"} <= used
    assert sorted(used - set(get_commands())) == []
