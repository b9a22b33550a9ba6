"""Generation of a realistic demo province as import files (units, procedures, cases)."""

import csv
import datetime
import random

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Đinh",
    "Lâm",
    "Mai",
    "Cao",
    "Tạ",
    "Châu",
    "Tôn",
]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Đình", "Xuân", "Ngọc", "Gia"]
MIDDLE_F = ["Thị", "Ngọc", "Thanh", "Thu", "Minh", "Kim", "Bảo", "Diệu", "Mỹ", "Phương"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Long",
    "Lộc",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Hưng",
    "Đông",
]
GIVEN_F = [
    "Anh",
    "Châu",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phượng",
    "Quyên",
    "Tâm",
    "Thảo",
    "Trang",
    "Trinh",
    "Tuyết",
    "Uyên",
    "Vân",
    "Yến",
]
COMPANY = ["Công ty TNHH {} {}", "Công ty Cổ phần {} {}", "Hợp tác xã {} {}", "Doanh nghiệp tư nhân {} {}"]
TRADE = ["Xây dựng", "Thương mại", "Dịch vụ", "Nông sản", "Vận tải", "Du lịch", "Thủy sản", "Điện máy"]
PLACE = ["Phú Quý", "Hòa Bình", "Tân Phát", "Đại Thành", "Minh Long", "An Khang", "Phước Lộc", "Hưng Thịnh"]
MOBILE_PREFIX = [
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "056",
    "058",
    "070",
    "076",
    "077",
    "078",
    "079",
    "081",
    "082",
    "083",
    "084",
    "085",
    "086",
    "088",
    "089",
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
]

DEPARTMENTS = [
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Tài chính",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Công Thương",
    "Sở Nội vụ",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
    "Ban Quản lý các khu công nghiệp",
    "Thanh tra tỉnh",
]
VERTICAL = [
    "Thuế tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Công an tỉnh (Phòng Cảnh sát QLHC về TTXH)",
    "Kho bạc Nhà nước khu vực",
    "Chi cục Hải quan",
]
COMMUNES = [
    "phường Phan Thiết",
    "phường Mũi Né",
    "phường Hàm Thắng",
    "phường Bình Thuận",
    "phường Phú Thủy",
    "phường La Gi",
    "phường Phước Hội",
    "xã Tuy Phong",
    "xã Liên Hương",
    "xã Phan Rí Cửa",
    "xã Bắc Bình",
    "xã Lương Sơn",
    "xã Hòa Thắng",
    "xã Hàm Thuận Bắc",
    "xã Ma Lâm",
    "xã Hàm Liêm",
    "xã Hàm Thuận Nam",
    "xã Tân Lập",
    "xã Hàm Kiệm",
    "xã Tánh Linh",
    "xã Lạc Tánh",
    "xã Bắc Ruộng",
    "xã Đức Linh",
    "xã Võ Xu",
    "xã Đức Tài",
    "xã Hàm Tân",
    "xã Tân Minh",
    "xã Sơn Mỹ",
    "xã Phú Quý",
    "xã Tân Hải",
    "xã Hồng Sơn",
    "xã Sông Lũy",
    "xã Đông Giang",
    "xã La Dạ",
    "xã Suối Kiết",
    "xã Nghị Đức",
    "xã Hòa Minh",
    "xã Chí Công",
    "xã Phan Sơn",
]

