"""REST API of printing, under /api/: request any registered document, follow its job, fetch its file.

So that IT can script the nightly copy of the kit to a file share or a USB
station: POST {"document": "kit"} to an establishment's prints, poll the job,
GET its file. Access as everywhere: outsider 404, missing capability 403.
"""

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crisis.permissions import get_crisis_for_user, get_establishment_for_user

from . import registry, services
from .permissions import get_print_job_for_user, require_document
from .registry import Scope
from .serializers import DocumentSerializer, PrintJobSerializer, PrintRequestSerializer
from .views import job_file_response

REFUSALS = {
    400: OpenApiResponse(description="Document inconnu ou paramètres invalides (erreurs par champ)."),
    403: OpenApiResponse(description="Le rôle ne permet pas d'imprimer ce document."),
    404: OpenApiResponse(description="Hors de vos établissements."),
}


def _document_of_scope(name: str, scope: str):
    """The requested document, refused with a field error if unknown here (a 400, as any bad input)."""
    try:
        document = registry.get(name)
    except registry.UnknownDocument:
        raise exceptions.ValidationError({"document": [_("Document inconnu.")]}) from None
    if document.scope != scope:
        raise exceptions.ValidationError({"document": [_("Ce document ne s'imprime pas à cette adresse.")]})
    return document


class _PrintRequestView(APIView):
    scope = ""

    def _request(self, request: Request, establishment, membership, scope_params: dict) -> Response:
        data = PrintRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = _document_of_scope(data.validated_data["document"], self.scope)
        require_document(membership, document)
        job = services.print_job_request(
            establishment=establishment,
            by=request.user,
            document=document.name,
            params={**data.validated_data["params"], **scope_params},
        )
        return Response(PrintJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class EstablishmentPrintView(_PrintRequestView):
    """Request a document of the establishment: the kit ("kit"), the offline bundle ("bundle"), a form…"""

    scope = Scope.ESTABLISHMENT

    @extend_schema(request=PrintRequestSerializer, responses={202: PrintJobSerializer, **REFUSALS}, tags=["prints"])
    def post(self, request: Request, establishment_id: int) -> Response:
        establishment, membership = get_establishment_for_user(request.user, establishment_id)
        return self._request(request, establishment, membership, {})


class CrisisPrintView(_PrintRequestView):
    """Request a document of the crisis, such as its main courante ("journal")."""

    scope = Scope.CRISIS

    @extend_schema(request=PrintRequestSerializer, responses={202: PrintJobSerializer, **REFUSALS}, tags=["prints"])
    def post(self, request: Request, crisis_id: int) -> Response:
        crisis, membership = get_crisis_for_user(request.user, crisis_id)
        return self._request(request, crisis.establishment, membership, {"crisis_id": crisis.pk})


class PrintJobView(APIView):
    @extend_schema(responses={200: PrintJobSerializer, **REFUSALS}, tags=["prints"])
    def get(self, request: Request, job_id: int) -> Response:
        job = get_print_job_for_user(request.user, job_id)
        return Response(PrintJobSerializer(job, context={"request": request}).data)


class PrintJobFileView(APIView):
    """The finished file (PDF, or zip for the bundle); 404 while the job is not done."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "application/zip"): OpenApiTypes.BINARY,  # the offline bundle
            **REFUSALS,
        },
        tags=["prints"],
    )
    def get(self, request: Request, job_id: int) -> FileResponse:
        return job_file_response(get_print_job_for_user(request.user, job_id))


class DocumentListView(APIView):
    """Every registered document: its scope, its parameters and the capability it requires."""

    @extend_schema(responses=DocumentSerializer(many=True), tags=["prints"])
    def get(self, request: Request) -> Response:
        documents = [
            {
                "name": d.name,
                "title": str(d.title),
                "scope": d.scope,
                "required_capability": d.required_capability,
                "is_collection": d.is_collection,
                "extension": d.extension,
                "in_kit": d.kit_order is not None,
                "parameters": d.parameters(),
            }
            for d in registry.all_documents()
        ]
        return Response(DocumentSerializer(documents, many=True).data)
