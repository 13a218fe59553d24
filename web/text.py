"""Text as users send it, cleaned of C0 control characters before it is stored.

Tab, newline and carriage return are text; the other C0 controls (U+0000 to U+001F) are
not, and they break what is made from stored text later: openpyxl refuses them in a
spreadsheet, XML forbids them. They arrive by pasting (a word processor's manual line break
is a vertical tab) or by hand on the API. Every form (web.forms.Unsuffixed) and every API
body (web.parsers) goes through ``without_control_characters``; exports clean what an older
version let in.
"""

import re

# Vertical tab and form feed: a word processor's manual line and page breaks.
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")


def without_control_characters(text: str) -> str:
    if not _CONTROLS.search(text) and "\x0b" not in text and "\x0c" not in text:
        return text  # the usual case, without a copy
    return _CONTROLS.sub("", text.translate(_BREAKS))


def cleaned(value, *, keep: frozenset = frozenset()):
    """Strings anywhere in a parsed body (dicts, lists) cleaned; keys in ``keep`` left as sent."""
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, dict):
        return {key: item if key in keep else cleaned(item, keep=keep) for key, item in value.items()}
    if isinstance(value, list):
        return [cleaned(item, keep=keep) for item in value]
    return value
