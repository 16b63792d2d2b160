//! Escaping text for HTML and SVG, content and attribute values alike: `&`, `<`, `>`, `"` and `'`
//! become entities, everything else (`/` included, so that links read as written) stays. One
//! implementation for the templates' autoescape (`render::theme`) and the charts
//! (`chart::svg`), so that both write the same entities.

/// Hands `emit` the escaped form of `input`, piece by piece: runs of text between the escaped
/// characters, and their entities.
///
/// No byte of a multi-byte character is one of the five, so bytes are searched, not characters:
/// one at a time in short texts (labels, table cells), with `memchr` in long ones (descriptions,
/// narratives), where it scans many bytes at a time but costs more to start. Each search goes on
/// from where the last one stopped, so no byte is scanned twice.
pub fn escaped_pieces<E>(
    input: &str,
    mut emit: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let bytes = input.as_bytes();
    let mut copied = 0;
    if bytes.len() < 64 {
        for (i, &b) in bytes.iter().enumerate() {
            if let Some(entity) = entity(b) {
                emit(&input[copied..i])?;
                emit(entity)?;
                copied = i + 1;
            }
        }
        return emit(&input[copied..]);
    }
    let find_markup =
        |from: usize| memchr::memchr3(b'&', b'<', b'>', &bytes[from..]).map(|i| i + from);
    let find_quote = |from: usize| memchr::memchr2(b'"', b'\'', &bytes[from..]).map(|i| i + from);
    let (mut markup, mut quote) = (find_markup(0), find_quote(0));
    loop {
        let i = match (markup, quote) {
            (Some(m), Some(q)) => m.min(q),
            (Some(i), None) | (None, Some(i)) => i,
            (None, None) => break,
        };
        emit(&input[copied..i])?;
        emit(entity(bytes[i]).unwrap_or_default())?;
        copied = i + 1;
        if markup == Some(i) {
            markup = find_markup(copied);
        } else {
            quote = find_quote(copied);
        }
    }
    emit(&input[copied..])
}

/// Appends the escaped form of `s` to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    let Ok(()) = escaped_pieces::<std::convert::Infallible>(s, |piece| {
        out.push_str(piece);
        Ok(())
    });
}

/// The escaped form of `s`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// The entity that stands for an ASCII byte, if it needs one.
fn entity(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_mix_of_the_five_as_one_character_at_a_time_would() {
        let reference = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        for s in [
            "",
            "常総市",
            "&",
            "''",
            "\"&\"",
            "<<>>",
            "a'b&c\"d<e>f",
            "「実施」&'達成'<率>\"",
            "&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&\"",
            "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"<",
        ] {
            let long = s.repeat(7);
            for text in [s, long.as_str()] {
                let mut out = String::from("x");
                escape_into(&mut out, text);
                assert_eq!(out[1..], reference(text), "{text}");
            }
        }
    }
}
