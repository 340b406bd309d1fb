import os
import secrets
import subprocess
import sys


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FUPIN_", "DJANGO_"))}
    env.update(FUPIN_SECRET_KEY=secrets.token_urlsafe(50)[:50],
               FUPIN_FIELD_KEY=secrets.token_urlsafe(32),
               FUPIN_ALLOWED_HOSTS="fupin.example.gov.cn", FUPIN_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "fupin", "check", "--deploy", "--fail-level",
                             "WARNING"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FUPIN_", "DJANGO_"))}
    env["FUPIN_VAR_DIR"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "fupin", "check"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "FUPIN_SECRET_KEY" in result.stderr
