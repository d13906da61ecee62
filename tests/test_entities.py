"""The glossary: which entities a text names."""

from __future__ import annotations

from briefing_bot.entities import Glossary

GLOSSARY = Glossary({"united-states": {"en": ("United States", "USA", "US")}, "interpol": {"en": ("INTERPOL", "Interpol")},
                     "russia": {"en": ("Russia",)}})


def test_an_acronym_is_a_whole_word_and_a_name_a_word_start():
    assert GLOSSARY.found("Did the US sign?", "en") == {"united-states"}
    assert GLOSSARY.found("Is USB theft covered?", "en") == set()
    assert GLOSSARY.found("INTERPOL's view", "en") == {"interpol"}
    assert GLOSSARY.found("Russian officials", "en") == {"russia"}  # other names are stems: inflected forms match
