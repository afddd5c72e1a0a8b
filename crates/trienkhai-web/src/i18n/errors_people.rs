//! The error codes of the people's side (C9, C10): registrations, self-assessments, study
//! sessions and their attendance. Part of the one table, [`super::ERRORS`].

use axum::http::StatusCode;

use super::ErrorCode;

pub(super) const PEOPLE: &[ErrorCode] = &[
    ErrorCode {
        code: "registration_state_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Trạng thái bản đăng ký không hợp lệ.",
        en: "Unknown registration state.",
    },
    ErrorCode {
        code: "registration_not_editable",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Bản đăng ký đã gửi hoặc đã duyệt, không sửa được; muốn điều chỉnh thì lập bản điều chỉnh.",
        en: "The registration was sent or approved and cannot be changed; amend it with a new version.",
    },
    ErrorCode {
        code: "registration_not_submitted",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Bản đăng ký chưa được gửi để duyệt.",
        en: "The registration has not been sent for approval.",
    },
    ErrorCode {
        code: "assessment_percent_disagrees",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Tỷ lệ không khớp với mức tự đánh giá: hoàn thành là 100%, chưa hoàn thành là 0%, hoàn thành một phần từ 1% đến 99%.",
        en: "The percentage disagrees with the outcome: done is 100%, not done 0%, partly 1% to 99%.",
    },
    ErrorCode {
        code: "deadline_outside_year",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Thời hạn phải nằm trong năm đăng ký.",
        en: "The deadline must fall within the registration's year.",
    },
    ErrorCode {
        code: "audience_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Đối tượng học tập không hợp lệ.",
        en: "Unknown audience.",
    },
    ErrorCode {
        code: "attendance_over_required",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Số dự và số vắng có lý do cộng lại không được vượt số phải dự.",
        en: "Those present and those excused cannot exceed those required.",
    },
    ErrorCode {
        code: "attendance_made_up_over_present",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Số học bù không được vượt số đã dự.",
        en: "Those who made it up cannot exceed those present.",
    },
    ErrorCode {
        code: "assessment_phase_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Kỳ tự đánh giá không hợp lệ (giữa năm hoặc cuối năm).",
        en: "Unknown assessment phase (mid-year or year end).",
    },
    ErrorCode {
        code: "outcome_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Mức tự đánh giá không hợp lệ.",
        en: "Unknown outcome.",
    },
    ErrorCode {
        code: "year_out_of_range",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Năm không hợp lệ (từ 1900 đến 2200).",
        en: "The year must be between 1900 and 2200.",
    },
    ErrorCode {
        code: "too_many_items",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Quá nhiều đầu việc trong một bản đăng ký (tối đa 100).",
        en: "Too many items in one registration (at most 100).",
    },
    ErrorCode {
        code: "registration_exists",
        status: StatusCode::CONFLICT,
        vi: "Đồng chí này đã có bản đăng ký của năm này; mở bản đó để sửa hoặc điều chỉnh.",
        en: "This person already has a registration for that year; open it to edit or amend it.",
    },
    ErrorCode {
        code: "registration_empty",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Bản đăng ký chưa có đầu việc nào.",
        en: "The registration has no item yet.",
    },
    ErrorCode {
        code: "registration_not_amendable",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Chỉ điều chỉnh được bản đăng ký mới nhất đã được duyệt.",
        en: "Only the latest approved registration can be amended.",
    },
    ErrorCode {
        code: "registration_not_approved",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Chỉ tự đánh giá được các đầu việc của bản đăng ký đã được duyệt.",
        en: "Only the items of an approved registration can be assessed.",
    },
    ErrorCode {
        code: "assessment_missing",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Đầu việc chưa được tự đánh giá ở kỳ này, chưa nhận xét được.",
        en: "The item has not been assessed for that phase yet.",
    },
    ErrorCode {
        code: "study_mode_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Hình thức học tập không hợp lệ (trực tiếp hoặc trực tuyến).",
        en: "Unknown mode (in person or online).",
    },
    ErrorCode {
        code: "attendance_makeup_required",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Buổi học bù chỉ ghi số người đến học bù; số phải dự và số vắng đã tính ở buổi học đầu.",
        en: "A make-up session counts only who came; those required and excused were counted at the first session.",
    },
    ErrorCode {
        code: "attendance_makeup_over_absent",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Số người học bù nhiều hơn số người còn vắng của đơn vị.",
        en: "More people made it up than the unit still had absent.",
    },
    ErrorCode {
        code: "attendance_empty",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Chưa ghi số người phải dự hoặc số người dự của đối tượng nào.",
        en: "No audience has anyone required or present.",
    },
    ErrorCode {
        code: "audience_repeated",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Mỗi đối tượng chỉ ghi một lần trong một buổi học.",
        en: "Each audience is counted once per session.",
    },
    ErrorCode {
        code: "study_before_issue",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Ngày học tập trước ngày ban hành văn bản.",
        en: "The session is dated before the document was issued.",
    },
    ErrorCode {
        code: "study_makeup_depends",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Đơn vị đã có buổi học bù dựa trên buổi này; xóa buổi học bù trước.",
        en: "A make-up session counts on this one; remove the make-up session first.",
    },
    ErrorCode {
        code: "commitment_exists",
        status: StatusCode::CONFLICT,
        vi: "Đồng chí này đã có bản cam kết của năm này; mở bản đó để sửa.",
        en: "This person already has a commitment for that year; open it to edit.",
    },
    ErrorCode {
        code: "commitment_empty",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Bản cam kết chưa có nội dung.",
        en: "The commitment has nothing written yet.",
    },
    ErrorCode {
        code: "commitment_section_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Mục cam kết không hợp lệ.",
        en: "Unknown commitment section.",
    },
    ErrorCode {
        code: "goal_phase_too_short",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Mục tiêu thi đua đăng ký cho một năm hoặc một giai đoạn, không cho một tháng hay một quý.",
        en: "An emulation goal is for a year or a phase, not a month or a quarter.",
    },
    ErrorCode {
        code: "post_category_unknown",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Diện phải đăng ký không hợp lệ.",
        en: "Unknown category of posts.",
    },
    ErrorCode {
        code: "too_many_categories",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Quá nhiều diện phải đăng ký (tối đa 5).",
        en: "Too many categories of posts (at most 5).",
    },
    ErrorCode {
        code: "target_computed",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Chỉ tiêu này được tính tự động (từ số liệu học tập, kết quả xếp loại hoặc đánh giá bộ tiêu chí); không nhập tay.",
        en: "This target is computed (from attendance, ratings or criteria assessments); it is not typed.",
    },
    ErrorCode {
        code: "target_not_ratio",
        status: StatusCode::UNPROCESSABLE_ENTITY,
        vi: "Chỉ tiêu tính từ số liệu học tập phải là chỉ tiêu tỷ lệ.",
        en: "A target computed from attendance must be a ratio.",
    },
];
