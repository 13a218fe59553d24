"""API of establishments and memberships."""

from rest_framework import generics

from web.pagination import Pagination

from ..models import Establishment, Membership
from ..permissions import Cap, establishments_for, get_establishment_for_user
from ..serializers import (
    EstablishmentSerializer,
    MembershipSerializer,
)


class EstablishmentListView(generics.ListAPIView):
    pagination_class = Pagination
    serializer_class = EstablishmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Establishment.objects.none()
        return establishments_for(self.request.user)


class EstablishmentDetailView(generics.RetrieveAPIView):
    serializer_class = EstablishmentSerializer
    queryset = Establishment.objects.none()  # objects come from the access helper only

    def get_object(self) -> Establishment:
        establishment, _membership = get_establishment_for_user(self.request.user, self.kwargs["pk"], Cap.READ)
        return establishment


class MembershipListView(generics.ListAPIView):
    """Memberships of every establishment the user belongs to: the cell's directory."""

    pagination_class = Pagination
    serializer_class = MembershipSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return (
            Membership.objects.filter(establishment__in=establishments_for(self.request.user).values("pk"))
            .select_related("user", "establishment")
            .order_by("establishment__name", "user__last_name", "user__first_name", "pk")
        )
