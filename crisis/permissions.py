"""Roles are named capabilities; access helpers return an object or raise.

An object of an establishment the user is not a member of answers 404 (its
existence is not revealed); a member lacking the capability gets 403.
The role table can be replaced with the ROLE_CAPABILITIES setting.
"""

from collections.abc import Callable
from functools import cache, wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import QuerySet
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
    READ_ACCESS_LOG = "read_access_log"  # the log of who saw patient data (beds): the DPO's


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
    Cap.READ_ACCESS_LOG: _("lire le journal des accès aux données patients"),
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
    Role.DPO: _MEMBER | {Cap.READ_ACCESS_LOG},
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

    Every crisis page pays it: one statement written once (crisis_access_sql), the rows built
    with Model.from_db. The ORM built the same join in 1.3 ms of CPU per call, this in about
    0.2 (bench in docs/performance.md). A poll reads the same row with its counters
    (crisis.live.crisis_poll).
    """
    if not user.is_authenticated or not 0 < crisis_id <= MAX_ID:
        raise Http404
    with connection.cursor() as cursor:
        cursor.execute(crisis_access_sql(), [crisis_id, user.pk])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    crisis, membership = crisis_access_from_row(user, row)
    require(membership, capability)
    return crisis, membership


def crisis_access_from_row(user, row) -> tuple[Crisis, Membership]:
    """The crisis (with its establishment) and the membership from a row starting as crisis_access_sql's."""
    crisis_fields, establishment_fields = _access_fields()
    n, m = len(crisis_fields), len(establishment_fields)
    crisis = _from_row(Crisis, crisis_fields, row[:n])
    establishment = _from_row(Establishment, establishment_fields, row[n : n + m])
    crisis.establishment = establishment
    member_id, role = row[n + m : n + m + 2]
    membership = Membership(pk=member_id, user=user, establishment=establishment, role=role, is_active=True)
    return crisis, membership


@cache
def crisis_access_columns() -> int:
    """How many columns crisis_access_sql selects: a caller's own columns come after them."""
    crisis_fields, establishment_fields = _access_fields()
    return len(crisis_fields) + len(establishment_fields) + 2


@cache
def _access_fields() -> tuple[list[models.Field], list[models.Field]]:
    return list(Crisis._meta.concrete_fields), list(Establishment._meta.concrete_fields)


def _from_row(model: type[models.Model], fields: list[models.Field], values) -> models.Model:
    """A model instance from raw column values, converted as the ORM would (dates on SQLite, JSON...)."""
    converted = []
    for field, value in zip(fields, values, strict=True):
        expression = field.get_col(model._meta.db_table)
        for converter in _converters(field):
            value = converter(value, expression, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


@cache
def _converters(field: models.Field) -> list:
    expression = field.get_col(field.model._meta.db_table)
    return connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)


@cache
def crisis_access_select() -> str:
    """The columns of crisis_access_sql: the crisis's (c), its establishment's (e), the member's (m) id and role."""
    q = connection.ops.quote_name
    crisis_fields, establishment_fields = _access_fields()
    columns = [f"c.{q(f.column)}" for f in crisis_fields] + [f"e.{q(f.column)}" for f in establishment_fields]
    return f"{', '.join(columns)}, m.{q('id')}, m.{q('role')}"


@cache
def crisis_access_sql(extra_columns: str = "", extra_joins: str = "") -> str:
    """The crisis (c), its establishment (e) and the member's (m) id and role; the unique (user, establishment)
    makes it one row, times the rows of what `extra_joins` adds. Parameters: what the extra parts take,
    then the crisis id and the user id."""
    q = connection.ops.quote_name
    return (
        f"SELECT {crisis_access_select()}{extra_columns}"
        f" FROM {q(Crisis._meta.db_table)} c"
        f" JOIN {q(Establishment._meta.db_table)} e ON e.{q('id')} = c.{q('establishment_id')}"
        f" JOIN {q(Membership._meta.db_table)} m ON m.{q('establishment_id')} = c.{q('establishment_id')}"
        f"{extra_joins}"
        f" WHERE c.{q('id')} = %s AND m.{q('user_id')} = %s AND m.{q('is_active')}"
    )


def object_of(scope: Crisis | Establishment, objects: type[models.Model] | QuerySet, key, *, field: str = "pk"):
    """This object of this crisis (or establishment), else 404; None when no key was given (an optional link).

    `objects` is a model or a queryset (a selector's, with what the page joins).
    An object of a crisis is looked up in that crisis; in an establishment, an
    object is looked up by its own establishment, or by its crisis's. The scope
    is set on the object, so reading it back costs no query. From a crisis, an
    establishment's record (a procedure) is looked up in the crisis's establishment. Look up by another
    unique field with `field` (a journal entry by its number: field="seq").
    """
    if key is None:
        return None
    queryset = objects if isinstance(objects, QuerySet) else objects._default_manager.all()
    model = queryset.model
    if not isinstance(key, int) or isinstance(key, bool) or not 0 < key <= MAX_ID:
        raise Http404
    link, value = _scope_link(model, scope)
    obj = queryset.filter(**{link: value, field: key}).first()
    if obj is None:
        raise Http404
    if link == "crisis_id" or (link == "establishment_id" and isinstance(scope, Establishment)):
        setattr(obj, link.removesuffix("_id"), scope)
    return obj


def _scope_link(model, scope: Crisis | Establishment) -> tuple[str, int]:
    """How the model's rows belong to the scope: (lookup, value)."""
    names = {f.name for f in model._meta.concrete_fields}
    if isinstance(scope, Crisis) and "crisis" in names:
        return "crisis_id", scope.pk
    if "establishment" in names:  # an establishment's record, seen from it or from one of its crises
        return "establishment_id", scope.establishment_id if isinstance(scope, Crisis) else scope.pk
    if isinstance(scope, Establishment) and "crisis" in names:
        return "crisis__establishment_id", scope.pk
    raise TypeError(f"{model.__name__} belongs to no {type(scope).__name__.lower()}")


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
