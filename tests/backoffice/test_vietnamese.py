"""Every back-office list, create and edit page speaks Vietnamese: its column headers, form labels,
filters and buttons differ from the English page, but for the few words both languages share."""

import re

import pytest
from flask_admin.contrib.peewee import ModelView

# Words that are the same in both languages (codes, names, the product)
SAME_IN_BOTH = {"", "&nbsp;", "#", "Email", "SIPAS", "ID"}
TAG = re.compile(r"<[^>]+>")


def _texts(html, pattern):
    return [" ".join(TAG.sub(" ", m).split()) for m in re.findall(pattern, html, re.S)]


def _labels(html):
    """Column headers, form labels, buttons and filter names of a page, in order."""
    return (
        _texts(html, r"<th[^>]*>(.*?)</th>")
        + _texts(html, r"<label[^>]*>(.*?)</label>")
        + _texts(html, r"<button[^>]*>(.*?)</button>")
        + _texts(html, r'<input[^>]*type="submit"[^>]*value="([^"]*)"')
        + _texts(html, r'class="dropdown-item[^"]*"[^>]*>(.*?)</a>')
    )


def _pages(app, ids):
    admin = app.extensions["admin"][0]
    for view in admin._views:
        if not isinstance(view, ModelView):
            continue
        base = f"/admin/{view.endpoint}/"
        yield base
        yield base + "new/"
        yield base + f"edit/?id={ids.get(view.endpoint, 1)}"


@pytest.fixture
def admin_client(app, auth, sample_ids):
    client = app.test_client()
    auth.login("admin", client=client)
    return client


def test_every_list_create_and_edit_page_is_in_vietnamese(app, admin_client, sample_ids):
    untranslated = []
    checked = 0
    for url in _pages(app, sample_ids):
        vi = admin_client.get(url + ("&" if "?" in url else "?") + "lang=vi")
        if vi.status_code != 200:
            continue  # a page this view does not offer (no create, no edit)
        en = admin_client.get(url + ("&" if "?" in url else "?") + "lang=en")
        vi_labels, en_labels = _labels(vi.get_data(as_text=True)), _labels(en.get_data(as_text=True))
        assert len(vi_labels) == len(en_labels), url
        for vi_text, en_text in zip(vi_labels, en_labels):
            checked += 1
            if vi_text == en_text and vi_text not in SAME_IN_BOTH and not vi_text.isdigit():
                untranslated.append(f"{url}: {vi_text!r}")
    admin_client.get("/admin/?lang=vi")
    assert checked > 100
    assert untranslated == [], "\n".join(untranslated)


def test_flask_admins_own_words_are_corrected(app, admin_client):
    html = admin_client.get("/admin/users/new/?lang=vi").get_data(as_text=True)
    assert "Lưu và thêm mới" in html and "cái khác" not in html
    html = admin_client.get("/admin/units/?lang=vi").get_data(as_text=True)
    assert "mặt hàng" not in html and "50 dòng" in html
