//! Live reload: the small script `kohyo serve` adds to every HTML page it serves (never to what
//! `kohyo build` writes), and the page shown instead of the site while it has errors.
//!
//! The script listens to Server-Sent Events at [`EVENTS_PATH`]; the server sends the site's
//! version (a counter raised by every reload) when the stream opens and whenever it changes, and
//! the page reloads itself when the version differs from the one it was served at.

use crate::render::theme::escape;

/// The reserved path of the event stream. No page can stand there: municipality folder names
/// cannot start with `_`.
pub(crate) const EVENTS_PATH: &str = "__kohyo/events";

/// Marks the script, so that tests (and people) can find it.
pub(crate) const MARKER: &str = "kohyo-live-reload";

/// The script for a page served at `version`.
pub(crate) fn script(version: u64) -> String {
    format!(
        "<script id=\"{MARKER}\">(function(){{var v=\"{version}\";\
var s=new EventSource(\"/{EVENTS_PATH}\");\
s.onmessage=function(e){{if(e.data!==v){{s.close();location.reload();}}}};}})();</script>\n"
    )
}

/// `html` with the script inserted before its last `</body>` (at the end when it has none).
pub(crate) fn inject(html: &[u8], version: u64) -> Vec<u8> {
    let script = script(version);
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The page shown for every HTML request while the site has errors: the diagnostics as the
/// terminal shows them, escaped, with the live-reload script so that fixing the file brings the
/// page back by itself.
pub(crate) fn error_page(diagnostics: &str, version: u64) -> Vec<u8> {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>エラー：サイトを表示できません | kohyo serve</title>\n\
<style>body{{font-family:sans-serif;margin:2rem;line-height:1.6;color:#1a1a1a}}\
pre{{white-space:pre-wrap;background:#f4f4f4;border-left:4px solid #b00020;padding:1rem;overflow-x:auto}}</style>\n\
</head>\n<body>\n<main>\n<h1>エラー：サイトを表示できません</h1>\n\
<p role=\"alert\">内容またはテンプレートにエラーがあります。次のファイルと行を直して保存すると、このページは自動で更新されます。</p>\n\
<h2>エラーの一覧</h2>\n<pre>{}</pre>\n</main>\n</body>\n</html>\n",
        escape(diagnostics.trim_end())
    );
    inject(html.as_bytes(), version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let page = b"<html><body><p>x</p></body></html>";
        let out = String::from_utf8(inject(page, 7)).unwrap();
        assert!(out.contains("var v=\"7\""));
        let script = out.find(MARKER).unwrap();
        assert!(script > out.find("<p>x</p>").unwrap());
        assert!(script < out.find("</body>").unwrap());
        let bare = String::from_utf8(inject(b"<p>x</p>", 1)).unwrap();
        assert!(bare.starts_with("<p>x</p><script"));
    }

    #[test]
    fn error_page_escapes_the_diagnostics() {
        let page = String::from_utf8(error_page("error: <b>bad</b> & \"x\"", 3)).unwrap();
        assert!(page.contains("lang=\"ja\""));
        assert!(page.contains("error: &lt;b&gt;bad&lt;/b&gt; &amp; &quot;x&quot;"));
        assert!(!page.contains("<b>bad"));
        assert!(page.contains(MARKER));
    }
}
