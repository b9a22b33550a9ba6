"""A questionnaire cut into the pages a respondent answers one at a time (pure): the loose items
before the first group (the introduction and consent) make the first page, each top-level group a
page, and the notes after the last question are shown once the answers are sent."""

from questionnaires.expressions import parse
from questionnaires.xlsform import GROUP, walk

NOTE = "note"


def split(definition):
    """(pages, closing notes): pages as lists of top-level items."""
    items = list(definition["items"])
    closing = []
    while items and items[-1]["type"] == NOTE:
        closing.insert(0, items.pop())
    pages, loose = [], []
    for item in items:
        if item["type"] == GROUP:
            if loose:
                pages.append(loose)
                loose = []
            pages.append([item])
        else:
            loose.append(item)
    if loose:
        pages.append(loose)
    return pages, closing


def _relevant(item, answers):
    return not item.get("relevant") or parse(item["relevant"]).evaluate(answers)


def is_asked(page, answers):
    """Whether any item of a page is asked with these answers (a page of skipped groups is not)."""
    return any(_relevant(item, answers) for item in page)


def may_be_asked(page, answers):
    """Asked with these answers, or perhaps once the questions its rules name are answered (the
    consent's page: every later page waits on its answer)."""
    return is_asked(page, answers) or any(
        name not in answers for item in page if item.get("relevant") for name in parse(item["relevant"]).references
    )


def names(page):
    """The names of the questions on a page (notes and groups left out)."""
    return [i["name"] for i in walk(page) if i["type"] not in (GROUP, NOTE)]


def next_asked(pages, answers, after):
    """The index of the first page after `after` that is asked, or None (the end)."""
    for index in range(after + 1, len(pages)):
        if is_asked(pages[index], answers):
            return index
    return None


def previous_asked(pages, answers, before):
    for index in range(before - 1, -1, -1):
        if is_asked(pages[index], answers):
            return index
    return 0


def is_last(pages, answers, index):
    """No page after this one is or may be asked: its button sends the answers."""
    return not any(may_be_asked(page, answers) for page in pages[index + 1 :])


def progress(pages, answers, index):
    """(page number, pages asked or that may be asked as the answers stand): "page 3 of 8"."""
    asked = [i for i in range(len(pages)) if may_be_asked(pages[i], answers)]
    number = sum(1 for i in asked if i <= index)
    return max(number, 1), max(len(asked), 1)
