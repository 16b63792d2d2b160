//! The zip of a municipality's CSV files (with README.txt and datapackage.json, at the same
//! relative paths, so the package validates inside the unpacked zip too) and `SHA256SUMS` in the
//! format `sha256sum -c` reads.
//!
//! The zip is deterministic: entries in the order given, every timestamp 1980-01-01 00:00 (the
//! zip epoch), permissions 0644, so that the same content always builds the same bytes.

use super::datapackage::sha256_hex;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

/// A zip of `(path, bytes)` entries, deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Result<Vec<u8>, String> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (path, bytes) in entries {
        w.start_file(*path, options)
            .map_err(|e| format!("{path}: {e}"))?;
        w.write_all(bytes).map_err(|e| format!("{path}: {e}"))?;
    }
    w.finish()
        .map(Cursor::into_inner)
        .map_err(|e| e.to_string())
}

/// `SHA256SUMS`: one `hex  path` line per file (two spaces, as `sha256sum` writes in text mode),
/// sorted by path, LF line ends.
pub fn sha256sums(files: &[(&str, &[u8])]) -> Vec<u8> {
    sha256sums_of(
        files
            .iter()
            .map(|(path, bytes)| (path.to_string(), sha256_hex(bytes)))
            .collect(),
    )
}

/// [`sha256sums`] of files already hashed: `(path, hex)` in any order.
pub fn sha256sums_of(mut files: Vec<(String, String)>) -> Vec<u8> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::with_capacity(files.len() * 100);
    for (path, hex) in files {
        out.push_str(&hex);
        out.push_str("  ");
        out.push_str(&path);
        out.push('\n');
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn zips_are_deterministic_and_readable() {
        let entries: [(&str, &[u8]); 2] = [
            ("README.txt", b"hello"),
            ("plan/\u{5e83}\u{57df}/indicators.csv", b"a,b\r\n1,2\r\n"),
        ];
        let a = zip(&entries).unwrap();
        assert_eq!(a, zip(&entries).unwrap());
        let mut archive = zip::ZipArchive::new(Cursor::new(a)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut f = archive.by_name("plan/広域/indicators.csv").unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        assert_eq!(s, "a,b\r\n1,2\r\n");
    }

    #[test]
    fn sums_read_like_sha256sum() {
        let s = sha256sums(&[("b.csv", b"abc"), ("a.csv", b"")]);
        assert_eq!(
            String::from_utf8(s).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.csv\n\
             ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  b.csv\n"
        );
    }
}
