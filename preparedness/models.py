"""Models of preparedness: none yet."""
