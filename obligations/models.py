"""Models of obligations: none yet."""
