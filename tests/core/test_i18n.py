"""The interface speaks Vietnamese by default, English on request, with nothing left untranslated."""

import os

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CATALOG = os.path.join(ROOT, "core", "translations", "vi", "LC_MESSAGES", "messages.po")


def _source_messages():
    method_map = [
        ("**/.venv/**", "ignore"),
        ("tests/**", "ignore"),
        ("bench/**", "ignore"),
        ("**.py", "python"),
        ("**/templates/**.html", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT, method_map, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_of_the_interface_has_a_vietnamese_translation():
    catalog = read_po(open(CATALOG, "rb"))
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_source_messages() - translated)
    assert missing == [], "run `make extract-messages` and translate these in messages.po"


def test_pages_are_vietnamese_by_default_and_english_on_request(client, users, auth):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="vi"' in page and "Đăng nhập" in page and "Mật khẩu" in page
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert 'lang="en"' in page and "Sign in" in page and "Password" in page
    auth.login("officer")
    page = client.get("/admin/").get_data(as_text=True)  # the choice is remembered
    assert "Cases" in page and "Hồ sơ" not in page


def test_back_office_menus_in_vietnamese(client, users, auth):
    auth.login("admin")
    page = client.get("/admin/").get_data(as_text=True)
    for label in ("Hồ sơ", "Nhập dữ liệu", "Kỳ khảo sát", "Đơn vị", "Thủ tục", "Nhật ký kiểm tra", "Đăng xuất"):
        assert label in page
