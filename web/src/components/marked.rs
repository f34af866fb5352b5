//! Text with highlighted ranges, as text nodes and `<mark>` elements (never markup from the
//! text itself, which is untrusted).

use quxian_core::Snippet;
use yew::prelude::*;

/// Render a snippet's pieces.
pub fn marked(snippet: &Snippet) -> Html {
    marked_pieces(snippet.pieces())
}

/// Render (text, highlighted) pieces.
pub fn marked_pieces<'a>(pieces: impl IntoIterator<Item = (&'a str, bool)>) -> Html {
    pieces
        .into_iter()
        .map(|(piece, highlighted)| {
            if highlighted {
                html! { <mark class="qx-mark">{ piece.to_string() }</mark> }
            } else {
                html! { { piece.to_string() } }
            }
        })
        .collect()
}
