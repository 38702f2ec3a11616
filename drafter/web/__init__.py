"""The volunteers' web page behind `drafter serve` (a Flask app served by waitress)."""
from drafter.web.app import Settings, create_app

__all__ = ["create_app", "Settings"]
