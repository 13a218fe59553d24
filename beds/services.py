"""Writes of the beds: a movement (fiche navette) checked against the beds it touches, under their locks.

Every write goes through ``movement_record``: the API, the map's form, the slips page and the
census import call it. It locks the beds' rows (select_for_update) so two slips typed at once
cannot both admit into one bed; it checks the movement against each bed's latest movement (a
late slip may not slip in before what a bed already recorded) and against the patient's; it
appends the movement, writes the beds' derived state and bumps the live topic, in one transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crisis import live
from crisis.models import Establishment

from .models import AccessLog, Bed, BedStatus, Movement, Patient, PendingSlip

FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of the typing laptop and of the server differ a little
Kind = Movement.Kind


@dataclass(frozen=True)
class PatientRef:
    ref: str
    initials: str
    birth_year: int
    sex: str


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _patient_for(establishment: Establishment, ref: PatientRef) -> Patient:
    """The establishment's patient of this reference; created on first admission, checked afterwards."""
    key = ref.ref.strip().upper()
    initials = ref.initials.strip().upper()
    patient, created = Patient.objects.get_or_create(
        establishment=establishment,
        ref=key,
        defaults={"initials": initials, "birth_year": ref.birth_year, "sex": ref.sex},
    )
    if not created and (patient.initials, patient.birth_year, patient.sex) != (initials, ref.birth_year, ref.sex):
        raise _refuse(
            "patient",
            _("L'IPP %(ref)s est déjà connu avec d'autres initiales, année ou sexe : vérifiez la fiche.")
            % {"ref": key},
        )
    return patient


def _check_time(bed: Bed, occurred_at: datetime, field: str) -> None:
    if bed.last_movement_at is not None and occurred_at < bed.last_movement_at:
        raise _refuse(
            field,
            _(
                "Le lit %(bed)s a déjà un mouvement à %(at)s, après l'heure de cette fiche : saisissez les fiches dans l'ordre."
            )
            % {"bed": bed.label, "at": timezone.localtime(bed.last_movement_at).strftime("%d/%m %H:%M")},
        )


def _check_open(bed: Bed, field: str) -> None:
    if bed.is_closed:
        raise _refuse(field, _("Le lit %(bed)s est fermé.") % {"bed": bed.label})


def _check_free(bed: Bed, field: str) -> None:
    _check_open(bed, field)
    if bed.status == BedStatus.OCCUPIED:
        raise _refuse(field, _("Le lit %(bed)s est déjà occupé.") % {"bed": bed.label})
    if bed.status != BedStatus.FREE:
        raise _refuse(
            field,
            _("Le lit %(bed)s n'est pas libre (%(status)s).") % {"bed": bed.label, "status": bed.get_status_display()},
        )


def _check_patient_free(patient: Patient, occurred_at: datetime) -> None:
    elsewhere = Bed.objects.filter(patient=patient).first()
    if elsewhere is not None:
        raise _refuse(
            "patient",
            _("Ce patient occupe déjà le lit %(bed)s : enregistrez sa sortie ou un transfert.")
            % {"bed": elsewhere.label},
        )
    later = Movement.objects.filter(patient=patient, occurred_at__gt=occurred_at).exists()
    if later:
        raise _refuse(
            "occurred_at", _("Ce patient a déjà un mouvement plus tardif : saisissez les fiches dans l'ordre.")
        )


def _occupy(bed: Bed, patient: Patient, at: datetime, expected: date | None, admitted_at: datetime) -> None:
    bed.status, bed.patient, bed.admitted_at, bed.expected_discharge = (
        BedStatus.OCCUPIED,
        patient,
        admitted_at,
        expected,
    )
    bed.last_movement_at = at


def _empty(bed: Bed, status: str, at: datetime) -> None:
    bed.status, bed.patient, bed.admitted_at, bed.expected_discharge = status, None, None, None
    bed.last_movement_at = at


STATE_FIELDS = ["status", "patient", "admitted_at", "expected_discharge", "last_movement_at"]


