//! What a path segment kohyo writes must be, on every system a city might build or serve on.
//!
//! Codes and folder names from content become folders of the output (`/joso/plan/Ⅶ-1/`). Checking
//! them once, here, against the union of what Linux, macOS and Windows refuse or treat specially
//! keeps content from writing outside the output folder or onto a device: no separators, no `.`
//! or `..`, no control or invisible characters, no Windows device names (`CON`, `nul.txt`,
//! `COM1`) and no trailing dot or space, which Windows silently drops (so `a.` and `a` would be the
//! same folder). [`validate::check_code`](crate::validate::check_code) and
//! [`load::check_slug`](crate::load::check_slug) apply it to content; the writer applies it again
//! to every path it is about to write.

/// Windows device names, reserved in any case and with any extension (`con`, `NUL.txt`).
const DEVICE_NAMES: [&str; 4] = ["CON", "PRN", "AUX", "NUL"];
/// Windows device names followed by a digit 0–9 or a superscript ¹²³ (`COM1`, `LPT¹`).
const NUMBERED_DEVICES: [&str; 2] = ["COM", "LPT"];

/// Checks one path segment; the error says what is wrong, to follow the segment's name in a
/// message ("node code \"CON\" is a device name on Windows").
pub fn check(segment: &str) -> Result<(), String> {
    if segment.is_empty() {
        return Err("is empty".into());
    }
    if segment == "." || segment == ".." {
        return Err(format!(
            "is \"{segment}\", which names a folder, not a file"
        ));
    }
    if let Some(c) = segment
        .chars()
        .find(|c| matches!(c, '/' | '\\') || c.is_control())
    {
        return Err(format!("contains {c:?}, which separates or breaks a path"));
    }
    if let Some(c) = segment.chars().find(|c| is_invisible(*c)) {
        return Err(format!(
            "contains the invisible character U+{:04X}, so two codes that look the same would differ",
            u32::from(c)
        ));
    }
    if segment.ends_with('.') || segment.ends_with(' ') {
        return Err("ends with '.' or a space, which Windows drops from a file name".into());
    }
    if is_device_name(segment) {
        return Err("is a device name on Windows (CON, PRN, AUX, NUL, COM1–9, LPT1–9)".into());
    }
    Ok(())
}

/// Whether Windows treats the segment as a device: the part before the first `.`, without
/// trailing spaces, is a device name in any case (`con`, `Nul.txt`, `COM1 .csv`, `CONIN$`).
pub fn is_device_name(segment: &str) -> bool {
    let stem = segment
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end_matches(' ');
    let upper = stem.to_ascii_uppercase();
    if DEVICE_NAMES.contains(&upper.as_str()) || upper == "CONIN$" || upper == "CONOUT$" {
        return true;
    }
    NUMBERED_DEVICES.iter().any(|d| {
        upper.strip_prefix(d).is_some_and(|rest| {
            let mut chars = rest.chars();
            matches!(
                (chars.next(), chars.next()),
                (Some('0'..='9' | '¹' | '²' | '³'), None)
            )
        })
    })
}

/// Characters that show nothing or reorder text: zero-width spaces and joiners, bidirectional
/// controls (the "Trojan Source" characters), the BOM and soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_in_any_case_and_with_any_extension() {
        for bad in [
            "CON",
            "con",
            "Nul",
            "nul.txt",
            "AUX.tar.gz",
            "PRN",
            "COM1",
            "com9",
            "LPT1",
            "lpt¹",
            "COM1 ",
            "CONIN$",
            "conout$.x",
        ] {
            assert!(is_device_name(bad), "{bad:?}");
        }
        for good in [
            "CONSOLE", "COM", "COM10", "LPT", "NULL", "icon", "aux-1", "Ⅶ-1", "124",
        ] {
            assert!(!is_device_name(good), "{good:?}");
        }
    }

    #[test]
    fn segments_that_escape_or_vanish_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a\\b",
            "a\u{0}b",
            "a\nb",
            "a.",
            "a ",
            "CON",
            "nul.csv",
            "a\u{202E}b",
            "\u{200B}124",
            "\u{FEFF}x",
        ] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
        for good in [
            "124",
            "koiki-gyosei",
            "Ⅶ-1-3",
            "広域連携の推進",
            "a.b",
            "index.html",
        ] {
            assert!(check(good).is_ok(), "{good:?}");
        }
    }
}
