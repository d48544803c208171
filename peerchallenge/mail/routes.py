"""Pages of the mail feature."""

from flask import Blueprint

bp = Blueprint("mail", __name__)
