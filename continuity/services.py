"""Every write of continuity, through the core's record kit (history, live topic, journal where asked).

Procedures: a draft is edited (procedure_create, procedure_update), then published (procedure_publish),
which keeps a numbered ProcedureVersion that is never changed. Applications and their dependencies,
their statuses in a crisis (each change written to the journal), workarounds and the re-entry backlog.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crisis import live
from crisis.models import Crisis, Establishment, Service
from crisis.services.records import history_record, record_create, record_update

from .models import (
    Application,
    ApplicationStatus,
    Procedure,
    ProcedureVersion,
    ReentryDay,
    ReentryKind,
    Workaround,
)

REVIEW_EVERY = timedelta(days=365)  # a published procedure is reviewed within a year by default

# History keys of the many-to-many links (not fields: the record kit's history keeps concrete fields).
DEPENDS_ON_KEY = "dépend de"
SERVICES_KEY = "services utilisateurs"
TRIGGERS_KEY = "déclenchée par la panne de"

DRAFT_FIELDS = ("service", "kind", "title", "body")  # a change to these makes the procedure a draft again


def _check_same(establishment_id: int, objects, field: str, message: str) -> None:
    if any(o.establishment_id != establishment_id for o in objects):
        raise ValidationError({field: message})


def _set_links(obj, *, name: str, key: str, new, establishment_id: int, by, topic: str) -> bool:
    """Replace a many-to-many link inside the caller's transaction, keeping its history by names."""
    manager = getattr(obj, name)
    before = sorted(manager.all(), key=lambda o: o.pk)
    new = sorted(set(new), key=lambda o: o.pk)
    if [o.pk for o in before] == [o.pk for o in new]:
        return False
    manager.set(new)
    history_record(
        obj=obj,
        establishment=Establishment(pk=establishment_id),
        by=by,
        before={key: [str(o) for o in before]},
        after={key: [str(o) for o in new]},
    )
    live.bump(Establishment(pk=establishment_id), topic)
    return True


# --- procedures -----------------------------------------------------------------------


def procedure_create(
    *,
    establishment: Establishment,
    by,
    service: Service,
    title: str,
    body: str,
    kind: str = Procedure.Kind.PROCEDURE,
    owner: str = "",
    review_due: date | None = None,
    tested_at: date | None = None,
    trigger_applications=(),
) -> Procedure:
    """A new procedure, as a draft (nothing is in force until it is published)."""
    procedure = Procedure(
        establishment=establishment,
        service=service,
        kind=kind,
        title=title.strip(),
        body=body,
        owner=owner.strip(),
        review_due=review_due,
        tested_at=tested_at,
    )
    triggers = list(trigger_applications)

    def validate(new: Procedure) -> None:
        if service.establishment_id != establishment.pk:
            raise ValidationError({"service": _("Ce service n'est pas de cet établissement.")})
        _check_same(
            establishment.pk, triggers, "trigger_applications", _("Cette application n'est pas de cet établissement.")
        )
        new.full_clean(exclude=["establishment", "service", "validated_by"])

    def saved(new: Procedure) -> None:
        new.trigger_applications.set(triggers)

    return record_create(
        instance=procedure,
        by=by,
        validate=validate,
        saved=saved,
        fields=("service", "kind", "title", "owner", "review_due", "tested_at", "status"),
    )


def procedure_update(*, procedure: Procedure, by, trigger_applications=None, **changes) -> bool:
    """Edit the draft (a published version is never changed): the procedure becomes a draft again when
    its content changes. Returns whether anything changed."""
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    if "owner" in changes:
        changes["owner"] = changes["owner"].strip()
    establishment_id = procedure.establishment_id

    def derive(locked: Procedure, changed: dict) -> dict:
        return {"status": Procedure.Status.DRAFT} if set(changed) & set(DRAFT_FIELDS) else {}

    def validate(locked: Procedure) -> None:
        if "service" in changes and changes["service"].establishment_id != establishment_id:
            raise ValidationError({"service": _("Ce service n'est pas de cet établissement.")})
        locked.full_clean(exclude=["establishment", "service", "validated_by"])

    with transaction.atomic():
        changed = record_update(instance=procedure, by=by, changes=changes, derive=derive, validate=validate)
        links = False
        if trigger_applications is not None:
            triggers = list(trigger_applications)
            _check_same(
                establishment_id,
                triggers,
                "trigger_applications",
                _("Cette application n'est pas de cet établissement."),
            )
            links = _set_links(
                procedure,
                name="trigger_applications",
                key=TRIGGERS_KEY,
                new=triggers,
                establishment_id=establishment_id,
                by=by,
                topic=Procedure.live_topic,
            )
            if links and procedure.status != Procedure.Status.DRAFT:
                record_update(instance=procedure, by=by, changes={"status": Procedure.Status.DRAFT})
    return bool(changed) or links


