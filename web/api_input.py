"""What every API view does with its input, whatever the app: validate it with a serializer, or answer 400."""

from rest_framework import serializers
from rest_framework.request import Request


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    """The request body's validated data; a 400 with field errors when it is bad."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def validated_query(serializer_class: type[serializers.Serializer], request: Request) -> serializers.Serializer:
    """The query string, validated (the serializer is returned: its methods turn it into filters)."""
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query
