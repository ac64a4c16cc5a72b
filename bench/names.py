"""Vietnamese names, titles, units and places for the benchmark datasets (bench/dataset.py).

Plain data. The family names follow their known shares of the population (Nguyễn about 38 %, Trần
11 %, Lê 9.5 %, Phạm 7 %, Hoàng and Huỳnh 5 %, Phan 4.5 %, Vũ and Võ 4 %, …), so that searches and the
collation order meet the clusters of namesakes a real list has.
"""

from __future__ import annotations

# (family name, weight in per mille)
FAMILY = (
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 71), ("Hoàng", 36), ("Huỳnh", 15), ("Phan", 45),
    ("Vũ", 20), ("Võ", 19), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10),
    ("Lý", 5), ("Đinh", 6), ("Trương", 6), ("Trịnh", 4), ("Lương", 4), ("Mai", 4), ("Đoàn", 4), ("Hà", 4),
    ("Cao", 3), ("Lâm", 3), ("Chu", 2), ("Lưu", 2), ("Tô", 2), ("Tạ", 2), ("Thái", 2), ("Châu", 2),
    ("Kiều", 1), ("Quách", 1), ("Triệu", 1), ("La", 1), ("Âu", 1), ("Ông", 1), ("Ưng", 1), ("Mạc", 1),
)
MIDDLE_MEN = (
    ("Văn", 30), ("Đình", 6), ("Hữu", 8), ("Đức", 8), ("Minh", 8), ("Quốc", 6), ("Thanh", 6), ("Công", 6),
    ("Xuân", 5), ("Quang", 5), ("Trọng", 4), ("Ngọc", 4), ("Anh", 3), ("Bá", 3), ("Duy", 3), ("Việt", 3),
    ("Tiến", 2), ("Mạnh", 2), ("Khắc", 2),
)
MIDDLE_WOMEN = (
    ("Thị", 55), ("Ngọc", 8), ("Thu", 6), ("Thanh", 6), ("Kim", 4), ("Hồng", 4), ("Minh", 3), ("Thúy", 3),
    ("Phương", 3), ("Bích", 2), ("Hoài", 2), ("Mỹ", 2), ("Khánh", 2), ("Diệu", 1),
)
GIVEN_MEN = (
    "Hùng", "Dũng", "Hải", "Tuấn", "Nam", "Bình", "Cường", "Đức", "Thắng", "Long", "Sơn", "Phong", "Quang",
    "Việt", "Vinh", "Toàn", "Trung", "Lộc", "Phúc", "Đạt", "Tâm", "Hiếu", "Kiên", "Lực", "Mạnh", "Nghĩa",
    "Tùng", "Thành", "Khoa", "Huy", "Hưng", "Khánh", "Minh", "Hoàng", "Thịnh", "Tài", "Tú", "An", "Bảo",
    "Chiến", "Định", "Giang", "Hòa", "Hậu", "Lâm", "Lợi", "Nhân", "Quý", "Tiến", "Thạch", "Khải", "Ước",
    "Thái", "Sang", "Duy", "Thuận", "Nguyên", "Phương", "Trí", "Công", "Anh Tuấn", "Văn Hải", "Quốc Anh",
)
GIVEN_WOMEN = (
    "Hà", "Lan", "Hương", "Mai", "Thủy", "Hằng", "Ngân", "Trang", "Yến", "Nhung", "Loan", "Oanh", "Uyên",
    "Vân", "Xuân", "Ánh", "Diệp", "Giang", "Hạnh", "Liên", "Phượng", "Quyên", "Thảo", "Linh", "Ngọc",
    "Huyền", "Thu", "Hoa", "Dung", "Nga", "Thư", "Trâm", "Tuyết", "Hiền", "Hồng", "Chi", "Lý", "Nhàn",
    "Ngọc Lan", "Thanh Hà", "Minh Châu", "Thu Trang", "Kim Oanh",
)
WOMEN_SHARE = 0.36

