//! Whether a component is still on screen, for work that outlives a click: 分片打开 writes
//! a library's pieces for seconds, and a dialog closed meanwhile must not be followed by the
//! tab leaving for the site page.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

/// True until the component is removed.
#[hook]
pub fn use_mounted() -> Rc<Cell<bool>> {
    let mounted = use_memo((), |_| Cell::new(true));
    {
        let mounted = mounted.clone();
        use_effect_with((), move |_| move || mounted.set(false));
    }
    mounted
}
