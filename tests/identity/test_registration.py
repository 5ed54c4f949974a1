"""R9.2, R10.2: registration, real-identity verification and sign-in through the API."""

from tests.identity.builders import PASSWORD, accept_agreement, id_number, register, verify


def test_register_returns_a_token_that_signs_the_user_in(client) -> None:
    user = register(client, handle="小明_01")
    me = client.get("/v1/me", headers=user.headers)
    assert me.status_code == 200
    body = me.json()
    assert body["handle"] == "小明_01"
    assert body["verified"] is False
    assert body["mobile_masked"] == f"{user.mobile[:3]}****{user.mobile[7:]}"


def test_handles_are_unique_ignoring_case(client) -> None:
    register(client, handle="Alice")
    response = client.post("/v1/accounts", json={"handle": "ALICE", "password": PASSWORD,
                                                  "mobile": "13912345678"})
    assert response.status_code == 409
    assert response.json()["code"] == "handle_taken"


def test_full_width_look_alike_handles_are_refused(client) -> None:
    response = client.post("/v1/accounts", json={"handle": "ａｌｉｃｅ", "password": PASSWORD,
                                                  "mobile": "13912345678"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "handle"]


def test_sign_in_with_wrong_password_is_refused(client) -> None:
    user = register(client)
    response = client.post("/v1/sessions", json={"handle": user.handle, "password": "wrong password"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    ok = client.post("/v1/sessions", json={"handle": user.handle, "password": PASSWORD})
    assert ok.status_code == 200 and ok.json()["token"].startswith("ql_")


def test_identity_verification_shows_only_masked_data_and_derives_age(client) -> None:
    user = register(client)
    number = id_number(birth="19900307", region="110105")
    identity = verify(client, user, number=number, name="张三丰")
    assert identity["id_number_masked"] == f"110105********{number[-4:]}"
    assert identity["name_masked"] == "张**"
    me = client.get("/v1/me", headers=user.headers).json()
    assert me["verified"] is True and me["is_minor"] is False


def test_a_minor_is_recognised_from_the_identity_number(client) -> None:
    user = register(client)
    verify(client, user, number=id_number(birth="20140601"))
    assert client.get("/v1/me", headers=user.headers).json()["is_minor"] is True


def test_invalid_identity_numbers_get_their_own_codes(client) -> None:
    user = register(client)
    good = id_number()
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    for number, code in ((bad_checksum, "id_number_checksum"), ("110105199002300011", "id_number_birth_date")):
        response = client.post("/v1/me/identity", headers=user.headers,
                               json={"name": "张三", "id_number": number, "mobile": user.mobile})
        assert response.status_code == 422
        assert response.json()["code"] == code
    assert client.get("/v1/me", headers=user.headers).json()["verified"] is False


def test_identity_mobile_must_match_the_registered_one(client) -> None:
    user = register(client)
    response = client.post("/v1/me/identity", headers=user.headers,
                           json={"name": "张三", "id_number": id_number(), "mobile": "13700000000"})
    assert response.status_code == 422
    assert response.json()["code"] == "mobile_mismatch"


def test_accounts_per_identity_are_capped(client, settings) -> None:
    number = id_number()
    for _ in range(settings.max_accounts_per_identity):
        verify(client, register(client), number=number)
    extra = register(client)
    response = client.post("/v1/me/identity", headers=extra.headers,
                           json={"name": "张三", "id_number": number, "mobile": extra.mobile})
    assert response.status_code == 409
    assert response.json()["code"] == "identity_account_limit"


def test_verifying_twice_is_a_conflict(client) -> None:
    user = register(client)
    verify(client, user)
    response = client.post("/v1/me/identity", headers=user.headers,
                           json={"name": "张三", "id_number": id_number(), "mobile": user.mobile})
    assert response.status_code == 409 and response.json()["code"] == "already_verified"


def test_cancelling_an_account_ends_its_sessions(client) -> None:
    user = register(client)
    verify(client, user)
    accept_agreement(client, user)
    assert client.delete("/v1/me", headers=user.headers).status_code == 204
    assert client.get("/v1/me", headers=user.headers).json()["code"] == "invalid_token"
    again = client.post("/v1/sessions", json={"handle": user.handle, "password": PASSWORD})
    assert again.status_code == 403 and again.json()["code"] == "account_cancelled"
