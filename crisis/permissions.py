"""Roles are named capabilities; access helpers return an object or raise.

An object of an establishment the user is not a member of answers 404 (its
existence is not revealed); a member lacking the capability gets 403.
The role table can be replaced with the ROLE_CAPABILITIES setting.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import Crisis, Establishment, Membership, RidaLine, Role

MAX_ID = 2**63 - 1  # the largest id a database row can have: anything above is a 404, not an overflow


class Cap:
    READ = "read"
    WRITE_JOURNAL = "write_journal"
    DECIDE = "decide"
    MANAGE_RIDA = "manage_rida"
    SEE_PATIENT_DATA = "see_patient_data"
    PUBLISH_COMMS = "publish_comms"
    PRINT = "print"
    ADMINISTER = "administer"


# What each capability lets a member do, for pages that say why something is refused or left out.
CAPABILITY_LABELS = {
    Cap.READ: _("consulter"),
    Cap.WRITE_JOURNAL: _("écrire dans la main courante"),
    Cap.DECIDE: _("décider"),
    Cap.MANAGE_RIDA: _("tenir le RIDA"),
    Cap.SEE_PATIENT_DATA: _("voir les données des patients"),
    Cap.PUBLISH_COMMS: _("publier les communications"),
    Cap.PRINT: _("imprimer"),
    Cap.ADMINISTER: _("administrer"),
}


_MEMBER = {Cap.READ, Cap.WRITE_JOURNAL, Cap.PRINT}

DEFAULT_ROLE_CAPABILITIES: dict[str, set[str]] = {
    Role.DIRECTEUR: _MEMBER | {Cap.DECIDE, Cap.MANAGE_RIDA, Cap.SEE_PATIENT_DATA, Cap.PUBLISH_COMMS, Cap.ADMINISTER},
    Role.COORDINATEUR: _MEMBER | {Cap.DECIDE, Cap.MANAGE_RIDA, Cap.ADMINISTER},
    Role.SECRETAIRE: _MEMBER | {Cap.MANAGE_RIDA},
    Role.COMMUNICATION: _MEMBER | {Cap.PUBLISH_COMMS},
    Role.SOINS: _MEMBER | {Cap.SEE_PATIENT_DATA, Cap.MANAGE_RIDA},
    Role.QUALITE: _MEMBER | {Cap.MANAGE_RIDA},
    Role.LOGISTIQUE: set(_MEMBER),
    Role.DSI: set(_MEMBER),
    Role.RSSI: _MEMBER | {Cap.DECIDE},
    Role.DPO: set(_MEMBER),
    Role.OBSERVATEUR: {Cap.READ},
    Role.EXPERT: {Cap.READ, Cap.WRITE_JOURNAL},
}


def capabilities_of(role: str) -> set[str]:
    table = getattr(settings, "ROLE_CAPABILITIES", None) or DEFAULT_ROLE_CAPABILITIES
    return set(table.get(role, ()))


def membership_for(user, establishment_id: int) -> Membership:
    """The user's active membership of the establishment, or 404."""
    if not user.is_authenticated or not 0 < establishment_id <= MAX_ID:
        raise Http404
    try:
        return Membership.objects.get(user=user, establishment_id=establishment_id, is_active=True)
    except Membership.DoesNotExist:
        raise Http404 from None


def refused(reason: str) -> PermissionDenied:
    """A 403 carrying why, for the server log's one line (web.log_filters); the user sees no more than before."""
    denied = PermissionDenied()
    denied.log_reason = reason
    return denied


def require(membership: Membership, capability: str) -> None:
    if not membership.has(capability):
        raise refused(f"role {membership.role} lacks {capability}")


def establishments_for(user) -> QuerySet[Establishment]:
    return Establishment.objects.filter(memberships__user=user, memberships__is_active=True).select_related("ght")


def crises_for(user) -> QuerySet[Crisis]:
    return Crisis.objects.filter(
        establishment__memberships__user=user, establishment__memberships__is_active=True
    ).select_related("establishment")


