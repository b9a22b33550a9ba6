"""A version's figures as the exports give them, without personal data: the JSON of the results issue,
and the unit table for CSV (one row per unit, shares as fractions 0-1)."""

from models import Elements

RATES = ("RR1", "RR3", "COOP1", "REF1", "CON1")


def as_json(version):
    """{"period", "version", "province", "units", "questions", "officers"} of a version."""
    data = version.figures_dict()
    units = [
        {
            "unit": u["unit"],
            "level": u["level"],
            "cases": u["cases"],
            "eligible": u["eligible"],
            "sampled": u["sampled"],
            "issued": u["issued"],
            "completed": u["completed"],
            "rates": {k: u["rates"][k] for k in RATES},
            "elements": {k: {f: v[f] for f in ("n", "satisfied", "index", "ci")} for k, v in u["elements"].items()},
            "overall": u["overall"],
            "rank": u["rank"],
            "ranked": u["ranked"],
            "grade": u["grade"],
        }
        for u in data["units"]
    ]
    province = {k: v for k, v in data["province"].items() if k != "questions"}
    return {
        "period": data["period"],
        "version": version.number,
        "status": version.status,
        "audit_head": {"seq": version.audit_seq, "hash": version.audit_hash},
        "province": province,
        "units": units,
        "questions": [
            {k: q[k] for k in ("unit", "question", "n", "mean", "satisfied_share")} for q in data["questions"]
        ],
        "officers": data["officers"],
    }


def unit_table(version):
    """(headers, rows) of the unit ranking: counts, rates, element indices, overall, rank, grade."""
    headers = ["unit", "name", "level", "cases", "eligible", "sampled", "issued", "completed", *RATES]
    headers += [f"index_{e}" for e in Elements.ALL] + ["index", "ci_low", "ci_high", "rank", "ranked", "grade"]
    rows = []
    for u in version.figures_dict()["units"]:
        ci = u["overall"]["ci"] or [None, None]
        rows.append(
            [u["unit"], u["name"], u["level"], u["cases"], u["eligible"], u["sampled"], u["issued"], u["completed"]]
            + [u["rates"][k] for k in RATES]
            + [u["elements"][e]["index"] for e in Elements.ALL]
            + [u["overall"]["index"], ci[0], ci[1], u["rank"], u["ranked"], u["grade"]]
        )
    return headers, rows
