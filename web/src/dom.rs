//! The few browser calls the app makes, each one fallible and quiet: a missing window,
//! element or API gives a default, never a panic.

use wasm_bindgen::{JsCast, JsValue};

/// What a component renders when it has nothing to show: an empty text node, not no node
/// at all. yew 0.23 panics ("failed to insert node before next sibling", yewstack/yew#4092,
/// fixed after that release) when, in one render, a sibling list gains a node before a
/// component that renders no node and loses one after it — a search that found nothing,
/// then one with dated results, did that to the results page. A component that always
/// renders a node is never that middle sibling.
pub fn nothing() -> yew::Html {
    yew::html! { "" }
}

/// Ask `message` with the browser's own confirmation box; true when confirmed (or when no
/// box can be shown, so that nothing is ever stuck behind a missing window).
pub fn confirm(message: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(true)
}

/// `location.hash` (empty when unavailable).
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// `location.href` (empty when unavailable).
pub fn location_href() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// The NFKC form of `text` by the browser's `String.prototype.normalize`, so that the app's
/// wasm carries no Unicode normalization tables (see `quxian_core::Query::parse_with`).
pub fn nfkc(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    return js_sys::JsString::from(text).normalize("NFKC").into();
    // Native unit tests of the app's logic have no JavaScript engine: text stays as it is.
    #[cfg(not(target_arch = "wasm32"))]
    return text.to_string();
}

/// Save `contents` as a file called `name` through a temporary `blob:` link (the page
/// keeps no copy; the address is revoked a minute later, after the browser has read it).
pub fn download(name: &str, mime: &str, contents: &str) -> Result<(), wasm_bindgen::JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no document"))?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// A high-resolution timestamp in milliseconds (`performance.now()`), 0 when unavailable.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Let the browser run its other work (input, painting) before the caller goes on: a
/// message to itself through a `MessageChannel`, which, unlike `setTimeout(0)`, is not held
/// back 4 ms once nested. Goes on at once where there is no `MessageChannel`.
pub async fn yield_to_browser() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let arrived = js_sys::Promise::new(&mut |resolve, _| {
        channel.port1().set_onmessage(Some(&resolve));
    });
    if channel
        .port2()
        .post_message(&wasm_bindgen::JsValue::NULL)
        .is_ok()
    {
        let _ = wasm_bindgen_futures::JsFuture::from(arrived).await;
    }
    channel.port1().set_onmessage(None);
}

/// The bundle to load: `corpus.qx`, or the `?corpus=NAME.qx` page parameter when it names
/// a plain file next to the page. Anything else (paths, URLs, odd characters) is an error,
/// so a link can never make the page fetch from another place.
pub fn bundle_name() -> Result<String, String> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let value = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("corpus="));
    match value {
        None => Ok("corpus.qx".to_string()),
        Some(name) if valid_bundle_name(name) => Ok(name.to_string()),
        Some(name) => Err(format!(
            "页面参数 corpus=“{}” 无效：只能是同一目录下的 .qx 文件名（字母、数字、. _ -）",
            shown_param(name)
        )),
    }
}

/// A link parameter's value as a reader wrote it (percent-decoding undone, when it is
/// valid), cut to 60 characters with … where it was cut.
fn shown_param(value: &str) -> String {
    let decoded = js_sys::decode_uri_component(value)
        .ok()
        .and_then(|d| d.as_string())
        .unwrap_or_else(|| value.to_string());
    let mut shown: String = decoded.chars().take(60).collect();
    if decoded.chars().count() > 60 {
        shown.push('…');
    }
    shown
}