def get_establishment_for_user(
    user, establishment_id: int, capability: str = Cap.READ
) -> tuple[Establishment, Membership]:
    membership = membership_for(user, establishment_id)
    require(membership, capability)
    return membership.establishment, membership


def get_crisis_for_user(user, crisis_id: int, capability: str = Cap.READ) -> tuple[Crisis, Membership]:
    """The crisis and the user's membership, in one query; 404 for outsiders, 403 without the capability.

    A join on the membership, not subqueries: the unique (user, establishment)
    constraint makes it one row at most, and the ORM builds it in about half the
    CPU (every crisis page pays it).
    """
    if not user.is_authenticated:
        raise Http404
    crisis = (
        Crisis.objects.select_related("establishment")
        .filter(pk=crisis_id, establishment__memberships__user=user, establishment__memberships__is_active=True)
        .annotate(member_id=F("establishment__memberships__id"), member_role=F("establishment__memberships__role"))
        .first()
    )
    if crisis is None:
        raise Http404
    membership = Membership(
        pk=crisis.member_id, user=user, establishment=crisis.establishment, role=crisis.member_role, is_active=True
    )
    require(membership, capability)
    return crisis, membership


def live_versions_for_user(user, crisis_id: int, capability: str = Cap.READ) -> tuple[int, int]:
    """The live versions of the crisis and of its establishment, with get_crisis_for_user's 404/403 rules.

    Live pages ask this before anything else: most polls end in an empty 204, and
    this is one written-out, indexed query, because building get_crisis_for_user's
    query with the ORM (and a Crisis and an Establishment from its row) cost about
    twenty times the query itself (docs/performance.md, "Cost of an authenticated request").
    """
    if not user.is_authenticated or not 0 < crisis_id <= MAX_ID:
        raise Http404
    with connection.cursor() as cursor:
        cursor.execute(_LIVE_VERSIONS_SQL, [crisis_id, user.pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    crisis_version, establishment_version, role = row
    if capability not in capabilities_of(role):
        raise refused(f"role {role} lacks {capability}")
    return crisis_version, establishment_version


_LIVE_VERSIONS_SQL = (
    f"SELECT c.live_version, e.live_version, m.role FROM {Crisis._meta.db_table} c"
    f" JOIN {Establishment._meta.db_table} e ON e.id = c.establishment_id"
    f" JOIN {Membership._meta.db_table} m ON m.establishment_id = c.establishment_id"
    " WHERE c.id = %s AND m.user_id = %s AND m.is_active"
)


def require_capability(capability: str) -> Callable:
    """View decorator for views taking crisis_id: passes crisis and membership, enforcing the capability."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, crisis_id: int, *args, **kwargs):
            crisis, membership = get_crisis_for_user(request.user, crisis_id, capability)
            return view(request, crisis, membership, *args, **kwargs)

        return wrapped

    return decorator


# Fields of a RIDA line its owner may change without managing the RIDA: say where it stands, answer it.
RIDA_OWNER_FIELDS = frozenset({"status", "answer", "answered_at", "abandon_reason"})


def rida_fields_for(membership: Membership, line) -> frozenset[str]:
    """The fields of a RIDA line this member may change: all for RIDA managers, the follow-up for its owner."""
    if membership.has(Cap.MANAGE_RIDA):
        return frozenset(RidaLine.EDITABLE_FIELDS)
    if membership.has(Cap.WRITE_JOURNAL) and line.owner_id is not None and line.owner_id == membership.user_id:
        return RIDA_OWNER_FIELDS
    return frozenset()


def require_rida_fields(membership: Membership, line, fields) -> None:
    """403 unless the member may change every one of these fields of the line."""
    allowed = rida_fields_for(membership, line)
    if not allowed or not set(fields) <= allowed:
        raise refused(f"may not change {', '.join(sorted(set(fields) - allowed))} of RIDA line {line.pk}")
