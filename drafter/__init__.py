"""drafter: draft footnoted advocacy letters in Word from a campaign folder."""
from drafter.errors import DrafterError

__all__ = ["DrafterError"]
