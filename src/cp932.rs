//! What Shift_JIS (CP932) can hold: the one character test shared by validation, which reports
//! every character of a content text that the `[csv] shift_jis` copies could not hold
//! (`validate/shift_jis.rs`), and by export, which writes those copies (`export/table.rs`).
//!
//! CP932 is Shift_JIS as Windows and the WHATWG Encoding Standard define it (`encoding_rs`'s
//! `SHIFT_JIS`): JIS X 0208 with the NEC and IBM extensions. It lacks the characters added by JIS
//! X 0213 and Unicode since (𠮷, 𡈽, 剝, emoji, the variation selectors of IVS).

use encoding_rs::EncoderResult;

/// The character CP932 uses for a JIS X 0208 character that Unicode converters map two ways: text
/// from Macs and Unix has 〜 (U+301C WAVE DASH) and — (U+2014 EM DASH) where Windows has ～ (U+FF5E)
/// and ― (U+2015). Both are the same Shift_JIS bytes, so the copy keeps the character; only
/// characters JIS and CP932 lack fail.
pub fn cp932_form(c: char) -> char {
    match c {
        '\u{301C}' => '\u{FF5E}', // 〜 → ～
        '\u{2014}' => '\u{2015}', // — → ―
        '\u{2016}' => '\u{2225}', // ‖ → ∥
        '\u{2212}' => '\u{FF0D}', // − → －
        '\u{00A2}' => '\u{FFE0}', // ¢ → ￠
        '\u{00A3}' => '\u{FFE1}', // £ → ￡
        '\u{00AC}' => '\u{FFE2}', // ¬ → ￢
        c => c,
    }
}

/// Whether Shift_JIS (as the WHATWG Encoding Standard defines it: CP932) can hold a character,
/// after [`cp932_form`].
pub fn encodes_in_shift_jis(c: char) -> bool {
    let mut buf = [0u8; 4];
    let c = cp932_form(c);
    let (_, _, had_errors) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
    !had_errors
}

/// Every character of `text` that [`encodes_in_shift_jis`] refuses, with its byte offset, in
/// order. The text is run through the encoder in one pass (ASCII and kanji alike at the
/// encoder's speed, no allocation); only a character the encoder stops at is looked at again,
/// with [`cp932_form`].
pub fn unencodable(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut encoder = encoding_rs::SHIFT_JIS.new_encoder();
    let mut out = [0u8; 1024];
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < text.len() {
            let rest = &text[at..];
            let (result, read, _) =
                encoder.encode_from_utf8_without_replacement(rest, &mut out, true);
            at += read;
            match result {
                EncoderResult::InputEmpty => at = text.len(),
                EncoderResult::OutputFull => {}
                // `read` counts the character the encoder stopped at.
                EncoderResult::Unmappable(c) if !encodes_in_shift_jis(c) => {
                    return Some((at - c.len_utf8(), c));
                }
                EncoderResult::Unmappable(_) => {}
            }
        }
        None
    })
}

/// Whether every character of `text` encodes (see [`unencodable`]).
pub fn encodes_all(text: &str) -> bool {
    unencodable(text).next().is_none()
}

/// A 常用 or JIS X 0208 form CP932 holds for a few characters often met in names, for a hint:
/// 𠮷 → 吉. `None` for the rest.
pub fn common_form(c: char) -> Option<char> {
    Some(match c {
        '\u{20BB7}' => '吉', // 𠮷 (つちよし)
        '\u{2123D}' => '土', // 𡈽 (つちに点)
        '\u{20B9F}' => '叱', // 𠮟 (2010年の常用漢字表の字形)
        '\u{525D}' => '剥',  // 剝
        '\u{9830}' => '頬',  // 頰
        '\u{5861}' => '填',  // 塡
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_unencodable_character_at_its_offset() {
        let text = "a𠮷b😀〜－①髙\u{2014}剝x";
        let found: Vec<(usize, char)> = unencodable(text).collect();
        assert_eq!(found, [(1, '𠮷'), (6, '😀'), (25, '剝')]);
        for (at, c) in &found {
            assert!(text[*at..].starts_with(*c));
            assert!(!encodes_in_shift_jis(*c));
        }
        assert!(encodes_all("令和5〜9年度 第Ⅶ章 ①～⑳ － — ‖ ¢£¬ 髙 﨑 ㈱"));
        assert!(encodes_all(""));
        // Past the encoder's output buffer.
        let long = format!("{}😀", "漢字".repeat(2000));
        assert_eq!(unencodable(&long).collect::<Vec<_>>(), [(12000, '😀')]);
    }

    #[test]
    fn common_forms_encode_and_their_sources_do_not() {
        for c in [
            '\u{20BB7}',
            '\u{2123D}',
            '\u{20B9F}',
            '\u{525D}',
            '\u{9830}',
            '\u{5861}',
        ] {
            let form = common_form(c).unwrap();
            assert!(!encodes_in_shift_jis(c), "{c}");
            assert!(encodes_in_shift_jis(form), "{form}");
        }
        assert_eq!(common_form('😀'), None);
    }
}
