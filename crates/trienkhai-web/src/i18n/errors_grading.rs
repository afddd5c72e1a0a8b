//! Error codes of year-end evaluation and grading (C12): rule sets, levels, scores and task
//! results; and of criteria sets (C11). Part of the one table, [`super::ERRORS`].

use axum::http::StatusCode;

use super::ErrorCode;

pub(super) const GRADING: &[ErrorCode] = &[
    ErrorCode {
        code: "table_unreadable",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Không đọc được bảng: gửi tệp Excel (.xlsx) hoặc CSV (UTF-8).",
        en: "The table cannot be read: send an Excel (.xlsx) or CSV (UTF-8) file.",
    },
    ErrorCode {
        code: "target_not_count",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Chỉ tiêu tính từ đánh giá bộ tiêu chí phải là chỉ tiêu đếm số đơn vị đạt.",
        en: "A target computed from criteria assessments must count the units achieving.",
    },
    ErrorCode {
        code: "criterion_not_missing",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Tiêu chí này không nằm trong danh sách còn thiếu của lần đánh giá.",
        en: "That criterion is not among what the assessment still misses.",
    },
    ErrorCode {
        code: "nothing_missing",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Lần đánh giá này không còn tiêu chí nào thiếu.",
        en: "The assessment misses no criterion.",
    },
    ErrorCode {
        code: "catalogue_not_in_force",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Bộ tiêu chí này chưa có hoặc đã hết hiệu lực vào ngày đánh giá.",
        en: "That catalogue is not in force on the day of the assessment.",
    },
    ErrorCode {
        code: "unknown_criterion",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Bộ tiêu chí không có tiêu chí này.",
        en: "The catalogue has no such criterion.",
    },
    ErrorCode {
        code: "value_kind",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Tiêu chí này ghi đạt hoặc chưa đạt, không ghi số liệu (hoặc ngược lại).",
        en: "That criterion takes met or not met, not a figure (or the other way round).",
    },
    ErrorCode {
        code: "immutable",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Không thay đổi được mã hoặc vùng áp dụng của bộ tiêu chí; hãy nhập một phiên bản mới.",
        en: "A catalogue's code and region cannot change; import a new version instead.",
    },
    ErrorCode {
        code: "level_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Mức xếp loại không hợp lệ.",
        en: "Unknown level.",
    },
    ErrorCode {
        code: "no_rule_set",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Không có quy định đánh giá, xếp loại nào áp dụng cho năm này.",
        en: "No evaluation rules apply to that year.",
    },
    ErrorCode {
        code: "rule_set_not_points",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Quy định của năm này không chấm theo thang điểm 100.",
        en: "That year's rules do not score on 100 points.",
    },
    ErrorCode {
        code: "no_period_results",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Chưa có kết quả tháng hoặc quý nào để tính kết quả cả năm.",
        en: "No monthly or quarterly results to average for the year.",
    },
    ErrorCode {
        code: "rule_set_not_criteria",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Quy định của năm này không xếp loại theo mức của từng tiêu chí.",
        en: "That year's rules do not grade criterion by criterion.",
    },
    ErrorCode {
        code: "appraisal_pending",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Còn đối tượng chưa được thẩm định: chưa thể quyết định xếp loại cả nhóm (hạn mức cần đủ cả nhóm).",
        en: "Some ratings of the group are not appraised yet: the group cannot be decided (the quota needs all of it).",
    },
    ErrorCode {
        code: "nothing_to_decide",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Không có kết quả nào đã thẩm định đang chờ quyết định.",
        en: "No appraised rating is waiting for a decision.",
    },
    ErrorCode {
        code: "rating_state_conflict",
        status: StatusCode::CONFLICT,
        vi: "Việc này không làm được ở bước hiện tại của đánh giá, xếp loại.",
        en: "That cannot be done at the rating's current step.",
    },
    ErrorCode {
        code: "rating_state_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Trạng thái đánh giá không hợp lệ.",
        en: "Unknown rating state.",
    },
    ErrorCode {
        code: "subject_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Đối tượng đánh giá không hợp lệ (tổ chức đảng, đảng viên, công chức).",
        en: "Unknown subject (organisation, member, civil servant).",
    },
    ErrorCode {
        code: "rule_set_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Quy định đánh giá, xếp loại không hợp lệ.",
        en: "Unknown rule set.",
    },
    ErrorCode {
        code: "grades_missing",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Quy định của năm này xếp loại theo mức độ từng tiêu chí: cần nhập mức độ (Xuất sắc, Tốt, Trung bình, Kém).",
        en: "That year's rules grade each criterion: the grades are needed.",
    },
    ErrorCode {
        code: "common_missing",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Cần nhập điểm nhóm tiêu chí chung (0 đến 30).",
        en: "The common criteria's score (0 to 30) is needed.",
    },
    ErrorCode {
        code: "task_points_missing",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Chưa có nhiệm vụ nào để tính điểm kết quả: nhập điểm kết quả thực hiện nhiệm vụ (0 đến 70).",
        en: "No task to compute the results from: enter the task score (0 to 70).",
    },
    ErrorCode {
        code: "rule_set_not_modelled",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Quy định này chưa được đưa vào hệ thống để tính tự động.",
        en: "That rule set is not computed by the system yet.",
    },
    ErrorCode {
        code: "person_not_expected",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Đánh giá tổ chức đảng không gắn với một người.",
        en: "An organisation's rating names no person.",
    },
    ErrorCode {
        code: "too_many",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Quá nhiều mục trong một lần gửi.",
        en: "Too many entries at once.",
    },
    ErrorCode {
        code: "unit_kind_invalid",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Loại đơn vị không hợp lệ (mã chữ thường, ví dụ dang_uy_xa).",
        en: "Invalid unit kind (a lower-case code such as dang_uy_xa).",
    },
];
