//! A catalogue's criteria as a table, one criterion per row with its group: the form the
//! shipped catalogues are written in and the one a province fills in (CSV or XLSX) to import
//! its own variant. Headers are matched without case or diacritics, in Vietnamese or English
//! ("Tiêu chí" or `name`); numbers are written the Vietnamese way (`1.200`, `0,5`). Every bad
//! row is reported with its line and field, and nothing is kept unless every row reads.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{CriteriaGroup, Criterion, Direction, Measure};
use crate::vn::{clean_text, fold, parse_decimal};

/// The most rows a catalogue table may have.
pub const MAX_ROWS: usize = super::MAX_CRITERIA;

/// A column: its key and the headings it is known by (folded).
struct Column {
    key: &'static str,
    headings: &'static [&'static str],
    required: bool,
}

const COLUMNS: &[Column] = &[
    Column {
        key: "group",
        headings: &["group", "nhom", "ma nhom"],
        required: true,
    },
    Column {
        key: "group_name",
        headings: &["group_name", "ten nhom"],
        required: true,
    },
    Column {
        key: "group_max_points",
        headings: &["group_max_points", "diem toi da cua nhom"],
        required: false,
    },
    Column {
        key: "group_min_points",
        headings: &["group_min_points", "diem toi thieu cua nhom"],
        required: false,
    },
    Column {
        key: "code",
        headings: &["code", "ma", "ma tieu chi"],
        required: true,
    },
    Column {
        key: "name",
        headings: &["name", "tieu chi", "ten tieu chi"],
        required: true,
    },
    Column {
        key: "unit",
        headings: &["unit", "don vi", "don vi tinh"],
        required: false,
    },
    Column {
        key: "measure",
        headings: &["measure", "cach danh gia"],
        required: true,
    },
    Column {
        key: "threshold",
        headings: &["threshold", "nguong", "muc toi thieu"],
        required: false,
    },
    Column {
        key: "maximum",
        headings: &["maximum", "muc toi da"],
        required: false,
    },
    Column {
        key: "min_points",
        headings: &["min_points", "diem toi thieu"],
        required: false,
    },
    Column {
        key: "max_points",
        headings: &["max_points", "diem toi da"],
        required: false,
    },
    Column {
        key: "to_verify",
        headings: &["to_verify", "can doi chieu", "can doi chieu van ban"],
        required: false,
    },
    Column {
        key: "note",
        headings: &["note", "ghi chu"],
        required: false,
    },
];

/// What is wrong with one row (line as the file counts it, the header being line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub code: &'static str,
}

/// How a row names its measure.
fn measure_of(word: &str) -> Option<(&'static str, Direction)> {
    match fold(word).as_str() {
        "met" | "dat/khong dat" | "dat" => Some(("met", Direction::Increase)),
        "at_least" | "toi thieu" | "khong duoi" => Some(("threshold", Direction::Increase)),
        "at_most" | "toi da" | "khong qua" => Some(("threshold", Direction::Decrease)),
        "scored" | "cham diem" => Some(("scored", Direction::Increase)),
        "scored_decrease" | "cham diem (giam)" => Some(("scored", Direction::Decrease)),
        "points" | "diem tham dinh" => Some(("points", Direction::Increase)),
        _ => None,
    }
}

fn yes(word: &str) -> bool {
    matches!(fold(word).as_str(), "x" | "yes" | "co" | "1" | "true")
}

