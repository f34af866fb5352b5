//! The user's saved libraries, read from IndexedDB (through `library.rs`) when asked.
//!
//! Nothing is read until `refresh` is called or `eager` is set (the view names a library),
//! so the built-in corpus never loads `quxian-library.js`. The list is data from storage,
//! like the corpus, not an input of the reducer.

use std::rc::Rc;

use yew::prelude::*;

use crate::library::{self, LibraryMeta};

/// The list and a way to reread it.
#[derive(Clone, PartialEq)]
pub struct Libraries {
    /// Saved libraries, newest first (empty until read).
    pub list: Rc<Vec<LibraryMeta>>,
    /// Why the list could not be read, if it could not.
    pub error: Option<AttrValue>,
    /// Read the list again (after an import, a rename, a delete).
    pub refresh: Callback<()>,
}

/// Keep the list of saved libraries; read it at once when `eager`.
#[hook]
pub fn use_libraries(eager: bool) -> Libraries {
    let list = use_state(|| Rc::new(Vec::new()));
    let error = use_state(|| None::<AttrValue>);
    let refresh = {
        let (list, error) = (list.clone(), error.clone());
        use_callback((), move |(), _| {
            let (list, error) = (list.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match library::list().await {
                    Ok(l) => {
                        list.set(Rc::new(l));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.into())),
                }
            });
        })
    };
    {
        let refresh = refresh.clone();
        use_effect_with(eager, move |eager| {
            if *eager {
                refresh.emit(());
            }
        });
    }
    Libraries {
        list: (*list).clone(),
        error: (*error).clone(),
        refresh,
    }
}
