"""The themes report of a cycle, a theme's traced sentences, the downloads, tagging again, the region's
lexicon, and an authority's asks and offers."""

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from peerchallenge.accounts.models import Role
from peerchallenge.cycles.models import Cycle
from peerchallenge.cycles.queries import cycles_for_regions
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.forms import ConfirmForm, button_action, confirmation, prefilled, run_form, run_service
from peerchallenge.page_cache import kept_file
from peerchallenge.regions.models import Authority, Region
from peerchallenge.routing import get_allowed
from peerchallenge.themes import access, exports, queries, services
from peerchallenge.themes.forms import AskOfferForm, QuotesForm, TermsForm
from peerchallenge.themes.lexicon import THEME_KEYS, THEME_NAMES, default_lexicon
from peerchallenge.themes.models import AskOffer, Stance

bp = Blueprint("themes", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _report_cycle(cycle_id: int) -> Cycle:
    return get_allowed(Cycle, cycle_id, access.can_see_report, hidden=True)


def _managed_cycle(cycle_id: int) -> Cycle:
    cycle = _report_cycle(cycle_id)
    if not access.can_manage_themes(current_user, cycle.region):
        abort(404)
    return cycle


def _quotes_named(cycle: Cycle) -> bool:
    record = queries.cycle_themes_record(cycle)
    return bool(record and record.quotes_named)


def _filename(cycle: Cycle, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", cycle.title.lower()).strip("-") or f"cycle-{cycle.id}"
    return f"{slug}-themes-{uk_today().isoformat()}.{extension}"


@bp.get("/themes")
@login_required
def my_themes():
    """From the menu: the themes report of the latest cycle of the person's region (a lead's first region)."""
    region_ids = sorted(current_user.lead_region_ids()) or sorted(access.director_region_ids(current_user))
    cycles = [cycle for cycle in cycles_for_regions(region_ids[:1]) if not cycle.is_draft]
    if not cycles:
        abort(404)
    latest = max(cycles, key=lambda cycle: (cycle.opens_on, cycle.id))
    return redirect(url_for("themes.report", cycle_id=latest.id))


@bp.get("/cycles/<int:cycle_id>/themes")
@login_required
def report(cycle_id: int):
    cycle = _report_cycle(cycle_id)
    named_setting = _quotes_named(cycle)
    named = access.sees_names(current_user, cycle, named_setting)
    themes_report = queries.themes_report(cycle, named=named)
    manages = access.can_manage_themes(current_user, cycle.region)
    quotes_form = QuotesForm(data={"named": named_setting})
    return render_template(
        "themes/report.html",
        cycle=cycle,
        report=themes_report,
        chart=Markup(exports.chart_svg(themes_report)),  # noqa: S704 (chart.py escapes every text in it)
        manages=manages,
        named_setting=named_setting,
        quotes_form=quotes_form,
        own_authority_ids=sorted(current_user.authority_ids(Role.DIRECTOR, Role.CONTRIBUTOR)),
    )


@bp.get("/cycles/<int:cycle_id>/themes/<theme>")
@login_required
def theme(cycle_id: int, theme: str):
    cycle = _report_cycle(cycle_id)
    if theme not in THEME_KEYS:
        abort(404)
    named = access.sees_names(current_user, cycle, _quotes_named(cycle))
    return render_template(
        "themes/theme.html",
        cycle=cycle,
        theme_key=theme,
        theme_name=THEME_NAMES[theme],
        sentences=queries.theme_sentences(cycle, theme, named=named),
        stances=[Stance.STRENGTH, Stance.DEVELOPMENT, Stance.QUESTION, Stance.PLAN],
        named=named,
        highlight=highlight,
    )


def highlight(sentence: str, term: str) -> Markup:
    """The sentence with the words of its term marked (the words of the term before any *)."""
    words = [re.escape(word) for word in re.findall(r"[^\W_]+", term.rstrip("*"))]
    if not words:
        return Markup.escape(sentence)
    pattern = re.compile(
        r"\b" + r"\W+".join(words) + (r"\w*" if term.endswith("*") else r"\w{0,3}"), re.IGNORECASE
    )
    out, last = [], 0
    for match in pattern.finditer(sentence):
        out.append(Markup.escape(sentence[last : match.start()]))
        out.append(Markup("<mark>") + Markup.escape(match.group()) + Markup("</mark>"))
        last = match.end()
    out.append(Markup.escape(sentence[last:]))
    return Markup("").join(out)


@bp.get("/cycles/<int:cycle_id>/themes.<any(csv, docx):file_format>")
@login_required
def download(cycle_id: int, file_format: str):
    """The report as CSV or Word, with names as the cycle's setting says (a paper for the board); audited."""
    cycle = _report_cycle(cycle_id)
    filename = _filename(cycle, file_format)  # before the audit commits: after it the cycle is read again
    named = _quotes_named(cycle)

    def downloaded() -> str | bytes:
        data, rows = kept_file(
            ("themes report", cycle.id, file_format, named),
            lambda: services.report_file(cycle, file_format, named),
        )
        services.record_report_export(current_user, cycle, file_format, rows)
        return data

    data = run_service(downloaded).value
    if data is None:  # the services refuse nothing a reader may ask for; an error page rather than no file
        abort(404)
    mimetype = "text/csv" if file_format == "csv" else DOCX
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.route("/cycles/<int:cycle_id>/themes/tag", methods=["GET", "POST"])
@login_required
def retag(cycle_id: int):
    cycle = _managed_cycle(cycle_id)
    back = url_for("themes.report", cycle_id=cycle.id)
    if cycle.is_closed:
        flash("This cycle is closed: it keeps the tags it has.")
        return redirect(back)
    return confirmation(
        "themes/retag.html",
        lambda: services.tag_cycle(current_user, cycle),
        "The cycle has been tagged again with the region's lexicon",
        back,
        cycle=cycle,
        cancel_url=back,
    )


@bp.post("/cycles/<int:cycle_id>/themes/quotes")
@login_required
def quotes_setting(cycle_id: int):
    cycle = _managed_cycle(cycle_id)
    form = QuotesForm()
    back = url_for("themes.report", cycle_id=cycle.id)
    if not form.validate_on_submit():
        abort(400)
    run_service(
        lambda: services.set_quotes_named(current_user, cycle, bool(form.named.data)),
        "Directors now see the quotes " + ("with" if form.named.data else "without") + " authorities' names",
    )
    return redirect(back)


# The region's lexicon ---------------------------------------------------------------------------------------


def _managed_region(region_id: int) -> Region:
    return get_allowed(Region, region_id, access.can_manage_themes, hidden=True)


@bp.get("/regions/<int:region_id>/lexicon")
@login_required
def lexicon(region_id: int):
    region = _managed_region(region_id)
    lexicon = run_service(lambda: services.region_lexicon(region)).value  # made from the default at first
    if lexicon is None:
        abort(500)
    return render_template(
        "themes/lexicon.html",
        region=region,
        lexicon=lexicon,
        themes=services.lexicon_themes(lexicon.themes),
        defaults={theme.key: theme.terms for theme in default_lexicon()},
    )


@bp.route("/regions/<int:region_id>/lexicon/<theme>", methods=["GET", "POST"])
@login_required
def edit_terms(region_id: int, theme: str):
    region = _managed_region(region_id)
    if theme not in THEME_KEYS:
        abort(404)
    lexicon = services.region_lexicon(region)
    current = next(item for item in services.lexicon_themes(lexicon.themes) if item.key == theme)
    form = prefilled(TermsForm, terms="\n".join(current.terms), base_version=lexicon.version)
    posted = run_form(
        form,
        lambda: services.update_theme_terms(
            current_user, region, theme, form.terms.data or "", form.base_version.data or 0
        ),
        f"The terms of '{THEME_NAMES[theme]}' are saved. Tag an open cycle again to apply them.",
    )
    if posted.done:
        return redirect(url_for("themes.lexicon", region_id=region.id, _anchor=theme))
    page = render_template("themes/terms.html", region=region, theme=current, form=form)
    return page, posted.status


# An authority's asks and offers -----------------------------------------------------------------------------


def _authority_in_cycle(cycle_id: int, authority_id: int) -> tuple[Cycle, Authority]:
    cycle = db.get_or_404(Cycle, cycle_id)
    authority = get_allowed(Authority, authority_id, access.can_read_asks, hidden=True)
    if authority.region_id != cycle.region_id or cycle.is_draft:
        abort(404)
    return cycle, authority


@bp.get("/cycles/<int:cycle_id>/asks-offers/<int:authority_id>")
@login_required
def asks_offers(cycle_id: int, authority_id: int):
    cycle, authority = _authority_in_cycle(cycle_id, authority_id)
    return render_template(
        "themes/asks_offers.html",
        cycle=cycle,
        authority=authority,
        items=queries.asks_offers(cycle, authority.id),
        can_correct=access.can_correct_asks(current_user, authority) and not cycle.is_closed,
        theme_names=THEME_NAMES,
        remove_form=ConfirmForm(),
    )


def _own_item(item_id: int) -> tuple[AskOffer, Cycle, Authority]:
    item = db.get_or_404(AskOffer, item_id)
    cycle, authority = _authority_in_cycle(item.cycle_id, item.authority_id)
    if not access.can_correct_asks(current_user, authority):
        abort(404)
    return item, cycle, authority


@bp.route("/asks-offers/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_ask_offer(item_id: int):
    item, cycle, authority = _own_item(item_id)
    back = url_for("themes.asks_offers", cycle_id=cycle.id, authority_id=authority.id)
    form = prefilled(AskOfferForm, kind=item.kind.value, text=item.text, themes=list(item.themes))
    posted = run_form(
        form,
        lambda: services.correct_ask_offer(
            current_user, item, form.kind.data or "", form.text.data or "", form.themes.data or []
        ),
        "Your correction is saved. It stays until the text it was read from changes.",
    )
    if posted.done:
        return redirect(back)
    page = render_template(
        "themes/ask_offer_form.html", cycle=cycle, authority=authority, form=form, item=item, back=back
    )
    return page, posted.status


@bp.route("/cycles/<int:cycle_id>/asks-offers/<int:authority_id>/add", methods=["GET", "POST"])
@login_required
def add_ask_offer(cycle_id: int, authority_id: int):
    cycle, authority = _authority_in_cycle(cycle_id, authority_id)
    if not access.can_correct_asks(current_user, authority):
        abort(404)
    back = url_for("themes.asks_offers", cycle_id=cycle.id, authority_id=authority.id)
    if cycle.is_closed:
        flash("This cycle is closed: its asks and offers are read-only.")
        return redirect(back)
    form = AskOfferForm()
    posted = run_form(
        form,
        lambda: services.add_ask_offer(
            current_user, cycle, authority, form.kind.data or "", form.text.data or "", form.themes.data or []
        ),
        "Added.",
    )
    if posted.done:
        return redirect(back)
    page = render_template(
        "themes/ask_offer_form.html", cycle=cycle, authority=authority, form=form, item=None, back=back
    )
    return page, posted.status


@bp.post("/asks-offers/<int:item_id>/remove")
@login_required
def remove_ask_offer(item_id: int):
    item, cycle, authority = _own_item(item_id)
    back = url_for("themes.asks_offers", cycle_id=cycle.id, authority_id=authority.id)
    return button_action(lambda: services.withdraw_ask_offer(current_user, item), "Removed.", back)
