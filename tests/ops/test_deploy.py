"""The deployment files: the container entry point (run directly, no Docker engine here),
the systemd unit, the compose file, the Dockerfile and the secrets example."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from bot.storage.db import current_revision, head_revision, migrate
from tests.ops.helpers import write_config
from tests.support import REPO

ENTRYPOINT = REPO / "deploy" / "docker-entrypoint.sh"
UNIT = REPO / "deploy" / "modbot.service"

FAKE_MODBOT = """#!/bin/sh
echo "$* umask=$(umask)" >> "$FAKE_LOG"
case "$1" in
  check-config) exit "${FAKE_CHECK_RC:-0}" ;;
  migrate) exit "${FAKE_MIGRATE_RC:-0}" ;;
esac
exit 0
"""

# Real check-config and migrate; "run" only reports that the service would start.
REAL_MODBOT = """#!/bin/sh
if [ "$1" = run ]; then echo "service would start"; exit 0; fi
cd "{repo}" && exec "{python}" -m bot "$@"
"""


def entrypoint(tmp: Path, script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "modbot"
    fake.write_text(script, encoding="utf-8")
    fake.chmod(0o755)
    full_env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "FAKE_LOG": str(tmp / "calls.log"),
                "MODBOT_CONFIG": str(tmp / "modbot.yaml"), **env}
    return subprocess.run(["sh", str(ENTRYPOINT), *args], env=full_env, capture_output=True, text=True,
                          timeout=120, check=False)


def calls(tmp: Path) -> list[str]:
    log = tmp / "calls.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.mark.parametrize("args, expected", [
    ((), ["check-config {cfg}", "migrate", "run"]),
    (("run", "--no-web"), ["check-config {cfg}", "migrate", "run --no-web"]),
    (("status",), ["status"]),
    (("modbot", "backup", "--out", "/var/lib/modbot/b.db"), ["backup --out /var/lib/modbot/b.db"]),
])
def test_entrypoint_checks_and_migrates_before_running(tmp_path: Path, args: tuple[str, ...],
                                                       expected: list[str]) -> None:
    (tmp_path / "modbot.yaml").write_text("council: {}\n", encoding="utf-8")
    result = entrypoint(tmp_path, FAKE_MODBOT, *args)
    assert result.returncode == 0, result.stderr
    cfg = tmp_path / "modbot.yaml"
    assert [c.split(" umask=")[0] for c in calls(tmp_path)] == [e.format(cfg=cfg) for e in expected]
    assert all(c.endswith("umask=0077") for c in calls(tmp_path))  # files it creates are owner-only


@pytest.mark.parametrize("failing, code, last", [
    ("FAKE_CHECK_RC", "2", "check-config"),
    ("FAKE_MIGRATE_RC", "1", "migrate"),
])
def test_entrypoint_never_starts_the_service_after_a_failed_step(tmp_path: Path, failing: str, code: str,
                                                                 last: str) -> None:
    (tmp_path / "modbot.yaml").write_text("council: {}\n", encoding="utf-8")
    result = entrypoint(tmp_path, FAKE_MODBOT, **{failing: code})
    assert result.returncode == int(code)
    assert calls(tmp_path)[-1].startswith(last)


def test_entrypoint_without_a_settings_file_says_so(tmp_path: Path) -> None:
    result = entrypoint(tmp_path, FAKE_MODBOT)
    assert result.returncode == 2
    assert "no settings file" in result.stderr and calls(tmp_path) == []


def test_entrypoint_with_the_real_modbot_migrates_a_fresh_volume(tmp_path: Path) -> None:
    write_config(tmp_path)
    script = REAL_MODBOT.format(repo=REPO, python=sys.executable)
    result = entrypoint(tmp_path, script)
    assert result.returncode == 0, result.stderr
    assert "OK (1 account(s), mode live, " in result.stdout and "service would start" in result.stdout
    db = tmp_path / "data" / "modbot.db"
    assert current_revision(f"sqlite:///{db}") == head_revision()
    assert db.stat().st_mode & 0o077 == 0


def test_entrypoint_refuses_a_database_from_a_newer_release(tmp_path: Path) -> None:
    write_config(tmp_path)
    url = f"sqlite:///{tmp_path / 'data' / 'modbot.db'}"
    migrate(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff_newer'"))
    engine.dispose()
    result = entrypoint(tmp_path, REAL_MODBOT.format(repo=REPO, python=sys.executable))
    assert result.returncode == 1
    assert "newer release" in result.stderr and "service would start" not in result.stdout


# -- systemd ------------------------------------------------------------------------------
def unit_settings() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def test_systemd_unit_is_hardened_and_restarts() -> None:
    s = unit_settings()
    expected = {"Restart": "on-failure", "User": "modbot", "ProtectSystem": "strict", "NoNewPrivileges": "true",
                "PrivateTmp": "true", "ProtectHome": "true", "ReadWritePaths": "/var/lib/modbot",
                "EnvironmentFile": "/etc/modbot/modbot.env", "ExecStart": "/opt/modbot/bin/modbot run"}
    for key, value in expected.items():
        assert s.get(key) == [value], key
    assert s["ExecStartPre"][-1] == "/opt/modbot/bin/modbot migrate"  # migrations before every start
    assert s["CapabilityBoundingSet"] == [""]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    modbot = Path(sys.executable).with_name("modbot")
    assert modbot.exists()
    units = []
    for source in sorted((REPO / "deploy").glob("modbot*.*")):
        if source.suffix in (".service", ".timer"):
            unit = tmp_path / source.name
            unit.write_text(source.read_text(encoding="utf-8").replace("/opt/modbot/bin/modbot", str(modbot)),
                            encoding="utf-8")
            units.append(str(unit))
    assert len(units) == 3
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, cwd=tmp_path,
                            text=True, timeout=60, check=False, env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"})
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "modbot" in line]
    assert result.returncode == 0 and problems == [], result.stdout + result.stderr


def test_backup_timer_runs_the_backup_command_nightly() -> None:
    service = (REPO / "deploy" / "modbot-backup.service").read_text(encoding="utf-8")
    timer = (REPO / "deploy" / "modbot-backup.timer").read_text(encoding="utf-8")
    assert "modbot backup --out /var/lib/modbot/backups/modbot-$(date +%%Y%%m%%d-%%H%%M%%S).db" in service
    assert "User=modbot" in service and "OnCalendar=*-*-* 02:30:00" in timer and "Persistent=true" in timer


# -- Docker -----------------------------------------------------------------------------------
def test_compose_defaults_to_sqlite_with_postgres_as_an_option() -> None:
    doc = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    bot, pg = doc["services"]["modbot"], doc["services"]["postgres"]
    assert "profiles" not in bot and pg["profiles"] == ["postgres"]
    assert "modbot-data:/var/lib/modbot" in bot["volumes"]
    assert all(p.startswith("127.0.0.1:") for p in bot["ports"])  # never the open internet
    assert bot["depends_on"]["postgres"]["required"] is False
    assert bot["env_file"] == "modbot.env" and bot["read_only"] is True


def dockerfile_stages() -> list[list[str]]:
    lines = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text(encoding="utf-8")).splitlines()
    stages: list[list[str]] = []
    for line in lines:
        if line.startswith("FROM "):
            stages.append([])
        if stages and line.strip() and not line.startswith("#"):
            stages[-1].append(line)
    return stages


def test_dockerfile_is_multi_stage_slim_non_root_and_healthchecked() -> None:
    build, final = dockerfile_stages()
    assert "slim" in build[0] and "slim" in final[0] and " AS build" in build[0]
    text = "\n".join(final)
    assert "COPY --from=build /opt/modbot /opt/modbot" in text
    assert re.search(r"^USER modbot$", text, re.M)
    assert "/healthz" in next(line for line in final if line.startswith("HEALTHCHECK"))
    assert 'VOLUME ["/var/lib/modbot"]' in text and "LABEL org.opencontainers.image.title" in text
    assert not re.search(r"\b(gcc|build-essential|make|git)\b", text)  # no build tools in the image
    assert final[-2:] == ['ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]', 'CMD ["run"]']
    copied = [line.split()[1] for line in build + final if line.startswith("COPY") and "--from" not in line]
    for source in copied:
        assert (REPO / source).exists(), source


def test_env_example_names_every_secret_the_example_settings_use() -> None:
    settings = (REPO / "config" / "modbot.example.yaml").read_text(encoding="utf-8")
    names = set(re.findall(r"_env:\s*([A-Z_][A-Z0-9_]*)", settings))
    example = (REPO / "deploy" / "modbot.env.example").read_text(encoding="utf-8")
    assert names and all(re.search(rf"^{n}=", example, re.M) for n in names), names


# -- the install guide --------------------------------------------------------------------------
def test_install_guide_refers_only_to_files_and_commands_that_exist() -> None:
    from bot.cli import build_parser

    guide = (REPO / "docs" / "install.md").read_text(encoding="utf-8")
    assert guide.index("<!-- END README TEXT -->") < guide.index("## A. systemd")
    for path in set(re.findall(r"\b((?:deploy|config|scripts|tests/ops)/[\w./-]+\.\w+)", guide)):
        assert (REPO / path).exists(), path
    [commands] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    subcommands = set(commands.choices)
    code = "\n".join(re.findall(r"```sh\n(.*?)```", guide, re.S) + re.findall(r"`([^`\n]+)`", guide))
    used = set(re.findall(r"(?=(?<![\w-])modbot(?: --config \S+)? ([a-z][a-z-]+))", code)) - {"modbot"}
    assert used and used <= subcommands, used - subcommands
