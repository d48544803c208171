"""`/healthz`, for a load balancer: one `SELECT 1`, no sign-in, no session, never rate limited."""

from tests.monitoring.builders import counting_queries


def statements_of(client, url: str) -> tuple[object, list[str]]:
    with counting_queries() as statements:
        response = client.get(url)
    return response, statements


def test_healthz_says_ok_in_plain_text_after_one_select_and_sets_no_cookie(app, client):
    response, statements = statements_of(client, "/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and response.get_data(as_text=True) == "ok"
    assert statements == ["SELECT 1"]
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_looks_up_nobody_for_a_signed_in_client(world, app, sign_in):
    client = sign_in(world.lead)
    response, statements = statements_of(client, "/healthz")
    assert response.status_code == 200 and statements == ["SELECT 1"]


def test_healthz_is_exempt_from_rate_limits_that_hold_for_other_pages(make_site):
    site = make_site(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    client = site.test_client()
    assert [client.get("/healthz").status_code for _ in range(5)] == [200] * 5
    assert [client.get("/accessibility").status_code for _ in range(3)] == [200, 200, 429]
