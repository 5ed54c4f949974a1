"""Claims for rumour tests, added through the API as staff do."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.identity.builders import ApiUser

RUMOUR = "成都青白江区10月底开展全员核酸检测"
DEBUNK = "经成都市青白江区卫生健康局核实，未计划开展全员核酸检测。"
# The rumour as users pass it on: padded and with a traditional character.
SPREAD = "转发扩散！成都青白江區10月底开展全员核酸检测，大家提前准备。"


def add_claim(client: TestClient, staff: ApiUser, text: str = RUMOUR, verdict: str = "false", **extra) -> dict:
    response = client.post("/v1/rumors/claims", headers=staff.headers, json={
        "text": text, "verdict": verdict, "debunk": DEBUNK, "sources": ["https://www.piyao.org.cn/x"],
        "publisher": "青白江区卫生健康局", **extra})
    assert response.status_code == 201, response.text
    return response.json()
