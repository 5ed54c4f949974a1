"""Identity data never appears in clear in the database (R10.2, security rule)."""

import sqlalchemy as sa

from tests.identity.builders import id_number, register, verify


def test_no_table_holds_the_identity_number_mobile_or_name(client, db) -> None:
    number = id_number(birth="19770505", region="320102")
    user = register(client, phone="13612345678")
    verify(client, user, number=number, name="欧阳修文")
    secrets = [number, number[6:14], "13612345678", "欧阳修文"]

    found = []
    for table in sa.inspect(db.connection()).get_table_names():
        for row in db.execute(sa.text(f'SELECT * FROM "{table}"')):
            text = " ".join(str(value) for value in row)
            found += [(table, s) for s in secrets if s in text]
    assert found == []


def test_refusals_do_not_echo_the_identity_number(client) -> None:
    user = register(client)
    number = id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = client.post("/v1/me/identity", headers=user.headers,
                           json={"name": "张三", "id_number": wrong, "mobile": user.mobile})
    assert response.status_code == 422
    assert wrong not in response.text and wrong[6:14] not in response.text
