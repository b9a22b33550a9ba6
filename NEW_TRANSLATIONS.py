"""Vietnamese translations of the messages this branch adds, for messages.po (not edited here)."""

NEW_TRANSLATIONS = {
    "Units %(first)s–%(last)s of %(n)s, in the order of their codes; the totals are those of every unit.": (
        "Đơn vị %(first)s–%(last)s trong tổng số %(n)s, theo thứ tự mã đơn vị; dòng tổng cộng tính cho mọi đơn vị."
    ),
}
