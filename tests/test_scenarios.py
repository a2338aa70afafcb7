"""Scenario files next to the rule files (rules/scenarios/): several nights, rows in, documents and findings out."""
import pytest

from engine.rules.scenarios import run_scenario

from .conftest import REPO

SCENARIOS = sorted((REPO / "rules" / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path):
    result = run_scenario(path, REPO / "rules", REPO / "forms")
    assert result.ok, result.detail


def test_a_scenario_that_expects_the_wrong_document_fails(tmp_path):
    text = (REPO / "rules" / "scenarios" / "fees-ladder.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("documents: {二次催费通知书: [1-1-101, 1-1-102]}",
                                "documents: {催费通知书: [1-1-101, 1-1-102]}"), encoding="utf-8")
    result = run_scenario(bad, REPO / "rules", REPO / "forms")
    assert not result.ok and "2026-10-24: 文书应为 {《催费通知书》['1-1-101', '1-1-102']}" in result.detail
