//! The user interface's words in Vietnamese (the default) and English, and the messages of
//! every error code. One table, so a missing translation is a failing test, not a blank label.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The first language of an `Accept-Language` header we speak, else Vietnamese.
    pub fn from_accept_language(header: &str) -> Lang {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(|tag| Lang::parse(tag.trim().get(..2).unwrap_or("")))
            .unwrap_or_default()
    }
}

/// `(key, Vietnamese, English)`. Keys starting with `err.` are the messages of error codes.
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("app.name", "Triển khai", "Triển khai"),
    (
        "app.tagline",
        "Theo dõi triển khai nghị quyết",
        "Following resolutions through",
    ),
    ("nav.units", "Tổ chức", "Organisation"),
    ("nav.persons", "Cán bộ, đảng viên", "People"),
    ("nav.accounts", "Tài khoản", "Accounts"),
    ("nav.history", "Nhật ký thay đổi", "Change log"),
    ("nav.me", "Tài khoản của tôi", "My account"),
    ("nav.logout", "Đăng xuất", "Log out"),
    ("nav.language", "English", "Tiếng Việt"),
    ("login.title", "Đăng nhập", "Log in"),
    ("login.username", "Tên đăng nhập", "Username"),
    ("login.password", "Mật khẩu", "Password"),
    ("login.submit", "Đăng nhập", "Log in"),
    (
        "login.demo_hint",
        "Bản trình diễn: admin, anthuy, kiemtra — mật khẩu demo",
        "Demo: admin, anthuy, kiemtra — password demo",
    ),
    ("common.as_of", "Tại ngày", "As of"),
    ("common.show", "Xem", "Show"),
    ("common.search", "Tìm", "Search"),
    ("common.save", "Lưu", "Save"),
    ("common.back", "Quay lại", "Back"),
    ("common.code", "Mã", "Code"),
    ("common.name", "Tên", "Name"),
    ("common.kind", "Loại", "Kind"),
    ("common.parent", "Trực thuộc", "Parent"),
    ("common.none_top", "(cấp cao nhất)", "(top level)"),
    ("common.valid_from", "Hiệu lực từ", "Valid from"),
    ("common.valid_to", "Đến hết ngày", "Valid until"),
    ("common.effective_on", "Ngày có hiệu lực", "Effective on"),
    (
        "common.basis",
        "Căn cứ (số văn bản)",
        "Legal basis (document number)",
    ),
    ("common.note", "Ghi chú", "Note"),
    ("common.actions", "Thao tác", "Actions"),
    ("common.illustrative", "minh họa", "illustrative"),
    ("common.open_ended", "nay", "present"),
    ("common.when", "Thời điểm", "When"),
    ("common.who", "Người thực hiện", "By"),
    ("common.what", "Nội dung", "What"),
    ("common.before", "Trước", "Before"),
    ("common.after", "Sau", "After"),
    ("common.history", "Lịch sử thay đổi", "Change history"),
    ("common.empty", "Không có dữ liệu.", "Nothing here."),
    ("common.date_hint", "dd/mm/yyyy", "dd/mm/yyyy"),
    ("units.title", "Cây tổ chức", "Organisation tree"),
    ("units.count", "đơn vị", "units"),
    ("units.new", "Thêm đơn vị", "New unit"),
    ("units.merge", "Hợp nhất, sáp nhập", "Merge units"),
    ("units.split", "Chia tách", "Split"),
    (
        "units.search_hint",
        "Tìm theo tên hoặc mã, không cần dấu",
        "Search by name or code, diacritics optional",
    ),
    (
        "unit.versions",
        "Các phiên bản theo thời gian",
        "Versions over time",
    ),
    ("unit.events", "Sự kiện", "Events"),
    ("unit.successions", "Kế thừa", "Succession"),
    ("unit.predecessor", "Đơn vị cũ", "Former unit"),
    ("unit.successor", "Đơn vị kế thừa", "Successor"),
    ("unit.children", "Đơn vị trực thuộc", "Sub-units"),
    ("unit.posts", "Cán bộ giữ chức vụ", "Posts held"),
    ("unit.shown_on", "Hiển thị theo ngày", "Shown as of"),
    ("unit.lifetime", "Thời gian tồn tại", "Existed"),
    ("unit.change", "Thay đổi từ một ngày", "Change from a date"),
    ("unit.change_kind", "Loại thay đổi", "Kind of change"),
    ("unit.dissolve", "Giải thể, kết thúc hoạt động", "Dissolve"),
    (
        "unit.dissolve_hint",
        "Đơn vị hoạt động đến hết ngày trước ngày có hiệu lực.",
        "The unit exists until the day before the effective date.",
    ),
    ("change.rename", "Đổi tên", "Rename"),
    ("change.move", "Chuyển trực thuộc", "Move"),
    (
        "change.upgrade",
        "Nâng cấp (xã → thị trấn…)",
        "Upgrade (commune → town…)",
    ),
    ("change.recode", "Đổi mã", "Change code"),
    ("change.edit", "Sửa thông tin", "Edit"),
    ("event.create", "Thành lập", "Created"),
    ("event.rename", "Đổi tên", "Renamed"),
    ("event.move", "Chuyển trực thuộc", "Moved"),
    ("event.upgrade", "Nâng cấp", "Upgraded"),
    ("event.recode", "Đổi mã", "Code changed"),
    ("event.edit", "Sửa thông tin", "Edited"),
    ("event.merge", "Hợp nhất, sáp nhập", "Merged"),
    ("event.split", "Chia tách", "Split"),
    ("event.dissolve", "Giải thể", "Dissolved"),
    ("action.update", "Cập nhật", "Updated"),
    ("action.add_post", "Thêm chức vụ", "Post added"),
    ("action.end_post", "Kết thúc chức vụ", "Post ended"),
    ("action.grant_role", "Cấp vai trò", "Role granted"),
    ("action.revoke_role", "Thu hồi vai trò", "Role revoked"),
    (
        "action.issue_token",
        "Tạo mã truy cập API",
        "API token issued",
    ),
    (
        "action.revoke_token",
        "Thu hồi mã truy cập API",
        "API token revoked",
    ),
    ("merge.sources", "Các đơn vị được hợp nhất", "Units merged"),
    (
        "merge.target_existing",
        "Vào đơn vị đã có",
        "Into an existing unit",
    ),
    (
        "merge.target_new",
        "Hoặc thành đơn vị mới",
        "Or into a new unit",
    ),
    ("merge.target_none", "(không chọn)", "(none)"),
    ("split.parts", "Các đơn vị mới", "New units"),
    (
        "split.children",
        "Đơn vị trực thuộc chuyển về",
        "Sub-units go to",
    ),
    ("split.part", "Đơn vị mới", "New unit"),
    ("persons.title", "Cán bộ, đảng viên", "People"),
    ("persons.new", "Thêm người", "New person"),
    ("person.full_name", "Họ và tên", "Full name"),
    ("person.birth_year", "Năm sinh", "Year of birth"),
    (
        "person.party_admitted_on",
        "Ngày vào Đảng",
        "Admitted to the Party",
    ),
    (
        "person.party_full_member_on",
        "Ngày chính thức",
        "Full member since",
    ),
    ("person.party_status", "Đảng tịch", "Party status"),
    ("person.posts", "Chức vụ", "Posts"),
    ("person.as_of", "Hồ sơ tại ngày", "Record as of"),
    (
        "person.not_yet",
        "Chưa có hồ sơ vào ngày này.",
        "No record yet on that day.",
    ),
    ("person.add_post", "Thêm chức vụ", "Add a post"),
    ("person.end_post", "Kết thúc", "End"),
    ("person.title", "Chức vụ", "Title"),
    ("person.unit", "Đơn vị", "Unit"),
    ("party.not_member", "Chưa là đảng viên", "Not a member"),
    (
        "party.probationary",
        "Đảng viên dự bị",
        "Probationary member",
    ),
    ("party.full", "Đảng viên chính thức", "Full member"),
    ("accounts.title", "Tài khoản", "Accounts"),
    ("accounts.new", "Tạo tài khoản", "New account"),
    ("account.username", "Tên đăng nhập", "Username"),
    ("account.display_name", "Tên hiển thị", "Display name"),
    ("account.password", "Mật khẩu", "Password"),
    (
        "account.new_password",
        "Mật khẩu mới (để trống nếu không đổi)",
        "New password (blank to keep)",
    ),
    ("account.active", "Đang hoạt động", "Active"),
    ("account.inactive", "Đã khóa", "Disabled"),
    ("account.roles", "Vai trò", "Roles"),
    ("account.grant", "Cấp vai trò", "Grant a role"),
    ("account.revoke", "Thu hồi", "Revoke"),
    ("account.scope", "Phạm vi", "Scope"),
    ("account.scope_all", "Toàn hệ thống", "Everywhere"),
    ("account.in_force", "Đang hiệu lực", "In force"),
    ("account.not_in_force", "Không hiệu lực", "Not in force"),
    ("account.tokens", "Mã truy cập API", "API tokens"),
    ("account.token_name", "Tên mã", "Token name"),
    ("account.token_days", "Số ngày hiệu lực", "Valid for (days)"),
    ("account.issue_token", "Tạo mã", "Issue token"),
    (
        "account.token_once",
        "Sao chép mã này ngay: nó chỉ hiện một lần.",
        "Copy this token now: it is shown only once.",
    ),
    ("account.token_revoked", "đã thu hồi", "revoked"),
    ("role.admin", "Quản trị", "Administrator"),
    ("role.editor", "Biên tập", "Editor"),
    ("role.reporter", "Báo cáo", "Reporter"),
    ("role.viewer", "Xem", "Viewer"),
    ("role.inspector", "Kiểm tra", "Inspector"),
    ("history.title", "Nhật ký thay đổi", "Change log"),
    ("history.entity", "Đối tượng", "Record"),
    ("error.title", "Không thực hiện được", "Could not be done"),
    ("error.field", "Trường", "Field"),
    ("error.current", "Dữ liệu hiện tại", "Current data"),
    (
        "err.required",
        "Thông tin này là bắt buộc.",
        "This is required.",
    ),
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
    ("field.number", "Số và ký hiệu", "Number"),
    ("field.summary", "Trích yếu", "Summary"),
    ("field.issued_on", "Ngày ban hành", "Issued on"),
    ("field.issuer_unit_id", "Cơ quan ban hành", "Issuer"),
    ("field.concretizes", "Cụ thể hóa văn bản", "Concretizes"),
    ("field.phase", "Giai đoạn", "Phase"),
    ("field.vision_year", "Tầm nhìn đến năm", "Vision year"),
    ("field.theme_of_year", "Chủ đề năm", "Theme of the year"),
    ("field.period", "Kỳ", "Period"),
    ("field.value", "Giá trị", "Value"),
    ("field.numerator", "Tử số", "Numerator"),
    ("field.denominator", "Mẫu số", "Denominator"),
    ("field.flag", "Có/không", "Yes/no"),
    ("field.value_type", "Kiểu giá trị", "Value type"),
    ("field.direction", "Chiều đánh giá", "Direction"),
    ("field.aggregation", "Cách tổng hợp", "Aggregation"),
    ("field.unit_of_measure", "Đơn vị tính", "Unit of measure"),
    ("field.themes", "Phương châm", "Themes"),
    ("field.field_code", "Lĩnh vực", "Field"),
    ("field.title", "Tên đầu việc", "Title"),
    ("field.lead_unit_id", "Đơn vị chủ trì", "Lead unit"),
    (
        "field.coordinating_unit_ids",
        "Đơn vị phối hợp",
        "Coordinating units",
    ),
    ("field.deadline", "Thời hạn", "Deadline"),
    ("field.done_on", "Ngày hoàn thành", "Done on"),
    ("field.reason", "Lý do", "Reason"),
    ("field.file", "Tệp", "File"),
    ("field.unit_id", "Đơn vị", "Unit"),
    ("field.row_version", "Phiên bản", "Version"),
    ("field.request", "Đề nghị", "Request"),
    ("field.type_code", "Loại văn bản", "Type"),
    ("nav.documents", "Kế hoạch, văn bản", "Plans and documents"),
    ("nav.my_plan", "Việc của đơn vị", "My unit's plan"),
    ("common.yes", "Có", "Yes"),
    ("common.no", "Không", "No"),
    ("docs.title", "Văn bản và kế hoạch", "Documents and plans"),
    ("docs.new", "Đăng ký văn bản", "Register a document"),
    ("docs.search_hint", "ví dụ: dong khoi", "e.g. dong khoi"),
    (
        "docs.suggest",
        "Gợi ý số tiếp theo",
        "Suggest the next number",
    ),
    (
        "docs.next_number",
        "Số tiếp theo còn trống",
        "Next free number",
    ),
    ("docs.edit", "Sửa thông tin văn bản", "Edit the document"),
    ("docs.files", "Tệp văn bản", "Files"),
    (
        "docs.attach",
        "Đính kèm tệp (PDF, Word, Excel, ảnh)",
        "Attach a file (PDF, Word, Excel, image)",
    ),
    ("docs.upload", "Tải lên", "Upload"),
    ("dockind.nghi_quyet", "Nghị quyết", "Resolution"),
    ("dockind.chi_thi", "Chỉ thị", "Directive"),
    ("dockind.ke_hoach", "Kế hoạch", "Plan"),
    ("dockind.chuong_trinh", "Chương trình", "Programme"),
    ("dockind.ket_luan", "Kết luận", "Conclusion"),
    ("dockind.bao_cao", "Báo cáo", "Report"),
    ("dockind.quyet_dinh", "Quyết định", "Decision"),
    ("dockind.huong_dan", "Hướng dẫn", "Guidance"),
    ("dockind.thong_bao", "Thông báo", "Notice"),
    ("dockind.de_an", "Đề án", "Scheme"),
    ("dockind.cong_van", "Công văn", "Official letter"),
    (
        "dockind.nghi_quyet_nha_nuoc",
        "Nghị quyết (nhà nước)",
        "Resolution (State)",
    ),
    ("dockind.luat", "Luật", "Law"),
    ("plan.group_by", "Nhóm theo", "Group by"),
    (
        "plan.headline",
        "{met}/{total} chỉ tiêu đạt và vượt",
        "{met}/{total} targets achieved or exceeded",
    ),
    ("plan.targets", "Chỉ tiêu", "Targets"),
    ("plan.target", "Chỉ tiêu", "Target"),
    ("plan.items", "Đầu việc", "Work items"),
    ("plan.state_on", "tình trạng tại ngày", "state on"),
    (
        "plan.lower",
        "Văn bản cụ thể hóa",
        "Documents concretizing it",
    ),
    ("plan.other_group", "Khác", "Other"),
    ("coverage.title", "Rà soát cụ thể hóa", "Coverage report"),
    (
        "coverage.explain",
        "Chỉ tiêu và đầu việc chưa được văn bản cấp dưới cụ thể hóa; nội dung cấp dưới không gắn với nội dung cấp trên.",
        "Targets and work items no lower plan concretizes; lower items attached to nothing above.",
    ),
    (
        "coverage.uncovered_targets",
        "Chỉ tiêu chưa được cụ thể hóa",
        "Targets not concretized",
    ),
    (
        "coverage.uncovered_items",
        "Đầu việc chưa được cụ thể hóa",
        "Work items not concretized",
    ),
    (
        "coverage.orphans",
        "Nội dung cấp dưới không gắn với cấp trên",
        "Lower items attached to nothing",
    ),
    (
        "direction.increase",
        "Càng cao càng tốt",
        "Higher is better",
    ),
    (
        "direction.decrease",
        "Càng thấp càng tốt",
        "Lower is better",
    ),
    ("direction.range", "Trong khoảng", "Within a range"),
    ("direction.reach", "Đạt mức", "Reach a value"),
    ("aggregation.sum", "Cộng tổng", "Sum"),
    ("aggregation.mean", "Bình quân", "Mean"),
    (
        "aggregation.weighted_mean",
        "Bình quân gia quyền",
        "Weighted mean",
    ),
    (
        "aggregation.ratio",
        "Tỷ lệ tính lại từ tổng tử số và tổng mẫu số",
        "Ratio recomputed from summed numerators and denominators",
    ),
    ("aggregation.min", "Nhỏ nhất", "Minimum"),
    ("aggregation.max", "Lớn nhất", "Maximum"),
    (
        "aggregation.count_achieving",
        "Đếm số đơn vị đạt",
        "Count of units achieving",
    ),
    (
        "aggregation.all",
        "Đạt khi tất cả đơn vị đạt",
        "Yes only if every unit says yes",
    ),
    ("aggregation.none", "Không tổng hợp", "Not aggregated"),
    ("valuetype.number", "Số", "Number"),
    ("valuetype.percent", "Phần trăm", "Percent"),
    ("valuetype.money", "Tiền", "Money"),
    ("valuetype.count", "Số lượng", "Count"),
    ("valuetype.yes_no", "Có/không", "Yes/no"),
    (
        "valuetype.ratio",
        "Tỷ lệ (tử số/mẫu số)",
        "Ratio (numerator/denominator)",
    ),
    ("overtime.sum", "Cộng dồn các tháng", "Months add up"),
    ("overtime.latest", "Lấy số liệu mới nhất", "Latest reported"),
    ("status.exceeded", "Vượt", "Exceeded"),
    ("status.achieved", "Đạt", "Achieved"),
    ("status.not_achieved", "Không đạt", "Not achieved"),
    ("status.no_data", "Chưa có số liệu", "No data"),
    ("status.not_applicable", "Không áp dụng", "Not applicable"),
    ("status.not_judged", "Chưa đánh giá", "Not judged"),
    (
        "target.of_longer_goal",
        "so với chỉ tiêu",
        "of the goal for",
    ),
    ("state.not_started", "Chưa triển khai", "Not started"),
    (
        "state.in_progress",
        "Đang thực hiện trong hạn",
        "In progress, within time",
    ),
    ("state.overdue", "Quá hạn", "Overdue"),
    ("state.done_on_time", "Hoàn thành đúng hạn", "Done on time"),
    ("state.done_late", "Hoàn thành quá hạn", "Done late"),
    ("state.paused", "Tạm dừng", "Paused"),
    ("target.goal", "Chỉ tiêu", "Goal"),
    ("target.value", "Kết quả", "Result"),
    ("target.status", "Đánh giá", "Status"),
    ("target.goal_plan", "(nghị quyết)", "(plan)"),
    ("target.goal_quota", "(chỉ tiêu giao)", "(quota)"),
    ("target.over_time", "Cộng dồn theo thời gian", "Over time"),
    ("target.baseline", "Số liệu gốc", "Baseline"),
    ("target.planned", "Chỉ tiêu theo kỳ", "Planned values"),
    (
        "target.quotas",
        "Chỉ tiêu giao cho đơn vị cấp dưới",
        "Quotas handed down",
    ),
    ("target.trend", "Diễn biến theo tháng", "Month by month"),
    ("target.trend_table", "Bảng số liệu", "Data table"),
    ("target.cumulative", "Lũy kế", "Cumulative"),
    ("target.record", "Nhập số liệu", "Record a value"),
    ("rollup.formula", "Công thức", "Formula"),
    ("rollup.inputs", "Số liệu đầu vào", "Inputs"),
    ("rollup.counted", "Được tính", "Counted"),
    ("rollup.missing", "Thiếu số liệu", "Missing"),
    ("rollup.not_applicable", "Không áp dụng", "Not applicable"),
    ("rollup.unusable", "Không dùng được", "Unusable"),
    ("rollup.incomplete", "Chưa đủ số liệu", "Incomplete"),
    ("rollup.reported", "Số báo cáo", "Reported"),
    ("rollup.weight", "Trọng số", "Weight"),
    ("rollup.treatment", "Xử lý", "Treatment"),
    ("rollup.from", "Từ kỳ báo cáo", "From reports of"),
    ("rollup.missing_months", "thiếu", "missing"),
    (
        "rollup.tree_of",
        "theo cơ cấu tổ chức ngày",
        "following the organisation of",
    ),
    ("item.state", "Tình trạng", "State"),
    ("item.responsible", "Người chịu trách nhiệm", "Responsible"),
    ("item.former_deadline", "Thời hạn cũ", "Former deadline"),
    ("item.replaced_on", "thay đổi ngày", "replaced on"),
    ("item.product", "Sản phẩm", "Expected product"),
    ("item.result", "Kết quả", "Result"),
    ("item.pending", "Đề nghị chờ duyệt", "Pending request"),
    ("item.milestones", "Lộ trình", "Roadmap"),
    ("item.report", "Báo cáo tiến độ", "Report progress"),
    ("item.start", "Bắt đầu triển khai", "Start"),
    ("item.complete", "Báo hoàn thành", "Report done"),
    ("item.request_move", "Gia hạn đến", "Move the deadline to"),
    ("item.request_pause", "Tạm dừng", "Pause"),
    ("item.request_resume", "Tiếp tục", "Resume"),
    ("item.send_request", "Gửi đề nghị", "Send the request"),
    ("item.approve", "Phê duyệt", "Approve"),
    ("item.refuse", "Không duyệt", "Refuse"),
    ("item.approved", "Đã duyệt", "Approved"),
    ("item.refused", "Không duyệt", "Refused"),
    ("item.requests", "Các đề nghị", "Requests"),
    ("item.cascade_up", "Cụ thể hóa từ", "Concretizes"),
    ("item.cascade_down", "Được cụ thể hóa bởi", "Concretized by"),
    ("item.moved", "đã gia hạn", "moved"),
    ("item.back_to_plan", "Về kế hoạch", "Back to the plan"),
    ("myplan.on", "Tình hình tại ngày", "As of"),
    (
        "myplan.due_soon",
        "Sắp đến hạn (30 ngày)",
        "Due within 30 days",
    ),
    ("myplan.in_progress", "Đang thực hiện", "Under way"),
    ("myplan.done", "Đã hoàn thành", "Done"),
    (
        "myplan.no_unit",
        "Tài khoản chưa gắn với đơn vị nào.",
        "This account is not attached to a unit.",
    ),
    ("plan.new_target", "Thêm chỉ tiêu", "Add a target"),
    ("plan.new_item", "Thêm đầu việc", "Add a work item"),
    ("target.range_min", "Từ (khoảng)", "Range from"),
    ("target.range_max", "Đến (khoảng)", "Range to"),
    (
        "target.reporting_kinds",
        "Loại đơn vị báo cáo (mã)",
        "Reporting unit kinds (codes)",
    ),
    (
        "target.set_goal",
        "Đặt chỉ tiêu cho kỳ",
        "Set the goal for the period",
    ),
    ("target.set_quota", "Giao chỉ tiêu", "Hand down a quota"),
    (
        "item.split_units",
        "Giao cho các đơn vị (mã)",
        "Split for units (codes)",
    ),
    ("item.split", "Giao đầu việc con", "Split"),
    ("item.milestone", "Mốc lộ trình", "Milestone"),
    ("field.due_on", "Hạn mốc", "Due on"),
    ("field.baseline_on", "Ngày số liệu gốc", "Baseline date"),
    ("field.unit_ids", "Đơn vị", "Units"),
    ("field.target_ids", "Chỉ tiêu", "Targets"),
    ("field.baseline", "Số liệu gốc", "Baseline"),
    ("field.milestone_id", "Mốc", "Milestone"),
    ("field.name_input", "Tên", "Name"),
    (
        "err.payload_too_large",
        "Nội dung gửi lên quá lớn.",
        "The request body is too large.",
    ),
    (
        "err.value_too_large",
        "Giá trị quá lớn (tối đa 1.000.000.000.000).",
        "The value is too large (at most 1,000,000,000,000).",
    ),
    (
        "err.too_many_decimals",
        "Quá nhiều chữ số thập phân (tối đa 6).",
        "Too many decimal places (6 at most).",
    ),
    (
        "err.preset_unknown",
        "Bộ dữ liệu mẫu không hợp lệ (district hoặc province).",
        "Unknown preset (district or province).",
    ),
    (
        "err.period_not_in_calendar",
        "Kỳ này không có trong lịch báo cáo của kế hoạch.",
        "This period is not in the plan's reporting calendar.",
    ),
    (
        "err.report_locked",
        "Báo cáo đã được chấp nhận và khóa; muốn sửa, mở bản điều chỉnh mới.",
        "The report is accepted and locked; open a new revision to correct it.",
    ),
    (
        "err.report_not_submitted",
        "Báo cáo chưa được gửi.",
        "The report has not been submitted.",
    ),
    (
        "err.report_already_submitted",
        "Báo cáo đã được gửi, đang chờ xem xét.",
        "The report is already submitted and awaits review.",
    ),
    (
        "err.cadence_unknown",
        "Chu kỳ báo cáo không hợp lệ.",
        "Unknown reporting cadence.",
    ),
    (
        "err.report_state_unknown",
        "Trạng thái báo cáo không hợp lệ.",
        "Unknown report state.",
    ),
    (
        "err.target_other_plan",
        "Chỉ tiêu không thuộc kế hoạch của báo cáo này.",
        "The target is not in this report's plan.",
    ),
    (
        "err.counted_unknown",
        "Cách tính số liệu không hợp lệ (accepted, submitted, any).",
        "Unknown counting setting (accepted, submitted, any).",
    ),
    ("field.comment", "Ý kiến", "Comment"),
    ("field.narrative", "Nội dung báo cáo", "Narrative"),
    ("field.cadence", "Chu kỳ", "Cadence"),
    ("report.title", "Báo cáo", "Report"),
    ("report.late", "nộp trễ hạn", "late"),
    ("report.revision", "Lần điều chỉnh", "Revision"),
    ("report.save_draft", "Lưu nháp", "Save the draft"),
    ("report.submit", "Gửi báo cáo", "Submit"),
    ("report.accept", "Chấp nhận", "Accept"),
    ("report.return", "Trả lại", "Return"),
    ("report.reopen", "Mở bản điều chỉnh", "Open a revision"),
    (
        "report.open",
        "Mở báo cáo kỳ",
        "Open the report of a period",
    ),
    ("report.state_draft", "Nháp", "Draft"),
    ("report.state_submitted", "Đã gửi, chờ xem xét", "Submitted"),
    ("report.state_returned", "Bị trả lại", "Returned"),
    (
        "report.state_accepted",
        "Đã chấp nhận (khóa)",
        "Accepted (locked)",
    ),
    (
        "report.all_units",
        "Báo cáo các đơn vị kỳ này",
        "Every unit's report this period",
    ),
    (
        "report.review_comment",
        "Ý kiến khi trả lại",
        "Comment on return",
    ),
    ("report.targets", "Chỉ tiêu", "Targets"),
    ("report.items", "Đầu việc", "Work items"),
    (
        "report.item_narrative",
        "Kết quả thực hiện",
        "What was done",
    ),
    ("report.na_short", "Không áp dụng", "Not applicable"),
    (
        "report.in_report",
        "nhập qua báo cáo",
        "entered in the report",
    ),
    (
        "report.submit_hint",
        "Lưu nháp trước khi gửi; sau khi gửi, báo cáo chờ cấp trên xem xét.",
        "Save the draft before submitting; once submitted, the report waits for review above.",
    ),
    ("report.evidence", "Tài liệu minh chứng", "Evidence"),
    (
        "report.evidence_file",
        "Tệp (PDF, Word, Excel, ảnh; tối đa 20 MB)",
        "File (PDF, Word, Excel, image; up to 20 MB)",
    ),
    ("report.for_item", "Cho đầu việc", "For work item"),
    ("report.attach", "Đính kèm", "Attach"),
    (
        "err.target_not_on_report",
        "Chỉ tiêu không thuộc báo cáo của đơn vị này.",
        "The target is not on this unit's report.",
    ),
    (
        "err.item_not_on_report",
        "Đầu việc không thuộc báo cáo của đơn vị này.",
        "The work item is not on this unit's report.",
    ),
    ("field.percent", "Tỷ lệ hoàn thành (%)", "Percent done"),
    ("weekday.0", "Thứ Hai", "Monday"),
    ("weekday.1", "Thứ Ba", "Tuesday"),
    ("weekday.2", "Thứ Tư", "Wednesday"),
    ("weekday.3", "Thứ Năm", "Thursday"),
    ("weekday.4", "Thứ Sáu", "Friday"),
    ("weekday.5", "Thứ Bảy", "Saturday"),
    ("weekday.6", "Chủ nhật", "Sunday"),
    ("cadence.monthly", "Hằng tháng", "Monthly"),
    ("cadence.quarterly", "Hằng quý", "Quarterly"),
    ("cadence.first_half", "6 tháng", "First half"),
    ("cadence.nine_months", "9 tháng", "Nine months"),
    ("cadence.yearly", "Hằng năm", "Yearly"),
    ("cadence.mid_term", "Giữa nhiệm kỳ", "Mid-term"),
    ("cadence.term", "Cả nhiệm kỳ", "Whole term"),
    ("calendar.title", "Lịch báo cáo", "Reporting calendar"),
    ("calendar.level_plan", "Cấp ban hành", "Issuing level"),
    ("calendar.level_below", "Cấp dưới", "Level below"),
    ("calendar.add", "Thêm lịch báo cáo", "Add a calendar"),
    ("calendar.remove", "Xóa lịch", "Remove"),
    ("calendar.rule", "Hạn nộp", "Deadline rule"),
    (
        "calendar.counting",
        "Số liệu được tính vào tổng hợp",
        "Values counted in roll-ups",
    ),
    (
        "counted.accepted",
        "Chỉ báo cáo đã được chấp nhận",
        "Accepted reports only",
    ),
    (
        "counted.submitted",
        "Báo cáo đã gửi hoặc đã chấp nhận",
        "Submitted or accepted reports",
    ),
    (
        "counted.any",
        "Mọi số liệu đã nhập (kể cả nháp)",
        "Every value entered (drafts too)",
    ),
    (
        "calendar.days",
        "Điều chỉnh ngày làm việc",
        "Working calendar corrections",
    ),
    (
        "calendar.days_hint",
        "Ngày lễ theo Bộ luật Lao động đã có sẵn; ở đây ghi ngày nghỉ bù, ngày làm bù theo thông báo hằng năm.",
        "Statutory holidays are built in; record here the bridge days and make-up working days announced each year.",
    ),
    ("calendar.working", "Ngày làm việc", "Working day"),
    ("calendar.off", "Ngày nghỉ", "Day off"),
    ("calendar.day", "Ngày", "Day"),
    ("calendar.weekday", "Thứ", "Weekday"),
    ("field.first_year", "Từ năm", "First year"),
    ("field.last_year", "Đến năm", "Last year"),
    (
        "field.days_after_end",
        "Số ngày làm việc sau kỳ",
        "Working days after the period",
    ),
    (
        "field.lead_days",
        "Cấp dưới sớm hơn (ngày làm việc)",
        "Each level below earlier by (working days)",
    ),
    ("field.day", "Ngày", "Day"),
    ("field.counted", "Số liệu được tính", "Values counted"),
    ("field.action", "Thao tác", "Action"),
    ("field.kind_of_day", "Loại ngày", "Kind of day"),
    ("report.not_opened", "Chưa mở báo cáo", "Not opened"),
    ("report.received", "đã nhận", "received"),
    ("report.missing", "chưa nộp", "missing"),
    ("report.late_or_overdue", "trễ hạn", "late"),
    ("report.overdue", "quá hạn chưa nộp", "overdue"),
    (
        "consolidated.title",
        "Báo cáo tổng hợp",
        "Consolidated report",
    ),
    (
        "consolidated.met",
        "chỉ tiêu đạt và vượt",
        "targets achieved or exceeded",
    ),
    (
        "consolidated.reports_gathered",
        "báo cáo đã tổng hợp",
        "reports gathered",
    ),
    (
        "consolidated.targets",
        "I. Kết quả thực hiện các chỉ tiêu",
        "I. Targets",
    ),
    (
        "consolidated.items",
        "II. Tình hình thực hiện các đầu việc",
        "II. Work items",
    ),
    (
        "consolidated.narratives",
        "III. Báo cáo của các đơn vị",
        "III. The units' reports",
    ),
    (
        "consolidated.draft",
        "Bản tổng hợp để biên tập",
        "Compiled text to edit",
    ),
    (
        "consolidated.start",
        "Mở báo cáo của cấp này từ bản tổng hợp",
        "Open this level's report from the compiled text",
    ),
    ("dashboard.title", "Bảng theo dõi", "Dashboard"),
    ("dashboard.plan", "Kế hoạch", "Plan"),
    ("dashboard.print", "In", "Print"),
    (
        "dashboard.trend",
        "Số chỉ tiêu đạt và vượt theo tháng",
        "Targets achieved or exceeded, month by month",
    ),
    (
        "dashboard.total_targets",
        "Tổng số chỉ tiêu",
        "Targets in all",
    ),
    (
        "dashboard.reports",
        "Báo cáo của các đơn vị",
        "The units' reports",
    ),
    (
        "dashboard.no_calendar",
        "Kế hoạch chưa có lịch báo cáo cho kỳ này.",
        "The plan has no reporting calendar for this period.",
    ),
    (
        "dashboard.no_plan",
        "Chưa có kế hoạch có chỉ tiêu áp dụng cho đơn vị này.",
        "No plan with targets covers this unit yet.",
    ),
    (
        "dashboard.behind",
        "Chậm, chưa đạt và người chịu trách nhiệm",
        "Behind, and who answers for it",
    ),
    ("dashboard.answers", "Chịu trách nhiệm", "Answers for it"),
    (
        "dashboard.past",
        "Số liệu và báo cáo theo tình trạng đến hết ngày {date}: báo cáo gửi hoặc duyệt sau ngày đó chưa được tính.",
        "Figures and reports as they stood at the end of {date}: reports submitted or accepted after that day are not counted.",
    ),
    ("nav.notifications", "Thông báo", "Notifications"),
    ("nav.jobs", "Tác vụ nền", "Background jobs"),
    ("notify.unread", "chưa đọc", "unread"),
    (
        "notify.mark_read",
        "Đánh dấu đã đọc tất cả",
        "Mark all as read",
    ),
    (
        "notify.preferences",
        "Nhận thư nhắc việc",
        "Reminder e-mails",
    ),
    (
        "notify.daily_digest",
        "Gửi một thư tổng hợp mỗi ngày",
        "Send one digest a day",
    ),
    ("field.email", "Thư điện tử", "E-mail"),
    ("field.days", "Số ngày", "Days"),
    ("field.audience", "Người nhận", "Who is reminded"),
    ("field.url", "Địa chỉ URL", "URL"),
    ("reminder.title", "Nhắc việc", "Reminders"),
    ("reminder.when", "Khi nào", "When"),
    ("reminder.days", "ngày", "days"),
    ("reminder.who", "Nhắc ai", "Who"),
    (
        "reminder.before_deadline",
        "Trước hạn nộp",
        "Before the deadline",
    ),
    (
        "reminder.after_period_end",
        "Sau khi hết kỳ",
        "After the period ends",
    ),
    (
        "reminder.overdue",
        "Quá hạn, nhắc lại mỗi",
        "Overdue, again every",
    ),
    (
        "reminder.to_reporters",
        "Đơn vị báo cáo",
        "The reporting unit",
    ),
    (
        "reminder.to_reviewers",
        "Cấp trên xem xét",
        "The reviewing level",
    ),
    ("reminder.to_both", "Cả hai", "Both"),
    ("jobs.kind", "Loại", "Kind"),
    ("jobs.attempts", "Số lần chạy", "Attempts"),
    ("jobs.run_at", "Chạy lúc", "Runs at"),
    ("jobs.error", "Lỗi gần nhất", "Last error"),
    ("jobs.retry", "Chạy lại", "Retry"),
    ("jobs.webhooks", "Webhook", "Webhooks"),
    (
        "jobs.secret_once",
        "Khóa ký (chỉ hiện một lần)",
        "Signing secret (shown once)",
    ),
    ("jobs.active", "đang dùng", "active"),
    ("jobs.inactive", "tạm ngưng", "inactive"),
    ("jobs.activate", "Bật", "Activate"),
    ("jobs.deactivate", "Tắt", "Deactivate"),
    (
        "err.email_invalid",
        "Địa chỉ thư điện tử không hợp lệ.",
        "The e-mail address is not valid.",
    ),
    (
        "err.url_invalid",
        "Địa chỉ phải bắt đầu bằng http:// hoặc https://.",
        "The address must start with http:// or https://.",
    ),
    (
        "err.job_not_failed",
        "Chỉ chạy lại được tác vụ đã thất bại.",
        "Only a failed job can be retried.",
    ),
    ("field.code", "Mã", "Code"),
    ("field.name", "Tên", "Name"),
    ("field.kind", "Loại", "Kind"),
    ("field.parent_id", "Trực thuộc", "Parent"),
    ("field.valid_from", "Hiệu lực từ", "Valid from"),
    ("field.valid_to", "Đến hết ngày", "Valid until"),
    ("field.effective_on", "Ngày có hiệu lực", "Effective on"),
    ("field.target_id", "Đơn vị nhận", "Target unit"),
    ("field.sources", "Các đơn vị được hợp nhất", "Units merged"),
    ("field.full_name", "Họ và tên", "Full name"),
    ("field.username", "Tên đăng nhập", "Username"),
    ("field.password", "Mật khẩu", "Password"),
    ("field.as_of", "Tại ngày", "As of"),
    ("field.at", "Tại ngày", "On"),
];