/// True for a plain `.qx` file name (letters, digits, `.`, `_`, `-`), never a path.
pub fn valid_bundle_name(name: &str) -> bool {
    name.len() > 3
        && name.len() <= 100
        && name.ends_with(".qx")
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Scroll an element into the middle of the viewport.
pub fn scroll_into_view(element: &web_sys::Element, center: bool) {
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(if center {
        web_sys::ScrollLogicalPosition::Center
    } else {
        web_sys::ScrollLogicalPosition::Nearest
    });
    element.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Focus an element (an input, a button, an SVG map tile) if it can take focus. `focus()`
/// belongs to HTML and SVG elements alike, not to `Element`: called by name, so that a tile
/// (an SVG `g`) takes it too.
pub fn focus(element: &web_sys::Element) {
    call_focus(element, &JsValue::UNDEFINED);
}

/// [`focus`] without scrolling to the element: the view keeps its place (the reader is
/// scrolled to the linked passage, not to its title).
pub fn focus_in_place(element: &web_sys::Element) {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"preventScroll".into(), &JsValue::TRUE);
    call_focus(element, &options);
}

/// `element.focus(options)`, called by name (see [`focus`]).
fn call_focus(element: &web_sys::Element, options: &JsValue) {
    let method = js_sys::Reflect::get(element, &"focus".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(method) = method {
        let _ = method.call1(element, options);
    }
}

/// Whether the focus fell to the page (`<body>`, or nowhere): the element that had it was
/// drawn away.
pub fn focus_lost() -> bool {
    let body = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body());
    match (active_element(), body) {
        (None, _) => true,
        (Some(active), Some(body)) => active == *body.as_ref(),
        (Some(_), None) => false,
    }
}

/// Move the focus from the element an event came from to the first of `selectors` found
/// inside the same app (the app may live in a shadow root, where `document` cannot see it).
pub fn focus_in_app(event: &web_sys::Event, selectors: &[&str]) {
    let target = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let Some(app) = target.and_then(|t| t.closest(".qx-app").ok().flatten()) else {
        return;
    };
    let found = selectors
        .iter()
        .find_map(|s| app.query_selector(s).ok().flatten());
    if let Some(element) = found {
        focus(&element);
    }
}

/// The attributes that tell a filter's control from its siblings: a facet's name, a tile's
/// or cell's district (and a cell's topic), a timeline bar's month.
const CONTROL_KEYS: [&str; 4] = ["data-name", "data-district", "data-topic", "data-date"];

/// Keep the focus across a change of page: the overview's filters (a facet, a tile, a
/// cell, a bar) open the results, which are drawn anew, and the focus fell to the page.
/// Once the next view is drawn, the control with the same `data-testid` and keys as the
/// focused one takes the focus, else the results.
pub fn refocus_after_render() {
    let Some(active) = active_element() else {
        return;
    };
    let (Some(testid), Some(app)) = (
        active.get_attribute("data-testid"),
        active.closest(".qx-app").ok().flatten(),
    ) else {
        return;
    };
    let keys: Vec<Option<String>> = CONTROL_KEYS
        .iter()
        .map(|k| active.get_attribute(k))
        .collect();
    // Yew draws the dispatched view a moment after this event: look once the control that
    // had the focus is gone (it stays when the view keeps it: nothing to do then).
    refocus_when_gone(
        Refocus {
            active,
            app,
            testid,
            keys,
        },
        0,
    );
}

/// What [`refocus_after_render`] waits with: the control that had the focus, and how to
/// find its like.
struct Refocus {
    active: web_sys::Element,
    app: web_sys::Element,
    testid: String,
    keys: Vec<Option<String>>,
}

/// Every 20 ms for at most a second: once `r.active` is gone, focus its like when it is
/// drawn; at the end, the results if nothing has the focus.
fn refocus_when_gone(r: Refocus, tries: u32) {
    gloo_timers::callback::Timeout::new(20, move || {
        if r.active.is_connected() {
            if tries < 50 {
                refocus_when_gone(r, tries + 1);
            }
            return;
        }
        let same = r
            .app
            .query_selector_all(&format!("[data-testid=\"{}\"]", r.testid))
            .ok()
            .and_then(|list| {
                (0..list.length())
                    .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
                    .find(|el| {
                        CONTROL_KEYS
                            .iter()
                            .zip(&r.keys)
                            .all(|(k, v)| el.get_attribute(k) == *v)
                    })
            });
        let results = || r.app.query_selector("#qx-results").ok().flatten();
        match same {
            // Its like may not take the focus (the results' map is closed at first).
            Some(element) => {
                if !focus_if_possible(&element) {
                    results().inspect(focus);
                }
            }
            None if tries < 50 => refocus_when_gone(r, tries + 1),
            None => {
                results().inspect(focus);
            }
        }
    })
    .forget();
}

/// Focus `element`; false when it cannot take focus (detached, hidden, inert, inside a
/// closed `<details>`).
pub fn focus_if_possible(element: &web_sys::Element) -> bool {
    focus(element);
    element
        .owner_document()
        .and_then(|d| d.active_element())
        .as_ref()
        == Some(element)
}

/// The element that has the focus in the page.
pub fn active_element() -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
}

/// True when the event's target is a text field, where plain keys belong to the field.
pub fn in_text_field(event: &web_sys::Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            tag == "input" || tag == "textarea" || el.has_attribute("contenteditable")
        })
}

#[cfg(test)]
mod tests {
    use super::valid_bundle_name;

    #[test]
    fn bundle_names() {
        for ok in ["corpus.qx", "xss.qx", "a-b_c.1.qx"] {
            assert!(valid_bundle_name(ok), "{ok}");
        }
        for bad in [
            "",
            ".qx",
            "..qx",
            "a/b.qx",
            "http://x/a.qx",
            "a.qx?x",
            "%2e.qx",
            "a.txt",
            "../a.qx",
        ] {
            assert!(!valid_bundle_name(bad), "{bad}");
        }
    }
}
