"""Pages of the audit feature."""

from flask import Blueprint

bp = Blueprint("audit", __name__)
