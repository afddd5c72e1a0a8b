//! Words of the home page, "Việc cần làm".

/// (key, Vietnamese, English)
pub(super) const WORDS: &[(&str, &str, &str)] = &[
    ("nav.todo", "Việc cần làm", "To do"),
    (
        "todo.nothing",
        "Hôm nay không có báo cáo hay đầu việc nào cần làm.",
        "Nothing to report or to do today.",
    ),
    ("todo.unread", "thông báo chưa đọc", "unread notifications"),
    ("todo.returned", "Báo cáo bị trả lại", "Reports returned"),
    ("todo.reports_due", "Báo cáo cần gửi", "Reports to send"),
    ("todo.deadline", "hạn", "due"),
    ("todo.not_opened", "Chưa mở", "Not opened yet"),
    ("todo.open", "Mở báo cáo", "Open the report"),
    ("todo.continue", "Tiếp tục điền", "Continue"),
    ("todo.fix", "Sửa và gửi lại", "Correct and resend"),
    (
        "todo.arrivals",
        "Báo cáo các đơn vị gửi lên",
        "Reports from the units below",
    ),
    ("todo.arrived", "đơn vị đã gửi", "units have sent"),
    ("todo.missing", "Chưa gửi", "Not sent yet"),
    ("todo.items_late", "Đầu việc quá hạn", "Work items overdue"),
];
