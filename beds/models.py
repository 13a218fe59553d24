"""Models of beds: none yet."""
