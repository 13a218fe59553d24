"""Apps plug into the core: their navigation entries and dashboard cards, for both scopes, filtered by capability."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crisis import plugins
from crisis.permissions import Cap
from crisis.plugins import Scope


@pytest.fixture
def test_app():
    """What a test app declares is withdrawn after the test."""
    with plugins.restored():
        yield


@pytest.fixture
def card_templates(settings, tmp_path):
    """A test app's card templates, found by the template engine like any app's."""
    (tmp_path / "testapp").mkdir()
    (tmp_path / "testapp" / "open.html").write_text(
        '<div class="card" id="card-open">Carte ouverte : {{ card.n }}</div>'
    )
    (tmp_path / "testapp" / "deciders.html").write_text(
        '<div class="card" id="card-deciders">Carte des décideurs</div>'
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}, *settings.TEMPLATES[1:]]


def membership_of(user):
    return user.memberships.get()


# What the core and printing declare. Other installed apps (tests/example_app, the features) add
# their own entries, cards and topics: these tests look at the core's, each app tests its own.
CORE_APPS = ("crisis", "printing")


def core_names(entries) -> list[str]:
    return [e.url_name for e in entries if e.url_name.split(":")[0] in CORE_APPS]


def core_cards(cards) -> list[str]:
    return [c.name for c in cards if c.template.split("/")[0] in CORE_APPS]


def test_the_crisis_tabs_come_in_their_declared_order_printing_s_included(director):
    names = core_names(plugins.nav_entries(Scope.CRISIS, membership_of(director)))
    assert names == [
        "crisis:dashboard",
        "crisis:journal",
        "crisis:rida",
        "crisis:meetings",
        "crisis:decisions",
        "crisis:roster",
        "crisis:edit",
        "printing:crisis-prints",
    ]


def test_the_establishment_navigation_has_its_home_then_the_paper_kit(director):
    names = core_names(plugins.nav_entries(Scope.ESTABLISHMENT, membership_of(director)))
    assert names == ["crisis:establishment", "printing:paper-kit"]


def test_an_entry_is_placed_by_its_order_in_its_own_scope_only(test_app, director):
    plugins.nav(Scope.CRISIS, _("Entre deux"), "crisis:home", order=15)
    crisis_names = [e.url_name for e in plugins.nav_entries(Scope.CRISIS, membership_of(director))]
    assert crisis_names.index("crisis:home") == crisis_names.index("crisis:journal") + 1
    assert "crisis:home" not in [e.url_name for e in plugins.nav_entries(Scope.ESTABLISHMENT, membership_of(director))]


def test_a_member_sees_only_the_entries_and_cards_whose_capability_they_hold(test_app, director, observer):
    plugins.nav(Scope.ESTABLISHMENT, _("Réservé"), "crisis:home", capability=Cap.DECIDE)
    plugins.card(Scope.ESTABLISHMENT, "deciders", "testapp/deciders.html", capability=Cap.DECIDE)
    assert "crisis:home" in [e.url_name for e in plugins.nav_entries(Scope.ESTABLISHMENT, membership_of(director))]
    assert "crisis:home" not in [e.url_name for e in plugins.nav_entries(Scope.ESTABLISHMENT, membership_of(observer))]
    assert "deciders" in [c.name for c in plugins.cards_of(Scope.ESTABLISHMENT, membership_of(director))]
    assert "deciders" not in [c.name for c in plugins.cards_of(Scope.ESTABLISHMENT, membership_of(observer))]


def test_no_membership_sees_nothing(db):
    assert plugins.nav_entries(Scope.CRISIS, None) == [] and plugins.cards_of(Scope.CRISIS, None) == []


def test_cards_come_in_order_with_what_their_context_function_returns(test_app, crisis, director):
    plugins.card(Scope.CRISIS, "first", "testapp/open.html", lambda c, user: {"n": c.pk, "by": user}, order=-1)
    shown = plugins.cards_for(crisis, membership_of(director), director)
    assert [c.name for c in shown][:3] == ["first", "decisions", "situation"]
    assert shown[0].context == {"n": crisis.pk, "by": director}
    assert core_cards(c.card for c in shown)[-1] == "kit"  # printing's card, declared by printing


def test_the_topics_a_page_follows_are_those_of_the_cards_its_member_sees(test_app, director, observer):
    plugins.card(
        Scope.ESTABLISHMENT, "deciders", "testapp/deciders.html", capability=Cap.DECIDE, topics=("deciders_topic",)
    )
    directors = plugins.topics_of(Scope.ESTABLISHMENT, membership_of(director))
    observers = plugins.topics_of(Scope.ESTABLISHMENT, membership_of(observer))
    assert "deciders_topic" in directors and "deciders_topic" not in observers
    assert {"crisis", "prints"} <= set(observers) and list(directors) == sorted(directors)
    assert set(plugins.topics_of(Scope.CRISIS, membership_of(observer))) >= {
        "crisis",
        "decisions",
        "journal",
        "prints",
        "rida",
        "roster",
    }


def test_a_declaration_names_a_known_scope_once(test_app):
    with pytest.raises(ValueError):
        plugins.nav("ght", _("Ailleurs"), "crisis:home")
    with pytest.raises(ValueError):
        plugins.nav(Scope.CRISIS, _("Encore"), "crisis:journal")
    with pytest.raises(ValueError):
        plugins.card(Scope.CRISIS, "journal", "testapp/open.html")
    with pytest.raises(TypeError):
        plugins.card(Scope.CRISIS, "lonely", "testapp/open.html", topics="journal")


def test_the_header_renders_the_crisis_tabs_from_the_registry(client, crisis, observer):
    client.force_login(observer)
    page = client.get(reverse("crisis:journal", args=[crisis.pk])).content.decode()
    tabs = page[page.index('<nav class="tabs"') : page.index("</nav>")]
    assert tabs.index("Main courante") < tabs.index("RIDA") < tabs.index("Impressions")
    assert f'href="{reverse("crisis:journal", args=[crisis.pk])}" aria-current="page"' in tabs


def test_the_establishment_page_shows_its_navigation_and_the_cards_the_member_may_see(
    test_app, card_templates, client, establishment, crisis, director, observer
):
    plugins.card(Scope.ESTABLISHMENT, "open", "testapp/open.html", lambda e, user: {"n": 7}, topics=("beds",))
    plugins.card(Scope.ESTABLISHMENT, "deciders", "testapp/deciders.html", capability=Cap.DECIDE)
    url = reverse("crisis:establishment", args=[establishment.pk])
    page = client.get(url)
    assert page.status_code == 302  # login first
    client.force_login(observer)
    page = client.get(url).content.decode()
    assert "Carte ouverte : 7" in page and "Carte des décideurs" not in page
    assert crisis.title in page and 'id="card-kit"' in page  # the core's crises card, printing's kit card
    nav = page[page.index('<nav class="tabs"') : page.index("</nav>")]
    assert reverse("printing:paper-kit", args=[establishment.pk]) in nav and f'href="{url}" aria-current="page"' in nav
    client.force_login(director)
    assert "Carte des décideurs" in client.get(url).content.decode()


def test_the_establishment_page_is_for_its_members(client, establishment, outsider):
    client.force_login(outsider)
    assert client.get(reverse("crisis:establishment", args=[establishment.pk])).status_code == 404
    assert client.post(reverse("crisis:establishment", args=[establishment.pk])).status_code == 405


def test_the_home_page_leads_to_the_establishment_page(client, establishment, observer):
    client.force_login(observer)
    page = client.get(reverse("crisis:home")).content.decode()
    assert reverse("crisis:establishment", args=[establishment.pk]) in page


def test_the_establishment_page_s_poll_is_a_204_until_something_changes(
    client, establishment, crisis, director, observer
):
    from crisis import services

    client.force_login(observer)
    url = reverse("crisis:establishment", args=[establishment.pk])
    version = client.get(url).context["live_version"]
    assert client.get(url, {"v": version}, HTTP_HX_REQUEST="true").status_code == 204
    services.crisis_create(establishment=establishment, by=director, title="Deuxième crise")
    response = client.get(url, {"v": version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Deuxième crise" in response.content.decode()
