"""The IA's settings: classifier members from the environment, checked at start."""

from __future__ import annotations

import pytest

from subgraphs.ia.settings import IaSettings
from subgraphs.kernel.settings import SettingsError, load_settings


def test_members_come_as_a_comma_separated_list_and_unknown_ones_stop_the_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IA_TRIAGE_MEMBERS", "word_svm, char_svm")
    assert load_settings(IaSettings).triage_members == ["word_svm", "char_svm"]
    monkeypatch.setenv("IA_TRIAGE_MEMBERS", "word_svm,gpt")
    with pytest.raises(SettingsError, match="IA_TRIAGE_MEMBERS"):
        load_settings(IaSettings)
    monkeypatch.delenv("IA_TRIAGE_MEMBERS")
    assert load_settings(IaSettings).triage_members == ["word_svm", "char_svm", "word_bayes", "token_head"]
