"""Bounds and references shared by the API's serializers."""

from rest_framework import serializers

from web import api_fields

# Bounds of the database integer columns: a bigger number in a filter would make
# the driver overflow (a 500) instead of matching nothing.
MAX_ID = 2**63 - 1


MAX_SEQ = 2**31 - 1


# The journal text is a TextField: cap it so one request cannot fill the disk.
MAX_TEXT = 20_000


JOURNAL_PAGE_SIZE = 50


JOURNAL_PAGE_MAX = 200


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = api_fields.CharField()
    full_name = api_fields.CharField(source="get_full_name")


class EstablishmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    short_name = api_fields.CharField()
    name = api_fields.CharField()