# (field, unit kind, [(procedure name, days to resolve, immediate result)])
PROCEDURES = [
    (
        "Hộ tịch",
        "xa",
        [
            ("Đăng ký khai sinh", 1, False),
            ("Đăng ký kết hôn", 3, False),
            ("Đăng ký khai tử", 1, False),
            ("Đăng ký nhận cha, mẹ, con", 3, False),
            ("Thay đổi, cải chính, bổ sung thông tin hộ tịch", 3, False),
            ("Cấp bản sao trích lục hộ tịch", 0, True),
            ("Cấp Giấy xác nhận tình trạng hôn nhân", 3, False),
            ("Đăng ký giám hộ", 3, False),
            ("Đăng ký lại khai sinh", 5, False),
            ("Liên thông đăng ký khai sinh, thường trú, cấp thẻ BHYT cho trẻ em dưới 6 tuổi", 5, False),
        ],
    ),
    (
        "Chứng thực",
        "xa",
        [
            ("Chứng thực bản sao từ bản chính", 0, True),
            ("Chứng thực chữ ký", 0, True),
            ("Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", 2, False),
            ("Chứng thực văn bản thỏa thuận phân chia di sản", 2, False),
            ("Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", 2, False),
        ],
    ),
    (
        "Đất đai",
        "xa",
        [
            ("Đăng ký biến động quyền sử dụng đất do chuyển nhượng", 10, False),
            ("Cấp Giấy chứng nhận quyền sử dụng đất lần đầu", 20, False),
            ("Tách thửa hoặc hợp thửa đất", 15, False),
            ("Chuyển mục đích sử dụng đất", 15, False),
            ("Đăng ký thế chấp quyền sử dụng đất", 1, False),
            ("Xóa đăng ký thế chấp", 1, False),
            ("Cấp đổi Giấy chứng nhận quyền sử dụng đất", 7, False),
            ("Đính chính Giấy chứng nhận đã cấp", 10, False),
            ("Gia hạn sử dụng đất nông nghiệp", 7, False),
        ],
    ),
    (
        "Xây dựng",
        "xa",
        [
            ("Cấp giấy phép xây dựng nhà ở riêng lẻ", 15, False),
            ("Điều chỉnh giấy phép xây dựng", 10, False),
            ("Gia hạn giấy phép xây dựng", 5, False),
            ("Cấp giấy phép sửa chữa, cải tạo công trình", 15, False),
        ],
    ),
    (
        "Thành lập và hoạt động của hộ kinh doanh",
        "xa",
        [
            ("Đăng ký thành lập hộ kinh doanh", 3, False),
            ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3, False),
            ("Tạm ngừng kinh doanh hộ kinh doanh", 3, False),
            ("Chấm dứt hoạt động hộ kinh doanh", 3, False),
        ],
    ),
    (
        "Bảo trợ xã hội",
        "xa",
        [
            ("Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội", 10, False),
            ("Hỗ trợ chi phí mai táng", 5, False),
            ("Xác định mức độ khuyết tật", 20, False),
            ("Đăng ký hoạt động cơ sở trợ giúp xã hội", 10, False),
        ],
    ),
    (
        "Người có công",
        "xa",
        [
            ("Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", 12, False),
            ("Cấp giấy xác nhận thân nhân người có công", 10, False),
        ],
    ),
    (
        "Cư trú",
        "nganh_doc",
        [
            ("Đăng ký thường trú", 7, False),
            ("Đăng ký tạm trú", 3, False),
            ("Xóa đăng ký thường trú", 1, False),
            ("Điều chỉnh thông tin trong Cơ sở dữ liệu về cư trú", 3, False),
        ],
    ),
    (
        "Căn cước",
        "nganh_doc",
        [
            ("Cấp thẻ căn cước cho công dân từ đủ 14 tuổi", 7, False),
            ("Cấp đổi thẻ căn cước", 7, False),
            ("Cấp lại thẻ căn cước", 7, False),
        ],
    ),
    (
        "Thuế",
        "nganh_doc",
        [
            ("Đăng ký thuế lần đầu cho cá nhân", 3, False),
            ("Khai thuế đối với hộ kinh doanh", 5, False),
            ("Hoàn thuế thu nhập cá nhân", 6, False),
            ("Miễn, giảm tiền sử dụng đất", 10, False),
        ],
    ),
    (
        "Bảo hiểm xã hội",
        "nganh_doc",
        [
            ("Cấp lại, đổi thẻ bảo hiểm y tế", 2, False),
            ("Giải quyết hưởng bảo hiểm xã hội một lần", 5, False),
            ("Giải quyết hưởng chế độ thai sản", 5, False),
            ("Đăng ký tham gia bảo hiểm xã hội tự nguyện", 3, False),
        ],
    ),
    (
        "Lý lịch tư pháp",
        "so",
        [
            ("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", 10, False),
            ("Cấp Phiếu lý lịch tư pháp cho người nước ngoài", 15, False),
        ],
    ),
    (
        "Luật sư, công chứng",
        "so",
        [
            ("Đăng ký hoạt động văn phòng công chứng", 10, False),
            ("Cấp thẻ công chứng viên", 10, False),
            ("Đăng ký hoạt động của tổ chức hành nghề luật sư", 10, False),
        ],
    ),
    (
        "Đăng ký doanh nghiệp",
        "so",
        [
            ("Đăng ký thành lập doanh nghiệp tư nhân", 3, False),
            ("Đăng ký thành lập công ty TNHH một thành viên", 3, False),
            ("Đăng ký thay đổi người đại diện theo pháp luật", 3, False),
            ("Đăng ký thay đổi vốn điều lệ", 3, False),
            ("Thông báo tạm ngừng kinh doanh", 3, False),
            ("Giải thể doanh nghiệp", 5, False),
        ],
    ),
    (
        "Hoạt động xây dựng",
        "so",
        [
            ("Cấp giấy phép xây dựng công trình cấp II, III", 20, False),
            ("Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng", 25, False),
            ("Cấp chứng chỉ hành nghề hoạt động xây dựng", 20, False),
        ],
    ),
    (
        "Môi trường",
        "so",
        [
            ("Cấp giấy phép môi trường", 30, False),
            ("Thẩm định báo cáo đánh giá tác động môi trường", 30, False),
            ("Cấp giấy phép khai thác nước dưới đất", 30, False),
        ],
    ),
    (
        "Khám bệnh, chữa bệnh",
        "so",
        [
            ("Cấp giấy phép hành nghề khám bệnh, chữa bệnh", 20, False),
            ("Cấp giấy phép hoạt động phòng khám chuyên khoa", 30, False),
            ("Cấp chứng chỉ hành nghề dược", 20, False),
        ],
    ),
    (
        "Giáo dục và đào tạo",
        "so",
        [
            ("Công nhận văn bằng do cơ sở giáo dục nước ngoài cấp", 20, False),
            ("Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", 0, True),
            ("Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục", 20, False),
        ],
    ),
    (
        "Lưu thông hàng hóa trong nước",
        "so",
        [
            ("Cấp giấy phép bán lẻ sản phẩm rượu", 10, False),
            ("Cấp giấy chứng nhận đủ điều kiện an toàn thực phẩm", 15, False),
            ("Cấp giấy phép kinh doanh khí", 15, False),
        ],
    ),
    (
        "Lao động",
        "so",
        [
            ("Cấp giấy phép lao động cho người nước ngoài", 5, False),
            ("Gia hạn giấy phép lao động", 5, False),
            ("Đăng ký nội quy lao động", 7, False),
        ],
    ),
    (
        "Du lịch",
        "so",
        [
            ("Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", 10, False),
            ("Công nhận hạng cơ sở lưu trú du lịch", 30, False),
            ("Cấp thẻ hướng dẫn viên du lịch", 15, False),
        ],
    ),
    (
        "Trồng trọt, bảo vệ thực vật",
        "so",
        [
            ("Cấp giấy chứng nhận đủ điều kiện buôn bán phân bón", 15, False),
            ("Cấp giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật", 15, False),
        ],
    ),
    (
        "Giao thông đường bộ",
        "so",
        [
            ("Đổi giấy phép lái xe do ngành Giao thông vận tải cấp", 5, False),
            ("Cấp giấy phép kinh doanh vận tải bằng xe ô tô", 5, False),
            ("Cấp phù hiệu xe ô tô kinh doanh vận tải", 2, False),
        ],
    ),
]
VARIANTS = ["", " (trường hợp có yếu tố nước ngoài)", " (cấp lại)", " (điều chỉnh)"]