def procedure_publish(*, procedure: Procedure, by, review_due: date | None = None) -> ProcedureVersion:
    """Publish the draft as a new version, kept as it is; the next review falls due a year later by default."""
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().select_related("service").get(pk=procedure.pk)
        if locked.status == Procedure.Status.PUBLISHED:
            raise ValidationError(_("Aucun brouillon à publier : la dernière version publiée est à jour."))
        now = timezone.now()
        number = locked.version + 1
        review_due = review_due or timezone.localdate(now) + REVIEW_EVERY
        version = ProcedureVersion.objects.create(
            procedure=locked,
            number=number,
            kind=locked.kind,
            service_name=locked.service.name,
            title=locked.title,
            body=locked.body,
            triggers=sorted(locked.trigger_applications.values_list("name", flat=True)),
            owner=locked.owner,
            validated_by=by,
            validated_at=now,
            review_due=review_due,
        )
        record_update(
            instance=procedure,
            by=by,
            changes={
                "status": Procedure.Status.PUBLISHED,
                "version": number,
                "validated_by": by,
                "validated_at": now,
                "review_due": review_due,
            },
        )
    return version


# --- applications -----------------------------------------------------------------------

APPLICATION_FIELDS = (
    "name",
    "kind",
    "vendor",
    "purpose",
    "hosting",
    "criticality",
    "priority",
    "rto_hours",
    "rpo_hours",
    "backup_verified_at",
    "backup_verified_by",
)


def _check_dependencies(establishment_id: int, application: Application | None, depends_on) -> None:
    _check_same(establishment_id, depends_on, "depends_on", _("Cette application n'est pas de cet établissement."))
    if application is not None and any(d.pk == application.pk for d in depends_on):
        raise ValidationError({"depends_on": _("Une application ne peut pas dépendre d'elle-même.")})


def application_create(*, establishment: Establishment, by, depends_on=(), services=(), **fields) -> Application:
    """A new application of the map; a dependency cycle is allowed here and reported by the restart plan."""
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    application = Application(establishment=establishment, **fields)
    depends_on, services = list(depends_on), list(services)

    def validate(new: Application) -> None:
        _check_dependencies(establishment.pk, None, depends_on)
        _check_same(establishment.pk, services, "services", _("Ce service n'est pas de cet établissement."))
        if Application.objects.filter(establishment=establishment, name__iexact=new.name).exists():
            raise ValidationError({"name": _("Une application porte déjà ce nom.")})
        new.full_clean(exclude=["establishment"], validate_constraints=False)

    def saved(new: Application) -> None:
        new.depends_on.set(depends_on)
        new.services.set(services)

    return record_create(instance=application, by=by, validate=validate, saved=saved, fields=APPLICATION_FIELDS)


