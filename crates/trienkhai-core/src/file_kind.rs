//! What kind of file an upload is, judged from its structure rather than its first bytes: a
//! PDF must start with a version header and end with its end-of-file marker, a Word or Excel
//! file must be a whole ZIP archive (its central directory found from the end) holding the
//! parts that make it one, an old Office file must carry the full compound-file signature, and
//! an image its header and its end. `%PDF` followed by a program is refused.

/// The kinds offices file, with the content type each is served as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Docx,
    Xlsx,
    /// Word 97–2003 or Excel 97–2003 (one compound-file format).
    LegacyOffice,
    Png,
    Jpeg,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::LegacyOffice => "application/octet-stream",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
        }
    }
}

/// The kind of `bytes` if they are what the file name's extension says, else `None`.
pub fn sniff(file_name: &str, bytes: &[u8]) -> Option<FileKind> {
    let lower = file_name.to_lowercase();
    let ext = lower.rsplit('.').next().unwrap_or("");
    let kind = match ext {
        "pdf" => FileKind::Pdf,
        "docx" => FileKind::Docx,
        "xlsx" => FileKind::Xlsx,
        "doc" | "xls" => FileKind::LegacyOffice,
        "png" => FileKind::Png,
        "jpg" | "jpeg" => FileKind::Jpeg,
        _ => return None,
    };
    let whole = match kind {
        FileKind::Pdf => is_pdf(bytes),
        FileKind::Docx => zip_holds(bytes, &["[Content_Types].xml", "word/document.xml"]),
        FileKind::Xlsx => zip_holds(bytes, &["[Content_Types].xml", "xl/workbook.xml"]),
        FileKind::LegacyOffice => is_compound_file(bytes),
        FileKind::Png => is_png(bytes),
        FileKind::Jpeg => is_jpeg(bytes),
    };
    whole.then_some(kind)
}

fn tail(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[bytes.len().saturating_sub(n)..]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `%PDF-d.d` at the start and `%%EOF` in the last kilobyte (writers may add a line after it).
fn is_pdf(bytes: &[u8]) -> bool {
    let header = bytes.get(..8).unwrap_or_default();
    header.starts_with(b"%PDF-")
        && header[5].is_ascii_digit()
        && header[6] == b'.'
        && header[7].is_ascii_digit()
        && contains(tail(bytes, 1024), b"%%EOF")
}

fn le16(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn le32(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// The names in a ZIP archive's central directory, found through the end-of-central-directory
/// record (searched for in the last 64 KiB, the longest comment plus the record); `None` when
/// the archive is not whole.
fn zip_entry_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let search_from = bytes.len().saturating_sub(65_535 + 22);
    let eocd = (search_from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))?;
    let entries = le16(bytes, eocd + 10)?;
    let mut at = le32(bytes, eocd + 16)?;
    if at >= eocd {
        return None;
    }
    let mut names = Vec::with_capacity(entries);
    for _ in 0..entries {
        if !bytes.get(at..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let (name_len, extra_len, comment_len) = (
            le16(bytes, at + 28)?,
            le16(bytes, at + 30)?,
            le16(bytes, at + 32)?,
        );
        names.push(bytes.get(at + 46..at + 46 + name_len)?);
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(names)
}

fn zip_holds(bytes: &[u8], parts: &[&str]) -> bool {
    zip_entry_names(bytes)
        .is_some_and(|names| parts.iter().all(|part| names.contains(&part.as_bytes())))
}

/// The compound-file signature, its byte-order mark and whole 512-byte sectors.
fn is_compound_file(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        && bytes.get(28..30) == Some(&[0xFE, 0xFF])
        && bytes.len() >= 1024
        && bytes.len().is_multiple_of(512)
}

/// The PNG signature, an `IHDR` chunk first and an `IEND` chunk last.
fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        && bytes.get(12..16) == Some(b"IHDR")
        && contains(tail(bytes, 12), b"IEND")
}

/// Start-of-image first and end-of-image near the end (cameras may pad after it).
fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && contains(tail(bytes, 4096), &[0xFF, 0xD9])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored (uncompressed) ZIP archive of empty files with these names.
    pub fn zip_of(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for name in names {
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 12]); // crc, sizes
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let start = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn a_pdf_header_in_front_of_a_program_is_not_a_pdf() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
        assert_eq!(sniff("bao-cao.pdf", &pdf), Some(FileKind::Pdf));
        let mut disguised = b"%PDF".to_vec();
        disguised.extend_from_slice(b"\x7fELF\x02\x01\x01\0");
        disguised.extend(std::iter::repeat_n(0u8, 4096));
        assert_eq!(sniff("bao-cao.pdf", &disguised), None);
        // The right bytes under the wrong name are refused too.
        assert_eq!(sniff("bao-cao.docx", &pdf), None);
        assert_eq!(sniff("bao-cao.exe", &pdf), None);
    }

    #[test]
    fn office_files_must_be_whole_archives_with_their_parts() {
        let docx = zip_of(&["[Content_Types].xml", "word/document.xml"]);
        let xlsx = zip_of(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(sniff("ke-hoach.docx", &docx), Some(FileKind::Docx));
        assert_eq!(sniff("so-lieu.xlsx", &xlsx), Some(FileKind::Xlsx));
        assert_eq!(sniff("so-lieu.xlsx", &docx), None);
        // A ZIP header and nothing else, or an archive cut short, is not a document.
        assert_eq!(sniff("ke-hoach.docx", b"PK\x03\x04rest-of-a-program"), None);
        assert_eq!(sniff("ke-hoach.docx", &docx[..docx.len() - 10]), None);
        let mut legacy = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        legacy.resize(28, 0);
        legacy.extend_from_slice(&[0xFE, 0xFF]);
        legacy.resize(1536, 0);
        assert_eq!(sniff("cu.doc", &legacy), Some(FileKind::LegacyOffice));
        assert_eq!(sniff("cu.xls", &legacy[..1000]), None);
    }

    #[test]
    fn images_need_their_header_and_their_end() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&[0; 17]);
        png.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82");
        assert_eq!(sniff("anh.png", &png), Some(FileKind::Png));
        assert_eq!(sniff("anh.png", &png[..20]), None);
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9];
        assert_eq!(sniff("anh.JPG", &jpeg), Some(FileKind::Jpeg));
        assert_eq!(sniff("anh.jpg", &jpeg[..6]), None);
    }
}