def movement_record(
    *,
    establishment: Establishment,
    by,
    kind: str,
    bed: Bed,
    occurred_at: datetime,
    to_bed: Bed | None = None,
    patient: PatientRef | None = None,
    source: str = Movement.Source.PAPER,
    slip_number: str = "",
    expected_discharge: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Movement:
    """Record one movement, or raise ValidationError naming why it is impossible (nothing is saved)."""
    now = now or timezone.now()
    if occurred_at > now + FUTURE_TOLERANCE:
        raise _refuse("occurred_at", _("L'heure du mouvement est dans le futur."))
    if kind not in Kind.values:
        raise _refuse("kind", _("Mouvement inconnu."))
    if kind == Kind.TRANSFER and to_bed is None:
        raise _refuse("to_bed", _("Un transfert nomme le lit d'arrivée."))
    if kind != Kind.TRANSFER and to_bed is not None:
        raise _refuse("to_bed", _("Seul un transfert nomme un lit d'arrivée."))
    if kind == Kind.ADMISSION and patient is None:
        raise _refuse("patient", _("Une admission nomme le patient."))
    if to_bed is not None and to_bed.pk == bed.pk:
        raise _refuse("to_bed", _("Le lit d'arrivée est le lit de départ."))
    for one in (bed, to_bed):
        if one is not None and one.establishment_id != establishment.pk:
            raise _refuse("bed", _("Ce lit n'est pas de cet établissement."))
    try:
        with transaction.atomic():
            return _record_locked(
                establishment,
                by,
                kind,
                bed,
                to_bed,
                patient,
                occurred_at,
                source,
                slip_number,
                expected_discharge,
                note,
            )
    except IntegrityError:  # a concurrent admission of the same new patient elsewhere: the constraint said no
        raise _refuse("patient", _("Ce patient vient d'être placé dans un autre lit.")) from None


def _record_locked(establishment, by, kind, bed, to_bed, patient_ref, occurred_at, source, slip_number, expected, note):
    ids = sorted(b.pk for b in (bed, to_bed) if b is not None)  # always the same order: no deadlock between two slips
    locked = {b.pk: b for b in Bed.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    bed = locked[bed.pk]
    to_bed = locked[to_bed.pk] if to_bed is not None else None
    _check_time(bed, occurred_at, "occurred_at")
    if to_bed is not None:
        _check_time(to_bed, occurred_at, "occurred_at")
    patient = None
    changed = [bed]
    if kind == Kind.ADMISSION:
        _check_free(bed, "bed")
        patient = _patient_for(establishment, patient_ref)
        _check_patient_free(patient, occurred_at)
        _occupy(bed, patient, occurred_at, expected, occurred_at)
    elif kind in (Kind.TRANSFER, Kind.DISCHARGE):
        if bed.status != BedStatus.OCCUPIED:
            raise _refuse("bed", _("Le lit %(bed)s est vide : aucun patient à faire sortir.") % {"bed": bed.label})
        patient = bed.patient
        if patient_ref is not None and patient_ref.ref.strip().upper() != patient.ref:
            raise _refuse("patient", _("Le patient du lit %(bed)s n'est pas celui de la fiche.") % {"bed": bed.label})
        if kind == Kind.TRANSFER:
            _check_free(to_bed, "to_bed")
            admitted_at, expected = bed.admitted_at, expected or bed.expected_discharge
            _empty(bed, BedStatus.FREE, occurred_at)
            _occupy(to_bed, patient, occurred_at, expected, admitted_at)
            changed.append(to_bed)
        else:
            _empty(bed, BedStatus.FREE, occurred_at)
    elif kind in (Kind.BLOCK, Kind.CLEANING):
        _check_free(bed, "bed")
        _empty(bed, BedStatus.BLOCKED if kind == Kind.BLOCK else BedStatus.CLEANING, occurred_at)
    else:  # back in service, after a blockage or cleaning
        _check_open(bed, "bed")
        if bed.status not in (BedStatus.BLOCKED, BedStatus.CLEANING):
            raise _refuse("bed", _("Le lit %(bed)s n'est ni bloqué ni en nettoyage.") % {"bed": bed.label})
        _empty(bed, BedStatus.FREE, occurred_at)
    movement = Movement.objects.create(
        establishment=establishment,
        kind=kind,
        bed=bed,
        to_bed=to_bed,
        patient=patient,
        occurred_at=occurred_at,
        author=by,
        source=source,
        slip_number=slip_number.strip(),
        expected_discharge=expected if kind in (Kind.ADMISSION, Kind.TRANSFER) else None,
        note=note.strip(),
    )
    for one in changed:  # the bed left first: a patient is never in two beds, even for a statement
        one.save(update_fields=STATE_FIELDS)
    if movement.slip_number:
        PendingSlip.objects.filter(establishment=establishment, number=movement.slip_number, movement=None).update(
            movement=movement
        )
    live.bump(establishment, "beds")
    return movement


def slips_receive(*, establishment: Establishment, by, numbers: list[str], unit=None) -> list[PendingSlip]:
    """Paper slips arrived at the cell: put on the pile (a number already known is left as it is)."""
    with transaction.atomic():
        known = set(
            PendingSlip.objects.filter(establishment=establishment, number__in=numbers).values_list("number", flat=True)
        )
        created = PendingSlip.objects.bulk_create(
            PendingSlip(establishment=establishment, number=n, unit=unit, received_by=by)
            for n in dict.fromkeys(numbers)
            if n not in known
        )
        live.bump(establishment, "beds")
    return created


def access_log(*, establishment: Establishment, user, what: str, detail: str = "", patients: int = 0) -> None:
    """One view of patient references: who, what, when (read by the DPO, beds.views.access_log)."""
    AccessLog.objects.create(
        establishment=establishment,
        user=user if user is not None and user.is_authenticated else None,
        what=what,
        detail=detail[:200],
        patients=patients,
    )


# --- census import ------------------------------------------------------------------------

IMPORT_COLUMNS = ("lit", "ipp", "initiales", "annee_naissance", "sexe", "entree", "sortie_prevue")
MAX_IMPORT_LINES = 5000


class _DryRun(Exception):
    pass


def _parse_line(row: dict, beds: dict, now: datetime) -> dict:
    from django.utils.dateparse import parse_date, parse_datetime

    label = (row.get("lit") or "").strip()
    bed = beds.get(label.upper())
    if bed is None:
        raise ValidationError(_("Lit inconnu : « %(bed)s ».") % {"bed": label})
    try:
        year = int((row.get("annee_naissance") or "").strip())
    except ValueError:
        raise ValidationError(_("Année de naissance illisible.")) from None
    if not 1900 <= year <= now.year:
        raise ValidationError(_("Année de naissance hors limites."))
    sex = (row.get("sexe") or "").strip().upper()
    if sex not in ("F", "M", "I"):
        raise ValidationError(_("Sexe : F, M ou I."))
    ref, initials = (row.get("ipp") or "").strip(), (row.get("initiales") or "").strip()
    if not ref or len(ref) > 20 or not initials or len(initials) > 6:
        raise ValidationError(_("IPP (20 caractères au plus) et initiales (6 au plus) sont obligatoires."))
    text = (row.get("entree") or "").strip()
    try:
        entered = parse_datetime(text) if text else now
    except ValueError:
        entered = None
    if entered is None:
        raise ValidationError(_("Date d'entrée illisible (AAAA-MM-JJ HH:MM)."))
    if timezone.is_naive(entered):
        entered = timezone.make_aware(entered)
    expected_text = (row.get("sortie_prevue") or "").strip()
    try:
        expected = parse_date(expected_text) if expected_text else None
    except ValueError:
        expected = None
    if expected_text and expected is None:
        raise ValidationError(_("Date de sortie prévue illisible (AAAA-MM-JJ)."))
    return {
        "bed": bed,
        "occurred_at": entered,
        "patient": PatientRef(ref, initials, year, sex),
        "expected_discharge": expected,
    }


def _messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def census_import(*, establishment: Establishment, by, text: str, dry_run: bool) -> tuple[list[dict], int]:
    """A census as CSV (one admission per line): (errors by line, movements it would create).

    Every line is checked the way ``movement_record`` checks a slip, inside one transaction that a
    dry run, or any error, rolls back: all or nothing.
    """
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text), delimiter=";" if text.split("\n", 1)[0].count(";") else ",")
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    missing = [c for c in IMPORT_COLUMNS[:5] if c not in fields]
    if missing:
        return [{"line": 1, "message": _("Colonnes manquantes : %(names)s.") % {"names": ", ".join(missing)}}], 0
    beds = {b.label.upper(): b for b in Bed.objects.filter(establishment=establishment)}
    now = timezone.now()
    errors: list[dict] = []
    created = 0
    try:
        with transaction.atomic():
            for number, raw in enumerate(reader, start=2):
                if number > MAX_IMPORT_LINES + 1:
                    errors.append({"line": number, "message": _("Trop de lignes (5 000 au plus).")})
                    break
                row = {(k or "").strip().lower(): v for k, v in raw.items()}
                if not (row.get("ipp") or "").strip() and not (row.get("initiales") or "").strip():
                    continue  # a free bed (the export lists every bed)
                try:
                    values = _parse_line(row, beds, now)
                    with transaction.atomic():  # a savepoint: a refused line leaves the others to check
                        movement_record(
                            establishment=establishment,
                            by=by,
                            kind=Kind.ADMISSION,
                            source=Movement.Source.IMPORT,
                            now=now,
                            **values,
                        )
                    created += 1
                except ValidationError as exc:
                    errors.append({"line": number, "message": _messages(exc)})
            if dry_run or errors:
                raise _DryRun
    except _DryRun:
        pass  # rolled back: nothing written
    return errors, created
