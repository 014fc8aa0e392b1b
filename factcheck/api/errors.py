"""One JSON shape for every API error:

{"error": {"message": "...", "code": "...", "fields": {"field": ["..."]}}}
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from factcheck import workflow

DOMAIN_STATUS = {
    workflow.NotAllowed: status.HTTP_403_FORBIDDEN,
    workflow.Conflict: status.HTTP_409_CONFLICT,
    workflow.Invalid: status.HTTP_400_BAD_REQUEST,
}


def error_body(message: str, code: str, fields=None) -> dict:
    body = {"message": message, "code": code}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _first_message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        text = _first_message(value)
        return text if key in ("non_field_errors", "detail") else f"{key}: {text}"
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # a multipart form's fields over DATA_UPLOAD_MAX_MEMORY_SIZE
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000
        message = f"The request's fields are larger than {limit:g} MB (REQUEST_MAX_BYTES)."
        return Response(error_body(message, "too_large"), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response(error_body(str(exc), "invalid"), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, workflow.WorkflowError):
        code = type(exc).__name__.lower()
        return Response(error_body(exc.message, code), status=DOMAIN_STATUS.get(type(exc), 400))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = "The request is not valid: " + _first_message(exc.detail)
        response.data = error_body(message, "invalid", fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(_first_message(detail), str(code))
    return response
