//! Where an explorer runs and how it keeps its view, read once from `mount`'s options.
//!
//! Two modes ([`UrlState`]): the full page keeps the view in `location.hash` (shared links
//! are the address itself); an embed keeps it in the app and makes links that point to the
//! full app, so a link copied from an embed opens the same view when pasted. Everything an
//! instance touches goes through its own [`Host`]: elements are looked up under its root
//! (an embed lives in a shadow root, out of `document.getElementById`'s reach) and events
//! are fired on it. Reading options never fails: a bad or missing field gives the default.

use std::rc::Rc;

use quxian_core::ViewState;
use wasm_bindgen::{JsCast, JsValue};

use crate::dom;

/// Where the view lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlState {
    /// In `location.hash`: the full page.
    Hash,
    /// In the app only: an embed.
    None,
}

/// Where the bundle comes from.
pub enum BundleSource {
    /// The full page's `?corpus=NAME.qx` parameter, else `corpus.qx`.
    PageParam,
    /// A URL given by the host page (relative to the page).
    Url(String),
    /// Bytes given by the host page (the single-file build).
    Bytes(js_sys::Uint8Array),
}

/// One explorer's surroundings.
pub struct Host {
    /// The element the app renders into; in an embed also the scroll container.
    pub root: web_sys::Element,
    /// Where the view lives.
    pub url_state: UrlState,
    /// Where the bundle comes from.
    pub source: BundleSource,
    /// Base of links to the full app in [`UrlState::None`] (the hash is appended).
    pub app_url: String,
    /// The view to start with when the URL gives none.
    pub initial: ViewState,
    /// `"light"` or `"dark"` when the host fixes the theme (a page with one theme of its
    /// own), `None` to follow the system's.
    pub theme: Option<&'static str>,
}

/// The host, shared through props and context; equal only to itself.
#[derive(Clone)]
pub struct HostRef(pub Rc<Host>);

impl PartialEq for HostRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for HostRef {
    type Target = Host;
    fn deref(&self) -> &Host {
        &self.0
    }
}

impl From<Rc<Host>> for HostRef {
    fn from(host: Rc<Host>) -> Self {
        HostRef(host)
    }
}

impl Host {
    /// Read `mount`'s options (see the crate docs for the fields).
    pub fn new(root: web_sys::Element, options: &JsValue) -> Host {
        let url_state = match string(options, "urlState").as_deref() {
            Some("hash") => UrlState::Hash,
            _ => UrlState::None,
        };
        let src = string(options, "src").filter(|s| !s.trim().is_empty());
        let bytes = bundle_bytes(&get(options, "bundleBytes"));
        let source = match (bytes, &src) {
            (Some(bytes), _) => BundleSource::Bytes(bytes),
            (None, Some(src)) => BundleSource::Url(src.clone()),
            (None, None) => BundleSource::PageParam,
        };
        let app_url = string(options, "appUrl")
            .and_then(|url| link_target(&url))
            .unwrap_or_else(|| default_app_url(src.as_deref().unwrap_or("corpus.qx")));
        let initial = ViewState {
            query: string(options, "query").unwrap_or_default(),
            districts: names(&get(options, "district")),
            topics: names(&get(options, "topic")),
            ..ViewState::default()
        };
        let theme = match string(options, "theme").as_deref() {
            Some("light") => Some("light"),
            Some("dark") => Some("dark"),
            _ => None,
        };
        Host {
            root,
            url_state,
            source,
            app_url,
            initial,
            theme,
        }
    }

    /// The view to open with, and notices about the link: the hash in [`UrlState::Hash`]
    /// mode when it has one, else the initial view from the options.
    pub fn start_view(&self) -> (ViewState, Vec<String>) {
        if self.url_state == UrlState::Hash {
            let hash = dom::location_hash();
            if !hash.trim_start_matches('#').is_empty() {
                return ViewState::parse(&hash);
            }
        }
        (self.initial.clone(), Vec::new())
    }

    /// The `href` of a link inside the app to `view`: the hash on the full page, the full
    /// app's address in an embed (so a middle click opens the full app there).
    pub fn href(&self, view: &ViewState) -> String {
        match self.url_state {
            UrlState::Hash => view.to_hash(),
            UrlState::None => format!("{}{}", self.app_url, view.to_hash()),
        }
    }

    /// The absolute address to share for `view`.
    pub fn share_url(&self, view: &ViewState) -> String {
        match self.url_state {
            UrlState::Hash => {
                let href = dom::location_href();
                let base = href.split('#').next().unwrap_or_default();
                format!("{base}{}", view.to_hash())
            }
            UrlState::None => self.href(view),
        }
    }

    /// Whether this explorer offers the user's own libraries (import, switching, `lib=`):
    /// the full page only, not embeds or the single-file build (which has no worker or
    /// `quxian-library.js` next to it).
    pub fn libraries(&self) -> bool {
        self.url_state == UrlState::Hash && !matches!(self.source, BundleSource::Bytes(_))
    }

    /// The element with this id under this explorer's root.
    pub fn element_by_id(&self, id: &str) -> Option<web_sys::Element> {
        let selector = format!("[id=\"{}\"]", id.replace(['"', '\\'], ""));
        self.root.query_selector(&selector).ok().flatten()
    }

