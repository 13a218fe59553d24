"""URL converters."""


class IdConverter:
    """A database id: at most 18 digits, so a forged 25-digit id is a 404, not an integer overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
