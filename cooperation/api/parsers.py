"""The API's JSON parser: valid Unicode only."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# JSON may escape half of a UTF-16 pair on its own ("\ud800"); Python then holds a string that
# no UTF-8 database column can store, and saving it was a server error.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_SURROGATE.search(value))
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(item) for item in value)
    return False


class UnicodeJSONParser(JSONParser):
    """DRF's JSON parser, refusing text that is not valid Unicode with a 400."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if _has_surrogate(data):
            raise ParseError(_("The JSON body holds a lone UTF-16 surrogate, which is not text."))
        return data
