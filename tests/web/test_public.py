"""R13.2, R13.3, R10.1, R13.5: the public pages, the report entry on every item, the published
documents, and a user's own page with their content's state and their notices."""

from tests.identity.builders import publisher, register
from tests.review.builders import DOXXING, post
from tests.web.builders import post_form, sign_in


def test_every_public_item_has_a_report_entry(client) -> None:
    """R13.2: a prominent report entry on the page and on every item."""
    author = publisher(client)
    items = [post(client, author, f"今天的天气第{n}次很好。", title=f"天气{n}") for n in range(3)]
    page = client.get("/").text
    assert page.count('class="report big"') == 1
    for item in items:
        assert f'href="/rules/reporting-methods?content_id={item["id"]}#report"' in page


def test_the_rules_conventions_agreement_and_reporting_methods_are_published_pages(client) -> None:
    """R10.1, R13.3."""
    for slug in ("management-rules", "conventions", "user-agreement", "reporting-methods"):
        document = client.get(f"/v1/rules/{slug}").json()
        page = client.get(f"/rules/{slug}")
        assert page.status_code == 200 and document["title"] in page.text
        assert f"版本 {document['version']}" in page.text
    reporting = client.get("/rules/reporting-methods?content_id=42").text
    assert 'id="report"' in reporting and "#42" in reporting
    assert client.get("/rules/nonsense").status_code == 422


def test_the_language_switch_is_remembered(client) -> None:
    assert "最新内容" in client.get("/").text
    english = client.get("/?lang=en")
    assert "Latest posts" in english.text and '<html lang="en">' in english.text
    assert "Latest posts" in client.get("/").text  # the cookie keeps the choice
    assert "最新内容" in client.get("/?lang=zh-CN").text


def test_a_failed_post_keeps_what_was_typed_and_says_why_next_to_the_field(client) -> None:
    author = publisher(client)
    sign_in(client, author)
    empty = post_form(client, "/me/posts", {"title": "我的标题", "body": "   "})
    assert empty.status_code == 422
    assert 'value="我的标题"' in empty.text and 'id="body-error"' in empty.text and 'aria-invalid="true"' in empty.text


def test_a_refused_submission_keeps_the_text_and_writes_nothing(client) -> None:
    """R10.2: without verified identity publishing is refused; the draft is not lost."""
    unverified = register(client)
    sign_in(client, unverified)
    refused = post_form(client, "/me/posts", {"title": "", "body": "我想说的话"})
    assert refused.status_code == 403 and "identity_required" in refused.text
    assert ">我想说的话</textarea>" in refused.text
    assert client.get("/v1/posts", params={"author_id": unverified.id}).json()["items"] == []


def test_the_author_sees_the_state_of_their_posts_and_the_notice_about_a_hold(client) -> None:
    """R13.5: the author is told what happened and on which rule."""
    author = publisher(client)
    sign_in(client, author)
    done = post_form(client, "/me/posts", {"title": "", "body": DOXXING})
    assert done.status_code == 303 and "done=me.posted" in done.headers["location"]
    page = client.get("/me").text
    assert "待人工审核" in page  # the held state, in the author's own list
    assert "你的帖子待人工审核" in page  # the notice
    marked = post_form(client, "/me/notices/read", {"up_to_id": "999999999"})
    assert marked.status_code == 303 and "未读" not in client.get("/me").text
