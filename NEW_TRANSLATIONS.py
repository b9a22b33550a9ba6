# ruff: noqa
{
    # the 18-point scheme column of the back office ranking
    "18 points": "18 điểm",
}