def _name(rng):
    if rng.random() < 0.06:
        return rng.choice(COMPANY).format(rng.choice(TRADE), rng.choice(PLACE))
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


def _person(rng):
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


def _phone(rng):
    """Phones as one-stop exports write them: several styles, a few missing or wrong."""
    r = rng.random()
    if r < 0.05:
        return ""
    digits = rng.choice(MOBILE_PREFIX) + "".join(rng.choice("0123456789") for _ in range(7))
    if r < 0.07:
        return digits[:-2]  # too short: reported, imported without a phone
    style = rng.random()
    if style < 0.55:
        return digits
    if style < 0.7:
        return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    if style < 0.85:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if style < 0.95:
        return f"+84 {digits[1:4]} {digits[4:7]} {digits[7:]}"
    return "84" + digits[1:]


def _fmt(dt):
    return dt.strftime("%d/%m/%Y %H:%M")


def units(rng):
    """(code, name, level, parent) rows: the province, departments, vertical agencies, communes."""
    rows = [("T00", "UBND tỉnh", "tinh", "")]
    rows += [(f"S{i:02d}", name, "so", "T00") for i, name in enumerate(DEPARTMENTS, 1)]
    rows += [(f"N{i:02d}", name, "nganh_doc", "") for i, name in enumerate(VERTICAL, 1)]
    rows += [(f"X{i:03d}", f"UBND {name}", "xa", "T00") for i, name in enumerate(COMMUNES, 1)]
    return rows


