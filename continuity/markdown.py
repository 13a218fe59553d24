"""Procedures' Markdown as safe HTML: CommonMark with raw HTML disabled, then the nh3 sanitiser.

Two locks, so no raw HTML from a member reaches a page or a PDF: markdown-it escapes any HTML typed
in the text, and nh3 keeps only the tags and attributes below (links keep only safe schemes).
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}


def render_markdown(text: str) -> SafeString:
    html = _md.render(text or "")
    return mark_safe(  # noqa: S308 - sanitised by nh3 just above
        nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"})
    )
