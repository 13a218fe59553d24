"""The print pipeline's machinery: document registry, WeasyPrint engine, assembly."""
