//! The sentence of every error code, in both languages (`err.<code>`).

/// (key, Vietnamese, English)
pub(super) const WORDS: &[(&str, &str, &str)] = &[
    ("err.too_long", "Nội dung quá dài.", "Too long."),
    (
        "err.invalid_number",
        "Phải là một số nguyên.",
        "Must be a whole number.",
    ),
    (
        "err.merge_nested_sources",
        "Không thể hợp nhất một đơn vị cùng với đơn vị cấp trên của nó: chỉ chọn đơn vị cấp trên.",
        "A unit cannot be merged together with a unit above it: choose only the upper one.",
    ),
    (
        "err.unit_has_later_posts",
        "Đơn vị còn chức vụ bắt đầu sau ngày này: hãy kết thúc hoặc chuyển các chức vụ đó trước.",
        "The unit has posts starting after this date: end or move them first.",
    ),
    (
        "err.uri_too_long",
        "Địa chỉ quá dài.",
        "The address is too long.",
    ),
    (
        "err.numerator_exceeds_denominator",
        "Tử số không thể lớn hơn mẫu số: đây là tỷ lệ một phần trên tổng số.",
        "The numerator cannot exceed the denominator: this is a share of a whole.",
    ),
    (
        "err.docnum_grammar",
        "Số văn bản viết sai thể thức: văn bản Đảng viết như 02-NQ/HU, văn bản Nhà nước như 15/2020/NQ-HĐND.",
        "The number mixes the two forms: Party documents read like 02-NQ/HU, State ones like 15/2020/NQ-HĐND.",
    ),
    (
        "err.last_admin",
        "Đây là quản trị viên toàn hệ thống cuối cùng còn hoạt động: hãy cấp quyền quản trị cho người khác trước.",
        "This is the last active administrator of everything: make someone else an administrator first.",
    ),
    (
        "err.invalid_query",
        "Tham số trên địa chỉ không hợp lệ.",
        "A query parameter is missing or invalid.",
    ),
    (
        "err.invalid_path",
        "Địa chỉ không hợp lệ.",
        "The address is invalid.",
    ),
    (
        "err.method_not_allowed",
        "Địa chỉ này không nhận thao tác đó.",
        "This address does not take that method.",
    ),
    (
        "err.unsupported_media_type",
        "Kiểu nội dung gửi lên không được hỗ trợ.",
        "Unsupported content type.",
    ),
    (
        "err.timeout",
        "Yêu cầu xử lý quá lâu, xin thử lại.",
        "The request took too long; please try again.",
    ),
    (
        "err.api_number_invalid",
        "Số không hợp lệ: gửi số dạng 1234.5, là chuỗi hoặc số JSON.",
        "Invalid number: send it as 1234.5, a string or a JSON number.",
    ),
    ("err.invalid", "Giá trị không hợp lệ.", "Invalid value."),
    (
        "err.out_of_range",
        "Giá trị nằm ngoài khoảng cho phép.",
        "Value out of range.",
    ),
    (
        "err.code_invalid_char",
        "Mã chỉ gồm chữ cái không dấu, chữ số và các dấu - _ .",
        "A code may only hold plain letters, digits and - _ .",
    ),
    (
        "err.kind_invalid",
        "Loại đơn vị không hợp lệ.",
        "Invalid unit kind.",
    ),
    (
        "err.end_before_start",
        "Ngày kết thúc trước ngày bắt đầu.",
        "The end is before the start.",
    ),
    (
        "err.overlapping_validity",
        "Thời gian hiệu lực bị chồng lấn.",
        "Validity periods overlap.",
    ),
    (
        "err.duplicate_code",
        "Mã này đã được đơn vị khác dùng trong cùng thời gian.",
        "Another unit uses this code at the same time.",
    ),
    ("err.duplicate", "Giá trị đã tồn tại.", "Already exists."),
    (
        "err.tree_cycle",
        "Không thể đặt một đơn vị trực thuộc chính đơn vị cấp dưới của nó.",
        "A unit cannot hang under one of its own sub-units.",
    ),
    (
        "err.parent_not_valid",
        "Đơn vị cấp trên không tồn tại trong suốt thời gian hiệu lực.",
        "The parent does not exist for the whole period.",
    ),
    (
        "err.unit_not_valid_on_date",
        "Đơn vị không tồn tại vào ngày đó.",
        "The unit does not exist on that date.",
    ),
    (
        "err.unit_not_found",
        "Không tìm thấy đơn vị.",
        "Unit not found.",
    ),
    (
        "err.later_versions_exist",
        "Đơn vị đã có thay đổi sau ngày này; hãy xử lý thay đổi sau trước.",
        "The unit changes after that date; handle the later change first.",
    ),
    (
        "err.unit_has_children",
        "Đơn vị còn đơn vị trực thuộc; hãy chuyển hoặc hợp nhất chúng trước.",
        "The unit still has sub-units; move or merge them first.",
    ),
    (
        "err.children_unassigned",
        "Chưa chọn nơi chuyển đến cho một đơn vị trực thuộc.",
        "A sub-unit has not been assigned to a new unit.",
    ),
    (
        "err.split_needs_two_parts",
        "Chia tách cần ít nhất hai đơn vị mới.",
        "A split needs at least two new units.",
    ),
    (
        "err.merge_into_itself",
        "Không thể hợp nhất một đơn vị vào chính nó.",
        "A unit cannot be merged into itself.",
    ),
    (
        "err.duplicate_source",
        "Một đơn vị được chọn hai lần.",
        "A unit was chosen twice.",
    ),
    (
        "err.nothing_changed",
        "Không có gì thay đổi.",
        "Nothing changed.",
    ),
    ("err.role_unknown", "Vai trò không hợp lệ.", "Unknown role."),
    (
        "err.full_member_without_admission",
        "Có ngày chính thức thì phải có ngày vào Đảng.",
        "A full-member date needs an admission date.",
    ),
    (
        "err.username_invalid",
        "Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, chữ số, . _ -",
        "A username has 3–40 characters: plain lower-case letters, digits, . _ -",
    ),
    (
        "err.username_taken",
        "Tên đăng nhập đã được dùng.",
        "This username is taken.",
    ),
    (
        "err.password_too_short",
        "Mật khẩu cần ít nhất 8 ký tự.",
        "A password needs at least 8 characters.",
    ),
    ("err.date_empty", "Chưa nhập ngày.", "No date given."),
    (
        "err.date_format",
        "Ngày phải viết theo dạng dd/mm/yyyy.",
        "Write dates as dd/mm/yyyy.",
    ),
    (
        "err.date_out_of_range",
        "Ngày không tồn tại.",
        "That date does not exist.",
    ),
    (
        "err.number_invalid",
        "Số không hợp lệ (viết như 1.234,5).",
        "Invalid number (write it like 1.234,5).",
    ),
    (
        "err.invalid_utf8",
        "Dữ liệu gửi lên không phải văn bản UTF-8 hợp lệ.",
        "The data sent is not valid UTF-8 text.",
    ),
    (
        "err.invalid_json",
        "Dữ liệu JSON không hợp lệ.",
        "Invalid JSON.",
    ),
    (
        "err.invalid_form",
        "Biểu mẫu không hợp lệ.",
        "Invalid form.",
    ),
    (
        "err.unauthenticated",
        "Bạn cần đăng nhập.",
        "Please log in.",
    ),
    (
        "err.invalid_credentials",
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "Wrong username or password.",
    ),
    (
        "err.too_many_requests",
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
        "Too many failed logins. Try again in 15 minutes.",
    ),
    (
        "err.forbidden",
        "Bạn không có quyền thực hiện thao tác này ở đơn vị này.",
        "You may not do this in this unit.",
    ),
    ("err.not_found", "Không tìm thấy.", "Not found."),
    (
        "err.conflict",
        "Dữ liệu đã được người khác thay đổi sau khi bạn mở. Hãy xem dữ liệu hiện tại và làm lại.",
        "Someone else changed this after you opened it. Review the current data and try again.",
    ),
    (
        "err.csrf_failed",
        "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang.",
        "The form expired or is invalid. Reload the page.",
    ),
    (
        "err.internal",
        "Lỗi hệ thống. Thao tác chưa được thực hiện.",
        "Internal error. Nothing was changed.",
    ),
    (
        "err.docnum_number",
        "Số văn bản không hợp lệ: phần số thứ tự phải là số nguyên dương (ví dụ 02-NQ/HU).",
        "Invalid document number: the running number must be a positive integer (e.g. 02-NQ/HU).",
    ),
    (
        "err.docnum_shape",
        "Số và ký hiệu văn bản sai dạng: văn bản Đảng viết 02-NQ/HU, văn bản nhà nước viết 15/2020/NQ-HĐND.",
        "Malformed document number: Party documents read 02-NQ/HU, State documents 15/2020/NQ-HĐND.",
    ),
    (
        "err.docnum_type",
        "Loại văn bản trong ký hiệu không có trong danh mục (NQ, CT, KH, QĐ…).",
        "The document type code is not in the list (NQ, CT, KH, QĐ…).",
    ),
    (
        "err.docnum_type_unknown",
        "Loại văn bản trong ký hiệu không có trong danh mục (NQ, CT, KH, QĐ…).",
        "The document type code is not in the list (NQ, CT, KH, QĐ…).",
    ),
    (
        "err.docnum_year",
        "Năm trong số văn bản không hợp lệ.",
        "The year in the document number is invalid.",
    ),
    (
        "err.docnum_taken",
        "Số văn bản này đã được cơ quan ban hành sử dụng trong nhiệm kỳ.",
        "The issuer already used this number in the term.",
    ),
    (
        "err.document_kind_unknown",
        "Loại văn bản không hợp lệ.",
        "Unknown document kind.",
    ),
    (
        "err.period_invalid",
        "Kỳ không hợp lệ: viết 2021, 2021-Q3, 2021-H1, 2021-9M, 2021-07 hoặc 2020..2025.",
        "Invalid period: write 2021, 2021-Q3, 2021-H1, 2021-9M, 2021-07 or 2020..2025.",
    ),
    (
        "err.value_type_unknown",
        "Kiểu giá trị không hợp lệ.",
        "Unknown value type.",
    ),
    (
        "err.direction_unknown",
        "Chiều đánh giá không hợp lệ (tăng, giảm, trong khoảng, đạt mức).",
        "Unknown direction (increase, decrease, range, reach).",
    ),
    (
        "err.aggregation_unknown",
        "Cách tổng hợp không hợp lệ.",
        "Unknown aggregation rule.",
    ),
    (
        "err.aggregation_mismatch",
        "Cách tổng hợp không phù hợp với kiểu giá trị (tỷ lệ phải tính lại từ tử số và mẫu số).",
        "The aggregation rule does not fit the value type (a ratio is recomputed from numerators and denominators).",
    ),
    (
        "err.over_time_unknown",
        "Cách cộng dồn theo thời gian không hợp lệ.",
        "Unknown over-time rule.",
    ),
    (
        "err.theme_unknown",
        "Phương châm không có trong khung kế hoạch.",
        "Theme not in the plan frame.",
    ),
    (
        "err.field_unknown",
        "Lĩnh vực không có trong khung kế hoạch.",
        "Field not in the plan frame.",
    ),
    (
        "err.unit_not_alive",
        "Đơn vị không tồn tại vào thời điểm này.",
        "The unit did not exist at that date.",
    ),
    (
        "err.unit_outside_plan",
        "Đơn vị không thuộc phạm vi của kế hoạch này.",
        "The unit is not within this plan.",
    ),
    (
        "err.concretizes_cycle",
        "Liên kết cụ thể hóa tạo thành vòng lặp.",
        "The concretizes link makes a cycle.",
    ),
    (
        "err.concretizes_later",
        "Văn bản được cụ thể hóa phải ban hành trước.",
        "The concretized document must be issued earlier.",
    ),
    (
        "err.value_not_count",
        "Chỉ tiêu đếm phải là số nguyên không âm.",
        "A count must be a whole number, not negative.",
    ),
    (
        "err.value_not_yes_no",
        "Giá trị phải là có (1) hoặc không (0).",
        "The value must be yes (1) or no (0).",
    ),
    (
        "err.denominator_not_positive",
        "Mẫu số phải lớn hơn 0.",
        "The denominator must be greater than 0.",
    ),
    (
        "err.file_too_large",
        "Tệp quá lớn (tối đa 20 MB).",
        "File too large (20 MB at most).",
    ),
    (
        "err.file_type",
        "Chỉ nhận tệp PDF, Word, Excel hoặc ảnh đúng định dạng.",
        "Only genuine PDF, Word, Excel or image files are accepted.",
    ),
    (
        "err.lead_also_coordinating",
        "Đơn vị chủ trì không đồng thời là đơn vị phối hợp.",
        "The lead unit cannot also coordinate.",
    ),
    (
        "err.parent_other_plan",
        "Đầu việc cha thuộc kế hoạch khác.",
        "The parent item belongs to another plan.",
    ),
    (
        "err.date_in_future",
        "Ngày không được sau hôm nay.",
        "The date cannot be after today.",
    ),
    (
        "err.work_item_already_started",
        "Đầu việc đã được triển khai.",
        "The work item has already started.",
    ),
    (
        "err.work_item_already_done",
        "Đầu việc đã hoàn thành.",
        "The work item is already done.",
    ),
    (
        "err.work_item_paused",
        "Đầu việc đang tạm dừng.",
        "The work item is paused.",
    ),
    (
        "err.work_item_not_paused",
        "Đầu việc không tạm dừng.",
        "The work item is not paused.",
    ),
    (
        "err.request_pending",
        "Đang có một đề nghị chờ phê duyệt.",
        "A request is already awaiting a decision.",
    ),
    (
        "err.no_pending_request",
        "Không có đề nghị nào chờ phê duyệt.",
        "No request awaits a decision.",
    ),
    (
        "err.overlap",
        "Khoảng thời gian trùng với khoảng đã có.",
        "The interval overlaps an existing one.",
    ),
];
