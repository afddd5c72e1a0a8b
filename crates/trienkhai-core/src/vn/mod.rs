//! Vietnamese conventions: NFC text, diacritic-insensitive folding, collation, `1.234,56` numbers
//! and dd/mm/yyyy dates.

pub mod date;
pub mod number;
pub mod text;

pub mod time;

pub use date::{DateError, format_date, format_date_long_vi, parse_date};
pub use number::{NumberError, format_decimal, format_percent, parse_decimal};
pub use text::{
    CollationKey, SORT_KEY_CHARS, clean_paragraphs, clean_text, cmp_vi, collation_key,
    contains_folded, fold, is_nfc, nfc, sort_key,
};