def procedures(rng):
    """(code, name, field, immediate, days, unit kind) rows, about 200."""
    rows, n = [], 0
    for field, kind, items in PROCEDURES:
        for variant in VARIANTS:
            for name, days, immediate in items:
                if variant and rng.random() < 0.6:
                    continue
                n += 1
                rows.append((f"1.{n:06d}", name + variant, field, immediate, days, kind))
    return rows


def cases(rng, unit_rows, procedure_rows, count, today):
    """Case rows over the three months before `today`, weighted so units differ in volume."""
    by_kind = {}
    for p in procedure_rows:
        by_kind.setdefault(p[5], []).append(p)
    weights = [rng.uniform(0.3, 3.0) for _ in unit_rows]
    start = datetime.datetime.combine(today.replace(day=1), datetime.time()) - datetime.timedelta(days=75)
    start = start.replace(day=1)
    span = (datetime.datetime.combine(today, datetime.time()) - start).total_seconds()
    officers = [_person(rng) for _ in range(400)]  # the civil servants who receive and handle dossiers
    for i in range(count):
        unit = rng.choices(unit_rows, weights)[0]
        kind = "so" if unit[2] in ("so", "tinh") else unit[2]
        proc = rng.choice(by_kind[kind])
        received = start + datetime.timedelta(seconds=rng.random() * span * 0.97)
        received = received.replace(hour=rng.randint(7, 16), second=0, microsecond=0)
        due = datetime.datetime.combine(
            (received + datetime.timedelta(days=round(proc[4] * 7 / 5))).date(), datetime.time()
        )
        r = rng.random()
        if proc[3]:
            returned = received + datetime.timedelta(minutes=rng.randint(10, 90))
        elif r < 0.08:
            returned = None
        elif r < 0.2:
            returned = due + datetime.timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 5))
        else:
            returned = received + (due - received) * rng.uniform(0.3, 1.0)
        if returned and returned.date() > today:
            returned = None
        c = rng.random()
        channel = "truc_tiep" if c < 0.62 else "truc_tuyen" if c < 0.94 else "buu_chinh"
        name = _name(rng)
        email = ""
        if rng.random() < 0.2:
            email = f"{name.split()[-1].lower()}{rng.randint(1, 999)}@example.vn"
        code = f"000.00.{unit[0]}.H{rng.randint(10, 60)}-{received:%y%m%d}-{i + 1:06d}"
        yield (
            code,
            unit[0],
            proc[0],
            channel,
            _fmt(received),
            _fmt(due),
            _fmt(returned) if returned else "",
            name,
            _phone(rng),
            email,
            rng.choice(officers),
            rng.choice(officers),
        )


def write_csv(path, header, rows, delimiter=","):
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def write_province(folder, case_count=55_000, seed=2026, today=None):
    """Write units.csv, procedures.csv and cases.csv for a demo province; return their paths."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    unit_rows = units(rng)
    procedure_rows = procedures(rng)
    paths = {k: f"{folder}/{k}.csv" for k in ("units", "procedures", "cases")}
    write_csv(paths["units"], ["ma_don_vi", "ten_don_vi", "cap", "ma_don_vi_cha"], unit_rows)
    write_csv(
        paths["procedures"],
        ["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "tra_ket_qua_ngay"],
        [(c, n, f, "x" if imm else "") for c, n, f, imm, _d, _k in procedure_rows],
    )
    write_csv(
        paths["cases"],
        [
            "Mã hồ sơ",
            "Mã đơn vị",
            "Mã thủ tục",
            "Hình thức nộp",
            "Ngày tiếp nhận",
            "Ngày hẹn trả",
            "Ngày trả kết quả",
            "Họ tên",
            "Số điện thoại",
            "Email",
            "Cán bộ tiếp nhận",
            "Cán bộ xử lý",
        ],
        cases(rng, unit_rows, procedure_rows, case_count, today),
        delimiter=";",
    )
    return paths
