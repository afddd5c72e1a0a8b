//! Error codes of year-end evaluation and grading (C12): rule sets, levels, scores and task
//! results. Part of the one table, [`super::ERRORS`].

use axum::http::StatusCode;

use super::ErrorCode;

pub(super) const GRADING: &[ErrorCode] = &[
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
];
