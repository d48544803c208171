"""peerchallenge: the regional peer challenge of children's services self-assessments."""

import os
from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from peerchallenge.components import ComponentCache, TemplateEnvironment
from peerchallenge.extensions import csrf, db, limiter, login_manager, migrate
from peerchallenge.page_cache import init_page_cache

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the application: config, extensions, templates, blueprints, commands, error pages."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.jinja_environment = TemplateEnvironment  # before anything asks for app.jinja_env
    configure(app, config_name, overrides)
    trust_proxies(app)
    init_extensions(app)
    init_templates(app)
    init_routing(app)
    register_blueprints(app)
    init_page_cache(app)
    register_commands(app)
    return app


def configure(app: Flask, config_name: str | None, overrides: dict | None) -> None:
    name = config_name or os.environ.get("PEERCHALLENGE_ENV", "development")
    if name not in config_module.CONFIGS:
        raise RuntimeError(f"PEERCHALLENGE_ENV must be one of {', '.join(config_module.CONFIGS)}")
    app.config.from_object(config_module.CONFIGS[name])
    if name != "testing":
        config_module.read_environment(app.config)
    app.config.from_prefixed_env("PEERCHALLENGE")
    app.config.update(overrides or {})
    app.config["ENV_NAME"] = name
    if name == "production":
        config_module.check_production_config(app.config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'peerchallenge.sqlite'}"
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )


def trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from PROXY_COUNT trusted proxies' headers (none by default)."""
    count = config_module.proxy_count(app.config)
    if count:
        # Flask documents wrapping wsgi_app in middleware like this, but types it as a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def init_extensions(app: Flask) -> None:
    from peerchallenge import models  # noqa: F401  (every model registered before use)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


def init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    components = app.extensions["govuk_components"] = ComponentCache(app.jinja_env)
    app.jinja_env.globals["govuk_component"] = components
    WTFormsHelpers(app)


def init_routing(app: Flask) -> None:
    from peerchallenge.routing import DatabaseIntConverter

    app.url_map.converters["int"] = DatabaseIntConverter


def register_blueprints(app: Flask) -> None:
    from peerchallenge.accounts.routes import bp as accounts_bp
    from peerchallenge.actions.routes import bp as actions_bp
    from peerchallenge.assignments.routes import bp as assignments_bp
    from peerchallenge.audit.routes import bp as audit_bp
    from peerchallenge.core.routes import bp as core_bp
    from peerchallenge.cycles.routes import bp as cycles_bp
    from peerchallenge.datapack.routes import bp as datapack_bp
    from peerchallenge.error_pages import register_error_pages
    from peerchallenge.events.routes import bp as events_bp
    from peerchallenge.inspections.routes import bp as inspections_bp
    from peerchallenge.letters.routes import bp as letters_bp
    from peerchallenge.mail.routes import bp as mail_bp
    from peerchallenge.moderation.routes import bp as moderation_bp
    from peerchallenge.monitoring.routes import bp as monitoring_bp
    from peerchallenge.regions.routes import bp as regions_bp
    from peerchallenge.reviews.routes import bp as reviews_bp
    from peerchallenge.submissions.routes import bp as submissions_bp
    from peerchallenge.themes.routes import bp as themes_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(regions_bp)
    app.register_blueprint(cycles_bp)
    app.register_blueprint(submissions_bp)
    app.register_blueprint(inspections_bp)
    app.register_blueprint(datapack_bp)
    app.register_blueprint(assignments_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(letters_bp)
    app.register_blueprint(actions_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(themes_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(audit_bp)

    register_error_pages(app)


def register_commands(app: Flask) -> None:
    from peerchallenge.accounts.cli import users_cli
    from peerchallenge.assignments.cli import assignment_cli
    from peerchallenge.demo.cli import seed_demo_command
    from peerchallenge.mail.cli import mail_cli
    from peerchallenge.monitoring.cli import send_reminders_command
    from peerchallenge.regions.cli import authorities_cli
    from peerchallenge.submissions.cli import documents_cli

    app.cli.add_command(authorities_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(documents_cli)
    app.cli.add_command(assignment_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(send_reminders_command)