def application_update(*, application: Application, by, depends_on=None, services=None, **changes) -> bool:
    """Change an application (its fields, its dependencies, its services); returns whether anything changed."""
    changes = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    establishment_id = application.establishment_id

    def validate(locked: Application) -> None:
        if (
            "name" in changes
            and Application.objects.filter(establishment_id=establishment_id, name__iexact=locked.name)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError({"name": _("Une application porte déjà ce nom.")})
        locked.full_clean(exclude=["establishment"], validate_constraints=False)

    with transaction.atomic():
        changed = bool(record_update(instance=application, by=by, changes=changes, validate=validate))
        if depends_on is not None:
            depends_on = list(depends_on)
            _check_dependencies(establishment_id, application, depends_on)
            changed |= _set_links(
                application,
                name="depends_on",
                key=DEPENDS_ON_KEY,
                new=depends_on,
                establishment_id=establishment_id,
                by=by,
                topic=Application.live_topic,
            )
        if services is not None:
            services = list(services)
            _check_same(establishment_id, services, "services", _("Ce service n'est pas de cet établissement."))
            changed |= _set_links(
                application,
                name="services",
                key=SERVICES_KEY,
                new=services,
                establishment_id=establishment_id,
                by=by,
                topic=Application.live_topic,
            )
    return changed


def application_status_set(
    *, crisis: Crisis, application: Application, by, status: str, comment: str = "", eta=None
) -> ApplicationStatus:
    """The application's status in this crisis: every change kept and written to the journal."""
    if application.establishment_id != crisis.establishment_id:
        raise ValidationError({"application": _("Cette application n'est pas de cet établissement.")})
    if status not in ApplicationStatus.Status.values:
        raise ValidationError({"status": _("État inconnu.")})
    comment = comment.strip()

    def journal_text(label: str) -> str:
        text = _("%(application)s : %(status)s") % {"application": application.name, "status": label}
        return f"{text} — {comment}" if comment else text

    with transaction.atomic():
        # The application's row is the lock: two first reports of the same application at once
        # are serialised (the second updates the first's row) instead of one failing on the unique pair.
        list(Application.objects.select_for_update().filter(pk=application.pk).values_list("pk"))
        current = ApplicationStatus.objects.select_for_update().filter(crisis=crisis, application=application).first()
        if current is None:
            row = ApplicationStatus(crisis=crisis, application=application, status=status, comment=comment, eta=eta)
            return record_create(
                instance=row,
                by=by,
                crisis=crisis,
                validate=lambda new: new.full_clean(exclude=["crisis", "application"], validate_constraints=False),
                fields=("application", "status", "comment", "eta"),
                journal=lambda new: journal_text(new.get_status_display()),
            )
        record_update(
            instance=current,
            by=by,
            crisis=crisis,
            changes={"status": status, "comment": comment, "eta": eta},
            validate=lambda locked: locked.full_clean(exclude=["crisis", "application"], validate_constraints=False),
            journal=lambda changed: journal_text(str(ApplicationStatus.Status(status).label)),
        )
        return current


# --- workarounds -----------------------------------------------------------------------


def workaround_create(
    *, crisis: Crisis, by, description: str, since=None, until=None, cost=None, service=None, application=None
) -> Workaround:
    workaround = Workaround(
        crisis=crisis,
        service=service,
        application=application,
        description=description.strip(),
        since=since or timezone.now(),
        until=until,
        cost=cost,
    )

    def validate(new: Workaround) -> None:
        for obj, field in ((service, "service"), (application, "application")):
            if obj is not None and obj.establishment_id != crisis.establishment_id:
                raise ValidationError({field: _("Ce choix n'est pas de cet établissement.")})
        if new.until is not None and new.until < new.since:
            raise ValidationError({"until": _("La fin précède le début.")})
        new.full_clean(exclude=["crisis", "service", "application"])

    return record_create(
        instance=workaround,
        by=by,
        crisis=crisis,
        validate=validate,
        fields=("service", "application", "description", "since", "until", "cost"),
        journal=lambda new: _("Contournement : %(description)s") % {"description": new.description},
    )


def workaround_update(*, workaround: Workaround, by, **changes) -> bool:
    def validate(locked: Workaround) -> None:
        if locked.until is not None and locked.until < locked.since:
            raise ValidationError({"until": _("La fin précède le début.")})
        locked.full_clean(exclude=["crisis", "service", "application"])

    return bool(record_update(instance=workaround, by=by, changes=changes, validate=validate))


# --- re-entry backlog ----------------------------------------------------------------------


def reentry_kind_create(*, establishment: Establishment, by, kind: str, total: int) -> ReentryKind:
    row = ReentryKind(establishment=establishment, kind=" ".join(kind.split()), total=total)

    def validate(new: ReentryKind) -> None:
        if ReentryKind.objects.filter(establishment=establishment, kind__iexact=new.kind).exists():
            raise ValidationError({"kind": _("Cette nature de ressaisie existe déjà.")})
        new.full_clean(exclude=["establishment"], validate_constraints=False)

    return record_create(instance=row, by=by, validate=validate, fields=("kind", "total"))


def reentry_kind_update(*, reentry: ReentryKind, by, **changes) -> bool:
    return bool(
        record_update(
            instance=reentry,
            by=by,
            changes=changes,
            validate=lambda locked: locked.full_clean(exclude=["establishment"], validate_constraints=False),
        )
    )


def reentry_record(*, reentry: ReentryKind, by, count: int, day: date | None = None) -> ReentryDay:
    """The entries typed back on a day (today by default): a second record of the same day replaces it."""
    day = day or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"day": _("Ce jour n'est pas encore passé.")})
    with transaction.atomic():
        row = ReentryDay.objects.select_for_update().filter(reentry=reentry, day=day).first()
        if row is None:
            row = ReentryDay(reentry=reentry, establishment_id=reentry.establishment_id, day=day, count=count)
            return record_create(
                instance=row,
                by=by,
                validate=lambda new: new.full_clean(exclude=["reentry", "establishment"], validate_constraints=False),
                fields=("reentry", "day", "count"),
            )
        record_update(
            instance=row,
            by=by,
            changes={"count": count},
            validate=lambda locked: locked.full_clean(exclude=["reentry", "establishment"]),
        )
        return row


def procedure_create_published(
    *, establishment: Establishment, by, review_due: date | None = None, **fields
) -> Procedure:
    """A procedure created and published at once (imports of a validated library, demo data, tests)."""
    with transaction.atomic():
        procedure = procedure_create(establishment=establishment, by=by, **fields)
        procedure_publish(procedure=procedure, by=by, review_due=review_due)
    procedure.refresh_from_db()
    return procedure