    /// Scroll the explorer to its top: the page on the full page, the embed's own box in
    /// an embed (never the host page).
    pub fn scroll_to_top(&self) {
        match self.url_state {
            UrlState::Hash => {
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
            UrlState::None => self.root.set_scroll_top(0),
        }
    }

    /// Scroll `element` into view (to the middle with `center`, else just into sight): the
    /// page on the full page; in an embed only the explorer's own box, never the host page
    /// around it (the browser's `scrollIntoView` scrolls every box up to the page).
    pub fn scroll_into_view(&self, element: &web_sys::Element, center: bool) {
        if self.url_state == UrlState::Hash {
            dom::scroll_into_view(element, center);
            return;
        }
        let (frame, item) = (
            self.root.get_bounding_client_rect(),
            element.get_bounding_client_rect(),
        );
        let room = f64::from(self.root.client_height());
        let top = f64::from(self.root.scroll_top()) + item.top() - frame.top();
        let target = if center {
            top - (room - item.height()) / 2.0
        } else if item.top() < frame.top() {
            top
        } else if item.bottom() > frame.top() + room {
            top + item.height() - room
        } else {
            return;
        };
        self.root.set_scroll_top(target.max(0.0) as i32);
    }

    /// Fire `quxian-viewchange` on the root; it bubbles out of a shadow root to its host.
    pub fn emit_view(&self, view: &ViewState) {
        let detail = js_sys::Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = js_sys::Reflect::set(&detail, &k.into(), &v);
        };
        let list = |names: &[String]| {
            JsValue::from(
                names
                    .iter()
                    .map(|n| JsValue::from_str(n))
                    .collect::<js_sys::Array>(),
            )
        };
        set("query", view.query.as_str().into());
        set("districts", list(&view.districts));
        set("topics", list(&view.topics));
        set(
            "doc",
            view.doc.as_deref().map_or(JsValue::NULL, JsValue::from),
        );
        set("passage", view.passage.map_or(JsValue::NULL, JsValue::from));
        set("hash", view.to_hash().into());
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(event) =
            web_sys::CustomEvent::new_with_event_init_dict("quxian-viewchange", &init)
        {
            let _ = self.root.dispatch_event(&event);
        }
    }
}

fn get(options: &JsValue, key: &str) -> JsValue {
    if !options.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(options, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn string(options: &JsValue, key: &str) -> Option<String> {
    get(options, key).as_string()
}

/// Names from an array of strings, or from one string separated by commas or spaces.
fn names(value: &JsValue) -> Vec<String> {
    let raw: Vec<String> = if js_sys::Array::is_array(value) {
        js_sys::Array::from(value)
            .iter()
            .filter_map(|v| v.as_string())
            .collect()
    } else {
        value.as_string().into_iter().collect()
    };
    split_names(&raw)
}

fn split_names(raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in raw {
        for name in s.split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace()) {
            if !name.is_empty() && !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// `url` made absolute, when it may be the target of the links an embed makes: an http(s)
/// address, or one relative to the page (which keeps the page's own scheme, `file:` for the
/// single-file build). `javascript:`, `data:` and other schemes are refused, so an
/// attribute cannot turn every result link into script.
fn link_target(url: &str) -> Option<String> {
    let absolute = web_sys::Url::new_with_base(url.trim(), &base_uri()?).ok()?;
    let page = web_sys::Url::new(&base_uri()?).ok()?.protocol();
    // The view's own hash is appended: a fragment of the given address would come first.
    absolute.set_hash("");
    allowed_link_scheme(url, &absolute.protocol(), &page).then(|| absolute.href())
}

/// See [`link_target`]: `protocol` is the resolved URL's (`https:`), `page` the page's.
fn allowed_link_scheme(url: &str, protocol: &str, page: &str) -> bool {
    let relative = !url.trim().contains(':') || url.trim().starts_with(['/', '.', '?', '#']);
    matches!(protocol, "http:" | "https:") || (relative && protocol == page)
}

fn base_uri() -> Option<String> {
    web_sys::window()?.document()?.base_uri().ok()?
}

/// `mount`'s `bundleBytes`: a `Uint8Array`, or an `ArrayBuffer` (what
/// `response.arrayBuffer()` gives) seen through one.
fn bundle_bytes(value: &JsValue) -> Option<js_sys::Uint8Array> {
    if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Some(js_sys::Uint8Array::new(buffer));
    }
    value.clone().dyn_into::<js_sys::Uint8Array>().ok()
}

/// `url` made absolute against the page's base URL.
fn resolve(url: &str) -> Option<String> {
    Some(web_sys::Url::new_with_base(url, &base_uri()?).ok()?.href())
}

/// `index.html` in the bundle's directory, naming the bundle when it is not the default.
fn default_app_url(src: &str) -> String {
    let Some(absolute) = resolve(src) else {
        return "index.html".to_string();
    };
    let path = absolute.split(['?', '#']).next().unwrap_or_default();
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let param = if name == "corpus.qx" || !dom::valid_bundle_name(name) {
        String::new()
    } else {
        format!("?corpus={name}")
    };
    format!("{dir}/index.html{param}")
}

#[cfg(test)]
mod tests {
    use super::{allowed_link_scheme, split_names};

    #[test]
    fn link_targets_are_http_or_relative() {
        let cases = [
            ("https://example.org/app/", "https:", "http:", true),
            ("index.html", "http:", "http:", true),
            ("../app/index.html", "file:", "file:", true),
            ("javascript:alert(1)", "javascript:", "http:", false),
            (" JavaScript:alert(1)", "javascript:", "javascript:", false),
            ("data:text/html,<script>", "data:", "http:", false),
            ("file:///etc/passwd", "file:", "http:", false),
            ("file:///etc/passwd", "file:", "file:", false),
        ];
        for (url, protocol, page, allowed) in cases {
            assert_eq!(allowed_link_scheme(url, protocol, page), allowed, "{url}");
        }
    }

    #[test]
    fn names_split_on_commas_and_spaces() {
        let got = split_names(&["北碚, 渝北、江北  北碚".to_string(), "万州".to_string()]);
        assert_eq!(got, ["北碚", "渝北", "江北", "万州"]);
        assert!(split_names(&[String::new()]).is_empty());
    }
}
