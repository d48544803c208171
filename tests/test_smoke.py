def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2F"


def test_lead_home_lists_region_authorities(world, sign_in):
    page = sign_in(world.lead).get("/").get_data(as_text=True)
    assert "Alpha" in page and "Beta" in page
    assert "Gamma" not in page