# The province and its district-level units (huyện, thị xã, thành phố), with the body of each one's
# Party committee: Huyện ủy, Thị ủy, Thành ủy.
PROVINCE = "Nghệ An"
DISTRICTS = (
    ("Thành ủy", "thành phố", "Vinh"), ("Thị ủy", "thị xã", "Cửa Lò"), ("Thị ủy", "thị xã", "Thái Hòa"),
    ("Thị ủy", "thị xã", "Hoàng Mai"), ("Huyện ủy", "huyện", "Quỳnh Lưu"), ("Huyện ủy", "huyện", "Diễn Châu"),
    ("Huyện ủy", "huyện", "Yên Thành"), ("Huyện ủy", "huyện", "Nghi Lộc"), ("Huyện ủy", "huyện", "Hưng Nguyên"),
    ("Huyện ủy", "huyện", "Nam Đàn"), ("Huyện ủy", "huyện", "Thanh Chương"), ("Huyện ủy", "huyện", "Đô Lương"),
    ("Huyện ủy", "huyện", "Anh Sơn"), ("Huyện ủy", "huyện", "Con Cuông"), ("Huyện ủy", "huyện", "Tương Dương"),
    ("Huyện ủy", "huyện", "Kỳ Sơn"), ("Huyện ủy", "huyện", "Quế Phong"), ("Huyện ủy", "huyện", "Quỳ Châu"),
    ("Huyện ủy", "huyện", "Quỳ Hợp"), ("Huyện ủy", "huyện", "Nghĩa Đàn"), ("Huyện ủy", "huyện", "Tân Kỳ"),
)
# Party organizations directly under the province (đảng bộ trực thuộc) that send delegations too.
BODIES = (
    "Đảng bộ Khối các cơ quan tỉnh", "Đảng bộ Khối Doanh nghiệp tỉnh", "Đảng bộ Quân sự tỉnh",
    "Đảng bộ Công an tỉnh", "Đảng bộ Bộ đội Biên phòng tỉnh", "Đảng bộ Trường Đại học Vinh",
    "Đảng bộ Bệnh viện Hữu nghị Đa khoa tỉnh", "Đảng bộ Cục Thuế tỉnh", "Đảng bộ Kho bạc Nhà nước tỉnh",
)
COMMUNES = (
    "Hưng Lộc", "Nghi Phú", "Diễn Kỷ", "Quỳnh Đôi", "Kim Liên", "Nam Giang", "Thanh Ngọc", "Bài Sơn",
    "Tam Quang", "Mường Xén", "Châu Bình", "Nghĩa Mai", "Kỳ Tân", "Yên Hòa", "Vân Diên", "Đại Sơn",
    "Nghi Xuân", "Hưng Đạo", "Diễn Hồng", "Thanh Lĩnh", "Quỳnh Thạch", "Tràng Sơn", "Lạng Sơn", "Phúc Sơn",
)

