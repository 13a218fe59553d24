"""HTML rendered once and shared (web.fragments): a member gets only the parts their capabilities allow."""

from django.template import Context, Template
from django.urls import reverse

from crisis import services
from web import fragments

SHARED = (
    "<p>Entrée #4<!--member:manage_rida--> · <a>suite à donner</a><!--/member:manage_rida-->"
    "<!--member:decide--> · <a>enregistrer comme décision</a><!--/member:decide--></p>"
)


def test_a_member_gets_the_parts_of_the_capabilities_they_hold_and_no_marker():
    assert fragments.for_member(SHARED, {"manage_rida", "decide"}) == (
        "<p>Entrée #4 · <a>suite à donner</a> · <a>enregistrer comme décision</a></p>"
    )
    assert fragments.for_member(SHARED, {"decide"}) == "<p>Entrée #4 · <a>enregistrer comme décision</a></p>"
    assert fragments.for_member(SHARED, set()) == "<p>Entrée #4</p>"


def test_stored_text_cannot_fake_a_marker_once_escaped():
    typed = "<!--/member:decide--> <a href='x'>piège</a>"
    html = Template("<!--member:decide-->{{ text }}<!--/member:decide-->").render(Context({"text": typed}))
    assert fragments.for_member(html, set()) == ""
    assert "<a href" not in fragments.for_member(html, {"decide"})


def test_the_page_and_the_poll_offer_the_links_by_capability(client, crisis, scribe, observer):
    """The same entry's HTML, kept once: the scribe (RIDA, no decision) gets the follow-up link only,
    the observer neither; their answers never carry the markers."""
    page = reverse("crisis:journal", args=[crisis.pk])
    services.journal_append(crisis=crisis, by=scribe, text="Arrêt des automates", kind="decision")
    for user, follow_up in ((scribe, True), (observer, False)):
        client.force_login(user)
        body = client.get(page).content.decode()
        assert ("suite à donner" in body) is follow_up
        assert "enregistrer comme décision" not in body and "<!--member:" not in body
