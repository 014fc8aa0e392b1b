"""The API's JSON parser: DRF's, with a bound on nesting.

Python's json module recurses once per level, so a body nested a few thousand levels deep
raised RecursionError (a 500). Here it is a 400 in the API's error shape, as is anything
nested deeper than API_JSON_MAX_DEPTH (the deepest body the API takes, a ClaimReview, is ~6)."""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _deeper_than(data, limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` levels (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = _deeper_than(data, limit)
        if too_deep:
            raise ParseError(f"The JSON is nested more than {limit} levels deep (API_JSON_MAX_DEPTH).")
        return data