static TABLE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| STRINGS.iter().map(|(k, vi, en)| (*k, (*vi, *en))).collect());

/// Looks up `key`; an unknown key shows itself, which the tests forbid in templates.
pub fn tr(lang: Lang, key: &str) -> &'static str {
    match TABLE.get(key) {
        Some((vi, en)) => match lang {
            Lang::Vi => vi,
            Lang::En => en,
        },
        None => TABLE.get("err.invalid").map(|(vi, _)| *vi).unwrap_or("?"),
    }
}

pub fn has(key: &str) -> bool {
    TABLE.contains_key(key)
}

/// The sentence for an error code, falling back to a generic one for codes without their own.
pub fn error_message(lang: Lang, code: &str) -> &'static str {
    let key = format!("err.{code}");
    if has(&key) {
        tr(lang, &key)
    } else if code.starts_with("number_") {
        tr(lang, "err.number_invalid")
    } else {
        tr(lang, "err.invalid")
    }
}

/// The label of a form field, or the field's own name.
pub fn field_label(lang: Lang, field: &str) -> String {
    let key = format!("field.{field}");
    if has(&key) {
        tr(lang, &key).to_owned()
    } else {
        field.to_owned()
    }
}

/// Translations bound to a language, for templates: `{{ t.s("units.title") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn s(&self, key: &str) -> &'static str {
        tr(self.0, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        let mut seen = std::collections::HashSet::new();
        for (key, vi, en) in STRINGS {
            assert!(seen.insert(*key), "duplicate key {key}");
            assert!(!vi.is_empty() && !en.is_empty(), "{key}");
            assert!(trienkhai_core::vn::is_nfc(vi), "{key} is not NFC");
        }
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let dirs = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/pages"),
        ];
        let mut checked = 0;
        for dir in dirs {
            for entry in std::fs::read_dir(dir).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for part in text.split("s(\"").skip(1) {
                    let key = part.split('"').next().unwrap();
                    assert!(has(key), "missing translation {key}");
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 50,
            "only {checked} keys found: the scan is broken"
        );
    }

    /// Every error code raised anywhere in the workspace (`invalid("…"`, `DomainError::new("…"`,
    /// `without_field("…"`, `input_error("…"`, the number parser's `err("…"`, the framework's
    /// codes) has its own sentence in both languages, not the generic "Giá trị không hợp lệ.".
    #[test]
    fn every_error_code_raised_has_its_own_message() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&crates).unwrap() {
            let src = entry.unwrap().path().join("src");
            if src.is_dir() {
                sources(&src, &mut files);
            }
        }
        let mut missing = Vec::new();
        let mut checked = 0;
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for opener in [
                "invalid(\"",
                "DomainError::new(\"",
                "without_field(\"",
                "input_error(\"",
                " err(\"",
                "(err(\"",
                "answer(api, StatusCode::URI_TOO_LONG, \"",
            ] {
                for part in text.split(opener).skip(1) {
                    let code = part.split('"').next().unwrap();
                    if code.is_empty()
                        || !code
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    {
                        continue;
                    }
                    checked += 1;
                    if !has(&format!("err.{code}")) {
                        missing.push(format!("{code} ({})", file.display()));
                    }
                }
            }
        }
        assert!(
            checked > 100,
            "only {checked} codes found: the scan is broken"
        );
        assert!(missing.is_empty(), "codes without a message: {missing:?}");
    }

    #[test]
    fn accept_language_picks_english_only_when_asked() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr, vi;q=0.5"), Lang::Vi);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(
            error_message(Lang::En, "tree_cycle"),
            "A unit cannot hang under one of its own sub-units."
        );
        assert_eq!(
            error_message(Lang::Vi, "number_bad_grouping"),
            tr(Lang::Vi, "err.number_invalid")
        );
    }
}
