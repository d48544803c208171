"""Pages for a region, an authority, and the admin's overview of all regions."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.access import admin_required, can_manage_region, can_view_authority
from peerchallenge.accounts.queries import people_by_authority, users_in_region
from peerchallenge.extensions import db
from peerchallenge.forms import prefilled, run_form
from peerchallenge.regions import services
from peerchallenge.regions.forms import AuthorityForm, DisplayNameForm, MergeForm, RenameForm, SplitForm
from peerchallenge.regions.models import Authority, Region
from peerchallenge.regions.queries import region_links, regions_with_authorities
from peerchallenge.regions.services import NewAuthority
from peerchallenge.routing import get_allowed

bp = Blueprint("regions", __name__)


@bp.get("/regions/<int:region_id>")
@login_required
def region_detail(region_id: int):
    region = get_allowed(Region, region_id, can_manage_region)
    people = people_by_authority([authority.id for authority in region.authorities])
    return render_template(
        "regions/region_detail.html", region=region, people=people, users=users_in_region(region.id)
    )


@bp.route("/regions/<int:region_id>/name-on-letters", methods=["GET", "POST"])
@login_required
def change_display_name(region_id: int):
    region = get_allowed(Region, region_id, can_manage_region)
    form = prefilled(DisplayNameForm, display_name=region.display_name)
    posted = run_form(
        form,
        lambda: services.set_display_name(current_user, region, form.display_name.data or ""),
        "The name on the region's letters has been saved.",
    )
    if posted.done:
        return redirect(url_for("regions.region_detail", region_id=region.id))
    return render_template("regions/display_name.html", form=form, region=region), posted.status


@bp.get("/authorities/<int:authority_id>")
@login_required
def authority_detail(authority_id: int):
    authority = get_allowed(Authority, authority_id, can_view_authority)
    people = people_by_authority([authority.id])[authority.id]
    return render_template("regions/authority_detail.html", authority=authority, people=people)


@bp.get("/admin")
@admin_required
def admin_overview():
    return render_template("regions/admin_overview.html", regions=regions_with_authorities())


# --- The admin's screens for authorities: add, rename, merge, split -----------------------------------------


def _to_authorities(region: Region):
    return redirect(url_for("regions.manage_authorities", region_id=region.id))


def _change_page(
    form, region: Region, heading: str, intro: str, status: int, authority: Authority | None = None
):
    page = render_template(
        "regions/authority_change.html",
        form=form,
        region=region,
        heading=heading,
        intro=intro,
        authority=authority,
    )
    return page, status


@bp.get("/admin/regions/<int:region_id>/authorities")
@admin_required
def manage_authorities(region_id: int):
    region = db.get_or_404(Region, region_id)
    return render_template("regions/manage_authorities.html", region=region, links=region_links(region.id))


@bp.route("/admin/regions/<int:region_id>/authorities/new", methods=["GET", "POST"])
@admin_required
def add_authority(region_id: int):
    region = db.get_or_404(Region, region_id)
    form = AuthorityForm()
    new = NewAuthority(
        form.name.data or "",
        form.dfe_code.data or "",
        form.ons_code.data or "",
        form.authority_type.data or "",
    )
    posted = run_form(
        form,
        lambda: services.add_authority(current_user, region, new, form.active_from.data),
        lambda added: f"{added.name} has been added.",
    )
    if posted.done:
        return _to_authorities(region)
    intro = "The authority takes part in the region's cycles that open on or after the day it starts."
    return _change_page(form, region, "Add an authority", intro, posted.status)


@bp.route("/admin/authorities/<int:authority_id>/rename", methods=["GET", "POST"])
@admin_required
def rename_authority(authority_id: int):
    authority = db.get_or_404(Authority, authority_id)
    form = prefilled(RenameForm, name=authority.name)
    posted = run_form(
        form,
        lambda: services.rename_authority(current_user, authority, form.name.data or ""),
        "The name has been saved.",
    )
    if posted.done:
        return _to_authorities(authority.region)
    intro = "Its people, self-assessments, reviews and letters stay with it."
    return _change_page(form, authority.region, f"Rename {authority.name}", intro, posted.status, authority)


@bp.route("/admin/regions/<int:region_id>/authorities/merge", methods=["GET", "POST"])
@admin_required
def merge_authorities(region_id: int):
    region = db.get_or_404(Region, region_id)
    current = [authority for authority in region.authorities if authority.active_to is None]
    form = MergeForm()
    form.merging.choices = [(authority.id, authority.name) for authority in current]
    form.continuing.choices = [(0, "A new authority")] + form.merging.choices
    by_id = {authority.id: authority for authority in current}

    def merge():
        merging = [by_id[authority_id] for authority_id in form.merging.data or []]
        new = NewAuthority(
            form.new_name.data or "",
            form.new_dfe_code.data or "",
            form.new_ons_code.data or "",
            merging[0].authority_type if merging else "",
        )
        continuing = by_id.get(form.continuing.data or 0)
        return services.merge_authorities(
            current_user,
            merging,
            form.effective_on.data,
            continuing=continuing,
            new=None if continuing else new,
        )

    posted = run_form(
        form, merge, lambda successor: f"The authorities have been merged into {successor.name}."
    )
    if posted.done:
        return _to_authorities(region)
    intro = (
        "The merged authorities end the day before the change. The authority that carries on inherits their "
        "pairing history, so peers are not paired again too soon, and their people can read their letters."
    )
    return _change_page(form, region, "Merge authorities", intro, posted.status)


@bp.route("/admin/authorities/<int:authority_id>/split", methods=["GET", "POST"])
@admin_required
def split_authority(authority_id: int):
    authority = db.get_or_404(Authority, authority_id)
    form = SplitForm()
    posted = run_form(
        form,
        lambda: services.split_authority(
            current_user, authority, form.effective_on.data, form.typed_successors(authority.authority_type)
        ),
        f"{authority.name} has been split.",
    )
    if posted.done:
        return _to_authorities(authority.region)
    intro = (
        f"{authority.name} ends the day before the change. Each new authority inherits its pairing history, "
        "and their people can read its letters."
    )
    return _change_page(form, authority.region, f"Split {authority.name}", intro, posted.status, authority)
