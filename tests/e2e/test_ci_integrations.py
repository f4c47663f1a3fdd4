"""The CI integrations: the GitHub Action's steps (run through a shell with the runner's variables), the GitLab
Code Quality report, and the pre-commit hook (through ``pre-commit try-repo`` on a sample repository)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def sample_project(folder: Path) -> Path:
    shutil.copytree(REPO / "samples", folder / "samples")
    shutil.copy(REPO / "channels.example.yaml", folder / "channels.yaml")
    return folder / "channels.yaml"


def runner_env(folder: Path, **inputs: str) -> dict[str, str]:
    """What a GitHub runner sets for a composite action's step, and the action's inputs as action.yml maps them."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(REPO),
        "GITHUB_WORKSPACE": str(folder),
        "GITHUB_STEP_SUMMARY": str(folder / "step-summary.md"),
        **inputs,
    }


def test_the_actions_steps_annotate_and_summarise(tmp_path: Path) -> None:
    sample_project(tmp_path)
    env = runner_env(tmp_path, CHANSYNC_CONFIG_INPUT="channels.yaml", CHANSYNC_STRICT="false", CHANSYNC_CHANNELS="")
    step = subprocess.run(["bash", str(REPO / "tools" / "ci" / "validate.sh")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert step.returncode == 0, step.stdout + step.stderr
    lines = step.stdout.splitlines()
    assert any(line.startswith("::warning file=samples/master.xlsx,line=") for line in lines)
    assert lines[-1].startswith("::notice title=chansync validate::0 errors")  # the totals come last
    summary = (tmp_path / "step-summary.md").read_text(encoding="utf-8")
    assert summary.startswith("### chansync validate") and "warning" in summary
    strict = subprocess.run(["bash", str(REPO / "tools" / "ci" / "validate.sh")], cwd=tmp_path,
                            env={**env, "CHANSYNC_STRICT": "true", "CHANSYNC_CHANNELS": "google bol"},
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert strict.returncode == 1 and "::error" in strict.stdout


def test_the_action_file_runs_the_script_with_its_inputs() -> None:
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite" and set(action["inputs"]) >= {"config", "strict", "channels"}
    step = action["runs"]["steps"][-1]
    assert "tools/ci/validate.sh" in step["run"] and step["env"]["CHANSYNC_STRICT"] == "${{ inputs.strict }}"


def test_a_gitlab_code_quality_report(tmp_path: Path) -> None:
    sample_project(tmp_path)
    out = subprocess.run([sys.executable, "-m", "chansync", "validate", "-c", "channels.yaml", "--format", "gitlab"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    issues = json.loads(out.stdout)
    assert out.returncode == 0 and issues
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)


@pytest.mark.skipif(shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None,
                    reason="pre-commit is not installed (pip install pre-commit)")  # fmt: skip
def test_the_pre_commit_hook_runs_on_a_sample_repository(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    sample_project(project)
    git = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "."], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "shop"], cwd=project, check=True)
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert pre_commit
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    run = subprocess.run([pre_commit, "try-repo", str(REPO), "chansync-validate", "--all-files"], cwd=project,
                         env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "chansync validate" in run.stdout and "Passed" in run.stdout


def test_init_writes_an_example_of_each_channel_kind_that_validates(tmp_path: Path) -> None:
    from chansync.starter import CHANNEL_EXAMPLES

    kinds = [arg for kind in CHANNEL_EXAMPLES for arg in ("--channel", kind)]
    made = subprocess.run([sys.executable, "-m", "chansync", "init", str(tmp_path), *kinds], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([sys.executable, "-m", "chansync", "validate", "-c", str(tmp_path / "channels.yaml")],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = subprocess.run([sys.executable, "-m", "chansync", "channels", "-c", str(tmp_path / "channels.yaml"),
                             "--format", "json"], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert {c["adapter"] for c in json.loads(listed.stdout)["channels"]} == set(CHANNEL_EXAMPLES)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_commented_api_lines_of_each_example_are_valid_config(tmp_path: Path, language: str) -> None:
    """A seller uncomments `upload:` and `export: api` to switch a channel to its API: what they get must load
    (keys, types, ${VAR} secrets) without touching the network, with the comments in either language."""
    import re

    from chansync import i18n
    from chansync.config import load_config
    from chansync.starter import CHANNEL_EXAMPLES, starter_config

    with i18n.using(language):
        text = starter_config(list(CHANNEL_EXAMPLES))
    # Per block, the last `# upload:` alternative (the API one where a block offers two) with its continuation
    # lines, and `# export: api`, uncommented.
    blocks = re.split(r"(?m)^(?=  \S)", text)

    def uncomment(line: str) -> str:  # "    #   key: value  # note" -> "      key: value"
        body = re.sub(r"^    # ?", "", line)
        return "    " + body.split("  #")[0].rstrip()

    out = []
    for block in blocks:
        lines = block.splitlines()
        uploads = [i for i, line in enumerate(lines) if line.startswith("    # upload: ")]
        chosen = set()
        if uploads:
            i = uploads[-1]
            chosen.add(i)
            while uncomment(lines[i]).endswith(",") and i + 1 < len(lines):
                i += 1
                chosen.add(i)
        chosen |= {i for i, line in enumerate(lines) if line.startswith("    # export: api")}
        api = any(line.startswith("    # export: api") for line in lines)  # it replaces the export file
        out.extend(uncomment(line) if i in chosen else line for i, line in enumerate(lines)
                   if not (api and line.startswith("    export: ")))  # fmt: skip
    uncommented = "\n".join(out) + "\n"
    assert uncommented.count("upload: {type:") >= 8 and uncommented.count("export: api") >= 6
    (tmp_path / "channels.yaml").write_text(uncommented, encoding="utf-8")
    secrets = set(re.findall(r"\$\{(\w+)\}", uncommented))
    config = load_config(str(tmp_path / "channels.yaml"), env={name: "x" for name in secrets})
    kinds = {c.upload.type for c in config.channels.values() if c.upload is not None}
    assert {"shopify_api", "woocommerce_api", "bol_api", "ebay_api", "etsy_api", "meta_api", "tiktok_shop_api",
            "amazon_sp_api", "google_merchant_api"} <= kinds  # fmt: skip
