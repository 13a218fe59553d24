"""The chronogramme's reader: the shared scenarios' names or the API's, JSON or CSV, channels and kinds matched loosely."""

import pytest
from django.core.exceptions import ValidationError

from preparedness import scenarios


def test_csv_with_commas_and_the_scenario_s_short_names():
    text = 't,from,to,channel,kind,text,expected\n15,SAMU,Urgences,radio,décision,"Détourner les ambulances, à partir de 4 h",Tracer\n'
    (line,) = scenarios.parse_csv(text)
    assert (line.offset_minutes, line.sender, line.recipient, line.channel, line.kind) == (
        15,
        "SAMU",
        "Urgences",
        "radio",
        "decision",
    )
    assert line.content == "Détourner les ambulances, à partir de 4 h" and line.expected_reaction == "Tracer"


def test_a_bare_json_list_with_the_api_s_names_and_loose_channels():
    lines = scenarios.parse_json(
        '[{"offset_minutes": "5", "sender": "Standard", "channel": "Téléphone aux postes", "content": "Appel"},'
        ' {"offset_minutes": 6, "sender": "Cadre", "channel": "fiche papier", "content": "Fiche"},'
        ' {"offset_minutes": 7, "sender": "SOC", "channel": "alerte", "kind": "inconnu", "content": "Alerte"}]'
    )
    assert [(line.channel, line.kind) for line in lines] == [
        ("telephone", "fait"),
        ("papier", "fait"),
        ("autre", "fait"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{}",
        '{"injects": "non"}',
        "[1, 2]",
        '[{"t": -1, "from": "A", "text": "x"}]',
        '[{"t": true, "from": "A", "text": "x"}]',
    ],
)
def test_bad_chronogrammes_are_refused_with_a_message(text):
    with pytest.raises(ValidationError):
        scenarios.parse_json(text)


def test_an_upload_that_is_not_utf8_is_refused():
    with pytest.raises(ValidationError, match="UTF-8"):
        scenarios.parse_upload("t;from;text\n1;Élise;x\n".encode("latin-1"), "x.csv")
