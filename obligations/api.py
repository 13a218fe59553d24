"""The obligations' API under /api/crises/{crisis_id}/: obligations, their drafts, costs, the RETEX.

Paths and field names are a contract (issue #19's table): other tools rely on them.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from crisis.api import CrisisScopedView
from web import api_fields
from web.api_input import validated

from . import access, drafts, selectors, services
from .models import Cost, Obligation, Retex
from .retex import figures


class ObligationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    deadline = api_fields.DateTimeField(allow_null=True)
    status = serializers.SerializerMethodField()
    done_at = api_fields.DateTimeField(allow_null=True)
    done_by = serializers.IntegerField(source="done_by_id", allow_null=True)  # the member's id, as the core's APIs
    done_by_label = serializers.SerializerMethodField()
    reference = serializers.CharField()
    late_reason = serializers.CharField()
    notes = serializers.CharField()
    complement_at = api_fields.DateTimeField(allow_null=True)
    complement_reference = serializers.CharField()

    def get_status(self, obligation: Obligation) -> str:
        return obligation.shown_status()

    def get_done_by_label(self, obligation: Obligation) -> str | None:
        user = obligation.done_by
        return None if user is None else (user.get_full_name() or user.get_username())


class ObligationUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        label=_("état"),
        choices=[Obligation.Status.A_FAIRE, Obligation.Status.FAIT, Obligation.Status.NON_APPLICABLE],
        required=False,
    )
    done_at = api_fields.DateTimeField(label=_("fait le"), required=False, allow_null=True)
    reference = api_fields.CharField(label=_("référence"), max_length=120, required=False, allow_blank=True)
    late_reason = api_fields.CharField(label=_("motif du retard"), required=False, allow_blank=True, max_length=4000)
    notes = api_fields.CharField(label=_("notes"), required=False, allow_blank=True, max_length=4000)
    complement_at = api_fields.DateTimeField(label=_("complément envoyé le"), required=False, allow_null=True)
    complement_reference = api_fields.CharField(
        label=_("référence du complément"), max_length=120, required=False, allow_blank=True
    )


class ObligationListView(CrisisScopedView):
    """Every obligation of the crisis with its deadline and status (en_retard: à faire past its deadline)."""

    capabilities = {"GET": access.READ}
    serializer_class = ObligationSerializer

    @extend_schema(responses=ObligationSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        return Response(ObligationSerializer(selectors.obligations_of(self.crisis), many=True).data)


class ObligationDetailView(CrisisScopedView):
    """One obligation; PATCH marks it done (done_at, reference...), not applicable, or adds notes."""

    capabilities = {"GET": access.READ, "PATCH": access.WRITE}
    serializer_class = ObligationSerializer

    def _obligation(self, obligation_id: int) -> Obligation:
        services.obligations_ensure(self.crisis)
        obligation = self.object_of(Obligation.objects.select_related("done_by"), obligation_id)
        obligation.crisis = self.crisis
        return obligation

    @extend_schema(responses=ObligationSerializer)
    def get(self, request: Request, crisis_id: int, obligation_id: int) -> Response:
        return Response(ObligationSerializer(self._obligation(obligation_id)).data)

    @extend_schema(request=ObligationUpdateSerializer, responses=ObligationSerializer)
    def patch(self, request: Request, crisis_id: int, obligation_id: int) -> Response:
        obligation = self._obligation(obligation_id)
        data = validated(ObligationUpdateSerializer, request.data)
        services.obligation_update(obligation=obligation, by=request.user, **data)
        return Response(ObligationSerializer(self._obligation(obligation_id)).data)


class DraftLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class DraftSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    lines = DraftLineSerializer(many=True)


class DraftSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    sections = DraftSectionSerializer(many=True)
    text = serializers.CharField()


class ObligationDraftView(CrisisScopedView):
    """The pre-filled report of an obligation, from what the console knows (sections, and as plain text)."""

    capabilities = {"GET": access.READ}
    serializer_class = DraftSerializer

    @extend_schema(responses=DraftSerializer)
    def get(self, request: Request, crisis_id: int, obligation_id: int) -> Response:
        services.obligations_ensure(self.crisis)
        obligation = self.object_of(Obligation, obligation_id)
        obligation.crisis = self.crisis
        data = drafts.draft(obligation, request.user)
        return Response({**data, "text": drafts.draft_text(data)})


class CostSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = Cost
        fields = ["id", "category", "category_label", "amount", "date", "supplier", "reference", "covered_by", "label"]
        read_only_fields = fields


class CostListSerializer(serializers.Serializer):
    results = CostSerializer(many=True)
    totals = serializers.DictField(child=serializers.CharField(), help_text="total by category, in euros")
    total = serializers.CharField()


class CostCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(label=_("catégorie"), choices=Cost.Category.choices)
    amount = serializers.DecimalField(
        label=_("montant (€)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    date = serializers.DateField(label=_("date"))
    supplier = api_fields.CharField(label=_("fournisseur"), max_length=200, required=False, allow_blank=True)
    reference = api_fields.CharField(label=_("référence"), max_length=120, required=False, allow_blank=True)
    covered_by = serializers.ChoiceField(
        label=_("pris en charge par"), choices=Cost.CoveredBy.choices, required=False, allow_blank=True
    )
    label = api_fields.CharField(label=_("libellé"), max_length=200, required=False, allow_blank=True)


class CostListView(CrisisScopedView):
    """The crisis's cost lines; POST adds one. Totals by category come with the list."""

    capabilities = {"GET": access.READ, "POST": access.WRITE}
    serializer_class = CostSerializer

    @extend_schema(responses=CostListSerializer)
    def get(self, request: Request, crisis_id: int) -> Response:
        totals = selectors.cost_totals(self.crisis)
        return Response(
            {
                "results": CostSerializer(selectors.costs_of(self.crisis), many=True).data,
                "totals": {value: str(amount) for value, _label, amount in totals["categories"]},
                "total": str(totals["total"]),
            }
        )

    @extend_schema(request=CostCreateSerializer, responses={201: CostSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(CostCreateSerializer, request.data)
        cost = services.cost_create(crisis=self.crisis, by=request.user, **data)
        return Response(CostSerializer(cost).data, status=status.HTTP_201_CREATED)


class RetexSerializer(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Retex
        fields = [*Retex.SECTIONS, "updated_at", "figures"]
        read_only_fields = fields

    def get_figures(self, retex: Retex) -> dict:
        return figures(retex.crisis)


class RetexUpdateSerializer(serializers.Serializer):
    lived = api_fields.CharField(required=True, allow_blank=True, max_length=20000)
    first_measures = api_fields.CharField(required=True, allow_blank=True, max_length=20000)
    back_to_normal = api_fields.CharField(required=True, allow_blank=True, max_length=20000)
    status = api_fields.CharField(required=True, allow_blank=True, max_length=20000)
    lessons = api_fields.CharField(required=True, allow_blank=True, max_length=20000)


class RetexView(CrisisScopedView):
    """The RETEX: the five written sections (PUT replaces them all), the figures computed from the data."""

    capabilities = {"GET": access.READ, "PUT": access.WRITE}
    serializer_class = RetexSerializer

    @extend_schema(responses=RetexSerializer)
    def get(self, request: Request, crisis_id: int) -> Response:
        return Response(RetexSerializer(services.retex_of(self.crisis)).data)

    @extend_schema(request=RetexUpdateSerializer, responses=RetexSerializer)
    def put(self, request: Request, crisis_id: int) -> Response:
        data = validated(RetexUpdateSerializer, request.data)
        services.retex_update(crisis=self.crisis, by=request.user, **data)
        return Response(RetexSerializer(services.retex_of(self.crisis)).data)
