"""The comms pages: the directory (establishment), and for a crisis its call lists, Flash info, messages and
contacts log. Every page works without JavaScript (forms post and redirect); live ones poll their topic."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crisis import live
from crisis.permissions import get_crisis_for_user, get_establishment_for_user, object_of
from crisis.services.records import record_history
from web import live as web_live
from web.forms import add_service_errors

from . import access, selectors, services
from .forms import (
    AckForm,
    CallForm,
    CallListForm,
    ContactForm,
    EntryForm,
    FlashForm,
    ImportForm,
    MessageForm,
    NewMessageForm,
    PublishForm,
    SearchForm,
)
from .models import TOPIC, Call, CallList, DirectoryEntry, FlashInfo, Message

TOPICS = (TOPIC,)
PAGE_ROWS = 300  # the screen shows the first 300 matches; the printed directory has everyone


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


# --- the directory ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def directory(request: HttpRequest, establishment_id: int) -> HttpResponse:
    capability = access.READ
    if request.method == "POST":
        capability = access.IMPORT if "import" in request.POST else access.WRITE
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    entry_form, import_form, report = None, None, None
    if request.method == "POST" and "import" in request.POST:
        import_form = ImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            text = _decode(import_form.cleaned_data["file"].read(5 * 1024 * 1024))
            report = services.directory_import(
                establishment=establishment, by=request.user, text=text, dry_run=import_form.cleaned_data["dry_run"]
            )
            if not report.dry_run and not report.errors:
                messages.success(
                    request,
                    _("Annuaire importé : %(c)s créées, %(u)s mises à jour.")
                    % {"c": report.created, "u": report.updated},
                )
                return redirect("comms:directory", establishment.pk)
    elif request.method == "POST":
        entry_form = EntryForm(request.POST, establishment=establishment, auto_id="entree_%s")
        if entry_form.is_valid():
            try:
                services.entry_create(establishment=establishment, by=request.user, **entry_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(entry_form, exc)
            else:
                messages.success(request, _("Entrée ajoutée à l'annuaire."))
                return redirect("comms:directory", establishment.pk)
    search = SearchForm(request.GET or None, establishment=establishment, auto_id="recherche_%s")
    entries, query = _searched(establishment, search)
    can_write = membership.has(access.WRITE)
    can_import = membership.has(access.IMPORT)
    context = {
        "establishment": establishment,
        "membership": membership,
        "search": search,
        "query": query,
        "entries": entries[:PAGE_ROWS],
        "more": max(0, len(entries) - PAGE_ROWS),
        "stale_before": selectors.stale_before(),
        "latest": selectors.directory_of(establishment)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first(),
        "entry_form": (entry_form or EntryForm(establishment=establishment, auto_id="entree_%s"))
        if can_write
        else None,
        "import_form": (import_form or ImportForm(auto_id="import_%s")) if can_import else None,
        "report": report,
        "count": selectors.directory_of(establishment).count(),
    }
    failed = (entry_form is not None and entry_form.errors) or (import_form is not None and import_form.errors)
    failed = failed or (report is not None and report.errors and not report.dry_run)
    return render(request, "comms/directory.html", context, status=400 if failed else 200)


def _searched(establishment, search: SearchForm) -> tuple[list, str]:
    if not search.is_bound or not search.is_valid():
        return list(selectors.directory_of(establishment)[: PAGE_ROWS + 1]), ""
    data = search.cleaned_data
    query = data["q"].strip()
    entries = (
        selectors.directory_search(establishment, query, limit=PAGE_ROWS + 1)
        if query
        else list(selectors.directory_of(establishment))
    )
    if data["service"]:
        entries = [e for e in entries if e.service_id == data["service"].pk]
    kind = data["kind"]
    if kind == "interne":
        entries = [e for e in entries if not e.is_external]
    elif kind == "externe":
        entries = [e for e in entries if e.is_external]
    elif kind == "perime":
        entries = [e for e in entries if selectors.is_stale(e)]
    return entries, query


@login_required
@require_http_methods(["GET", "POST"])
def directory_entry(request: HttpRequest, establishment_id: int, entry_id: int) -> HttpResponse:
    """One entry: its numbers, its history; members who write correct it or mark it checked today."""
    capability = access.WRITE if request.method == "POST" else access.READ
    establishment, membership = get_establishment_for_user(request.user, establishment_id, capability)
    entry = object_of(establishment, selectors.directory_of(establishment), entry_id)
    form = None
    if request.method == "POST":
        if "checked" in request.POST:
            services.entry_update(entry=entry, by=request.user, checked_at=timezone.localdate())
            messages.success(request, _("Entrée vérifiée aujourd'hui."))
            return redirect("comms:directory-entry", establishment.pk, entry.pk)
        form = EntryForm(
            request.POST,
            instance=DirectoryEntry(establishment=establishment),
            establishment=establishment,
            auto_id="fiche_%s",
        )
        if form.is_valid():
            try:
                services.entry_update(entry=entry, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Entrée enregistrée."))
                return redirect("comms:directory-entry", establishment.pk, entry.pk)
    can_write = membership.has(access.WRITE)
    context = {
        "establishment": establishment,
        "membership": membership,
        "entry": entry,
        "stale": selectors.is_stale(entry),
        "history": record_history(entry),
        "form": (form or EntryForm(instance=entry, establishment=establishment, auto_id="fiche_%s"))
        if can_write
        else None,
    }
    return render(
        request, "comms/directory_entry.html", context, status=400 if form is not None and form.errors else 200
    )


@login_required
@require_GET
def directory_export(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment, _membership = get_establishment_for_user(request.user, establishment_id, access.WRITE)
    response = HttpResponse(
        services.directory_csv(selectors.directory_of(establishment)), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="annuaire-{establishment.short_name}-{day}.csv"'
    return response


# --- the crisis's communication page ---------------------------------------------------


def _crisis(request, crisis_id: int, capability=access.READ):
    return get_crisis_for_user(request.user, crisis_id, capability)


@login_required
@require_GET
def comms_home(request: HttpRequest, crisis_id: int) -> HttpResponse:
    if unchanged := live.unchanged_poll(request, topics=TOPICS, crisis_id=crisis_id, capability=access.READ):
        return unchanged
    crisis, membership = _crisis(request, crisis_id)
    context = {
        "crisis": crisis,
        "membership": membership,
        "live_version": live.version(crisis, TOPICS),
        "summary": selectors.dashboard(crisis) | {"unacknowledged": selectors.unacknowledged_count(crisis)},
        "call_lists": list(selectors.call_lists_of(crisis)[:10]),
        "flashes": list(selectors.flash_of(crisis)[:5]),
        "messages_list": list(selectors.messages_of(crisis)[:10]),
        "contacts": list(crisis.contact_logs.select_related("handled_by")[:5]),
    }
    template = "comms/home.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    return render(request, template, context)


# --- call lists ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_lists(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = _crisis(request, crisis_id, access.WRITE if request.method == "POST" else access.READ)
    form = None
    if request.method == "POST":
        form = CallListForm(request.POST, establishment=crisis.establishment, auto_id="liste_%s")
        if form.is_valid():
            people = _people_for(crisis.establishment, form.cleaned_data)
            try:
                created = services.call_list_create(
                    crisis=crisis,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    message=form.cleaned_data["message"],
                    people=people,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("comms:call-list", crisis.pk, created.pk)
    context = {
        "crisis": crisis,
        "membership": membership,
        "call_lists": list(selectors.call_lists_of(crisis)),
        "form": (form or CallListForm(establishment=crisis.establishment, auto_id="liste_%s"))
        if membership.has(access.WRITE)
        else None,
    }
    return render(request, "comms/call_lists.html", context, status=400 if form is not None and form.errors else 200)


def _people_for(establishment, data: dict) -> list[DirectoryEntry]:
    entries = selectors.directory_of(establishment).filter(is_external=False)
    if data.get("on_call"):
        entries = entries.filter(on_call=True)
    chosen = []
    if data.get("cell"):
        chosen += list(entries.exclude(crisis_role=""))
    if data.get("service"):
        chosen += list(entries.filter(service=data["service"]))
    return list({e.pk: e for e in chosen}.values())


@login_required
@require_http_methods(["GET", "POST"])
def call_list(request: HttpRequest, crisis_id: int, list_id: int) -> HttpResponse:
    if request.method == "GET" and (
        unchanged := live.unchanged_poll(request, topics=TOPICS, crisis_id=crisis_id, capability=access.READ)
    ):
        return unchanged
    crisis, membership = _crisis(request, crisis_id, access.WRITE if request.method == "POST" else access.READ)
    the_list = object_of(crisis, CallList, list_id)
    status, sms_result = 200, None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "sms":
                sms_result = services.call_list_send_sms(call_list=the_list, by=request.user)
            elif action == "replies":
                n = services.sms_receive()
                messages.info(request, _("%(n)s réponse(s) SMS enregistrée(s).") % {"n": n})
                return redirect("comms:call-list", crisis.pk, the_list.pk)
            elif action == "close":
                services.call_list_close(call_list=the_list, by=request.user)
                return redirect("comms:call-list", crisis.pk, the_list.pk)
            else:
                form = CallForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choisissez un résultat pour cet appel."))
                call = _call_of(the_list, form.cleaned_data["call"])
                data = {k: form.cleaned_data[k] for k in ("outcome", "arrival", "note")}
                services.call_record(call=call, by=request.user, **data)
                return redirect(f"{request.path}#appel-{call.pk}")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            status = 400
    version = live.version(crisis, TOPICS)
    calls = list(selectors.calls_of(the_list))
    can_write = membership.has(access.WRITE) and the_list.status == CallList.Status.IN_PROGRESS
    for call in calls:
        call.form = (
            CallForm(
                initial={
                    "call": call.pk,
                    "outcome": call.outcome or Call.Outcome.REACHED,
                    "arrival": call.arrival,
                    "note": call.note,
                },
                auto_id=f"appel_{call.pk}_%s",
            )
            if can_write
            else None
        )
    context = {
        "crisis": crisis,
        "membership": membership,
        "call_list": the_list,
        "calls": calls,
        "can_write": can_write,
        "sms_result": sms_result,
        "gateway": services.calls.sms.status(),
        "counts": {o: sum(1 for c in calls if c.outcome == o) for o in Call.Outcome.values},
        "waiting": sum(1 for c in calls if not c.outcome),
        "live_version": version,
    }
    template = "comms/call_list.html"
    if request.htmx and web_live.is_poll(request):
        template += "#live"
    return render(request, template, context, status=status)


def _call_of(the_list: CallList, call_id: int) -> Call:
    call = the_list.calls.select_related("person").filter(pk=call_id).first()
    if call is None:
        raise ValidationError(_("Cet appel n'est pas de cette liste."))
    call.call_list = the_list
    return call


# --- Flash info ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def flash_list(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = _crisis(request, crisis_id, access.WRITE if request.method == "POST" else access.READ)
    if request.method == "POST":
        draft = services.flash_draft(crisis=crisis)
        fields = {k: draft[k] for k in ("incidents", "restored", "still_down", "zoom", "next_due_at")}
        fields["zoom_service"] = object_of(
            crisis.establishment, crisis.establishment.services.all(), draft["zoom_service"]
        )
        flash = services.flash_create(crisis=crisis, by=request.user, **fields)
        messages.success(request, _("Brouillon du Flash info n°%(n)s préparé : relisez-le.") % {"n": flash.number})
        return redirect("comms:flash", crisis.pk, flash.pk)
    context = {"crisis": crisis, "membership": membership, "flashes": list(selectors.flash_of(crisis))}
    context["can_write"] = membership.has(access.WRITE)
    return render(request, "comms/flash_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def flash_detail(request: HttpRequest, crisis_id: int, flash_id: int) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else ""
    capability = access.PUBLISH if action in ("validate", "publish") else access.WRITE if action else access.READ
    crisis, membership = _crisis(request, crisis_id, capability)
    flash = object_of(crisis, selectors.flash_of(crisis), flash_id)
    form, status = None, 200
    if request.method == "POST":
        try:
            if action == "validate":
                services.flash_validate(flash=flash, by=request.user)
                messages.success(request, _("Numéro validé."))
            elif action == "publish":
                services.flash_publish(flash=flash, by=request.user)
                messages.success(request, _("Numéro publié : imprimez-le et affichez-le dans les services."))
            else:
                form = FlashForm(
                    request.POST,
                    instance=FlashInfo.objects.get(pk=flash.pk),
                    establishment=crisis.establishment,
                    auto_id="flash_%s",
                )
                if not form.is_valid():
                    raise ValidationError(_("Corrigez les champs signalés."))
                services.flash_update(flash=flash, by=request.user, **form.changes())
                messages.success(request, _("Numéro enregistré."))
            return redirect("comms:flash", crisis.pk, flash.pk)
        except ValidationError as exc:
            if form is not None and not form.errors:
                add_service_errors(form, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
            status = 400
    editable = membership.has(access.WRITE) and flash.status != FlashInfo.Status.PUBLISHED
    context = {
        "crisis": crisis,
        "membership": membership,
        "flash": flash,
        "text": services.flash_text(flash),
        "form": (form or FlashForm(instance=flash, establishment=crisis.establishment, auto_id="flash_%s"))
        if editable
        else None,
        "can_publish": membership.has(access.PUBLISH) and flash.status != FlashInfo.Status.PUBLISHED,
    }
    return render(request, "comms/flash.html", context, status=status)


# --- messages ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def messages_page(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = _crisis(request, crisis_id, access.WRITE if request.method == "POST" else access.READ)
    templates = services.templates_of(crisis.establishment)
    form = None
    if request.method == "POST":
        form = NewMessageForm(request.POST, templates=templates, auto_id="nouveau_%s")
        if form.is_valid():
            message = services.message_create(crisis=crisis, by=request.user, template=form.cleaned_data["template"])
            return redirect("comms:message", crisis.pk, message.pk)
    context = {
        "crisis": crisis,
        "membership": membership,
        "messages_list": list(selectors.messages_of(crisis).prefetch_related("acknowledgements")),
        "templates": list(templates),
        "form": (form or NewMessageForm(templates=templates, auto_id="nouveau_%s"))
        if membership.has(access.WRITE)
        else None,
    }
    return render(request, "comms/messages.html", context, status=400 if form is not None and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def message_detail(request: HttpRequest, crisis_id: int, message_id: int) -> HttpResponse:
    action = request.POST.get("action", "") if request.method == "POST" else ""
    capability = access.PUBLISH if action in ("approve", "publish") else access.WRITE if action else access.READ
    crisis, membership = _crisis(request, crisis_id, capability)
    message = object_of(crisis, selectors.messages_of(crisis), message_id)
    names = services.placeholders(message.title + "\n" + message.body)
    edit_form = publish_form = None
    status = 200
    if request.method == "POST":
        try:
            if action == "approve":
                services.message_approve(message=message, by=request.user)
            elif action == "publish":
                publish_form = PublishForm(request.POST, establishment=crisis.establishment, auto_id="publication_%s")
                if not publish_form.is_valid():
                    raise ValidationError(_("Corrigez les champs signalés."))
                services.message_publish(message=message, by=request.user, **publish_form.cleaned_data)
            elif action == "ack":
                ack_form = AckForm(request.POST)
                if not ack_form.is_valid():
                    raise ValidationError(_("Accusé de réception illisible."))
                ack = message.acknowledgements.filter(pk=ack_form.cleaned_data["ack"]).first()
                if ack is None:
                    raise ValidationError(_("Cette unité n'est pas destinataire du message."))
                ack.message = message
                services.acknowledge(acknowledgement=ack, by=request.user, by_name=ack_form.cleaned_data["by_name"])
            else:
                edit_form = MessageForm(request.POST, names=names, values=message.values, auto_id="message_%s")
                if not edit_form.is_valid():
                    raise ValidationError(_("Corrigez les champs signalés."))
                d = edit_form.cleaned_data
                services.message_update(
                    message=message, by=request.user, title=d["title"], body=d["body"], values=edit_form.values()
                )
            return redirect("comms:message", crisis.pk, message.pk)
        except ValidationError as exc:
            form = publish_form if action == "publish" else edit_form
            if form is not None and not form.errors:
                add_service_errors(form, exc)
            elif form is None:
                for text in exc.messages:
                    messages.error(request, text)
            status = 400
    can_write = membership.has(access.WRITE) and message.status != Message.Status.PUBLISHED
    acks = list(message.acknowledgements.select_related("service"))
    for ack in acks:
        ack.form = (
            AckForm(initial={"ack": ack.pk}, auto_id=f"ar_{ack.pk}_%s")
            if membership.has(access.WRITE) and not ack.acknowledged_at
            else None
        )
    context = {
        "crisis": crisis,
        "membership": membership,
        "message": message,
        "text": services.filled(message.body, message.values),
        "title": services.filled(message.title, message.values),
        "missing": services.missing(message),
        "edit_form": (
            edit_form
            or MessageForm(
                initial={"title": message.title, "body": message.body},
                names=names,
                values=message.values,
                auto_id="message_%s",
            )
        )
        if can_write
        else None,
        "publish_form": (publish_form or PublishForm(establishment=crisis.establishment, auto_id="publication_%s"))
        if membership.has(access.PUBLISH) and message.status == Message.Status.APPROVED
        else None,
        "can_approve": membership.has(access.PUBLISH) and message.status == Message.Status.DRAFT,
        "acks": acks,
        "unacknowledged": [a for a in acks if not a.acknowledged_at],
    }
    return render(request, "comms/message.html", context, status=status)


# --- the external contacts log ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contacts_log(request: HttpRequest, crisis_id: int) -> HttpResponse:
    crisis, membership = _crisis(request, crisis_id, access.WRITE if request.method == "POST" else access.READ)
    form = None
    if request.method == "POST":
        form = ContactForm(request.POST, auto_id="contact_%s")
        if form.is_valid():
            try:
                services.contact_log_create(
                    crisis=crisis, by=request.user, handled_by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Communication consignée."))
                return redirect("comms:contacts-log", crisis.pk)
    context = {
        "crisis": crisis,
        "membership": membership,
        "entries": list(crisis.contact_logs.select_related("handled_by")),
        "form": (form or ContactForm(auto_id="contact_%s")) if membership.has(access.WRITE) else None,
    }
    return render(request, "comms/contacts_log.html", context, status=400 if form is not None and form.errors else 200)
