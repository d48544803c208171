"""Pages of the letters feature."""

from flask import Blueprint

bp = Blueprint("letters", __name__)
