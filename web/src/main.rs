use yew::prelude::*;

#[component]
fn App() -> Html {
    html! { <main><h1>{ "区县 quxian" }</h1></main> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
