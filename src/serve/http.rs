//! Just enough HTTP/1.1 for a local preview: `GET` and `HEAD`, one request per connection
//! (`Connection: close`), nothing cached by the browser (`Cache-Control: no-store`).
//!
//! Hand-written on `std::net` rather than a server crate: the preview serves a handful of
//! requests per page load from memory, and a thread per connection keeps the live-reload event
//! stream (which never ends) as simple as writing to a socket.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The longest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// A request, as far as the preview cares.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Request {
    /// `HEAD` (headers only) rather than `GET`.
    pub(crate) head: bool,
    /// The decoded path, without its leading `/`, query or fragment: `joso/2024/`.
    pub(crate) path: String,
}

/// Why a request is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// 400: unreadable, or a path that steps out of the site (`..`).
    BadRequest(&'static str),
    /// 405: a method other than GET and HEAD.
    Method,
}

/// Reads a request head from `stream`. `Ok(None)` when the client closed without one.
pub(crate) fn read_request(stream: &TcpStream) -> io::Result<Option<Result<Request, Refused>>> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.take(MAX_HEAD as u64));
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    // Headers are not needed; read them so the client sees its request taken whole.
    let mut header = String::new();
    loop {
        header.clear();
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            break;
        }
    }
    Ok(Some(parse_request_line(line.trim_end())))
}

/// Parses `GET /joso/2024/ HTTP/1.1`.
pub(crate) fn parse_request_line(line: &str) -> Result<Request, Refused> {
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(Refused::BadRequest("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") || parts.next().is_some() {
        return Err(Refused::BadRequest("malformed request line"));
    }
    let head = match method {
        "GET" => false,
        "HEAD" => true,
        _ => return Err(Refused::Method),
    };
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(path) = path.strip_prefix('/') else {
        return Err(Refused::BadRequest("the path must start with /"));
    };
    let path = percent_decode(path).ok_or(Refused::BadRequest("bad percent-encoding"))?;
    if path
        .split('/')
        .any(|seg| seg == ".." || seg == "." || seg.contains(['\\', '\0']))
    {
        return Err(Refused::BadRequest("the path steps out of the site"));
    }
    Ok(Request { head, path })
}

/// Decodes `%XX` escapes into UTF-8; `None` for a bad escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A response to write.
pub(crate) struct Response<'a> {
    /// Status code.
    pub(crate) status: u16,
    /// `Content-Type`.
    pub(crate) content_type: &'a str,
    /// Body (not sent for `HEAD`, though its length is).
    pub(crate) body: &'a [u8],
    /// `Location`, for a redirect.
    pub(crate) location: Option<&'a str>,
}

/// Writes `response` and flushes; the connection is then closed by the caller.
pub(crate) fn write_response(
    stream: &mut impl Write,
    response: &Response<'_>,
    head: bool,
) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.body.len()
    );
    if let Some(location) = response.location {
        out.push_str(&format!("Location: {location}\r\n"));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    if !head {
        stream.write_all(response.body)?;
    }
    stream.flush()
}

/// A plain-text response.
pub(crate) fn text(status: u16, body: &str) -> Response<'_> {
    Response {
        status,
        content_type: "text/plain; charset=utf-8",
        body: body.as_bytes(),
        location: None,
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        _ => "",
    }
}

/// The `Content-Type` of a file by its name.
pub(crate) fn content_type(name: &str) -> &'static str {
    let file = name.rsplit('/').next().unwrap_or(name);
    if name.is_empty() || name.ends_with('/') {
        return "text/html; charset=utf-8";
    }
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "svg" => "image/svg+xml",
        "js" => "text/javascript; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        // SHA256SUMS.
        "" if file == "SHA256SUMS" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths_and_refuses_traversal() {
        let ok = |line: &str| parse_request_line(line).unwrap();
        assert_eq!(
            ok("GET /joso/2024/?x=1 HTTP/1.1"),
            Request {
                head: false,
                path: "joso/2024/".into()
            }
        );
        assert_eq!(ok("HEAD / HTTP/1.0").path, "");
        assert!(ok("HEAD / HTTP/1.0").head);
        assert_eq!(
            ok("GET /joso/plan/%E2%85%A6-1/ HTTP/1.1").path,
            "joso/plan/Ⅶ-1/"
        );
        for bad in [
            "GET /../kohyo.toml HTTP/1.1",
            "GET /joso/../../etc/passwd HTTP/1.1",
            "GET /%2e%2e/kohyo.toml HTTP/1.1",
            "GET /%2E%2E%2Fkohyo.toml HTTP/1.1",
            "GET /joso/%2e%2e/%2e%2e/x HTTP/1.1",
            "GET /..%5ckohyo.toml HTTP/1.1",
            "GET /a%00b HTTP/1.1",
            "GET /%zz HTTP/1.1",
            "GET /%ff HTTP/1.1",
            "GET joso/ HTTP/1.1",
            "GET / FTP/1.0",
            "GET /",
        ] {
            assert!(
                matches!(parse_request_line(bad), Err(Refused::BadRequest(_))),
                "{bad}"
            );
        }
        assert_eq!(parse_request_line("POST / HTTP/1.1"), Err(Refused::Method));
    }

    #[test]
    fn types_by_extension() {
        assert_eq!(content_type(""), "text/html; charset=utf-8");
        assert_eq!(content_type("joso/2024/"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("joso/2024/kpi.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("joso/joso-csv.zip"), "application/zip");
        assert_eq!(content_type("joso/datapackage.json"), "application/json");
        assert_eq!(content_type("joso/SHA256SUMS"), "text/plain; charset=utf-8");
        assert_eq!(content_type("404.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a/b.unknown"), "application/octet-stream");
    }

    #[test]
    fn head_sends_the_length_but_no_body() {
        let mut out = Vec::new();
        let r = Response {
            status: 200,
            content_type: "text/css; charset=utf-8",
            body: b"body{}",
            location: None,
        };
        write_response(&mut out, &r, true).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("HTTP/1.1 200 OK\r\n"), "{s}");
        assert!(s.contains("Content-Length: 6\r\n"));
        assert!(s.contains("Cache-Control: no-store\r\n"));
        assert!(s.ends_with("\r\n\r\n"));
    }
}
