//! Where the keyboard focus lands after a change of page. Opening a document from its
//! result link, or leaving the reader, draws away the element that had the focus, and the
//! browser then puts it on `<body>`: a keyboard or screen-reader user starts again from
//! the top of the page. Only such a lost focus is moved: a user typing in the search box
//! (whose letters may change the page) keeps it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::dom;
use crate::host::HostRef;

/// The page on screen, as far as the focus cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Page {
    Overview,
    Results,
    /// The reader, on the document with this key.
    Reader(String),
}

/// After each change of `page` (not the first page drawn: a fresh load keeps the browser's
/// own focus), a lost focus goes to the new page: the reader's title, or back on the
/// results the title link of the document just read (else the list), or the overview.
#[hook]
pub fn use_focus_landing(host: HostRef, page: Option<Page>) {
    let last: Rc<RefCell<Option<Page>>> = use_memo((), |_| RefCell::new(None));
    use_effect_with(page, move |page| {
        let left = last.replace(page.clone());
        let (Some(left), Some(page)) = (left, page) else {
            return;
        };
        if !dom::focus_lost() {
            return;
        }
        match (landing(&host, &left, page), page) {
            // The reader scrolls to the linked passage itself: its title takes the focus
            // where it is.
            (Some(title), Page::Reader(_)) => dom::focus_in_place(&title),
            // Elsewhere the focus brings its element into sight (the results come back
            // scrolled as the document was).
            (Some(target), _) => dom::focus(&target),
            (None, _) => {}
        }
    });
}

/// The element that takes a lost focus on `page`, reached from `left`.
fn landing(host: &HostRef, left: &Page, page: &Page) -> Option<web_sys::Element> {
    match page {
        Page::Reader(_) => host.element_by_id("qx-reader-title"),
        Page::Results => {
            let read = match left {
                Page::Reader(key) => title_link_of(host, key),
                _ => None,
            };
            read.or_else(|| host.element_by_id("qx-hits"))
                .or_else(|| host.element_by_id("qx-results"))
        }
        Page::Overview => host.element_by_id("qx-results"),
    }
}

/// The title link of the result of the document keyed `key`, if it is listed.
fn title_link_of(host: &HostRef, key: &str) -> Option<web_sys::Element> {
    let groups = host
        .root
        .query_selector_all("[data-testid=doc-group]")
        .ok()?;
    (0..groups.length())
        .filter_map(|i| groups.item(i)?.dyn_into::<web_sys::Element>().ok())
        .find(|g| g.get_attribute("data-doc").as_deref() == Some(key))?
        .query_selector("[data-testid=doc-title]")
        .ok()
        .flatten()
}
