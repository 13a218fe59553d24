"""Serializers of establishments, memberships and API tokens."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from web import api_fields
from web.api_fields import DateTimeField, ModelSerializer

from ..models import Establishment, Membership
from .common import EstablishmentRefSerializer, UserRefSerializer


class EstablishmentSerializer(ModelSerializer):
    ght = api_fields.CharField(source="ght.name", allow_null=True, default=None)

    class Meta:
        model = Establishment
        fields = ["id", "name", "short_name", "finess", "ght", "beds", "staff"]
        read_only_fields = fields


class MembershipSerializer(ModelSerializer):
    user = UserRefSerializer()
    establishment = EstablishmentRefSerializer()
    role_label = api_fields.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = ["id", "user", "establishment", "role", "role_label", "position", "phone", "is_active"]
        read_only_fields = fields


class TokenSerializer(serializers.Serializer):
    token = api_fields.CharField()
    expires_at = DateTimeField(
        help_text=_("Fin de validité du jeton ; un changement de mot de passe le révoque avant.")
    )


class TokenRequestSerializer(serializers.Serializer):
    username = api_fields.CharField(label=_("identifiant"), max_length=150)
    password = api_fields.CharField(label=_("mot de passe"), max_length=4096, trim_whitespace=False)
