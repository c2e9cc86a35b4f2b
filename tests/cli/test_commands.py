"""The command structure (contract section 9): --help lists every command,
each command has its own --help, --version reads the package's version, and
output that cannot be written or Ctrl-C end with one line, never a traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bp_tui
from bp_tui import cli
from bp_tui.cli import main
from bp_tui.engine.fields import MAX_PART

REPO = Path(__file__).resolve().parents[2]
CONTRACT_COMMANDS = ["trace", "check", "explain", "serve", "screenshot"]


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bp_tui", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL, **kwargs)


def call(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_help_lists_every_command_with_one_line(capsys):
    code, out, err = call(capsys, "--help")
    assert (code, err) == (0, "")
    listed = {}
    for line in out.splitlines():
        words = line.split()
        if line.startswith("  ") and words and words[0] in CONTRACT_COMMANDS:
            listed[words[0]] = " ".join(words[1:])
    assert sorted(listed) == sorted(CONTRACT_COMMANDS)
    assert all(len(summary) > 10 for summary in listed.values())
    assert "SCENARIO" in out and "--version" in out


@pytest.mark.parametrize("command, options", [
    ("trace", ["--updates"]), ("check", ["SCENARIO"]), ("explain", ["--update", "--weight"]),
    ("serve", ["--host", "--port", "--public-url"]), ("screenshot", ["--keys", "--size", "-o"]),
])
def test_each_command_has_its_own_help(capsys, command, options):
    code, out, err = call(capsys, command, "--help")
    assert (code, err) == (0, "")
    assert out.startswith(f"usage: bp-tui {command} ")
    for option in options:
        assert option in out


def test_version_is_the_package_version(capsys):
    code, out, err = call(capsys, "--version")
    assert (code, out, err) == (0, f"bp-tui {bp_tui.__version__}\n", "")
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"bp-tui {bp_tui.__version__}\n")


def test_adding_a_command_is_one_registration(capsys, monkeypatch):
    monkeypatch.setattr(cli, "COMMANDS", dict(cli.COMMANDS))

    def configure(parser):
        parser.add_argument("--times", type=cli.count, default=1)

    def hello(args):
        print("hello " * args.times)
        return 0

    cli.register("hello", "say hello", configure, hello)
    assert call(capsys, "hello", "--times", "2")[:2] == (0, "hello hello \n")
    assert "  hello" in call(capsys, "--help")[1]


def test_python_dash_m_and_the_app_default(capsys):
    result = run("check", "seed")
    assert (result.returncode, result.stdout) == (0, "seed: ok (Seed example)\n")


def assert_one_line_error(result, starts: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(starts), result.stderr


def test_a_full_disk_is_one_line_and_exit_2():
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "bp_tui", "trace", "seed"], cwd=REPO, stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == "bp-tui: cannot write the output: No space left on device\n"
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "bp_tui", "--help"], cwd=REPO, stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_a_closed_stdout_is_one_line_and_exit_2():
    result = subprocess.run([sys.executable, "-m", "bp_tui", "trace", "seed"], cwd=REPO, stdout=None,
                            stderr=subprocess.PIPE, text=True, timeout=60,
                            preexec_fn=lambda: __import__("os").close(1))
    assert result.returncode == 2
    assert result.stderr == "bp-tui: standard output is closed\n"


def test_a_reader_that_leaves_early_ends_quietly():
    shell = f"{sys.executable} -m bp_tui trace xor | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", shell], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "0" and result.stderr == ""


@pytest.mark.parametrize("delay", [0.15, 0.3, 0.5])
def test_ctrl_c_while_starting_prints_no_traceback(delay):
    """SIGINT at several moments of start-up (imports, loading, training)."""
    process = subprocess.Popen([sys.executable, "-m", "bp_tui", "trace", "iris"], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    assert process.returncode in (0, 130, -signal.SIGINT)
    assert err in ("", "bp-tui: interrupted\n")


# --- screenshot: checked before rendering ----------------------------------------


@pytest.mark.parametrize("args, starts", [
    (["-o", "shot.png"], "shot.png: -o: screenshots are SVG"),
    (["-o", "{tmp}/missing/shot.svg"], "{tmp}/missing/shot.svg: -o: no such folder"),
    (["-o", "{tmp}/folder.svg"], "{tmp}/folder.svg: -o: is a folder"),
    (["-o", "{tmp}/link.svg"], "{tmp}/link.svg: -o: is a symbolic link (not followed"),
    (["--size", "100000x100000", "-o", "x.svg"], "bp-tui screenshot: argument --size: 100000x100000 is out of range"),
    (["--size", "9" * 5000 + "x40", "-o", "x.svg"], "bp-tui screenshot: argument --size: expected WIDTHxHEIGHT"),
    (["--keys", "f bogus_key", "-o", "{tmp}/x.svg"], "--keys: 'bogus_key': unknown key name"),
])
def test_screenshot_refuses_bad_options_cleanly(tmp_path, capsys, args, starts):
    (tmp_path / "folder.svg").mkdir()
    (tmp_path / "link.svg").symlink_to(tmp_path / "elsewhere.svg")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = call(capsys, "screenshot", "seed", *argv)
    assert (code, out) == (2, "")
    assert err.startswith(starts.replace("{tmp}", str(tmp_path))) and len(err.splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.svg", "link.svg"]  # no stray .tmp
    assert not (tmp_path / "elsewhere.svg").exists()


def test_screenshot_writes_svg_with_known_keys(tmp_path, capsys):
    out = tmp_path / "shot.svg"
    code, _, err = call(capsys, "screenshot", "seed", "--keys", "f f question_mark escape", "--size", "100x30",
                        "-o", str(out))
    assert (code, err) == (0, "")
    assert out.read_text().startswith("<svg") and [p.name for p in tmp_path.iterdir()] == ["shot.svg"]


def test_over_long_and_special_paths_on_the_command_line(tmp_path):
    longer = "/".join(["y" * 200] * 30) + ".toml"
    result = run("check", longer)
    assert_one_line_error(result, f"{longer[:MAX_PART]}…")
    assert "the path is too long" in result.stderr and len(result.stderr) < 3 * MAX_PART
    result = run("trace", "/dev/zero")
    assert_one_line_error(result, "/dev/zero: file: is a device, not a regular file")


def test_the_app_without_a_terminal_is_a_user_error_not_a_hang():
    """`bp-tui seed < /dev/null` used to start the app and wait forever."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "bp_tui", "seed"], cwd=REPO, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=30)
    assert time.monotonic() - started < 20
    assert_one_line_error(result, "bp-tui: standard input is not a terminal")
