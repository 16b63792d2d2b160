//! Where pages live: site-relative routes (`joso/2024/projects/124/`), the file each one is
//! written to, and the links between them.
//!
//! Every link kohyo writes is relative (`../../kpi/`), so a site works at any address, under a
//! sub-folder and from `file://`; only `404.html`, which a server shows at any depth, links
//! root-relative. Path segments are percent-encoded in links (plan codes may be 「Ⅶ-1」 or
//! Japanese words) while the folders on disk keep the code itself.

use std::path::PathBuf;

/// A page's place in the site, relative to the site root, without a leading slash.
///
/// A directory route ends in `/` and is written to `index.html` inside it (`""` is the home
/// page); a file route (`404.html`, `sitemap.xml`) names the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route(String);

impl Route {
    /// The home page.
    pub fn root() -> Route {
        Route(String::new())
    }

    /// A directory route from its segments: `["joso", "2024"]` → `joso/2024/`.
    pub fn dir<S: AsRef<str>>(segments: &[S]) -> Route {
        let mut s = String::new();
        for seg in segments {
            s.push_str(seg.as_ref());
            s.push('/');
        }
        Route(s)
    }

    /// A file at the site root: `404.html`.
    pub fn file(name: &str) -> Route {
        Route(name.to_string())
    }

    /// The route as written, unencoded: `joso/plan/Ⅶ/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many folders deep the page is written (`joso/2024/` → 2, `404.html` → 0).
    pub fn depth(&self) -> usize {
        self.0.matches('/').count()
    }

    /// The file the page is written to, relative to the output folder.
    pub fn output_path(&self) -> PathBuf {
        let mut p = PathBuf::new();
        for seg in self.0.split('/').filter(|s| !s.is_empty()) {
            p.push(seg);
        }
        if self.0.is_empty() || self.0.ends_with('/') {
            p.push("index.html");
        }
        p
    }

    /// The route percent-encoded segment by segment, for use in a link: `joso/plan/%E2%85%A6/`.
    pub fn encoded(&self) -> String {
        self.encoded_after("")
    }

    /// `prefix`, then [`Route::encoded`]: a link in one allocation.
    pub fn encoded_after(&self, prefix: &str) -> String {
        let mut out = String::with_capacity(prefix.len() + self.0.len());
        out.push_str(prefix);
        for (i, segment) in self.0.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            encode_segment_into(&mut out, segment);
        }
        out
    }

    /// The prefix that leads from this page back to the site root: `../../` for `joso/2024/`,
    /// `./` for the home page.
    pub fn root_prefix(&self) -> String {
        match self.depth() {
            0 => "./".to_string(),
            d => "../".repeat(d),
        }
    }
}

/// Percent-encodes one path segment: everything but ASCII letters, digits and `-._~` (RFC 3986
/// unreserved characters) becomes `%XX` of its UTF-8 bytes.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    encode_segment_into(&mut out, segment);
    out
}

/// Appends [`encode_segment`]`(segment)` to `out`.
fn encode_segment_into(out: &mut String, segment: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
}

/// Whether a link target from content may be written into a page: http, https and mailto URLs,
/// and relative references (no scheme). `javascript:`, `data:` and every other scheme are refused.
pub fn is_safe_link(url: &str) -> bool {
    let trimmed = url.trim();
    let scheme_end = trimmed.find(':');
    let path_start = trimmed.find(['/', '?', '#']);
    match scheme_end {
        // A colon after the first '/', '?' or '#' is part of a relative path, not a scheme.
        Some(c) if path_start.is_none_or(|p| c < p) => {
            let scheme = trimmed[..c].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => !trimmed.chars().any(char::is_control),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_routes_become_index_files() {
        let r = Route::dir(&["joso", "2024", "projects", "124"]);
        assert_eq!(r.as_str(), "joso/2024/projects/124/");
        assert_eq!(r.depth(), 4);
        assert_eq!(
            r.output_path(),
            PathBuf::from("joso/2024/projects/124/index.html")
        );
        assert_eq!(r.root_prefix(), "../../../../");
        assert_eq!(Route::root().output_path(), PathBuf::from("index.html"));
        assert_eq!(Route::root().root_prefix(), "./");
        assert_eq!(Route::file("404.html").depth(), 0);
        assert_eq!(
            Route::file("404.html").output_path(),
            PathBuf::from("404.html")
        );
    }

    #[test]
    fn codes_are_encoded_in_links_but_kept_on_disk() {
        let r = Route::dir(&["joso", "plan", "Ⅶ-1"]);
        assert_eq!(r.encoded(), "joso/plan/%E2%85%A6-1/");
        assert_eq!(r.output_path(), PathBuf::from("joso/plan/Ⅶ-1/index.html"));
        assert_eq!(encode_segment("広域"), "%E5%BA%83%E5%9F%9F");
        assert_eq!(encode_segment("a b+c"), "a%20b%2Bc");
    }

    #[test]
    fn only_web_and_mail_links_pass() {
        for ok in [
            "https://www.city.joso.lg.jp/",
            "http://example.jp",
            "mailto:kikaku@example.lg.jp",
            "../plan/6-1/",
            "#section",
            "page.html?a=b:c",
            "HTTPS://EXAMPLE.JP",
        ] {
            assert!(is_safe_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }
}
