"""Configuration precedence: command line > environment > ./agent.toml > user config."""

from __future__ import annotations

import pytest

from agent.config import RunConfig, describe, load_config
from tools.errors import BadInput


def test_precedence_order(tmp_path):
    user = tmp_path / "user.toml"
    user.write_text('model = "openai:from-user"\nbest_of = 2\niterations = 7\nseed = 1\n')
    (tmp_path / "agent.toml").write_text('model = "openai:from-cwd"\nbest_of = 3\nseed = 2\n')
    env = {"AGENT_MODEL": "anthropic:from-env", "AGENT_SEED": "3"}
    config, sources = load_config({"seed": 4, "best_of": None}, env, tmp_path, user)
    assert config.iterations == 7 and sources["iterations"] == "user config"
    assert config.best_of == 3 and sources["best_of"] == "agent.toml"
    assert config.model == "anthropic:from-env" and sources["model"] == "environment"
    assert config.seed == 4 and sources["seed"] == "command line"
    assert config.patience == RunConfig().patience and sources["patience"] == "default"
    assert any(
        line.startswith("seed = 4") and "command line" in line for line in describe(config, sources)
    )


def test_openai_base_url_from_the_environment(tmp_path):
    config, sources = load_config({}, {"OPENAI_BASE_URL": "http://x/v1"}, tmp_path, tmp_path / "u")
    assert config.base_url == "http://x/v1" and sources["base_url"] == "environment"


def test_unknown_keys_and_bad_values_are_bad_input(tmp_path):
    (tmp_path / "agent.toml").write_text("colour = 1\n")
    with pytest.raises(BadInput, match="unknown key 'colour'"):
        load_config({}, {}, tmp_path, tmp_path / "u")
    (tmp_path / "agent.toml").write_text("best_of = 'many'\n")
    with pytest.raises(BadInput, match="best_of"):
        load_config({}, {}, tmp_path, tmp_path / "u")
    (tmp_path / "agent.toml").unlink()
    with pytest.raises(BadInput, match="best_of must be at least 1"):
        load_config({"best_of": 0}, {}, tmp_path, tmp_path / "u")
    with pytest.raises(BadInput, match="AGENT_ITERATIONS"):
        load_config({}, {"AGENT_ITERATIONS": "x"}, tmp_path, tmp_path / "u")


def test_prices_come_from_toml(tmp_path):
    (tmp_path / "agent.toml").write_text('[prices]\n"openai:mine" = [1.0, 2.0]\n')
    config, _ = load_config({}, {}, tmp_path, tmp_path / "u")
    assert config.prices == {"openai:mine": [1.0, 2.0]}
