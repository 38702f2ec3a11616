"""The volunteers' web page behind `drafter serve` (a Flask app served by waitress)."""
from drafter.web.app import Settings, close_app, create_app

__all__ = ["create_app", "close_app", "Settings"]
