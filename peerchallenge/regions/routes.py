"""Pages for a region, an authority, and the admin's overview of all regions."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from peerchallenge.accounts.access import admin_required, can_manage_region, can_view_authority
from peerchallenge.accounts.queries import people_by_authority, users_in_region
from peerchallenge.forms import run_form
from peerchallenge.regions import services
from peerchallenge.regions.forms import DisplayNameForm
from peerchallenge.regions.models import Authority, Region
from peerchallenge.regions.queries import regions_with_authorities
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
    form = DisplayNameForm(data=None if request.method == "POST" else {"display_name": region.display_name})
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
