"""Printing's own documents: the two collections every establishment has."""

from .collections import OfflineBundle, PaperKit
from .registry import register

register(PaperKit())
register(OfflineBundle())
