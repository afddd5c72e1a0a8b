//! Words of the people's side (C9, C10): study sessions and their attendance, registrations.

/// (key, Vietnamese, English)
pub(super) const WORDS: &[(&str, &str, &str)] = &[
    ("study.title", "Học tập, quán triệt", "Study sessions"),
    (
        "study.print_title",
        "Báo cáo kết quả học tập, quán triệt",
        "Report on the study sessions",
    ),
    (
        "study.none",
        "Chưa có buổi học tập, quán triệt nào được ghi nhận.",
        "No study session recorded yet.",
    ),
    ("study.sessions", "buổi học", "sessions"),
    (
        "study.units_held",
        "đơn vị trực thuộc đã tổ chức",
        "units directly below held one",
    ),
    ("study.by_unit", "Theo đơn vị", "By unit"),
    ("study.own", "lớp do đơn vị tổ chức", "its own sessions"),
    ("study.attendance", "Tham dự", "Attendance"),
    ("study.not_held", "Chưa tổ chức", "Not held yet"),
    ("study.sessions_of", "Các buổi học của", "Sessions held by"),
    (
        "study.no_session",
        "Đơn vị chưa ghi buổi học nào.",
        "This unit has recorded no session.",
    ),
    ("study.makeup", "Học bù", "Make-up"),
    (
        "study.makeup_hint",
        "Buổi học bù (chỉ ghi số người đến học bù)",
        "Make-up session (count only who came)",
    ),
    (
        "study.remove",
        "Xóa buổi học (ghi nhầm)",
        "Remove (recorded by mistake)",
    ),
    (
        "study.record",
        "Ghi buổi học tập, quán triệt",
        "Record a session",
    ),
    ("study.mode", "Hình thức", "Mode"),
    ("study.in_person", "Trực tiếp", "In person"),
    ("study.online", "Trực tuyến", "Online"),
    ("study.key_cadres", "Cán bộ chủ chốt", "Key cadres"),
    ("study.party_members", "Đảng viên", "Party members"),
    (
        "study.masses",
        "Đoàn viên, hội viên, quần chúng",
        "Union members and the public",
    ),
    ("study.present", "có mặt", "present"),
    ("study.excused", "vắng có lý do", "excused"),
    ("study.made_up", "người học bù", "made it up"),
    ("field.held_on", "Ngày học", "Date"),
    ("field.place", "Địa điểm", "Place"),
    ("field.note", "Ghi chú", "Note"),
    ("field.required", "Phải dự", "Required"),
    ("field.present", "Có mặt", "Present"),
    ("field.excused", "Vắng có lý do", "Excused"),
    ("field.counts", "Số người dự", "Attendance"),
    ("field.made_up", "Học bù", "Made up"),
];