/// Reads the groups and criteria of a table whose first row is its header.
pub fn read(rows: &[Vec<String>]) -> Result<(Vec<CriteriaGroup>, Vec<Criterion>), Vec<RowError>> {
    let err = |line: usize, field: &str, code: &'static str| RowError {
        line,
        field: field.to_owned(),
        code,
    };
    let Some((header, body)) = rows.split_first() else {
        return Err(vec![err(1, "header", "required")]);
    };
    if body.len() > MAX_ROWS {
        return Err(vec![err(MAX_ROWS + 2, "rows", "too_many")]);
    }
    let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
    let mut at = std::collections::HashMap::new();
    let mut errors = Vec::new();
    for c in COLUMNS {
        match folded.iter().position(|h| c.headings.contains(&h.as_str())) {
            Some(i) => {
                at.insert(c.key, i);
            }
            None if c.required => errors.push(err(1, c.key, "required")),
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut groups: Vec<CriteriaGroup> = Vec::new();
    let mut criteria = Vec::new();
    for (i, row) in body.iter().enumerate() {
        let line = i + 2;
        let cell = |key: &str| -> String {
            at.get(key)
                .and_then(|&j| row.get(j))
                .map(|s| clean_text(s))
                .unwrap_or_default()
        };
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut number = |key: &str| -> Option<Decimal> {
            let text = cell(key);
            if text.is_empty() {
                return None;
            }
            parse_decimal(&text)
                .map_err(|_| errors.push(err(line, key, "number_invalid")))
                .ok()
        };
        let group = cell("group");
        let group_max = number("group_max_points");
        let group_min = number("group_min_points");
        let threshold = number("threshold");
        let maximum = number("maximum");
        let min_points = number("min_points");
        let max_points = number("max_points");
        for key in ["group", "group_name", "code", "name"] {
            if cell(key).is_empty() {
                errors.push(err(line, key, "required"));
            }
        }
        // A figure typed but unreadable is already told; "required" is for one left empty.
        let (threshold_typed, maximum_typed) =
            (!cell("threshold").is_empty(), !cell("maximum").is_empty());
        let measure = match measure_of(&cell("measure")) {
            None => {
                errors.push(err(line, "measure", "invalid"));
                None
            }
            Some(("met", _)) => Some(Measure::Met),
            Some(("points", _)) => Some(Measure::Points),
            Some(("threshold", direction)) => match threshold {
                Some(threshold) => Some(Measure::Threshold {
                    threshold,
                    direction,
                }),
                None => {
                    if !threshold_typed {
                        errors.push(err(line, "threshold", "required"));
                    }
                    None
                }
            },
            Some((_, direction)) => match (threshold, maximum) {
                (Some(minimum), Some(maximum)) => Some(Measure::Scored {
                    minimum,
                    maximum,
                    direction,
                }),
                (None, _) => {
                    if !threshold_typed {
                        errors.push(err(line, "threshold", "required"));
                    }
                    None
                }
                (_, None) => {
                    if !maximum_typed {
                        errors.push(err(line, "maximum", "required"));
                    }
                    None
                }
            },
        };
        if !group.is_empty() && !groups.iter().any(|g| g.code == group) {
            groups.push(CriteriaGroup {
                code: group.clone(),
                name: cell("group_name"),
                max_points: group_max,
                min_points: group_min,
            });
        }
        if let Some(measure) = measure {
            criteria.push(Criterion {
                code: cell("code"),
                group,
                name: cell("name"),
                unit: cell("unit"),
                measure,
                min_points,
                max_points,
                to_verify: yes(&cell("to_verify")),
                note: cell("note"),
            });
        }
    }
    if errors.is_empty() {
        Ok((groups, criteria))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .map(|l| l.split(';').map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn vietnamese_headings_and_numbers_are_read() {
        let (groups, criteria) = read(&table(
            "Nhóm;Tên nhóm;Điểm tối đa của nhóm;Mã;Tiêu chí;Đơn vị;Cách đánh giá;Ngưỡng;Mức tối đa;Điểm tối thiểu;Điểm tối đa;Cần đối chiếu\n\
             2;Quy mô dân số;8;2.1;Dân số toàn đô thị;người;chấm điểm;50.000;100.000;1,5;2;x\n\
             2;Quy mô dân số;8;2.2;Dân số nội thị;người;tối thiểu;20.000;;;;",
        ))
        .unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].max_points, Some(Decimal::from(8)));
        assert_eq!(
            criteria[0].measure,
            Measure::Scored {
                minimum: Decimal::from(50_000),
                maximum: Decimal::from(100_000),
                direction: Direction::Increase
            }
        );
        assert_eq!(criteria[0].min_points, Some("1.5".parse().unwrap()));
        assert!(criteria[0].to_verify);
        assert!(!criteria[1].to_verify);
    }

    #[test]
    fn every_bad_row_is_told_with_its_line_and_field() {
        let errors = read(&table(
            "group;group_name;code;name;measure;threshold\n\
             1;Hạ tầng;A;Giao thông;met;\n\
             1;Hạ tầng;B;Điện;at_least;\n\
             1;Hạ tầng;;Trường học;sometimes;1,2,3",
        ))
        .unwrap_err();
        let got: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "threshold", "required"),
                (4, "threshold", "number_invalid"),
                (4, "code", "required"),
                (4, "measure", "invalid"),
            ]
        );
    }

    #[test]
    fn a_missing_column_is_told_on_the_header_line() {
        let errors = read(&table("group;code;name\n1;A;B")).unwrap_err();
        assert!(errors.iter().all(|e| e.line == 1));
        assert!(errors.iter().any(|e| e.field == "measure"));
    }
}
