"""Pages of the monitoring feature."""

from flask import Blueprint

bp = Blueprint("monitoring", __name__)