# Titles in a delegation of a district, from its head down; "{body}" is Huyện ủy/Thị ủy/Thành ủy,
# "{level}" huyện/thị xã/thành phố, "{place}" its name, "{commune}" one of its communes.
DELEGATION_TITLES = (
    ("Ủy viên Ban Chấp hành Đảng bộ tỉnh, Bí thư {body} {place}", "{body} {place}", 1000),
    ("Phó Bí thư Thường trực {body} {place}", "{body} {place}", 1050),
    ("Phó Bí thư {body}, Chủ tịch Ủy ban nhân dân {level} {place}", "Ủy ban nhân dân {level} {place}", 1060),
    ("Ủy viên Ban Thường vụ, Trưởng Ban Tổ chức {body} {place}", "{body} {place}", 1100),
    ("Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra {body} {place}", "{body} {place}", 1100),
    ("Ủy viên Ban Thường vụ, Trưởng Ban Tuyên giáo và Dân vận {body} {place}", "{body} {place}", 1110),
    ("Chánh Văn phòng {body} {place}", "Văn phòng {body} {place}", None),
    ("Bí thư Đảng ủy xã {commune}", "Đảng ủy xã {commune}, {level} {place}", None),
    ("Phó Bí thư Đảng ủy, Chủ tịch Ủy ban nhân dân xã {commune}", "Ủy ban nhân dân xã {commune}, {level} {place}",
     None),
    ("Bí thư Chi bộ trường Trung học phổ thông {place}", "Trường Trung học phổ thông {place}", None),
    ("Giám đốc Trung tâm Y tế {level} {place}", "Trung tâm Y tế {level} {place}", None),
    ("Trưởng phòng Nội vụ {level} {place}", "Ủy ban nhân dân {level} {place}", None),
    ("Đảng viên, công nhân Công ty Cổ phần Mía đường {place}", "Công ty Cổ phần Mía đường {place}", None),
    ("Bí thư Chi bộ thôn {n}, xã {commune}", "Đảng ủy xã {commune}, {level} {place}", None),
)
BODY_TITLES = (
    ("Ủy viên Ban Chấp hành Đảng bộ tỉnh, Bí thư {body}", "{body}", 1000),
    ("Phó Bí thư Thường trực {body}", "{body}", 1050),
    ("Ủy viên Ban Thường vụ {body}", "{body}", 1120),
    ("Bí thư chi bộ, Trưởng phòng Tổng hợp", "{body}", None),
    ("Phó Trưởng phòng Tổ chức cán bộ", "{body}", None),
    ("Đảng viên, chuyên viên chính", "{body}", None),
)
# Guests of the congress (category, title, unit, precedence, honorific).
GUESTS = (
    ("guest", "Ủy viên Bộ Chính trị, Thường trực Ban Bí thư", "Ban Chấp hành Trung ương Đảng", 100, "đồng chí"),
    ("guest", "Bí thư Trung ương Đảng, Trưởng Ban Tổ chức Trung ương", "Ban Tổ chức Trung ương", 200, "đồng chí"),
    ("guest", "Ủy viên Trung ương Đảng, Phó Chánh Văn phòng Trung ương Đảng", "Văn phòng Trung ương Đảng", 300,
     "đồng chí"),
    ("guest", "Phó Trưởng Ban Tổ chức Trung ương", "Ban Tổ chức Trung ương", 350, "đồng chí"),
    ("guest", "Nguyên Ủy viên Bộ Chính trị, nguyên Chủ tịch Quốc hội", "Quốc hội", 150, "đồng chí"),
    ("guest", "Thứ trưởng Bộ Nội vụ", "Bộ Nội vụ", 400, "đồng chí"),
    ("guest", "Vụ trưởng Vụ Địa phương I, Ban Tổ chức Trung ương", "Ban Tổ chức Trung ương", 450, "đồng chí"),
    ("guest", "Giám đốc Sở Ngoại vụ", "Sở Ngoại vụ tỉnh {province}", 900, "bà"),
)
LEADERS = (
    ("Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy {province}", "Tỉnh ủy {province}", 300),
    ("Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch Hội đồng nhân dân tỉnh", "Tỉnh ủy {province}", 450),
    ("Phó Bí thư Tỉnh ủy, Chủ tịch Ủy ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh {province}", 500),
    ("Phó Bí thư Tỉnh ủy, Trưởng Đoàn đại biểu Quốc hội tỉnh", "Đoàn đại biểu Quốc hội tỉnh {province}", 520),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Tổ chức Tỉnh ủy", "Ban Tổ chức Tỉnh ủy {province}", 600),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy {province}", 610),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
     "Ban Tuyên giáo và Dân vận Tỉnh ủy {province}", 620),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
     "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh {province}", 630),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Quân sự tỉnh {province}",
     640),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Giám đốc Công an tỉnh", "Công an tỉnh {province}", 650),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch Thường trực Ủy ban nhân dân tỉnh",
     "Ủy ban nhân dân tỉnh {province}", 660),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Bí thư Thành ủy Vinh", "Thành ủy Vinh", 670),
    ("Ủy viên Ban Thường vụ Tỉnh ủy, Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy {province}", 680),
    ("Tỉnh ủy viên, Phó Chủ tịch Ủy ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh {province}", 800),
    ("Tỉnh ủy viên, Phó Chủ tịch Hội đồng nhân dân tỉnh", "Hội đồng nhân dân tỉnh {province}", 810),
    ("Tỉnh ủy viên, Phó Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy {province}", 850),
)
PRESS = (
    "Báo Nhân Dân", "Thông tấn xã Việt Nam", "Đài Truyền hình Việt Nam", "Báo Điện tử Đảng Cộng sản Việt Nam",
    "Tạp chí Cộng sản", "Báo Nghệ An", "Đài Phát thanh và Truyền hình Nghệ An", "Báo Thanh Niên", "Báo Tuổi Trẻ",
    "Đài Tiếng nói Việt Nam", "Báo Quân đội Nhân dân", "Báo Lao Động",
)
STAFF_TITLES = (
    "Phó Chánh Văn phòng Tỉnh ủy", "Trưởng phòng Hành chính - Quản trị", "Phó Trưởng phòng Tổng hợp",
    "Chuyên viên Phòng Tổng hợp", "Chuyên viên Phòng Hành chính - Lưu trữ", "Nhân viên lễ tân",
    "Nhân viên kỹ thuật âm thanh", "Nhân viên phục vụ", "Lái xe",
)
OBSERVER_UNITS = (
    "Trường Chính trị tỉnh {province}", "Học viện Chính trị khu vực I", "Hội Cựu chiến binh tỉnh",
    "Tỉnh đoàn {province}", "Hội Liên hiệp Phụ nữ tỉnh", "Liên đoàn Lao động tỉnh", "Hội Nông dân tỉnh",
)

ROOMS = (("Hội trường lớn", 1500), ("Hội trường A", 400), ("Phòng họp số 1", 120), ("Phòng họp số 2", 120),
         ("Phòng họp số 3", 80), ("Phòng họp số 4", 80))

TOPICS = (
    "Chuyển đổi số trong công tác của Đảng", "Xây dựng nông thôn mới kiểu mẫu", "Phát triển kinh tế biển",
    "Nâng cao chất lượng sinh hoạt chi bộ", "Công tác cán bộ và bảo vệ chính trị nội bộ",
    "Cải cách hành chính và cải thiện môi trường đầu tư", "Giảm nghèo bền vững ở các huyện miền núi",
    "Phát triển du lịch gắn với di tích lịch sử", "Xây dựng Đảng bộ trong sạch, vững mạnh",
    "Phát triển công nghiệp chế biến nông sản", "Giáo dục và đào tạo nguồn nhân lực chất lượng cao",
    "Bảo vệ môi trường và ứng phó biến đổi khí hậu", "Quốc phòng, an ninh vùng biên giới",
    "Công tác dân vận của chính quyền các cấp", "Phát triển hạ tầng giao thông kết nối vùng",
    "Kiểm tra, giám sát và thi hành kỷ luật đảng", "Chăm sóc sức khỏe nhân dân", "Thu hút đầu tư vào khu kinh tế",
)
