//! `serve`: a small static file server for `dist/`, bound to 127.0.0.1 only.
//!
//! GET and HEAD, one thread per connection, one request per connection
//! (`Connection: close`). Every response says `Cache-Control: no-cache`, so a rebuilt
//! `dist/` is picked up on reload. Paths are percent-decoded and any `..`, backslash or
//! NUL segment is refused; the resolved file must lie inside the served directory even
//! after following symlinks. Not meant for anything but local development and tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::Args;

pub fn task(root: &Path, mut args: Args) -> Result<()> {
    let port: u16 = match args.value(&["--port", "-p"])? {
        Some(p) => p
            .parse()
            .with_context(|| format!("--port: `{p}` is not a port number"))?,
        None => 8080,
    };
    let docs = args.value(&["--docs"])?;
    let dir = args
        .value(&["--dir"])?
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("dist"));
    let no_build = args.switch("--no-build");
    args.finish("serve")?;
    if !no_build {
        crate::dist::run(root)?;
    }
    // `--docs DIR`: those documents as a site index (fetched piece by piece) with its
    // search page, built by the real CLI into target/site/.
    let dir = match docs {
        Some(docs) => {
            let site = root.join("target/site");
            let app = dir.to_string_lossy();
            crate::dist::run_cli(&["build", &docs, "--site", "target/site", "--app", &app])?;
            site
        }
        None => dir,
    };
    let server = Server::bind(port, &dir)?;
    println!("serving {} at {}", dir.display(), server.url());
    server.run()
}

pub struct Server {
    listener: TcpListener,
    dir: PathBuf,
}

impl Server {
    /// Binds 127.0.0.1:`port`; port 0 picks a free one.
    pub fn bind(port: u16, dir: &Path) -> Result<Server> {
        let dir = dir.canonicalize().with_context(|| {
            format!("{} does not exist (run `cargo xtask dist`)", dir.display())
        })?;
        if !dir.is_dir() {
            bail!("{} is not a directory", dir.display());
        }
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .with_context(|| format!("binding 127.0.0.1:{port}"))?;
        Ok(Server { listener, dir })
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.addr().port())
    }

    /// Serves until the process ends.
    pub fn run(self) -> Result<()> {
        for stream in self.listener.incoming() {
            let Ok(stream) = stream else { continue };
            let dir = self.dir.clone();
            std::thread::spawn(move || {
                // A client that hangs up mid-response is not our problem.
                let _ = handle(stream, &dir);
            });
        }
        Ok(())
    }

    /// Serves on a background thread (used by `test`); returns the base URL.
    pub fn spawn(self) -> String {
        let url = self.url();
        std::thread::spawn(move || self.run());
        url
    }
}

fn handle(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?).take(16 * 1024);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers; refuse a request whose head exceeds 16 KiB.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            if reader.limit() == 0 {
                return respond(
                    stream,
                    431,
                    "text/plain; charset=utf-8",
                    b"headers too large\n",
                    true,
                );
            }
            break;
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return respond(
            stream,
            400,
            "text/plain; charset=utf-8",
            b"bad request\n",
            true,
        );
    };
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => {
            return respond(
                stream,
                405,
                "text/plain; charset=utf-8",
                b"method not allowed\n",
                false,
            )
        }
    };
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(rel) = safe_relative_path(path) else {
        return respond(
            stream,
            400,
            "text/plain; charset=utf-8",
            b"bad path\n",
            head_only,
        );
    };
    let mut file = dir.join(&rel);
    if file.is_dir() {
        if !path.ends_with('/') {
            return redirect(stream, &format!("{path}/"));
        }
        file = file.join("index.html");
    }
    // Symlinks must not lead out of the served directory.
    let inside = file
        .canonicalize()
        .map(|f| f.starts_with(dir) && f.is_file())
        .unwrap_or(false);
    if !inside {
        return respond(
            stream,
            404,
            "text/plain; charset=utf-8",
            b"not found\n",
            head_only,
        );
    }
    match std::fs::read(&file) {
        Ok(body) => respond(stream, 200, mime_type(&file), &body, head_only),
        Err(_) => respond(
            stream,
            404,
            "text/plain; charset=utf-8",
            b"not found\n",
            head_only,
        ),
    }
}

/// Percent-decodes a URL path and turns it into a relative path, or `None` for
/// anything that could step outside the root: `..`, backslashes, NUL, bad UTF-8.
fn safe_relative_path(path: &str) -> Option<PathBuf> {
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    let mut rel = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => continue,
            ".." => return None,
            s if s.contains(['\\', '\0']) => return None,
            s => rel.push(s),
        }
    }
    Some(rel)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream", // includes .qx bundles
    }
}

fn redirect(mut stream: TcpStream, location: &str) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\n\
         Cache-Control: no-cache\r\nConnection: close\r\n\r\n"
    )
}

fn respond(
    mut stream: TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "",
    };
    let allow = if status == 405 {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n{allow}Connection: close\r\n\r\n",
        body.len()
    )?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_escape_the_root_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/a%5c..%5cb",
            "/%00",
            "/%zz",
            "x",
        ] {
            assert_eq!(safe_relative_path(bad), None, "{bad} should be refused");
        }
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
        assert_eq!(
            safe_relative_path("/pkg/quxian_web.js"),
            Some(PathBuf::from("pkg/quxian_web.js"))
        );
        assert_eq!(
            safe_relative_path("/%E5%8C%BA.txt"),
            Some(PathBuf::from("区.txt"))
        );
    }

    #[test]
    fn mime_types_cover_the_dist_files() {
        let cases = [
            ("index.html", "text/html; charset=utf-8"),
            ("pkg/quxian_web.js", "text/javascript; charset=utf-8"),
            ("pkg/quxian_web_bg.wasm", "application/wasm"),
            ("corpus.qx", "application/octet-stream"),
            ("styles.css", "text/css; charset=utf-8"),
            ("app.webmanifest", "application/manifest+json"),
        ];
        for (file, mime) in cases {
            assert_eq!(mime_type(Path::new(file)), mime, "{file}");
        }
    }

    #[test]
    fn serves_files_and_404s_over_http() {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "<p>区县</p>").unwrap();
        std::fs::write(dir.join("sub/index.html"), "sub").unwrap();
        let server = Server::bind(0, &dir).unwrap();
        let port = server.addr().port();
        server.spawn();
        let get = |path: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            out
        };
        let index = get("/");
        assert!(index.starts_with("HTTP/1.1 200"), "{index}");
        assert!(index.contains("Content-Type: text/html; charset=utf-8"));
        assert!(index.contains("Cache-Control: no-cache"));
        assert!(index.ends_with("<p>区县</p>"));
        assert!(get("/missing.js").starts_with("HTTP/1.1 404"));
        assert!(get("/../Cargo.toml").starts_with("HTTP/1.1 400"));
        assert!(get("/sub").starts_with("HTTP/1.1 301"));
        assert!(get("/sub/").ends_with("sub"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
