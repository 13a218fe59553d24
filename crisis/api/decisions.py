"""API of the decisions with their own button."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from web.api_input import validated

from .. import selectors, services
from ..permissions import Cap
from ..serializers import (
    DecisionCreateSerializer,
    DecisionSerializer,
    DecisionsSerializer,
)
from .base import CrisisScopedView


class DecisionListView(CrisisScopedView):
    """Decisions with their own button, newest first, with the current state of each gate."""

    capabilities = {"POST": Cap.DECIDE}
    serializer_class = DecisionSerializer

    @extend_schema(responses=DecisionsSerializer)
    def get(self, request: Request, crisis_id: int) -> Response:
        payload = {"state": selectors.decisions_state(self.crisis), "results": selectors.decision_list(self.crisis)}
        return Response(DecisionsSerializer(payload).data)

    @extend_schema(
        request=DecisionCreateSerializer,
        responses={201: DecisionSerializer},
    )
    def post(self, request: Request, crisis_id: int) -> Response:
        """Record a decision: a "décision" entry in the journal and a D line in the RIDA."""
        data = validated(DecisionCreateSerializer, request.data)
        decision = services.decision_record(crisis=self.crisis, by=request.user, **data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
