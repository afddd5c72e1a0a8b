//! A catalogue's table as a province sends it (C11, issue 15, point 1): a CSV file (comma,
//! semicolon or tab, UTF-8 with or without its mark) or an Excel workbook (its first sheet), read
//! into rows of text for [`trienkhai_core::criteria::rows::read`]. Numbers typed in Excel come
//! back written the Vietnamese way ("4.000", "2,5"), as the reader expects them; what cannot be
//! read is refused whole (`table_unreadable`), never half read.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_decimal::Decimal;

use crate::{AppError, Result};

/// The largest table file read (a catalogue has a few hundred rows at most).
pub const MAX_TABLE_BYTES: usize = 2 * 1024 * 1024;
/// The most rows and columns kept.
const MAX_ROWS: usize = 1_000;
const MAX_COLUMNS: usize = 30;

fn unreadable() -> AppError {
    AppError::invalid("table_unreadable", "file")
}

/// Reads `bytes` as a workbook when it is one (a ZIP container), else as CSV text.
pub fn read_table(bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    if bytes.len() > MAX_TABLE_BYTES {
        return Err(AppError::invalid("file_too_large", "file"));
    }
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        workbook(bytes)?
    } else {
        csv_text(bytes)?
    };
    if rows.len() > MAX_ROWS {
        return Err(AppError::invalid("too_many", "file"));
    }
    Ok(rows
        .into_iter()
        .map(|r| r.into_iter().take(MAX_COLUMNS).collect::<Vec<_>>())
        .filter(|r: &Vec<String>| r.iter().any(|c| !c.trim().is_empty()))
        .collect())
}

fn csv_text(bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    let text = std::str::from_utf8(bytes).map_err(|_| unreadable())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    // The separator the heading line uses most: offices' Excel writes ';' where ',' is a decimal.
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| unreadable())?;
        rows.push(record.iter().map(str::to_owned).collect());
        if rows.len() > MAX_ROWS {
            break;
        }
    }
    Ok(rows)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) => Decimal::try_from(*f)
            .map(|d| trienkhai_core::vn::format_decimal(&d.normalize(), 6))
            .unwrap_or_else(|_| f.to_string()),
        Data::Int(i) => trienkhai_core::vn::format_decimal(&Decimal::from(*i), 0),
        other => other.to_string(),
    }
}

fn workbook(bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or_else(unreadable)?
        .map_err(|_| unreadable())?;
    Ok(sheet
        .rows()
        .take(MAX_ROWS + 1)
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_semicolon_table_with_its_mark_is_read_and_garbage_refused() {
        let rows =
            read_table("\u{feff}Mã;Tiêu chí;Ngưỡng\n10;Thu nhập;60\n;;\n".as_bytes()).unwrap();
        assert_eq!(
            rows,
            vec![
                vec!["Mã".to_owned(), "Tiêu chí".to_owned(), "Ngưỡng".to_owned()],
                vec!["10".to_owned(), "Thu nhập".to_owned(), "60".to_owned()],
            ]
        );
        assert!(matches!(
            read_table(&[0xff, 0xfe, 0x00]),
            Err(AppError::Invalid(e)) if e.code == "table_unreadable"
        ));
        assert!(matches!(
            read_table(b"PK\x03\x04 not a workbook"),
            Err(AppError::Invalid(e)) if e.code == "table_unreadable"
        ));
    }

    #[test]
    fn excel_numbers_come_back_written_the_vietnamese_way() {
        assert_eq!(cell_text(&Data::Float(4000.0)), "4.000");
        assert_eq!(cell_text(&Data::Float(2.5)), "2,5");
        assert_eq!(cell_text(&Data::Int(75)), "75");
        assert_eq!(cell_text(&Data::String("tối thiểu".into())), "tối thiểu");
    }
}
